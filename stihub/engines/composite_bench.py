"""Timings of the composite-index engine on a PII-shaped synthetic data set, for `make bench`.

The PII has 52 indicators in 18 groups, 7 pillars (5 input, 2 output), 2 sub-indices and the
index; the synthetic data has 63 provinces with skewed and missing values, denominators and an
imputation group, so every stage does real work.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from stihub.engines.composite import IndexData, Settings, compute

PILLARS = {  # pillar -> (sub-index, number of groups)
    "Institutions": ("Input", 3),
    "HumanCapital": ("Input", 3),
    "Infrastructure": ("Input", 3),
    "Market": ("Input", 2),
    "Business": ("Input", 3),
    "Knowledge": ("Output", 2),
    "Impact": ("Output", 2),
}


def synthetic_pii(n_units: int = 63, seed: int = 0) -> IndexData:
    """A PII-shaped index: 52 indicators / 18 groups / 7 pillars / 2 sub-indices / PII."""
    rng = np.random.default_rng(seed)
    groups = [(p, f"{p}{g + 1}") for p, (_, n) in PILLARS.items() for g in range(n)]
    sizes = [3] * 16 + [2] * 2  # 52 indicators
    rows = []
    for (pillar, group), size in zip(groups, sizes, strict=True):
        for _ in range(size):
            rows.append((f"I{len(rows) + 1:02d}", group, pillar, PILLARS[pillar][0]))
    codes = [r[0] for r in rows]
    units = [f"P{i + 1:02d}" for i in range(n_units)]
    values = {}
    for j, code in enumerate(codes):
        x = rng.lognormal(0, 1.2, n_units) if j % 4 == 0 else rng.uniform(5, 95, n_units)
        x[rng.random(n_units) < 0.03] = np.nan
        values[code] = x
    dens = ["Den_Pop" if j % 7 == 0 else None for j in range(len(codes))]
    indicators = pd.DataFrame(
        {
            "Name": codes,
            "Direction": [-1 if j % 9 == 4 else 1 for j in range(len(codes))],
            "Weight": 1.0,
            "Denominator": dens,
            "Agg1": [r[1] for r in rows],
            "Agg2": [r[2] for r in rows],
            "Agg3": [r[3] for r in rows],
            "Agg4": "PII",
        },
        index=pd.Index(codes, name="IndCode"),
    )
    agg_codes = [g for _, g in groups] + list(PILLARS) + ["Input", "Output", "PII"]
    levels = [2] * len(groups) + [3] * len(PILLARS) + [4, 4, 5]
    aggregates = pd.DataFrame(
        {"Level": levels, "Name": agg_codes, "Weight": 1.0},
        index=pd.Index(agg_codes, name="Code"),
    )
    index = pd.Index(units, name="UnitCode")
    return IndexData(
        units=pd.DataFrame(
            {"UnitName": units, "Group_Region": rng.choice(list("ABCDEF"), n_units)}, index=index
        ),
        values=pd.DataFrame(values, index=index),
        indicators=indicators,
        aggregates=aggregates,
        denominators=pd.DataFrame({"Den_Pop": rng.uniform(0.3, 9, n_units)}, index=index),
    )


def _seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench() -> list[tuple[str, str, str]]:
    """(measure, figure, goal) rows: one index computation and a 1,000-run uncertainty analysis."""
    from stihub.engines.composite_analysis import uncertainty

    data = synthetic_pii()
    settings = Settings(group="Group_Region")
    one = _seconds(lambda: compute(data, settings), repeat=5)
    runs = _seconds(lambda: uncertainty(data, settings, runs=1000, seed=1), repeat=1)
    return [
        ("composite index, 63 units × 52 indicators (PII shape)", f"{one:.3f} s", "< 0.5 s"),
        ("uncertainty analysis, 1,000 Monte Carlo runs", f"{runs:.2f} s", "< 10 s"),
    ]


if __name__ == "__main__":
    for measure, figure, goal in bench():
        print(f"{measure:<60} {figure:>10}   goal {goal}")
