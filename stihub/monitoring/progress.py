"""Progress of stored targets: the database side of `stihub.engines.progress`.

Computed progress is cached per target, as-of year and data version (`stihub.core.cache`): any
change of an observation, target, indicator or resolution gives a new version, so the next
request computes afresh, and until then pages and the API read the stored result.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext

from stihub.core.cache import data_version
from stihub.core.formatting import for_target, num
from stihub.engines.progress import Progress, compute_progress
from stihub.engines.resolution import TargetSpec

from .choices import Status
from .models import Observation, Target


def spec_of(target: Target) -> TargetSpec:
    """The engine's view of a stored target."""
    return TargetSpec(
        code=target.code,
        title=target.title,
        indicator=target.indicator.code,
        unit=target.unit,
        direction=target.direction,
        kind=target.kind,
        target_year=target.target_year,
        target_value=target.target_value,
        factor=target.factor,
        upper=target.target_upper,
        baseline_year=target.baseline_year,
        baseline_value=target.baseline_value,
        count_from=target.count_from,
        method=target.method,
        scale=tuple(target.scale or ()),
    )


@dataclass(frozen=True)
class TargetProgress:
    """A target with its computed progress and the headline points it was computed from."""

    target: Target
    progress: Progress
    points: list[tuple[int, float]]
    sample_years: frozenset[int]

    @property
    def status(self) -> Status:
        return Status(self.progress.status)

    def chart_points(self) -> list[tuple[int, float]]:
        """What the chart draws: the running total for a cumulative target, else the values."""
        if self.target.kind != "cumulative":
            return self.points
        total, running = 0.0, []
        for year, value in self.progress.observations:
            total += value
            running.append((year, total))
        return running

    @property
    def is_sample(self) -> bool:
        return bool(self.sample_years)

    @property
    def target_text(self) -> str:
        """The target value as people read it: "hạng 20", "6–12 doanh nghiệp", a scale label."""
        return for_target(self.progress.target_value, self.target, self.target.target_upper)

    def explanation(self) -> list[str]:
        """The computation in words, translated, with numbers in the active language's format."""
        return [
            gettext(e.template) % {k: _localise(v) for k, v in e.params.items()}
            for e in self.progress.explanation
        ]


def _localise(value):
    """Floats in the active language's format; ints (years, counts of years) as written."""
    if isinstance(value, float):
        return num(value)
    return gettext(value) if isinstance(value, str) else value


def headline_points(indicator_ids, as_of: int | None = None):
    """{indicator id: [(year, value, is_sample), ...]} for the headline series, in one query."""
    rows = Observation.objects.published().filter(
        indicator_id__in=indicator_ids, area="", period=""
    )
    if as_of is not None:
        rows = rows.filter(year__lte=as_of)
    series = defaultdict(list)
    for indicator_id, year, value, sample in rows.order_by("year").values_list(
        "indicator_id", "year", "value", "is_sample"
    ):
        series[indicator_id].append((year, value, sample))
    return series


def evaluate_targets(targets, as_of: int | None = None) -> list[TargetProgress]:
    """Progress of each target (targets should come with `indicator` selected).

    A headline series with any real observation is judged on its real observations only;
    sample points count only for a series with no real data, and the target is then marked sample.
    Cached per target for the data version: one cache read, and one query for the series of
    the targets not yet computed.
    """
    targets = list(targets)
    version = data_version()
    keys = [f"stihub:{version}:progress:{t.pk}:{as_of}" if t.pk else None for t in targets]
    stored = cache.get_many([key for key in keys if key])
    values = [stored.get(key) for key in keys]
    missing = [i for i, value in enumerate(values) if value is None]
    if missing:
        for i, value in zip(missing, _compute([targets[i] for i in missing], as_of), strict=True):
            values[i] = value
        cache.set_many({keys[i]: values[i] for i in missing if keys[i]}, timeout=3600)
    return [TargetProgress(t, *value) for t, value in zip(targets, values, strict=True)]


def _compute(targets, as_of) -> list[tuple[Progress, list, frozenset]]:
    """(progress, points, sample years) of each target, with one query for all the series."""
    series = headline_points({t.indicator_id for t in targets}, as_of)
    result = []
    for target in targets:
        rows = series.get(target.indicator_id, [])
        real = [row for row in rows if not row[2]]
        rows = real or rows  # sample data never feeds a status where real figures exist
        points = [(year, value) for year, value, _sample in rows]
        result.append(
            (
                compute_progress(spec_of(target), points, as_of),
                points,
                frozenset(year for year, _v, sample in rows if sample),
            )
        )
    return result
