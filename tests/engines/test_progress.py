"""The progress engine reproduces hand-checked cases for every kind, method and status.

Every expected number is worked out by hand in a comment next to it. No database is used.
"""

import io
import json

import pytest

from stihub.engines import progress_cli
from stihub.engines.observations import ObservationRow
from stihub.engines.progress import compute_progress, evaluate
from stihub.engines.resolution import TargetSpec, parse_resolution


def target(**fields) -> TargetSpec:
    values = {
        "code": "A1",
        "title": "Test target",
        "indicator": "X",
        "unit": "%",
        "direction": "increase",
        "kind": "level",
        "target_year": 2030,
        "target_value": 40.0,
    }
    values.update(fields)
    return TargetSpec(**values)


def run(spec, points, as_of=None):
    return compute_progress(spec, list(points), as_of)


# --- unsd2023, increasing ------------------------------------------------------------------


def test_unsd_on_track_geometric_projection():
    # v_T = 20·(20/10)^((2030−2025)/(2025−2020)) = 20·2 = 40; ratio = (40−10)/(40−10) = 1.0
    p = run(target(), [(2020, 10), (2025, 20)])
    assert p.status == "on_track"
    assert p.projection == "geometric"
    assert p.projected == pytest.approx(40.0)
    assert p.ratio == pytest.approx(1.0)
    assert (p.baseline_year, p.baseline_value, p.baseline_source) == (2020, 10.0, "earliest")
    assert (p.latest_year, p.latest_value) == (2025, 20.0)
    assert p.thresholds == (0.95, 0.10, 0.0)
    assert p.observations == ((2020, 10.0), (2025, 20.0))


def test_unsd_acceleration_needed():
    # v_T = 12·1.2 = 14.4; ratio = (14.4−10)/30 = 0.14667 (0.10 ≤ r < 0.95)
    p = run(target(), [(2020, 10), (2025, 12)])
    assert p.ratio == pytest.approx(4.4 / 30)
    assert p.status == "acceleration_needed"


def test_unsd_stagnating():
    # v_T = 10.5·1.05 = 11.025; ratio = 1.025/30 = 0.03417 (0 ≤ r < 0.10)
    p = run(target(), [(2020, 10), (2025, 10.5)])
    assert p.projected == pytest.approx(11.025)
    assert p.ratio == pytest.approx(1.025 / 30)
    assert p.status == "stagnating"


def test_unsd_regressing():
    # v_T = 8·0.8 = 6.4; ratio = (6.4−10)/30 = −0.12
    p = run(target(), [(2020, 10), (2025, 8)])
    assert p.ratio == pytest.approx(-0.12)
    assert p.status == "regressing"


def test_achieved_when_latest_meets_target():
    # 45 ≥ 40 in 2025: achieved, nothing projected.
    p = run(target(), [(2020, 10), (2025, 45)])
    assert p.status == "achieved"
    assert p.projected is None and p.ratio is None
    assert p.explanation[-1].params == {
        "latest": 45.0,
        "year": 2025,
        "target": 40.0,
        "target_year": 2030,
    }


def test_explanation_is_template_plus_raw_params():
    p = run(target(), [(2020, 10), (2025, 12)])
    sentence = p.explanation[1]
    assert sentence.template.startswith("Latest value %(latest)s in %(year)s; at the observed pace")
    # raw numbers, not formatted text: the web layer localises them (1.234,5)
    assert sentence.params["projected"] == pytest.approx(14.4)
    assert sentence.params["pct"] == pytest.approx(440 / 30)
    assert "14.4" in sentence.message and "14.67%" in sentence.message


# --- decreasing targets ----------------------------------------------------------------------


def test_unsd_decreasing_acceleration_needed():
    # v_T = 80·(80/100)^(5/5) = 64; ratio = (64−100)/(50−100) = 0.72
    p = run(target(direction="decrease", target_value=50), [(2020, 100), (2025, 80)])
    assert p.projected == pytest.approx(64.0)
    assert p.ratio == pytest.approx(0.72)
    assert p.status == "acceleration_needed"


def test_decreasing_achieved_and_regressing():
    spec = target(direction="decrease", target_value=50)
    assert run(spec, [(2020, 100), (2025, 50)]).status == "achieved"  # 50 ≤ 50
    # v_T = 110·1.1 = 121; ratio = (121−100)/(50−100) = −0.42
    p = run(spec, [(2020, 100), (2025, 110)])
    assert p.ratio == pytest.approx(-0.42)
    assert p.status == "regressing"


# --- values ≤ 0: straight line ---------------------------------------------------------------


def test_negative_baseline_uses_straight_line():
    # line through (2020, −2) and (2024, 2): +1 a year; v_2030 = 2 + 6 = 8;
    # ratio = (8 − (−2)) / (10 − (−2)) = 10/12 = 0.8333
    p = run(target(target_value=10), [(2020, -2), (2024, 2)])
    assert p.projection == "linear"
    assert p.projected == pytest.approx(8.0)
    assert p.ratio == pytest.approx(10 / 12)
    assert p.status == "acceleration_needed"
    assert any("straight line" in e.template for e in p.explanation)


def test_zero_baseline_uses_straight_line():
    # (2020, 0) → (2025, 5): +1 a year; v_2030 = 10; ratio = 10/20 = 0.5
    p = run(target(target_value=20), [(2020, 0), (2025, 5)])
    assert p.projection == "linear"
    assert p.projected == pytest.approx(10.0)
    assert p.ratio == pytest.approx(0.5)


# --- insufficient data -----------------------------------------------------------------------


def test_single_observation_is_insufficient_data():
    p = run(target(), [(2024, 12)])
    assert p.status == "insufficient_data"
    assert (p.baseline_year, p.baseline_value) == (2024, 12.0)
    assert p.latest_year is None


def test_no_observation_is_insufficient_data():
    p = run(target(), [])
    assert p.status == "insufficient_data"
    assert p.explanation[0].params == {"indicator": "X"}


def test_baseline_year_without_observation_is_insufficient_data():
    p = run(target(baseline_year=2020), [(2021, 5), (2024, 8)])
    assert p.status == "insufficient_data"
    assert "baseline year" in p.explanation[0].template


def test_only_observations_before_stated_baseline_is_insufficient():
    # the resolution fixes the baseline at 2023; 2021 and 2022 are before it
    p = run(target(baseline_year=2023, baseline_value=5), [(2021, 1), (2022, 2)])
    assert p.status == "insufficient_data"


# --- as-of and disaggregations ---------------------------------------------------------------


def test_observations_after_as_of_are_ignored():
    # With 2027 = 100 the target would be achieved; as of 2025 the case is the on-track one.
    points = [(2020, 10), (2025, 20), (2027, 100)]
    assert run(target(), points).status == "achieved"
    p = run(target(), points, as_of=2025)
    assert p.status == "on_track"
    assert p.latest_year == 2025
    assert p.ratio == pytest.approx(1.0)
    assert p.as_of == 2025


def test_disaggregated_rows_are_ignored():
    rows = [
        ObservationRow(2, "X", 2020, 10.0),
        ObservationRow(3, "X", 2025, 12.0),
        ObservationRow(4, "X", 2025, 90.0, area="Vinh"),  # would be achieved
        ObservationRow(5, "X", 2026, 95.0, area="Vinh"),
    ]
    p = compute_progress(target(), rows)
    assert p.status == "acceleration_needed"  # the 12-in-2025 case: ratio 0.14667
    assert p.latest_year == 2025 and p.latest_value == 12.0


def test_resolution_baseline_wins_over_observation():
    # baseline 10 stated for 2020; the file's 2020 value 999 is not used.
    p = run(target(baseline_year=2020, baseline_value=10), [(2020, 999), (2025, 20)])
    assert p.baseline_source == "resolution"
    assert p.ratio == pytest.approx(1.0)


def test_target_year_passed_projects_nothing():
    # latest 2031 ≥ T = 2030: projected = v_t = 25; ratio = (25−10)/(40−10) = 0.5
    p = run(target(), [(2020, 10), (2031, 25)])
    assert p.projection == "none"
    assert p.projected == 25.0
    assert p.ratio == pytest.approx(0.5)


def test_target_equal_to_baseline_not_met_is_regressing():
    p = run(target(target_value=10), [(2020, 10), (2025, 9)])
    assert p.status == "regressing"
    assert p.ratio is None


# --- cagr_ratio ------------------------------------------------------------------------------


def test_cagr_ratio_stagnating_where_unsd_says_acceleration():
    # CAGR observed = 110/100 − 1 = 0.10 (one year); required = (144/100)^(1/2) − 1 = 0.20;
    # ratio = 0.10/0.20 = 0.5 → stagnating under 0.95/0.60/0 …
    spec = target(target_year=2022, target_value=144, method="cagr_ratio")
    p = run(spec, [(2020, 100), (2021, 110)])
    assert p.cagr_observed == pytest.approx(0.10)
    assert p.cagr_required == pytest.approx(0.20)
    assert p.ratio == pytest.approx(0.5)
    assert p.rate_basis == "cagr"
    assert p.thresholds == (0.95, 0.60, 0.0)
    assert p.status == "stagnating"
    # projected = 100·1.1² = 121
    assert p.projected == pytest.approx(121.0)
    # … while unsd2023 gives (121−100)/(144−100) = 0.477 → acceleration_needed.
    q = run(target(target_year=2022, target_value=144), [(2020, 100), (2021, 110)])
    assert q.ratio == pytest.approx(21 / 44)
    assert q.status == "acceleration_needed"


@pytest.mark.parametrize(
    ("latest", "ratio", "status"),
    [
        (120, 1.0, "on_track"),  # 0.20/0.20
        (115, 0.75, "acceleration_needed"),  # 0.15/0.20
        (90, -0.5, "regressing"),  # −0.10/0.20
    ],
)
def test_cagr_ratio_statuses(latest, ratio, status):
    spec = target(target_year=2022, target_value=144, method="cagr_ratio")
    p = run(spec, [(2020, 100), (2021, latest)])
    assert p.ratio == pytest.approx(ratio)
    assert p.status == status


def test_cagr_ratio_decreasing():
    # observed 90/100 − 1 = −0.10; required (64/100)^(1/2) − 1 = −0.20;
    # ratio = d·obs/|req| = (−1)(−0.10)/0.20 = 0.5 → stagnating
    spec = target(direction="decrease", target_year=2022, target_value=64, method="cagr_ratio")
    p = run(spec, [(2020, 100), (2021, 90)])
    assert p.ratio == pytest.approx(0.5)
    assert p.status == "stagnating"


def test_cagr_ratio_falls_back_to_linear_rates_when_a_value_is_zero():
    # CAGR undefined from 0: observed (5−0)/1 = 5 a year, required (20−0)/2 = 10 a year;
    # ratio 0.5; projected 0 + 5·2 = 10
    spec = target(target_year=2022, target_value=20, method="cagr_ratio")
    p = run(spec, [(2020, 0), (2021, 5)])
    assert p.rate_basis == "linear"
    assert (p.cagr_observed, p.cagr_required) == (5.0, 10.0)
    assert p.ratio == pytest.approx(0.5)
    assert p.projected == pytest.approx(10.0)
    assert "undefined" in p.explanation[-2].template


# --- multiple_of_baseline --------------------------------------------------------------------


def test_multiple_of_baseline_from_observed_baseline_year():
    # v* = 3·20 = 60; v_T = 35·(35/20)^(6/4) = 35·1.75^1.5 = 35·2.315033 = 81.0262;
    # ratio = (81.0262 − 20)/(60 − 20) = 1.52565 → on_track
    spec = target(kind="multiple_of_baseline", target_value=None, factor=3, baseline_year=2020)
    p = run(spec, [(2018, 5), (2020, 20), (2024, 35)])
    assert p.target_value == pytest.approx(60.0)
    assert p.baseline_source == "observation"
    assert p.projected == pytest.approx(81.0262, abs=1e-4)
    assert p.ratio == pytest.approx(1.52565, abs=1e-5)
    assert p.status == "on_track"


def test_multiple_of_baseline_achieved_and_missing_baseline():
    spec = target(kind="multiple_of_baseline", target_value=None, factor=3, baseline_year=2020)
    assert run(spec, [(2020, 20), (2024, 61)]).status == "achieved"  # 61 ≥ 60
    assert run(spec, [(2021, 20), (2024, 61)]).status == "insufficient_data"


# --- cumulative ------------------------------------------------------------------------------


def cumulative(**fields):
    return target(kind="cumulative", unit="", count_from=2024, target_value=3000, **fields)


def test_cumulative_on_track_ignores_years_before_count_from():
    # 2022 is before count_from. S = 400 + 450 = 850 over 2 years (2024–2025);
    # projected = 850 + (850/2)·5 = 2975; ratio = 2975/3000 = 0.99167 → on_track
    p = run(cumulative(), [(2022, 999), (2024, 400), (2025, 450)])
    assert p.cumulative_sum == 850.0
    assert p.years_counted == 2
    assert p.projected == pytest.approx(2975.0)
    assert p.ratio == pytest.approx(2975 / 3000)
    assert p.status == "on_track"
    assert p.observations == ((2024, 400.0), (2025, 450.0))


def test_cumulative_missing_year_counts_as_zero():
    # 2024 and 2026 reported, 2025 missing: years counted = 2026 − 2024 + 1 = 3;
    # S = 300; projected = 300 + 100·4 = 700; ratio = 700/3000 = 0.2333
    p = run(cumulative(), [(2024, 100), (2026, 200)])
    assert p.years_counted == 3
    assert p.projected == pytest.approx(700.0)
    assert p.status == "acceleration_needed"


def test_cumulative_range_achieved_at_lower_end():
    # 6–12 enterprises: 3 + 3 = 6 ≥ 6
    spec = target(kind="cumulative", count_from=2024, target_value=6, upper=12)
    p = run(spec, [(2024, 3), (2025, 3)])
    assert p.status == "achieved"
    assert p.target_upper == 12
    assert p.cumulative_sum == 6


def test_cumulative_stagnating_and_insufficient():
    # S = 0 over 2 years: projected 0; ratio 0 → stagnating
    assert run(cumulative(), [(2024, 0), (2025, 0)]).status == "stagnating"
    # only years before count_from
    assert run(cumulative(), [(2022, 500)]).status == "insufficient_data"


# --- rank ------------------------------------------------------------------------------------


def rank(**fields):
    values = {"kind": "rank", "direction": "decrease", "unit": "", "target_value": 20}
    values.update(fields)
    return target(**values)


def test_rank_pii_regressing():
    # Nghệ An: 33rd in 2023 (resolution baseline), 37th in 2024. Line through the two points:
    # +4 a year; at 2030: 33 + 4·7 = 61; ratio = (33 − 61)/(33 − 20) = −28/13 = −2.1538
    p = run(rank(baseline_year=2023, baseline_value=33), [(2020, 60), (2024, 37)])
    assert p.slope == pytest.approx(4.0)
    assert p.projected == pytest.approx(61.0)
    assert p.ratio == pytest.approx(-28 / 13)
    assert p.status == "regressing"
    assert p.observations == ((2023, 33.0), (2024, 37.0))  # 2020 is before the baseline


def test_rank_least_squares_through_all_points():
    # (2023, 33), (2024, 30), (2025, 28): x̄ = 2024, ȳ = 91/3 = 30.333;
    # Sxy = (−1)(2.667) + 0 + (1)(−2.333) = −5, Sxx = 2 → slope −2.5;
    # at 2030: 30.333 − 2.5·6 = 15.333; ratio = (33 − 15.333)/13 = 1.3590 → on_track
    p = run(rank(), [(2023, 33), (2024, 30), (2025, 28)])
    assert p.slope == pytest.approx(-2.5)
    assert p.projected == pytest.approx(91 / 3 - 15)
    assert p.ratio == pytest.approx((33 - (91 / 3 - 15)) / 13)
    assert p.status == "on_track"


def test_rank_acceleration_needed():
    # (2023, 33), (2024, 33), (2025, 32): ȳ = 32.667, Sxy = −1, slope −0.5;
    # at 2030: 32.667 − 3 = 29.667; ratio = (33 − 29.667)/13 = 0.2564
    p = run(rank(), [(2023, 33), (2024, 33), (2025, 32)])
    assert p.ratio == pytest.approx((33 - (98 / 3 - 3)) / 13)
    assert p.status == "acceleration_needed"


def test_rank_projection_clipped_at_one():
    # (2023, 10), (2024, 5): −5 a year; at 2030 the line gives 10 − 35 = −25 → held at 1;
    # ratio = (10 − 1)/(10 − 3) = 9/7
    p = run(rank(target_value=3), [(2023, 10), (2024, 5)])
    assert p.clipped is True
    assert p.projected == 1.0
    assert p.ratio == pytest.approx(9 / 7)
    assert p.status == "on_track"


def test_rank_achieved():
    assert run(rank(), [(2023, 33), (2025, 18)]).status == "achieved"  # 18 ≤ 20


# --- evaluate and the command line -----------------------------------------------------------

RESOLUTION = {
    "code": "TEST-2030",
    "title": "Test resolution",
    "period": {"start": 2025, "end": 2030},
    "targets": [
        {
            "code": "A1",
            "title": "Level",
            "indicator": "GERD_GDP",
            "unit": "%",
            "direction": "increase",
            "kind": "level",
            "target": {"year": 2030, "value": 40},
        },
        {
            "code": "A2",
            "title": "Count",
            "indicator": "PATENTS",
            "unit": "",
            "direction": "increase",
            "kind": "cumulative",
            "count_from": 2024,
            "target": {"year": 2030, "value": 3000},
        },
    ],
}


def test_evaluate_shape():
    rows = [
        ObservationRow(2, "GERD_GDP", 2020, 10.0),
        ObservationRow(3, "GERD_GDP", 2025, 20.0),
        ObservationRow(4, "GERD_GDP", 2026, 99.0),  # after as_of
        ObservationRow(5, "PATENTS", 2024, 400.0),
        ObservationRow(6, "PATENTS", 2025, 450.0),
        ObservationRow(7, "PATENTS", 2025, 1.0, area="Vinh"),
    ]
    result = evaluate(parse_resolution(RESOLUTION), rows, as_of=2025)
    assert result["resolution"] == "TEST-2030"
    assert result["as_of"] == 2025
    a1, a2 = result["targets"]
    assert a1["code"] == "A1" and a1["status"] == "on_track"
    assert a1["latest"] == {"year": 2025, "value": 20.0}
    assert a1["target_value"] == 40.0
    assert a1["projected"] == pytest.approx(40.0) and a1["ratio"] == pytest.approx(1.0)
    assert a1["baseline"] == {"year": 2020, "value": 10.0, "source": "earliest"}
    assert a2["cumulative_sum"] == 850.0 and a2["projected"] == pytest.approx(2975.0)
    json.dumps(result)  # serialisable as it is


def write_inputs(tmp_path):
    import yaml

    res = tmp_path / "res.yaml"
    res.write_text(yaml.safe_dump(RESOLUTION, allow_unicode=True), encoding="utf-8")
    obs = tmp_path / "obs.csv"
    obs.write_text(
        "indicator,year,value,area\n"
        "GERD_GDP,2020,10,\n"
        "GERD_GDP,2025,20,\n"
        "GERD_GDP,2027,99,\n"
        "PATENTS,2024,400,\n"
        "PATENTS,2025,450,\n",
        encoding="utf-8",
    )
    return res, obs


def test_main_json_output(tmp_path, capsys):
    res, obs = write_inputs(tmp_path)
    assert progress_cli.main([str(res), str(obs), "--as-of", "2025", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"resolution", "as_of", "targets"}
    assert out["as_of"] == 2025
    first = out["targets"][0]
    assert set(first) >= {"code", "status", "latest", "target_value", "projected", "ratio"}
    assert first["status"] == "on_track"
    assert first["latest"] == {"year": 2025, "value": 20.0}  # 2027 is after --as-of
    assert first["explanation"][0]["template"].startswith("Baseline")


def test_main_table_output(tmp_path):
    res, obs = write_inputs(tmp_path)
    out = io.StringIO()
    assert progress_cli.main([str(res), str(obs)], stdout=out) == 0
    text = out.getvalue()
    assert "TEST-2030" in text and "achieved" in text  # 2027 = 99 ≥ 40 without --as-of


def test_main_reports_every_problem_and_exits_2(tmp_path):
    res = tmp_path / "bad.yaml"
    res.write_text("code: X\ntitle: T\nperiod: {start: 2025, end: 2030}\ntargets: []\nfoo: 1\n")
    obs = tmp_path / "bad.csv"
    obs.write_text("indicator,year,value\nA,20x5,1\nB,2020,abc\n", encoding="utf-8")
    err = io.StringIO()
    assert progress_cli.main([str(res), str(obs)], stdout=io.StringIO(), stderr=err) == 2
    lines = err.getvalue().splitlines()
    assert any("foo" in line for line in lines)
    assert any("row 2" in line and "year" in line for line in lines)
    assert any("row 3" in line and "value" in line for line in lines)


def test_stihub_progress_command_delegates_to_the_engine(tmp_path):
    # `stihub progress` is a thin Django command over progress_cli.main; it touches no database.
    from django.core.management import call_command

    res, obs = write_inputs(tmp_path)
    out = io.StringIO()
    call_command("progress", str(res), str(obs), "--as-of", "2025", "--json", stdout=out)
    assert json.loads(out.getvalue())["targets"][0]["status"] == "on_track"
    obs.write_text("indicator,year\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("progress", str(res), str(obs), stdout=io.StringIO(), stderr=io.StringIO())
    assert exited.value.code == 2


def test_ordinal_level_on_a_scale():
    # scale yếu(1) < trung bình(2) < khá(3) < tốt(4); target "khá" = 3.
    # 1 in 2020 → 2 in 2025: v_T = 2·2 = 4 ("tốt", inside the scale); ratio = (4−1)/(3−1) = 1.5
    spec = target(unit="mức", target_value=3, scale=("yếu", "trung bình", "khá", "tốt"))
    p = run(spec, [(2020, 1), (2025, 2)])
    assert p.projected == 4.0 and p.clipped is False
    assert p.ratio == pytest.approx(1.5)
    assert p.status == "on_track"
    labels = p.explanation[1].params
    assert (labels["latest_label"], labels["target_label"]) == ("trung bình", "khá")
    # 1 in 2020 → 2 in 2022: 2·2^(8/2) = 32, held at 4 (the top of the scale)
    q = run(spec, [(2020, 1), (2022, 2)])
    assert q.projected == 4.0 and q.clipped is True
