"""What is stored between requests, and that it is never stale: computed progress and whole
public pages per data version, the ranking's statistics per dataset, the target page's
breakdowns counted by the database. Query counts, no timings (timings: `make bench`)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from stihub.core.cache import CSRF_PLACEHOLDER, _replace_token, data_changed, data_version
from stihub.core.models import Agency
from stihub.innovation import datasets
from stihub.innovation.models import IndexDataset
from stihub.monitoring.models import Indicator, Observation, SolutionGroup
from stihub.monitoring.progress import evaluate_targets
from tests.test_innovation import store

RD = "RD_FTE_PER_10K"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts from an empty cache (the per-process cache outlives a test's data)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rd(nghe_an):
    indicator = Indicator.objects.get(code=RD)
    for year, value in [(2021, 4.0), (2023, 6.0)]:
        Observation.objects.create(status="approved", indicator=indicator, year=year, value=value)
    return indicator


def rd_target(resolution):
    return resolution.targets.select_related("indicator").get(indicator__code=RD)


def dashboard_row(page: str, code: str) -> str:
    return page.split(f'data-target="{code}"')[1].split("</tr>")[0]


# --- the data version --------------------------------------------------------------------


def test_every_watched_change_gives_a_new_data_version(nghe_an, rd, agency):
    target = rd_target(nghe_an)
    group = SolutionGroup.objects.filter(resolution=nghe_an).first()
    observation = Observation.objects.create(status="approved", indicator=rd, year=2024, value=5.0)
    changes = [
        lambda: Observation.objects.create(status="approved", indicator=rd, year=2022, value=5.0),
        lambda: observation.save(),
        lambda: observation.delete(),
        lambda: target.save(),
        lambda: rd.save(),
        lambda: nghe_an.save(),
        lambda: group.partner_agencies.add(agency),
        lambda: agency.save(),
    ]
    seen = {data_version()}
    for change in changes:
        change()
        seen.add(data_version())
    assert len(seen) == len(changes) + 1


def _token():
    return data_version().split(".")[0]


def test_the_shared_token_changes_once_at_commit(nghe_an, rd):
    """In a transaction, each change gives this connection a new version at once; other
    processes get a new token once, after the commit (never before the data is visible)."""
    token, versions = _token(), set()
    for year in (2015, 2016, 2017):
        Observation.objects.create(status="approved", indicator=rd, year=year, value=1.0)
        versions.add(data_version())
    assert len(versions) == 3 and _token() == token  # not replaced before the commit
    (at_commit,) = [f for _sids, f, _robust in connection.run_on_commit if f is _replace_token]
    at_commit()  # what the commit runs
    assert _token() != token


def test_what_a_rolled_back_transaction_cached_is_never_read(db):
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Agency.objects.create(code="TMP", name="Tạm", kind="department")
        assert data_version() != before
        raise RuntimeError("rolled back")
    assert data_version() == before


def test_a_write_without_signals_says_so(nghe_an, rd):
    before = data_version()
    Observation.objects.bulk_create(
        [Observation(status="approved", indicator=rd, year=2019, value=2.0)]
    )
    data_changed()
    assert data_version() != before


# --- computed progress ---------------------------------------------------------------------


def test_progress_is_computed_once_per_data_version(nghe_an, rd):
    targets = list(nghe_an.targets.select_related("indicator"))
    evaluate_targets(targets)
    with CaptureQueriesContext(connection) as queries:
        again = evaluate_targets(targets)
    assert len(queries) == 0 and len(again) == len(targets)
    Observation.objects.create(status="approved", indicator=rd, year=2025, value=9.0)
    with CaptureQueriesContext(connection) as queries:
        (fresh,) = evaluate_targets([rd_target(nghe_an)])
    assert fresh.progress.latest_value == 9.0 and len(queries) == 2  # the target, the series


def test_progress_as_of_a_year_is_cached_apart(nghe_an, rd):
    target = rd_target(nghe_an)
    (now,) = evaluate_targets([target])
    (then,) = evaluate_targets([target], as_of=2021)
    assert (now.points, then.points) == ([(2021, 4.0), (2023, 6.0)], [(2021, 4.0)])


# --- whole public pages ------------------------------------------------------------------


def test_the_dashboard_is_served_from_the_cache_and_an_edit_shows_at_once(client, nghe_an, rd):
    target = rd_target(nghe_an)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        page = Client().get("/").content.decode()
    assert len(queries) == 0
    assert 'data-status="' in dashboard_row(page, target.code)
    observation = Observation.objects.get(indicator=rd, year=2023)
    observation.value = 7.5
    observation.save()
    page = Client().get("/").content.decode()
    assert "7,5" in dashboard_row(page, target.code)  # Vietnamese number format


def test_the_target_page_shows_a_changed_target_at_once(client, nghe_an, rd):
    target = rd_target(nghe_an)
    url = f"/monitoring/r/{nghe_an.code}/t/{target.code}/"
    assert "New title" not in client.get(url).content.decode()
    target.title = "New title"
    target.save()
    assert "New title" in Client().get(url).content.decode()


def test_pages_are_cached_per_language(nghe_an, rd):
    Client().get("/")
    english = Client()
    english.cookies["django_language"] = "en"
    assert '<html lang="en">' in english.get("/").content.decode()
    assert '<html lang="vi">' in Client().get("/").content.decode()


def test_each_visitor_gets_a_csrf_token_that_works(nghe_an):
    pages = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get("/").content.decode()
        assert CSRF_PLACEHOLDER not in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        pages.append(page)
        response = visitor.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": token})
        assert response.status_code == 302  # accepted: the token matches the visitor's cookie
    assert pages[0] != pages[1]  # each visitor its own token


def test_signed_in_users_are_not_served_the_anonymous_page(client_for, nghe_an):
    Client().get("/")
    page = client_for("expert").get("/").content.decode()
    assert "expert" in page.split("<main>")[0]  # the header names the user


def test_only_the_as_of_query_is_cached(nghe_an, rd):
    Client().get("/?as_of=2021")
    with CaptureQueriesContext(connection) as queries:
        Client().get("/?as_of=2021")
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        Client().get("/?other=1")
    assert len(queries) > 0


def test_a_missing_page_is_not_cached(nghe_an):
    assert Client().get(f"/monitoring/r/{nghe_an.code}/t/none/").status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(f"/monitoring/r/{nghe_an.code}/t/none/").status_code == 404
    assert len(queries) > 0


def test_health_answers_ok_without_the_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/health/")
    assert response.status_code == 200 and response.content == b"ok"
    assert len(queries) == 0


def test_the_api_target_list_is_kept_and_an_edit_shows_at_once(client, nghe_an, rd):
    client.get("/api/targets/")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/targets/").json()
    assert len(queries) == 0
    latest = {t["code"]: t["progress"]["latest"] for t in again["results"]}
    code = rd_target(nghe_an).code
    Observation.objects.create(status="approved", indicator=rd, year=2025, value=9.0)
    fresh = {
        t["code"]: t["progress"]["latest"] for t in client.get("/api/targets/").json()["results"]
    }
    assert fresh[code] != latest[code]


def test_the_api_cache_still_asks_the_rate_limit(client, nghe_an, settings):
    settings.STIHUB_RATE_LIMITS = {**settings.STIHUB_RATE_LIMITS, "api_anon": "2/min"}
    statuses = [client.get("/api/targets/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- the target page: headline rows only, breakdowns counted --------------------------------


def _add_breakdowns(indicator, names):
    Observation.objects.bulk_create(
        Observation(status="approved", indicator=indicator, year=year, area=name, value=1.0)
        for year in (2021, 2023)
        for name in names
    )
    data_changed()


def _target_page_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    return page, [q["sql"] for q in queries]


def test_the_target_page_counts_breakdowns_without_loading_them(client_for, nghe_an, rd):
    """Signed in (so not from the page cache): the same queries at 10 and 260 breakdown rows,
    and none of them fetches a breakdown row."""
    client = client_for("expert")
    client.cookies["django_language"] = "en"
    url = f"/monitoring/r/{nghe_an.code}/t/{rd_target(nghe_an).code}/"
    names = [f"Xã {k}" for k in range(130)]
    _add_breakdowns(rd, names[:5])
    small_page, small = _target_page_queries(client, url)
    _add_breakdowns(rd, names[5:])
    page, large = _target_page_queries(client, url)
    assert "Plus 10 disaggregated values" in small_page
    assert len(small) == len(large)
    reads = [sql for sql in large if 'FROM "monitoring_observation"' in sql]
    assert len(reads) == 2  # the headline rows, and the count of the breakdowns
    headline, count = sorted(reads, key=lambda sql: "COUNT(" in sql)
    assert "\"area\" = ''" in headline and "COUNT(" in count
    assert "Plus 260 disaggregated values" in page


# --- the ranking: statistics computed once per dataset -------------------------------------


def test_coherence_and_treatment_are_stored_at_upload(db, tmp_path):
    dataset = store(tmp_path)
    assert {"code", "members", "alpha", "weakest"} <= set(dataset.results["coherence"][0])
    assert "treated" in dataset.results


def test_the_ranking_page_computes_nothing(client, db, tmp_path, monkeypatch):
    dataset = store(tmp_path)
    monkeypatch.setattr(datasets, "dataset_result", _must_not_compute)
    monkeypatch.setattr(datasets, "cronbach_alpha", _must_not_compute)
    response = Client().get(f"/innovation/PII/{dataset.year}/")
    assert response.status_code == 200 and "Cronbach" in response.content.decode()


def test_a_dataset_stored_before_keeps_its_statistics_once_computed(client, db, tmp_path):
    dataset = store(tmp_path)
    results = {k: v for k, v in dataset.results.items() if k not in ("coherence", "treated")}
    IndexDataset.objects.filter(pk=dataset.pk).update(results=results)
    history = dataset.history.count()
    page = Client().get(f"/innovation/PII/{dataset.year}/").content.decode()
    dataset.refresh_from_db()
    assert "coherence" in dataset.results and "Cronbach" in page
    assert dataset.history.count() == history  # a derived cache, not a change by anyone


def test_a_replaced_dataset_shows_on_the_ranking_page_at_once(db, tmp_path):
    dataset = store(tmp_path)
    url = f"/innovation/PII/{dataset.year}/"
    Client().get(url)
    store(tmp_path, title="Replaced PII (test)")
    assert "Replaced PII (test)" in Client().get(url).content.decode()


def _must_not_compute(*args, **kwargs):
    raise AssertionError("computed on a page view")
