"""Innovation-index pages: datasets, ranking, a unit's profile, the what-if planner, publishing.

Reading and computing are public (nothing is stored by the planner or the hand edit); upload,
the official mark, publishing and the uploaded workbook itself are for DOST staff.
"""

import io
import statistics

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from stihub.core.cache import public_page
from stihub.core.permissions import PUBLIC, require
from stihub.core.ratelimit import ratelimit
from stihub.core.uploads import XLSX
from stihub.engines.composite_analysis import strengths_weaknesses
from stihub.engines.composite_io import write_workbook
from stihub.engines.composite_whatif import apply_changes, plan
from stihub.engines.problems import DataError
from stihub.monitoring.charts import target_chart

from . import charts
from .datasets import (
    dataset_data,
    dataset_result,
    diagnostics,
    engine_settings,
    indicators,
    rank_path,
    store_dataset,
    unit_entry,
    unit_uncertainty,
)
from .forms import EditForm, PlanForm, UploadForm
from .models import IndexDataset
from .publishing import PublishError, preview, publish

DATASET_FIELDS = (
    "code",
    "year",
    "title",
    "results",
    "province_unit",
    "is_sample",
    "is_official",
)


def _dataset(code, year):
    return get_object_or_404(IndexDataset, code=code, year=year)


def _unit(dataset, unit):
    entry = unit_entry(dataset, unit)
    if entry is None:
        raise Http404(_("No such unit in this dataset."))
    return entry


def _aggregate_names(dataset):
    return {a["code"]: a["name"] for a in dataset.results["aggregates"]}


@require(PUBLIC)
def datasets(request):
    items = IndexDataset.objects.only(*DATASET_FIELDS)
    return render(request, "innovation/datasets.html", {"items": items})


@require("innovation.upload_dataset")
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
                is_official=f["is_official"],
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


def _treated(stored, dataset):
    """[(indicator, name, method, steps, high values replaced, low replaced)] where treated."""
    names = {i["code"]: i["name"] for i in dataset.results["indicators"]}
    return [
        (t["code"], names.get(t["code"], t["code"]), t["method"], t["steps"], t["high"], t["low"])
        for t in stored
    ]


def _coherence(stored, names):
    """Per aggregate: members, Cronbach's alpha, and the weakest member-to-aggregate correlation."""
    return [
        (names.get(c["code"], c["code"]), c["members"], c["alpha"], c["weakest"]) for c in stored
    ]


@require(PUBLIC)
@public_page()
def ranking(request, code, year):
    """Scores and ranks, and how they were computed: all read from the stored results (the
    statistics are computed once per dataset, not per request)."""
    dataset = _dataset(code, year)
    results = dataset.results
    names = _aggregate_names(dataset)
    stored = diagnostics(dataset)
    return TemplateResponse(
        request,
        "innovation/ranking.html",
        {
            "dataset": dataset,
            "units": results["units"],
            "index": results["index"],
            "columns": [(c, names[c]) for c in results["columns"]],
            "treated": _treated(stored["treated"], dataset),
            "coherence": _coherence(stored["coherence"], names),
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


@require(PUBLIC)
@ratelimit("download")
def results_xlsx(request, code, year):
    """Every stage of the computation (as COINr names the sheets), ranks and treatment."""
    dataset = _dataset(code, year)
    buffer = io.BytesIO()
    write_workbook(dataset_result(dataset), buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX.content_type)
    response["Content-Disposition"] = f'attachment; filename="{code}-{year}-results.xlsx"'
    return response


@require("innovation.download_workbook")
def workbook(request, code, year):
    """The workbook as uploaded: DOST only, since it may hold figures not yet published."""
    dataset = _dataset(code, year)
    try:
        stored = dataset.workbook.open("rb")
    except (OSError, ValueError) as error:  # no file name, or the file is gone from storage
        raise Http404(_("The stored workbook file is missing.")) from error
    return FileResponse(
        stored, as_attachment=True, filename=dataset.filename, content_type=XLSX.content_type
    )


@require(PUBLIC)
def profile(request, code, year, unit):
    dataset = _dataset(code, year)
    entry = _unit(dataset, unit)
    leader, rows = _bars(dataset, entry)
    lower = {i["code"] for i in indicators(dataset) if i["lower_is_better"]}
    best, worst = (
        [{**row, "lower_is_better": row["indicator"] in lower} for row in table.to_dict("records")]
        for table in strengths_weaknesses(dataset_result(dataset), unit, n=5)
    )
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
            "strengths": best,
            "weaknesses": worst,
            "any_lower": any(r["lower_is_better"] for r in best + worst),
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
        "any_lower": any(i["lower_is_better"] for i in indicators(dataset)),
    }


def _forms(dataset, unit, request=None, which=None):
    shown = indicators(dataset)
    raw = dataset_data(dataset).values.loc[unit].to_dict()
    plan_data = request.POST if which == "plan" else None
    edit_data = request.POST if which == "edit" else None
    return (
        PlanForm(plan_data, indicators=shown),
        EditForm(edit_data, indicators=shown, current=raw),
    )


@require(PUBLIC)
@ratelimit("planner", methods=("POST",))
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
            shown = {i["code"]: i for i in indicators(dataset)}
            context["plan"] = result
            context["changes"] = [(c, shown[c.indicator]) for c in result.changes]
    return render(request, "innovation/planner.html", context)


@require(PUBLIC)
@require_POST
@ratelimit("planner", methods=("POST",))
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


@require("innovation.publish_dataset")
@require_http_methods(["GET", "POST"])
def publish_view(request, code, year):
    """GET: what publishing would change (current and new values); POST: publish. Only the
    official PII dataset publishes; otherwise the reason is shown on the ranking page."""
    dataset = _dataset(code, year)
    try:
        if request.method == "GET":
            rows = preview(dataset)
            return render(request, "innovation/publish.html", {"dataset": dataset, "rows": rows})
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


@require("innovation.mark_official")
@require_POST
def official(request, code, year):
    """DOST marks the dataset as the official PII of its year, or withdraws the mark."""
    dataset = _dataset(code, year)
    wanted = bool(request.POST.get("is_official"))
    reason = dataset.why_not_official() if wanted else None
    if reason:
        messages.error(request, reason)
    elif wanted != dataset.is_official:
        dataset.is_official = wanted
        dataset.save(update_fields=["is_official", "updated_at"])
        if wanted:
            messages.success(
                request,
                _("%(name)s is now the official PII of %(year)s.")
                % {"name": dataset.title, "year": dataset.year},
            )
        else:
            messages.success(
                request, _("%(name)s is no longer marked official.") % {"name": dataset.title}
            )
    return redirect("innovation:ranking", dataset.code, dataset.year)
