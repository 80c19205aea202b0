"""Personal data protection (Nghị định 13/2023/NĐ-CP): consent decides who the public sees, staff
views of restricted fields are logged and reviewable, a person's data can be exported and
erased (keeping anonymised counts), and — the walk — no anonymous page or API answer carries
a restricted value or a non-consenting person."""

import contextlib
import html
import io
import json
import re
from collections import Counter
from datetime import date

import openpyxl
import pytest
from django.urls import get_resolver, reverse

from stihub.engines.text import fold
from stihub.registry.choices import Access
from stihub.registry.models import (
    Affiliation,
    Consent,
    Enterprise,
    Expert,
    FieldOfScience,
    Infrastructure,
    IPObject,
    Organization,
    PersonalDataAccess,
)
from stihub.registry.personal import erase_person, record_consent
from stihub.registry.registries import REGISTRIES

from . import test_permissions
from .conftest import sign_in
from .test_permissions import TABLE, routes, url_of

world = test_permissions.world  # the fixture whose records url_of builds addresses from

EVIDENCE = "Phiếu đồng ý ký ngày 02/12/2026"


def make_person(dost, name, *, consent=(), fields=("2.2",), **values):
    """An expert with `values`; `consent` the decisions recorded in order (True/False)."""
    values = {"location": "province", "degree": "TS", "gender": "male", **values}
    person = Expert.objects.create(full_name=name, **values)
    person.fields.set(FieldOfScience.objects.filter(code__in=fields))
    for given in consent:
        record_consent(person, user=dost, given=given, evidence=EVIDENCE)
    person.refresh_from_db()
    return person


def restricted(email, phone, hometown, birth_year):
    return {"email": email, "phone": phone, "hometown": hometown, "birth_year": birth_year}


@pytest.fixture
def people(users):
    """Consenting and non-consenting people whose restricted fields carry values found nowhere
    else, with an organization, enterprise, IP and infrastructure linked to them."""
    dost = users["dost"]
    institute = Organization.objects.create(
        code="VIEN-THU", name="Viện Nghiên cứu Thử Nghiệm", kind="st_organization"
    )
    consenting = [
        make_person(
            dost,
            "Nguyễn Công Khai",
            consent=[True],
            organization=institute,
            orcid="0000-0002-1825-0097",
            **restricted("zq7-secret@example.org", "0999 123 457", "Làng Bí Mật Xyz", 1937),
        ),
        make_person(
            dost,
            "Trần Thị Đồng Thuận",
            consent=[True],
            degree="ThS",
            **restricted("kx9.hidden@example.net", "+84 912 000 731", "Xóm Kín Đáo Qpr", 1941),
        ),
    ]
    hidden = [
        make_person(
            dost,
            "Phạm Không Đồng Ý",
            organization=institute,
            position="Trưởng phòng thí nghiệm",
            **restricted("nv3-noconsent@example.com", "0988 765 431", "Thôn Ẩn Mình Wxy", 1953),
        ),
        make_person(
            dost,
            "Lý Rút Lại Vbn",
            consent=[True, False],
            organization=institute,
            **restricted("wd5-withdrawn@example.com", "0977 111 229", "Bản Rút Lui Jkl", 1949),
        ),
        make_person(
            dost,
            "Hoàng Đã Xoá Zyx",
            consent=[True],
            organization=institute,
            **restricted("er8-erased@example.com", "0966 222 337", "Phường Đã Quên Mno", 1944),
        ),
    ]
    Affiliation.objects.create(
        expert=hidden[0], organization=institute, position="Nghiên cứu viên", start_year=2001
    )
    Affiliation.objects.create(expert=consenting[0], organization=institute, start_year=1999)
    enterprise = Enterprise.objects.create(
        tax_code="2900325526", name="Công ty Cổ phần Công Nghệ Thử", st_cert_date=date(2024, 5, 6)
    )
    for number, person in enumerate([*consenting, *hidden]):
        IPObject.objects.create(
            kind="invention",
            application_no=f"1-2025-7{number:04d}",
            filed_on=date(2024, 1, 2),
            title=f"Sáng chế thử số {number}",
            applicant_name=person.full_name,
            applicant_expert=person,
            status="granted",
            grant_no=f"1-00{number:05d}",
            granted_on=date(2025, 3, 4),
        )
    IPObject.objects.create(
        kind="trademark",
        application_no="4-2025-79999",
        filed_on=date(2024, 2, 3),
        title="Nhãn hiệu thử",
        applicant_name=enterprise.name,
        applicant_enterprise=enterprise,
        status="granted",
    )
    Infrastructure.objects.create(
        kind="laboratory", name="Phòng thí nghiệm Thử", organization=institute, contact="Phòng HC"
    )
    erased_name = hidden[2].full_name
    erase_person(hidden[2], user=dost, reason="Yêu cầu ngày 01/12/2026")
    return {"consenting": consenting, "hidden": hidden, "erased_name": erased_name}


def needles(people) -> list[str]:
    """What must never reach the public: every restricted value, every hidden person's name."""
    found = [people["erased_name"]]
    for person in people["consenting"] + people["hidden"]:
        found += [person.email, person.phone, person.hometown, str(person.birth_year or "")]
    found += [p.full_name for p in people["hidden"][:2]]
    return [n for n in found if n]


def leaks(text: str, wanted: list[str]) -> list[str]:
    """The needles found in `text`: as written, without marks, phones without spaces; a year
    only as a number of its own (not inside 12.1937 or 19370)."""
    text = html.unescape(text)
    folded, digits = f" {fold(text)} ", text.replace(" ", "").replace(".", "")

    def found(n: str) -> bool:
        if n.isdigit():
            return re.search(rf"(?<!\d)(?<!\d[.,]){n}(?!\d|[.,]\d)", text) is not None
        phone = n[0] in "+0" and n.replace(" ", "") in digits
        return n in text or f" {fold(n)} " in folded or phone

    return [n for n in wanted if found(n)]


def body_of(response) -> str:
    """The text a client receives: pages, JSON, CSV, and the XML inside an .xlsx."""
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if raw[:2] == b"PK":  # a workbook: the values of its cells
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        cells = (c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
        return " | ".join(str(c) for c in cells if c is not None)
    text = raw.decode("utf-8", errors="replace")
    if "json" in response.get("Content-Type", ""):
        with contextlib.suppress(ValueError):
            text += json.dumps(json.loads(text), ensure_ascii=False)
    return text


# API route basenames → registry names.
API = {"expert": "experts", "organization": "organizations", "enterprise": "enterprises"}
API |= {"ip": "ip", "infrastructure": "infrastructure"}
# Public routes needing arguments this walk cannot build (none today: keep it explicit).
NOT_WALKED: set[str] = set()


def public_urls(w, queries) -> tuple[list[str], set[str]]:
    """Every public GET address: each registry, each record, the list searched for each query."""
    urls, skipped = [], set()
    names = {name for name, _methods, _route in routes(get_resolver().url_patterns)}
    for name in sorted(n for n in names if n and "anonymous" in TABLE.get((n, "GET"), ())):
        base, _dash, action = name.rpartition("-")
        if name in ("registry:list", "registry:detail") or base in API:
            for registry_name, registry in REGISTRIES.items():
                if base in API and API[base] != registry_name:
                    continue
                if name == "registry:list" or action == "list":
                    kwargs = {"registry": registry_name} if name == "registry:list" else {}
                    url = reverse(name, kwargs=kwargs)
                    urls += [url] + [f"{url}?q={q}" for q in queries]
                    urls += [f"{url}?page=2", f"{url}?degree=TS&location=province"]
                else:
                    for pk in registry.model.objects.values_list("pk", flat=True):
                        kwargs = {"pk": pk} | ({"registry": registry_name} if ":" in name else {})
                        urls.append(reverse(name, kwargs=kwargs))
            continue
        try:
            urls.append(url_of(name, w))
        except Exception:  # a route needing arguments url_of does not know
            skipped.add(name)
    return urls, skipped


def test_the_needles_are_right(people, client_for):
    """The walk's needles are what DOST sees: the person's data export carries them all."""
    hidden = people["hidden"][0]
    client = client_for("dost")
    body = body_of(client.get(reverse("registry:person_export", args=[hidden.pk])))
    expected = [hidden.full_name, hidden.email, hidden.phone, hidden.hometown, "1953"]
    assert leaks(body, expected) == expected
    assert leaks("<td>pham khong dong y, 0988765431</td>", expected) == [
        expected[0],
        "0988 765 431",
    ]
    assert leaks("0.1937 | 19370 | 1.937", ["1937"]) == []
    assert leaks("<dd>1937</dd>, năm 1937.", ["1937"]) == ["1937"]
    detail = client.get(reverse("registry:detail", args=["experts", hidden.pk]))
    assert leaks(body_of(detail), expected) == expected  # the staff page shows them too


def test_no_anonymous_page_or_api_answer_shows_restricted_values_or_hidden_people(
    people, world, client, settings
):
    settings.STIHUB_RATE_LIMITS = {}  # hundreds of requests: no rate limit in the way
    wanted = needles(people)
    # Searches for the hidden people and values, by part (a page may echo the query typed:
    # a part is not itself a needle, so only a result carrying the whole value is caught).
    queries = ["Không Đồng", "khong dong", "Phạm", "Rút Lại", "rut lai vbn", "Đã Xoá", "xoa zyx"]
    queries += ["Hoàng", "zq7-secret", "noconsent", "Bí Mật", "an minh", "0999 123", "Viện"]
    queries += ["a", "Nguyễn", "TS"]
    urls, skipped = public_urls(world, queries)
    assert skipped == NOT_WALKED
    found, statuses = [], Counter()
    for language in ("vi", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url in urls:
            response = client.get(url)
            statuses[response.status_code] += 1
            assert response.status_code < 500, url
            for needle in leaks(body_of(response), wanted):
                found.append(f"{url} [{language}]: {needle}")
    assert found == [], "\n".join(found)
    assert statuses[429] == 0
    assert statuses[200] > 0, statuses


def api_ids(client, url) -> set[int]:
    response = client.get(url)
    if response.status_code != 200:
        return set()
    data = response.json()
    return {row["id"] for row in data.get("results", data)}


def test_consent_given_or_withdrawn_decides_public_visibility(users, client):
    person = make_person(users["dost"], "Đặng Văn Chờ", email="cho@example.org")
    detail = reverse("registry:detail", args=["experts", person.pk])
    api_detail = reverse("expert-detail", args=[person.pk])
    # No consent recorded: hidden from the list, the detail page and the API.
    assert person.pk not in api_ids(client, reverse("expert-list"))
    assert client.get(api_detail).status_code == 404
    assert client.get(detail).status_code == 404

    record_consent(person, user=users["dost"], given=True, evidence=EVIDENCE)
    person.refresh_from_db()
    assert person.public_consent is True
    assert person.pk in api_ids(client, reverse("expert-list"))
    assert client.get(api_detail).json()["full_name"] == "Đặng Văn Chờ"
    page = client.get(detail)
    assert page.status_code == 200 and "Đặng Văn Chờ" in page.content.decode()
    assert "cho@example.org" not in page.content.decode()

    record_consent(person, user=users["dost"], given=False, evidence="Thư rút lại 03/12/2026")
    assert Expert.objects.get(pk=person.pk).public_consent is False
    assert person.pk not in api_ids(client, reverse("expert-list"))
    assert client.get(api_detail).status_code == 404
    # Both decisions are kept: who recorded them, for what purpose, on what evidence.
    kept = list(person.consents.order_by("recorded_at", "pk").values_list("given", "evidence"))
    assert kept == [(True, EVIDENCE), (False, "Thư rút lại 03/12/2026")]
    assert set(person.consents.values_list("recorded_by__username", flat=True)) == {"dost"}


def test_the_consent_page_records_a_decision_and_refuses_bad_input(users, client_for):
    person = make_person(users["dost"], "Bùi Thị Hỏi")
    client = client_for("dost")
    url = reverse("registry:consent", args=[person.pk])
    assert client.get(url).status_code == 200
    for bad in ({}, {"purpose": "directory", "given": "yes"}, {"given": "maybe", "evidence": "x"}):
        assert client.post(url, bad).status_code == 400
    assert Consent.objects.filter(expert=person).count() == 0
    answer = client.post(url, {"purpose": "directory", "given": "yes", "evidence": EVIDENCE})
    assert answer.status_code == 302
    assert Expert.objects.get(pk=person.pk).public_consent is True
    page = client.get(url).content.decode()
    assert EVIDENCE in page and "dost" in page


def test_staff_views_are_logged_and_the_log_is_reviewable(users, client_for, client):
    person = make_person(users["dost"], "Vũ Văn Xem", consent=[True], email="xem@example.org")
    other = make_person(users["dost"], "Vũ Thị Khác", consent=[True])
    dost = client_for("dost")
    before = PersonalDataAccess.objects.count()
    dost.get(reverse("registry:person_export", args=[person.pk]))
    detail = dost.get(reverse("registry:detail", args=["experts", person.pk]))
    api = dost.get(reverse("expert-detail", args=[person.pk]))
    rows = PersonalDataAccess.objects.filter(expert=person)
    vias = set(rows.values_list("via", flat=True))
    assert vias == {Access.EXPORT, Access.PAGE, Access.API}
    assert "xem@example.org" in detail.content.decode()
    assert api.json()["email"] == "xem@example.org"
    assert PersonalDataAccess.objects.count() - before == len(rows) >= 1
    assert set(rows.values_list("user__username", flat=True)) == {"dost"}
    assert sorted(rows.first().fields) == sorted(Expert.RESTRICTED)
    PersonalDataAccess.objects.create(
        user=users["admin"], expert=other, expert_ref=other.pk, via=Access.PAGE, fields=["email"]
    )

    log = reverse("registry:access_log")
    page = dost.get(log)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Vũ Văn Xem" in text and "Vũ Thị Khác" in text
    mine = dost.get(log, {"person": person.pk}).content.decode()
    assert "Vũ Văn Xem" in mine and "Vũ Thị Khác" not in mine
    by_admin = dost.get(log, {"user": users["admin"].pk}).content.decode()
    assert "Vũ Thị Khác" in by_admin and "Vũ Văn Xem" not in by_admin
    assert "Vũ Văn Xem" not in dost.get(log, {"since": "2999-01-01"}).content.decode()
    assert dost.get(log, {"since": "not a date"}).status_code == 400
    csv_rows = dost.get(log, {"format": "csv"}).content.decode("utf-8-sig").splitlines()
    assert len(csv_rows) == 1 + PersonalDataAccess.objects.count()
    for role in ("outsider", "expert", "reporter"):
        client.logout()
        sign_in(client, users[role])
        assert client.get(log).status_code == 403
    client.logout()
    assert client.get(log).status_code == 302


def test_a_persons_export_holds_everything_and_is_logged(people, client_for):
    person = people["consenting"][0]
    response = client_for("dost").get(reverse("registry:person_export", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["person"]["email"] == "zq7-secret@example.org"
    assert data["person"]["hometown"] == "Làng Bí Mật Xyz"
    assert data["person"]["birth_year"] == 1937
    assert [f["code"] for f in data["fields_of_science"]] == ["2.2"]
    assert [a["start_year"] for a in data["affiliations"]] == [1999]
    assert [(c["given"], c["evidence"]) for c in data["consents"]] == [(True, EVIDENCE)]
    assert [ip["title"] for ip in data["ip_objects_as_applicant"]] == ["Sáng chế thử số 0"]
    assert [(a["user"], a["via"]) for a in data["access_log"]] == [("dost", Access.EXPORT)]
    assert PersonalDataAccess.objects.filter(expert=person, via=Access.EXPORT).count() == 1


def counts():
    """Experts by degree, by field of science and by location, counted row by row."""
    by_degree, by_field, by_location = Counter(), Counter(), Counter()
    for e in Expert.objects.prefetch_related("fields"):
        by_degree[e.degree] += 1
        by_location[e.location] += 1
        for f in e.fields.all():
            by_field[f.code] += 1
    return by_degree, by_field, by_location


def test_erasure_removes_personal_values_from_the_row_and_the_history(users, client_for):
    dost = users["dost"]
    a = make_person(
        dost,
        "Đinh Văn Xoá",
        consent=[True],
        orcid="0000-0002-1694-233X",
        keywords="thuỷ sản; sinh học",
        position="Giảng viên",
        organization_name="Trường ĐH Thử",
        publications="https://doi.org/10.1/xoa",
        user=users["expert"],
        **restricted("xoa@example.org", "0911 000 111", "Xã Cũ Abc", 1960),
    )
    make_person(dost, "Mai Thị Ở Lại", fields=("1.1",), location="abroad", country="Pháp")
    make_person(dost, "Tô Văn Còn", degree="ThS")
    Affiliation.objects.create(expert=a, organization_name="Viện Cũ", position="Trưởng phòng")
    a.phone = "0911 000 222"  # a second version in the history
    a.save()
    # By hand: degrees TS (Xoá, Ở Lại), ThS (Còn); fields 2.2 (Xoá, Còn), 1.1 (Ở Lại);
    # locations province (Xoá, Còn), abroad (Ở Lại). Erasure must leave these as they are.
    expected = (
        Counter({"TS": 2, "ThS": 1}),
        Counter({"2.2": 2, "1.1": 1}),
        Counter({"province": 2, "abroad": 1}),
    )
    assert counts() == expected

    client = client_for("dost")
    url = reverse("registry:erase", args=[a.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"confirmation": "no", "reason": "x"}).status_code == 400
    assert client.post(url, {}).status_code == 400
    assert Expert.objects.get(pk=a.pk).erased_at is None
    answer = client.post(url, {"confirmation": "ERASE", "reason": "Đơn yêu cầu ngày 01/12/2026"})
    assert answer.status_code == 302

    a.refresh_from_db()
    assert a.erased_at is not None and a.public_consent is False
    assert str(a).endswith(f"#{a.pk})")
    personal = ("full_name", "email", "phone", "hometown", "keywords", "position")
    personal += ("organization_name", "publications")
    assert all(getattr(a, f) == "" for f in personal)
    assert (a.birth_year, a.orcid, a.user_id) == (None, None, None)
    assert not a.affiliations.exists()
    assert counts() == expected
    # Nothing of the person is left in any version of the history.
    secrets = ["Đinh Văn Xoá", "xoa@example.org", "0911 000 111", "0911 000 222", "Xã Cũ Abc"]
    secrets += ["0000-0002-1694-233X", "thuỷ sản", "Giảng viên", "Trường ĐH Thử", "Viện Cũ"]
    secrets += ["dinh van xoa", "doi.org/10.1/xoa"]
    versions = list(Expert.history.model.objects.filter(id=a.pk).values())
    assert len(versions) >= 3  # created, changed, consent, erased: kept, but blank
    assert [
        v for v in versions if leaks(json.dumps(v, default=str, ensure_ascii=False), secrets)
    ] == []
    assert {v["birth_year"] for v in versions} == {None}
    assert {v["user_id"] for v in versions} == {None}
    assert not Affiliation.history.model.objects.filter(expert_id=a.pk).exists()
    # The erasure itself is recorded, without the erased values.
    last = a.consents.order_by("-recorded_at", "-pk").first()
    assert (last.given, last.recorded_by.username) == (False, "dost")
    assert "Đơn yêu cầu ngày 01/12/2026" in last.evidence
    # The old name finds nothing any more, in the database's search form or the public API.
    assert not Expert.objects.filter(search_text__contains=" xoa ").exists()
    assert client.post(url, {"confirmation": "ERASE", "reason": "again"}).status_code == 400
    client.logout()
    for q in ("Đinh Văn Xoá", "dinh van xoa"):
        response = client.get(reverse("expert-list"), {"q": q})
        assert "xoa" not in fold(response.content.decode())
