"""DOST's review: the queue of submissions waiting, and a submission's page, where DOST approves
its values or returns them with a comment and where the agency's reporters follow their report.

The workflow itself is `monitoring.review`; these pages only choose which revisions it acts on.
"""

from dataclasses import dataclass
from itertools import groupby

from django import forms
from django.contrib import messages
from django.db.models import Count, Min, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from stihub.core.models import Agency
from stihub.core.permissions import check, require
from stihub.monitoring import review
from stihub.monitoring.choices import EDITABLE, Channel, RevisionStatus
from stihub.monitoring.forms import VietnameseOrderChoiceField
from stihub.monitoring.models import Observation, Submission

from . import page_of

WAITING = Q(observations__status=RevisionStatus.SUBMITTED)


class QueueFilter(forms.Form):
    agency = VietnameseOrderChoiceField(
        Agency.objects.all(), to_field_name="code", required=False, label=_("Agency")
    )
    channel = forms.ChoiceField(
        choices=[("", "---------"), *Channel.choices], required=False, label=_("Channel")
    )


@require("reporting.review")
def queue(request):
    """The submissions with values waiting for review, the longest waiting first."""
    form = QueueFilter(request.GET)
    submissions = Submission.objects.none()
    if form.is_valid():
        submissions = (
            Submission.objects.filter(is_committed=True)
            .annotate(
                waiting=Count("observations", filter=WAITING),
                since=Min("observations__submitted_at", filter=WAITING),
            )
            .filter(waiting__gt=0)
            .select_related("agency", "created_by")
            .order_by("since", "pk")
        )
        if form.cleaned_data["agency"]:
            submissions = submissions.filter(agency=form.cleaned_data["agency"])
        if form.cleaned_data["channel"]:
            submissions = submissions.filter(channel=form.cleaned_data["channel"])
    page, query = page_of(request, submissions)
    return render(request, "reporting/review.html", {"form": form, "page": page, "query": query})


class ReviewForm(forms.Form):
    """Approve or return the submission's waiting values: all of them, or those ticked."""

    ACTIONS = [("approve", _("Approve")), ("return", _("Return"))]

    action = forms.ChoiceField(choices=ACTIONS, error_messages={"required": _("Choose an action.")})
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("Required to return: say what needs correcting."),
    )
    selected = forms.ModelMultipleChoiceField(Observation.objects.none(), required=False)

    def __init__(self, *args, waiting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].queryset = waiting


@dataclass(frozen=True)
class Row:
    """A revision as the submission's page shows it, next to the value in force for its key."""

    revision: Observation
    status: RevisionStatus
    in_force: Observation | None
    correct_url: str = ""

    @property
    def change(self) -> float | None:
        """How much the revision changes the value in force (None: nothing to compare)."""
        if self.in_force is None or self.in_force.pk == self.revision.pk:
            return None
        return self.revision.value - self.in_force.value


@dataclass(frozen=True)
class Group:
    """The revisions of one indicator, year and period: the headline and its parts."""

    headline: list[Row]
    parts: list[Row]


def _key(o) -> tuple:
    return (o.indicator_id, o.year, o.period, o.area)


def _groups(user, submission) -> list[Group]:
    """The submission's revisions by indicator, year and period, each beside the value in force
    for its key, with a link to correct it where it is the viewer's to correct."""
    revisions = list(
        submission.observations.select_related("indicator", "reviewed_by").order_by(
            "indicator__code", "year", "period", "area", "pk"
        )
    )
    current = review.published_values(_key(o) for o in revisions)
    indicators = {o.indicator_id: o.indicator for o in revisions}
    may_correct = {
        pk: user.has_perm("reporting.report_indicator", indicator)
        for pk, indicator in indicators.items()
    }

    def row(o) -> Row:
        url = ""
        if o.status in EDITABLE and may_correct[o.indicator_id]:
            url = reverse(
                "reporting:enter_period", args=[o.indicator.code, o.year, o.period or "Y"]
            )
        return Row(o, RevisionStatus(o.status), current.get(_key(o)), url)

    groups = []
    for _same_key, revisions_of in groupby(revisions, lambda o: (o.indicator_id, o.year, o.period)):
        rows = [row(o) for o in revisions_of]
        groups.append(
            Group([r for r in rows if not r.revision.area], [r for r in rows if r.revision.area])
        )
    return groups


@require("reporting.view_submission")
def submission(request, pk):
    """A submission's values with their status and the reviewer's comments; DOST acts on them.

    Its agency's reporters see it read-only (so they follow their report); one not yet
    committed (an Excel upload waiting for its sender's confirmation) is its preview."""
    submission = get_object_or_404(Submission.objects.select_related("agency", "created_by"), pk=pk)
    check(request, "reporting.view_submission", submission)
    if request.method == "POST":
        check(request, "reporting.review")
    if not submission.is_committed:
        return redirect("reporting:preview", submission.pk)
    can_review = request.user.has_perm("reporting.review")
    waiting = submission.observations.filter(status=RevisionStatus.SUBMITTED)
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, waiting=waiting) if can_review else None
    if request.method == "POST" and form.is_valid():
        done = _act(request, form, submission, waiting)
        if done is not None:
            return done
    groups = _groups(request.user, submission)
    page, query = page_of(request, groups)
    counts = dict(submission.observations.values_list("status").annotate(n=Count("pk")).order_by())
    return render(
        request,
        "reporting/submission.html",
        {
            "submission": submission,
            "page": page,
            "query": query,
            "form": form,
            "counts": [(status, counts[status]) for status in RevisionStatus if status in counts],
            "waiting": waiting.count(),
            "selected": set(request.POST.getlist("selected")),
        },
    )


def _act(request, form, submission, waiting):
    """Approve or return the chosen revisions; a redirect, or None when the form has an error."""
    selected = form.cleaned_data["selected"]
    revisions = waiting.filter(pk__in=[o.pk for o in selected]) if selected else waiting
    comment = form.cleaned_data["comment"]
    if form.cleaned_data["action"] == "approve":
        n = review.approve_revisions(revisions, reviewer=request.user, comment=comment)
        text = ngettext("Approved %(n)s value.", "Approved %(n)s values.", n)
    else:
        try:
            n = review.send_back(revisions, reviewer=request.user, comment=comment)
        except review.ReviewError as error:
            form.add_error("comment", str(error))
            return None
        text = ngettext(
            "Returned %(n)s value to its reporters.", "Returned %(n)s values to their reporters.", n
        )
    if n == 0:
        messages.warning(request, gettext("Nothing here was waiting for review any more."))
    else:
        messages.success(request, text % {"n": n})
    if waiting.exists():  # some values were left for later: stay on the submission
        return redirect("reporting:submission", submission.pk)
    return redirect("reporting:review")
