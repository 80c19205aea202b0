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
