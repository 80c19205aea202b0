"""The registries' demo: every registry model has rows, identifiers are well formed, and the
series counted from the demo records wait for DOST's review."""

from django.apps import apps
from django.core.management import call_command

from stihub.core.models import AuditedModel
from stihub.engines.identifiers import orcid, tax_code
from stihub.monitoring.models import Observation
from stihub.registry.models import Consent, Enterprise, Expert, IPStatusChange

ALSO = ("Consent", "IPStatusChange", "DuplicateCandidate")  # not audited, shown all the same


def test_the_demo_fills_every_registry_model_and_submits_the_series(db, settings):
    settings.DEBUG = True
    call_command("demo")
    models = [
        m
        for m in apps.get_app_config("registry").get_models()
        if (issubclass(m, AuditedModel) or m.__name__ in ALSO)
        and not m.__name__.startswith("Historical")
    ]
    empty = [m.__name__ for m in models if not m.objects.exists()]
    assert empty == []
    for code in Enterprise.objects.values_list("tax_code", flat=True):
        assert tax_code(code) == code
    orcids = [o for o in Expert.objects.values_list("orcid", flat=True) if o]
    assert "0000-0002-1825-0097" in orcids and all(orcid(o) == o for o in orcids)
    # some people consent, some do not; the public flag follows the latest consent
    assert Expert.objects.filter(public_consent=True).exists()
    assert Expert.objects.filter(public_consent=False).exists()
    withdrawn = Consent.objects.filter(given=False).first().expert
    assert not withdrawn.public_consent
    assert IPStatusChange.objects.filter(status="granted").exists()
    population = Observation.objects.published().filter(indicator__code="POPULATION")
    assert sorted(population.values_list("year", flat=True)) == list(range(2020, 2026))
    waiting = Observation.objects.filter(status="submitted", submission__channel="registry")
    codes = set(waiting.values_list("indicator__code", flat=True))
    assert codes == {"ST_ENTERPRISES", "IP_REGISTRATIONS", "RD_FTE_PER_10K"}
    # the 2020 baseline of the ×3 target is counted from the demo records
    assert waiting.filter(indicator__code="ST_ENTERPRISES", year=2020).exists()
