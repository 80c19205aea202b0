"""The registries' record pages: detail (what each user may see, restricted fields logged),
DOST's create and edit (identifiers checked, all or nothing), the IP status rule and the
manual-entry duplicate warning.

Identifiers used (check digits worked out by hand):
- tax code 0100109106: weights 31,29,23,19,17,13,7,5,3 on 0,1,0,0,1,0,9,1,0 give
  29+17+63+5 = 114; 114 mod 11 = 4; 10 - 4 = 6 → valid; 0100109107 has the wrong check digit.
- tax code 2900326142: 62+261+51+26+42+5+12 = 459; 459 mod 11 = 8; 10 - 8 = 2 → valid.
- ORCID 0000-0002-1825-0097 is ORCID's own example (ISO 7064 MOD 11-2 check "7"); ending in
  8 instead fails the check.
- VSIC 1079: division 10 (food processing) exists; 0410: there is no division 04 in VSIC 2018.
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from stihub.core.models import AdministrativeUnit
from stihub.engines import identifiers
from stihub.registry import duplicates
from stihub.registry.models import (
    Affiliation,
    Consent,
    DuplicateCandidate,
    Enterprise,
    Expert,
    FieldOfScience,
    Industry,
    Infrastructure,
    IPObject,
    IPStatusChange,
    Organization,
    PersonalDataAccess,
    SurveyYear,
)

# Distinctive restricted values: none may appear on a page the public or a non-DOST user sees.
SECRET = {
    "birth_year": 1937,
    "hometown": "Xóm Bí Mật Quỳnh Đôi",
    "email": "hoa.bimat@example.vn",
    "phone": "0987-654-321",
}


def vi(template, **params):
    """A message as the page shows it in Vietnamese (escaped as HTML)."""
    with translation.override("vi"):
        return escape(translation.gettext(template) % params)


@pytest.fixture
def units(db):
    province = AdministrativeUnit.objects.create(code=40, name="Nghệ An", division_type="tinh")
    commune = AdministrativeUnit.objects.create(
        code=16681, name="Phường Trường Vinh", division_type="phuong", parent=province
    )
    other = AdministrativeUnit.objects.create(code=42, name="Hà Tĩnh", division_type="tinh")
    outside = AdministrativeUnit.objects.create(
        code=18070, name="Phường Thành Sen", division_type="phuong", parent=other
    )
    return {"province": province, "commune": commune, "outside": outside}


@pytest.fixture
def world(db, units):
    org = Organization.objects.create(
        code="VIEN-NA", name="Viện Nông nghiệp Nghệ An", kind="st_organization", staff_total=1234
    )
    hoa = Expert.objects.create(
        full_name="Lê Thị Hoa",
        academic_title="PGS",
        degree="TS",
        location="province",
        organization=org,
        orcid="0000-0002-1825-0097",
        roles="reviewer;mentor",
        publications="https://doi.org/10.1000/xyz\njavascript:alert(1)",
        public_consent=True,
        **SECRET,
    )
    hoa.fields.add(FieldOfScience.objects.get(code="2.2"))
    Affiliation.objects.create(expert=hoa, organization_name="Đại học Vinh", start_year=2001)
    hidden = Expert.objects.create(
        full_name="Trần Văn Ẩn Danh", location="province", organization=org, public_consent=False
    )
    certified = Enterprise.objects.create(
        tax_code="0100109106",
        name="Công ty Lúa Vàng",
        vsic="1079",
        commune=units["commune"],
        st_cert_no="KHCN-01",
        st_cert_date=date(2023, 3, 5),
        st_cert_issuer="Sở KH&CN Nghệ An",
    )
    Enterprise.objects.filter(pk=certified.pk).update(industry=Industry.objects.get(code="10"))
    plain = Enterprise.objects.create(tax_code="2900326142", name="Công ty Thường")
    granted = IPObject.objects.create(
        kind="invention",
        application_no="1-2021-00001",
        filed_on=date(2021, 2, 1),
        title="Giống lúa chịu mặn",
        applicant_name="Công ty Lúa Vàng",
        applicant_enterprise=certified,
        status="granted",
        grant_no="1-0030000",
        granted_on=date(2024, 6, 30),
    )
    IPStatusChange.objects.create(ip=granted, status="filed", on=date(2021, 2, 1))
    IPStatusChange.objects.create(ip=granted, status="granted", on=date(2024, 6, 30))
    pending = IPObject.objects.create(
        kind="trademark",
        application_no="4-2024-00002",
        filed_on=date(2024, 1, 2),
        title="Nhãn Chờ Duyệt",
        applicant_name="Công ty Thường",
        status="filed",
    )
    lab = Infrastructure.objects.create(
        kind="laboratory", name="Phòng thí nghiệm Sinh học", organization=org, shared_use="open"
    )
    return {
        "org": org,
        "hoa": hoa,
        "hidden": hidden,
        "certified": certified,
        "plain": plain,
        "granted": granted,
        "pending": pending,
        "lab": lab,
    }


def detail(client, registry, obj):
    return client.get(reverse("registry:detail", args=[registry, obj.pk]))


# --- detail pages -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "outsider", "expert", "reporter"])
def test_restricted_fields_never_shown_outside_dost(client, users, world, role):
    if role != "anonymous":
        client.force_login(users[role])
    page = detail(client, "experts", world["hoa"]).content.decode()
    assert "PGS.TS. Lê Thị Hoa" in page
    assert "0000-0002-1825-0097" in page and "https://orcid.org/0000-0002-1825-0097" in page
    for value in SECRET.values():
        assert str(value) not in page
    assert PersonalDataAccess.objects.count() == 0
    # Consent history and the person's-request links are for staff.
    assert reverse("registry:erase", args=[world["hoa"].pk]) not in page


def test_dost_sees_restricted_fields_and_each_view_is_logged(client_for, users, world):
    client = client_for("dost")
    hoa = world["hoa"]
    Consent.objects.create(
        expert=hoa, purpose="directory", given=True, recorded_by=users["dost"], evidence="Phiếu 7"
    )
    url = reverse("registry:detail", args=["experts", hoa.pk])
    page = client.get(url).content.decode()
    for value in SECRET.values():
        assert str(value) in page
    assert "Phiếu 7" in page  # the consent history
    assert reverse("registry:consent", args=[hoa.pk]) in page
    assert reverse("history", args=["registry", "expert", hoa.pk]) in page
    client.get(url)
    rows = list(PersonalDataAccess.objects.order_by("pk"))
    assert len(rows) == 2  # two views, two rows
    assert rows[0].user == users["dost"] and rows[0].expert_ref == hoa.pk
    assert rows[0].fields == ["birth_year", "hometown", "email", "phone"]
    assert rows[0].via == "page" and rows[0].path == url


def test_only_web_links_become_links(client, world):
    page = detail(client, "experts", world["hoa"]).content.decode()
    assert 'href="https://doi.org/10.1000/xyz"' in page
    assert 'href="javascript:' not in page


def test_non_consenting_person_is_404_for_the_public_and_shown_to_dost(
    client, users, world, client_for
):
    assert detail(client, "experts", world["hidden"]).status_code == 404
    client.force_login(users["outsider"])
    assert detail(client, "experts", world["hidden"]).status_code == 404
    # The organization's page lists its consenting experts only, for the public.
    page = detail(client, "organizations", world["org"]).content.decode()
    assert "Lê Thị Hoa" in page and "Ẩn Danh" not in page
    assert "1.234" in page  # staff 1234 in Vietnamese grouping
    dost = client_for("dost")
    assert detail(dost, "experts", world["hidden"]).status_code == 200
    assert "Ẩn Danh" in detail(dost, "organizations", world["org"]).content.decode()


def test_enterprise_page(client, world, client_for):
    page = detail(client, "enterprises", world["certified"]).content.decode()
    assert "0100109106" in page and "KHCN-01" in page and "05/03/2023" in page
    assert "Sản xuất, chế biến thực phẩm" in page  # the name of VSIC division 10
    assert "1-2021-00001" in page  # its granted IP
    assert detail(client, "enterprises", world["plain"]).status_code == 404  # not certified
    assert detail(client_for("dost"), "enterprises", world["plain"]).status_code == 200


def test_ip_page_links_the_visible_applicant_and_shows_the_steps(client, world, client_for):
    page = detail(client, "ip", world["granted"]).content.decode()
    assert reverse("registry:detail", args=["enterprises", world["certified"].pk]) in page
    assert "01/02/2021" in page and "30/06/2024" in page and "1-0030000" in page
    assert detail(client, "ip", world["pending"]).status_code == 404  # not granted
    page = detail(client_for("dost"), "ip", world["pending"]).content.decode()
    assert "Nhãn Chờ Duyệt" in page
    # The applicant is not a record of the registry: named without a link.
    assert reverse("registry:detail", args=["enterprises", world["plain"].pk]) not in page


def test_infrastructure_page(client, world):
    page = detail(client, "infrastructure", world["lab"]).content.decode()
    assert reverse("registry:detail", args=["organizations", world["org"].pk]) in page
    assert "Phòng thí nghiệm Sinh học" in page


def test_unknown_registry_or_record_is_404(client, world):
    assert client.get("/registry/people/1/").status_code == 404
    assert client.get(reverse("registry:detail", args=["ip", 999999])).status_code == 404


# --- create and edit ----------------------------------------------------------------------


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def expert_data(**extra):
    data = {"full_name": "Nguyễn Văn Bình", "location": "province", **management("affiliations")}
    return {**data, **extra}


def test_create_expert(client_for, world):
    client = client_for("dost")
    field = FieldOfScience.objects.get(code="2.2")
    data = expert_data(
        orcid="https://orcid.org/0000-0002-1825-0097",
        birth_year="1975",
        roles=["mentor", "reviewer"],
        keywords=" lúa ; ; giống ",
        fields=[field.pk],
        **management("affiliations", total=1),
        **{"affiliations-0-organization_name": "Viện X", "affiliations-0-start_year": "2010"},
    )
    world["hoa"].orcid = None  # the ORCID is free for the new person
    world["hoa"].save()
    response = client.post(reverse("registry:create", args=["experts"]), data)
    assert response.status_code == 302, response.context["form"].errors
    binh = Expert.objects.get(full_name="Nguyễn Văn Bình")
    assert response.status_code == 302
    assert response.url == reverse("registry:detail", args=["experts", binh.pk])
    assert binh.orcid == "0000-0002-1825-0097"  # normalised from the URL form
    assert binh.roles == "reviewer;mentor"  # in the vocabulary's order
    assert binh.keywords == "lúa;giống"
    assert list(binh.fields.values_list("code", flat=True)) == ["2.2"]
    assert binh.affiliations.get().organization_name == "Viện X"
    assert binh.public_consent is False  # consent is recorded on its own page
    assert binh.history.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"orcid": "0000-0002-1825-0098"},
            "orcid",
            lambda: vi(identifiers.BAD_ORCID, value="0000-0002-1825-0098"),
        ),
        (
            {"location": "abroad"},
            "country",
            lambda: vi("Give the country of an expert who lives abroad."),
        ),
        ({"birth_year": "1850"}, "birth_year", None),
        ({"roles": ["king"]}, "roles", None),
    ],
)
def test_invalid_expert_writes_nothing(client_for, world, changes, field, message):
    client = client_for("dost")
    before = Expert.objects.count()
    response = client.post(reverse("registry:create", args=["experts"]), expert_data(**changes))
    assert response.status_code == 200
    assert Expert.objects.count() == before
    assert response.context["form"].errors[field]
    if message:
        assert message() in response.content.decode()


def enterprise_data(**extra):
    return {"tax_code": "2900326142", "name": "Công ty Mới", **management("survey"), **extra}


def test_create_enterprise_sets_the_industry_and_survey_years(client_for, world, units):
    client = client_for("dost")
    Enterprise.objects.filter(pk=world["plain"].pk).delete()  # frees tax code 2900326142
    data = enterprise_data(
        vsic="1079",
        commune=units["commune"].pk,
        st_cert_no="KHCN-9",
        st_cert_date="15/08/2025",
        **management("survey", total=1),
        **{"survey-0-year": "2024", "survey-0-rd": "on", "survey-0-rd_fte": "2,5"},
    )
    response = client.post(reverse("registry:create", args=["enterprises"]), data)
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(tax_code="2900326142")
    assert enterprise.industry.code == "10"
    assert enterprise.st_cert_date == date(2025, 8, 15)
    survey = SurveyYear.objects.get(enterprise=enterprise)
    assert (survey.year, survey.rd, survey.rd_fte) == (2024, True, 2.5)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"tax_code": "0100109107"},
            "tax_code",
            lambda u: vi(identifiers.BAD_TAX_CODE, value="0100109107"),
        ),
        (
            {"vsic": "0410"},
            "vsic",
            lambda u: vi(
                "%(value)s is not in VSIC 2018: there is no division %(division)s.",
                value="0410",
                division="04",
            ),
        ),
        ({"vsic": "1a"}, "vsic", lambda u: vi(identifiers.BAD_VSIC, value="1a")),
        (
            {"commune": "province"},
            "commune",
            lambda u: vi("Choose a commune or ward of the province from the list."),
        ),
        ({"tax_code": "0100109106"}, "tax_code", None),  # already in the registry
    ],
)
def test_invalid_enterprise_writes_nothing(client_for, world, units, changes, field, message):
    client = client_for("dost")
    if changes.get("commune"):
        changes = {"commune": units[changes["commune"]].pk}
    data = enterprise_data(
        **management("survey", total=1),
        **{"survey-0-year": "2024"},
    )
    Enterprise.objects.filter(pk=world["plain"].pk).delete()
    before = Enterprise.objects.count(), SurveyYear.objects.count()
    response = client.post(reverse("registry:create", args=["enterprises"]), {**data, **changes})
    assert response.status_code == 200
    assert (Enterprise.objects.count(), SurveyYear.objects.count()) == before
    assert response.context["form"].errors[field]
    if message:
        assert message(units) in response.content.decode()


def test_commune_outside_the_province(client_for, world, units, settings):
    settings.STIHUB_PROVINCE_CODE = 40
    client = client_for("dost")
    data = {"code": "VIEN-B", "name": "Viện B", "kind": "st_organization", **management("survey")}
    url = reverse("registry:create", args=["organizations"])
    response = client.post(url, {**data, "commune": units["outside"].pk})
    assert response.status_code == 200 and not Organization.objects.filter(code="VIEN-B").exists()
    assert (
        vi("Choose a commune or ward of the province from the list.") in response.content.decode()
    )
    response = client.post(url, {**data, "commune": units["commune"].pk})
    assert response.status_code == 302
    assert Organization.objects.get(code="VIEN-B").commune == units["commune"]


def test_edit_organization_and_its_survey_years(client_for, world, units):
    client = client_for("dost")
    org = world["org"]
    url = reverse("registry:edit", args=["organizations", org.pk])
    assert client.get(url).status_code == 200
    data = {
        "code": org.code,
        "name": "Viện Nông nghiệp (tên mới)",
        "kind": "university",
        "staff_total": "10",
        "staff_phd": "11",
        **management("survey", total=1),
        **{"survey-0-year": "2023", "survey-0-innovation": "on"},
    }
    response = client.post(url, data)
    assert response.status_code == 200  # more doctors than staff
    assert vi("More than the whole staff (%(total)s).", total=10) in response.content.decode()
    assert not org.survey_years.exists()
    response = client.post(url, {**data, "staff_phd": "3"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.kind, org.staff_phd) == ("Viện Nông nghiệp (tên mới)", "university", 3)
    assert org.survey_years.get().innovation is True
    assert org.history.count() == 2  # created, then changed


def ip_data(**extra):
    return {
        "kind": "utility_solution",
        "application_no": "2-2025-00009",
        "filed_on": "10/01/2025",
        "title": "Máy sấy nông sản",
        "applicant_name": "Công ty Lúa Vàng",
        "applicant_enterprise": "0100109106",
        **management("steps"),
        **extra,
    }


def steps(*rows, initial=0):
    data = management("steps", total=len(rows), initial=initial)
    for i, row in enumerate(rows):
        data.update({f"steps-{i}-{k}": v for k, v in row.items()})
    return data


def test_ip_status_follows_the_latest_step(client_for, world):
    client = client_for("dost")
    # Entered out of order: granted on 20/11/2025 is the latest step, whatever the row order.
    data = ip_data(
        **steps(
            {"status": "granted", "on": "20/11/2025"},
            {"status": "filed", "on": "10/01/2025"},
            {"status": "published", "on": "25/04/2025"},
        )
    )
    response = client.post(reverse("registry:create", args=["ip"]), data)
    assert response.status_code == 302
    ip = IPObject.objects.get(application_no="2-2025-00009")
    assert ip.status == "granted" and ip.applicant_enterprise == world["certified"]
    assert ip.status_changes.count() == 3
    # Edit: delete the grant; the application is back at "published".
    changes = list(ip.status_changes.order_by("on"))
    rows = [
        {"id": c.pk, "ip": ip.pk, "status": c.status, "on": c.on.strftime("%d/%m/%Y")}
        for c in changes
    ]
    rows[-1]["DELETE"] = "on"
    response = client.post(
        reverse("registry:edit", args=["ip", ip.pk]), ip_data(**steps(*rows, initial=3))
    )
    assert response.status_code == 302
    ip.refresh_from_db()
    assert ip.status == "published" and ip.status_changes.count() == 2


def test_ip_without_steps_is_filed_on_its_date(client_for, world):
    client = client_for("dost")
    response = client.post(reverse("registry:create", args=["ip"]), ip_data())
    assert response.status_code == 302
    ip = IPObject.objects.get(application_no="2-2025-00009")
    assert ip.status == "filed"
    assert list(ip.status_changes.values_list("status", "on")) == [("filed", date(2025, 1, 10))]


def test_ip_with_unknown_applicant_tax_code_writes_nothing(client_for, world):
    client = client_for("dost")
    response = client.post(
        reverse("registry:create", args=["ip"]), ip_data(applicant_enterprise="0000000000")
    )
    assert response.status_code == 200
    assert not IPObject.objects.filter(application_no="2-2025-00009").exists()
    assert response.context["form"].errors["applicant_enterprise"]


def test_create_and_edit_infrastructure(client_for, world):
    client = client_for("dost")
    url = reverse("registry:create", args=["infrastructure"])
    data = {"kind": "equipment", "name": "Máy giải trình tự gen", "shared_use": "on_request"}
    response = client.post(url, data)  # no owner
    assert response.status_code == 200 and not Infrastructure.objects.filter(kind="equipment")
    assert vi("Give the owner: an organization or an enterprise.") in response.content.decode()
    response = client.post(url, {**data, "enterprise": "0100109106"})
    assert response.status_code == 302
    item = Infrastructure.objects.get(kind="equipment")
    assert item.enterprise == world["certified"]
    edit = reverse("registry:edit", args=["infrastructure", item.pk])
    response = client.post(edit, {**data, "enterprise": "0100109106", "shared_use": "open"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.shared_use == "open"


def test_empty_posts_answer_a_form_not_an_error(client_for, world):
    client = client_for("dost")
    for name, obj in [
        ("experts", world["hoa"]),
        ("organizations", world["org"]),
        ("enterprises", world["certified"]),
        ("ip", world["granted"]),
        ("infrastructure", world["lab"]),
    ]:
        assert client.post(reverse("registry:create", args=[name])).status_code == 200
        assert client.post(reverse("registry:edit", args=[name, obj.pk])).status_code == 200
        assert client.get(reverse("registry:create", args=[name])).status_code == 200
        assert client.get(reverse("registry:edit", args=[name, obj.pk])).status_code == 200


# --- duplicate warning --------------------------------------------------------------------


def test_duplicate_warning_needs_confirmation(client_for, world):
    client = client_for("dost")
    url = reverse("registry:create", args=["experts"])
    # Folds like "Lê Thị Hoa", born the same year: a likely duplicate (duplicates.py's rule).
    data = expert_data(full_name="Le Thi Hoa", birth_year="1937")
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert not Expert.objects.filter(full_name="Le Thi Hoa").exists()
    assert reverse("registry:detail", args=["experts", world["hoa"].pk]) in page
    reason = vi(duplicates.SIMILAR_YEAR)
    assert reason in page and 'name="confirm_duplicate"' in page
    response = client.post(url, {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    new = Expert.objects.get(full_name="Le Thi Hoa")
    pair = DuplicateCandidate.objects.get()
    assert (pair.registry, pair.first_id, pair.second_id) == ("experts", world["hoa"].pk, new.pk)
    assert pair.reason == reason and pair.resolution == "open"


def test_edit_checks_duplicates_only_when_identity_changes(client_for, world):
    client = client_for("dost")
    other = Expert.objects.create(full_name="Phan Văn Khác", location="province", birth_year=1937)
    url = reverse("registry:edit", args=["experts", other.pk])
    # Position changes, name does not: saved without a warning.
    same = {"full_name": "Phan Văn Khác", "birth_year": "1937"}
    response = client.post(url, expert_data(**same, position="Trưởng phòng"))
    assert response.status_code == 302
    # Renamed to Hoa's name: warned, nothing written until confirmed.
    response = client.post(url, expert_data(full_name="Lê Thị Hoa", birth_year="1937"))
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.full_name == "Phan Văn Khác" and not DuplicateCandidate.objects.exists()


def test_an_erased_person_cannot_be_edited(client_for, world):
    from django.utils import timezone

    gone = Expert.objects.create(full_name="", location="province", erased_at=timezone.now())
    client = client_for("dost")
    url = reverse("registry:edit", args=["experts", gone.pk])
    response = client.post(url, expert_data(full_name="Tên Nhập Lại", email="x@example.vn"))
    assert response.status_code == 302
    assert response.url == reverse("registry:detail", args=["experts", gone.pk])
    gone.refresh_from_db()
    assert (gone.full_name, gone.email) == ("", "")


def test_the_edit_form_of_a_person_is_a_logged_view(client_for, users, world):
    client = client_for("dost")
    url = reverse("registry:edit", args=["experts", world["hoa"].pk])
    page = client.get(url).content.decode()
    assert SECRET["email"] in page
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.expert, access.path) == (users["dost"], world["hoa"], url)


def test_duplicate_warning_with_the_real_finder(client_for, world):
    """No stand-in: "Cong ty Lua Vang" folds to the words of "Công ty Lúa Vàng"."""
    client = client_for("dost")
    Enterprise.objects.filter(pk=world["plain"].pk).delete()  # frees tax code 2900326142
    url = reverse("registry:create", args=["enterprises"])
    data = enterprise_data(name="Cong ty Lua Vang")
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Enterprise.objects.filter(tax_code="2900326142").exists()
    [(other, reason)] = response.context["candidates"]
    assert other == world["certified"]
    assert reverse("registry:detail", args=["enterprises", other.pk]) in response.content.decode()
    response = client.post(url, {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    new = Enterprise.objects.get(tax_code="2900326142")
    pair = DuplicateCandidate.objects.get()
    assert (pair.registry, pair.first_id, pair.second_id) == (
        "enterprises",
        world["certified"].pk,
        new.pk,
    )


def test_similar_person_with_the_same_birth_year_is_warned(client_for, world):
    """A similar name ("le thi hoan" is one letter more than "le thi hoa", within the one edit
    allowed for names under 12 letters) and the same year of birth: a likely duplicate."""
    client = client_for("dost")
    url = reverse("registry:create", args=["experts"])
    response = client.post(url, expert_data(full_name="Lê Thị Hoan", birth_year="1937"))
    assert response.status_code == 200
    assert [o for o, _r in response.context["candidates"]] == [world["hoa"]]
    # Another year of birth and no organization: nothing in common, saved at once.
    response = client.post(url, expert_data(full_name="Lê Thị Hoan", birth_year="1980"))
    assert response.status_code == 302
