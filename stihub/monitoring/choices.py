"""Target kinds, directions, methods and progress statuses: defined once, used everywhere."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")


class TargetKind(models.TextChoices):
    LEVEL = "level", _("Level")
    MULTIPLE_OF_BASELINE = "multiple_of_baseline", _("Multiple of baseline")
    CUMULATIVE = "cumulative", _("Cumulative count")
    RANK = "rank", _("Rank (lower is better)")


class Method(models.TextChoices):
    UNSD2023 = "unsd2023", _("UN SDG progress (2023)")
    CAGR_RATIO = "cagr_ratio", _("Growth-rate ratio (Statistics Canada)")


class Status(models.TextChoices):
    """Progress status of a target, with the colour of its badge."""

    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on_track", _("On track")
    ACCELERATION_NEEDED = "acceleration_needed", _("Acceleration needed")
    STAGNATING = "stagnating", _("Stagnating")
    REGRESSING = "regressing", _("Regressing")
    INSUFFICIENT_DATA = "insufficient_data", _("Insufficient data")

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
