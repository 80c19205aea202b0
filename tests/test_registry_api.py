"""The registries API: `?q=` in relevance order on the contract endpoints, restricted fields
absent for the public and present (and logged) for DOST, malformed parameters refused (400)."""

import pytest

from stihub.registry.models import (
    Enterprise,
    Expert,
    IPObject,
    Organization,
    PersonalDataAccess,
)

pytestmark = pytest.mark.django_db

SECRETS = {"email": "an@secret.vn", "phone": "0912345678", "birth_year": 1971, "hometown": "Xã Bí"}


@pytest.fixture
def records(db):
    public = {"location": "province", "public_consent": True}
    an = Expert.objects.create(full_name="Nguyễn Văn An", **public, **SECRETS)
    anh = Expert.objects.create(full_name="Nguyễn Văn Anh", keywords="vật liệu", **public)
    tu = Expert.objects.create(full_name="An Văn Tú", **public)
    hidden = Expert.objects.create(full_name="Nguyễn Văn Ẩn", location="province")
    Organization.objects.create(code="DHV", name="Trường Đại học Vinh", kind="university")
    Organization.objects.create(code="VKH", name="Viện Khoa học Vinh Đông", kind="st_organization")
    Organization.objects.create(code="VNN", name="Viện Nông nghiệp", kind="st_organization",
                                short_name="Vinh")  # fmt: skip
    for tax, name in [("0100109106", "Công ty Đông Dược"), ("0100109107", "Công ty Dược Đông")]:
        Enterprise.objects.create(tax_code=tax, name=name, st_cert_date="2024-01-02")
    Enterprise.objects.create(tax_code="0100109108", name="Công ty Dược Hà")  # not public
    for no, title, status in [
        ("1-2020-00001", "Phương pháp chiết xuất tinh dầu", "granted"),
        ("1-2020-00002", "Tinh dầu sả", "granted"),
        ("1-2020-00003", "Tinh dầu bưởi", "filed"),  # not public
    ]:
        IPObject.objects.create(kind="invention", application_no=no, filed_on="2020-05-01",
                                title=title, applicant_name="Công ty X", status=status)  # fmt: skip
    return {"an": an, "anh": anh, "tu": tu, "hidden": hidden}


def listed(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_contract_endpoints_answer_in_relevance_order(client, records):
    # "nguyen van an": the whole name (An) > the name starting with it (Anh); Ẩn not public
    found = listed(client, "/api/experts/", q="nguyen van an")
    assert [e["full_name"] for e in found] == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    # "an": starts the name (An Văn Tú) > whole word (…An) > start of a word (…Anh)
    found = listed(client, "/api/experts/", q="an")
    assert [e["full_name"] for e in found] == ["An Văn Tú", "Nguyễn Văn An", "Nguyễn Văn Anh"]
    # "vinh": whole last word of a name: "Trường Đại học Vinh" (tier 2) and "Viện Khoa học Vinh
    # Đông" (tier 2; alphabetical after T) > only in the short name (Viện Nông nghiệp, tier 5)
    found = listed(client, "/api/organizations/", q="vinh")
    assert [o["code"] for o in found] == ["DHV", "VKH", "VNN"]
    # "duoc dong": name "Công ty Dược Đông" holds the phrase (tier 2) > "Đông Dược" both words
    found = listed(client, "/api/enterprises/", q="duoc dong")
    assert [e["tax_code"] for e in found] == ["0100109107", "0100109106"]
    # "tinh dau": starts "Tinh dầu sả" (tier 1) > inside the other title (tier 2); bưởi not granted
    found = listed(client, "/api/ip/", q="tinh dau")
    assert [i["application_no"] for i in found] == ["1-2020-00002", "1-2020-00001"]


def test_anonymous_callers_never_get_restricted_fields(client, records):
    for path in ("/api/experts/", f"/api/experts/{records['an'].pk}/"):
        text = client.get(path).content.decode()
        for value in SECRETS.values():
            assert str(value) not in text
    one = client.get(f"/api/experts/{records['an'].pk}/").json()
    assert not set(Expert.RESTRICTED) & set(one)
    assert client.get(f"/api/experts/{records['hidden'].pk}/").status_code == 404
    assert "Ẩn" not in client.get("/api/experts/", {"q": "an"}).content.decode()
    assert PersonalDataAccess.objects.count() == 0


def test_dost_gets_restricted_fields_and_each_view_is_logged(client_for, records, users):
    client = client_for("dost")
    # DOST sees the non-consenting Ẩn too: An and Ẩn both are the whole name, a < â
    found = listed(client, "/api/experts/", q="nguyen van an")
    assert [e["full_name"] for e in found] == ["Nguyễn Văn An", "Nguyễn Văn Ẩn", "Nguyễn Văn Anh"]
    assert {k: found[0][k] for k in SECRETS} == SECRETS
    logged = PersonalDataAccess.objects.filter(user=users["dost"], via="api")
    assert sorted(logged.values_list("expert_ref", flat=True)) == sorted(
        [records["an"].pk, records["anh"].pk, records["hidden"].pk]
    )
    client.get(f"/api/experts/{records['hidden'].pk}/")
    assert logged.filter(expert_ref=records["hidden"].pk).count() == 2
    assert set(logged.first().fields) == set(Expert.RESTRICTED)


@pytest.mark.parametrize(
    "path, params",
    [
        ("/api/experts/", {"degree": "doctor"}),
        ("/api/experts/", {"location": ""}),
        ("/api/experts/", {"role": "boss"}),
        ("/api/experts/", {"field": "not a code!"}),
        ("/api/experts/", {"q": "x" * 201}),
        ("/api/experts/", {"q": "an\x00"}),
        ("/api/experts/", {"limit": "0"}),
        ("/api/organizations/", {"commune": "abc"}),
        ("/api/organizations/", {"commune": "99999999999"}),
        ("/api/organizations/", {"kind": "club"}),
        ("/api/enterprises/", {"status": "famous"}),
        ("/api/enterprises/", {"size": "huge"}),
        ("/api/ip/", {"year": "20x0"}),
        ("/api/ip/", {"year": "99999"}),
        ("/api/infrastructure/", {"shared_use": "always"}),
    ],
)
def test_malformed_parameters_are_refused(client, records, path, params):
    response = client.get(path, params)
    assert response.status_code == 400, (params, response.status_code)


def test_facet_filters_in_the_api(client, records):
    assert listed(client, "/api/enterprises/", status="startup") == []
    assert len(listed(client, "/api/enterprises/", status="certified")) == 2
    assert len(listed(client, "/api/ip/", year="2020")) == 2
    assert listed(client, "/api/ip/", year="2021") == []
    assert listed(client, "/api/organizations/", commune="12345") == []


def test_a_missing_website_is_null_not_an_empty_uri(client, db):
    # Found by schemathesis: the schema says "uri", and "" is not one.
    from stihub.registry.models import Organization

    Organization.objects.create(code="khong-web", name="Không có web", kind="other")
    Organization.objects.create(
        code="co-web", name="Có web", kind="other", website="https://vi.example.org/"
    )
    websites = {
        r["code"]: r["website"] for r in client.get("/api/organizations/").json()["results"]
    }
    assert websites == {"khong-web": None, "co-web": "https://vi.example.org/"}
