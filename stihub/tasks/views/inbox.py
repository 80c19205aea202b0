"""A council member's pages: their seats and what is asked of them now, the declaration of no
conflict of interest, and their reviews.

Before declaring, a member sees only the task's title; after declaring no conflict, only the
reviews assigned to them (a dossier for a selection council, the task for the others); under
blind review, no name of the applicant's side. A review is edited until the council concludes,
then read only.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from stihub.core.permissions import check, require

from .. import councils
from ..choices import CouncilKind, CouncilStatus
from ..forms import VOTE_LABELS, DeclareForm, review_form
from ..models import CouncilMember, Review
from ..profiles import rules_of
from ..rules import holds_seat
from .applicants import blind_for


def _asked(seat: CouncilMember, reviews: list[Review]) -> str:
    """What is asked of the member now, in a sentence."""
    status = seat.council.status
    if seat.no_conflict is False:
        return _("You declared a conflict of interest: DOST will replace you.")
    if seat.declared_at is None:
        if status == CouncilStatus.DECLARING:
            return _("Declare whether you have a conflict of interest.")
        return _("Declarations are closed.")
    if status == CouncilStatus.DECLARING:
        return _("Wait for the other members' declarations.")
    if status == CouncilStatus.REVIEWING:
        todo = sum(1 for r in reviews if r.submitted_at is None)
        if todo:
            return _("Submit your reviews (%(count)s to do).") % {"count": todo}
        return _("Your reviews are in; you may edit them until the council concludes.")
    if status == CouncilStatus.CONCLUDED:
        return _("The council has concluded.")
    return ""


@require("tasks.view_own")
def inbox(request):
    """The member's seats: task, council, role, what is asked now, reviews and deadlines."""
    expert = getattr(request.user, "expert", None)
    seats = []
    if expert is not None:
        found = (
            CouncilMember.objects.filter(expert=expert)
            .select_related("council__task")
            .prefetch_related("reviews__dossier")
            .order_by("-council__created_at", "-pk")
        )
        for seat in found:
            reviews = list(seat.reviews.all()) if seat.no_conflict else []
            seats.append({"seat": seat, "reviews": reviews, "asked": _asked(seat, reviews)})
    return render(request, "tasks/inbox.html", {"expert": expert, "seats": seats})


@require("tasks.view_own")
def declare(request, pk):
    """The declaration of (no) conflict of interest; before it, only the task's title is shown."""
    member = get_object_or_404(CouncilMember.objects.select_related("council__task"), pk=pk)
    check(request, "tasks.declare", member)
    council = member.council
    declared = member.declared_at is not None
    form = DeclareForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if declared:
            messages.error(request, _("You have already declared."))
            return redirect("tasks:declare", member.pk)
        if form.is_valid():
            no_conflict = form.cleaned_data["answer"] == DeclareForm.NONE
            try:
                councils.declare(member, no_conflict, form.cleaned_data["explanation"])
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Your declaration was recorded."))
                return redirect("tasks:inbox")
        status = 400
    return render(
        request,
        "tasks/declare.html",
        {
            "member": member,
            "council": council,
            "task": council.task,
            "declared": declared,
            "open": council.status == CouncilStatus.DECLARING,
            "form": form,
        },
        status=status,
    )


def _labels(council) -> dict:
    if council.kind == CouncilKind.IDENTIFICATION:
        return {k: str(v) for k, v in VOTE_LABELS.items()}
    if council.kind == CouncilKind.ACCEPTANCE:
        return {g.code: g.label for g in rules_of(council.task).acceptance.grades}
    return {}


def _initial(review: Review, criteria) -> dict:
    initial = {"verdict": review.verdict, "comment": review.comment}
    for criterion in criteria:
        if criterion.code in review.scores:
            value = float(review.scores[criterion.code])
            initial[f"score_{criterion.code}"] = int(value) if value.is_integer() else value
    return initial


@require("tasks.view_own")
def review(request, pk):
    """A member's review: the dossier assigned (or the task), and the scoring form (selection),
    the vote (identification) or the grade (acceptance), with a comment."""
    found = get_object_or_404(
        Review.objects.select_related("member__council__task", "member__expert", "dossier"),
        pk=pk,
    )
    user = request.user
    council = found.member.council
    writable = user.has_perm("tasks.write_review", found)
    if request.method == "POST":
        check(request, "tasks.write_review", found)
    elif not (
        writable
        or (
            holds_seat(user, found.member)
            and found.member.no_conflict
            and council.status == CouncilStatus.CONCLUDED
        )
    ):
        check(request, "tasks.write_review", found)  # refused: sign-in or 403
        raise PermissionDenied
    criteria = tuple(councils.form_of(council)) if council.kind == CouncilKind.SELECTION else ()
    verdicts = councils.verdicts(council)
    labels = _labels(council)
    form = review_form(
        council,
        verdicts,
        criteria,
        labels,
        data=request.POST if request.method == "POST" else None,
        initial=_initial(found, criteria),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scores = {c.code: data.get(f"score_{c.code}", "") for c in criteria}
        try:
            councils.submit(found, scores or None, data.get("verdict", ""), data["comment"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            status = 400
        else:
            messages.success(request, _("Your review was saved."))
            return redirect("tasks:review", found.pk)
    elif request.method == "POST":
        status = 400
    total = sum(float(v) for v in found.scores.values()) if found.scores else None
    dossier = found.dossier
    return render(
        request,
        "tasks/review.html",
        {
            "review": found,
            "council": council,
            "task": council.task,
            "dossier": dossier,
            "blind": dossier is not None and blind_for(user, dossier),
            "team": dossier.team.select_related("expert") if dossier else [],
            "form": form,
            "writable": writable,
            "criteria": criteria,
            "total": total,
            "most": sum(float(c.max) for c in criteria),
            "verdict_label": labels.get(found.verdict, found.verdict),
        },
        status=status,
    )
