"""The duplicates queue and the merge screen: the kept record takes the chosen values, every
relation of the other moves to it, both change histories stay on it, nothing dangles."""

from datetime import date

import pytest
from django.urls import reverse

from stihub.registry.choices import Access
from stihub.registry.merging import default_choices, merge
from stihub.registry.models import (
    Affiliation,
    Consent,
    DuplicateCandidate,
    Enterprise,
    Expert,
    FieldOfScience,
    Infrastructure,
    IPObject,
    IPStatusChange,
    Organization,
    PersonalDataAccess,
    SurveyYear,
)
from stihub.registry.personal import record_consent

Open = DuplicateCandidate.Resolution


def candidate(registry, first, second, reason="same name"):
    return DuplicateCandidate.objects.create(
        registry=registry, first_id=first.pk, second_id=second.pk, reason=reason
    )


def history(model, pk) -> int:
    return model.history.model.objects.filter(id=pk).count()


@pytest.fixture
def twins(users):
    """Two records of one person: `a` older and sparse, `b` newer with the contacts."""
    institute = Organization.objects.create(code="VIEN-A", name="Viện A", kind="st_organization")
    a = Expert.objects.create(
        full_name="Nguyễn Văn An", location="province", degree="TS", phone="0911 000 001"
    )
    a.fields.set(FieldOfScience.objects.filter(code="2.2"))
    a.position = "Nghiên cứu viên"
    a.save()  # a: two versions in its history
    b = Expert.objects.create(
        full_name="Nguyen Van An",
        location="province",
        degree="TS",
        email="an@example.org",
        phone="0922 000 002",
        orcid="0000-0002-1825-0097",
        position="Phó trưởng phòng thỉnh giảng",
        user=users["expert"],
    )
    b.fields.set(FieldOfScience.objects.filter(code="1.1"))
    Affiliation.objects.create(expert=a, organization=institute, start_year=2001)
    Affiliation.objects.create(expert=b, organization_name="Trường X", start_year=1995)
    record_consent(b, user=users["dost"], given=True, evidence="Phiếu 02/12/2026")  # b: v2
    PersonalDataAccess.objects.create(
        user=users["dost"], expert=b, expert_ref=b.pk, via=Access.PAGE, fields=["email"]
    )
    IPObject.objects.create(
        kind="invention",
        application_no="1-2024-00001",
        filed_on=date(2024, 1, 2),
        title="Sáng chế",
        applicant_name="Nguyen Van An",
        applicant_expert=b,
        status="filed",
    )
    third = Expert.objects.create(full_name="Nguyễn Văn Ân", location="province")
    return {"a": a, "b": b, "third": third, "pair": candidate("experts", a, b)}


def test_the_queue_lists_open_pairs_and_not_the_same_closes_one(twins, client_for):
    client = client_for("dost")
    url = reverse("registry:duplicates")
    page = client.get(url).content.decode()
    assert "Nguyễn Văn An" in page and "Nguyen Van An" in page and "same name" in page
    assert reverse("registry:merge", args=[twins["pair"].pk]) in page
    assert client.post(url, {}).status_code == 302  # nothing named: nothing changes
    assert client.post(url, {"pk": "x"}).status_code == 302
    assert DuplicateCandidate.objects.get().resolution == Open.OPEN
    client.post(url, {"pk": twins["pair"].pk})
    pair = DuplicateCandidate.objects.get()
    assert (pair.resolution, pair.resolved_by.username) == (Open.DISTINCT, "dost")
    assert reverse("registry:merge", args=[pair.pk]) not in client.get(url).content.decode()
    # A resolved pair is not merged.
    assert client.get(reverse("registry:merge", args=[pair.pk])).status_code == 302


def test_the_merge_screen_shows_both_values_and_refuses_bad_input(twins, client_for):
    client = client_for("dost")
    a, b, pair = twins["a"], twins["b"], twins["pair"]
    url = reverse("registry:merge", args=[pair.pk])
    page = client.get(url).content.decode()
    assert "0911 000 001" in page and "0922 000 002" in page and "an@example.org" in page
    # Both people's restricted fields were shown: both views are logged.
    logged = PersonalDataAccess.objects.filter(via=Access.PAGE, path=url)
    assert sorted(logged.values_list("expert_id", flat=True)) == sorted([a.pk, b.pk])
    for bad in (
        {},
        {"keep": "first"},  # not confirmed
        {"keep": "third", "confirm": "yes"},
        {"keep": "first", "confirm": "yes", "f_phone": "both"},
    ):
        assert client.post(url, bad).status_code == 400
    assert Expert.objects.filter(pk__in=[a.pk, b.pk]).count() == 2
    assert DuplicateCandidate.objects.get().resolution == Open.OPEN


def test_a_person_whose_data_was_erased_is_not_merged(twins, users, client_for):
    from stihub.registry.personal import erase_person

    erase_person(twins["b"], user=users["dost"], reason="Yêu cầu")
    pair = DuplicateCandidate.objects.get(pk=twins["pair"].pk)
    assert pair.resolution == Open.DISTINCT  # the erasure closed the pair
    pair = candidate("experts", twins["a"], twins["third"])
    Expert.objects.filter(pk=twins["third"].pk).update(erased_at="2026-12-01T00:00:00Z")
    url = reverse("registry:merge", args=[pair.pk])
    answer = client_for("dost").post(url, {"keep": "first", "confirm": "yes"})
    assert answer.status_code == 400
    assert Expert.objects.filter(pk=twins["third"].pk).exists()


def test_merging_two_experts_keeps_both_histories_and_moves_everything(twins, client_for):
    a, b, pair = twins["a"], twins["b"], twins["pair"]
    history_a, history_b = history(Expert, a.pk), history(Expert, b.pk)
    assert (history_a, history_b) == (2, 2)  # by hand: created + changed; created + consent
    client = client_for("dost")
    answer = client.post(
        reverse("registry:merge", args=[pair.pk]),
        # Defaults: a's name (older, non-empty), b's e-mail and ORCID (a has none); the phone is
        # chosen from b although a has one.
        {"keep": "first", "f_phone": "second", "confirm": "yes"},
    )
    assert answer.status_code == 302
    kept = Expert.objects.get(pk=a.pk)
    assert not Expert.objects.filter(pk=b.pk).exists()
    assert kept.full_name == "Nguyễn Văn An"
    assert (kept.email, kept.phone) == ("an@example.org", "0922 000 002")
    assert (kept.orcid, kept.user.username) == ("0000-0002-1825-0097", "expert")
    assert kept.position == "Nghiên cứu viên"  # a's, the older non-empty value
    assert kept.public_consent is True  # b's consent came along
    assert set(kept.fields.values_list("code", flat=True)) == {"2.2", "1.1"}
    assert sorted(kept.affiliations.values_list("start_year", flat=True)) == [1995, 2001]
    assert kept.consents.count() == 1
    assert PersonalDataAccess.objects.get().expert_id == a.pk
    assert IPObject.objects.get().applicant_expert_id == a.pk
    # Both histories are on the kept record, plus the merge entry; no "deleted" entry.
    History = Expert.history.model
    assert history(Expert, a.pk) == history_a + history_b + 1
    assert history(Expert, b.pk) == 0
    assert not History.objects.filter(history_type="-").exists()
    last = kept.history.order_by("-history_date", "-history_id").first()
    assert f"#{b.pk}" in last.history_change_reason
    page = client.get(reverse("history", args=["registry", "expert", a.pk])).content.decode()
    assert "Phó trưởng phòng thỉnh giảng" in page  # from b's first version
    # Nothing points at the removed record.
    assert not Affiliation.objects.filter(expert_id=b.pk).exists()
    assert not Affiliation.history.model.objects.filter(expert_id=b.pk).exists()
    assert not Consent.objects.filter(expert_id=b.pk).exists()
    assert not PersonalDataAccess.objects.filter(expert_id=b.pk).exists()
    pair.refresh_from_db()
    assert (pair.resolution, pair.resolved_by.username) == (Open.MERGED, "dost")
    assert pair.resolved_at is not None


def test_other_pairs_of_the_removed_record_follow_the_kept_one(twins, users):
    a, b, third = twins["a"], twins["b"], twins["third"]
    other = candidate("experts", b, third)
    again = candidate("experts", third, a)  # after the merge, third~b is third~a again
    choices = default_choices(a, b)
    merge(twins["pair"], keep_side="first", choices=choices, user=users["dost"])
    other.refresh_from_db()
    again.refresh_from_db()
    assert {other.resolution, again.resolution} == {Open.MERGED, Open.OPEN}
    still_open = other if other.resolution == Open.OPEN else again
    assert {still_open.first_id, still_open.second_id} == {a.pk, third.pk}


def test_merging_organizations_moves_people_infrastructure_ip_and_survey_years(users):
    a = Organization.objects.create(code="DHV", name="Trường Đại học Vinh", kind="university")
    b = Organization.objects.create(code="DH-VINH", name="ĐH Vinh", kind="university")
    person = Expert.objects.create(full_name="Hồ Thị Bình", location="province", organization=b)
    Affiliation.objects.create(expert=person, organization=b, start_year=2010)
    Infrastructure.objects.create(kind="laboratory", name="PTN Hoá", organization=b)
    IPObject.objects.create(
        kind="invention",
        application_no="1-2023-00009",
        filed_on=date(2023, 1, 2),
        title="Quy trình",
        applicant_name="ĐH Vinh",
        applicant_organization=b,
        status="filed",
    )
    SurveyYear.objects.create(organization=a, year=2023, rd_fte=10)
    SurveyYear.objects.create(organization=b, year=2023, rd_fte=99)  # clash: a's is kept
    SurveyYear.objects.create(organization=b, year=2024, rd_fte=12)
    a.fields.set(FieldOfScience.objects.filter(code="1.1"))
    b.fields.set(FieldOfScience.objects.filter(code="2.2"))
    pair = candidate("organizations", a, b)
    before = history(Organization, a.pk) + history(Organization, b.pk)
    # b's code is chosen: it must not collide with b's own row while both exist.
    choices = {**default_choices(a, b), "code": "second"}
    kept = merge(pair, keep_side="first", choices=choices, user=users["dost"])
    assert (kept.pk, kept.code, kept.name) == (a.pk, "DH-VINH", "Trường Đại học Vinh")
    assert not Organization.objects.filter(pk=b.pk).exists()
    assert Expert.objects.get().organization_id == a.pk
    assert Affiliation.objects.get().organization_id == a.pk
    assert Infrastructure.objects.get().organization_id == a.pk
    assert IPObject.objects.get().applicant_organization_id == a.pk
    years = sorted(kept.survey_years.values_list("year", "rd_fte"))
    assert years == [(2023, 10.0), (2024, 12.0)]
    assert SurveyYear.objects.count() == 2
    assert set(kept.fields.values_list("code", flat=True)) == {"1.1", "2.2"}
    assert history(Organization, a.pk) == before + 1


def test_merging_enterprises_and_ip_objects(users):
    a = Enterprise.objects.create(tax_code="0100109106", name="Công ty A")
    b = Enterprise.objects.create(tax_code="0100109106-001", name="Công ty A (chi nhánh)")
    Infrastructure.objects.create(kind="equipment", name="Máy đo", enterprise=b)
    SurveyYear.objects.create(enterprise=b, year=2022, innovation=True)
    ip_a = IPObject.objects.create(
        kind="trademark",
        application_no="4-2022-00001",
        filed_on=date(2022, 3, 1),
        title="Nhãn A",
        applicant_name="Công ty A",
        applicant_enterprise=b,
        status="filed",
    )
    ip_b = IPObject.objects.create(
        kind="trademark",
        application_no="4-2022-00002",
        filed_on=date(2022, 3, 1),
        title="Nhãn A",
        applicant_name="Công ty A",
        status="granted",
        grant_no="4-0001",
    )
    IPStatusChange.objects.create(ip=ip_a, status="filed", on=date(2022, 3, 1))
    IPStatusChange.objects.create(ip=ip_b, status="filed", on=date(2022, 3, 1))  # the same step
    IPStatusChange.objects.create(ip=ip_b, status="granted", on=date(2023, 5, 5))

    kept = merge(
        candidate("enterprises", a, b),
        keep_side="first",
        choices={**default_choices(a, b), "tax_code": "second"},
        user=users["dost"],
    )
    assert kept.tax_code == "0100109106-001" and Enterprise.objects.count() == 1
    assert Infrastructure.objects.get().enterprise_id == a.pk
    assert SurveyYear.objects.get().enterprise_id == a.pk
    assert IPObject.objects.get(pk=ip_a.pk).applicant_enterprise_id == a.pk

    choices = {**default_choices(ip_a, ip_b), "status": "second", "grant_no": "second"}
    choices["application_no"] = "second"
    kept_ip = merge(candidate("ip", ip_a, ip_b), keep_side="first", choices=choices, user=None)
    assert (kept_ip.application_no, kept_ip.status, kept_ip.grant_no) == (
        "4-2022-00002",
        "granted",
        "4-0001",
    )
    steps = list(kept_ip.status_changes.values_list("status", flat=True))
    assert steps == ["filed", "granted"]  # the repeated step once
    assert IPObject.objects.count() == 1 and IPStatusChange.objects.count() == 2
