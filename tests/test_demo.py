"""`stihub demo`: the resolution, real PII figures, labelled sample data, accounts; repeatable."""

import pytest
from django.core.management import CommandError, call_command

from stihub.core.models import User
from stihub.innovation.models import IndexDataset
from stihub.monitoring.models import Observation, Resolution


def test_demo_loads_everything_and_can_run_twice(db, settings):
    settings.DEBUG = True
    call_command("demo")
    count = Observation.objects.count()
    call_command("demo")
    assert Observation.objects.count() == count
    assert Resolution.objects.get().targets.count() == 10
    real = Observation.objects.filter(is_sample=False, indicator__code="PII_RANK")
    assert {(o.year, o.value) for o in real} == {(2023, 33.0), (2024, 37.0)}
    assert not Observation.objects.filter(indicator__code="PII_RANK", is_sample=True).exists()
    dataset = IndexDataset.objects.get()
    assert dataset.is_sample and dataset.year == 2025 and len(dataset.results["units"]) == 34
    (reporter,) = User.objects.get(username="reporter").role_assignments.all()
    assert (reporter.role, reporter.agency.code) == ("reporter", "SCT")


def test_demo_is_refused_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo")
    assert not User.objects.exists()
