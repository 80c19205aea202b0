"""Analysis of a composite index: strengths, correlations, Cronbach's alpha, uncertainty."""

import numpy as np
import pandas as pd
import pytest

from stihub.engines.composite import Settings, compute
from stihub.engines.composite_analysis import (
    correlations,
    cronbach_alpha,
    member_correlations,
    strengths_weaknesses,
    uncertainty,
)
from stihub.engines.composite_bench import synthetic_pii

from .composite_builders import index_data, random_data

PARENTS = {"a": "A", "b": "A", "c": "B", "d": "B"}


def test_strengths_and_weaknesses_are_the_units_best_and_worst_ranks():
    data = index_data(
        {"a": [9, 1, 2, 3], "b": [4, 5, 6, 1], "c": [1, 2, 3, 4], "d": [2, 9, 3, 3]}, PARENTS
    )
    result = compute(data, Settings(treat=False))
    best, worst = strengths_weaknesses(result, "U01", n=2)
    assert best["indicator"].tolist() == ["a", "b"] and best["rank"].tolist() == [1, 3]
    assert worst["indicator"].tolist() == ["c", "d"] and worst["rank"].tolist() == [4, 4]
    assert best.loc[0, "raw"] == 9 and best.loc[0, "normalised"] == 100


def test_correlations_with_parent_and_between_members():
    data = random_data(25, seed=4)
    result = compute(data)
    table = correlations(result)
    assert len(table) == 6 + 2  # every indicator and aggregate below the index
    agg = result.stages["Aggregated"]
    row = table.set_index("code").loc["i2"]
    assert row["parent"] == "A" and row["level"] == 1
    assert row["r"] == pytest.approx(np.corrcoef(agg["i2"], agg["A"])[0, 1])
    matrix = member_correlations(result, "B")
    np.testing.assert_allclose(matrix.to_numpy(), np.corrcoef(agg[["i4", "i5", "i6"]].T.to_numpy()))


def test_cronbach_alpha_matches_the_covariance_form():
    data = random_data(25, seed=4)
    result = compute(data)
    alpha = cronbach_alpha(result)
    x = result.stages["Normalised"][["i1", "i2", "i3"]].to_numpy()
    cov = np.cov(x.T)
    k = 3
    expected = k * k * cov[~np.eye(k, dtype=bool)].mean() / cov.sum()
    assert alpha["A"] == pytest.approx(expected)
    same = index_data(
        {"a": [1, 2, 3, 5], "b": [1, 2, 3, 5], "c": [1, 2, 2, 1], "d": [4, 1, 1, 2]}, PARENTS
    )
    assert cronbach_alpha(compute(same, Settings(treat=False)))["A"] == pytest.approx(1.0)


def test_uncertainty_is_reproducible_with_a_seed():
    data = random_data(20, seed=7)
    one = uncertainty(data, runs=200, seed=42)
    again = uncertainty(data, runs=200, seed=42)
    other = uncertainty(data, runs=200, seed=43)
    pd.testing.assert_frame_equal(one.ranks, again.ranks)
    assert not one.ranks.equals(other.ranks)
    assert one.ranks.shape == (20, 200)


def test_without_any_uncertainty_every_run_gives_the_nominal_rank():
    data = random_data(20, seed=7)
    u = uncertainty(
        data,
        runs=50,
        weight_noise=0.0,
        impute=("group_mean",),
        treat=(True,),
        aggregate=("arithmetic",),
    )
    summary = u.summary
    nominal = compute(data).ranks["Index"]
    for col in ("nominal", "median", "q05", "q95"):
        assert (summary[col] == nominal.loc[summary.index]).all()


def test_each_run_equals_the_pipeline_with_that_runs_weights_and_methods():
    data = synthetic_pii(30, seed=3)
    s = Settings(group="Group_Region")
    u = uncertainty(data, s, runs=12, seed=5)
    nominal = compute(data, replace_norm(s))
    for run in (0, 5, 11):
        f = u.factors.loc[run]
        weights = {c[2:]: nominal.weights[c[2:]] * f[c] for c in u.factors if c.startswith("w:")}
        check = compute(
            data,
            replace_norm(
                s, weights=weights, impute=f["impute"], treat=f["treat"], aggregate=f["aggregate"]
            ),
        )
        assert u.ranks[run].tolist() == check.ranks["PII"].tolist()


def replace_norm(s, **changes):
    """The settings uncertainty() uses when geometric aggregation is a choice."""
    from dataclasses import replace

    return replace(s, norm_range=(1.0, 100.0), **changes)


def test_interval_brackets_the_median_and_a_dominant_unit_is_always_first():
    data = random_data(20, seed=7)
    best = {c: data.values[c].max() * 1.1 for c in ("i1", "i2", "i3", "i4", "i6")}
    best["i5"] = data.values["i5"].min() * 0.9  # lower is better
    data = data.with_values({"U03": best})
    u = uncertainty(data, runs=300, seed=1)
    summary = u.summary
    assert (summary["q05"] <= summary["median"]).all() and (
        summary["median"] <= summary["q95"]
    ).all()
    assert (u.ranks.loc["U03"] == 1).all()


def test_first_order_sensitivity_finds_the_only_uncertain_factor():
    data = random_data(20, seed=7)
    u = uncertainty(data, runs=200, weight_noise=0.0, impute=("group_mean",), treat=(True,),
                    aggregate=("arithmetic", "geometric"), seed=3)  # fmt: skip
    assert u.ranks.nunique(axis=1).max() == 2  # the aggregation moves some ranks
    s1 = u.sensitivity()
    assert s1["aggregate"] == pytest.approx(1.0)
    assert s1.drop("aggregate").abs().max() == 0
