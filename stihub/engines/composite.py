"""Composite-indicator engine: the stages of a GII/PII-style index, as in the R package COINr.

An index is built from unit × indicator data in five recorded stages:
denominate -> impute -> treat outliers -> normalise -> aggregate (level by level up to the
index). `compute(data, settings)` returns a `Result` keeping every stage's table, a per-indicator
log of what was done, and the scores and ranks at every level.

Reading and writing workbooks and the command line live in `composite_io`; analysis
(correlations, Cronbach's alpha, uncertainty) in `composite_analysis`; the what-if planner in
`composite_whatif`. Plain Python: no Django here.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from stihub.engines.problems import DataError, Problem, gettext_noop

STAGES = ("Denominated", "Imputed", "Treated", "Normalised", "Aggregated")
IMPUTATIONS = ("group_mean", "group_median", "none")
NORMALISATIONS = ("minmax", "zscore", "rank")
AGGREGATIONS = ("arithmetic", "geometric")


@dataclass
class IndexData:
    """The inputs of a composite index, checked and indexed by code.

    - `units`: index UnitCode; identity columns (UnitName, Year, Group_* ...).
    - `values`: index UnitCode; one float column per indicator (raw values, NaN = missing).
    - `indicators`: index IndCode; Name, Direction (+1/-1), Weight, Denominator, Agg1..AggN.
    - `aggregates`: index Code; Level (2 = parents of indicators, ...), Name, Weight.
    - `denominators`: index UnitCode; one float column per denominator.
    """

    units: pd.DataFrame
    values: pd.DataFrame
    indicators: pd.DataFrame
    aggregates: pd.DataFrame
    denominators: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def agg_columns(self) -> list[str]:
        """The Agg1..AggN columns of the indicator metadata, lowest level first."""
        cols = [c for c in self.indicators.columns if c.startswith("Agg") and c[3:].isdigit()]
        return sorted(cols, key=lambda c: int(c[3:]))

    def tree(self) -> Tree:
        return Tree.build(self)

    def with_values(self, changes: Mapping[str, Mapping[str, float]]) -> IndexData:
        """A copy with some raw values replaced: `{unit: {indicator: new_raw}}`."""
        values = self.values.copy()
        for unit, row in changes.items():
            for code, value in row.items():
                if unit not in values.index or code not in values.columns:
                    raise KeyError(f"no value {unit}/{code} to change")
                values.loc[unit, code] = float(value)
        return replace(self, values=values)


@dataclass(frozen=True)
class Tree:
    """The aggregation hierarchy as index arrays.

    Nodes are the indicators followed by the aggregates (ordered by level, then by first
    appearance in the indicator metadata); `children[a]` holds node indices of aggregate a's
    members, `weights` the nominal weight of every node.
    """

    indicators: tuple[str, ...]
    aggregates: tuple[str, ...]
    levels: tuple[int, ...]
    children: tuple[np.ndarray, ...]
    weights: np.ndarray

    @property
    def nodes(self) -> tuple[str, ...]:
        return self.indicators + self.aggregates

    @property
    def top(self) -> str:
        """The code of the index (the single aggregate of the highest level)."""
        return self.aggregates[-1]

    def parent(self) -> dict[str, str]:
        """Each node's parent aggregate code (the index has none)."""
        nodes = self.nodes
        return {
            nodes[k]: agg
            for agg, kids in zip(self.aggregates, self.children, strict=True)
            for k in kids
        }

    @classmethod
    def build(cls, data: IndexData) -> Tree:
        meta, aggs = data.indicators, data.aggregates
        inds = tuple(meta.index)
        codes: list[str] = []
        levels: list[int] = []
        members: dict[str, list[str]] = {}
        prev_col = None
        for k, col in enumerate(data.agg_columns):
            for code in dict.fromkeys(meta[col].dropna()):
                codes.append(code)
                levels.append(k + 2)
                below = meta.index if prev_col is None else meta[prev_col]
                members[code] = list(dict.fromkeys(below[(meta[col] == code).to_numpy()]))
            prev_col = col
        nodes = inds + tuple(codes)
        pos = {c: i for i, c in enumerate(nodes)}
        children = tuple(np.array([pos[m] for m in members[c]], dtype=int) for c in codes)
        weights = np.concatenate(
            [meta["Weight"].to_numpy(float), aggs.loc[codes, "Weight"].to_numpy(float)]
        )
        return cls(inds, tuple(codes), tuple(levels), children, weights)


@dataclass(frozen=True)
class Settings:
    """How to build the index; every stage can be switched off or given another method."""

    denominate: bool = True
    impute: str = "group_mean"  # one of IMPUTATIONS
    group: str | None = None  # unit column grouping the imputation (None: all units)
    treat: bool = True
    winmax: int | None = None  # None: ceil(10% of the number of units)
    skew_limit: float = 2.0
    kurt_limit: float = 3.5
    normalise: str = "minmax"  # one of NORMALISATIONS
    norm_range: tuple[float, float] = (0.0, 100.0)
    aggregate: str = "arithmetic"  # one of AGGREGATIONS
    dat_thresh: float = 0.0  # share of an aggregate's members that must have data
    weights: Mapping[str, float] | None = None  # weight overrides by indicator/aggregate code


@dataclass
class Result:
    """A computed index: every stage's table (units × columns), logs, scores and ranks."""

    data: IndexData
    settings: Settings
    tree: Tree
    stages: dict[str, pd.DataFrame]
    imputed: pd.DataFrame  # True where a value was imputed
    flags: pd.DataFrame  # outlier treatment per unit × indicator: "", "WHigh", "WLow", "Log"
    treat_info: pd.DataFrame  # per indicator: method, steps, low, high (counts of units)
    treatment: dict[str, str]  # per indicator: what the outlier treatment did, in words
    log: dict[str, list[str]]  # per indicator: what every stage did
    weights: pd.Series  # the weight used for every node

    @property
    def scores(self) -> pd.DataFrame:
        """Aggregate scores, units × aggregates (all levels, the index last)."""
        return self.stages["Aggregated"][list(self.tree.aggregates)]

    @cached_property
    def ranks(self) -> pd.DataFrame:
        """Ranks of units at every indicator and aggregate (1 = best, ties share the best)."""
        return rank_min(self.stages["Aggregated"])

    @property
    def index(self) -> pd.Series:
        return self.scores[self.tree.top]

    def rank_of(self, unit: str, code: str | None = None) -> int:
        return int(self.ranks.loc[unit, code or self.tree.top])


def rank_min(frame: pd.DataFrame | pd.Series):
    """Rank 1 = highest value; ties share the best rank ("min"); missing stays missing."""
    return frame.rank(ascending=False, method="min")


# --- statistics -------------------------------------------------------------------------


def excel_skew(x: np.ndarray) -> float:
    """Sample skewness as Excel's SKEW (missing values ignored; NaN if undefined)."""
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 3:
        return math.nan
    s = x.std(ddof=1)
    if s == 0:
        return math.nan
    return n / ((n - 1) * (n - 2)) * float((((x - x.mean()) / s) ** 3).sum())


def excel_kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis as Excel's KURT (missing values ignored; NaN if undefined)."""
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 4:
        return math.nan
    s = x.std(ddof=1)
    if s == 0:
        return math.nan
    m4 = float((((x - x.mean()) / s) ** 4).sum())
    return n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * m4 - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))


@dataclass(frozen=True)
class Treated:
    """The outcome of outlier treatment of one indicator."""

    values: np.ndarray
    method: str  # "none", "winsorised", "log"
    steps: int  # winsorisation steps taken (0 for none; winmax for a log fallback)
    flags: np.ndarray  # per unit: "", "WHigh", "WLow", "Log"

    def describe(self) -> str:
        if self.method == "winsorised":
            low, high = (self.flags == "WLow").sum(), (self.flags == "WHigh").sum()
            return (
                f"winsorised in {self.steps} step(s): {high} high and {low} low value(s) replaced"
            )
        if self.method == "log":
            return f"log transform: {self.steps} winsorisation steps were not enough"
        return "none"


def treat_outliers(
    x: np.ndarray, winmax: int, skew_limit: float = 2.0, kurt_limit: float = 3.5
) -> Treated:
    """The default GII/COINr treatment of one indicator.

    While |skewness| > skew_limit and kurtosis > kurt_limit and fewer than winmax steps were
    taken, replace the current maximum (all tied occurrences, one step) by the next-highest
    value when skewness >= 0, else the current minimum by the next-lowest. If winmax steps do
    not bring the indicator under the limits, the winsorisation is discarded and
    log(x - min + 0.01 (max - min)) is taken of the original values instead.
    """
    orig = np.asarray(x, dtype=float)
    x = orig.copy()
    flags = np.full(len(x), "", dtype=object)

    def bad(v: np.ndarray) -> bool:
        sk, kt = excel_skew(v), excel_kurt(v)
        return abs(sk) > skew_limit and kt > kurt_limit  # False when NaN

    steps = 0
    while bad(x) and steps < winmax:
        present = ~np.isnan(x)
        if excel_skew(x) >= 0:
            top = present & (x == np.nanmax(x))
            rest = x[present & ~top]
            if not len(rest):
                break
            x[top], flags[top] = rest.max(), "WHigh"
        else:
            low = present & (x == np.nanmin(x))
            rest = x[present & ~low]
            if not len(rest):
                break
            x[low], flags[low] = rest.min(), "WLow"
        steps += 1
    if steps == 0:
        return Treated(orig, "none", 0, flags)
    if not bad(x):
        return Treated(x, "winsorised", steps, flags)
    lo, hi = np.nanmin(orig), np.nanmax(orig)
    logged = np.log(orig - lo + 0.01 * (hi - lo))
    return Treated(logged, "log", steps, np.where(np.isnan(orig), "", "Log").astype(object))


# --- normalisation and aggregation ------------------------------------------------------


def normalise(x: np.ndarray, direction: float, method: str, bounds=(0.0, 100.0)) -> np.ndarray:
    """One indicator normalised so that higher is better.

    minmax: onto `bounds` (constant indicator -> NaN); zscore: mean 0, sample sd 1;
    rank: ranks 1..n of the direction-adjusted values (ties averaged, as COINr's n_rank).
    """
    v = np.asarray(x, dtype=float) * direction
    if method == "minmax":
        lo, hi = np.nanmin(v), np.nanmax(v)
        if hi == lo:
            return np.full_like(v, np.nan)
        return bounds[0] + (v - lo) / (hi - lo) * (bounds[1] - bounds[0])
    if method == "zscore":
        return (v - np.nanmean(v)) / np.nanstd(v, ddof=1)
    if method == "rank":
        return pd.Series(v).rank(method="average").to_numpy()
    raise ValueError(f"unknown normalisation {method!r}")


def aggregate_runs(
    x: np.ndarray, tree: Tree, w: np.ndarray, method: str = "arithmetic", dat_thresh: float = 0.0
) -> np.ndarray:
    """Scores of every aggregate for many weight sets at once.

    x: units × indicators (normalised, NaN = missing); w: runs × nodes (weights).
    Returns units × runs × aggregates. Each aggregate is the weighted arithmetic or geometric
    mean of its members that have data (weights re-scaled over them); it is missing when the
    share of members with data is below `dat_thresh`.
    """
    n_ind = len(tree.indicators)
    vals = np.empty((x.shape[0], w.shape[0], n_ind + len(tree.aggregates)))
    vals[:, :, :n_ind] = x[:, None, :]
    for a, kids in enumerate(tree.children):
        v = vals[:, :, kids]
        present = ~np.isnan(v)
        wp = np.where(present, w[None, :, kids], 0.0)
        wsum = wp.sum(-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            if method == "arithmetic":
                out = np.where(present, v * wp, 0.0).sum(-1) / wsum
            else:
                # log(0) = -inf gives a geometric mean of 0, the mathematical value
                logs = np.where(present & (wp > 0), np.log(np.where(present, v, 1.0)) * wp, 0.0)
                out = np.exp(logs.sum(-1) / wsum)
        out[(present.sum(-1) < dat_thresh * len(kids)) | (wsum == 0)] = np.nan
        vals[:, :, n_ind + a] = out
    return vals[:, :, n_ind:]


def node_weights(tree: Tree, overrides: Mapping[str, float] | None) -> np.ndarray:
    """The nominal weights with any overrides by code applied."""
    w = tree.weights.copy()
    for code, value in (overrides or {}).items():
        w[tree.nodes.index(code)] = float(value)
    return w


# --- the pipeline -----------------------------------------------------------------------


def _check_settings(data: IndexData, s: Settings) -> None:
    if s.impute not in IMPUTATIONS:
        raise ValueError(f"imputation must be one of {IMPUTATIONS}, not {s.impute!r}")
    if s.normalise not in NORMALISATIONS:
        raise ValueError(f"normalisation must be one of {NORMALISATIONS}, not {s.normalise!r}")
    if s.aggregate not in AGGREGATIONS:
        raise ValueError(f"aggregation must be one of {AGGREGATIONS}, not {s.aggregate!r}")
    problems = []
    if s.group and s.group not in data.units.columns:
        problems.append(
            Problem(
                gettext_noop("group column %(column)s is not in the unit data"),
                {"column": s.group},
                sheet="InputIndData",
                row=1,
                column=s.group,
            )
        )
    nodes = set(data.indicators.index) | set(data.aggregates.index)
    for code in s.weights or {}:
        if code not in nodes:
            problems.append(
                Problem(gettext_noop("weight given for unknown code %(code)s"), {"code": code})
            )
    if problems:
        raise DataError(problems)


def compute(data: IndexData, settings: Settings | None = None) -> Result:
    """Build the index from `data` with `settings`, recording every stage."""
    s = settings or Settings()
    _check_settings(data, s)
    tree = data.tree()
    meta = data.indicators
    inds = list(tree.indicators)
    log: dict[str, list[str]] = {c: [] for c in inds}

    # 1. denominate
    den = data.values[inds].astype(float).copy()
    if s.denominate:
        for code in inds:
            d = meta.at[code, "Denominator"]
            if isinstance(d, str) and d:
                divisor = data.denominators[d].reindex(den.index).replace(0, np.nan)
                den[code] = den[code] / divisor
                log[code].append(f"divided by {d}")

    # 2. impute
    imp = den.copy()
    missing = den.isna()
    if s.impute != "none" and missing.any().any():
        how = "mean" if s.impute == "group_mean" else "median"
        if s.group:
            fill = den.groupby(data.units[s.group].reindex(den.index)).transform(how)
        else:
            fill = pd.DataFrame({c: getattr(den[c], how)() for c in inds}, index=den.index)
        imp = den.fillna(fill)
        where = f" by {s.group}" if s.group else ""
        for code in inds:
            n = int((missing[code] & imp[code].notna()).sum())
            if n:
                log[code].append(f"imputed {n} value(s) by {how}{where}")
    imputed = missing & imp.notna()

    # 3. treat outliers
    treated = imp.copy()
    flags = pd.DataFrame("", index=imp.index, columns=inds, dtype=object)
    info = pd.DataFrame(index=inds, columns=["method", "steps", "low", "high"], dtype=object)
    info[:] = ["none", 0, 0, 0]
    treatment = dict.fromkeys(inds, "none")
    if s.treat:
        winmax = s.winmax if s.winmax is not None else math.ceil(0.1 * len(imp))
        for code in inds:
            t = treat_outliers(imp[code].to_numpy(float), winmax, s.skew_limit, s.kurt_limit)
            treated[code], flags[code] = t.values, t.flags
            low, high = int((t.flags == "WLow").sum()), int((t.flags == "WHigh").sum())
            info.loc[code] = [t.method, t.steps, low, high]
            treatment[code] = t.describe()
            if t.method != "none":
                log[code].append(treatment[code])

    # 4. normalise
    norm = pd.DataFrame(index=treated.index, columns=inds, dtype=float)
    for code in inds:
        direction = float(meta.at[code, "Direction"])
        norm[code] = normalise(treated[code].to_numpy(float), direction, s.normalise, s.norm_range)
        if norm[code].isna().all():
            log[code].append("constant indicator: left out of aggregation")
    log_norm = f"normalised ({s.normalise})"
    for code in inds:
        log[code].append(
            log_norm + (", direction reversed" if meta.at[code, "Direction"] < 0 else "")
        )
    if s.aggregate == "geometric" and (norm.to_numpy() < 0).any():
        raise ValueError("geometric aggregation needs non-negative normalised values")

    # 5. aggregate
    w = node_weights(tree, s.weights)
    scores = aggregate_runs(norm.to_numpy(float), tree, w[None, :], s.aggregate, s.dat_thresh)
    agg = pd.concat(
        [norm, pd.DataFrame(scores[:, 0, :], index=norm.index, columns=list(tree.aggregates))],
        axis=1,
    )

    stages = {
        "Denominated": den,
        "Imputed": imp,
        "Treated": treated,
        "Normalised": norm,
        "Aggregated": agg,
    }
    weights = pd.Series(w, index=list(tree.nodes))
    return Result(data, s, tree, stages, imputed, flags, info, treatment, log, weights)


def main(argv: list[str] | None = None) -> int:
    """`python -m stihub.engines.composite WORKBOOK.xlsx ...`: see composite_io.main."""
    from stihub.engines.composite_io import main as io_main

    return io_main(argv)


if __name__ == "__main__":
    sys.exit(main())
