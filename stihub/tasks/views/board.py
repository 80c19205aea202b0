"""DOST's board of S&T tasks by step and deadline, and the actions of a task's page: moving it to
a step with that step's data, records while it runs, the completeness check of dossiers, and
loading lists of past tasks for the duplicate check.

Every action answers with a redirect to the task's page; a refusal (the lifecycle's or a
council's rules) is shown there in words, never as an error page, and nothing is written.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stihub.core.permissions import check, require

from .. import lifecycle
from ..choices import CouncilKind, DossierStatus, RecordKind, Step
from ..councils import FORMED_AT
from ..models import Dossier, Task
from ..past import COLUMNS, read_past_tasks, save_past_tasks
from ..rules import leads_it
from ..staff_forms import (
    DATA_FOR,
    AdvanceForm,
    BoardFilter,
    DossierCheckForm,
    PastImportForm,
    RecordForm,
)

__all__ = ["read_past_tasks", "staff_panel"]

# What the lead applicant (of the selected dossier) may record themselves.
APPLICANT_RECORDS = (RecordKind.PROGRESS, RecordKind.APPLICATION)
# The steps at which each kind of record is taken.
RECORD_STEPS = {
    RecordKind.PROGRESS: (Step.CONTRACT, Step.EXECUTION, Step.ACCEPTANCE),
    RecordKind.INSPECTION: (Step.CONTRACT, Step.EXECUTION, Step.ACCEPTANCE),
    RecordKind.ADJUSTMENT: (Step.CONTRACT, Step.EXECUTION, Step.ACCEPTANCE),
    RecordKind.APPLICATION: (Step.REGISTRATION, Step.PUBLISHED),
}
CHECKED = (DossierStatus.SUBMITTED, DossierStatus.COMPLETE, DossierStatus.INCOMPLETE)


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else message)


# --- the board ---------------------------------------------------------------------------------


@require("tasks.manage_tasks")
def board(request):
    """Tasks by step (in the order of the steps), each with its due date and days left; the
    overdue ones flagged. Two queries for the tasks and the counts, whatever their number."""
    today = timezone.localdate()
    form = BoardFilter(request.GET or None)
    wanted = form.cleaned_data if form.is_valid() else {}
    tasks = Task.objects.all()
    if wanted.get("kind"):
        tasks = tasks.filter(kind=wanted["kind"])
    if wanted.get("year"):
        tasks = tasks.filter(created_at__year=wanted["year"])
    if wanted.get("overdue"):
        tasks = tasks.filter(step_due__lt=today).exclude(step__in=lifecycle.ENDED)
    counts = dict(tasks.order_by().values_list("step").annotate(n=Count("pk")))
    if wanted.get("step"):
        tasks = tasks.filter(step=wanted["step"])
    listed = tasks.only("pk", "code", "title", "kind", "step", "step_due").order_by(
        F("step_due").asc(nulls_last=True), "code"
    )
    by_step: dict[str, list] = {}
    for task in listed:
        late = lifecycle.overdue(task, today)
        left = (task.step_due - today).days if task.step_due else None
        by_step.setdefault(task.step, []).append(
            {"task": task, "overdue": late, "left": left, "late_days": -left if late else 0}
        )
    sections = [
        {"step": step, "count": counts.get(step.value, 0), "rows": by_step.get(step.value, [])}
        for step in Step
    ]
    return render(
        request,
        "tasks/board.html",
        {
            "form": form,
            "sections": sections,
            "shown": [s for s in sections if s["rows"]],
            "total": sum(counts.values()),
            "late": sum(r["overdue"] for rows in by_step.values() for r in rows),
            "today": today,
        },
    )


# --- a task's staff panel ----------------------------------------------------------------------


def _record_kinds(user, task) -> tuple:
    """The kinds of record `user` may add to `task` at its step."""
    if user.has_perm("tasks.manage_tasks", task):
        kinds = tuple(RecordKind)
    elif leads_it(user, task):
        kinds = APPLICANT_RECORDS
    else:
        return ()
    return tuple(k for k in kinds if task.step in RECORD_STEPS[k])


def _record_form(kinds) -> RecordForm:
    return RecordForm(kinds=kinds, initial={"on": timezone.localdate()})


def staff_panel(request, task) -> dict | None:
    """What the task's page shows DOST (and the lead applicant) to act on the task: the steps it
    may move to with what stops each now, the data a move records, the record form, the
    dossiers to check and the councils. None for anyone else."""
    user = request.user
    kinds = _record_kinds(user, task)
    if not user.has_perm("tasks.manage_tasks", task):
        if not kinds:
            return None
        return {"manage": False, "record_form": _record_form(kinds)}
    today = timezone.localdate()
    initial = {k: getattr(task, k) for keys in DATA_FOR.values() for k in keys if getattr(task, k)}
    steps = lifecycle.next_steps(task)
    moves = []
    for step in steps:
        form = AdvanceForm(steps=steps, initial={**initial, "to": step}, auto_id=f"{step}-%s")
        moves.append(
            {
                "step": Step(step),
                "problems": lifecycle.problems(task, step, today),
                "form": form,
                "fields": [form[k] for k in DATA_FOR.get(step, ())],
            }
        )
    council_kinds = [k for k, (at, _to) in FORMED_AT.items() if at == task.step]
    dossiers = []
    if task.step == Step.COMPLETENESS:
        dossiers = list(
            task.dossiers.filter(status__in=CHECKED).select_related("host_org", "applicant")
        )
    return {
        "manage": True,
        "moves": moves,
        "record_form": _record_form(kinds) if kinds else None,
        "dossiers": [(d, DossierCheckForm(prefix=f"d{d.pk}")) for d in dossiers],
        "new_councils": [CouncilKind(k) for k in council_kinds],
        "councils": list(task.councils.order_by("pk")),
    }


# --- actions -----------------------------------------------------------------------------------


@require("tasks.manage_tasks")
@require_POST
def advance(request, pk):
    """Move the task to a step, recording that step's data in the same transaction: if the move
    is refused, none of the data is kept."""
    task = get_object_or_404(Task, pk=pk)
    check(request, "tasks.manage_tasks", task)
    form = AdvanceForm(request.POST, steps=lifecycle.next_steps(task))
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("tasks:detail", task.pk)
    to, data = form.cleaned_data["to"], form.step_data()
    try:
        with transaction.atomic():
            for key, value in data.items():
                setattr(task, key, value)
            if data:
                task.save(update_fields=[*data, "updated_at"])
            lifecycle.advance(task, to, request.user, note=form.cleaned_data["note"].strip())
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The task moved to “%(step)s”.") % {"step": Step(to).label})
    return redirect("tasks:detail", task.pk)


@require("tasks.view_own")
@require_POST
def record(request, pk):
    """Add a record to a running task: DOST any kind; the lead applicant (applicant of the
    selected dossier) a progress report or the application of the results."""
    task = get_object_or_404(Task, pk=pk)
    check(request, "tasks.record", task)
    kinds = _record_kinds(request.user, task)
    form = RecordForm(request.POST, request.FILES, kinds=kinds)
    if not kinds:
        messages.error(request, _("Nothing can be recorded at this step."))
    elif form.is_valid():
        item = form.save(commit=False)
        item.task, item.by = task, request.user
        item.save()
        messages.success(request, _("Recorded: %(kind)s.") % {"kind": item.get_kind_display()})
    else:
        _form_errors(request, form)
    return redirect("tasks:detail", task.pk)


@require("tasks.manage_tasks")
@require_POST
def dossier_check(request, pk):
    """Mark a submitted dossier complete or incomplete, with a note (step: completeness check)."""
    dossier = get_object_or_404(Dossier.objects.select_related("task"), pk=pk)
    check(request, "tasks.manage_tasks", dossier.task)
    form = DossierCheckForm(request.POST, prefix=f"d{dossier.pk}")
    if dossier.task.step != Step.COMPLETENESS:
        messages.error(request, _("Dossiers are checked at the completeness check step."))
    elif dossier.status not in CHECKED:
        messages.error(
            request,
            _("A dossier that is “%(status)s” is not checked.")
            % {"status": dossier.get_status_display()},
        )
    elif form.is_valid():
        complete = form.cleaned_data["complete"]
        dossier.status = DossierStatus.COMPLETE if complete else DossierStatus.INCOMPLETE
        dossier.check_note = form.cleaned_data["note"].strip()
        dossier.save(update_fields=["status", "check_note", "updated_at"])
        messages.success(
            request,
            _("Dossier of %(org)s: %(status)s.")
            % {"org": dossier.host_org, "status": dossier.get_status_display()},
        )
    else:
        _form_errors(request, form)
    return redirect("tasks:detail", dossier.task_id)


@require("tasks.manage_tasks")
def past_import(request):
    """Load a list of past tasks (the national registry's, an earlier provincial list) for the
    duplicate check: the whole file is checked first; any problem writes nothing."""
    form = PastImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "problems": [], "counts": None, "columns": COLUMNS}
    if request.method == "POST" and form.is_valid():
        rows, problems = read_past_tasks(form.cleaned_data["file"])
        if problems:
            context["problems"] = problems
        else:
            context["counts"] = save_past_tasks(form.cleaned_data["source"], rows)
            context["form"] = PastImportForm(initial={"source": form.cleaned_data["source"]})
    return render(request, "tasks/past_import.html", context)
