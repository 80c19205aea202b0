"""The public register of S&T tasks and results, and a task's page.

The public sees what the rules make public (`rules.PUBLIC_STEPS`: approved lists, selected
tasks, results), never dossiers, reviews or councils' scores. A task the viewer may not see is
a 404, not a 403: nobody learns of a proposal that was not published. The register is the same
for everyone, DOST included (DOST's own list of every task is the board).
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from stihub.core.permissions import require
from stihub.core.rules import is_dost
from stihub.core.views import query_with

from ..choices import RecordKind, Step, TaskKind
from ..duplicates import matches
from ..forms import PUBLIC_STEP_CHOICES, STAGES, RegisterFilter
from ..models import Task
from ..profiles import rules_of
from ..rules import PUBLIC_STEPS, sits_on_its_council
from .board import staff_panel

PAGE_SIZE = 25


def public_tasks():
    """The tasks of the public register."""
    return Task.objects.filter(step__in=PUBLIC_STEPS)


@require("tasks.view_register")
def register(request):
    """The register: search as people type (htmx asks for the results alone), sections, filters
    and pages; a plain GET form without JavaScript."""
    params = request.GET.copy()
    for key in [k for k, v in params.items() if v == ""]:  # an empty select means "any"
        del params[key]
    filterset = RegisterFilter(params, queryset=public_tasks())
    everything = public_tasks()
    context = {
        "filter": filterset,
        "q": params.get("q", ""),
        "params": params,
        "steps": PUBLIC_STEP_CHOICES,
        "kinds": TaskKind.choices,
        "stages": [
            {
                "code": code,
                "label": label,
                "count": everything.filter(step__in=steps).count(),
                "chosen": params.get("stage") == code,
                "query": query_with(
                    params, stage=None if params.get("stage") == code else code, page=None
                ),
            }
            for code, (label, steps) in STAGES.items()
        ],
    }
    valid = filterset.is_valid()
    if valid:
        rows = filterset.qs.select_related("host_org", "lead").prefetch_related("fields")
        page = Paginator(rows, PAGE_SIZE).get_page(params.get("page"))
        context.update(
            page=page,
            searched=filterset.query is not None,
            previous=(
                query_with(params, page=page.previous_page_number()) if page.has_previous() else ""
            ),
            next=query_with(params, page=page.next_page_number()) if page.has_next() else "",
        )
    partial = request.headers.get("HX-Request") == "true"
    template = "tasks/_register_results.html" if partial else "tasks/register.html"
    return render(request, template, context, status=200 if valid else 400)


def _grade_label(task) -> str:
    if not task.grade:
        return ""
    grades = {g.code: g.label for g in rules_of(task).acceptance.grades}
    return grades.get(task.grade, task.grade)


def sees_everything_of(user, task) -> bool:
    """DOST and the task's principal investigator see every record of it."""
    if is_dost(user):
        return True
    lead = task.lead
    return lead is not None and user.is_authenticated and lead.user_id == user.pk


@require("tasks.view_register")
def detail(request, pk):
    """A task's page: what it is, its timeline, its call and, once selected, who carries it
    out and what came of it; DOST's panel and the councils for those who hold them."""
    task = get_object_or_404(
        Task.objects.select_related("profile", "host_org", "lead", "proposer_org"), pk=pk
    )
    user = request.user
    if not user.has_perm("tasks.view_task", task):
        raise Http404
    dost = is_dost(user)
    member = sits_on_its_council(user, task)
    records = task.records.all()
    if not sees_everything_of(user, task):
        records = records.filter(kind=RecordKind.APPLICATION)
    today = timezone.localdate()
    call_open = (
        task.step == Step.CALL
        and (task.call_opens_on is None or task.call_opens_on <= today)
        and (task.call_closes_on is None or today <= task.call_closes_on)
    )
    context = {
        "task": task,
        "events": task.events.select_related("by") if dost else task.events.all(),
        "show_by": dost,
        "fields": task.fields.all(),
        "records": records,
        "grade_label": _grade_label(task),
        "call_open": call_open,
        "can_apply": call_open and user.has_perm("tasks.apply", task),
        "public": task.step in PUBLIC_STEPS,
        # DOST runs the councils; a member reaches their seat from the inbox.
        "councils": task.councils.all() if dost else [],
        "own_dossiers": task.dossiers.filter(applicant=user) if user.is_authenticated else [],
    }
    if user.is_authenticated:  # DOST's panel; the lead's record form (None for anyone else)
        context["staff_panel"] = staff_panel(request, task)
    if dost or member:
        context["matches"] = matches(task, k=5, request=request, public_only=not dost)
    return render(request, "tasks/detail.html", context)
