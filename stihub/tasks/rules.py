"""Who may do what with S&T tasks; the role predicates are in `core/rules.py`.

The public reads the register: tasks from the approved list on (approved lists, selected tasks,
results), never dossiers or councils' reviews. Anyone signed in may propose a task and apply to
an open call; an applicant sees and edits their own dossiers. DOST runs every step and every
council. A council member sees a task's papers only after declaring no conflict of interest,
and then only the dossiers assigned to them (and under blind review, not who applied).
"""

import rules

from stihub.core.rules import anyone, is_admin, is_dost

from .choices import STAGES, CouncilStatus, DossierStatus, Step

# What the rules make public: from the approved list on, and not a task that ended unapproved.
PUBLIC_STEPS = frozenset(step for _label, steps in STAGES.values() for step in steps)
EDITABLE_DOSSIER = frozenset({DossierStatus.DRAFT, DossierStatus.INCOMPLETE})


def expert_of(user):
    """The user's record in the expert registry (through which they sit on councils), or None."""
    return getattr(user, "expert", None) if user.is_authenticated else None


@rules.predicate
def is_public_task(user, task) -> bool:
    return task is not None and task.step in PUBLIC_STEPS


@rules.predicate
def proposed_it(user, task) -> bool:
    return task is not None and user.is_authenticated and task.proposer_id == user.pk


@rules.predicate
def applied_to_it(user, task) -> bool:
    return (
        task is not None and user.is_authenticated and task.dossiers.filter(applicant=user).exists()
    )


@rules.predicate
def sits_on_its_council(user, task) -> bool:
    """A member of one of the task's councils who has declared no conflict of interest: before
    the declaration a member sees the task's title only (on the declaration page)."""
    expert = expert_of(user)
    return (
        task is not None
        and expert is not None
        and task.councils.filter(members__expert=expert, members__no_conflict=True).exists()
    )


@rules.predicate
def leads_it(user, task) -> bool:
    """The applicant of the task's selected dossier: the lead of the task being carried out."""
    return (
        task is not None
        and user.is_authenticated
        and task.dossiers.filter(applicant=user, status=DossierStatus.SELECTED).exists()
    )


@rules.predicate
def owns_dossier(user, dossier) -> bool:
    return dossier is not None and user.is_authenticated and dossier.applicant_id == user.pk


@rules.predicate
def dossier_open(user, dossier) -> bool:
    return (
        dossier is not None
        and dossier.status in EDITABLE_DOSSIER
        and dossier.task.step == Step.CALL
    )


@rules.predicate
def assigned_dossier(user, dossier) -> bool:
    """A member who declared no conflict and holds a review of this dossier."""
    expert = expert_of(user)
    if dossier is None or expert is None:
        return False
    return dossier.reviews.filter(member__expert=expert, member__no_conflict=True).exists()


@rules.predicate
def call_open(user, task) -> bool:
    return task is not None and task.step == Step.CALL


@rules.predicate
def holds_seat(user, member) -> bool:
    expert = expert_of(user)
    return member is not None and expert is not None and member.expert_id == expert.pk


@rules.predicate
def can_write_review(user, review) -> bool:
    if review is None:
        return False
    member = review.member
    return (
        holds_seat(user, member)
        and member.no_conflict is True
        and member.council.status == CouncilStatus.REVIEWING
    )


rules.add_perm("tasks.view_register", anyone)
rules.add_perm(
    "tasks.view_task", is_dost | is_public_task | proposed_it | applied_to_it | sits_on_its_council
)
rules.add_perm("tasks.propose", rules.is_authenticated)
rules.add_perm("tasks.apply", rules.is_authenticated & call_open)
rules.add_perm("tasks.view_own", rules.is_authenticated)
rules.add_perm("tasks.manage_tasks", is_dost)
rules.add_perm("tasks.manage_profiles", is_dost)
# Progress reports and the application of results: DOST, and the lead of the task.
rules.add_perm("tasks.record", is_dost | leads_it)
rules.add_perm("tasks.view_dossier", is_dost | owns_dossier | assigned_dossier)
rules.add_perm("tasks.edit_dossier", owns_dossier & dossier_open)
rules.add_perm("tasks.declare", holds_seat)
rules.add_perm("tasks.write_review", can_write_review)
# The admin's permissions for the other models (view_task, view_dossier and view_council are the
# rules above: the admin site itself is for administrators only).
for _model in (
    "regulationprofile",
    "taskevent",
    "teammember",
    "dossierfile",
    "councilmember",
    "exclusion",
    "review",
    "taskrecord",
    "experttie",
    "sanction",
    "pasttask",
):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"tasks.{_action}_{_model}", is_admin)
for _model in ("task", "dossier", "council"):
    for _action in ("add", "change", "delete"):
        rules.add_perm(f"tasks.{_action}_{_model}", is_admin)
