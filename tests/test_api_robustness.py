"""The API never answers 500, says what it refuses, and is true to its OpenAPI description;
rate limits on the API and on costly anonymous pages.

Edge values are those a probe found answering 500 (2**63 overflows PostgreSQL's bigint and
SQLite's integer) and the spellings Python's int() reads but a client should not rely on
("١٢" is 12 in Arabic-Indic digits). Schemathesis then generates requests from the schema
itself, anonymous and signed in, and checks every answer against it.
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from stihub.monitoring.models import Indicator, Observation

BIGINT_OVERFLOW = str(2**63)  # 9223372036854775808
NOT_INTEGERS = ["abc", "1e309", "١٢", "12.0", " 12", "", "-"]


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    """Rate-limit counts live in the cache: none carried into or out of a test here."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def data(nghe_an, users):
    indicator = Indicator.objects.get(code="IP_REGISTRATIONS")
    _market(users["expert"])
    return [
        Observation.objects.create(status="approved", indicator=indicator, year=y, value=3)
        for y in (2023, 2024)
    ]


def _market(owner) -> None:
    """An offer and a need on the market, one of them anonymous: rows for the market's API."""
    import datetime as dt

    from django.utils import timezone

    from stihub.market.models import Listing

    for n, kind in enumerate(("offer", "need")):
        Listing.objects.create(
            code=f"X-{n}", kind=kind, status="published", title="Máy sấy nông sản bơm nhiệt",
            summary="Sấy lạc, ngô và dược liệu.", stage=7, partnership="licence; transfer",
            keywords="máy sấy; bơm nhiệt", expires_on=timezone.localdate() + dt.timedelta(days=9),
            owner=owner, owner_name="Viện X", anonymous=bool(n), contact_name="A",
            published_at=timezone.now(),
        )  # fmt: skip


def refused(response, parameter):
    """400 that names the parameter, as JSON."""
    assert response.status_code == 400, (response.status_code, response.content[:200])
    body = response.json()
    assert parameter in body and body[parameter], body
    return body[parameter]


# -- integer parameters: 400 naming the parameter, never 500 --------------------------------


@pytest.mark.parametrize("value", [BIGINT_OVERFLOW, "-1", "0", "1001", *NOT_INTEGERS])
@pytest.mark.parametrize("path", ["/api/targets/", "/api/observations/", "/api/resolutions/"])
def test_limit_out_of_range_or_not_an_integer_is_refused(client, data, path, value):
    refused(client.get(path, {"limit": value}), "limit")


@pytest.mark.parametrize("value", [BIGINT_OVERFLOW, "-1", str(2**31), *NOT_INTEGERS])
def test_offset_out_of_range_or_not_an_integer_is_refused(client, data, value):
    refused(client.get("/api/observations/", {"offset": value}), "offset")


@pytest.mark.parametrize("value", [BIGINT_OVERFLOW, "-1", "0", "999", "10000", *NOT_INTEGERS[:4]])
@pytest.mark.parametrize("parameter", ["year", "year_from", "year_to"])
def test_year_filters_out_of_range_or_not_an_integer_are_refused(client, data, parameter, value):
    refused(client.get("/api/observations/", {parameter: value}), parameter)


def test_the_largest_page_is_served_and_one_more_row_is_refused(client, data, settings):
    settings.STIHUB_API_MAX_PAGE_SIZE = 1
    page = client.get("/api/observations/", {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and len(page["results"]) == 1  # the second of two rows
    refused(client.get("/api/observations/", {"limit": 2}), "limit")


def test_without_a_limit_a_page_holds_the_default_size_at_most_the_maximum(client, data, settings):
    settings.STIHUB_API_MAX_PAGE_SIZE = 1  # below PAGE_SIZE (100): the maximum wins
    assert len(client.get("/api/observations/").json()["results"]) == 1


def test_an_offset_past_the_end_is_an_empty_page(client, data):
    page = client.get("/api/observations/", {"offset": 2**31 - 1}).json()
    assert page["count"] == 2 and page["results"] == []


def test_the_refusal_is_in_the_active_language(client, data):
    vi = refused(client.get("/api/observations/", {"limit": "abc"}), "limit")
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        en = refused(client.get("/api/observations/?lang=en", {"limit": "abc"}), "limit")
    assert en == ["Enter a whole number."]
    assert vi != en and vi == ["Nhập một số tổng thể."]


@pytest.mark.parametrize("pk", [BIGINT_OVERFLOW, "99999999999999999999", "-1", "١٢", "1e309"])
@pytest.mark.parametrize("resource", ["targets", "observations"])
def test_a_path_id_out_of_range_or_not_digits_finds_nothing(client, data, resource, pk):
    assert client.get(f"/api/{resource}/{pk}/").status_code == 404


def test_a_path_id_in_unicode_digits_is_not_another_spelling_of_the_row(client, data):
    """int("١٢") == 12: without the check, /api/observations/١٢/ would serve row 12."""
    row = data[0]
    arabic = "".join(chr(0x0660 + int(d)) for d in str(row.pk))
    assert client.get(f"/api/observations/{row.pk}/").status_code == 200
    assert client.get(f"/api/observations/{arabic}/").status_code == 404


def test_a_nul_character_in_a_path_or_filter_is_refused(client, data, nghe_an):
    """PostgreSQL cannot hold a NUL in a query: it answered 500 there."""
    assert client.get("/api/resolutions/a%00b/").status_code == 404
    assert client.get(f"/api/resolutions/{nghe_an.code}/").status_code == 200
    refused(client.get("/api/observations/", {"indicator": "a\x00"}), "indicator")


# -- OpenAPI: nullable fields, the progress described, error answers documented -------------


@pytest.fixture
def openapi(client, db):
    return client.get("/api/schema/?format=json&lang=en").json()


def test_nullable_fields_are_marked_nullable(openapi):
    schemas = openapi["components"]["schemas"]
    target, observation = schemas["Target"]["properties"], schemas["Observation"]["properties"]
    for name in ("baseline_year", "baseline_value", "target_value", "target_upper", "agency"):
        assert target[name].get("nullable") is True, name
    assert observation["agency"].get("nullable") is True


def test_progress_has_a_described_schema(openapi):
    progress = openapi["components"]["schemas"]["Target"]["properties"]["progress"]
    described = openapi["components"]["schemas"][progress["allOf"][0]["$ref"].split("/")[-1]]
    assert {"status", "latest", "baseline", "projected", "explanation"} <= set(
        described["properties"]
    )
    assert described["properties"]["explanation"]["items"]["type"] == "string"


def test_error_answers_are_documented(openapi):
    listing = openapi["paths"]["/api/observations/"]["get"]["responses"]
    one = openapi["paths"]["/api/observations/{id}/"]["get"]["responses"]
    assert {"200", "400", "403", "406", "429"} <= set(listing) and "404" not in listing
    assert {"200", "403", "404", "406", "429"} <= set(one)
    assert "Retry-After" in listing["429"]["headers"]
    # public reads: anonymous callers are documented as allowed ({} = no credentials)
    assert {} in openapi["paths"]["/api/observations/"]["get"]["security"]


def test_a_staff_session_owing_its_two_step_check_gets_the_documented_403(client, users, openapi):
    client.force_login(users["dost"])
    response = client.get("/api/observations/")
    assert response.status_code == 403 and response.json()["detail"]
    assert "403" in openapi["paths"]["/api/observations/"]["get"]["responses"]


# -- schemathesis over the whole schema, anonymous and signed in ------------------------------


@pytest.fixture
def api_schema(data, settings):
    """The schema served by the WSGI application, called in-process within the test's
    transaction. As Django's test client does, the connection is not closed at the end of each
    request (it would end the transaction that holds the test's rows, on PostgreSQL)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from stihub.wsgi import application

    settings.STIHUB_RATE_LIMITS = {}  # the generated requests must not meet a rate limit
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


def session_cookie(client, user):
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


CONFORMANCE = hypothesis_settings(
    max_examples=15,
    derandomize=True,  # the same examples every run; CI runs the fuzzing campaign
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@schema.parametrize()
@CONFORMANCE
def test_api_conforms_to_its_schema_anonymous(case):
    case.call_and_validate()


@schema.parametrize()
@CONFORMANCE
def test_api_conforms_to_its_schema_signed_in(case, client, users):
    """As an agency reporter: a role without MFA, and with more than the public's rights."""
    case.call_and_validate(headers=session_cookie(client, users["reporter"]))


# -- rate limits ------------------------------------------------------------------------------


def test_api_rate_limit_answers_429_with_retry_after_per_address(client, db, settings):
    settings.STIHUB_RATE_LIMITS = {**settings.STIHUB_RATE_LIMITS, "api_anon": "2/min"}
    assert [client.get("/api/resolutions/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/resolutions/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Quá nhiều yêu cầu" in response.json()["detail"]
    # another client address has its own count
    assert client.get("/api/resolutions/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_api_rate_limit_of_a_signed_in_user_is_their_own(client, users, settings):
    settings.STIHUB_RATE_LIMITS = {
        **settings.STIHUB_RATE_LIMITS,
        "api_anon": "1/min",
        "api_user": "2/min",
    }
    assert client.get("/api/resolutions/").status_code == 200
    assert client.get("/api/resolutions/").status_code == 429  # anonymous, this address
    client.force_login(users["reporter"])
    assert [client.get("/api/resolutions/").status_code for _ in range(3)] == [200, 200, 429]
    client.force_login(users["expert"])  # same address, another user
    assert client.get("/api/resolutions/").status_code == 200


def test_a_forwarded_address_is_not_trusted_unless_a_proxy_is_declared(client, db, settings):
    settings.STIHUB_RATE_LIMITS = {**settings.STIHUB_RATE_LIMITS, "api_anon": "1/min"}
    assert client.get("/api/resolutions/", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 200
    # a client cannot escape its limit by writing another address in the header
    assert client.get("/api/resolutions/", HTTP_X_FORWARDED_FOR="10.9.9.8").status_code == 429


@pytest.fixture
def index(db):
    from stihub.innovation.demo import PROVINCE, build_sample_index

    dataset = build_sample_index()
    return dataset, PROVINCE


def test_planner_and_hand_edit_posts_share_a_rate_limit(client, index, settings):
    settings.STIHUB_RATE_LIMITS = {**settings.STIHUB_RATE_LIMITS, "planner": "2/min"}
    dataset, unit = index
    args = [dataset.code, dataset.year, unit]
    plan, edit = reverse("innovation:planner", args=args), reverse("innovation:edit", args=args)
    assert client.post(plan, {"goal_rank": 1}).status_code == 200
    assert client.post(edit, {}).status_code == 200
    response = client.post(plan, {"goal_rank": 1})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    page = response.content.decode()
    assert "Quá nhiều yêu cầu" in page and "<html" in page
    assert client.post(edit, {}).status_code == 429
    assert client.get(plan).status_code == 200  # showing the form costs nothing
    assert client.post(plan, {"goal_rank": 1}, REMOTE_ADDR="10.0.0.2").status_code == 200


@pytest.mark.parametrize("which", ["results", "resolution_data", "target_data"])
def test_large_downloads_have_a_rate_limit(client, index, nghe_an, settings, which):
    settings.STIHUB_RATE_LIMITS = {**settings.STIHUB_RATE_LIMITS, "download": "1/min"}
    dataset, _unit = index
    target = nghe_an.targets.first()
    url = {
        "results": reverse("innovation:results", args=[dataset.code, dataset.year]),
        "resolution_data": reverse("monitoring:resolution_data", args=[nghe_an.code, "csv"]),
        "target_data": reverse("monitoring:target_data", args=[nghe_an.code, target.code, "csv"]),
    }[which]
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429 and response["Retry-After"]
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_an_empty_rate_turns_the_limit_off(client, db, settings):
    settings.STIHUB_RATE_LIMITS = {**settings.STIHUB_RATE_LIMITS, "api_anon": ""}
    assert {client.get("/api/resolutions/").status_code for _ in range(5)} == {200}
