"""DOST's council pages (hội đồng tư vấn): forming a council from the engine's suggestion with
every excluded expert and the reason, the council's page (declarations, replacements, reviews
assigned and submitted, scores, attendance, the conclusion) and the minutes as .docx.

The rules are the services' (`tasks.councils`): these pages show their suggestion, pass DOST's
choice to them and show their refusals in words.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stihub.core.formatting import num
from stihub.core.permissions import check, require
from stihub.core.uploads import DOCX
from stihub.engines import council as engine
from stihub.engines.text import fold
from stihub.registry.models import Expert

from .. import councils as service
from ..choices import (
    ConflictReason,
    CouncilKind,
    CouncilRole,
    CouncilStatus,
    DossierStatus,
    Vote,
)
from ..councils import FORMED_AT
from ..minutes import render_minutes
from ..models import Council, CouncilMember, Review, Task
from ..profiles import rules_of
from ..staff_forms import CouncilForm, ReplaceForm

CANDIDATES = 60  # experts offered in a seat's list, best match first (a search narrows them)
ROLE_RANK = {role: i for i, role in enumerate(engine.ROLE_ORDER)}
SCORED = (DossierStatus.COMPLETE, DossierStatus.SELECTED, DossierStatus.NOT_SELECTED)


def _candidates(task, kind, excluded, taken=(), q="", keep=()) -> list[tuple[int, str, float]]:
    """(expert id, "name · workplace", match) of unconflicted experts not in `taken`, best
    match first, narrowed by a name search `q`; the experts of `keep` are always offered."""
    proposal = service.proposals_for(task, kind)[0]
    wanted = fold(q).strip()
    keep = {str(pk) for pk in keep}
    rows = []
    for e in service.registry_experts():
        if e.id in excluded or int(e.id) in taken:
            continue
        if e.id in keep or not wanted or wanted in fold(e.full_name):
            rows.append((engine.score(e, proposal), e))
    rows.sort(key=lambda pair: (-pair[0], fold(pair[1].full_name)))
    shown = [pair for pair in rows if pair[1].id in keep]
    shown += [pair for pair in rows if pair[1].id not in keep][: max(CANDIDATES - len(shown), 0)]
    shown.sort(key=lambda pair: (-pair[0], fold(pair[1].full_name)))
    return [(int(e.id), f"{e.full_name} · {e.organization or '–'}", score) for score, e in shown]


def _size(request, task) -> int:
    """The council size asked (GET or POST `size`), within the profile's bounds."""
    rule = rules_of(task).council
    raw = request.POST.get("size") or request.GET.get("size") or ""
    size = int(raw) if raw.isdigit() else rule.min_size
    return min(max(size, rule.min_size), rule.max_size)


@require("tasks.manage_tasks")
def new(request, pk, kind):
    """Form a council: the engine's suggestion (members with role and match), every excluded
    expert with the reason, and DOST's choice of seats, blind review and meeting date."""
    task = get_object_or_404(Task.objects.select_related("profile"), pk=pk)
    check(request, "tasks.manage_tasks", task)
    if kind not in CouncilKind.values:
        raise Http404
    size = _size(request, task)
    found = service.suggestion(task, kind, size=size)
    q = request.GET.get("q", "")
    members = found["members"]
    candidates = _candidates(
        task, kind, found["excluded"], q=q, keep=[m["expert"].pk for m in members]
    )
    initial = {}
    for i, m in enumerate(members):
        initial[f"expert_{i}"], initial[f"role_{i}"] = m["expert"].pk, m["role"]
    form = CouncilForm(request.POST or None, initial=initial, size=size, candidates=candidates)
    refusals = []
    if request.method == "POST" and form.is_valid():
        try:
            council = service.form(
                task,
                kind,
                form.chosen(),
                request.user,
                blind=form.cleaned_data["blind"],
                meets_on=form.cleaned_data["meets_on"],
            )
        except ValidationError as error:
            refusals = error.messages
        else:
            messages.success(request, _("The council is formed; its members now declare."))
            return redirect("tasks:council", council.pk)
    people = Expert.objects.select_related("organization").in_bulk(
        [int(pk) for pk in found["excluded"]]
    )
    excluded = sorted(
        (
            {"expert": people.get(int(pk)), "id": pk, "reason": ConflictReason(reason)}
            for pk, reason in found["excluded"].items()
        ),
        key=lambda row: (row["reason"].label, fold(str(row["expert"] or ""))),
    )
    rule = rules_of(task).council
    at, _to = FORMED_AT[kind]
    return render(
        request,
        "tasks/council_new.html",
        {
            "task": task,
            "kind": CouncilKind(kind),
            "suggested": [{**m, "role_label": CouncilRole(m["role"]).label} for m in members],
            "missing": found["missing"],
            "excluded": excluded,
            "form": form,
            "size": size,
            "sizes": range(rule.min_size, rule.max_size + 1),
            "q": q,
            "refusals": refusals,
            "formed_at": None if task.step == at else at.label,
        },
        status=400 if refusals else 200,
    )


def _council(request, pk) -> Council:
    council = get_object_or_404(Council.objects.select_related("task__profile"), pk=pk)
    check(request, "tasks.manage_tasks", council.task)
    return council


def _verdict_labels(council) -> dict:
    labels = dict(Vote.choices)
    if council.kind == CouncilKind.ACCEPTANCE:
        labels |= {g.code: g.label for g in rules_of(council.task).acceptance.grades}
    return labels


def _selection_view(council, seated, reviews) -> dict:
    """The matrix member × dossier (assigned, submitted) and each dossier's totals."""
    dossiers = list(
        council.task.dossiers.filter(status__in=SCORED).select_related("host_org").order_by("pk")
    )
    by_pair = {(r.member_id, r.dossier_id): r for r in reviews}
    rows = []
    for d in dossiers:
        cells, totals = [], []
        for m in seated:
            review = by_pair.get((m.pk, d.pk))
            total = None
            if review is not None and review.submitted_at:
                total = round(sum(float(v) for v in review.scores.values()), 2)
                totals.append(total)
            cells.append({"member": m, "review": review, "total": total})
        mean = round(sum(totals) / len(totals), 2) if totals else None
        rows.append({"dossier": d, "cells": cells, "mean": mean})
    return {"rows": rows, "assignable": [d for d in dossiers if d.status == DossierStatus.COMPLETE]}


def _conclusion_view(council) -> dict | None:
    """The stored conclusion with the members' names put back (the service keys them by seat)."""
    found = council.conclusion
    if not found:
        return None
    names = found.get("members", {})
    rows = []
    for row in found.get("dossiers", []):
        normalised = row.get("normalised", {})
        rows.append(
            {
                **row,
                "mean_text": num(row.get("mean_total")),
                "outlier_list": [
                    (names.get(m, m), num(gap)) for m, gap in row.get("outliers", {}).items()
                ],
                # Each member's total and, beside it, the total on the council's common scale
                # (the member's scores standardised across the dossiers they scored).
                "total_list": [
                    (names.get(m, m), num(total), num(normalised.get(m)))
                    for m, total in row.get("member_totals", {}).items()
                ],
            }
        )
    return {**found, "dossier_rows": rows}


@require("tasks.manage_tasks")
def council(request, pk):
    """The council's page, for DOST who runs it."""
    council = _council(request, pk)
    members = sorted(
        council.members.select_related("expert"), key=lambda m: (ROLE_RANK[m.role], m.pk)
    )
    seated = [m for m in members if m.no_conflict is True]
    reviews = list(Review.objects.filter(member__council=council).order_by("pk"))
    per_member = {m.pk: {"assigned": 0, "submitted": 0, "verdict": ""} for m in members}
    labels = _verdict_labels(council)
    for r in reviews:
        counts = per_member[r.member_id]
        counts["assigned"] += 1
        if r.submitted_at:
            counts["submitted"] += 1
            counts["verdict"] = labels.get(r.verdict, r.verdict)
    conflicted = [m for m in members if m.no_conflict is False]
    replace_forms = []
    if conflicted and council.status != CouncilStatus.CONCLUDED:
        excluded = {str(pk) for pk in council.exclusions.values_list("expert_id", flat=True)}
        candidates = _candidates(
            council.task, council.kind, excluded, taken={m.expert_id for m in members}
        )
        replace_forms = [(m, ReplaceForm(candidates=candidates)) for m in conflicted]
    context = {
        "council": council,
        "task": council.task,
        "members": [(m, per_member[m.pk]) for m in members],
        "seated": seated,
        "replace_forms": replace_forms,
        "exclusions": council.exclusions.select_related("expert").order_by("reason", "expert"),
        "selection": council.kind == CouncilKind.SELECTION,
        "conclusion": _conclusion_view(council),
        "reviewing": council.status == CouncilStatus.REVIEWING,
        "concluded": council.status == CouncilStatus.CONCLUDED,
    }
    if context["selection"]:
        context["matrix"] = _selection_view(council, seated, reviews)
    return render(request, "tasks/council.html", context)


@require("tasks.manage_tasks")
@require_POST
def assign(request, pk):
    """Which member reviews which dossier (selection councils): the ticked pairs."""
    council = _council(request, pk)
    if council.kind != CouncilKind.SELECTION or council.status != CouncilStatus.REVIEWING:
        messages.error(request, _("Reviews are assigned while a selection council reviews."))
        return redirect("tasks:council", council.pk)
    members = {m.pk: m for m in council.members.filter(no_conflict=True)}
    dossiers = {d.pk: d for d in council.task.dossiers.filter(status=DossierStatus.COMPLETE)}
    pairs = []
    for value in request.POST.getlist("pair"):
        m, _sep, d = value.partition(":")
        if m.isdigit() and d.isdigit() and int(m) in members and int(d) in dossiers:
            pairs.append((members[int(m)], dossiers[int(d)]))
    unreviewed = set(dossiers) - {d.pk for _m, d in pairs}
    if unreviewed:
        messages.error(request, _("Every dossier needs at least one member to review it."))
        return redirect("tasks:council", council.pk)
    try:
        with transaction.atomic():
            service.assign(council, pairs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The reviews are assigned."))
    return redirect("tasks:council", council.pk)


@require("tasks.manage_tasks")
@require_POST
def replace(request, pk, member):
    """Seat another expert in place of a member who declared a conflict."""
    council = _council(request, pk)
    seat = get_object_or_404(CouncilMember, pk=member, council=council)
    form = ReplaceForm(request.POST)
    expert = None
    if form.is_valid():
        expert = Expert.objects.filter(
            pk=form.cleaned_data["expert"], erased_at__isnull=True
        ).first()
    if expert is None:
        messages.error(request, _("Choose an expert of the registry."))
        return redirect("tasks:council", council.pk)
    try:
        service.replace(seat, expert, request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(name)s now sits as %(role)s; they declare before seeing the papers.")
            % {"name": expert, "role": CouncilRole(seat.role).label},
        )
    return redirect("tasks:council", council.pk)


@require("tasks.manage_tasks")
@require_POST
def conclude(request, pk):
    """Close the meeting with the members present: quorum, reviews in, the profile's rule."""
    council = _council(request, pk)
    present = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
    try:
        service.conclude(council, present, request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The council has concluded."))
    return redirect("tasks:council", council.pk)


@require("tasks.manage_tasks")
def minutes(request, pk):
    """The minutes of the meeting (biên bản) as .docx, once the council has concluded."""
    council = _council(request, pk)
    if council.status != CouncilStatus.CONCLUDED:
        messages.error(request, _("The minutes are made once the council has concluded."))
        return redirect("tasks:council", council.pk)
    response = HttpResponse(render_minutes(council), content_type=DOCX.content_type)
    name = f"bien-ban-{slugify(council.task.code)}-{council.kind}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
