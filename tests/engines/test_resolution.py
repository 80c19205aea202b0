"""Resolution files: the Nghệ An file loads, an unrelated one too, and mistakes are all reported."""

import copy
from pathlib import Path

import pytest
import yaml

from stihub.engines.problems import DataError
from stihub.engines.resolution import load_resolution_file, parse_resolution

NGHE_AN = Path(__file__).resolve().parents[2] / "stihub" / "resolutions" / "nghe-an-2030.yaml"


def test_nghe_an_file_has_ten_targets_with_unique_codes():
    spec = load_resolution_file(NGHE_AN)
    assert len(spec.targets) == 10
    assert len({t.code for t in spec.targets}) == 10
    assert len({t.indicator for t in spec.targets}) == 10
    assert all(t.target_year == 2030 for t in spec.targets)
    assert spec.period_end == 2030
    assert "PII_SCORE" not in spec.indicators


def test_nghe_an_judgements_are_encoded():
    spec = load_resolution_file(NGHE_AN)
    by_indicator = {t.indicator: t for t in spec.targets}
    pii = by_indicator["PII_RANK"]
    assert (pii.kind, pii.direction) == ("rank", "decrease")
    assert (pii.baseline_year, pii.baseline_value, pii.target_value) == (2023, 33.0, 20.0)
    enterprises = by_indicator["ST_ENTERPRISES"]
    assert enterprises.kind == "multiple_of_baseline"
    assert (enterprises.baseline_year, enterprises.baseline_value) == (2020, None)  # not invented
    assert enterprises.factor == 3
    supported = by_indicator["ST_ENTERPRISES_SUPPORTED"]
    assert (supported.kind, supported.target_value, supported.upper) == ("cumulative", 6, 12)
    assert by_indicator["IP_REGISTRATIONS"].count_from is not None
    level = by_indicator["TECH_INNOVATION_LEVEL"]
    assert level.scale[int(level.target_value) - 1] == "khá"
    # every reference resolves to a declared agency
    codes = {a.code for a in spec.agencies}
    assert all(t.agency in codes for t in spec.targets)
    assert all(g.lead_agency in codes for g in spec.solution_groups)
    assert {"III.1", "III.2", "III.3", "III.4", "III.5"} <= {g.code for g in spec.solution_groups}


SECOND = """
code: NQ57-TW-2030
title: "Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo"
issuer: "Bộ Chính trị"
issued: 2024-12-22
period: {start: 2025, end: 2030}
targets:
  - code: A1
    title: "Chi cho nghiên cứu và phát triển đạt 2% GDP"
    indicator: GERD_GDP
    unit: "%"
    direction: increase
    kind: level
    baseline: {year: 2020, value: 0.7}
    target: {year: 2030, value: 2.0}
    method: cagr_ratio
  - code: A2
    title: "Tỷ lệ dân số chưa dùng dịch vụ số"
    indicator: NON_DIGITAL_SHARE
    unit: "%"
    direction: decrease
    kind: level
    target: {year: 2030, value: 20}
"""


def test_an_unrelated_resolution_parses(tmp_path):
    path = tmp_path / "nq57.yaml"
    path.write_text(SECOND, encoding="utf-8")
    spec = load_resolution_file(path)
    assert spec.code == "NQ57-TW-2030"
    assert spec.issued.isoformat() == "2024-12-22"
    assert spec.agencies == () and spec.solution_groups == ()
    a1, a2 = spec.targets
    assert (a1.method, a1.baseline_value, a1.target_value) == ("cagr_ratio", 0.7, 2.0)
    assert (a2.direction, a2.method, a2.agency) == ("decrease", "unsd2023", None)


GOOD = {
    "code": "R",
    "title": "R",
    "period": {"start": 2025, "end": 2030},
    "agencies": [{"code": "SKHCN", "name": "Sở KH&CN", "kind": "department"}],
    "targets": [
        {
            "code": "A1",
            "title": "t",
            "indicator": "GERD_GDP",
            "unit": "%",
            "direction": "increase",
            "kind": "level",
            "target": {"year": 2030, "value": 2.0},
            "agency": "SKHCN",
        }
    ],
    "solution_groups": [{"code": "III.1", "title": "g", "lead_agency": "SKHCN"}],
}


def problems_of(data) -> dict[str, str]:
    with pytest.raises(DataError) as caught:
        parse_resolution(data)
    return {p.column: p.message for p in caught.value.problems}


def test_good_minimal_data_parses():
    spec = parse_resolution(GOOD)
    assert spec.target("A1").agency == "SKHCN"
    assert spec.solution_groups[0].partner_agencies == ()


def test_every_mistake_is_reported_with_its_path():
    data = copy.deepcopy(GOOD)
    data["sumary"] = "typo at the top"
    base = data["targets"][0]
    data["targets"] = [
        {**base, "tagret": 1},  # [0] unknown key
        {**base, "code": "A2", "kind": "levels"},  # [1] unknown kind
        {**base, "code": "A3", "target": {"year": 2030, "value": 2, "factor": 3}},  # [2]
        {**base, "code": "A4", "kind": "cumulative"},  # [3] no count_from
        {**base, "code": "A1"},  # [4] duplicate code
        {**base, "code": "A6", "target": {"year": 2035, "value": 2}},  # [5] outside period
        {**base, "code": "A7", "agency": "SOTTTT"},  # [6] unknown agency
        {**base, "code": "A8", "target": {"year": 2030, "value": "2.0"}},  # [7] wrong type
        {**base, "code": "A9", "direction": "up", "method": "linear"},  # [8]
        {**base, "code": "B1", "kind": "rank", "direction": "increase"},  # [9]
        {**base, "code": "B2", "scale": ["low", "high"], "target": {"year": 2030, "value": 3}},
        {**base, "code": "B3", "kind": "multiple_of_baseline"},  # [11] value, no factor
        {**base, "code": "B4", "baseline": {"year": 2030, "value": 1}},  # [12] not before T
        {**base, "code": "B5", "indicator": "gerd-gdp"},  # [13]
    ]
    data["solution_groups"].append({"code": "III.2", "title": "g", "lead_agency": "SNN"})
    found = problems_of(data)
    assert "sumary" in found
    assert "Unknown key tagret" in found["targets[0].tagret"]
    assert "levels" in found["targets[1].kind"]
    assert "multiple_of_baseline" in found["targets[2].target.factor"]
    assert "count_from" in found["targets[3].count_from"]
    assert "Duplicate target code A1" in found["targets[4].code"]
    assert "outside the period 2025–2030" in found["targets[5].target.year"]
    assert "SOTTTT" in found["targets[6].agency"]
    assert "Expected a number" in found["targets[7].target.value"]
    assert "up" in found["targets[8].direction"]
    assert "linear" in found["targets[8].method"]
    assert "rank" in found["targets[9].direction"]
    assert "1 to 2" in found["targets[10].target.value"]
    assert "factor" in found["targets[11].target.factor"]
    assert "factor, not a value" in found["targets[11].target.value"]
    assert "before the target year" in found["targets[12].baseline.year"]
    assert "upper snake case" in found["targets[13].indicator"]
    assert "SNN" in found["solution_groups[1].lead_agency"]


def test_missing_keys_and_wrong_shapes():
    found = problems_of({"code": 5, "targets": "none", "period": {"start": 2031, "end": 2030}})
    assert "quotes" in found["code"]
    assert "missing" in found["title"]
    assert "Expected a list" in found["targets"]
    assert "starts (2031) after it ends (2030)" in found["period"]


def test_cumulative_rules():
    data = copy.deepcopy(GOOD)
    data["targets"][0].update(
        kind="cumulative",
        count_from=2031,
        baseline={"year": 2020},
        direction="decrease",
    )
    found = problems_of(data)
    assert "count_from" in found["targets[0].count_from"]
    assert "no baseline" in found["targets[0].baseline"]
    assert "increase" in found["targets[0].direction"]


def test_agencies_are_not_checked_when_the_file_declares_none():
    data = copy.deepcopy(GOOD)
    del data["agencies"]
    spec = parse_resolution(data)  # SKHCN is "already known" to the database, not to the file
    assert spec.targets[0].agency == "SKHCN"


def test_yaml_syntax_error_has_its_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("code: X\ntitle: [unclosed\nperiod: {}\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_resolution_file(path)
    (problem,) = caught.value.problems
    assert problem.row is not None and "YAML" in problem.message


def test_nghe_an_file_round_trips_through_yaml():
    # the file is plain YAML data: loading it with PyYAML and parsing gives the same spec
    data = yaml.safe_load(NGHE_AN.read_text(encoding="utf-8"))
    assert parse_resolution(data) == load_resolution_file(NGHE_AN)


def test_rank_and_cumulative_targets_need_no_direction():
    data = copy.deepcopy(GOOD)
    base = {k: v for k, v in data["targets"][0].items() if k != "direction"}
    data["targets"] = [
        {**base, "code": "R1", "kind": "rank", "target": {"year": 2030, "value": 20}},
        {**base, "code": "C1", "kind": "cumulative", "count_from": 2025},
    ]
    spec = parse_resolution(data)
    # a rank is lower-is-better; a count only grows
    assert (spec.target("R1").direction, spec.target("C1").direction) == ("decrease", "increase")


def test_other_kinds_still_need_a_direction_and_a_contradiction_is_refused():
    data = copy.deepcopy(GOOD)
    base = {k: v for k, v in data["targets"][0].items() if k != "direction"}
    data["targets"] = [
        {**base, "code": "L1"},  # [0] level without direction
        {**base, "code": "R1", "kind": "rank", "direction": "increase"},  # [1]
        {**base, "code": "C1", "kind": "cumulative", "count_from": 2025, "direction": "decrease"},
    ]
    data["targets"].append(GOOD["targets"][0])  # one good target, so the list is not empty
    found = problems_of(data)
    assert set(found) == {"targets[0].direction", "targets[1].direction", "targets[2].direction"}
    assert "missing" in found["targets[0].direction"]
    assert "decrease" in found["targets[1].direction"]
    assert "increase" in found["targets[2].direction"]


# --- the code rule (issue 7) -------------------------------------------------------------
from stihub.engines.codes import is_code  # noqa: E402


def test_every_code_the_platform_ships_follows_the_code_rule():
    spec = load_resolution_file(NGHE_AN)
    shipped = {spec.code} | {a.code for a in spec.agencies} | {t.code for t in spec.targets}
    shipped |= {t.indicator for t in spec.targets} | {g.code for g in spec.solution_groups}
    # the demo's index codes and units, COINr's ASEM ISO3 units, the published PII indicators
    shipped |= {"PII", "PII_RANK", "PII_SCORE", "NAN", "T01", "T34", "AUT", "VNM", "U07"}
    assert {"NGHEAN-KHCN-DMST-2030", "CT01", "III.2.1", "TINH_UY"} <= shipped
    assert [code for code in sorted(shipped) if not is_code(code)] == []


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("code", lambda d: d.update(code="NQ/2030")),
        ("agencies[0].code", lambda d: d["agencies"][0].update(code="SỞ KHCN")),
        ("targets[0].code", lambda d: d["targets"][0].update(code="A 1")),
        ("targets[0].indicator", lambda d: d["targets"][0].update(indicator="GERD/GDP")),
        ("targets[0].agency", lambda d: d["targets"][0].update(agency="SKHCN?")),
        ("solution_groups[0].code", lambda d: d["solution_groups"][0].update(code=".III")),
        (
            "solution_groups[0].lead_agency",
            lambda d: d["solution_groups"][0].update(lead_agency="#"),
        ),
        (
            "solution_groups[0].partner_agencies[0]",
            lambda d: d["solution_groups"][0].update(partner_agencies=["a/b"]),
        ),
        ("targets[0].code", lambda d: d["targets"][0].update(code="A" * 31)),
    ],
)
def test_a_code_breaking_the_code_rule_is_refused_at_its_path(path, change):
    data = copy.deepcopy(GOOD)
    change(data)
    found = problems_of(data)
    assert "letters without accents" in found[path] and "at most 30 characters" in found[path]
