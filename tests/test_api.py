"""The REST API: public reads, targets with progress, filters, no writes, OpenAPI docs."""

from stihub.monitoring.models import Indicator, Observation


def test_targets_carry_their_progress(client, nghe_an):
    Observation.objects.create(
        status="approved", indicator=Indicator.objects.get(code="PII_RANK"), year=2024, value=37
    )
    data = client.get("/api/targets/?resolution=" + nghe_an.code).json()
    assert data["count"] == 10
    pii = next(t for t in data["results"] if t["indicator"] == "PII_RANK")
    assert pii["progress"]["status"] == "regressing"
    assert pii["progress"]["latest"] == {"year": 2024, "value": 37.0}
    assert pii["progress"]["explanation"]


def test_observations_filter_headline_and_years(client, nghe_an):
    indicator = Indicator.objects.get(code="IP_REGISTRATIONS")
    for year in (2023, 2024, 2025):
        Observation.objects.create(status="approved", indicator=indicator, year=year, value=300)
    Observation.objects.create(
        status="approved", indicator=indicator, year=2025, area="Phường Vinh Hưng", value=30
    )
    url = "/api/observations/?indicator=IP_REGISTRATIONS&year_from=2024&headline=true"
    assert [o["year"] for o in client.get(url).json()["results"]] == [2024, 2025]


def test_api_refuses_writes(client_for, nghe_an):
    client = client_for("dost")
    assert client.post("/api/resolutions/", {"code": "X"}).status_code in (403, 405)
    assert client.delete(f"/api/resolutions/{nghe_an.code}/").status_code in (403, 405)


def test_openapi_docs_are_served_locally(client, db):
    assert client.get("/api/schema/").status_code == 200
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page and "//cdn" not in page.lower() and "https://" not in page


def test_openapi_description_in_vietnamese_and_english(client, db):
    vi = client.get("/api/schema/?lang=vi&format=json").json()
    en = client.get("/api/schema/?lang=en&format=json").json()
    assert en["info"]["title"] == "STI Hub API"
    assert "Dữ liệu của nền tảng" in vi["info"]["description"]
    assert "The platform's data" in en["info"]["description"]
    path = "/api/observations/"
    assert vi["paths"][path]["get"]["description"] != en["paths"][path]["get"]["description"]


def test_api_is_versioned_by_media_type(client, db):
    assert client.get("/api/targets/", HTTP_ACCEPT="application/json; version=1").status_code == 200
    assert client.get("/api/targets/", HTTP_ACCEPT="application/json; version=9").status_code == 406


def test_api_refuses_basic_authentication(client, users):
    """Basic auth is off: a guess through the API can neither sign in nor count as a failure."""
    import base64

    from .conftest import PASSWORD

    token = base64.b64encode(f"dost:{PASSWORD}".encode()).decode()
    response = client.get("/api/targets/", HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 200 and response.wsgi_request.user.is_anonymous


def test_a_percent_sign_in_a_refused_code_is_a_400_not_a_500(client, nghe_an):
    # Found by schemathesis: the refusal quoted the value inside its message, and the filter
    # library formats messages with %, so "¡%\x9f|Q`" broke the formatting.
    response = client.get("/api/targets/", {"resolution": "¡%\x9f|Q`"})
    assert response.status_code == 400
    assert "¡%" in response.json()["resolution"][0]
