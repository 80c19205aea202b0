"""A task's steps: which step may follow which, what must hold first, and when each is due.

The steps and their order are the application's (`choices.Step`); the numbers (days allowed, a
call's minimum length) are the task's regulation profile's (`profile.deadlines`). Every change
of step goes through `advance`, which checks the move, sets the step's due date, and writes the
event (who, when, from, to, why) in one transaction; a move raced by another user is refused.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import CouncilKind, CouncilStatus, DossierStatus, Step
from .models import Task, TaskEvent
from .profiles import rules_of

ENDED = frozenset({Step.PUBLISHED, Step.REJECTED, Step.NOT_ACCEPTED, Step.WITHDRAWN})
# The steps that may follow each step (withdrawal is open from every step not ended).
NEXT = {
    Step.PROPOSAL: (Step.IDENTIFICATION, Step.REJECTED),
    Step.IDENTIFICATION: (Step.APPROVED, Step.REJECTED),
    Step.APPROVED: (Step.CALL,),
    Step.CALL: (Step.COMPLETENESS,),
    Step.COMPLETENESS: (Step.SELECTION, Step.REJECTED),
    Step.SELECTION: (Step.APPRAISAL, Step.REJECTED),
    Step.APPRAISAL: (Step.DECISION,),
    Step.DECISION: (Step.CONTRACT,),
    Step.CONTRACT: (Step.EXECUTION,),
    Step.EXECUTION: (Step.ACCEPTANCE,),
    Step.ACCEPTANCE: (Step.REGISTRATION, Step.NOT_ACCEPTED),
    Step.REGISTRATION: (Step.PUBLISHED,),
}
# The council a step is held by.
COUNCIL_OF = {
    Step.IDENTIFICATION: CouncilKind.IDENTIFICATION,
    Step.SELECTION: CouncilKind.SELECTION,
    Step.ACCEPTANCE: CouncilKind.ACCEPTANCE,
}


def next_steps(task: Task) -> tuple:
    """The steps `task` may move to now (before the checks of `problems`)."""
    if task.step in ENDED:
        return ()
    return (*NEXT.get(task.step, ()), Step.WITHDRAWN)


def council(task: Task, kind: str):
    """The task's latest council of `kind`, or None."""
    return task.councils.filter(kind=kind).order_by("-pk").first()


def _concluded(task: Task, kind: str):
    found = council(task, kind)
    return found if found and found.status == CouncilStatus.CONCLUDED else None


def problems(task: Task, to: str, today: dt.date) -> list[str]:
    """What stops `task` moving to step `to` today (empty: it may move)."""
    if to not in next_steps(task):
        return [
            _("A task at step “%(step)s” cannot move to “%(to)s”.")
            % {"step": task.get_step_display(), "to": Step(to).label}
        ]
    if to == Step.WITHDRAWN:
        return []
    found = []
    kind = COUNCIL_OF.get(task.step)
    if kind:  # a council's step is left only once the council has concluded
        done = _concluded(task, kind)
        if done is None:
            found.append(_("The council has not concluded yet."))
        else:
            found += _council_problems(to, done.conclusion)
    elif task.step == Step.PROPOSAL and to == Step.IDENTIFICATION:
        if council(task, CouncilKind.IDENTIFICATION) is None:
            found.append(_("Form the identification council first."))
    if to == Step.CALL:
        found += call_problems(task, task.call_opens_on, task.call_closes_on)
    elif to == Step.COMPLETENESS:
        if task.call_closes_on and today <= task.call_closes_on:
            found.append(
                _("The call is open until %(date)s.") % {"date": f"{task.call_closes_on:%d/%m/%Y}"}
            )
        if not task.dossiers.exclude(status=DossierStatus.DRAFT).exists():
            found.append(_("No dossier was submitted."))
    elif to == Step.SELECTION:
        if task.dossiers.filter(status=DossierStatus.SUBMITTED).exists():
            found.append(_("Check every submitted dossier for completeness first."))
        if not task.dossiers.filter(status=DossierStatus.COMPLETE).exists():
            found.append(_("No dossier is complete."))
        if council(task, CouncilKind.SELECTION) is None:
            found.append(_("Form the selection council first."))
    elif to == Step.DECISION and task.budget is None:
        found.append(_("Record the appraised budget first."))
    elif to == Step.CONTRACT and not (task.decision_no and task.decision_on):
        found.append(_("Record the decision's number and date first."))
    elif to == Step.EXECUTION and not (task.contract_no and task.starts_on and task.ends_on):
        found.append(_("Record the contract's number and the task's start and end dates first."))
    elif to == Step.ACCEPTANCE and council(task, CouncilKind.ACCEPTANCE) is None:
        found.append(_("Form the acceptance council first."))
    elif to == Step.PUBLISHED and not (task.registration_no and task.registered_on):
        found.append(_("Record the registration number and date of the results first."))
    return found


def _council_problems(to: str, conclusion: dict) -> list[str]:
    """A council's conclusion must allow the move: approval, a winner, a passing grade."""
    passed = bool(conclusion.get("passed"))
    if to == Step.APPROVED and not passed:
        return [_("The identification council did not recommend the task.")]
    if to == Step.APPRAISAL and not conclusion.get("winner"):
        return [_("The selection council chose no dossier.")]
    if to == Step.REGISTRATION and not passed:
        return [_("The acceptance council did not accept the task.")]
    if to == Step.NOT_ACCEPTED and passed:
        return [_("The acceptance council accepted the task.")]
    return []


def call_problems(task: Task, opens: dt.date | None, closes: dt.date | None) -> list[str]:
    """A call must have both dates and stay open the profile's minimum number of days."""
    if not (opens and closes):
        return [_("Give the dates the call opens and closes.")]
    least = rules_of(task).deadlines["call_open_min_days"]
    if (closes - opens).days < least:
        return [
            _("A call stays open at least %(days)s days (%(opens)s – %(closes)s is %(length)s).")
            % {
                "days": least,
                "opens": f"{opens:%d/%m/%Y}",
                "closes": f"{closes:%d/%m/%Y}",
                "length": (closes - opens).days,
            }
        ]
    return []


def _days(task: Task, key: str, since: dt.date) -> dt.date | None:
    days = rules_of(task).deadlines.get(key)
    return since + dt.timedelta(days=days) if days is not None else None


def due_date(task: Task, step: str, today: dt.date) -> dt.date | None:
    """When `step` should be done, by the task's dates and its profile's deadlines."""
    closes = task.call_closes_on or today
    if step == Step.CALL:
        return task.call_closes_on
    if step == Step.COMPLETENESS:
        return _days(task, "completeness_check_days", closes)
    if step == Step.SELECTION:
        return _days(task, "council_after_close_days", closes)
    if step == Step.APPRAISAL:
        return _days(task, "appraisal_days", today)
    if step == Step.CONTRACT:
        return _days(task, "contract_days", today)
    if step == Step.EXECUTION:
        return task.ends_on
    if step == Step.ACCEPTANCE:
        return _days(task, "acceptance_after_end_days", task.ends_on or today)
    if step == Step.REGISTRATION:
        return _days(task, "registration_days", today)
    return None


@transaction.atomic
def advance(task: Task, to: str, by, note: str = "", today: dt.date | None = None) -> TaskEvent:
    """Move `task` to step `to` (checked by `problems`), with its due date and its event.

    The caller may first set the step's data on `task` (call dates, budget, decision...): it is
    saved with the move, or not at all. Raises ValidationError with every problem; the move is
    written only if nobody moved the task meanwhile (a conditional update on the step read)."""
    today = today or timezone.localdate()
    found = problems(task, to, today)
    if found:
        raise ValidationError(found)
    was = task.step
    task.step = to
    task.step_due = due_date(task, to, today)
    if to == Step.PUBLISHED and task.published_on is None:
        task.published_on = today
    changed = Task.objects.filter(pk=task.pk, step=was).update(
        step=to, step_due=task.step_due, published_on=task.published_on, updated_at=timezone.now()
    )
    if not changed:
        task.step = was
        raise ValidationError(_("Someone else moved this task meanwhile: reload the page."))
    task.save()  # with the step's data the caller set (dates, numbers), and its history row
    return TaskEvent.objects.create(
        task=task, by=by, from_step=was, to_step=to, due=task.step_due, note=note
    )


def overdue(task: Task, today: dt.date) -> bool:
    return task.step_due is not None and task.step not in ENDED and task.step_due < today
