"""`stihub match` as other systems call it: the Django command wraps the matching engine's CLI
(the engine's own tests are tests/engines/test_matching.py)."""

import json
import subprocess
import sys
from pathlib import Path

MARKET = Path(__file__).parents[1] / "fixtures" / "market"


def stihub(*args):
    return subprocess.run(
        [sys.executable, "-m", "stihub", *args],
        capture_output=True,
        text=True,
        env={"STIHUB_DEBUG": "1", "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[2],
    )


def test_stihub_match_prints_the_contract():
    done = stihub("match", str(MARKET / "cli_needs.csv"), str(MARKET / "cli_offers.csv"),
                  "--top", "2", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    by_need = {m["need"]: m["offers"] for m in found["matches"]}
    # The lay problem "gà chết nhiều khi trời nồm" reaches the vaccine and the closed barn.
    assert {o["id"] for o in by_need["N1"]} == {"V1", "C1"}
    for offer in by_need["N1"]:
        assert set(offer) >= {"id", "score", "why"}
    assert all(len(offers) <= 2 for offers in by_need.values())


def test_stihub_match_reports_bad_files_with_exit_1():
    done = stihub("match", str(MARKET / "cli_bad_needs.csv"), str(MARKET / "cli_bad_offers.csv"))
    assert done.returncode == 1
    assert "cli_bad_needs.csv" in done.stderr and "cli_bad_offers.csv" in done.stderr
