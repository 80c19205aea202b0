"""The codes of the monitoring vocabulary, defined once (plain Python, no Django).

The resolution loader and the progress engine check against these; `stihub.monitoring.choices`
builds its Django choices from them, adding labels and colours, and a test keeps the two equal.
"""

from enum import StrEnum


class Direction(StrEnum):
    """Which way a target's indicator should move (chiều)."""

    INCREASE = "increase"
    DECREASE = "decrease"


class TargetKind(StrEnum):
    """How a target (chỉ tiêu) is stated."""

    LEVEL = "level"
    MULTIPLE_OF_BASELINE = "multiple_of_baseline"
    CUMULATIVE = "cumulative"
    RANK = "rank"


class Method(StrEnum):
    """How the progress of a level target is judged."""

    UNSD2023 = "unsd2023"
    CAGR_RATIO = "cagr_ratio"


class Status(StrEnum):
    """The progress status of a target."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    ACCELERATION_NEEDED = "acceleration_needed"
    STAGNATING = "stagnating"
    REGRESSING = "regressing"
    INSUFFICIENT_DATA = "insufficient_data"


# The direction a kind implies when the resolution file leaves it out: a rank is lower-is-better
# (rank 1 is best); a cumulative count only grows.
IMPLIED_DIRECTION = {
    TargetKind.RANK.value: Direction.DECREASE.value,
    TargetKind.CUMULATIVE.value: Direction.INCREASE.value,
}
