from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from stihub.core.cache import public_page
from stihub.core.permissions import PUBLIC, require
from stihub.core.ratelimit import ratelimit
from stihub.engines.problems import DataError

from . import charts
from .choices import Status, TargetKind
from .downloads import download
from .forms import AsOfForm, ObservationImportForm
from .importing import import_observations, is_large, start_job
from .models import Observation, Resolution, Target
from .progress import evaluate_targets


def _targets(resolution):
    return resolution.targets.select_related("indicator", "agency")


def _status_counts(progresses):
    counts = Counter(p.status for p in progresses)
    return [(status, counts[status]) for status in Status if counts[status]]


def _as_of(request) -> tuple[AsOfForm, int | None]:
    form = AsOfForm(request.GET if "as_of" in request.GET else None)
    return form, form.cleaned_data["as_of"] if form.is_valid() else None


@require(PUBLIC)
def resolutions(request):
    items = []
    for resolution in Resolution.objects.all():
        progresses = evaluate_targets(_targets(resolution))
        items.append((resolution, _status_counts(progresses)))
    return render(request, "monitoring/resolutions.html", {"items": items})


@require(PUBLIC)
@public_page(params=("as_of",))
def default(request):
    code = settings.STIHUB_DEFAULT_RESOLUTION
    resolution = Resolution.objects.filter(code=code).first() if code else None
    resolution = resolution or Resolution.objects.first()
    if resolution is None:
        return render(request, "monitoring/empty.html")
    return _dashboard(request, resolution)


@require(PUBLIC)
@public_page(params=("as_of",))
def dashboard(request, code):
    """The resolution at a glance: every target's latest value, target, status and trend."""
    return _dashboard(request, get_object_or_404(Resolution, code=code))


def _dashboard(request, resolution):
    as_of_form, as_of = _as_of(request)
    progresses = evaluate_targets(_targets(resolution), as_of)
    rows = [
        (p, charts.sparkline(p.chart_points(), invert=p.target.kind == TargetKind.RANK))
        for p in progresses
    ]
    solution_groups = resolution.solution_groups.select_related("lead_agency").prefetch_related(
        "partner_agencies"
    )
    return TemplateResponse(
        request,
        "monitoring/dashboard.html",
        {
            "resolution": resolution,
            "as_of_form": as_of_form,
            "as_of": as_of,
            "rows": rows,
            "summary": _status_counts(progresses),
            "has_sample": any(p.is_sample for p in progresses),
            "solution_groups": solution_groups,
            "can_history": request.user.has_perm("core.view_history"),
        },
    )


@require(PUBLIC)
@public_page(params=("as_of",))
def target_detail(request, code, target_code):
    target = get_object_or_404(
        Target.objects.select_related("indicator", "agency", "resolution"),
        resolution__code=code,
        code=target_code,
    )
    _form, as_of = _as_of(request)
    (progress,) = evaluate_targets([target], as_of)
    p = progress.progress
    target_point = (p.target_year, p.target_value) if p.target_value is not None else None
    projection = (p.target_year, p.projected) if p.projected is not None else None
    chart = charts.target_chart(
        progress.chart_points(),
        target_point,
        projection,
        title=target.title,
        invert=target.kind == TargetKind.RANK,
    )
    # The page lists the headline series; breakdowns (up to one per commune and year) are only
    # counted here, by the database, and listed in the downloads.
    observations = Observation.objects.filter(indicator_id=target.indicator_id)
    return TemplateResponse(
        request,
        "monitoring/target.html",
        {
            "target": target,
            "resolution": target.resolution,
            "p": progress,
            "as_of": as_of,
            "chart": chart,
            "headline": observations.filter(area="").select_related("agency").order_by("year"),
            "breakdown_count": observations.exclude(area="").count(),
            "can_history": request.user.has_perm("core.view_history"),
        },
    )


@require(PUBLIC)
@ratelimit("download")
def target_data(request, code, target_code, fmt):
    """The target's observations; with ?as_of=YEAR, as the page shows them: none after it."""
    target = get_object_or_404(Target, resolution__code=code, code=target_code)
    rows = Observation.objects.filter(indicator_id=target.indicator_id)
    _form, as_of = _as_of(request)
    if as_of is not None:
        rows = rows.filter(year__lte=as_of)
    return download(rows, fmt, f"{code}-{target.code}")


@require(PUBLIC)
@ratelimit("download")
def resolution_data(request, code, fmt):
    """The observations of every target; with ?as_of=YEAR, none after that year."""
    resolution = get_object_or_404(Resolution, code=code)
    rows = Observation.objects.filter(indicator_id__in=resolution.targets.values("indicator_id"))
    _form, as_of = _as_of(request)
    if as_of is not None:
        rows = rows.filter(year__lte=as_of)
    return download(rows, fmt, code)


@require("monitoring.import_observations")
def import_view(request):
    """DOST staff upload observations; a bad file writes nothing and every bad row is listed.

    A file of more than STIHUB_JOB_THRESHOLD_ROWS rows is imported as a job: its page follows
    the progress and shows the result or the problems."""
    form = ObservationImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if is_large(upload, upload.name):  # too long for a request: the worker imports it
            job = start_job(
                upload,
                user=request.user,
                agency=form.cleaned_data["agency"],
                source=form.cleaned_data["source"],
            )
            return redirect("jobs:detail", job.pk)
        try:
            counts = import_observations(
                upload,
                upload.name,
                user=request.user,
                agency=form.cleaned_data["agency"],
                source=form.cleaned_data["source"],
            )
        except DataError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                % {k: counts[k] for k in ("created", "updated", "unchanged")},
            )
            return redirect("monitoring:import")
    return render(
        request,
        "monitoring/import.html",
        {"form": form, "problems": problems, "threshold": settings.STIHUB_JOB_THRESHOLD_ROWS},
    )
