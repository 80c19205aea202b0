"""Councils that are fair by construction: drawn from the expert registry by the council engine,
conflicted experts left out with their reason, members declaring before they see a paper,
reviews assigned, scores collected and concluded by the task's regulation profile.

The registry is read into the engine's terms (`stihub.engines.council.Expert`): fields of
science, keywords (with those of the tasks the person worked on: expertise shown by past tasks),
the current organization, past affiliations, declared relatives and co-authors (`ExpertTie`) and
sanctions. A council for several dossiers (selection) leaves out whoever is conflicted with any
of them; the first reason found is kept.
"""

import dataclasses
import datetime as dt
from collections import defaultdict
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from stihub.core.formatting import num, problem
from stihub.engines import council as engine
from stihub.engines import regulation
from stihub.engines.problems import DataError
from stihub.engines.text import fold
from stihub.registry.models import Affiliation, Expert, split_list

from . import lifecycle
from .choices import (
    ConflictReason,
    CouncilKind,
    CouncilRole,
    CouncilStatus,
    DossierStatus,
    Step,
    TieKind,
    Vote,
)
from .models import (
    Council,
    CouncilMember,
    Exclusion,
    ExpertTie,
    Review,
    Sanction,
    Task,
    TeamMember,
)
from .profiles import rules_of

# The step a task is at when each council is formed, and the step forming it moves it to.
FORMED_AT = {
    CouncilKind.IDENTIFICATION: (Step.PROPOSAL, Step.IDENTIFICATION),
    CouncilKind.SELECTION: (Step.COMPLETENESS, Step.SELECTION),
    CouncilKind.ACCEPTANCE: (Step.EXECUTION, Step.ACCEPTANCE),
}


def registry_experts(only=None) -> list[engine.Expert]:
    """Every expert of the registry (erased people left out), or those of ids `only`, in the
    engine's terms. Read as plain rows, one query per part (no model instances): a registry of
    100,000 people is read in a few seconds."""
    rows = Expert.objects.filter(erased_at__isnull=True)
    if only is not None:
        rows = rows.filter(pk__in=only)
    ties = defaultdict(lambda: {TieKind.RELATIVE: set(), TieKind.COAUTHOR: set()})
    for a, b, kind in ExpertTie.objects.values_list("expert_id", "other_id", "kind"):
        ties[a][kind].add(str(b))
        ties[b][kind].add(str(a))
    sanctions = {}
    for pk, until in Sanction.objects.values_list("expert_id", "until"):
        sanctions[pk] = max(until, sanctions.get(pk, until))
    keywords = defaultdict(list)  # the person's own, then those of the tasks they worked on
    for pk, words in rows.values_list("pk", "keywords"):
        keywords[pk] += split_list(words)
    for pk, words in TeamMember.objects.values_list("expert_id", "dossier__task__keywords"):
        keywords[pk] += split_list(words)
    fields = defaultdict(list)
    for pk, code in Expert.fields.through.objects.filter(expert__in=rows).values_list(
        "expert_id", "fieldofscience__code"
    ):
        fields[pk].append(code)
    affiliations = defaultdict(list)
    for pk, org, name, start, end in Affiliation.objects.filter(expert__in=rows).values_list(
        "expert_id", "organization__name", "organization_name", "start_year", "end_year"
    ):
        if org or name:
            affiliations[pk].append((_folded(org or name), start or end or 1900, end))
    return [
        engine.Expert(
            id=str(pk),
            full_name=full_name,
            fields=tuple(fields[pk]),
            keywords=tuple(dict.fromkeys(keywords[pk])),
            organization=org or org_name,
            past_affiliations=tuple(affiliations[pk]),
            relatives=frozenset(ties[pk][TieKind.RELATIVE]) if pk in ties else frozenset(),
            coauthors=frozenset(ties[pk][TieKind.COAUTHOR]) if pk in ties else frozenset(),
            sanctioned_until=sanctions.get(pk),
        )
        for pk, full_name, org, org_name in rows.values_list(
            "pk", "full_name", "organization__name", "organization_name"
        )
    ]


@lru_cache(maxsize=1 << 14)
def _folded(name: str) -> str:
    """`fold`, remembered: a few hundred organizations recur across a registry's people."""
    return fold(name)


def _person(user) -> str:
    """The engine's id of a user: their expert record's, or one that matches nobody."""
    expert = getattr(user, "expert", None)
    return str(expert.pk) if expert else f"user-{user.pk}"


def _text(task: Task, people="", team=(), host="", partners=()) -> engine.Proposal:
    return engine.Proposal(
        title=task.title,
        summary=task.summary,
        keywords=tuple(task.keyword_list),
        fields=tuple(task.fields.values_list("code", flat=True)),
        applicant_id=people,
        team_ids=tuple(team),
        host_org=host,
        partner_orgs=tuple(partners),
    )


def proposals_for(task: Task, kind: str) -> list[engine.Proposal]:
    """The task as the engine sees it for `kind`: the proposal's people, or each dossier's."""
    if kind == CouncilKind.IDENTIFICATION:
        host = task.proposer_org.name if task.proposer_org else ""
        return [_text(task, _person(task.proposer), host=host)]
    dossiers = task.dossiers.select_related("applicant__expert", "host_org")
    if kind == CouncilKind.SELECTION:
        dossiers = dossiers.filter(status=DossierStatus.COMPLETE)
    else:
        dossiers = dossiers.filter(status=DossierStatus.SELECTED)
    return [
        _text(
            task,
            _person(d.applicant),
            [str(pk) for pk in d.team.values_list("expert_id", flat=True)],
            d.host_org.name,
            d.partner_orgs.values_list("name", flat=True),
        )
        for d in dossiers
    ] or [_text(task)]


def suggestion(task: Task, kind: str, size: int | None = None, on: dt.date | None = None) -> dict:
    """The engine's suggestion for the task's `kind` council over the whole registry:
    `{"members": [{expert, role, score}], "excluded": {expert id: reason}, "missing": n}`."""
    profile = rules_of(task)
    size = size or profile.council.min_size
    on = on or timezone.localdate()
    experts = registry_experts()
    years = profile.council.conflict_years
    excluded = {}
    proposals = proposals_for(task, kind)
    for proposal in proposals:
        found = engine.suggest(proposal, experts, size, on, years)
        for row in found["excluded"]:
            excluded.setdefault(row["id"], row["reason"])
    if len(proposals) > 1:  # the members: free of every dossier's conflicts
        free = [e for e in experts if e.id not in excluded]
        found = engine.suggest(_text(task), free, size, on, years)
    people = Expert.objects.in_bulk([int(m["id"]) for m in found["members"]])
    return {
        "members": [
            {"expert": people[int(m["id"])], "role": m["role"], "score": m["score"]}
            for m in found["members"]
        ],
        "excluded": excluded,
        "missing": found["missing"],
        "size": size,
    }


def _labelled(found):
    """A problem naming a role by its label ("Chủ tịch"), not by its code ("chair")."""
    role = found.params.get("role")
    if role in CouncilRole.values:
        return dataclasses.replace(found, params={**found.params, "role": CouncilRole(role).label})
    return found


def _composition_problems(task: Task, chosen: list[tuple[int, str]], excluded: dict) -> list[str]:
    """The profile's make-up (size, seats per role), nobody twice, nobody conflicted."""
    found = [
        problem(_labelled(p))
        for p in regulation.check_composition(rules_of(task), [role for _pk, role in chosen])
    ]
    if len({pk for pk, _role in chosen}) != len(chosen):
        found.append(_("A person is chosen twice."))
    names = Expert.objects.filter(erased_at__isnull=True).in_bulk([pk for pk, _role in chosen])
    for pk, _role in chosen:
        if pk not in names:
            found.append(_("Expert #%(id)s is not in the registry.") % {"id": pk})
        elif str(pk) in excluded:
            found.append(
                _("%(name)s cannot sit on this council: %(reason)s.")
                % {"name": names[pk], "reason": ConflictReason(excluded[str(pk)]).label}
            )
    return found


@transaction.atomic
def form(task: Task, kind: str, chosen: list[tuple[int, str]], by, blind=False, meets_on=None):
    """Form the task's `kind` council from `chosen` (expert id, role), refusing any conflicted
    expert, and move the task to the council's step; the members then declare."""
    at, to = FORMED_AT[kind]
    if task.step != at:
        raise ValidationError(
            _("This council is formed at step “%(step)s”.") % {"step": Step(at).label}
        )
    if task.councils.filter(kind=kind).exclude(status=CouncilStatus.CONCLUDED).exists():
        raise ValidationError(_("This task already has a council of this kind being formed."))
    found = suggestion(task, kind, size=max(len(chosen), engine.MIN_SIZE))
    problems = _composition_problems(task, chosen, found["excluded"])
    if problems:
        raise ValidationError(problems)
    scores = {m["expert"].pk: m["score"] for m in found["members"]}
    council = Council.objects.create(
        task=task, kind=kind, blind=blind, meets_on=meets_on, status=CouncilStatus.DECLARING
    )
    experts = {e.id: e for e in registry_experts(only=[pk for pk, _role in chosen])}
    proposal = _text(task)
    for pk, role in chosen:
        match = scores.get(pk, engine.score(experts[str(pk)], proposal))
        CouncilMember.objects.create(council=council, expert_id=pk, role=role, match=match)
    Exclusion.objects.bulk_create(
        Exclusion(council=council, expert_id=int(pk), reason=reason)
        for pk, reason in found["excluded"].items()
    )
    lifecycle.advance(task, to, by, note=_("Council formed."))
    return council


@transaction.atomic
def declare(member: CouncilMember, no_conflict: bool, text: str = "") -> None:
    """A member's declaration; once every member has declared no conflict, reviews open."""
    if member.council.status != CouncilStatus.DECLARING:
        raise ValidationError(_("Declarations for this council are closed."))
    if not no_conflict and not text.strip():
        raise ValidationError(_("Say what the conflict of interest is."))
    member.no_conflict = no_conflict
    member.declaration = text.strip()
    member.declared_at = timezone.now()
    member.save()
    if not no_conflict:
        Exclusion.objects.create(
            council=member.council, expert=member.expert, reason=ConflictReason.DECLARED
        )
    open_reviews_if_ready(member.council)


def open_reviews_if_ready(council: Council) -> bool:
    """When every member has declared no conflict, assign the reviews and open them."""
    if council.members.exclude(no_conflict=True).exists():
        return False
    assign(council)
    council.status = CouncilStatus.REVIEWING
    council.save(update_fields=["status", "updated_at"])
    return True


def assign(council: Council, pairs=None) -> None:
    """Create the reviews: by default every member reviews the task (identification,
    acceptance) or every complete dossier (selection); `pairs` (member, dossier) narrows it."""
    members = list(council.members.filter(no_conflict=True))
    if council.kind != CouncilKind.SELECTION:
        wanted = {(m.pk, None) for m in members}
    elif pairs is not None:
        wanted = {(m.pk, d.pk) for m, d in pairs}
    else:
        dossiers = council.task.dossiers.filter(status=DossierStatus.COMPLETE)
        wanted = {(m.pk, d.pk) for m in members for d in dossiers}
    have = set(
        Review.objects.filter(member__council=council).values_list("member_id", "dossier_id")
    )
    Review.objects.filter(member__council=council, submitted_at__isnull=True).exclude(
        pk__in=[
            r.pk
            for r in Review.objects.filter(member__council=council)
            if (r.member_id, r.dossier_id) in wanted
        ]
    ).delete()
    bulk_create_with_history(
        [Review(member_id=m, dossier_id=d) for m, d in sorted(wanted - have, key=str)], Review
    )


@transaction.atomic
def replace(member: CouncilMember, expert: Expert, by) -> CouncilMember:
    """Seat `expert` in place of a member who declared a conflict (same role)."""
    council = member.council
    if member.no_conflict is not False:
        raise ValidationError(_("Only a member who declared a conflict is replaced."))
    found = suggestion(council.task, council.kind)
    if str(expert.pk) in found["excluded"]:
        reason = ConflictReason(found["excluded"][str(expert.pk)]).label
        raise ValidationError(
            _("%(name)s cannot sit on this council: %(reason)s.")
            % {"name": expert, "reason": reason}
        )
    if council.members.filter(expert=expert).exists():
        raise ValidationError(_("%(name)s already sits on this council.") % {"name": expert})
    role = member.role
    member.delete()
    (seated,) = registry_experts(only=[expert.pk])
    match = engine.score(seated, _text(council.task))
    return CouncilMember.objects.create(council=council, expert=expert, role=role, match=match)


def verdicts(council: Council) -> tuple:
    """The verdicts a member of `council` may give: votes or the profile's grades."""
    if council.kind == CouncilKind.IDENTIFICATION:
        return tuple(Vote.values)
    if council.kind == CouncilKind.ACCEPTANCE:
        return tuple(g.code for g in rules_of(council.task).acceptance.grades)
    return ()


def form_of(council: Council) -> tuple:
    """The criteria of the scoring form of the task's kind (selection councils)."""
    return rules_of(council.task).form(council.task.kind).criteria


@transaction.atomic
def submit(review: Review, scores: dict | None, verdict: str, comment: str) -> None:
    """Record a member's review: scores on the form (selection) or a verdict; checked whole."""
    council = review.member.council
    if council.status != CouncilStatus.REVIEWING:
        raise ValidationError(_("This council is not taking reviews."))
    if council.kind == CouncilKind.SELECTION:
        problems, clean = [], {}
        for criterion in form_of(council):
            raw = (scores or {}).get(criterion.code)
            try:
                points = float(str(raw).replace(",", "."))
            except (TypeError, ValueError):
                points = None
            if raw in (None, ""):
                problems.append(_("%(criterion)s: give a score.") % {"criterion": criterion.label})
            elif points is None or not 0 <= points <= criterion.max:
                problems.append(
                    _("%(criterion)s: give 0 to %(max)s points.")
                    % {"criterion": criterion.label, "max": num(criterion.max)}
                )
            else:
                clean[criterion.code] = points
        if problems:
            raise ValidationError(problems)
        review.scores = clean
    elif verdict not in verdicts(council):
        raise ValidationError(_("Choose a verdict."))
    else:
        review.verdict = verdict
    review.comment = comment.strip()
    review.submitted_at = timezone.now()
    review.save()


def _located(error: DataError) -> list[str]:
    return [problem(p) for p in error.problems]


@transaction.atomic
def conclude(council: Council, present: set[int], by) -> dict:
    """Close the meeting: quorum by the profile, every present member's reviews in, then the
    conclusion by the profile's rule for the council's kind (kept on the council)."""
    if council.status != CouncilStatus.REVIEWING:
        raise ValidationError(_("This council is not reviewing."))
    if council.meets_on and council.meets_on > timezone.localdate():
        raise ValidationError(
            _("The council meets on %(date)s: it concludes at its meeting, not before.")
            % {"date": f"{council.meets_on:%d/%m/%Y}"}
        )
    profile = rules_of(council.task)
    members = list(council.members.filter(no_conflict=True).select_related("expert"))
    for m in members:
        m.present = m.pk in present
        m.save(update_fields=["present", "updated_at"])
    quorum = regulation.check_quorum(profile, [(m.role, m.present) for m in members])
    if not quorum.ok:
        raise ValidationError([problem(p) for p in quorum.problems])
    reviews = Review.objects.filter(member__in=[m for m in members if m.present])
    missing = reviews.filter(submitted_at__isnull=True).select_related("member__expert")
    if missing.exists():
        names = sorted({str(r.member.expert) for r in missing})
        raise ValidationError(
            _("Reviews not yet submitted by: %(names)s.") % {"names": ", ".join(names)}
        )
    result = {"kind": council.kind, "present": quorum.present, "needed": quorum.needed}
    try:
        result |= _conclusion(council, profile, list(reviews.select_related("member")))
    except DataError as error:
        raise ValidationError(_located(error)) from error
    council.conclusion = result
    council.status = CouncilStatus.CONCLUDED
    council.concluded_at = timezone.now()
    council.save()
    return result


def _in_vietnamese(found) -> str:
    """A problem as the record keeps it: in Vietnamese, the language of the minutes."""
    with translation.override("vi"):
        return problem(found)


def _conclusion(council: Council, profile, reviews: list[Review]) -> dict:
    """The profile's conclusion for the council's kind, as plain data kept on the council;
    a selection's winner and an acceptance's grade are written to the task and dossiers."""
    task = council.task
    if council.kind == CouncilKind.IDENTIFICATION:
        votes = [r.verdict == Vote.RECOMMEND for r in reviews]
        found = regulation.identification_conclusion(profile, votes)
        return {
            "passed": found.passed,
            "yes": found.yes,
            "voters": found.present,
            "needed_votes": found.needed,
            "share": str(found.needed_share),
        }
    if council.kind == CouncilKind.ACCEPTANCE:
        found = regulation.acceptance_grade(profile, [r.verdict for r in reviews])
        passed = found.code != profile.acceptance.grades[-1].code
        task.grade = found.code
        task.save(update_fields=["grade", "updated_at"])
        return {
            "passed": passed,
            "grade": found.code,
            "grade_label": found.label,
            "counts": found.counts,
            "rule_text": found.rule_text,
        }
    scores = defaultdict(dict)
    for r in reviews:
        scores[r.dossier_id][r.member_id] = r.scores
    found = regulation.selection_result(profile, task.kind, dict(scores))
    names = {m.pk: str(m.expert) for m in council.members.select_related("expert")}
    # Members are keyed by their seat's id (two people may share a name); `members` names them.
    dossiers = task.dossiers.select_related("host_org").in_bulk(list(scores))
    rows = [
        {
            "dossier": d.dossier,
            "host": str(dossiers[d.dossier].host_org),
            "mean_total": round(float(d.mean_total), 2),
            "criterion_means": {k: round(float(v), 2) for k, v in d.criterion_means.items()},
            "member_totals": {str(m): float(t) for m, t in d.member_totals.items()},
            "normalised": {str(m): round(float(t), 2) for m, t in d.normalised_totals.items()},
            "outliers": {str(m): round(float(g), 2) for m, g in d.outliers.items()},
            "passed": d.passed,
            "reasons": [_in_vietnamese(r.problem) for r in d.reasons],
            "rank": d.rank,
        }
        for d in found.dossiers
    ]
    if found.winner is not None:
        winner = dossiers[found.winner]
        winner.status = DossierStatus.SELECTED
        winner.save(update_fields=["status", "updated_at"])
        for other in dossiers.values():
            if other.pk != winner.pk:
                other.status = DossierStatus.NOT_SELECTED
                other.save(update_fields=["status", "updated_at"])
        task.host_org = winner.host_org
        task.lead = winner.lead
        task.save(update_fields=["host_org", "lead", "updated_at"])
    return {
        "passed": found.winner is not None,
        "winner": found.winner,
        "winner_host": str(dossiers[found.winner].host_org) if found.winner else "",
        "no_winner_reason": found.reason or "",
        "pass_total": float(profile.selection.pass_total),
        "outlier_gap": float(profile.selection.outlier_gap),
        "dossiers": rows,
        "members": {str(pk): name for pk, name in names.items()},
    }
