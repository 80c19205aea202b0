from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from stihub.core.cache import public_page
from stihub.core.permissions import PUBLIC, require
from stihub.core.ratelimit import ratelimit
from stihub.engines.problems import DataError

from . import charts, review
from .choices import RevisionStatus, Status, TargetKind
from .downloads import download
from .forms import AsOfForm, ObservationImportForm
from .importing import import_observations, is_large, start_job
from .models import Observation, Resolution, Target
from .progress import evaluate_targets

# The revisions anyone may see: the value in force and the ones it replaced.
PUBLISHED = (RevisionStatus.APPROVED, RevisionStatus.SUPERSEDED)


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
    latest = _latest_revisions(progresses)
    rows = [
        (
            p,
            charts.sparkline(p.chart_points(), invert=p.target.kind == TargetKind.RANK),
            latest.get((p.target.indicator_id, p.progress.latest_year)),
        )
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


def _latest_revisions(progresses) -> dict[tuple[int, int], int]:
    """{(indicator id, year): pk} of the published headline values that the targets' latest
    values are, in one query, so that each links to its revision history."""
    wanted = {
        (p.target.indicator_id, p.progress.latest_year)
        for p in progresses
        if p.progress.latest_year is not None
    }
    if not wanted:
        return {}
    rows = Observation.objects.published().filter(
        area="",
        period="",
        indicator_id__in={indicator for indicator, _year in wanted},
        year__in={year for _indicator, year in wanted},
    )
    return {(i, y): pk for i, y, pk in rows.values_list("indicator_id", "year", "pk")}


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
    chart = charts.progress_chart(progress)
    # The page lists the headline series; breakdowns (up to one per commune and year) are only
    # counted here, by the database, and listed in the downloads.
    observations = Observation.objects.published().filter(indicator_id=target.indicator_id)
    headline = list(
        observations.filter(area="").select_related("agency").order_by("year", "period")
    )
    latest = next((o.pk for o in headline if (o.year, o.period) == (p.latest_year, "")), None)
    return TemplateResponse(
        request,
        "monitoring/target.html",
        {
            "target": target,
            "resolution": target.resolution,
            "p": progress,
            "as_of": as_of,
            "chart": chart,
            "headline": headline,
            "latest_revision": latest,
            "breakdown_count": observations.exclude(area="").count(),
            "can_history": request.user.has_perm("core.view_history"),
        },
    )


@require(PUBLIC)
@ratelimit("download")
def target_data(request, code, target_code, fmt):
    """The target's observations; with ?as_of=YEAR, as the page shows them: none after it."""
    target = get_object_or_404(Target, resolution__code=code, code=target_code)
    rows = Observation.objects.published().filter(indicator_id=target.indicator_id)
    _form, as_of = _as_of(request)
    if as_of is not None:
        rows = rows.filter(year__lte=as_of)
    return download(rows, fmt, f"{code}-{target.code}")


@require(PUBLIC)
@ratelimit("download")
def resolution_data(request, code, fmt):
    """The observations of every target; with ?as_of=YEAR, none after that year."""
    resolution = get_object_or_404(Resolution, code=code)
    rows = Observation.objects.published().filter(
        indicator_id__in=resolution.targets.values("indicator_id")
    )
    _form, as_of = _as_of(request)
    if as_of is not None:
        rows = rows.filter(year__lte=as_of)
    return download(rows, fmt, code)


def _sees_all(user, revision) -> bool:
    """DOST and the reporters of the revision's agency: they see it in any status, and the
    names of the people who reported and reviewed it (personal data, hidden from others)."""
    return user.has_perm("monitoring.view_revision", revision)


@require(PUBLIC)
@public_page()
def revisions(request, pk):
    """The revision history of a value: every revision of its indicator, year, period and area,
    newest first, with its status, times, source, comment and channel.

    Everyone sees the published ones (approved, superseded) and the reporting agency; DOST and
    the reporters of a revision's agency also see it as draft, submitted or returned, and the
    people's names. A value the visitor may not see answers 404, as one that does not exist."""
    observation = get_object_or_404(Observation.objects.select_related("indicator"), pk=pk)
    if observation.status not in PUBLISHED and not _sees_all(request.user, observation):
        raise Http404
    rows = []
    for revision in review.history(observation):
        full = _sees_all(request.user, revision)
        if full or revision.status in PUBLISHED:
            rows.append((revision, RevisionStatus(revision.status), full))
    return TemplateResponse(
        request,
        "monitoring/revisions.html",
        {
            "observation": observation,
            "indicator": observation.indicator,
            "rows": rows,
            "targets": observation.indicator.targets.select_related("resolution"),
        },
    )


@require("monitoring.import_observations")
def import_view(request):
    """DOST staff upload observations; a bad file writes nothing and every bad row is listed.
    The values are approved at once (recorded on the submission) unless the officer unticks
    it: they then wait in the review queue like an agency's report.

    A file of more than STIHUB_JOB_THRESHOLD_ROWS rows is imported as a job: its page follows
    the progress and shows the result or the problems."""
    form = ObservationImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        options = {
            "user": request.user,
            "agency": form.cleaned_data["agency"],
            "source": form.cleaned_data["source"],
            "approve": form.cleaned_data["approve"],
        }
        if is_large(upload, upload.name):  # too long for a request: the worker imports it
            return redirect("jobs:detail", start_job(upload, **options).pk)
        try:
            counts = import_observations(upload, upload.name, **options)
        except DataError as error:
            problems = error.problems
        else:
            message = _(
                "Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged."
            ) % {k: counts[k] for k in ("created", "updated", "unchanged")}
            if not options["approve"] and counts["created"] + counts["updated"]:
                message = format_html(
                    '{} {} <a href="{}">{}</a>',
                    message,
                    _("The new values wait for review:"),
                    reverse("reporting:review"),
                    _("the review queue"),
                )
            messages.success(request, message)
            return redirect("monitoring:import")
    return render(
        request,
        "monitoring/import.html",
        {"form": form, "problems": problems, "threshold": settings.STIHUB_JOB_THRESHOLD_ROWS},
    )
