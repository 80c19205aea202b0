"""What an agency owes: every ended reporting period of its indicators without an approved real
value, with its due date and where its report stands, and the period running now.

A period is owed from the first year of the earliest resolution whose targets use the indicator
(or last year when none does). Sample data never counts as reported. A report waiting for
review is not overdue (the agency has done its part); a draft or a returned one is.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Min

from stihub.engines import reporting
from stihub.monitoring.choices import RevisionStatus
from stihub.monitoring.models import Indicator, Observation


@dataclass(frozen=True)
class Owed:
    """One period of one indicator an agency has to report."""

    indicator: Indicator
    year: int
    period: str  # "" for the year
    due: date
    status: str | None  # the newest revision's (draft, submitted, returned), None: not started
    revision: int | None  # its id
    ended: bool  # False: the period is still running (listed so that nobody is surprised)
    today: date

    @property
    def overdue(self) -> bool:
        return self.due < self.today and self.status != RevisionStatus.SUBMITTED

    @property
    def url_period(self) -> str:
        """The period as the reporting URLs write it: "Y" for the year."""
        return self.period or "Y"


def first_years() -> dict[int, int]:
    """{indicator id: the first year it is owed}: the earliest start of its resolutions."""
    rows = Indicator.objects.annotate(first=Min("targets__resolution__period_start"))
    return {pk: first for pk, first in rows.values_list("pk", "first") if first}


def owed(agencies=None, today: date | None = None) -> list[Owed]:
    """The periods owed by the indicators of `agencies` (ids; None: every agency), sorted by due
    date then indicator: ended periods not yet approved with a real value, and the current one."""
    today = today or date.today()
    indicators = Indicator.objects.filter(agency__isnull=False).select_related("agency")
    if agencies is not None:
        indicators = indicators.filter(agency_id__in=list(agencies))
    indicators = list(indicators)
    starts = first_years()
    latest: dict[tuple, tuple[str, int]] = {}
    approved: set[tuple] = set()
    revisions = (
        Observation.objects.filter(indicator__in=indicators, area="", is_sample=False)
        .exclude(status=RevisionStatus.SUPERSEDED)
        .order_by("pk")
        .values_list("indicator_id", "year", "period", "status", "pk")
    )
    for indicator_id, year, period, status, pk in revisions:
        key = (indicator_id, year, period)
        if status == RevisionStatus.APPROVED:  # what came before it is settled
            approved.add(key)
            latest.pop(key, None)
        else:
            latest[key] = (status, pk)
    result = []
    for indicator in indicators:
        first = starts.get(indicator.pk, today.year - 1)
        periods = reporting.ended_periods(indicator.frequency, first, today)
        running = _running(indicator.frequency, today)
        for year, period in [*periods, running]:
            key = (indicator.pk, year, period)
            pending = latest.get(key)
            if key in approved and pending is None:
                continue
            due = reporting.due_date(year, period, indicator.due_days)
            status, pk = pending or (None, None)
            result.append(
                Owed(indicator, year, period, due, status, pk, (year, period) != running, today)
            )
    return sorted(result, key=lambda o: (o.due, o.indicator.code))


def _running(frequency: str, today: date) -> tuple[int, str]:
    """The period of the frequency that contains `today`."""
    for period in reporting.periods(frequency):
        if reporting.period_end(today.year, period) >= today:
            return today.year, period
    raise AssertionError("the year period ends on 31 December")  # pragma: no cover
