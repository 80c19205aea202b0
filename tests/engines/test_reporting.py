"""Reporting periods, due dates and the checks of a value (engine, no database)."""

from datetime import date

import pytest

from stihub.engines import reporting
from stihub.engines.reporting import Rules


def test_periods_follow_vietnamese_reporting_the_year_closing_it():
    assert reporting.periods("year") == ("",)
    assert reporting.periods("half") == ("H1", "")
    assert reporting.periods("quarter") == ("Q1", "Q2", "Q3", "")


@pytest.mark.parametrize(
    ("year", "period", "days", "due"),
    [
        (2025, "", 30, date(2026, 1, 30)),  # 31/12 + 30 days
        (2024, "Q1", 15, date(2024, 4, 15)),  # 31/3 + 15
        (2024, "H1", 30, date(2024, 7, 30)),  # 30/6 + 30
        (2024, "Q3", 0, date(2024, 9, 30)),
        (2024, "", 90, date(2025, 3, 31)),  # 31/12/2024 + 90: 31 Jan + 28 Feb + 31 Mar
    ],
)
def test_due_dates(year, period, days, due):
    assert reporting.due_date(year, period, days) == due


def test_ended_periods_stop_before_today():
    today = date(2026, 12, 4)
    assert reporting.ended_periods("quarter", 2026, today) == [
        (2026, "Q1"),
        (2026, "Q2"),
        (2026, "Q3"),
    ]
    assert reporting.ended_periods("year", 2024, today) == [(2024, ""), (2025, "")]


def test_the_period_before():
    assert reporting.previous_period("quarter", 2026, "Q1") == (2025, "")
    assert reporting.previous_period("quarter", 2026, "") == (2026, "Q3")
    assert reporting.previous_period("year", 2026, "") == (2025, "")


def test_a_value_is_checked_against_type_and_range():
    rules = Rules(minimum=0, maximum=100, integer=True)
    assert reporting.check_value(rules, 50) == []
    problems = [template % params for template, params in reporting.check_value(rules, 100.5)]
    assert problems == [
        "The value 100.5 must be a whole number for this indicator.",
        "The value 100.5 is above the largest allowed, 100.",
    ]
    (problem,) = reporting.check_value(rules, -1)
    assert problem[1] == {"value": "-1", "min": "0"}


def test_parts_must_add_up_to_an_entered_headline():
    rules = Rules(breakdown="area")
    assert reporting.headline_of(rules, 10, {"a": 4, "b": 6}) == (10, None)
    total, (template, params) = reporting.headline_of(rules, 10, {"a": 4, "b": 5})
    assert params == {"sum": "9", "total": "10"}
    # Decimals typed by hand: 0.1 + 0.2 is 0.3 here.
    assert reporting.headline_of(rules, 0.3, {"a": 0.1, "b": 0.2})[1] is None


def test_a_summed_headline_is_the_sum_of_its_parts():
    rules = Rules(breakdown="sector", headline="sum")
    assert reporting.headline_of(rules, None, {"a": 2, "b": 3}) == (5, None)
    assert reporting.headline_of(rules, None, {})[0] is None


def test_a_jump_beyond_the_tolerance_is_flagged():
    rules = Rules(jump_tolerance=0.5)
    assert reporting.jump(rules, 10, 14.9) is None  # +49 %
    assert reporting.jump(rules, 10, 15.5) == pytest.approx(0.55)
    assert reporting.jump(rules, 10, 4) == pytest.approx(-0.6)
    assert reporting.jump(Rules(), 10, 1000) is None  # no tolerance declared
    assert reporting.jump(rules, None, 1000) is None  # nothing to compare with


def test_the_reporting_block_of_a_resolution_file():
    rules, problems = reporting.parse_rules(
        {"frequency": "quarter", "integer": True, "min": 0, "breakdown": "sector",
         "headline": "sum", "sectors": ["Sáng chế", " Nhãn hiệu "], "due_days": 15},
        "targets[0].reporting",
    )  # fmt: skip
    assert problems == []
    assert rules == Rules(
        frequency="quarter",
        due_days=15,
        breakdown="sector",
        headline="sum",
        minimum=0.0,
        integer=True,
        sectors=("Sáng chế", "Nhãn hiệu"),
    )


def test_a_bad_reporting_block_names_every_problem():
    rules, problems = reporting.parse_rules(
        {"frequency": "monthly", "min": 5, "max": 1, "breakdown": "sector", "colour": "red",
         "due_days": 400},
        "targets[2].reporting",
    )  # fmt: skip
    assert rules is None
    assert sorted(path for path, _t, _p in problems) == [
        "targets[2].reporting.colour",
        "targets[2].reporting.due_days",
        "targets[2].reporting.frequency",
        "targets[2].reporting.min",
        "targets[2].reporting.sectors",
    ]
