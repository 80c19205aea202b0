"""Import observations from a CSV or XLSX file: every row checked first, then all or nothing."""

from collections import Counter

from django.db import transaction
from django.utils import timezone

from stihub.core.models import AdministrativeUnit, Agency
from stihub.core.upsert import upsert
from stihub.engines.observations import read_observations
from stihub.engines.problems import DataError, Problem, gettext_noop

from .models import Indicator, Observation


@transaction.atomic
def import_observations(fileobj, filename: str, *, user=None, agency=None, source="") -> Counter:
    """Create or update observations keyed by (indicator, year, area).

    Raises `DataError` listing every bad row (with its line number) before anything is written.
    A value that changes is updated, never silently: its history keeps the value it replaced.
    Rows name areas among the loaded commune-level units and no year after the current one.
    A row's own source and agency (as in a download) win; `source` and `agency` fill the rows
    that leave them empty. A row marked sample stays sample and never replaces a real figure.
    """
    indicators = {i.code: i for i in Indicator.objects.all()}
    agencies = {a.code: a for a in Agency.objects.all()}
    units = AdministrativeUnit.objects.filter(parent__isnull=False).values_list("code", "name")
    rows = read_observations(
        fileobj,
        filename=filename,
        known_indicators=set(indicators),
        areas={str(code): name for code, name in units},
        latest_year=timezone.localdate().year,
        known_agencies=set(agencies),
    )
    _refuse_sample_over_real(rows)
    counts: Counter = Counter()
    for row in rows:
        _obj, change = upsert(
            Observation,
            {"indicator": indicators[row.indicator], "year": row.year, "area": row.area},
            {
                "value": row.value,
                "note": row.note,
                "source": row.source or source,
                "agency": agencies[row.agency] if row.agency else agency,
                "reported_by": user,
                "is_sample": row.sample,
            },
        )
        counts[change.value] += 1
    return counts


def _refuse_sample_over_real(rows) -> None:
    """Sample data never feeds an official status, so it may not replace a real figure."""
    sample = [row for row in rows if row.sample]
    if not sample:
        return
    real = set(
        Observation.objects.filter(
            is_sample=False, indicator__code__in={row.indicator for row in sample}
        ).values_list("indicator__code", "year", "area")
    )
    problems = [
        Problem(
            gettext_noop(
                "This row is marked as sample data, but %(indicator)s %(year)s already has a real"
                " figure, which sample data may not replace."
            ),
            {"indicator": row.indicator, "year": row.year},
            row=row.line,
            column="sample",
        )
        for row in sample
        if (row.indicator, row.year, row.area) in real
    ]
    if problems:
        raise DataError(problems)
