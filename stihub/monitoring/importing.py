"""Import observations from a CSV or XLSX file: every row checked first, then all or nothing."""

from collections import Counter

from django.db import transaction

from stihub.core.upsert import upsert
from stihub.engines.observations import read_observations

from .models import Indicator, Observation


@transaction.atomic
def import_observations(fileobj, filename: str, *, user=None, agency=None, source="") -> Counter:
    """Create or update observations keyed by (indicator, year, area).

    Raises `DataError` listing every bad row (with its line number) before anything is written.
    A value that changes is updated, never silently: its history keeps the value it replaced.
    """
    indicators = {i.code: i for i in Indicator.objects.all()}
    rows = read_observations(fileobj, filename=filename, known_indicators=set(indicators))
    counts: Counter = Counter()
    for row in rows:
        _obj, change = upsert(
            Observation,
            {"indicator": indicators[row.indicator], "year": row.year, "area": row.area},
            {
                "value": row.value,
                "note": row.note,
                "source": source,
                "agency": agency,
                "reported_by": user,
                "is_sample": False,
            },
        )
        counts[change.value] += 1
    return counts
