"""The web form of one indicator for one period: its value and the parts of its breakdown,
saved as a draft or sent for review, for the indicator's responsible agency (and DOST).

Nothing entered here reaches the public before DOST approves it. A draft or returned value of
the agency is edited in place (its history keeps every change); a value waiting for review is
shown read-only, so a period never has two reports waiting.
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from stihub.core.formatting import vietnamese_sorted
from stihub.core.models import AdministrativeUnit
from stihub.core.permissions import check, require
from stihub.engines import reporting
from stihub.monitoring import review
from stihub.monitoring.choices import EDITABLE, Breakdown, Channel, Period, RevisionStatus
from stihub.monitoring.models import Indicator, Observation

from ..forms import ReportForm

FIRST_YEAR = 1900


@require("reporting.report_indicator")
def enter(request, indicator, year, period="Y"):
    indicator = get_object_or_404(Indicator.objects.select_related("agency"), code=indicator)
    check(request, "reporting.report_indicator", indicator)
    period = "" if period == "Y" else period
    if period not in reporting.periods(indicator.frequency):
        raise Http404(_("This indicator is not reported for that period."))
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404(_("No report can be made for that year."))
    key = Observation(indicator=indicator, year=year, period=period, area="")
    revisions = list(review.history(key))
    for revision in revisions:
        revision.state = RevisionStatus(revision.status)  # for its badge
    waiting = next((r for r in revisions if r.status == RevisionStatus.SUBMITTED), None)
    in_force = next((r for r in revisions if r.status == RevisionStatus.APPROVED), None)
    editing = _editable(revisions, indicator)
    parts = _parts(indicator)
    before = _previous(indicator, year, period)
    submitting = request.POST.get("action") != "draft"
    form = ReportForm(
        request.POST if request.method == "POST" and waiting is None else None,
        initial=_initial(editing, parts),
        indicator=indicator,
        parts=parts,
        previous=before["value"].value if before["value"] else None,
        submitting=submitting,
    )
    label = period_label(year, period)
    if form.is_bound and form.is_valid():
        try:
            _write(form, indicator, year, period, user=request.user, draft=not submitting)
        except review.ReviewError as error:
            form.add_error(None, str(error))
        else:
            done = (
                _("%(indicator)s, %(period)s: sent to DOST for review.")
                if submitting
                else _("%(indicator)s, %(period)s: saved as a draft.")
            )
            messages.success(request, done % {"indicator": indicator.code, "period": label})
            return redirect("reporting:home")
    due = reporting.due_date(year, period, indicator.due_days)
    return render(
        request,
        "reporting/enter.html",
        {
            "indicator": indicator,
            "year": year,
            "period": period,
            "label": label,
            "due": due,
            "overdue": due < timezone.localdate() and not (waiting or in_force),
            "in_force": in_force,
            "before": before,
            "revisions": revisions,
            "waiting": waiting,
            "waiting_parts": _parts_of(waiting),
            "editing": editing,
            "form": form,
        },
    )


def period_label(year: int, period: str) -> str:
    """A period as people say it: «Quý I 2025», «Năm 2025»."""
    return _("%(period)s %(year)s") % {"period": Period(period).label, "year": year}


def _editable(revisions, indicator):
    """The agency's newest draft or returned headline for the key, which the form edits."""
    return next(
        (r for r in revisions if r.status in EDITABLE and r.agency_id == indicator.agency_id),
        None,
    )


def _parts(indicator) -> list[tuple[str, str]]:
    """[(field name, area)] of the indicator's breakdown: the communes and wards (by official
    code) in Vietnamese order, or its sectors."""
    if indicator.breakdown == Breakdown.AREA:
        units = AdministrativeUnit.objects.filter(parent__isnull=False)
        return [(f"part_{u.code}", u.name) for u in vietnamese_sorted(units)]
    if indicator.breakdown == Breakdown.SECTOR:
        return [(f"part_s{i}", name) for i, name in enumerate(indicator.sectors or [])]
    return []


def _parts_of(headline) -> list[Observation]:
    """The parts sent with a headline revision (same submission, key and period)."""
    if headline is None or headline.submission_id is None:
        return []
    return list(
        Observation.objects.filter(
            submission_id=headline.submission_id,
            indicator_id=headline.indicator_id,
            year=headline.year,
            period=headline.period,
        )
        .exclude(area="")
        .order_by("area")
    )


def _initial(editing, parts) -> dict:
    """The form's values from the revision being edited, its parts included."""
    if editing is None:
        return {}
    initial = {name: getattr(editing, name) for name in ("value", "note", "source", "explanation")}
    values = {part.area: part.value for part in _parts_of(editing)}
    initial |= {name: values[area] for name, area in parts if area in values}
    return initial


def _previous(indicator, year, period) -> dict:
    """The previous period (its label) and its value in force, for reference and the jump."""
    year, period = reporting.previous_period(indicator.frequency, year, period)
    published = Observation.objects.published().filter(indicator=indicator, area="")
    return {
        "label": period_label(year, period),
        "value": published.filter(year=year, period=period).first(),
    }


@transaction.atomic
def _write(form, indicator, year, period, *, user, draft: bool) -> None:
    """Save the form's values: edit the agency's draft or returned revision and its parts in
    place, or record a new submission; ReviewError (nothing written) when the period's report
    is already waiting for review."""
    revisions = Observation.objects.select_for_update().filter(
        indicator=indicator, year=year, period=period
    )
    if revisions.filter(area="", status=RevisionStatus.SUBMITTED).exists():
        raise review.ReviewError(_("A report of this period is already waiting for review."))
    values = form.reported()
    data = form.cleaned_data
    shared = {"source": data["source"], "agency_id": indicator.agency_id}
    headline = {"note": data["note"], "explanation": data["explanation"], **shared}

    def reported(area, value):
        fields = shared if area else headline
        return review.Reported(indicator.pk, year, value, period=period, area=area, **fields)

    editing = (
        revisions.filter(area="", status__in=EDITABLE, agency_id=indicator.agency_id)
        .order_by("-pk")
        .first()
    )
    if editing is None:
        review.submit(
            [reported(area, value) for area, value in values.items()],
            user=user,
            agency=indicator.agency,
            channel=Channel.FORM,
            draft=draft,
        )
        return
    review.edit(editing, user=user, submit_now=not draft, value=values.pop(""), **headline)
    existing = {part.area: part for part in _parts_of(editing)}
    new = []
    for area, value in values.items():
        part = existing.pop(area, None)
        if part is None:
            new.append(reported(area, value))
        else:
            review.edit(part, user=user, submit_now=not draft, value=value, **shared)
    for part in existing.values():  # emptied in the form: no longer reported
        if part.status in EDITABLE:
            part.delete()
    if new:
        review.submit(
            new,
            user=user,
            agency=indicator.agency,
            channel=Channel.FORM,
            draft=draft,
            submission=editing.submission,
        )
