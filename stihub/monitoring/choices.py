"""Target kinds, directions, methods and progress statuses as Django choices.

The codes are defined once in `stihub.engines.vocabulary`; this module adds the labels and the
badge colours (tests/test_vocabulary.py fails if the two ever differ).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from stihub.engines import vocabulary as v


class Direction(models.TextChoices):
    INCREASE = v.Direction.INCREASE.value, _("Increase")
    DECREASE = v.Direction.DECREASE.value, _("Decrease")


class TargetKind(models.TextChoices):
    LEVEL = v.TargetKind.LEVEL.value, _("Level")
    MULTIPLE_OF_BASELINE = v.TargetKind.MULTIPLE_OF_BASELINE.value, _("Multiple of baseline")
    CUMULATIVE = v.TargetKind.CUMULATIVE.value, _("Cumulative count")
    RANK = v.TargetKind.RANK.value, _("Rank (lower is better)")


class Method(models.TextChoices):
    UNSD2023 = v.Method.UNSD2023.value, _("UN SDG progress (2023)")
    CAGR_RATIO = v.Method.CAGR_RATIO.value, _("Growth-rate ratio (Statistics Canada)")


class Status(models.TextChoices):
    """Progress status of a target, with the colour of its badge."""

    ACHIEVED = v.Status.ACHIEVED.value, _("Achieved")
    ON_TRACK = v.Status.ON_TRACK.value, _("On track")
    ACCELERATION_NEEDED = v.Status.ACCELERATION_NEEDED.value, _("Acceleration needed")
    STAGNATING = v.Status.STAGNATING.value, _("Stagnating")
    REGRESSING = v.Status.REGRESSING.value, _("Regressing")
    INSUFFICIENT_DATA = v.Status.INSUFFICIENT_DATA.value, _("Insufficient data")

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self]


STATUS_COLOURS = {
    Status.ACHIEVED: "#1a7f37",
    Status.ON_TRACK: "#2da44e",
    Status.ACCELERATION_NEEDED: "#bf8700",
    Status.STAGNATING: "#d1570f",
    Status.REGRESSING: "#cf222e",
    Status.INSUFFICIENT_DATA: "#6e7781",
}


class RevisionStatus(models.TextChoices):
    """Where a reported value stands in review, with the colour of its badge."""

    DRAFT = v.RevisionStatus.DRAFT.value, _("Draft")
    SUBMITTED = v.RevisionStatus.SUBMITTED.value, _("Submitted")
    APPROVED = v.RevisionStatus.APPROVED.value, _("Approved")
    RETURNED = v.RevisionStatus.RETURNED.value, _("Returned")
    SUPERSEDED = v.RevisionStatus.SUPERSEDED.value, _("Superseded")

    @property
    def colour(self) -> str:
        return REVISION_COLOURS[self]


REVISION_COLOURS = {
    RevisionStatus.DRAFT: "#6e7781",
    RevisionStatus.SUBMITTED: "#0969da",
    RevisionStatus.APPROVED: "#1a7f37",
    RevisionStatus.RETURNED: "#cf222e",
    RevisionStatus.SUPERSEDED: "#8c959f",
}
# A revision its reporters may still change (and submit).
EDITABLE = (RevisionStatus.DRAFT, RevisionStatus.RETURNED)


class Frequency(models.TextChoices):
    YEAR = v.Frequency.YEAR.value, _("Yearly")
    HALF = v.Frequency.HALF.value, _("Half-yearly")
    QUARTER = v.Frequency.QUARTER.value, _("Quarterly")


class Breakdown(models.TextChoices):
    NONE = v.Breakdown.NONE.value, _("No breakdown")
    AREA = v.Breakdown.AREA.value, _("By commune / ward")
    SECTOR = v.Breakdown.SECTOR.value, _("By sector")


class Headline(models.TextChoices):
    ENTERED = v.Headline.ENTERED.value, _("Entered (the parts must add up to it)")
    SUM = v.Headline.SUM.value, _("Sum of the parts")


class Channel(models.TextChoices):
    FORM = v.Channel.FORM.value, _("Web form")
    EXCEL = v.Channel.EXCEL.value, _("Excel upload")
    API = v.Channel.API.value, _("API")
    IMPORT = v.Channel.IMPORT.value, _("DOST file import")
    PUBLISH = v.Channel.PUBLISH.value, _("Published from the innovation index")
    REGISTRY = v.Channel.REGISTRY.value, _("Counted from the registries")


class Period(models.TextChoices):
    """A reporting period within a year (`stihub.engines.reporting`)."""

    YEAR = "", _("Year")
    H1 = "H1", _("First six months")
    Q1 = "Q1", _("Quarter I")
    Q2 = "Q2", _("Quarter II")
    Q3 = "Q3", _("Quarter III")
