"""Composite-index engine: the ASEM reference, hand-checked cases, workbook checks, CLI."""

import io
import json
import math
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
from scipy import optimize, stats

from stihub.engines.composite import (
    STAGES,
    Settings,
    compute,
    excel_kurt,
    excel_skew,
    normalise,
    rank_min,
    treat_outliers,
)
from stihub.engines.composite_io import main, read_workbook
from stihub.engines.composite_whatif import apply_changes, plan
from stihub.engines.problems import DataError

from .composite_builders import FIXTURE, index_data, random_data, workbook_sheets, write_sheets

ASEM_SETTINGS = Settings(group="Group_GDP", impute="group_mean", winmax=5)


@pytest.fixture(scope="module")
def asem():
    """The ASEM result computed by the engine, and the published sheets."""
    return compute(read_workbook(FIXTURE), ASEM_SETTINGS), pd.read_excel(FIXTURE, sheet_name=None)


# --- the published COINr example ---------------------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_matches_the_published_asem_sheet(asem, stage):
    result, sheets = asem
    expected = sheets[f"Data{stage}"].set_index("UnitCode")
    ours = result.stages[stage]
    columns = [c for c in ours.columns if c in expected.columns]
    assert len(columns) == len(ours.columns)  # every indicator (and aggregate) is compared
    assert sorted(ours.index) == sorted(expected.index)
    want = expected.loc[ours.index, columns].astype(float)
    assert (ours[columns].isna() == want.isna()).all().all()
    # the README's claim; the largest difference measured is 3.4e-13 (DataImputed, DataTreated)
    np.testing.assert_allclose(ours[columns].to_numpy(), want.to_numpy(), atol=1e-12, rtol=0)


def test_winsorised_indicators_and_points_match_the_published_treatment(asem):
    result, sheets = asem
    summary = sheets["TreatedTreatSummary"].set_index("IndCode")
    info = result.treat_info.loc[summary.index]
    assert info["low"].tolist() == summary["Low"].tolist()
    assert info["high"].tolist() == summary["High"].tolist()
    steps = summary["Treatment"].fillna("").str.extract(r"Winsorised (\d+) points")[0]
    assert info["steps"].tolist() == steps.fillna(0).astype(int).tolist()
    assert (info["method"] == "winsorised").sum() == 15
    flags = sheets["TreatedTreatFlags"].set_index("UnitCode").replace("No", "")
    assert (result.flags.loc[flags.index, flags.columns] == flags).all().all()


# --- hand-checked small cases ------------------------------------------------------------


@pytest.mark.parametrize(
    "x", [[1, 2, 3, 4, 10], [2.5, 0.1, 7, 7, 3, 40, 1, 2], [5, 1, 1, 1, 0.5, -3, 2, np.nan, 9]]
)
def test_skewness_and_kurtosis_are_excels_sample_statistics(x):
    x = np.array(x, dtype=float)
    present = x[~np.isnan(x)]
    assert excel_skew(x) == pytest.approx(stats.skew(present, bias=False))
    assert excel_kurt(x) == pytest.approx(stats.kurtosis(present, bias=False, fisher=True))


def test_skewness_of_a_constant_is_undefined_and_triggers_nothing():
    x = np.full(10, 3.0)
    assert math.isnan(excel_skew(x)) and math.isnan(excel_kurt(x))
    assert treat_outliers(x, winmax=3).method == "none"


def test_winsorisation_replaces_all_tied_maxima_in_one_step():
    x = np.array([*range(1, 19), 100, 100], dtype=float)
    assert abs(stats.skew(x, bias=False)) > 2 and stats.kurtosis(x, bias=False) > 3.5
    t = treat_outliers(x, winmax=2)
    assert t.method == "winsorised" and t.steps == 1
    np.testing.assert_array_equal(t.values, [*range(1, 19), 18, 18])
    assert list(t.flags[-2:]) == ["WHigh", "WHigh"] and set(t.flags[:-2]) == {""}


def test_winsorisation_steps_down_through_earlier_replacements():
    # step 1: 200 -> 60 (now tied with the other 60); step 2: both 60s -> 20
    x = np.array([*range(1, 21), 60, 200], dtype=float)
    t = treat_outliers(x, winmax=5)
    assert t.steps == 2
    np.testing.assert_array_equal(t.values, [*range(1, 21), 20, 20])


def test_negative_skew_winsorises_the_minimum():
    x = np.array([-100, *range(1, 20)], dtype=float)
    t = treat_outliers(x, winmax=3)
    assert t.values[0] == 1 and t.flags[0] == "WLow" and t.steps == 1


def test_log_transform_of_the_original_values_when_winmax_is_exhausted():
    x = np.array([1.0] * 20 + [50, 100, 200])  # needs 3 steps: 200 -> 100, 100s -> 50, 50s -> 1
    assert treat_outliers(x, winmax=3).method == "winsorised"
    t = treat_outliers(x, winmax=2)
    assert t.method == "log" and t.steps == 2
    np.testing.assert_allclose(t.values, np.log(x - 1 + 0.01 * (200 - 1)))
    assert set(t.flags) == {"Log"}


def test_treatment_within_compute_uses_ten_percent_of_units_by_default():
    x = [*range(1, 19), 100, 100]  # 20 units: winmax 2, one step needed
    result = compute(index_data({"a": x, "b": list(range(20))}, {"a": "A", "b": "A"}))
    assert result.treat_info.loc["a", "steps"] == 1
    assert result.stages["Treated"]["a"].max() == 18


def test_geometric_mean_aggregation():
    data = index_data(
        {"a": [0, 50, 100], "b": [0, 25, 100], "c": [10, 20, 30]},
        {"a": "A", "b": "A", "c": "B"},
        weights={"b": 3.0},
    )
    result = compute(data, Settings(treat=False, aggregate="geometric"))
    scores = result.scores
    assert scores.loc["U02", "A"] == pytest.approx((50 * 25**3) ** (1 / 4))
    assert scores.loc["U01", "A"] == 0  # a zero member makes the geometric mean zero
    assert scores.loc["U02", "Index"] == pytest.approx(math.sqrt(scores.loc["U02", "A"] * 50))


def test_data_availability_threshold_and_reweighting():
    nan = math.nan
    data = index_data(
        {
            "a": [0, 100, 10, 20],
            "b": [nan, 50, 60, 30],
            "c": [nan, nan, 100, 0],
            "d": [0, 30, 40, 100],
        },
        {"a": "A", "b": "A", "c": "A", "d": "B"},
    )
    s = Settings(impute="none", treat=False, dat_thresh=0.5)
    result = compute(data, s)
    norm, scores = result.stages["Normalised"], result.scores
    assert math.isnan(scores.loc["U01", "A"])  # 1 of 3 members
    assert scores.loc["U02", "A"] == pytest.approx((100 + norm.loc["U02", "b"]) / 2)  # 2 of 3
    assert scores.loc["U01", "Index"] == pytest.approx(norm.loc["U01", "d"])  # 1 of 2 is enough
    loose = compute(data, Settings(impute="none", treat=False))
    assert scores.loc["U02", "A"] == loose.scores.loc["U02", "A"]
    assert loose.scores.loc["U01", "A"] == pytest.approx(0.0)


def test_minmax_normalisation_reverses_lower_is_better():
    np.testing.assert_allclose(normalise(np.array([2.0, 4.0, 10.0]), -1, "minmax"), [100, 75, 0])


def test_zscore_normalisation():
    z = normalise(np.array([1.0, 2.0, 3.0, 4.0]), 1, "zscore")
    sd = math.sqrt(5 / 3)
    np.testing.assert_allclose(z, [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd])
    np.testing.assert_allclose(normalise(np.array([1.0, 2.0, 3.0, 4.0]), -1, "zscore"), -z)


def test_rank_normalisation_averages_ties():
    x = np.array([10.0, 30.0, 30.0, 5.0])
    np.testing.assert_array_equal(normalise(x, 1, "rank"), [2, 3.5, 3.5, 1])
    np.testing.assert_array_equal(normalise(x, -1, "rank"), [3, 1.5, 1.5, 4])


def test_ranks_are_one_for_the_best_and_ties_share_the_best_rank():
    assert rank_min(pd.Series([5.0, 7.0, 7.0, 1.0])).tolist() == [3, 1, 1, 4]
    data = index_data({"a": [1, 3, 3, 2], "b": [4, 6, 6, 5]}, {"a": "A", "b": "A"})
    result = compute(data, Settings(treat=False))
    assert result.ranks["Index"].tolist() == [4, 1, 1, 3]
    assert result.rank_of("U03") == 1


def test_stages_can_be_switched_off_and_are_logged():
    nan = math.nan
    data = index_data({"a": [1, nan, 3, 5], "b": [2, 4, 6, 9]}, {"a": "A", "b": "A"})
    on = compute(data, Settings(impute="group_median"))
    assert on.stages["Imputed"].loc["U02", "a"] == 3 and on.imputed.loc["U02", "a"]
    assert any("imputed 1 value" in line for line in on.log["a"])
    off = compute(data, Settings(impute="none"))
    assert math.isnan(off.stages["Imputed"].loc["U02", "a"])
    grouped = compute(
        index_data(
            {"a": [1, nan, 3, 5], "b": [2, 4, 6, 9]},
            {"a": "A", "b": "A"},
            groups=["x", "x", "y", "y"],
        ),
        Settings(group="Group_G"),
    )
    assert grouped.stages["Imputed"].loc["U02", "a"] == 1


def test_unknown_group_column_is_a_located_problem():
    data = index_data({"a": [1, 2, 3], "b": [3, 2, 1]}, {"a": "A", "b": "A"})
    with pytest.raises(DataError) as err:
        compute(data, Settings(group="Group_Region"))
    (problem,) = err.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("InputIndData", 1, "Group_Region")


# --- workbook checks ---------------------------------------------------------------------


def test_a_valid_workbook_is_read_and_denominated(tmp_path):
    data = read_workbook(write_sheets(tmp_path / "ok.xlsx", workbook_sheets()))
    result = compute(data, Settings(group="Group_Size"))
    assert result.stages["Denominated"].loc["HN", "Pat"] == pytest.approx(120 / 8.4)
    assert result.stages["Imputed"].loc["NA", "Exports"] == 22  # mean of group M (DN only)
    assert result.tree.aggregates == ("Know", "Market", "Index")


def _drop_column(rows, name):
    i = rows[0].index(name)
    return [r[:i] + r[i + 1 :] for r in rows]


def _set(sheet, row, column, value):
    def change(sheets):
        rows = sheets[sheet]
        rows[row - 1][rows[0].index(column)] = value

    return change


def _missing_sheet(sheets):
    del sheets["InputAggMeta"]


def _missing_column(sheets):
    sheets["InputIndMeta"] = _drop_column(sheets["InputIndMeta"], "IndWeight")


def _extra_data_column(sheets):
    for k, row in enumerate(sheets["InputIndData"]):
        row.append("Extra" if k == 0 else 1.0)


def _ghost_indicator(sheets):
    sheets["InputIndMeta"].append(["Ghost", "Ghost", 1, 1, None, "Know", "Index"])


def _empty_aggregate(sheets):
    sheets["InputAggMeta"].append([2, "Empty", "Nothing", 1])


MALFORMED = {
    "missing sheet": (_missing_sheet, ("InputAggMeta", None, None), "is missing"),
    "missing column": (_missing_column, ("InputIndMeta", 1, "IndWeight"), "is missing"),
    "data not in meta": (
        _extra_data_column,
        ("InputIndData", 1, "Extra"),
        "in the data but not in InputIndMeta",
    ),
    "meta not in data": (
        _ghost_indicator,
        ("InputIndMeta", 5, "IndCode"),
        "in InputIndMeta but not in the data",
    ),
    "non-numeric value": (
        _set("InputIndData", 3, "RnD", "n/a"),
        ("InputIndData", 3, "RnD"),
        "not a number",
    ),
    "aggregate without members": (
        _empty_aggregate,
        ("InputAggMeta", 5, "Code"),
        "has no members",
    ),
    "undeclared aggregate": (
        _set("InputIndMeta", 4, "Agg1", "Mkt"),
        ("InputIndMeta", 4, "Agg1"),
        "not declared in InputAggMeta",
    ),
    "indicator weight": (
        _set("InputIndMeta", 4, "IndWeight", "two"),
        ("InputIndMeta", 4, "IndWeight"),
        "weight",
    ),
    "aggregate weight": (
        _set("InputAggMeta", 3, "Weight", "heavy"),
        ("InputAggMeta", 3, "Weight"),
        "weight",
    ),
    "missing denominator": (
        _set("InputIndMeta", 2, "Denominator", "Den_Area"),
        ("InputIndMeta", 2, "Denominator"),
        "not a column of InputDenominators",
    ),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_workbook_is_rejected_with_the_place_of_the_problem(tmp_path, case):
    change, where, words = MALFORMED[case]
    sheets = workbook_sheets()
    change(sheets)
    with pytest.raises(DataError) as err:
        read_workbook(write_sheets(tmp_path / "bad.xlsx", sheets))
    found = [(p.sheet, p.row, p.column) for p in err.value.problems]
    assert where in found, err.value.problems
    (problem,) = [p for p in err.value.problems if (p.sheet, p.row, p.column) == where]
    assert words in problem.message


def _zip(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _damaged(tmp_path, part: str) -> bytes:
    """A valid workbook whose `part` is cut short: a zip with every part, one of them broken."""
    with zipfile.ZipFile(write_sheets(tmp_path / "ok.xlsx", workbook_sheets())) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[part] = parts[part][:40]
    return _zip(parts)


WORD_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override'
    ' PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument'
    '.wordprocessingml.document.main+xml"/></Types>'
)
NOT_A_WORKBOOK = "the file is not an Excel workbook (.xlsx)"
NO_WORKBOOK_PART = "the file is a zip archive without the parts of an Excel workbook (.xlsx)"
DAMAGED = "the workbook is damaged and cannot be read; open it in Excel and save it again"
UNREADABLE = {
    "CSV text": (lambda tmp: b"UnitCode;Year\nU01;2024\n", NOT_A_WORKBOOK),
    "empty file": (lambda tmp: b"", NOT_A_WORKBOOK),
    "zip of other files": (lambda tmp: _zip({"notes.txt": "x"}), NO_WORKBOOK_PART),
    "Word document": (
        lambda tmp: _zip({"[Content_Types].xml": WORD_TYPES, "word/document.xml": "<w/>"}),
        NO_WORKBOOK_PART,
    ),
    "damaged workbook part": (lambda tmp: _damaged(tmp, "xl/workbook.xml"), DAMAGED),
    # cut to 40 bytes, inside the XML declaration: located at its sheet's first row
    "damaged sheet": (
        lambda tmp: _damaged(tmp, "xl/worksheets/sheet1.xml"),
        f"sheet InputIndData, row 1: {DAMAGED}",
    ),
}


@pytest.mark.parametrize("case", UNREADABLE, ids=list(UNREADABLE))
def test_a_file_that_is_no_readable_workbook_gets_one_plain_problem(tmp_path, case):
    make, expected = UNREADABLE[case]
    with pytest.raises(DataError) as err:
        read_workbook(io.BytesIO(make(tmp_path)))
    (problem,) = err.value.problems
    # our own sentence, nothing from Python or the library ("<_io.BytesIO ...", "no item named")
    assert str(problem) == expected
    assert problem.template == (DAMAGED if case == "damaged sheet" else expected)


def test_a_missing_file_is_named_in_the_problem(tmp_path):
    with pytest.raises(DataError) as err:
        read_workbook(tmp_path / "nowhere.xlsx")
    (problem,) = err.value.problems
    assert str(problem) == f"file {tmp_path / 'nowhere.xlsx'} cannot be read"


def test_every_problem_is_reported_at_once(tmp_path):
    sheets = workbook_sheets()
    _set("InputIndData", 3, "RnD", "n/a")(sheets)
    _set("InputIndData", 5, "Pat", "many")(sheets)
    _set("InputIndMeta", 3, "Direction", 2)(sheets)
    with pytest.raises(DataError) as err:
        read_workbook(write_sheets(tmp_path / "bad.xlsx", sheets))
    found = {(p.sheet, p.row, p.column) for p in err.value.problems}
    assert found == {
        ("InputIndData", 3, "RnD"),
        ("InputIndData", 5, "Pat"),
        ("InputIndMeta", 3, "Direction"),
    }


# --- command line ------------------------------------------------------------------------


def test_cli_json_gives_scores_ranks_and_treatment(capsys):
    status = main([str(FIXTURE), "--group", "Group_GDP", "--winmax", "5", "--json"])
    assert status == 0
    out = json.loads(capsys.readouterr().out)
    expected = pd.read_excel(FIXTURE, sheet_name="DataAggregated").set_index("UnitCode")
    assert len(out["units"]) == len(expected)
    aut = next(u for u in out["units"] if u["code"] == "AUT")
    assert aut["name"] == "Austria"
    assert set(aut["scores"]) == set(aut["ranks"]) == {
        "ConEcFin", "Instit", "P2P", "Physical", "Political", "Environ", "Social", "SusEcFin",
        "Conn", "Sust", "Index",
    }  # fmt: skip
    assert aut["scores"]["Index"] == pytest.approx(expected.loc["AUT", "Index"], abs=1e-12)
    assert aut["scores"]["Index"] == pytest.approx(61.4678, abs=1e-4)
    best = expected["Index"].idxmax()
    assert next(u for u in out["units"] if u["code"] == best)["ranks"]["Index"] == 1
    assert out["treatment"]["Services"].startswith("winsorised in 4 step")
    assert out["treatment"]["Goods"] == "none"


def test_cli_writes_one_sheet_per_stage(tmp_path, capsys):
    target = tmp_path / "results.xlsx"
    assert main([str(FIXTURE), "--group", "Group_GDP", "--winmax", "5", "-o", str(target)]) == 0
    names = openpyxl.load_workbook(target, read_only=True).sheetnames
    assert names == [f"Data{s}" for s in STAGES] + ["Ranks", "Treatment"]
    written = pd.read_excel(target, sheet_name="DataAggregated").set_index("UnitCode")
    assert written.loc["AUT", "Index"] == pytest.approx(61.4678, abs=1e-4)


def test_cli_prints_a_ranking_table(tmp_path, capsys):
    path = write_sheets(tmp_path / "ok.xlsx", workbook_sheets())
    assert main([str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Rank" in lines[0] and "Index" in lines[0]
    assert len(lines) == 2 + 4


def test_cli_reports_every_problem_and_exits_with_2(tmp_path, capsys):
    sheets = workbook_sheets()
    _set("InputIndData", 3, "RnD", "n/a")(sheets)
    _empty_aggregate(sheets)
    status = main([str(write_sheets(tmp_path / "bad.xlsx", sheets)), "--json"])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    assert "sheet InputIndData, row 3, column RnD" in captured.err
    assert "sheet InputAggMeta, row 5, column Code" in captured.err


def test_django_command_delegates_to_the_engine(tmp_path):
    from django.core.management import CommandError, call_command

    path = write_sheets(tmp_path / "ok.xlsx", workbook_sheets())
    out = io.StringIO()
    call_command("index", str(path), "--json", stdout=out)
    assert {u["code"] for u in json.loads(out.getvalue())["units"]} == {"HN", "NA", "HT", "DN"}
    sheets = workbook_sheets()
    _missing_sheet(sheets)
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("index", str(write_sheets(tmp_path / "bad.xlsx", sheets)), stderr=err)
    assert exc.value.returncode == 2 and "sheet InputAggMeta" in err.getvalue()


# --- what-if planning --------------------------------------------------------------------


def _lowest(result, k=0):
    """The unit with the (k+1)-th worst index rank."""
    return result.index.sort_values().index[k]


def test_plan_reaches_the_goal_rank_when_the_index_is_recomputed():
    data = random_data(30, seed=5)
    base = compute(data)
    unit = _lowest(base, 3)
    p = plan(data, unit, 5)
    assert p.reached and p.changes and p.old_rank > 5
    changed = data.with_values({unit: p.new_values})
    assert (changed.values.drop(unit) == data.values.drop(unit)).all().all()  # others as they were
    check = compute(changed)
    assert check.rank_of(unit) <= 5 and check.rank_of(unit) == p.new_rank
    assert check.index[unit] == pytest.approx(p.new_score)
    for change in p.changes:  # every change is an improvement, within the observed range
        assert data.values.at[unit, change.indicator] == change.old_raw
        direction = data.indicators.at[change.indicator, "Direction"]
        assert (change.new_raw - change.old_raw) * direction > 0
        assert data.values[change.indicator].min() <= change.new_raw
        assert change.new_raw <= data.values[change.indicator].max()
    assert p.total_points == pytest.approx(
        sum(check.stages["Normalised"].loc[unit] - base.stages["Normalised"].loc[unit])
    )


def test_plan_spends_no_more_normalised_points_than_the_linear_optimum():
    data = random_data(30, seed=5)
    base = compute(data)
    unit = _lowest(base, 3)
    p = plan(data, unit, 5)
    # effective weights from the metadata: i1 2/4 of A, A 1.5/2.5 of the index, ...
    share_a, share_b = 1.5 / 2.5, 1 / 2.5
    w = {"i1": 0.5 * share_a, "i2": 0.25 * share_a, "i3": 0.25 * share_a}
    w |= {c: share_b / 3 for c in ("i4", "i5", "i6")}
    codes = list(w)
    n0 = base.stages["Normalised"].loc[unit, codes].to_numpy()
    goal = base.index.drop(unit).sort_values(ascending=False).iloc[4]
    need = goal - base.index[unit]
    lp = optimize.linprog(
        np.ones(len(codes)),
        A_ub=-np.array([list(w.values())]),
        b_ub=[-need],
        bounds=list(zip(np.zeros(len(codes)), 100 - n0, strict=True)),
    )
    assert lp.success
    assert p.total_points == pytest.approx(lp.fun, abs=1e-3)


def test_plan_respects_allowed_indicators_and_caps():
    data = random_data(30, seed=5)
    unit = _lowest(compute(data), 10)
    p = plan(data, unit, 15, allowed=["i4", "i5", "i6"], max_fraction=0.6)
    assert p.reached
    assert {c.indicator for c in p.changes} <= {"i4", "i5", "i6"}
    for c in p.changes:
        assert abs(c.new_raw - c.old_raw) <= 0.6 * abs(c.old_raw) + 1e-9
    assert compute(data.with_values({unit: p.new_values})).rank_of(unit) <= 15


def test_plan_for_the_last_unit_survives_moving_normalisation_bounds():
    # the unit is the minimum of every indicator: raising it moves every lower bound
    data = random_data(25, seed=11)
    unit = data.values.index[0]
    data = data.with_values({unit: {"i1": 1, "i2": 1, "i3": 1, "i4": 1, "i5": 99, "i6": 1}})
    p = plan(data, unit, 3)
    assert p.reached
    assert compute(data.with_values({unit: p.new_values})).rank_of(unit) <= 3


def test_unreachable_goal_is_reported_without_a_plan():
    data = random_data(30, seed=5)
    base = compute(data)
    unit = _lowest(base)
    p = plan(data, unit, 1, allowed=["i2"], max_change={"i2": 5.0})
    assert not p.reached and p.changes == [] and p.new_rank is None
    assert "cannot be reached" in p.message and p.best_rank > 1
    capped = data.values.at[unit, "i2"] + 5.0  # the best the unit can do, recomputed here
    assert compute(data.with_values({unit: {"i2": capped}})).rank_of(unit) == p.best_rank


def test_apply_changes_recomputes_scores_and_ranks():
    data = random_data(20, seed=2)
    base = compute(data)
    unit = _lowest(base)
    best = {c: data.values[c].max() for c in ("i1", "i2", "i3", "i4", "i6")}
    best["i5"] = data.values["i5"].min()  # lower is better
    after = apply_changes(data, {unit: best})
    assert after.rank_of(unit) == 1 and after.index[unit] == pytest.approx(100)
    assert base.rank_of(unit) == len(data.values)


def test_plan_under_geometric_aggregation_is_verified_too():
    data = random_data(30, seed=5)
    s = Settings(aggregate="geometric", norm_range=(1.0, 100.0))
    unit = _lowest(compute(data, s), 2)
    p = plan(data, unit, 6, s)
    assert p.reached and p.changes
    assert compute(data.with_values({unit: p.new_values}), s).rank_of(unit) <= 6


def test_planner_refuses_what_it_cannot_plan():
    data = random_data(10, seed=5)
    with pytest.raises(ValueError, match="min-max"):
        plan(data, "U01", 1, Settings(normalise="zscore"))
    with pytest.raises(KeyError):
        apply_changes(data, {"U01": {"no_such_indicator": 1.0}})


def test_input_workbook_round_trip(tmp_path):
    from stihub.engines.composite_bench import synthetic_pii
    from stihub.engines.composite_io import read_workbook, write_input_workbook

    data = synthetic_pii(12, seed=4)
    write_input_workbook(data, tmp_path / "in.xlsx")
    back = read_workbook(tmp_path / "in.xlsx")
    a, b = compute(data), compute(back)
    np.testing.assert_allclose(a.scores.to_numpy(), b.scores.to_numpy(), atol=1e-9)
    assert (a.ranks.to_numpy() == b.ranks.to_numpy()).all()


# --- size limits and unit codes (issue 7) ------------------------------------------------
from stihub.engines.limits import Limits  # noqa: E402

from .xlsx_builders import cut_short, whole_sheet_declared, zip_bomb  # noqa: E402


def test_an_index_workbook_declaring_the_whole_sheet_is_refused_before_parsing():
    with pytest.raises(DataError) as caught:
        read_workbook(io.BytesIO(whole_sheet_declared("InputIndData")))
    (problem,) = caught.value.problems
    assert problem.sheet == "InputIndData" and "A1:XFD1048576" in problem.message
    # the index limits: a few hundred units, indicators and aggregates
    assert (problem.params["max_rows"], problem.params["max_columns"]) == (2_000, 500)


def test_an_index_zip_bomb_is_refused_by_its_unpacked_size(tmp_path):
    with pytest.raises(DataError) as caught:
        read_workbook(zip_bomb(tmp_path / "bomb.xlsx", sheet="InputIndData"))
    assert [p.params for p in caught.value.problems] == [{"size": 191, "limit": 100}]


def test_a_required_sheet_cut_short_is_located(tmp_path):
    content = write_sheets(tmp_path / "ok.xlsx", workbook_sheets()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:  # openpyxl writes sheets in order
        assert b"InputIndData" in archive.read("xl/workbook.xml")
    broken = cut_short(content, "xl/worksheets/sheet1.xml", before=b'<row r="4"')
    with pytest.raises(DataError) as caught:
        read_workbook(io.BytesIO(broken))
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row) == ("InputIndData", 4)
    assert "damaged" in problem.message


def test_index_rows_and_columns_declared_beyond_the_limits_are_refused(tmp_path):
    path = write_sheets(tmp_path / "ok.xlsx", workbook_sheets())
    with pytest.raises(DataError) as caught:
        read_workbook(path, Limits(max_rows=4, max_columns=500))
    # openpyxl declares each sheet's true size: InputIndData and InputDenominators have a
    # header and 4 units (5 rows), InputIndMeta 4 rows, InputAggMeta 4 rows
    found = {p.sheet: p.params["dimension"] for p in caught.value.problems}
    assert found == {"InputIndData": "A1:F5", "InputDenominators": "A1:B5"}
    with pytest.raises(DataError) as caught:
        read_workbook(path, Limits(max_rows=100, max_columns=5))
    # 6 columns in InputIndData (UnitCode ... Exports), 7 in InputIndMeta (IndName ... Agg2)
    found = {p.sheet: p.params["dimension"] for p in caught.value.problems}
    assert found == {"InputIndData": "A1:F5", "InputIndMeta": "A1:G4"}


@pytest.mark.parametrize("code", ["NA/1", "Nghệ An", "N A", "?x", ".NA"])
def test_a_unit_code_that_would_break_its_page_address_is_refused(tmp_path, code):
    sheets = workbook_sheets()
    sheets["InputIndData"][2][0] = code
    sheets["InputDenominators"][2][0] = code
    with pytest.raises(DataError) as caught:
        read_workbook(write_sheets(tmp_path / "bad.xlsx", sheets))
    located = {(p.sheet, p.row, p.column): p.message for p in caught.value.problems}
    assert repr(code) in located[("InputIndData", 3, "UnitCode")]


def test_the_command_line_reports_a_sheet_cut_short_and_exits_with_2(tmp_path, capsys):
    content = write_sheets(tmp_path / "ok.xlsx", workbook_sheets()).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(cut_short(content, "xl/worksheets/sheet1.xml", before=b'<row r="4"'))
    assert main([str(path)]) == 2
    assert "sheet InputIndData, row 4: the workbook is damaged" in capsys.readouterr().err
