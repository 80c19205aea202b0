"""Regulation profiles (bộ quy định áp dụng): the versions, one version's rules in words, and a
new version written as YAML (checked whole by the regulation engine; every problem shown with
its key path). A task keeps the version it started under; new tasks take the latest in force.
"""

import yaml
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core.permissions import require
from stihub.engines.problems import DataError

from .. import profiles as service
from ..choices import CouncilRole, TaskKind
from ..models import RegulationProfile
from ..staff_forms import ProfileForm

TASKS_SHOWN = 50
DEADLINE_LABELS = {
    "call_open_min_days": gettext_lazy("A call stays open at least (days)"),
    "completeness_check_days": gettext_lazy("Completeness check after the call closes (days)"),
    "council_after_close_days": gettext_lazy("Selection council after the call closes (days)"),
    "appraisal_days": gettext_lazy("Budget appraisal after selection (days)"),
    "contract_days": gettext_lazy("Contract after the decision (days)"),
    "progress_report_months": gettext_lazy("Progress reports every (months)"),
    "inspection_months": gettext_lazy("Inspections every (months)"),
    "acceptance_after_end_days": gettext_lazy("Acceptance dossier after the task ends (days)"),
    "registration_days": gettext_lazy("Registration of results after acceptance (days)"),
    "publication_days": gettext_lazy("Publication after registration (days)"),
}
REQUIREMENT_LABELS = {
    "chair_or_vice_chair": gettext_lazy("the chair or the vice-chair present"),
    "both_reviewers": gettext_lazy("both reviewers present"),
}


@require("tasks.manage_profiles")
def profiles(request):
    """Every version of every profile, with the number of tasks that follow it."""
    rows = RegulationProfile.objects.annotate(task_count=Count("tasks")).order_by(
        "code", "-version"
    )
    return render(request, "tasks/profiles.html", {"profiles": rows, "current": service.current()})


def _readable(rules) -> dict:
    """A profile's rules arranged for reading: labels for roles, kinds, deadlines."""
    kinds = dict(TaskKind.choices)
    council = rules.council
    labels = {g.code: g.label for g in rules.acceptance.grades}
    return {
        "roles": [
            (CouncilRole(role).label if role in CouncilRole.values else role, seats)
            for role, seats in council.roles
        ],
        "requires": [REQUIREMENT_LABELS.get(r, r) for r in council.quorum_requires],
        "forms": [
            {
                "code": f.code,
                "label": kinds.get(f.code, f.code),
                "criteria": f.criteria,
                "total": sum(c.max for c in f.criteria),
            }
            for f in rules.forms
        ],
        "grades": [
            {
                "label": g.label,
                "conditions": [(str(w.at_least), labels.get(w.grade_or_better)) for w in g.when],
            }
            for g in rules.acceptance.grades
        ],
        "deadlines": [(DEADLINE_LABELS.get(k, k), rules.deadlines[k]) for k in DEADLINE_LABELS],
    }


@require("tasks.manage_profiles")
def profile(request, pk):
    """One version's rules in words, and the tasks that follow it."""
    row = get_object_or_404(RegulationProfile.objects.select_related("created_by"), pk=pk)
    rules = service.rules(row)
    tasks = row.tasks.order_by("code").only("pk", "code", "title", "step")
    return render(
        request,
        "tasks/profile.html",
        {
            "profile": row,
            "rules": rules,
            "readable": _readable(rules),
            "tasks": tasks[:TASKS_SHOWN],
            "task_count": tasks.count(),
        },
    )


def _message(problem) -> str:
    """A problem's message in the active language (the engine marks its templates)."""
    text = _(problem.template)
    return text % problem.params if problem.params else text


def _as_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


@require("tasks.manage_profiles")
def new(request):
    """A new version: the latest (or `?from=<pk>`) as YAML to edit, its date and what changed."""
    base = None
    raw = request.GET.get("from", "")
    if raw.isdigit():
        base = RegulationProfile.objects.filter(pk=int(raw)).first()
    base = base or RegulationProfile.objects.order_by("-effective_from", "-version").first()
    text = _as_yaml(base.data if base else service.bundled_data())
    form = ProfileForm(request.POST or None, initial={"text": text})
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            created = service.add_version(
                form.cleaned_data["text"],
                form.cleaned_data["effective_from"],
                form.cleaned_data["note"].strip(),
                request.user,
            )
        except DataError as error:
            problems = [
                {"path": p.column or "", "row": p.row, "message": _message(p)}
                for p in error.problems
            ]
        else:
            return redirect("tasks:profile", created.pk)
    return render(
        request,
        "tasks/profile_new.html",
        {"form": form, "base": base, "problems": problems},
        status=400 if problems or form.errors else 200,
    )
