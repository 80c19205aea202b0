"""Resolutions load from YAML as data: idempotent, updated by a changed file, any resolution."""

import pytest
import yaml

from stihub.engines.problems import DataError
from stihub.monitoring.loading import load_resolution
from stihub.monitoring.models import Indicator, Resolution, SolutionGroup, Target

from .conftest import NGHE_AN

SECOND = {
    "code": "DEMO-RIVER-2035",
    "title": "River clean-up plan 2035",
    "period": {"start": 2025, "end": 2035},
    "agencies": [{"code": "WATER", "name": "Water board", "kind": "department"}],
    "targets": [
        {
            "code": "W1",
            "title": "Households connected to sewers",
            "indicator": "SEWER_SHARE",
            "unit": "%",
            "direction": "increase",
            "kind": "level",
            "target": {"year": 2035, "value": 90},
            "agency": "WATER",
        },
        {
            "code": "W2",
            "title": "Untreated discharge",
            "indicator": "DISCHARGE_T",
            "unit": "t",
            "direction": "decrease",
            "kind": "level",
            "baseline": {"year": 2025, "value": 400},
            "target": {"year": 2035, "value": 100},
        },
    ],
}


def write(tmp_path, data, name="plan.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_nghe_an_loads_ten_targets_and_solution_groups(db):
    resolution, counts = load_resolution(NGHE_AN)
    assert resolution.targets.count() == 10
    assert counts["targets created"] == 10
    assert resolution.solution_groups.exists()
    assert all(t.agency_id for t in resolution.targets.all())
    pii = resolution.targets.get(indicator__code="PII_RANK")
    assert (pii.kind, pii.baseline_year, pii.baseline_value, pii.target_value) == (
        "rank",
        2023,
        33,
        20,
    )


def test_loading_twice_duplicates_nothing_and_adds_no_history(db):
    load_resolution(NGHE_AN)
    before = (Target.objects.count(), SolutionGroup.objects.count(), Target.history.count())
    _resolution, counts = load_resolution(NGHE_AN)
    assert (Target.objects.count(), SolutionGroup.objects.count(), Target.history.count()) == before
    assert counts["targets unchanged"] == 10 and counts["targets created"] == 0


def test_changed_file_updates_and_records_before_after(db, tmp_path):
    load_resolution(write(tmp_path, SECOND))
    changed = yaml.safe_load(yaml.safe_dump(SECOND))
    changed["targets"][0]["target"]["value"] = 95
    del changed["targets"][1]
    _resolution, counts = load_resolution(write(tmp_path, changed))
    assert counts["targets updated"] == 1 and counts["targets removed"] == 1
    target = Target.objects.get(resolution__code="DEMO-RIVER-2035", code="W1")
    assert target.target_value == 95
    latest = target.history.first()
    change = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in change] == [("target_value", 90, 95)]
    assert not Target.objects.filter(code="W2").exists()


def test_second_unrelated_resolution_shows_on_dashboard(client, db, tmp_path):
    load_resolution(NGHE_AN)
    load_resolution(write(tmp_path, SECOND))
    assert Indicator.objects.filter(code="SEWER_SHARE").exists()
    page = client.get("/monitoring/r/DEMO-RIVER-2035/").content.decode()
    assert "Households connected to sewers" in page and "Untreated discharge" in page
    listing = client.get("/monitoring/resolutions/").content.decode()
    assert "River clean-up plan 2035" in listing


def test_bad_file_writes_nothing(db, tmp_path):
    bad = yaml.safe_load(yaml.safe_dump(SECOND))
    bad["targets"][1]["kind"] = "levle"
    bad["targets"][0]["agency"] = "NOBODY"
    with pytest.raises(DataError) as error:
        load_resolution(write(tmp_path, bad))
    columns = {p.column for p in error.value.problems}
    assert "targets[1].kind" in columns and "targets[0].agency" in columns
    assert not Resolution.objects.exists()
