"""The registry feeds the resolution (issue 10, item 6): the three registry-fed series equal counts
computed here independently (ORM queries, year by year, written unlike the engine), they enter
review as submitted registry values without touching approved ones, a second run submits
nothing, and a registry change queues one recomputation that the worker runs."""

import io
import json
import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Q, Sum
from django.urls import reverse
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from stihub.jobs.models import Job
from stihub.monitoring.models import Indicator, Observation
from stihub.registry import series
from stihub.registry.models import Enterprise, IPObject, Organization, SurveyYear

LAST = 2025  # --until: the last year counted, so the test does not depend on today
POPULATION = {2020: 3_400_000, 2021: 3_420_000, 2022: 3_440_000, 2024: 3_480_000}  # no 2023


def _day(rng, first, last):
    start = date(first, 1, 1)
    return start + timedelta(days=rng.randrange((date(last, 12, 31) - start).days + 1))


@pytest.fixture
def records(nghe_an):
    """Seeded records with the edge cases written out: revoked certificates, startups that are
    also certified, dates on 31/12 and 1/1, filings after the last year, a year without
    population (2023) and one without survey data (2021 has population, no FTE given)."""
    rng = random.Random(7)
    with series.quiet():
        for i in range(120):
            e = Enterprise(tax_code=f"T{i:05d}", name=f"Doanh nghiệp {i}")
            if rng.random() < 0.5:
                e.st_cert_date = _day(rng, 2017, 2026)
                if rng.random() < 0.25:
                    e.st_cert_revoked_on = e.st_cert_date + timedelta(days=rng.randint(0, 1500))
            if rng.random() < 0.3:
                e.startup_recognised_on = _day(rng, 2018, 2026)
            e.save()
        Enterprise.objects.create(tax_code="E1", name="Cuối năm", st_cert_date=date(2020, 12, 31))
        Enterprise.objects.create(
            tax_code="E2", name="Thu hồi cuối năm", st_cert_date=date(2019, 1, 1),
            st_cert_revoked_on=date(2021, 12, 31),
        )  # fmt: skip
        Enterprise.objects.create(
            tax_code="E3", name="Đầu năm", startup_recognised_on=date(2022, 1, 1)
        )
        for i in range(150):
            IPObject.objects.create(
                kind="trademark", application_no=f"4-{i:05d}", filed_on=_day(rng, 2018, 2026),
                title=f"Nhãn hiệu {i}", applicant_name="X", status="filed",
            )  # fmt: skip
        org = Organization.objects.create(code="o1", name="Viện", kind="st_organization")
        owners = list(Enterprise.objects.all()[:30])
        for year in (2020, 2021, 2022, 2023, 2024, 2025):
            SurveyYear.objects.create(
                organization=org, year=year, rd_fte=None if year == 2021 else 100 + year % 7
            )
            for e in rng.sample(owners, 8):
                fte = None if year == 2021 else round(rng.uniform(0.5, 20), 1)
                SurveyYear.objects.create(enterprise=e, year=year, rd_fte=fte)
        population = Indicator.objects.get(code="POPULATION")
        Observation.objects.bulk_create(
            Observation(indicator=population, year=y, value=v, status="approved")
            for y, v in POPULATION.items()
        )
    return rng


def expected_series() -> dict:
    """The same three series, counted here with plain queries, one year at a time."""
    dates = Enterprise.objects.values_list("st_cert_date", "startup_recognised_on")
    ends = {d.year for pair in dates for d in pair if d is not None}
    st = {}
    for year in range(min(ends), LAST + 1):
        end = date(year, 12, 31)
        in_force = Q(st_cert_date__lte=end) & (
            Q(st_cert_revoked_on__isnull=True) | Q(st_cert_revoked_on__gt=end)
        )
        st[str(year)] = Enterprise.objects.filter(
            in_force | Q(startup_recognised_on__lte=end)
        ).count()
    first_filed = IPObject.objects.order_by("filed_on").first().filed_on.year
    ip = {
        str(year): IPObject.objects.filter(filed_on__year=year).count()
        for year in range(first_filed, LAST + 1)
    }
    rd = {}
    for year in range(2000, LAST + 1):
        total = SurveyYear.objects.filter(year=year).aggregate(t=Sum("rd_fte"))["t"]
        if total is not None and POPULATION.get(year):
            rd[str(year)] = round(total * 10_000 / POPULATION[year], 2)
    return {"ST_ENTERPRISES": st, "IP_REGISTRATIONS": ip, "RD_FTE_PER_10K": rd}


def command(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("registry_series", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_the_three_series_equal_counts_made_independently(records):
    printed = json.loads(command("--json", "--until", str(LAST)))
    expected = expected_series()
    assert printed == expected
    # The edge cases did take part: a year without population has no R&D value, and 2021
    # (surveyed, but no FTE given) neither; the counts are whole numbers in the JSON.
    assert "2023" not in printed["RD_FTE_PER_10K"] and "2021" not in printed["RD_FTE_PER_10K"]
    assert set(printed["RD_FTE_PER_10K"]) == {"2020", "2022", "2024"}
    assert all(isinstance(v, int) for v in printed["ST_ENTERPRISES"].values())
    assert "2026" not in printed["IP_REGISTRATIONS"]


def test_the_edge_cases_by_hand(nghe_an):
    with series.quiet():
        # counted at the end of 2020 and 2021; revoked on 31/12/2021 -> not at the end of 2021
        Enterprise.objects.create(
            tax_code="A", name="A", st_cert_date=date(2020, 12, 31),
            st_cert_revoked_on=date(2021, 12, 31),
        )  # fmt: skip
        # a startup since 2020 and certified in 2021: once a year, from 2020
        Enterprise.objects.create(
            tax_code="B", name="B", st_cert_date=date(2021, 3, 1),
            startup_recognised_on=date(2020, 6, 1),
        )  # fmt: skip
    # 2020: A, B -> 2; 2021: B -> 1; 2022: B -> 1
    assert json.loads(command("--json", "--until", "2022"))["ST_ENTERPRISES"] == {
        "2020": 2,
        "2021": 1,
        "2022": 1,
    }


def test_submitting_creates_registry_revisions_and_never_touches_approved_ones(records):
    st = Indicator.objects.get(code="ST_ENTERPRISES")
    expected = expected_series()["ST_ENTERPRISES"]
    # DOST approved a different 2020 figure and the same 2021 figure as the registry counts
    approved_2020 = Observation.objects.create(
        indicator=st, year=2020, value=expected["2020"] + 5, status="approved"
    )
    Observation.objects.create(indicator=st, year=2021, value=expected["2021"], status="approved")
    command("--submit", "--until", str(LAST))
    submitted = Observation.objects.filter(status="submitted")
    assert submitted.exists()
    assert set(submitted.values_list("submission__channel", flat=True)) == {"registry"}
    assert set(submitted.values_list("source", flat=True)) == {"registry"}
    assert set(submitted.values_list("agency__code", flat=True)) == {"SKHCN"}
    assert all(o.note for o in submitted)
    # the approved 2020 value is still the one in force; 2021 equal: nothing submitted for it
    approved_2020.refresh_from_db()
    assert approved_2020.status == "approved"
    mine = submitted.filter(indicator=st)
    assert mine.get(year=2020).value == expected["2020"]
    assert not mine.filter(year=2021).exists()
    # every other computed year of the three is waiting, once
    wanted = sum(len(v) for v in expected_series().values()) - 1  # minus 2021 of ST
    assert submitted.count() == wanted
    # a second run with no change submits nothing
    assert "0" in command("--submit", "--until", str(LAST))
    assert Observation.objects.filter(status="submitted").count() == wanted
    # a change of the registry: only the years it changes are submitted again, and the
    # earlier count waiting for those years is superseded (DOST never approves a stale count)
    with series.quiet():
        Enterprise.objects.create(tax_code="NEW", name="Mới", st_cert_date=date(2025, 5, 5))
    command("--submit", "--until", str(LAST))
    waiting_2025 = Observation.objects.filter(status="submitted", indicator=st, year=2025)
    assert list(waiting_2025.values_list("value", flat=True)) == [expected["2025"] + 1]
    stale = Observation.objects.get(status="superseded", indicator=st, year=2025)
    assert stale.value == expected["2025"] and stale.review_comment
    assert Observation.objects.filter(status="submitted").count() == wanted
    approved_2020.refresh_from_db()
    assert approved_2020.status == "approved"


# --- a registry change queues a recomputation ----------------------------------------------


@pytest.fixture
def worker(settings, monkeypatch):
    settings.CACHES = {
        **settings.CACHES,
        "jobs": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jobs"},
    }
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        Worker(
            queue_names=["default"], interval=0, batch=True, backend_name="default",
            startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
        ).run()  # fmt: skip

    return run


def test_a_registry_change_queues_one_recomputation_which_submits(
    nghe_an, worker, django_capture_on_commit_callbacks
):
    last = series.last_ended_year()
    with django_capture_on_commit_callbacks(execute=True):
        Enterprise.objects.create(tax_code="S1", name="Một", st_cert_date=date(last, 2, 1))
        Enterprise.objects.create(tax_code="S2", name="Hai", startup_recognised_on=date(last, 1, 1))
        IPObject.objects.create(
            kind="invention", application_no="1-X", filed_on=date(last, 3, 3), title="Quy trình",
            applicant_name="Một", status="filed",
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        Enterprise.objects.filter(tax_code="S1").get().save()  # another write, job still queued
    job = Job.objects.get()
    assert (job.kind, job.status) == ("registry_series", "queued")
    assert job.created_by.username == series.SYSTEM_USERNAME and not job.created_by.is_active
    assert DBTaskResult.objects.count() == 1
    worker()
    job.refresh_from_db()
    assert job.status == "done"
    waiting = Observation.objects.filter(status="submitted", year=last)
    assert {(o.indicator.code, o.value) for o in waiting} == {
        ("ST_ENTERPRISES", 2.0),
        ("IP_REGISTRATIONS", 1.0),
    }
    # a deletion is a change too: the next job counts the enterprise gone
    with django_capture_on_commit_callbacks(execute=True):
        Enterprise.objects.filter(tax_code="S1").delete()
    worker()
    assert Job.objects.filter(status="done").count() == 2
    counted = Observation.objects.filter(indicator__code="ST_ENTERPRISES", year=last)
    assert sorted(counted.values_list("status", "value")) == [
        ("submitted", 1.0),
        ("superseded", 2.0),
    ]


# --- the page ------------------------------------------------------------------------------


def test_the_page_shows_the_tables_and_submits_on_post(records, client_for):
    client = client_for("dost")
    page = client.get(reverse("registry:series"))
    assert page.status_code == 200
    assert b'data-indicator="ST_ENTERPRISES"' in page.content
    assert b'data-indicator="RD_FTE_PER_10K"' in page.content
    response = client.post(reverse("registry:series"), {})
    assert response.status_code == 302
    assert Observation.objects.filter(status="submitted", submission__channel="registry").exists()
    # an empty POST again: nothing more to submit, still no error
    count = Observation.objects.filter(status="submitted").count()
    assert client.post(reverse("registry:series")).status_code == 302
    assert Observation.objects.filter(status="submitted").count() == count


def test_the_page_is_dost_only(client_for, nghe_an):
    assert client_for("reporter").get(reverse("registry:series")).status_code == 403
