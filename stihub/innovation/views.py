"""Innovation-index pages: datasets, ranking, a unit's profile, the what-if planner, publishing.

Reading and computing are public (nothing is stored by the planner or the hand edit); upload
and publishing are for DOST staff.
"""

import io
import statistics

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stihub.core.permissions import anyone, is_dost, require
from stihub.engines.composite_analysis import (
    correlations,
    cronbach_alpha,
    members,
    strengths_weaknesses,
)
from stihub.engines.composite_io import write_workbook
from stihub.engines.composite_whatif import apply_changes, plan
from stihub.engines.problems import DataError
from stihub.monitoring.charts import target_chart
from stihub.monitoring.downloads import CONTENT_TYPES

from . import charts
from .datasets import (
    dataset_data,
    dataset_result,
    engine_settings,
    rank_path,
    store_dataset,
    unit_entry,
    unit_uncertainty,
)
from .forms import EditForm, PlanForm, UploadForm
from .models import IndexDataset
from .publishing import PublishError, publish

DATASET_FIELDS = (
    "code",
    "year",
    "title",
    "results",
    "province_unit",
    "is_sample",
    "settings",
    "updated_at",
)


def _dataset(code, year):
    """The dataset without its workbook: that is fetched only when the process has not parsed it."""
    queryset = IndexDataset.objects.only(*DATASET_FIELDS, "sha256", "filename")
    return get_object_or_404(queryset, code=code, year=year)


def _unit(dataset, unit):
    entry = unit_entry(dataset, unit)
    if entry is None:
        raise Http404(_("No such unit in this dataset."))
    return entry


def _aggregate_names(dataset):
    return {a["code"]: a["name"] for a in dataset.results["aggregates"]}


@require(anyone)
def datasets(request):
    items = IndexDataset.objects.only(*DATASET_FIELDS)
    context = {"items": items, "can_edit": is_dost(request.user)}
    return render(request, "innovation/datasets.html", context)


@require(is_dost)
def upload(request):
    """DOST staff upload a workbook; a bad one is rejected with every problem, nothing stored."""
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data
        try:
            dataset = store_dataset(
                f["file"].read(),
                f["file"].name,
                code=f["code"],
                year=f["year"],
                title=f["title"],
                chosen={"group": f["group"], "winmax": f["winmax"]},
                province_unit=f["province_unit"].strip(),
                user=request.user,
                is_sample=f["is_sample"],
            )
        except DataError as error:
            problems = error.problems
        else:
            if dataset.province_unit and unit_entry(dataset, dataset.province_unit) is None:
                messages.warning(
                    request,
                    _("Unit %(unit)s is not in the workbook; it cannot be published.")
                    % {"unit": dataset.province_unit},
                )
            messages.success(request, _("Dataset %(name)s stored.") % {"name": dataset})
            return redirect("innovation:ranking", dataset.code, dataset.year)
    return render(request, "innovation/upload.html", {"form": form, "problems": problems})


def _treated(dataset):
    """[(indicator, method, steps, high values replaced, low values replaced)] where treated."""
    info = dataset_result(dataset).treat_info
    return [
        (code, row["method"], int(row["steps"]), int(row["high"]), int(row["low"]))
        for code, row in info.iterrows()
        if row["method"] != "none"
    ]


def _coherence(dataset, names):
    """Per aggregate: members, Cronbach's alpha, and the weakest member-to-aggregate correlation."""
    result = dataset_result(dataset)
    alpha = cronbach_alpha(result)
    weakest = correlations(result).groupby("parent")["r"].min()
    return [
        (names.get(code, code), len(members(result, code)), alpha.get(code), weakest.get(code))
        for code in result.tree.aggregates
    ]


@require(anyone)
def ranking(request, code, year):
    dataset = _dataset(code, year)
    results = dataset.results
    names = _aggregate_names(dataset)
    return render(
        request,
        "innovation/ranking.html",
        {
            "dataset": dataset,
            "units": results["units"],
            "index": results["index"],
            "columns": [(c, names[c]) for c in results["columns"]],
            "treated": _treated(dataset),
            "can_publish": is_dost(request.user) and bool(dataset.province_unit),
            "coherence": _coherence(dataset, names),
        },
    )


def _bars(dataset, entry):
    """(label, unit score, leader score, median) for the index and the levels shown."""
    results = dataset.results
    units, index = results["units"], results["index"]
    leader = min(units, key=lambda u: u["ranks"].get(index) or float("inf"))
    names = _aggregate_names(dataset)
    rows = []
    for code in [index, *results["columns"]]:
        values = [u["scores"][code] for u in units if u["scores"].get(code) is not None]
        median = statistics.median(values) if values else None
        rows.append((names[code], entry["scores"].get(code), leader["scores"].get(code), median))
    return leader, rows


@require(anyone)
def results_xlsx(request, code, year):
    """Every stage of the computation (as COINr names the sheets), ranks and treatment."""
    dataset = _dataset(code, year)
    buffer = io.BytesIO()
    write_workbook(dataset_result(dataset), buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{code}-{year}-results.xlsx"'
    return response


@require(anyone)
def profile(request, code, year, unit):
    dataset = _dataset(code, year)
    entry = _unit(dataset, unit)
    leader, rows = _bars(dataset, entry)
    best, worst = strengths_weaknesses(dataset_result(dataset), unit, n=5)
    path = rank_path(dataset, unit)
    chart = ""
    if len(path) > 1:
        chart = target_chart(
            [(y, r) for y, r, _s in path], None, None, title=_("Rank by year"), invert=True
        )
    return render(
        request,
        "innovation/profile.html",
        {
            "dataset": dataset,
            "unit": entry,
            "index": dataset.results["index"],
            "count": len(dataset.results["units"]),
            "leader": leader,
            "bars": charts.score_bars(
                rows, title=_("Scores of %(unit)s") % {"unit": entry["name"]}
            ),
            "strengths": best.to_dict("records"),
            "weaknesses": worst.to_dict("records"),
            "band": unit_uncertainty(dataset, unit),
            "path": path,
            "path_chart": chart,
        },
    )


def _planner_context(dataset, entry, plan_form, edit_form):
    return {
        "dataset": dataset,
        "unit": entry,
        "index": dataset.results["index"],
        "count": len(dataset.results["units"]),
        "plan_form": plan_form,
        "edit_form": edit_form,
    }


def _forms(dataset, unit, request=None, which=None):
    indicators = dataset.results["indicators"]
    raw = dataset_data(dataset).values.loc[unit].to_dict()
    plan_data = request.POST if which == "plan" else None
    edit_data = request.POST if which == "edit" else None
    return (
        PlanForm(plan_data, indicators=indicators),
        EditForm(edit_data, indicators=indicators, current=raw),
    )


@require(anyone)
def planner(request, code, year, unit):
    """What-if: the smallest improvements that reach a goal rank (POST computes, stores nothing)."""
    dataset = _dataset(code, year)
    entry = _unit(dataset, unit)
    which = "plan" if request.method == "POST" else None
    plan_form, edit_form = _forms(dataset, unit, request, which)
    context = _planner_context(dataset, entry, plan_form, edit_form)
    if which and plan_form.is_valid():
        f = plan_form.cleaned_data
        try:
            result = plan(
                dataset_data(dataset),
                unit,
                f["goal_rank"],
                engine_settings(dataset.settings),
                allowed=f["allowed"] or None,
                max_fraction=f["max_fraction"],
            )
        except ValueError:  # the engine refuses settings it cannot plan with
            plan_form.add_error(None, _("No plan can be computed for this dataset."))
        else:
            names = {i["code"]: i["name"] for i in dataset.results["indicators"]}
            context["plan"] = result
            context["changes"] = [(c, names.get(c.indicator, c.indicator)) for c in result.changes]
    return render(request, "innovation/planner.html", context)


@require(anyone)
@require_POST
def edit(request, code, year, unit):
    """Recompute the index with the unit's raw values changed by hand; htmx gets a fragment."""
    dataset = _dataset(code, year)
    entry = _unit(dataset, unit)
    plan_form, edit_form = _forms(dataset, unit, request, "edit")
    context = _planner_context(dataset, entry, plan_form, edit_form)
    if edit_form.is_valid():
        changes = edit_form.changes()
        result = apply_changes(
            dataset_data(dataset), {unit: changes}, engine_settings(dataset.settings)
        )
        names = _aggregate_names(dataset)
        scores = result.scores.loc[unit]
        context["edited"] = {
            "changes": changes,
            "rank": result.rank_of(unit),
            "score": float(result.index[unit]),
            "rows": [
                (names[c], entry["scores"].get(c), float(scores[c]))
                for c in [dataset.results["index"], *dataset.results["columns"]]
            ],
        }
    if request.headers.get("HX-Request"):
        return render(request, "innovation/_edit_result.html", context)
    return render(request, "innovation/planner.html", context)


@require(is_dost)
@require_POST
def publish_view(request, code, year):
    """Write our province's rank and score as observations of the resolution's PII indicators."""
    dataset = _dataset(code, year)
    try:
        counts = publish(dataset, request.user)
    except PublishError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Published: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
            % {k: counts[k] for k in ("created", "updated", "unchanged")},
        )
    return redirect("innovation:ranking", dataset.code, dataset.year)
