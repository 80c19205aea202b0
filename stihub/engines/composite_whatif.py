"""What-if planning: the smallest improvements that bring a unit to a goal rank.

Improvement is measured in normalised points (0-100 per indicator), summed over indicators.
With arithmetic aggregation and fixed normalisation bounds the index is linear in each
normalised indicator, with slope its effective weight for the unit; raising indicators in
order of effective weight (each to its cap) is then the cheapest way to gain a given number of
index points. Raw values can move normalisation bounds and outlier treatment, so every plan is
verified by recomputing the whole index from the changed raw data, and refined if it falls
short. Other units' raw values never change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from stihub.engines.composite import IndexData, Result, Settings, aggregate_runs, compute

MARGIN = 1e-6  # index points above the goal score, so rounding cannot lose the tie


@dataclass(frozen=True)
class Change:
    """One indicator of a plan: raw values before and after, and the normalised gain."""

    indicator: str
    old_raw: float
    new_raw: float
    normalised_change: float


@dataclass
class Plan:
    """A what-if plan for one unit, verified by recomputing the index; `reached` says if it works.

    When the goal cannot be reached under the limits, `reached` is False, `changes` is empty
    and `best_rank` is the rank the unit gets with every allowed indicator at its limit.
    """

    unit: str
    goal_rank: int
    reached: bool
    message: str
    old_score: float
    old_rank: int
    changes: list[Change] = field(default_factory=list)
    new_score: float | None = None
    new_rank: int | None = None
    best_rank: int | None = None
    result: Result | None = None  # the recomputed index with the changes

    @property
    def total_points(self) -> float:
        return float(sum(c.normalised_change for c in self.changes))

    @property
    def new_values(self) -> dict[str, float]:
        return {c.indicator: c.new_raw for c in self.changes}


def apply_changes(
    data: IndexData, changes: Mapping[str, Mapping[str, float]], settings: Settings | None = None
) -> Result:
    """The whole index recomputed with some raw values replaced: `{unit: {indicator: raw}}`."""
    return compute(data.with_values(changes), settings)


class _Scale:
    """Maps one unit's raw value of one indicator to its normalised value, under a result."""

    def __init__(self, result: Result, unit: str, code: str):
        s = result.settings
        meta = result.data.indicators.loc[code]
        self.direction = float(meta["Direction"])
        den = meta["Denominator"] if s.denominate else None
        self.den = float(result.data.denominators.at[unit, den]) if isinstance(den, str) else 1.0
        info = result.treat_info.loc[code]
        imp = result.stages["Imputed"][code]
        self.log = info["method"] == "log"
        self.shift = float(imp.min()) - 0.01 * float(imp.max() - imp.min())
        t = result.stages["Treated"][code] * self.direction
        self.tmin, self.tmax = float(t.min()), float(t.max())
        self.lo, self.hi = s.norm_range

    def forward(self, raw: float) -> float:
        x = raw / self.den
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.log(x - self.shift) if self.log else x
        if np.isnan(t):
            t = -np.inf  # below the log's domain: the lowest possible value
        n = self.lo + (t * self.direction - self.tmin) / (self.tmax - self.tmin) * (
            self.hi - self.lo
        )
        return float(np.clip(n, self.lo, self.hi))

    def inverse(self, n: float) -> float:
        t = (
            self.tmin + (n - self.lo) / (self.hi - self.lo) * (self.tmax - self.tmin)
        ) * self.direction
        x = np.exp(t) + self.shift if self.log else t
        return float(x * self.den)


def _gradient(result: Result, row: np.ndarray, codes: list[int], h: float = 1.0) -> np.ndarray:
    """Index points gained per normalised point of each candidate indicator, for one unit."""
    x = np.repeat(row[None, :], len(codes) + 1, axis=0)
    for k, i in enumerate(codes):
        x[k + 1, i] += h
    w = result.weights.to_numpy()[None, :]
    scores = aggregate_runs(
        x, result.tree, w, result.settings.aggregate, result.settings.dat_thresh
    )
    top = scores[:, 0, -1]
    return (top[1:] - top[0]) / h


def _index_of(result: Result, row: np.ndarray) -> float:
    w = result.weights.to_numpy()[None, :]
    s = result.settings
    return float(aggregate_runs(row[None, :], result.tree, w, s.aggregate, s.dat_thresh)[0, 0, -1])


def _goal_score(result: Result, unit: str, goal_rank: int) -> float:
    """The score to reach: that of the unit at the goal rank among the others."""
    others = result.index.drop(unit).dropna().sort_values(ascending=False)
    return float(others.iloc[goal_rank - 1]) if goal_rank <= len(others) else -np.inf


def _limits(
    data: IndexData,
    unit: str,
    codes: list[str],
    max_change: Mapping[str, float] | None,
    max_fraction: float | Mapping[str, float] | None,
    base: Result,
) -> dict[str, float]:
    """The best raw value each indicator may reach (infinite when unlimited)."""
    limits = {}
    for code in codes:
        raw0 = _baseline_raw(base, unit, code)
        step = np.inf
        if max_change and code in max_change:
            step = min(step, abs(float(max_change[code])))
        frac = max_fraction.get(code) if isinstance(max_fraction, Mapping) else max_fraction
        if frac is not None:
            step = min(step, abs(float(frac) * raw0))
        limits[code] = raw0 + float(data.indicators.at[code, "Direction"]) * step
    return limits


def _baseline_raw(result: Result, unit: str, code: str) -> float:
    """The unit's raw value, or the raw value its imputed value stands for."""
    raw = float(result.data.values.at[unit, code])
    if np.isnan(raw):
        return _Scale(result, unit, code).den * float(result.stages["Imputed"].at[unit, code])
    return raw


def _usable(result: Result, unit: str, code: str) -> bool:
    scale = _Scale(result, unit, code)
    norm = result.stages["Normalised"].at[unit, code]
    return bool(
        np.isfinite(scale.den) and scale.den != 0 and scale.tmax > scale.tmin and norm == norm
    )


def plan(
    data: IndexData,
    unit: str,
    goal_rank: int,
    settings: Settings | None = None,
    *,
    allowed: Iterable[str] | None = None,
    max_change: Mapping[str, float] | None = None,
    max_fraction: float | Mapping[str, float] | None = None,
    rounds: int = 20,
) -> Plan:
    """The smallest raw improvements (in summed normalised points) bringing `unit` to `goal_rank`.

    `allowed` restricts the indicators that may change; `max_change` (raw units, by indicator)
    and `max_fraction` (of the current raw value, one number or by indicator) cap each change.
    An indicator is never raised beyond the current best value among units (100 points).
    Needs min-max normalisation. The plan is optimal for arithmetic aggregation; for geometric
    aggregation it follows the steepest gain and is verified the same way.
    """
    s = settings or Settings()
    if goal_rank < 1:
        raise ValueError("the goal rank must be 1 or more")
    if s.normalise != "minmax":
        raise ValueError("the what-if planner needs min-max normalisation")
    base = compute(data, s)
    old_score, old_rank = float(base.index[unit]), base.rank_of(unit)
    common = {"unit": unit, "goal_rank": goal_rank, "old_score": old_score, "old_rank": old_rank}
    if old_rank <= goal_rank:
        return Plan(
            reached=True,
            message=f"{unit} is already at rank {old_rank}",
            new_score=old_score,
            new_rank=old_rank,
            result=base,
            **common,
        )
    pool = list(allowed) if allowed is not None else list(base.tree.indicators)
    codes = [c for c in pool if c in base.tree.indicators and _usable(base, unit, c)]
    limits = _limits(data, unit, codes, max_change, max_fraction, base)
    base_raw = {c: _baseline_raw(base, unit, c) for c in codes}

    def capped(result: Result, code: str, n: float) -> float:
        """The raw value for normalised n, within the indicator's limit."""
        raw = _Scale(result, unit, code).inverse(n)
        if float(data.indicators.at[code, "Direction"]) > 0:
            return max(min(raw, limits[code]), base_raw[code])
        return min(max(raw, limits[code]), base_raw[code])

    # Everything allowed at its limit: if even that misses the goal, there is no plan.
    best = {c: capped(base, c, s.norm_range[1]) for c in codes}
    best_result = apply_changes(data, {unit: best}, s)
    if best_result.rank_of(unit) > goal_rank:
        return Plan(
            reached=False,
            message=(
                f"rank {goal_rank} cannot be reached: with every allowed indicator at its limit "
                f"{unit} ranks {best_result.rank_of(unit)}"
            ),
            best_rank=best_result.rank_of(unit),
            **common,
        )

    current, raw = base, dict(base_raw)
    for _ in range(rounds):
        target = _goal_score(current, unit, goal_rank) + MARGIN
        row = current.stages["Normalised"].loc[unit].to_numpy(float).copy()
        cols = [current.tree.indicators.index(c) for c in codes]
        room = np.array([_room(current, unit, c, limits[c]) for c in codes])
        score = _index_of(current, row)
        # a concave (geometric) index needs several steps per indicator; bound them
        for _step in range(50 * len(codes)):
            if score >= target or not (room > 1e-12).any():
                break
            g = _gradient(current, row, cols)
            g[room <= 1e-12] = 0
            k = int(np.argmax(g))
            if g[k] <= 0:
                break
            step = min(room[k], (target - score) / g[k])
            row[cols[k]] += step
            room[k] -= step
            score = _index_of(current, row)
        for k, c in enumerate(codes):
            if row[cols[k]] > current.stages["Normalised"].at[unit, c]:
                raw[c] = capped(current, c, row[cols[k]])
        changed = {c: raw[c] for c in codes if raw[c] != base_raw[c]}
        current = apply_changes(data, {unit: changed}, s)
        if current.rank_of(unit) <= goal_rank:
            return _reached(data, base, current, unit, changed, common, "")
        if score < target:
            break  # no room left under the current bounds
    # The refinement did not settle; the all-at-limit plan is verified, though not minimal.
    note = " (every allowed indicator at its limit; a smaller plan was not found)"
    return _reached(data, base, best_result, unit, best, common, note)


def _room(result: Result, unit: str, code: str, limit: float) -> float:
    """Normalised points the unit can still gain on an indicator under `result`'s bounds."""
    scale = _Scale(result, unit, code)
    reachable = scale.forward(limit) if np.isfinite(limit) else scale.hi
    return max(0.0, reachable - float(result.stages["Normalised"].at[unit, code]))


def _reached(data, base, result, unit, changed, common, note) -> Plan:
    old_n, new_n = base.stages["Normalised"].loc[unit], result.stages["Normalised"].loc[unit]
    changes = [
        Change(c, float(data.values.at[unit, c]), float(v), float(new_n[c] - old_n[c]))
        for c, v in changed.items()
    ]
    changes.sort(key=lambda ch: -ch.normalised_change)
    rank = result.rank_of(unit)
    return Plan(
        reached=True,
        message=f"{unit} reaches rank {rank} (goal {common['goal_rank']}){note}",
        changes=changes,
        new_score=float(result.index[unit]),
        new_rank=rank,
        result=result,
        **common,
    )
