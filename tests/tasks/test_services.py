"""The task services over the database: councils drawn from the registry without conflicted
experts, declarations before reviews, conclusions by the bundled profile, steps with their rules.

The registry here: a host organization (Đại học Vinh), a partner (Viện Nông nghiệp), an unrelated
one; the applicant (the scientist's expert record) and a team member; one expert per conflict
reason; and nine free experts of the task's field (F1..F9).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from stihub.engines import regulation
from stihub.registry.models import Affiliation, Expert, FieldOfScience, Organization
from stihub.tasks import councils, lifecycle, profiles
from stihub.tasks.choices import CouncilKind, CouncilStatus, DossierStatus, Step, TieKind
from stihub.tasks.models import Dossier, Exclusion, ExpertTie, Sanction, Task, TeamMember

TODAY = dt.date(2026, 6, 1)
ROLES7 = ["chair", "vice_chair", "reviewer", "reviewer", "secretary", "member", "member"]


def _org(code, name):
    return Organization.objects.create(code=code, name=name, kind="university")


def _expert(name, org=None, user=None, fields=("4.1",), keywords="cam;giống cây trồng"):
    e = Expert.objects.create(
        full_name=name, location="province", organization=org, keywords=keywords, user=user
    )
    e.fields.set(FieldOfScience.objects.filter(code__in=fields))
    return e


@pytest.fixture
def reg(db, users):
    host, partner, other = (
        _org("dhv", "Trường Đại học Vinh"),
        _org("vnn", "Viện Nông nghiệp Nghệ An"),
        _org("khac", "Viện Khác"),
    )
    people = {
        "applicant": _expert("Nguyễn Văn Chủ", host, users["scientist"]),
        "team": _expert("Trần Thị Nhóm", host),
        "host": _expert("Lê Văn Chủ Trì", host),
        "partner": _expert("Phạm Văn Đối Tác", partner),
        "past": _expert("Hoàng Văn Cũ", other),
        "relative": _expert("Nguyễn Thị Người Nhà", other),
        "coauthor": _expert("Võ Văn Đồng Tác Giả", other),
        "sanctioned": _expert("Đặng Văn Kỷ Luật", other),
    }
    Affiliation.objects.create(
        expert=people["past"], organization=host, start_year=2018, end_year=2023
    )
    ExpertTie.objects.create(expert=people["relative"], other=people["team"], kind=TieKind.RELATIVE)
    ExpertTie.objects.create(expert=people["team"], other=people["coauthor"], kind=TieKind.COAUTHOR)
    Sanction.objects.create(expert=people["sanctioned"], until=dt.date(2030, 1, 1), decision="QĐ 1")
    free = [_expert(f"Chuyên gia F{i}", other) for i in range(1, 10)]
    return {"host": host, "partner": partner, "people": people, "free": free}


@pytest.fixture
def task(reg, users):
    t = Task.objects.create(
        code="ĐX-2026-001",
        kind="research",
        title="Nghiên cứu chọn tạo giống cam Vinh sạch bệnh",
        summary="Chọn tạo giống cam sạch bệnh cho vùng Quỳ Hợp.",
        keywords="cam;giống cây trồng",
        proposer=users["scientist"],
        proposer_org=reg["host"],
        profile=profiles.current(),
    )
    t.fields.set(FieldOfScience.objects.filter(code="4.1"))
    return t


def _chosen(experts, roles=ROLES7):
    return [(e.pk, role) for e, role in zip(experts, roles, strict=False)]


def _all_declare(council):
    for m in council.members.all():
        councils.declare(m, True)
    council.refresh_from_db()


def test_identification_council_leaves_out_the_applicant_and_host_staff_with_reasons(reg, task):
    found = councils.suggestion(task, CouncilKind.IDENTIFICATION, on=TODAY)
    p = {k: str(v.pk) for k, v in reg["people"].items()}
    assert found["excluded"][p["applicant"]] == "applicant"
    # The team member and host staff both work at the proposing organization (the host).
    assert found["excluded"][p["host"]] == "host_org"
    assert found["excluded"][p["past"]] == "past_affiliation"  # at the host until 2023, 5 years
    assert found["excluded"][p["sanctioned"]] == "sanctioned"
    chosen = {m["expert"].pk for m in found["members"]}
    assert len(chosen) == 7 and found["missing"] == 0
    assert not chosen & {int(pk) for pk in found["excluded"]}


def test_selection_council_excludes_every_conflict_of_the_competing_dossiers(reg, task, users):
    task.step = Step.COMPLETENESS
    task.save()
    d = Dossier.objects.create(
        task=task,
        applicant=users["scientist"],
        host_org=reg["host"],
        objectives="x",
        content="x",
        products="x",
        duration_months=24,
        budget_state=Decimal("900"),
        status=DossierStatus.COMPLETE,
    )
    d.partner_orgs.add(reg["partner"])
    TeamMember.objects.create(dossier=d, expert=reg["people"]["applicant"], role="lead")
    TeamMember.objects.create(dossier=d, expert=reg["people"]["team"], role="member")
    excluded = councils.suggestion(task, CouncilKind.SELECTION, on=TODAY)["excluded"]
    reasons = {k: excluded.get(str(v.pk)) for k, v in reg["people"].items()}
    assert reasons == {
        "applicant": "applicant",
        "team": "team",
        "host": "host_org",
        "partner": "partner_org",
        "past": "past_affiliation",
        "relative": "relative",
        "coauthor": "coauthor",
        "sanctioned": "sanctioned",
    }


def test_forming_refuses_a_conflicted_expert_and_a_wrong_make_up(reg, task, users):
    conflicted = [reg["people"]["host"], *reg["free"][:6]]
    with pytest.raises(ValidationError) as refused:
        councils.form(task, CouncilKind.IDENTIFICATION, _chosen(conflicted), users["dost"])
    assert "Lê Văn Chủ Trì" in str(refused.value)
    two_chairs = _chosen(reg["free"][:7], ["chair", "chair", *ROLES7[2:]])
    with pytest.raises(ValidationError):
        councils.form(task, CouncilKind.IDENTIFICATION, two_chairs, users["dost"])
    task.refresh_from_db()
    assert task.step == Step.PROPOSAL and not task.councils.exists()


def test_identification_from_forming_to_approval(reg, task, users):
    council = councils.form(
        task, CouncilKind.IDENTIFICATION, _chosen(reg["free"][:7]), users["dost"]
    )
    task.refresh_from_db()
    assert task.step == Step.IDENTIFICATION
    assert Exclusion.objects.filter(council=council, reason="applicant").exists()
    members = list(council.members.all())
    # One member declares a conflict: reviews stay closed until DOST seats someone else.
    councils.declare(members[-1], False, "Tôi là cố vấn của chủ nhiệm.")
    for m in members[:-1]:
        councils.declare(m, True)
    council.refresh_from_db()
    assert council.status == CouncilStatus.DECLARING
    assert Exclusion.objects.filter(council=council, reason="declared").count() == 1
    new = councils.replace(members[-1], reg["free"][7], users["dost"])
    councils.declare(new, True)
    council.refresh_from_db()
    assert council.status == CouncilStatus.REVIEWING
    reviews = [m.reviews.get() for m in council.members.order_by("pk")]
    assert len(reviews) == 7
    # 5 of 7 recommend: 5 >= ceil(2/3 x 7) = 5: recommended.
    for i, r in enumerate(reviews):
        councils.submit(r, None, "recommend" if i < 5 else "not_recommend", "")
    everyone = set(council.members.values_list("pk", flat=True))
    result = councils.conclude(council, everyone, users["dost"])
    assert result["passed"] and result["yes"] == 5 and result["needed_votes"] == 5
    lifecycle.advance(task, Step.APPROVED, users["dost"])
    assert task.step == Step.APPROVED
    assert [e.to_step for e in task.events.all()] == [Step.IDENTIFICATION, Step.APPROVED]


def test_no_quorum_no_conclusion(reg, task, users):
    council = councils.form(
        task, CouncilKind.IDENTIFICATION, _chosen(reg["free"][:7]), users["dost"]
    )
    _all_declare(council)
    for m in council.members.all():
        councils.submit(m.reviews.get(), None, "recommend", "")
    # 4 present of 7 < ceil(2/3 x 7) = 5.
    four = set(council.members.order_by("pk").values_list("pk", flat=True)[:4])
    with pytest.raises(ValidationError):
        councils.conclude(council, four, users["dost"])
    council.refresh_from_db()
    assert council.status == CouncilStatus.REVIEWING
    with pytest.raises(ValidationError):
        lifecycle.advance(task, Step.APPROVED, users["dost"])


def test_a_call_shorter_than_the_profile_minimum_is_refused(task, users):
    task.step = Step.APPROVED
    task.save()
    task.call_opens_on, task.call_closes_on = dt.date(2026, 6, 1), dt.date(2026, 6, 30)
    # 29 days < the bundled profile's 30 (call_open_min_days).
    with pytest.raises(ValidationError, match="30"):
        lifecycle.advance(task, Step.CALL, users["dost"])
    task.call_closes_on = dt.date(2026, 7, 1)  # 30 days
    lifecycle.advance(task, Step.CALL, users["dost"], today=dt.date(2026, 6, 1))
    task.refresh_from_db()
    assert task.step == Step.CALL and task.step_due == dt.date(2026, 7, 1)


def test_selection_scores_choose_the_winner_and_flag_an_outlier(reg, task, users):
    task.step = Step.COMPLETENESS
    task.save()
    dossiers = []
    for host in (reg["host"], reg["partner"]):
        d = Dossier.objects.create(
            task=task,
            applicant=users["scientist"],
            host_org=host,
            objectives="x",
            content="x",
            products="x",
            duration_months=24,
            budget_state=Decimal("900"),
            status=DossierStatus.COMPLETE,
        )
        dossiers.append(d)
    TeamMember.objects.create(dossier=dossiers[0], expert=reg["people"]["applicant"], role="lead")
    council = councils.form(task, CouncilKind.SELECTION, _chosen(reg["free"][:7]), users["dost"])
    _all_declare(council)
    criteria = councils.form_of(council)
    members = list(council.members.order_by("pk"))

    def points(share):  # every criterion at `share` of its maximum: the total is 100 x share
        return {c.code: c.max * share for c in criteria}

    for i, m in enumerate(members):
        # Dossier 1: six members give 80, the last 50 (30 below the others' mean of 80 > 20).
        councils.submit(m.reviews.get(dossier=dossiers[0]), points(0.8 if i < 6 else 0.5), "", "")
        councils.submit(m.reviews.get(dossier=dossiers[1]), points(0.6), "", "")
    result = councils.conclude(council, {m.pk for m in members}, users["dost"])
    # Dossier 1: mean (6 x 80 + 50) / 7 = 75.71 >= 70 passes; dossier 2: 60 < 70 fails.
    first = next(r for r in result["dossiers"] if r["dossier"] == dossiers[0].pk)
    assert first["mean_total"] == pytest.approx(530 / 7, abs=0.01)
    assert list(first["outliers"]) == [str(members[-1].pk)]
    assert result["winner"] == dossiers[0].pk
    task.refresh_from_db()
    dossiers[1].refresh_from_db()
    assert task.host_org == reg["host"] and task.lead == reg["people"]["applicant"]
    assert dossiers[1].status == DossierStatus.NOT_SELECTED
    lifecycle.advance(task, Step.APPRAISAL, users["dost"])


def test_acceptance_grade_is_written_to_the_task(reg, task, users):
    task.step = Step.EXECUTION
    task.save()
    council = councils.form(task, CouncilKind.ACCEPTANCE, _chosen(reg["free"][:7]), users["dost"])
    _all_declare(council)
    # 7 present: 6 pass or better (6/7 >= 3/4), of which 4 excellent (4/7 < 2/3): pass.
    grades = ["excellent"] * 4 + ["pass"] * 2 + ["fail"]
    for m, g in zip(council.members.order_by("pk"), grades, strict=True):
        councils.submit(m.reviews.get(), None, g, "")
    result = councils.conclude(
        council, set(council.members.values_list("pk", flat=True)), users["dost"]
    )
    assert result["grade"] == "pass" and result["passed"]
    task.refresh_from_db()
    assert task.grade == "pass"
    with pytest.raises(ValidationError):
        lifecycle.advance(task, Step.NOT_ACCEPTED, users["dost"])
    lifecycle.advance(task, Step.REGISTRATION, users["dost"])


def test_a_review_out_of_range_names_the_criterion(reg, task, users):
    task.step = Step.EXECUTION
    task.save()
    council = councils.form(task, CouncilKind.ACCEPTANCE, _chosen(reg["free"][:7]), users["dost"])
    _all_declare(council)
    review = council.members.first().reviews.get()
    with pytest.raises(ValidationError):
        councils.submit(review, None, "brilliant", "")
    review.refresh_from_db()
    assert review.submitted_at is None


def test_refusals_name_roles_by_their_label(reg, task, users):
    two_chairs = _chosen(reg["free"][:7], ["chair", "chair", *ROLES7[2:]])
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        councils.form(task, CouncilKind.IDENTIFICATION, two_chairs, users["dost"])
    text = " ".join(refused.value.messages)
    assert "Chủ tịch" in text and "Phó Chủ tịch" in text and "vice_chair" not in text


def test_a_council_concludes_at_its_meeting_not_before(reg, task, users):
    council = councils.form(
        task,
        CouncilKind.IDENTIFICATION,
        _chosen(reg["free"][:7]),
        users["dost"],
        meets_on=timezone.localdate() + dt.timedelta(days=3),
    )
    _all_declare(council)
    for m in council.members.all():
        councils.submit(m.reviews.get(), None, "recommend", "")
    on = f"{timezone.localdate() + dt.timedelta(days=3):%d/%m/%Y}"
    with pytest.raises(ValidationError, match=on):
        councils.conclude(council, set(council.members.values_list("pk", flat=True)), users["dost"])


def test_a_new_profile_version_cannot_take_effect_before_the_one_in_force(users):
    in_force = profiles.current()
    data = profiles.bundled_data()
    with pytest.raises(regulation.DataError) as refused:
        profiles.add_version(
            data, in_force.effective_from - dt.timedelta(days=1), "", users["dost"]
        )
    assert refused.value.problems[0].column == "effective_from"
    later = profiles.add_version(data, in_force.effective_from, "Sửa số ngày", users["dost"])
    assert (later.version, profiles.current()) == (2, later)
