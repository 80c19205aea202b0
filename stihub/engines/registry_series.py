"""The yearly series the STI resources registries produce for the resolution's targets (plain
Python, no Django): the caller gathers plain records, this module counts them.

- ST_ENTERPRISES: S&T enterprises and innovative startups at year end. An enterprise counts in
  year Y when on 31/12/Y it holds an S&T enterprise certificate (dated on or before that day and
  not revoked on or before it) or has been recognised as an innovative startup; once, even if
  both. A startup recognition is not withdrawn in the registry, so it counts from then on.
- IP_REGISTRATIONS: industrial property objects filed, counted by the year of filing (the target
  adds the years up from its `count_from`; the yearly counts are what is reported).
- RD_FTE_PER_10K: R&D personnel in full-time equivalent of the organizations and enterprises
  surveyed in year Y, per 10,000 people of the year's average population (from the POPULATION
  indicator); no value for a year without population or without survey data.

Years run from the first year the registry has a record of the kind to `last_year` (the caller
passes the last year that has ended: a count "at year end" of a year not over yet would change).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

ST_ENTERPRISES = "ST_ENTERPRISES"
IP_REGISTRATIONS = "IP_REGISTRATIONS"
RD_FTE_PER_10K = "RD_FTE_PER_10K"
POPULATION = "POPULATION"
CODES = (ST_ENTERPRISES, IP_REGISTRATIONS, RD_FTE_PER_10K)
PER = 10_000  # people: "per 10,000 people" (trên một vạn dân)
DECIMALS = 2  # R&D staff per 10,000 people is published with two decimals at most


@dataclass(frozen=True)
class EnterpriseRecord:
    """What the enterprise count reads of an enterprise."""

    id: int
    st_cert_date: date | None = None
    st_cert_revoked_on: date | None = None
    startup_recognised_on: date | None = None


@dataclass(frozen=True)
class SurveyRecord:
    """One survey year of an organization or an enterprise: its R&D staff in FTE (or None)."""

    year: int
    rd_fte: float | None


def counted_at(enterprise: EnterpriseRecord, day: date) -> bool:
    """Whether the enterprise is an S&T enterprise or an innovative startup on `day`."""
    certified = (
        enterprise.st_cert_date is not None
        and enterprise.st_cert_date <= day
        and not (enterprise.st_cert_revoked_on is not None and enterprise.st_cert_revoked_on <= day)
    )
    startup = (
        enterprise.startup_recognised_on is not None and enterprise.startup_recognised_on <= day
    )
    return certified or startup


def st_enterprises(enterprises: Iterable[EnterpriseRecord], last_year: int) -> dict[int, int]:
    """{year: enterprises counted on 31/12} from the first year with a certificate or a
    recognition to `last_year`."""
    enterprises = list(enterprises)
    starts = [
        d.year
        for e in enterprises
        for d in (e.st_cert_date, e.startup_recognised_on)
        if d is not None
    ]
    if not starts:
        return {}
    return {
        year: sum(1 for e in enterprises if counted_at(e, date(year, 12, 31)))
        for year in range(min(starts), last_year + 1)
    }


def ip_registrations(filed_on: Iterable[date], last_year: int) -> dict[int, int]:
    """{year: objects filed in the year} from the first year with a filing to `last_year`
    (a year between with none is a real zero: the registry holds every filing it knows)."""
    counts = defaultdict(int)
    for day in filed_on:
        if day.year <= last_year:
            counts[day.year] += 1
    if not counts:
        return {}
    return {year: counts.get(year, 0) for year in range(min(counts), last_year + 1)}


def rd_fte_per_10k(
    surveys: Iterable[SurveyRecord], population: dict[int, float], last_year: int
) -> dict[int, float]:
    """{year: R&D FTE per 10,000 people} for the years up to `last_year` with both survey data
    (at least one survey year giving its FTE) and a positive population."""
    fte = defaultdict(float)
    for survey in surveys:
        if survey.rd_fte is not None and survey.year <= last_year:
            fte[survey.year] += survey.rd_fte
    return {
        year: round(total / population[year] * PER, DECIMALS)
        for year, total in sorted(fte.items())
        if population.get(year) and population[year] > 0
    }


def compute(
    *,
    enterprises: Iterable[EnterpriseRecord],
    filed_on: Iterable[date],
    surveys: Iterable[SurveyRecord],
    population: dict[int, float],
    last_year: int,
) -> dict[str, dict[int, float]]:
    """The three series, by indicator code: {code: {year: value}}."""
    return {
        ST_ENTERPRISES: st_enterprises(enterprises, last_year),
        IP_REGISTRATIONS: ip_registrations(filed_on, last_year),
        RD_FTE_PER_10K: rd_fte_per_10k(surveys, population, last_year),
    }
