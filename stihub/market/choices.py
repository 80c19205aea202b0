"""The technology market's vocabularies: kinds and states of a listing, IP protection, the
partnerships sought (also the kinds of agreements), the brokerage steps and the fairs'."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    OFFER = "offer", _("Technology offer")
    NEED = "need", _("Technology need")


# The code of a listing begins with its kind: CB-2026-001 (chào bán), NC-2026-001 (nhu cầu).
CODE_PREFIX = {Kind.OFFER: "CB", Kind.NEED: "NC"}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting moderation")
    RETURNED = "returned", _("Returned for changes")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class IPProtection(models.TextChoices):
    GRANTED = "granted", _("Protected (patent, utility solution, plant variety...)")
    FILED = "filed", _("Application filed")
    KNOW_HOW = "know_how", _("Know-how or trade secret")
    COPYRIGHT = "copyright", _("Copyright (software...)")
    NONE = "none", _("Not protected")


class Partnership(models.TextChoices):
    """What is sought (hình thức hợp tác): also the kind of an agreement reached."""

    LICENCE = "licence", _("Licence")
    TRANSFER = "transfer", _("Technology transfer")
    JOINT = "joint", _("Joint development")
    EQUIPMENT = "equipment", _("Equipment supply")
    SERVICES = "services", _("Technical services")


# Technology readiness levels (mức độ sẵn sàng công nghệ, TRL).
TRL = [
    (1, _("TRL 1 · basic principles observed")),
    (2, _("TRL 2 · concept formulated")),
    (3, _("TRL 3 · proof of concept")),
    (4, _("TRL 4 · validated in the laboratory")),
    (5, _("TRL 5 · validated in a relevant environment")),
    (6, _("TRL 6 · demonstrated in a relevant environment")),
    (7, _("TRL 7 · demonstrated in operation")),
    (8, _("TRL 8 · complete and qualified")),
    (9, _("TRL 9 · proven in operation, on the market")),
]


class Step(models.TextChoices):
    """A connection's steps (các bước kết nối): interest → contacts released (with the owner's
    consent) → meeting → negotiation → agreement, or closed with a reason."""

    INTEREST = "interest", _("Interest expressed")
    CONTACT = "contact", _("Contacts released")
    MEETING = "meeting", _("Meeting held")
    NEGOTIATION = "negotiation", _("Negotiating")
    AGREEMENT = "agreement", _("Agreement reached")
    CLOSED = "closed", _("Closed without agreement")


# Where a connection may go from each step; agreement and closed are final.
NEXT_STEPS = {
    Step.INTEREST: (Step.CONTACT, Step.CLOSED),
    Step.CONTACT: (Step.MEETING, Step.NEGOTIATION, Step.CLOSED),
    Step.MEETING: (Step.MEETING, Step.NEGOTIATION, Step.AGREEMENT, Step.CLOSED),
    Step.NEGOTIATION: (Step.MEETING, Step.AGREEMENT, Step.CLOSED),
    Step.AGREEMENT: (),
    Step.CLOSED: (),
}
OPEN_STEPS = frozenset(s for s, nexts in NEXT_STEPS.items() if nexts)


class FairKind(models.TextChoices):
    CONNECTION = "connection", _("Supply–demand connection point")
    FAIR = "fair", _("Technology and equipment fair")


class ParticipantRole(models.TextChoices):
    EXHIBITOR = "exhibitor", _("Exhibitor")
    VISITOR = "visitor", _("Visitor")
