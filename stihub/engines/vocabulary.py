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


class RevisionStatus(StrEnum):
    """Where a reported value (a revision of an observation) stands in review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"  # the value in force: at most one per indicator, year, period, area
    RETURNED = "returned"
    SUPERSEDED = "superseded"  # was approved; a newer approved revision replaced it


class Frequency(StrEnum):
    """How often an indicator is reported (kỳ báo cáo)."""

    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"


class Breakdown(StrEnum):
    """What an indicator's values may be broken down by, besides the headline (tổng)."""

    NONE = "none"
    AREA = "area"  # the commune-level units (xã, phường)
    SECTOR = "sector"  # the sectors the indicator declares


class Headline(StrEnum):
    """How the headline of a broken-down value is obtained."""

    ENTERED = "entered"  # typed; the parts must then add up to it
    SUM = "sum"  # computed as the sum of the parts


class Channel(StrEnum):
    """How a submission reached the platform."""

    FORM = "form"
    EXCEL = "excel"
    API = "api"
    IMPORT = "import"  # DOST's file import
    PUBLISH = "publish"  # the innovation analyser's "publish to the resolution"
