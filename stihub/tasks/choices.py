"""The vocabularies of S&T tasks as Django choices. Council roles and conflict reasons are the
council engine's codes (`stihub.engines.council`), labelled here; tests/test_vocabulary.py keeps
them equal."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    """Kinds of task, each with its scoring form in the regulation profile (`forms`)."""

    RESEARCH = "research", _("Research project (đề tài)")
    PILOT = "pilot", _("Pilot production project (dự án SXTN)")
    SCHEME = "scheme", _("Scientific scheme (đề án)")


class Step(models.TextChoices):
    """The steps of a task's life, in order; the last three end it early."""

    PROPOSAL = "proposal", _("Proposal")
    IDENTIFICATION = "identification", _("Identification council")
    APPROVED = "approved", _("Approved list")
    CALL = "call", _("Call for applications")
    COMPLETENESS = "completeness", _("Completeness check")
    SELECTION = "selection", _("Selection council")
    APPRAISAL = "appraisal", _("Budget appraisal")
    DECISION = "decision", _("Decision")
    CONTRACT = "contract", _("Contract")
    EXECUTION = "execution", _("Execution")
    ACCEPTANCE = "acceptance", _("Acceptance council")
    REGISTRATION = "registration", _("Registration of results")
    PUBLISHED = "published", _("Results published")
    REJECTED = "rejected", _("Not approved")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The public register's sections (a stage is a group of steps): what the rules make public
# (approved lists and calls, selected tasks under way, results); `rules.PUBLIC_STEPS` is their
# union.
STAGES = {
    "approved": (_("Approved list (open calls)"), (Step.APPROVED, Step.CALL)),
    "running": (
        _("Tasks under way"),
        (
            Step.COMPLETENESS,
            Step.SELECTION,
            Step.APPRAISAL,
            Step.DECISION,
            Step.CONTRACT,
            Step.EXECUTION,
            Step.ACCEPTANCE,
        ),
    ),
    "results": (_("Results"), (Step.REGISTRATION, Step.PUBLISHED, Step.NOT_ACCEPTED)),
}


class CouncilKind(models.TextChoices):
    """The three councils of a task's life; each has its conclusion rule in the profile."""

    IDENTIFICATION = "identification", _("Identification council")
    SELECTION = "selection", _("Selection council")
    ACCEPTANCE = "acceptance", _("Acceptance council")


class CouncilStatus(models.TextChoices):
    FORMING = "forming", _("Being formed")
    DECLARING = "declaring", _("Members declaring conflicts")
    REVIEWING = "reviewing", _("Reviewing")
    CONCLUDED = "concluded", _("Concluded")


class CouncilRole(models.TextChoices):
    """`stihub.engines.council.ROLE_ORDER`."""

    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    REVIEWER = "reviewer", _("Reviewer")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class ConflictReason(models.TextChoices):
    """`stihub.engines.council.REASONS`, plus a member's own declaration."""

    APPLICANT = "applicant", _("Is the applicant")
    TEAM = "team", _("Is on the team")
    HOST_ORG = "host_org", _("Works at the host organization")
    PARTNER_ORG = "partner_org", _("Works at a partner organization")
    PAST_AFFILIATION = "past_affiliation", _("Recently affiliated with the host or a partner")
    RELATIVE = "relative", _("Relative of the applicant or a team member")
    COAUTHOR = "coauthor", _("Co-author of the applicant or a team member")
    SANCTIONED = "sanctioned", _("Under sanction")
    DECLARED = "declared", _("Declared a conflict of interest")


class Vote(models.TextChoices):
    """An identification council member's vote on a proposal."""

    RECOMMEND = "recommend", _("Recommend")
    NOT_RECOMMEND = "not_recommend", _("Do not recommend")


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    INCOMPLETE = "incomplete", _("Incomplete")
    COMPLETE = "complete", _("Complete")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DossierFileKind(models.TextChoices):
    APPLICATION = "application", _("Application form")
    EXPLANATION = "explanation", _("Explanation (thuyết minh)")
    ORGANIZATION = "organization", _("Host organization profile")
    CV = "cv", _("Curriculum vitae")
    BUDGET = "budget", _("Budget estimate")
    OTHER = "other", _("Other")


class TeamRole(models.TextChoices):
    LEAD = "lead", _("Principal investigator (chủ nhiệm)")
    SECRETARY = "secretary", _("Scientific secretary")
    MEMBER = "member", _("Member")


class RecordKind(models.TextChoices):
    """What is recorded about a task while it runs and after."""

    PROGRESS = "progress", _("Progress report")
    INSPECTION = "inspection", _("Inspection")
    ADJUSTMENT = "adjustment", _("Adjustment")
    APPLICATION = "application", _("Application of results")


class TieKind(models.TextChoices):
    """Declared ties between two people of the expert registry that make a conflict."""

    RELATIVE = "relative", _("Relative")
    COAUTHOR = "coauthor", _("Co-author")


class Source(models.TextChoices):
    """Where a past task of the duplicate check comes from."""

    NATIONAL = "national", _("National registry of S&T tasks")
    PROVINCE = "province", _("Earlier provincial list")
    OTHER = "other", _("Other list")
