"""Vocabularies are defined once in the engine; the Django choices take their values from it."""

import pytest

from stihub.engines import progress, resolution, vocabulary
from stihub.monitoring import choices
from stihub.registry import choices as registry


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
        (vocabulary.Gender, registry.Gender),
        (vocabulary.AcademicTitle, registry.AcademicTitle),
        (vocabulary.Degree, registry.Degree),
        (vocabulary.Location, registry.Location),
        (vocabulary.ExpertRole, registry.ExpertRole),
        (vocabulary.OrganizationKind, registry.OrganizationKind),
        (vocabulary.EnterpriseSize, registry.EnterpriseSize),
        (vocabulary.IPKind, registry.IPKind),
        (vocabulary.IPStatus, registry.IPStatus),
        (vocabulary.InfrastructureKind, registry.InfrastructureKind),
        (vocabulary.SharedUse, registry.SharedUse),
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


def test_every_vietnamese_alias_names_a_code_of_its_vocabulary():
    from stihub.engines.text import fold

    for vocabulary_class, aliases in vocabulary.ALIASES.items():
        for word, code in aliases.items():
            assert word == fold(word), word  # aliases are looked up folded
            assert code in vocabulary_class, (word, code)
