"""Analysis of a computed index: strengths and weaknesses, correlations, Cronbach's alpha,
and uncertainty of the ranks over weights and method choices (Monte Carlo), with first-order
sensitivity indices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from stihub.engines.composite import (
    IndexData,
    Result,
    Settings,
    aggregate_runs,
    compute,
    node_weights,
)


def strengths_weaknesses(
    result: Result, unit: str, n: int = 5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A unit's best and worst indicators by its rank among units (1 = best).

    Each table has columns indicator, name, rank, raw, normalised; ties in rank are ordered by
    the normalised value.
    """
    inds = list(result.tree.indicators)
    norm = result.stages["Normalised"]
    table = pd.DataFrame(
        {
            "indicator": inds,
            "name": result.data.indicators.loc[inds, "Name"].to_numpy(),
            "rank": result.ranks.loc[unit, inds].to_numpy(),
            "raw": result.data.values.loc[unit, inds].to_numpy(),
            "normalised": norm.loc[unit, inds].to_numpy(),
        }
    ).dropna(subset=["rank"])
    table["rank"] = table["rank"].astype(int)
    best = table.sort_values(["rank", "normalised"], ascending=[True, False], kind="stable")
    worst = table.sort_values(["rank", "normalised"], ascending=[False, True], kind="stable")
    return best.head(n).reset_index(drop=True), worst.head(n).reset_index(drop=True)


def correlations(result: Result, method: str = "pearson") -> pd.DataFrame:
    """Correlation of every indicator and aggregate with its parent aggregate, over units.

    Columns: code, parent, level (1 = indicator), r.
    """
    table = result.stages["Aggregated"]
    tree = result.tree
    levels = dict.fromkeys(tree.indicators, 1) | dict(
        zip(tree.aggregates, tree.levels, strict=True)
    )
    rows = [
        (code, parent, levels[code], table[code].corr(table[parent], method=method))
        for code, parent in tree.parent().items()
    ]
    return pd.DataFrame(rows, columns=["code", "parent", "level", "r"])


def members(result: Result, code: str) -> list[str]:
    """The direct members (indicators or aggregates) of an aggregate."""
    tree = result.tree
    return [tree.nodes[k] for k in tree.children[tree.aggregates.index(code)]]


def member_correlations(result: Result, code: str, method: str = "pearson") -> pd.DataFrame:
    """Correlation matrix between the members of an aggregate, over units."""
    return result.stages["Aggregated"][members(result, code)].corr(method=method)


def cronbach_alpha(result: Result) -> pd.Series:
    """Cronbach's alpha of every aggregate over its members (units with all members present).

    alpha = k / (k - 1) * (1 - sum of member variances / variance of the members' sum);
    missing for an aggregate of one member.
    """
    table = result.stages["Aggregated"]
    out = {}
    for code in result.tree.aggregates:
        x = table[members(result, code)].dropna()
        k = x.shape[1]
        total = x.sum(axis=1).var(ddof=1)
        if k < 2 or len(x) < 2 or total == 0:
            out[code] = np.nan
        else:
            out[code] = k / (k - 1) * (1 - x.var(ddof=1).sum() / total)
    return pd.Series(out, name="alpha")


# --- uncertainty --------------------------------------------------------------------------


@dataclass
class Uncertainty:
    """Ranks of every unit over Monte Carlo runs, and the sampled uncertain factors.

    `ranks`: units × runs; `factors`: runs × factors (weight multipliers "w:<code>" and the
    method chosen in each run: "impute", "treat", "aggregate"); `nominal`: ranks without
    perturbation.
    """

    target: str
    nominal: pd.Series
    ranks: pd.DataFrame
    factors: pd.DataFrame

    @property
    def summary(self) -> pd.DataFrame:
        """Per unit: nominal rank, median rank and the 5th-95th percentile rank interval."""
        q05, median, q95 = np.nanpercentile(self.ranks.to_numpy(), [5, 50, 95], axis=1)
        frame = pd.DataFrame(
            {"nominal": self.nominal, "median": median, "q05": q05, "q95": q95},
            index=self.ranks.index,
        )
        return frame.sort_values(["median", "nominal"])

    def sensitivity(self, bins: int = 10) -> pd.Series:
        """First-order sensitivity index of the ranks to each factor, averaged over units.

        A binned estimate of Var(E[rank | factor]) / Var(rank): continuous factors are cut into
        `bins` quantile bins, method choices grouped by value. Units whose rank never moves are
        left out.
        """
        y = self.ranks.to_numpy(float)  # units × runs
        var = np.nanvar(y, axis=1)
        keep = var > 0
        y, var = y[keep], var[keep]
        mean = np.nanmean(y, axis=1, keepdims=True)
        out = {}
        for name, col in self.factors.items():
            if col.dtype.kind == "f" and col.nunique() > bins:
                groups = pd.qcut(col, bins, labels=False, duplicates="drop").to_numpy()
            else:
                groups = pd.factorize(col)[0]
            explained = np.zeros(len(y))
            for g in np.unique(groups):
                sel = groups == g
                explained += sel.mean() * (np.nanmean(y[:, sel], axis=1) - mean[:, 0]) ** 2
            out[name] = float(np.mean(explained / var)) if len(y) else np.nan
        return pd.Series(out, name="S1").sort_values(ascending=False)


def uncertainty(
    data: IndexData,
    settings: Settings | None = None,
    *,
    runs: int = 1000,
    weight_noise: float = 0.25,
    impute: Sequence[str] = ("group_mean", "group_median"),
    treat: Sequence[bool] = (True, False),
    aggregate: Sequence[str] = ("arithmetic", "geometric"),
    target: str | None = None,
    seed: int = 0,
) -> Uncertainty:
    """Monte Carlo ranks over random weights and method choices (seeded, reproducible).

    Each run multiplies every weight by a uniform factor in [1 - weight_noise, 1 + weight_noise]
    and picks one imputation, treatment on/off and one aggregation at random. The normalised
    data of each (imputation, treatment) pair is computed once; the runs are then aggregated
    together with numpy. When geometric aggregation is a choice, min-max normalisation onto
    [1, 100] is used for all runs so that no score is zero; this rescaling does not change any
    arithmetic rank.
    """
    s = settings or Settings()
    if "geometric" in aggregate and s.normalise == "minmax" and s.norm_range[0] <= 0:
        s = replace(s, norm_range=(1.0, s.norm_range[1]))
    rng = np.random.default_rng(seed)
    nominal = compute(data, s)
    tree = nominal.tree
    target = target or tree.top
    col = tree.aggregates.index(target)

    w0 = node_weights(tree, s.weights)
    mult = 1 + rng.uniform(-weight_noise, weight_noise, size=(runs, len(w0)))
    choice = {
        "impute": rng.integers(len(impute), size=runs),
        "treat": rng.integers(len(treat), size=runs),
        "aggregate": rng.integers(len(aggregate), size=runs),
    }
    weights = w0[None, :] * mult

    scores = np.full((len(nominal.index), runs), np.nan)
    for i, imp in enumerate(impute):
        for t, tr in enumerate(treat):
            variant = compute(data, replace(s, impute=imp, treat=tr, aggregate="arithmetic"))
            x = variant.stages["Normalised"].to_numpy(float)
            for a, agg in enumerate(aggregate):
                sel = (choice["impute"] == i) & (choice["treat"] == t) & (choice["aggregate"] == a)
                if sel.any():
                    out = aggregate_runs(x, tree, weights[sel], agg, s.dat_thresh)
                    scores[:, sel] = out[:, :, col]
    ranks = rankdata(-scores, method="min", axis=0, nan_policy="omit")

    perturbed = [k for k, node in enumerate(tree.nodes) if node != tree.top]
    factors = pd.DataFrame({f"w:{tree.nodes[k]}": mult[:, k] for k in perturbed})
    factors["impute"] = np.asarray(impute, dtype=object)[choice["impute"]]
    factors["treat"] = np.asarray(treat, dtype=object)[choice["treat"]]
    factors["aggregate"] = np.asarray(aggregate, dtype=object)[choice["aggregate"]]
    units = nominal.index.index
    return Uncertainty(
        target=target,
        nominal=nominal.ranks[target],
        ranks=pd.DataFrame(ranks, index=units),
        factors=factors,
    )
