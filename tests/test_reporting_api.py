"""Reporting through the API (issue 8, item 6): `POST /api/observations/` by API token, DOST's
approve and return, and who reads what. The indicators are made here with the rules each test
needs, so that every expected answer follows from what the test wrote."""

import pytest
from django.test import Client

from stihub.core.models import AdministrativeUnit
from stihub.core.tokens import issue
from stihub.monitoring.models import Indicator, Observation, Submission

from .conftest import sign_in

URL = "/api/observations/"
LAST_YEAR = 2024  # a year in the past whatever today is


@pytest.fixture
def indicators(users, agency, agency_b):
    """Indicators of agency A (SCT_TEST): yearly, quarterly, by commune and by sector; one of
    agency B; one without a responsible agency."""

    def make(code, **rules):
        return Indicator.objects.create(code=code, name=code, **rules)

    province = AdministrativeUnit.objects.create(
        code=40, name="Nghệ An", division_type="province", codename="nghe_an"
    )
    AdministrativeUnit.objects.create(
        code=16681, name="Phường Vinh Hưng", division_type="ward", codename="vinh_hung",
        parent=province,
    )  # fmt: skip
    return {
        "yearly": make("A_YEARLY", agency=agency, value_min=0, value_max=1000, jump_tolerance=0.5),
        "count": make("A_COUNT", agency=agency, integer=True),
        "quarterly": make("A_QUARTERLY", agency=agency, frequency="quarter"),
        "communes": make("A_COMMUNES", agency=agency, breakdown="area"),
        "sectors": make(
            "A_SECTORS", agency=agency, breakdown="sector", sectors=["Công nghiệp", "Nông nghiệp"]
        ),
        "of_b": make("B_YEARLY", agency=agency_b),
        "nobody": make("NO_AGENCY"),
    }


@pytest.fixture
def api(client, users):
    """post(name, url, body) and get(name, url) as the named user by API token; name None:
    anonymous."""
    keys = {}

    def headers(name):
        if name is None:
            return {}
        if name not in keys:
            keys[name] = issue(users[name])
        return {"HTTP_AUTHORIZATION": f"Token {keys[name]}"}

    class Api:
        def post(self, name, url, body):
            return client.post(url, body, content_type="application/json", **headers(name))

        def get(self, name, url):
            return client.get(url, **headers(name))

    return Api()


def report(api, name="reporter", **fields):
    body = {"indicator": "A_YEARLY", "year": LAST_YEAR, "value": 42, **fields}
    return api.post(name, URL, body)


def approved(indicator, year, value, period="", area=""):
    return Observation.objects.create(
        indicator=indicator, year=year, period=period, area=area, value=value, status="approved"
    )


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {o["id"] for o in response.json()["results"]}


# -- POST /api/observations/ ------------------------------------------------------------------


def test_a_reporter_reports_a_value_of_their_agency(api, users, indicators, agency):
    body = {
        "indicator": "A_YEARLY",
        "year": LAST_YEAR,
        "value": 42.5,
        "area": "",
        "period": "",
        "note": "Số liệu sơ bộ",
    }
    response = api.post("reporter", URL, body)
    assert response.status_code == 201, response.content
    revision = Observation.objects.get()
    assert response.json() == {
        "id": revision.pk,
        "indicator": "A_YEARLY",
        "year": LAST_YEAR,
        "period": "",
        "area": "",
        "value": 42.5,
        "note": "Số liệu sơ bộ",
        "source": "",
        "agency": "SCT_TEST",
        "is_sample": False,
        "status": "submitted",
        "review_comment": "",
    }
    assert revision.reported_by == users["reporter"] and revision.submitted_at is not None
    submission = revision.submission
    assert (submission.channel, submission.agency, submission.created_by) == (
        "api",
        agency,
        users["reporter"],
    )
    assert not submission.approved_at_once


def test_a_value_for_a_quarter_and_by_commune_code_and_sector(api, indicators):
    assert report(api, indicator="A_QUARTERLY", period="Q2").json()["period"] == "Q2"
    # the commune given by its official code is stored by its name
    by_code = report(api, indicator="A_COMMUNES", area="16681")
    assert by_code.status_code == 201 and by_code.json()["area"] == "Phường Vinh Hưng"
    assert report(api, indicator="A_COMMUNES", area="Phường Vinh Hưng").status_code == 201
    assert report(api, indicator="A_SECTORS", area="Nông nghiệp").json()["area"] == "Nông nghiệp"
    assert Observation.objects.filter(status="submitted").count() == 4


def test_dost_reports_for_any_agency(api, indicators, agency_b):
    for code, agency in (("B_YEARLY", "VIEN_TEST"), ("NO_AGENCY", None)):
        response = report(api, "dost", indicator=code)
        assert response.status_code == 201
        assert (response.json()["status"], response.json()["agency"]) == ("submitted", agency)


@pytest.mark.parametrize(
    "name, code",
    [
        ("reporter_b", "A_YEARLY"),  # agency B's reporter, agency A's indicator
        ("reporter", "B_YEARLY"),
        ("reporter", "NO_AGENCY"),  # no responsible agency: DOST only
    ],
)
def test_an_indicator_of_another_agency_is_refused(api, indicators, name, code):
    # the value is bad too: the refusal comes first and names the indicator
    response = report(api, name, indicator=code, value="not a number")
    assert response.status_code == 403
    assert code in response.json()["detail"]
    assert not Observation.objects.exists() and not Submission.objects.exists()


@pytest.mark.parametrize("name", [None, "expert", "outsider"])
def test_only_reporters_and_dost_may_report(api, indicators, name):
    assert report(api, name).status_code == 403
    assert not Observation.objects.exists()


@pytest.mark.parametrize(
    "fields, refused",
    [
        ({"indicator": "NO_SUCH_CODE"}, "indicator"),
        ({"indicator": None}, "indicator"),
        ({"year": "2024a"}, "year"),
        ({"year": 2024.5}, "year"),
        ({"year": 9999}, "year"),  # in the future
        ({"year": True}, "year"),
        ({"value": "forty-two"}, "value"),
        ({"value": True}, "value"),  # not read as 1
        ({"value": 1000.5}, "value"),  # above the indicator's largest, 1000
        ({"value": -1}, "value"),  # below its smallest, 0
        ({"indicator": "A_COUNT", "value": 2.5}, "value"),  # whole numbers only
        ({"period": "Q4"}, "period"),  # no such period
        ({"period": "Q1"}, "period"),  # a yearly indicator has no quarters
        ({"indicator": "A_QUARTERLY", "period": "H1"}, "period"),  # quarters, not halves
        ({"area": "Phường Vinh Hưng"}, "area"),  # A_YEARLY is not broken down
        ({"indicator": "A_COMMUNES", "area": "Xã Không Có"}, "area"),
        ({"indicator": "A_COMMUNES", "area": "40"}, "area"),  # the province: not commune-level
        ({"indicator": "A_SECTORS", "area": "Dịch vụ"}, "area"),  # not one of its sectors
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(api, indicators, fields, refused):
    response = report(api, **fields)
    assert response.status_code == 400
    assert list(response.json()) == [refused] and response.json()[refused]
    assert not Observation.objects.exists() and not Submission.objects.exists()


def test_every_bad_field_is_named_at_once(api, indicators):
    response = api.post("reporter", URL, {"indicator": "A_YEARLY", "year": "x", "period": "Q9"})
    assert response.status_code == 400
    assert set(response.json()) == {"year", "value", "period"}
    assert api.post("reporter", URL, [1, 2]).status_code == 400  # not an object
    assert not Observation.objects.exists()


def test_errors_follow_the_language_of_the_session(api, indicators, client):
    # Vietnamese unless the user chose English (the language cookie); the browser's wish is not
    # followed (core/middleware.py). DRF's own message, translated by DRF.
    body = {"indicator": "A_YEARLY", "year": LAST_YEAR}
    assert api.post("reporter", URL, body).json()["value"] == ["Trường này là bắt buộc."]
    client.cookies["django_language"] = "en"
    assert api.post("reporter", URL, body).json()["value"] == ["This field is required."]


def test_a_jump_beyond_the_tolerance_needs_an_explanation(api, indicators):
    # tolerance 0.5: from 100 the year before, 150 is +50 % (allowed), 151 is beyond it
    approved(indicators["yearly"], LAST_YEAR - 1, 100)
    assert report(api, value=150).status_code == 201
    response = report(api, value=151)
    assert response.status_code == 400 and list(response.json()) == ["value"]
    assert "100" in response.json()["value"][0]
    assert Observation.objects.filter(value=151).count() == 0
    explained = report(api, value=151, explanation="Nhà máy mới đi vào hoạt động")
    assert explained.status_code == 201
    revision = Observation.objects.get(pk=explained.json()["id"])
    assert revision.explanation == "Nhà máy mới đi vào hoạt động"


def test_a_session_must_send_its_csrf_token_a_token_need_not(users, indicators):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, users["reporter"])
    body = {"indicator": "A_YEARLY", "year": LAST_YEAR, "value": 1}
    assert browser.post(URL, body, content_type="application/json").status_code == 403
    assert not Observation.objects.exists()
    system = Client(enforce_csrf_checks=True)
    token = {"HTTP_AUTHORIZATION": f"Token {issue(users['reporter'])}"}
    assert system.post(URL, body, content_type="application/json", **token).status_code == 201


# -- approve and return -----------------------------------------------------------------------


@pytest.fixture
def submitted(api, indicators):
    """A submitted revision of A_YEARLY for LAST_YEAR (42), replacing an approved 40."""
    old = approved(indicators["yearly"], LAST_YEAR, 40)
    response = report(api, value=42)
    assert response.status_code == 201
    return old, Observation.objects.get(pk=response.json()["id"])


def test_dost_approves_a_submitted_value(api, users, submitted):
    old, revision = submitted
    response = api.post("dost", f"{URL}{revision.pk}/approve/", {"comment": "Đã kiểm tra"})
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["status"]) == (revision.pk, "approved")
    revision.refresh_from_db()
    old.refresh_from_db()
    assert (revision.status, revision.reviewed_by) == ("approved", users["dost"])
    assert revision.review_comment == "Đã kiểm tra"
    assert old.status == "superseded"
    # approving again: it is not submitted any more
    again = api.post("dost", f"{URL}{revision.pk}/approve/", {})
    assert again.status_code == 409 and again.json()["detail"]


def test_dost_returns_a_value_with_a_comment(api, users, submitted):
    old, revision = submitted
    url = f"{URL}{revision.pk}/return/"
    for body in ({}, {"comment": "   "}):
        response = api.post("dost", url, body)
        assert response.status_code == 400 and list(response.json()) == ["comment"]
    revision.refresh_from_db()
    assert revision.status == "submitted"
    response = api.post("dost", url, {"comment": "Kiểm tra lại số liệu quý IV"})
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    assert response.json()["review_comment"] == "Kiểm tra lại số liệu quý IV"
    old.refresh_from_db()
    assert old.status == "approved"  # the value in force stays
    assert api.post("dost", url, {"comment": "again"}).status_code == 409


@pytest.mark.parametrize("name", ["reporter", "reporter_b", "expert", None])
def test_only_dost_reviews(api, submitted, name):
    _old, revision = submitted
    for verb in ("approve", "return"):
        response = api.post(name, f"{URL}{revision.pk}/{verb}/", {"comment": "ok"})
        assert response.status_code == 403
    revision.refresh_from_db()
    assert revision.status == "submitted"


def test_reviewing_an_unknown_id_is_404(api, indicators):
    assert api.post("dost", f"{URL}999999/approve/", {}).status_code == 404
    assert api.post("dost", f"{URL}abc/approve/", {}).status_code == 404


# -- who reads what ---------------------------------------------------------------------------


@pytest.fixture
def revisions(indicators, users, agency, agency_b):
    """Revisions of every status: approved and superseded for A and B, A's submitted and draft,
    and B's submitted."""

    def make(indicator, status, reporting_agency, value):
        return Observation.objects.create(
            indicator=indicator, year=LAST_YEAR, value=value, status=status, agency=reporting_agency
        )

    a, b = indicators["yearly"], indicators["of_b"]
    return {
        "a_superseded": make(a, "superseded", agency, 1),
        "a_approved": make(a, "approved", agency, 2),
        "a_submitted": make(a, "submitted", agency, 3),
        "a_draft": make(a, "draft", agency, 4),
        "b_approved": make(b, "approved", agency_b, 5),
        "b_submitted": make(b, "submitted", agency_b, 6),
    }


def pks(revisions, *names) -> set[int]:
    return {revisions[name].pk for name in names}


def test_the_public_sees_approved_values_only(api, revisions):
    published = pks(revisions, "a_approved", "b_approved")
    assert ids(api.get(None, URL)) == published
    for name in ("a_submitted", "a_draft", "a_superseded", "b_submitted"):
        assert api.get(None, f"{URL}{revisions[name].pk}/").status_code == 404
    assert api.get(None, f"{URL}{revisions['a_approved'].pk}/").json()["status"] == "approved"
    for status in ("submitted", "draft", "returned", "superseded"):
        assert ids(api.get(None, f"{URL}?status={status}")) == set()
    assert ids(api.get(None, f"{URL}?status=approved")) == published
    # signed in without a reporting role: the same as the public
    assert ids(api.get("expert", f"{URL}?status=submitted")) == set()


def test_a_reporter_sees_their_agencys_revisions(api, revisions):
    everything_a = ("a_superseded", "a_approved", "a_submitted", "a_draft")
    assert ids(api.get("reporter", URL)) == pks(revisions, *everything_a, "b_approved")
    assert ids(api.get("reporter", f"{URL}?status=submitted")) == pks(revisions, "a_submitted")
    assert ids(api.get("reporter", f"{URL}?status=draft")) == pks(revisions, "a_draft")
    assert ids(api.get("reporter_b", f"{URL}?status=submitted")) == pks(revisions, "b_submitted")
    # reporter B cannot read A's revisions in review, even by id
    for name in ("a_submitted", "a_draft", "a_superseded"):
        url = f"{URL}{revisions[name].pk}/"
        assert api.get("reporter_b", url).status_code == 404
        assert api.get("reporter", url).status_code == 200


def test_dost_sees_every_revision_and_filters_by_status(api, revisions):
    assert ids(api.get("dost", URL)) == set(pks(revisions, *revisions))
    submitted = pks(revisions, "a_submitted", "b_submitted")
    assert ids(api.get("dost", f"{URL}?status=submitted")) == submitted
    assert ids(api.get("dost", f"{URL}?status=superseded")) == pks(revisions, "a_superseded")
    assert ids(api.get("dost", f"{URL}?status=submitted&agency=VIEN_TEST")) == pks(
        revisions, "b_submitted"
    )
    assert api.get("dost", f"{URL}?status=pending").status_code == 400


def test_a_reported_value_reaches_the_public_only_once_approved(api, indicators):
    revision = report(api, value=7).json()["id"]
    assert ids(api.get(None, URL)) == set()
    api.post("dost", f"{URL}{revision}/approve/", {})
    assert ids(api.get(None, URL)) == {revision}
