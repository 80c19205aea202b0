"""Applicants' pages: proposing a task (đề xuất đặt hàng), their proposals and dossiers, and a
dossier (hồ sơ đăng ký) from its start to its submission.

A dossier is edited while its task's call is open and the dossier is a draft or was found
incomplete (`rules.edit_dossier`); its submission checks the parts the completeness check asks
for. Under blind review a council member sees no name: not the applicant's, the host's, the
partners', the team's, nor the files' (and cannot download the files, which carry them).
"""

import mimetypes
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core.permissions import check, require
from stihub.core.rules import is_dost
from stihub.core.uploads import kind_of

from .. import profiles
from ..choices import CouncilKind, DossierFileKind, DossierStatus, Step, TeamRole
from ..forms import (
    FILE_KINDS,
    DossierFileForm,
    DossierForm,
    ProposalForm,
    SubmitForm,
    TeamFormSet,
)
from ..lifecycle import council as council_of
from ..models import Dossier, DossierFile, Task, TaskEvent, TeamMember
from ..rules import EDITABLE_DOSSIER

CODE_PREFIX = "ĐX"  # đề xuất: a proposal's code, ĐX-2026-001
CODE_TRIES = 5


def next_code(year: int) -> str:
    """The next free proposal code of `year` (ĐX-2026-001, ĐX-2026-002...)."""
    prefix = f"{CODE_PREFIX}-{year}-"
    numbers = [
        int(match.group(1))
        for code in Task.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if (match := re.fullmatch(rf"{re.escape(prefix)}(\d+)", code))
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def create_proposal(form: ProposalForm, user, profile) -> Task:
    """The task of a valid proposal form, at step proposal with its first event. Two proposals
    sent at once may pick the same number: the second one takes the next (unique code)."""
    year = timezone.localdate().year
    for attempt in range(CODE_TRIES):
        try:
            with transaction.atomic():
                task = form.save(commit=False)
                task.pk = None
                task.code = next_code(year)
                task.proposer, task.profile, task.step = user, profile, Step.PROPOSAL
                task.save()
                form.save_m2m()
                TaskEvent.objects.create(task=task, by=user, from_step="", to_step=Step.PROPOSAL)
            return task
        except IntegrityError:
            if attempt == CODE_TRIES - 1:
                raise
    raise AssertionError("unreachable")


@require("tasks.propose")
def propose(request):
    """A proposal: kind, title, need and objectives, expected results, keywords, fields."""
    profile = profiles.current()
    form = ProposalForm(request.POST or None)
    if profile is None:
        messages.error(
            request,
            _("No regulation profile is in force: proposals cannot be taken yet. Ask DOST."),
        )
        status = 400 if request.method == "POST" else 200
        return render(request, "tasks/propose.html", {"form": form, "closed": True}, status=status)
    if request.method == "POST":
        if form.is_valid():
            task = create_proposal(form, request.user, profile)
            messages.success(
                request, _("Your proposal %(code)s was recorded.") % {"code": task.code}
            )
            return redirect("tasks:detail", task.pk)
        return render(request, "tasks/propose.html", {"form": form}, status=400)
    return render(request, "tasks/propose.html", {"form": form})


def call_is_open(task: Task, today) -> bool:
    """The task's call is open today: at step call and within its dates."""
    return (
        task.step == Step.CALL
        and (task.call_opens_on is None or task.call_opens_on <= today)
        and (task.call_closes_on is None or today <= task.call_closes_on)
    )


# What the lead applicant (of the selected dossier) does at each step of the task from then on;
# before the contract, DOST acts (`SELECTED_WAITS`).
SELECTED_WAITS = gettext_lazy("Selected: DOST will appraise the budget and sign a contract.")
SELECTED_NEXT = {
    Step.CONTRACT: gettext_lazy(
        "Sign the contract with DOST; then report progress on the task page."
    ),
    Step.EXECUTION: gettext_lazy("Report progress on the task page."),
    Step.ACCEPTANCE: gettext_lazy("Prepare the results for the acceptance council."),
    Step.REGISTRATION: gettext_lazy(
        "Register the results with DOST; record how they are applied on the task page."
    ),
    Step.PUBLISHED: gettext_lazy("Record how the results are applied on the task page."),
    Step.NOT_ACCEPTED: gettext_lazy("The acceptance council did not accept the results."),
    Step.WITHDRAWN: gettext_lazy("The task was withdrawn."),
}


def next_action(dossier: Dossier, today) -> str:
    """What the applicant should do next with `dossier`, in a sentence; for the selected
    dossier, what the task's step asks of its lead."""
    task = dossier.task
    if dossier.status == DossierStatus.SELECTED:
        return str(SELECTED_NEXT.get(task.step, SELECTED_WAITS))
    if dossier.status in EDITABLE_DOSSIER:
        if not call_is_open(task, today):
            return _("The call is closed: the dossier can no longer be submitted.")
        if dossier.status == DossierStatus.INCOMPLETE:
            return _("Complete the dossier as the check asks and submit it again.")
        if task.call_closes_on:
            return _("Complete the dossier and submit it by %(date)s.") % {
                "date": f"{task.call_closes_on:%d/%m/%Y}"
            }
        return _("Complete the dossier and submit it.")
    return {
        DossierStatus.SUBMITTED: _("Wait for DOST's completeness check."),
        DossierStatus.COMPLETE: _("Wait for the selection council."),
        DossierStatus.NOT_SELECTED: _("Not selected."),
        DossierStatus.WITHDRAWN: _("Withdrawn."),
    }.get(dossier.status, "")


@require("tasks.view_own")
def mine(request):
    """The applicant's proposals and dossiers with their step, due dates and what to do next."""
    today = timezone.localdate()
    proposals = Task.objects.filter(proposer=request.user).order_by("-created_at")
    dossiers = (
        Dossier.objects.filter(applicant=request.user)
        .select_related("task", "host_org")
        .order_by("-created_at")
    )
    return render(
        request,
        "tasks/mine.html",
        {
            "proposals": proposals,
            "dossiers": [(d, next_action(d, today)) for d in dossiers],
        },
    )


def _visible_task(request, pk) -> Task:
    task = get_object_or_404(Task, pk=pk)
    if not request.user.has_perm("tasks.view_task", task):
        raise Http404
    return task


@require("tasks.view_own")
def apply(request, pk):
    """Start a dossier for a task whose call is open; then its edit page (team, files)."""
    task = _visible_task(request, pk)
    check(request, "tasks.apply", task)
    existing = task.dossiers.filter(applicant=request.user).first()
    if existing is not None:
        messages.info(request, _("You already have a dossier for this task."))
        return redirect("tasks:dossier", existing.pk)
    today = timezone.localdate()
    if not call_is_open(task, today):
        messages.error(request, _("The call for this task is not open today."))
        return render(
            request,
            "tasks/dossier_form.html",
            {"task": task, "closed": True},
            status=400 if request.method == "POST" else 200,
        )
    form = DossierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            dossier = form.save(commit=False)
            dossier.task, dossier.applicant = task, request.user
            dossier.save()
            form.save_m2m()
            own = getattr(request.user, "expert", None)
            if own is not None:  # the applicant's own record (their CV) leads, unless changed
                TeamMember.objects.create(dossier=dossier, expert=own, role=TeamRole.LEAD)
        messages.success(request, _("Your dossier was started: add the team and the files."))
        return redirect("tasks:dossier_edit", dossier.pk)
    return render(
        request,
        "tasks/dossier_form.html",
        {"task": task, "form": form, "starting": True},
        status=400 if request.method == "POST" else 200,
    )


def blind_for(user, dossier: Dossier) -> bool:
    """Whether `user` sees `dossier` without names: the task's selection council reviews blind
    and the user is neither DOST nor the applicant."""
    if is_dost(user) or dossier.applicant_id == user.pk:
        return False
    council = council_of(dossier.task, CouncilKind.SELECTION)
    return bool(council and council.blind)


def _dossier(pk) -> Dossier:
    return get_object_or_404(Dossier.objects.select_related("task", "host_org", "applicant"), pk=pk)


def missing_parts(dossier: Dossier, today) -> list[str]:
    """What the dossier lacks to be submitted (empty: it may be)."""
    found = []
    leads = dossier.team.filter(role=TeamRole.LEAD).count()
    if leads != 1:
        found.append(_("The team needs exactly one principal investigator."))
    kinds = set(dossier.files.values_list("kind", flat=True))
    for kind in (DossierFileKind.APPLICATION, DossierFileKind.EXPLANATION):
        if kind not in kinds:
            found.append(_("Attach the file: %(kind)s.") % {"kind": kind.label})
    if not dossier.budget_state or dossier.budget_state <= 0:
        found.append(_("Give the state budget asked (more than 0)."))
    if not call_is_open(dossier.task, today):
        found.append(_("The call is closed."))
    return found


def _dossier_page(request, dossier, status=200, **extra):
    blind = blind_for(request.user, dossier)
    team = dossier.team.select_related("expert__organization")
    context = {
        "dossier": dossier,
        "task": dossier.task,
        "blind": blind,
        "team": team,
        "files": dossier.files.all(),
        "partners": dossier.partner_orgs.all(),
        "can_edit": request.user.has_perm("tasks.edit_dossier", dossier),
        "own": dossier.applicant_id == request.user.pk,
        "confirm": SubmitForm(),
        **extra,
    }
    return render(request, "tasks/dossier.html", context, status=status)


@require("tasks.view_own")
def dossier(request, pk):
    """A dossier with its forms, team and files (no names under blind review)."""
    found = _dossier(pk)
    check(request, "tasks.view_dossier", found)
    return _dossier_page(request, found)


def _edit_page(
    request, dossier, form=None, team=None, upload=None, confirm=None, status=200, **extra
):
    return render(
        request,
        "tasks/dossier_form.html",
        {
            "task": dossier.task,
            "dossier": dossier,
            "form": form or DossierForm(instance=dossier),
            "team": team or TeamFormSet(instance=dossier, prefix="team"),
            "upload": upload or DossierFileForm(),
            "confirm": confirm or SubmitForm(),
            "files": dossier.files.all(),
            "own_expert": getattr(request.user, "expert", None),
            **extra,
        },
        status=status,
    )


def why_not_editable(dossier: Dossier) -> str:
    """Why the dossier can no longer be edited, in a sentence for its applicant."""
    if dossier.status not in EDITABLE_DOSSIER:
        return _("This dossier is “%(status)s”: it can no longer be edited.") % {
            "status": dossier.get_status_display()
        }
    return _("The call for this task is closed: the dossier can no longer be edited.")


def _check_editable(request, dossier):
    """None if the user may edit `dossier`; for its applicant, once it cannot be edited any
    more, a redirect to the dossier's page saying why; anyone else is refused (403)."""
    if dossier.applicant_id == request.user.pk and not request.user.has_perm(
        "tasks.edit_dossier", dossier
    ):
        messages.info(request, why_not_editable(dossier))
        return redirect("tasks:dossier", dossier.pk)
    check(request, "tasks.edit_dossier", dossier)
    return None


def submit(dossier: Dossier, today) -> list[str]:
    """Submit `dossier` if nothing is missing: what is missing (nothing submitted), or []. A
    second submission sent at once changes nothing."""
    missing = missing_parts(dossier, today)
    if missing:
        return missing
    with transaction.atomic():
        changed = Dossier.objects.filter(pk=dossier.pk, status__in=EDITABLE_DOSSIER).update(
            status=DossierStatus.SUBMITTED
        )
        if changed:  # the history row
            dossier.status, dossier.submitted_at = DossierStatus.SUBMITTED, timezone.now()
            dossier.save()
    return []


@require("tasks.view_own")
def dossier_edit(request, pk):
    """The dossier's forms and team, saved together or not at all; with "Save and submit"
    (`action=submit`) and the confirmation ticked, then submitted in the same transaction. A
    submission refused (parts missing, not confirmed) leaves the save standing, and says so."""
    found = _dossier(pk)
    if (refused := _check_editable(request, found)) is not None:
        return refused
    if request.method != "POST":
        return _edit_page(request, found)
    form = DossierForm(request.POST, instance=found)
    team = TeamFormSet(request.POST, instance=found, prefix="team")
    confirm = SubmitForm(request.POST)
    if not (form.is_valid() and team.is_valid()):
        return _edit_page(request, found, form, team, confirm=confirm, status=400)
    submitting = request.POST.get("action") == "submit"
    confirmed = confirm.is_valid() and confirm.cleaned_data["confirm"]
    missing = []
    with transaction.atomic():
        form.save()
        team.save()
        if submitting and confirmed:
            missing = submit(found, timezone.localdate())
    if not submitting:
        messages.success(request, _("The dossier was saved."))
        return redirect("tasks:dossier_edit", found.pk)
    if not confirmed:
        messages.error(
            request,
            _(
                "The dossier was saved but not submitted: tick the confirmation that it is "
                "final to submit it."
            ),
        )
        return _edit_page(request, found, confirm=confirm, status=400, not_confirmed=True)
    if missing:
        messages.error(request, _("The dossier was saved but not submitted: parts are missing."))
        return _edit_page(request, found, status=400, missing=missing)
    messages.success(request, _("The dossier was saved and submitted."))
    return redirect("tasks:dossier", found.pk)


def remove_file(dossier: Dossier, pk) -> DossierFile:
    """Delete a file of `dossier`: its row, and its stored file once the deletion is kept."""
    found = get_object_or_404(DossierFile, dossier=dossier, pk=pk)
    stored, storage = found.file.name, found.file.storage
    with transaction.atomic():
        found.delete()
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))
    return found


@require("tasks.view_own")
def dossier_file(request, pk):
    """Attach a file to the dossier (checked: PDF, Word .docx or Excel .xlsx, size), or remove
    one (`remove=<file id>`) while the dossier can be edited."""
    found = _dossier(pk)
    if (refused := _check_editable(request, found)) is not None:
        return refused
    if request.method != "POST":
        return redirect("tasks:dossier_edit", found.pk)
    if "remove" in request.POST:
        raw = request.POST["remove"]
        if not raw.isdigit():
            raise Http404
        removed = remove_file(found, int(raw))
        messages.success(request, _("The file %(name)s was removed.") % {"name": removed.name})
        return redirect("tasks:dossier_edit", found.pk)
    upload = DossierFileForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _edit_page(request, found, upload=upload, status=400)
    data = upload.cleaned_data
    DossierFile.objects.create(
        dossier=found, kind=data["kind"], file=data["file"], name=data["file"].name[:200]
    )
    messages.success(request, _("The file was attached."))
    return redirect("tasks:dossier_edit", found.pk)


@require("tasks.view_own")
def file(request, pk):
    """A dossier's file as an attachment (not to a council member under blind review)."""
    found = get_object_or_404(DossierFile.objects.select_related("dossier__task"), pk=pk)
    check(request, "tasks.view_dossier", found.dossier)
    if blind_for(request.user, found.dossier):
        raise PermissionDenied
    try:
        stored = found.file.open("rb")
    except (OSError, ValueError) as error:
        raise Http404(_("The stored file is missing.")) from error
    kind = kind_of(found.name, FILE_KINDS)
    content_type = kind.content_type if kind else mimetypes.guess_type(found.name)[0]
    return FileResponse(
        stored,
        as_attachment=True,
        filename=found.name,
        content_type=content_type or "application/octet-stream",
    )


@require("tasks.view_own")
def dossier_submit(request, pk):
    """Submit the dossier once its applicant confirms it is final: every required part is
    checked and what is missing is listed."""
    found = _dossier(pk)
    if (refused := _check_editable(request, found)) is not None:
        return refused
    if request.method != "POST":
        return redirect("tasks:dossier", found.pk)
    confirm = SubmitForm(request.POST)
    if not (confirm.is_valid() and confirm.cleaned_data["confirm"]):
        messages.error(request, _("Tick the confirmation that the dossier is final to submit it."))
        return _dossier_page(request, found, status=400, confirm=confirm, not_confirmed=True)
    missing = submit(found, timezone.localdate())
    if missing:
        return _dossier_page(request, found, status=400, missing=missing, confirm=confirm)
    messages.success(request, _("Your dossier was submitted."))
    return redirect("tasks:dossier", found.pk)
