"""Benchmark of the progress engine: 1,000 targets × 20 years of observations (goal < 0.2 s).

Called from `make bench`; `bench()` returns (measure, figure, goal) rows. Not a timed test.
"""

import random
import time

from stihub.engines.observations import ObservationRow
from stihub.engines.progress import evaluate
from stihub.engines.resolution import ResolutionSpec, TargetSpec

TARGETS, YEARS, FIRST_YEAR = 1000, 20, 2011


def _inputs(seed: int = 57) -> tuple[ResolutionSpec, list[ObservationRow]]:
    """Synthetic targets of every kind and method, each with 20 yearly observations."""
    rng = random.Random(seed)
    target_year = FIRST_YEAR + YEARS + 4
    kinds = [
        ("level", "increase", "unsd2023"),
        ("level", "decrease", "cagr_ratio"),
        ("multiple_of_baseline", "increase", "unsd2023"),
        ("cumulative", "increase", "unsd2023"),
        ("rank", "decrease", "unsd2023"),
    ]
    targets, rows = [], []
    for i in range(TARGETS):
        kind, direction, method = kinds[i % len(kinds)]
        indicator = f"IND_{i:04d}"
        start = rng.uniform(10, 60)
        targets.append(
            TargetSpec(
                code=f"T{i:04d}",
                title=indicator,
                indicator=indicator,
                unit="",
                direction=direction,
                kind=kind,
                target_year=target_year,
                target_value=None if kind == "multiple_of_baseline" else start * 2,
                factor=3.0 if kind == "multiple_of_baseline" else None,
                count_from=FIRST_YEAR + 5 if kind == "cumulative" else None,
                method=method,
            )
        )
        for y in range(YEARS):
            value = start * (1 + rng.uniform(-0.02, 0.06)) ** y
            rows.append(ObservationRow(len(rows) + 2, indicator, FIRST_YEAR + y, value))
    spec = ResolutionSpec(
        code="BENCH",
        title="bench",
        period_start=FIRST_YEAR,
        period_end=target_year,
        targets=tuple(targets),
    )
    return spec, rows


def bench() -> list[tuple[str, str, str]]:
    spec, rows = _inputs()
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        result = evaluate(spec, rows, as_of=FIRST_YEAR + YEARS - 1)
        timings.append(time.perf_counter() - started)
    assert len(result["targets"]) == TARGETS
    best, median = min(timings), sorted(timings)[len(timings) // 2]
    return [
        (
            f"progress engine: {TARGETS:,} targets × {YEARS} years (median of 5; best)",
            f"{median:.3f} s; {best:.3f} s",
            "< 0.2 s",
        )
    ]


if __name__ == "__main__":
    for row in bench():
        print(" | ".join(row))
