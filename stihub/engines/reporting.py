"""Reporting periods, due dates and the checks of a reported value (plain Python, no Django).

Periods follow Vietnamese administrative reporting: a yearly indicator is reported once a year
(period ""); a half-yearly one for the first six months (H1) and then the year; a quarterly one
for quarter I, II and III and then the year ("" again). The yearly report always closes the year,
so the progress engine, which works on years, reads the yearly values only. A period is due
`due_days` after it ends.

The checks of one value (`check_value`), of breakdowns against their headline (`check_parts`) and
of a jump from the previous period (`jump`) are shared by the web form, the Excel upload and the
API, so the three refuse the same things with the same words (templates for `gettext`).
"""

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from stihub.engines.problems import gettext_noop
from stihub.engines.vocabulary import Breakdown, Frequency, Headline

PERIODS = {
    Frequency.YEAR: ("",),
    Frequency.HALF: ("H1", ""),
    Frequency.QUARTER: ("Q1", "Q2", "Q3", ""),
}
ALL_PERIODS = ("", "H1", "Q1", "Q2", "Q3")
PERIOD_END_MONTH = {"": 12, "H1": 6, "Q1": 3, "Q2": 6, "Q3": 9}
PERIOD_ORDER = {"Q1": 1, "Q2": 2, "H1": 2, "Q3": 3, "": 4}
DEFAULT_DUE_DAYS = 30
# A sum of parts and its headline are equal when they differ by less than this (rounding of
# decimals typed by hand).
SUM_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Rules:
    """What an indicator declares about its values."""

    frequency: str = Frequency.YEAR.value
    due_days: int = DEFAULT_DUE_DAYS
    breakdown: str = Breakdown.NONE.value
    headline: str = Headline.ENTERED.value
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    jump_tolerance: float | None = None  # a fraction: 0.5 warns beyond ±50 % of the previous
    sectors: tuple[str, ...] = field(default_factory=tuple)


def periods(frequency: str) -> tuple[str, ...]:
    """The periods of a year an indicator is reported for, in order."""
    return PERIODS[Frequency(frequency)]


def period_end(year: int, period: str) -> date:
    month = PERIOD_END_MONTH[period]
    return date(year, month, calendar.monthrange(year, month)[1])


def due_date(year: int, period: str, due_days: int = DEFAULT_DUE_DAYS) -> date:
    return period_end(year, period) + timedelta(days=due_days)


def ended_periods(frequency: str, first_year: int, today: date) -> list[tuple[int, str]]:
    """Every (year, period) of the frequency from `first_year` that has ended by `today`."""
    return [
        (year, period)
        for year in range(first_year, today.year + 1)
        for period in periods(frequency)
        if period_end(year, period) < today
    ]


def previous_period(frequency: str, year: int, period: str) -> tuple[int, str]:
    """The period reported before (year, period) for an indicator of this frequency."""
    order = periods(frequency)
    i = order.index(period)
    return (year, order[i - 1]) if i else (year - 1, order[-1])


def _number(value: float) -> str:
    return f"{value:g}"


def check_value(rules: Rules, value: float) -> list[tuple[str, dict]]:
    """The problems of one value against the indicator's type and range: [(template, params)]."""
    problems = []
    if not math.isfinite(value):
        return [(gettext_noop("The value %(value)s is not a finite number."), {"value": value})]
    if rules.integer and not float(value).is_integer():
        problems.append(
            (
                gettext_noop("The value %(value)s must be a whole number for this indicator."),
                {"value": _number(value)},
            )
        )
    if rules.minimum is not None and value < rules.minimum:
        problems.append(
            (
                gettext_noop("The value %(value)s is below the smallest allowed, %(min)s."),
                {"value": _number(value), "min": _number(rules.minimum)},
            )
        )
    if rules.maximum is not None and value > rules.maximum:
        problems.append(
            (
                gettext_noop("The value %(value)s is above the largest allowed, %(max)s."),
                {"value": _number(value), "max": _number(rules.maximum)},
            )
        )
    return problems


def headline_of(rules: Rules, entered: float | None, parts: dict[str, float]):
    """(headline, problem or None): the sum when the indicator says so, else the entered value,
    which must then equal the sum of the parts when parts are given."""
    total = math.fsum(parts.values())
    if rules.headline == Headline.SUM.value:
        if not parts:
            return None, (gettext_noop("Give the values of the parts: the total is their sum."), {})
        return total, None
    if entered is None:
        return None, (gettext_noop("The value is empty."), {})
    if parts and abs(total - entered) > SUM_TOLERANCE * max(1.0, abs(entered)):
        return entered, (
            gettext_noop("The parts add up to %(sum)s, not to the total %(total)s."),
            {"sum": _number(total), "total": _number(entered)},
        )
    return entered, None


def jump(rules: Rules, previous: float | None, value: float) -> float | None:
    """The relative change from the previous period when it is beyond the declared tolerance
    (a warning that needs an explanation), else None."""
    if rules.jump_tolerance is None or previous is None:
        return None
    if previous == 0:
        return None if value == 0 else math.inf
    change = (value - previous) / abs(previous)
    return change if abs(change) > rules.jump_tolerance else None


RULE_KEYS = {
    "frequency": "frequency",
    "due_days": "due_days",
    "breakdown": "breakdown",
    "headline": "headline",
    "min": "minimum",
    "max": "maximum",
    "integer": "integer",
    "jump_tolerance": "jump_tolerance",
    "sectors": "sectors",
}
_CHOICES = {
    "frequency": tuple(f.value for f in Frequency),
    "breakdown": tuple(b.value for b in Breakdown),
    "headline": tuple(h.value for h in Headline),
}


def parse_rules(data, path: str) -> tuple[Rules | None, list[tuple[str, str, dict]]]:
    """A resolution file's `reporting:` block of a target → (Rules, [(path, template, params)]).

    Keys: frequency (year, half, quarter), due_days (days after the period ends), breakdown
    (none, area, sector), headline (entered, sum), min, max, integer, jump_tolerance (a fraction),
    sectors (names; required for breakdown sector). Left-out keys take the defaults of `Rules`.
    """
    problems = []

    def bad(where, template, **params):
        problems.append((f"{path}.{where}" if where else path, template, params))

    if not isinstance(data, dict):
        bad(None, gettext_noop("Expected a mapping (key: value)."))
        return None, problems
    values = {}
    for key, value in data.items():
        if key not in RULE_KEYS:
            bad(key, gettext_noop("Unknown key %(key)s."), key=key)
        elif key in _CHOICES:
            if value not in _CHOICES[key]:
                bad(
                    key,
                    gettext_noop("%(value)s is not one of %(allowed)s."),
                    value=value,
                    allowed=", ".join(_CHOICES[key]),
                )
            values[RULE_KEYS[key]] = value
        elif key == "integer":
            if not isinstance(value, bool):
                bad(key, gettext_noop("Expected true or false."))
            values["integer"] = bool(value)
        elif key == "due_days":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 366:
                bad(key, gettext_noop("Expected a whole number of days from 0 to 366."))
            else:
                values["due_days"] = value
        elif key == "sectors":
            if not isinstance(value, list) or not all(
                isinstance(s, str) and s.strip() for s in value
            ):
                bad(key, gettext_noop("Expected a non-empty list of labels (text)."))
            else:
                values["sectors"] = tuple(s.strip() for s in value)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            bad(key, gettext_noop("Expected a number."))
        elif key == "jump_tolerance" and value < 0:
            bad(
                key,
                gettext_noop(
                    "The tolerance is a fraction, 0 or more (0.5: half the previous value)."
                ),
            )
        else:
            values[RULE_KEYS[key]] = float(value)
    rules = Rules(**values)
    if rules.minimum is not None and rules.maximum is not None and rules.minimum > rules.maximum:
        bad("min", gettext_noop("The smallest value allowed is above the largest."))
    if rules.breakdown == Breakdown.SECTOR.value and not rules.sectors:
        bad("sectors", gettext_noop("A breakdown by sector needs the list of sectors."))
    return (None if problems else rules), problems
