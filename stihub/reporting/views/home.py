"""The reporting home page: for a reporter, what their agency owes and by when, and what it
sent lately; for DOST, each agency's periods still to report, overdue and waiting for review.
A user who is both sees both parts."""

from collections import Counter

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from stihub.core.formatting import vietnamese_sort_key
from stihub.core.models import Agency
from stihub.core.permissions import require
from stihub.core.rules import reporter_agencies
from stihub.monitoring.choices import RevisionStatus
from stihub.monitoring.models import Observation, Submission

from ..owed import owed
from .entry import period_label

RECENT_SUBMISSIONS = 20


@require("reporting.view_home")
def home(request):
    today = timezone.localdate()
    agencies = reporter_agencies(request.user)
    context = {
        "today": today,
        "agencies": Agency.objects.filter(pk__in=agencies),
        "owed": None,
        "overview": None,
    }
    if agencies:
        context["owed"] = _owed_rows(agencies, today)
        context["submissions"] = _recent(agencies)
    if request.user.has_perm("reporting.review"):
        context["overview"] = _overview(today)
    return render(request, "reporting/home.html", context)


def _owed_rows(agencies, today) -> list[dict]:
    """The agency's owed periods with their label, state and, when returned, DOST's comment."""
    rows = owed(agencies=agencies, today=today)
    returned = [row.revision for row in rows if row.status == RevisionStatus.RETURNED]
    comments = dict(Observation.objects.filter(pk__in=returned).values_list("pk", "review_comment"))
    return [
        {
            "owed": row,
            "label": period_label(row.year, row.period),
            "state": RevisionStatus(row.status) if row.status else None,
            "comment": comments.get(row.revision, ""),
        }
        for row in rows
    ]


def _recent(agencies) -> list[tuple]:
    """The agencies' latest submissions, each with its revisions counted by status."""
    counts = {
        f"n_{status}": Count("observations", filter=Q(observations__status=status))
        for status in RevisionStatus.values
    }
    submissions = (
        Submission.objects.filter(agency_id__in=agencies)
        .select_related("agency", "created_by")
        .annotate(**counts)
        .order_by("-created_at", "-pk")[:RECENT_SUBMISSIONS]
    )
    return [
        (s, [(status, n) for status in RevisionStatus if (n := getattr(s, f"n_{status}"))])
        for s in submissions
    ]


def _overview(today) -> list[dict]:
    """Per agency: ended periods not yet sent, of them overdue, and values (totals) waiting for
    review; the agencies with overdue periods first."""
    counts: dict[int, Counter] = {}
    for row in owed(today=today):
        counter = counts.setdefault(row.indicator.agency_id, Counter())
        if row.status == RevisionStatus.SUBMITTED:
            continue  # counted below, with the values waiting that no period owes
        counter["to_report"] += row.ended
        counter["overdue"] += row.overdue
    waiting = (
        Observation.objects.filter(status=RevisionStatus.SUBMITTED, area="", agency__isnull=False)
        .values_list("agency_id")
        .annotate(n=Count("pk"))
    )
    for agency_id, n in waiting:
        counts.setdefault(agency_id, Counter())["waiting"] = n
    agencies = Agency.objects.in_bulk(counts)
    rows = [
        {"agency": agencies[pk], **{k: c[k] for k in ("to_report", "overdue", "waiting")}}
        for pk, c in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r["overdue"], vietnamese_sort_key(str(r["agency"]))))
