"""Vocabularies are defined once in the engine; the Django choices take their values from it."""

import pytest

from stihub.engines import progress, resolution, vocabulary
from stihub.monitoring import choices


@pytest.mark.parametrize(
    ("engine", "django"),
    [
        (vocabulary.Direction, choices.Direction),
        (vocabulary.TargetKind, choices.TargetKind),
        (vocabulary.Method, choices.Method),
        (vocabulary.Status, choices.Status),
        (vocabulary.RevisionStatus, choices.RevisionStatus),
        (vocabulary.Frequency, choices.Frequency),
        (vocabulary.Breakdown, choices.Breakdown),
        (vocabulary.Headline, choices.Headline),
        (vocabulary.Channel, choices.Channel),
    ],
)
def test_django_choices_have_exactly_the_engine_codes(engine, django):
    assert [(m.name, m.value) for m in django] == [(m.name, m.value) for m in engine]
    assert all(str(label) for label in django.labels)


def test_every_status_has_a_badge_colour():
    assert all(status.colour.startswith("#") for status in choices.Status)
    assert all(status.colour.startswith("#") for status in choices.RevisionStatus)


def test_the_period_choices_are_the_engines_periods():
    from stihub.engines.reporting import ALL_PERIODS

    assert set(choices.Period.values) == set(ALL_PERIODS)


def test_the_engines_check_against_the_same_codes():
    assert resolution.DIRECTIONS == ("increase", "decrease")
    assert resolution.KINDS == ("level", "multiple_of_baseline", "cumulative", "rank")
    assert resolution.METHODS == ("unsd2023", "cagr_ratio")
    assert progress.STATUSES == (
        "achieved", "on_track", "acceleration_needed", "stagnating", "regressing",
        "insufficient_data",
    )  # fmt: skip
    assert (progress.ACHIEVED, progress.INSUFFICIENT_DATA) == ("achieved", "insufficient_data")
