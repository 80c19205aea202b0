"""The public register of S&T tasks and a task's page: only what the rules make public, found
with or without marks; a task the viewer may not see is a 404 (nobody learns it exists).

The small builders here (`profile_row`, `make_task`, ...) are shared by the other page tests of
tests/tasks/ (imported from this module).
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from stihub.registry.models import Expert, FieldOfScience, Organization
from stihub.tasks import profiles
from stihub.tasks.choices import (
    CouncilKind,
    CouncilRole,
    CouncilStatus,
    DossierStatus,
    RecordKind,
    Step,
    TaskKind,
    TeamRole,
)
from stihub.tasks.models import (
    Council,
    CouncilMember,
    Dossier,
    RegulationProfile,
    Review,
    Task,
    TaskEvent,
    TaskRecord,
    TeamMember,
)


def vi(template, **params):
    """A message as a page shows it (Vietnamese, escaped)."""
    with translation.override("vi"):
        text = translation.gettext(template)
        return escape(text % params if params else text)


# --- builders -------------------------------------------------------------------------------


def profile_row() -> RegulationProfile:
    """The bundled profile's row (a migration may have loaded it already)."""
    found = RegulationProfile.objects.filter(code="tt-2014-2023", version=1).first()
    return found or RegulationProfile.objects.create(
        code="tt-2014-2023",
        version=1,
        title="Quy định thử",
        data=profiles.bundled_data(),
        effective_from=dt.date(2024, 1, 1),
    )


def make_org(name="Viện Sinh học Nghệ An", code="vien-sinh-hoc") -> Organization:
    return Organization.objects.create(code=code, name=name, kind="st_org")


def make_expert(name, user=None, org=None) -> Expert:
    return Expert.objects.create(full_name=name, user=user, organization=org, location="province")


_codes = iter(range(1, 10_000))


def make_task(proposer, step=Step.PROPOSAL, title="Nuôi cấy mô cây chuối tiêu hồng", **values):
    """A task put straight at `step` (test setup: the steps' own checks are lifecycle's tests)."""
    profile = RegulationProfile.objects.first() or profile_row()
    values.setdefault("summary", f"Tóm tắt: {title}.")
    values.setdefault("kind", TaskKind.RESEARCH)
    values.setdefault("code", f"T-{next(_codes)}")
    return Task.objects.create(title=title, proposer=proposer, profile=profile, step=step, **values)


def open_call(task, today=None):
    """The task at step call, open from 10 days ago for 30 more days."""
    today = today or timezone.localdate()
    task.step = Step.CALL
    task.call_opens_on = today - dt.timedelta(days=10)
    task.call_closes_on = today + dt.timedelta(days=30)
    task.save()
    return task


def make_dossier(task, applicant, host=None, status=DossierStatus.DRAFT, **values):
    values = {
        "objectives": "Mục tiêu: nhân giống 10.000 cây.",
        "content": "Nội dung: quy trình nuôi cấy mô.",
        "products": "Sản phẩm: cây giống sạch bệnh.",
        "duration_months": 24,
        "budget_state": 800,
        **values,
    }
    return Dossier.objects.create(
        task=task, applicant=applicant, host_org=host or make_org(), status=status, **values
    )


ROLES = [
    CouncilRole.CHAIR,
    CouncilRole.VICE_CHAIR,
    CouncilRole.REVIEWER,
    CouncilRole.REVIEWER,
    CouncilRole.SECRETARY,
    CouncilRole.MEMBER,
    CouncilRole.MEMBER,
]


def make_council(task, kind, experts, status=CouncilStatus.DECLARING, blind=False):
    """A council of `experts` (roles in the bundled profile's order), members not declared."""
    council = Council.objects.create(task=task, kind=kind, status=status, blind=blind)
    for expert, role in zip(experts, ROLES, strict=False):
        CouncilMember.objects.create(council=council, expert=expert, role=role)
    return council


def seat_of(council, expert) -> CouncilMember:
    return council.members.get(expert=expert)


# --- the register ---------------------------------------------------------------------------


@pytest.fixture
def tasks(users):
    dost = users["dost"]
    return {
        "proposal": make_task(dost, Step.PROPOSAL, title="Đề xuất bí mật về nuôi cấy mô lan"),
        "rejected": make_task(dost, Step.REJECTED, title="Nhiệm vụ không được duyệt nuôi cấy"),
        "call": make_task(
            dost, Step.CALL, title="Nuôi cấy mô cây chuối tiêu hồng", kind=TaskKind.RESEARCH
        ),
        "running": make_task(
            dost, Step.EXECUTION, title="Sản xuất thử nghiệm phân bón hữu cơ", kind=TaskKind.PILOT
        ),
        "published": make_task(
            dost,
            Step.PUBLISHED,
            title="Đề án phát triển du lịch cộng đồng",
            kind=TaskKind.SCHEME,
            results="Mô hình du lịch ở Con Cuông.",
        ),
    }


def rows(response) -> set[str]:
    """The task codes on a register page (each row links to the task's page)."""
    text = response.content.decode()
    return {t.code for t in Task.objects.all() if f'href="/tasks/{t.pk}/"' in text}


def test_the_register_lists_only_public_tasks_for_everyone_dost_included(tasks, client, users):
    public = {tasks[k].code for k in ("call", "running", "published")}
    response = client.get(reverse("tasks:register"))
    assert response.status_code == 200
    assert rows(response) == public
    from tests.conftest import sign_in

    assert rows(sign_in(client, users["dost"]).get(reverse("tasks:register"))) == public


def test_register_search_ignores_marks_and_finds_word_prefixes(tasks, client):
    url = reverse("tasks:register")
    # typed without marks, "nuoi cay mo" finds "Nuôi cấy mô..." but not the unpublished proposal
    # about "nuôi cấy mô lan" nor the rejected task ("nuôi cấy" without "mô")
    assert rows(client.get(url, {"q": "nuoi cay mo"})) == {tasks["call"].code}
    # word prefixes: "phan bon huu" → "phân bón hữu cơ"; the results are searched too
    assert rows(client.get(url, {"q": "phan bon huu"})) == {tasks["running"].code}
    assert rows(client.get(url, {"q": "Con Cuông"})) == {tasks["published"].code}
    # "uoi" is inside "nuôi", not at the start of a word: nothing
    assert rows(client.get(url, {"q": "uoi"})) == set()


def test_register_filters_by_step_kind_stage_field_and_year(tasks, client):
    url = reverse("tasks:register")
    assert rows(client.get(url, {"step": "execution"})) == {tasks["running"].code}
    assert rows(client.get(url, {"kind": "scheme"})) == {tasks["published"].code}
    assert rows(client.get(url, {"stage": "approved"})) == {tasks["call"].code}
    assert rows(client.get(url, {"stage": "results"})) == {tasks["published"].code}
    tasks["running"].fields.set(FieldOfScience.objects.filter(code="4.1"))
    # "4" takes in its subfields (4.1 is under agricultural sciences 4)
    assert rows(client.get(url, {"field": "4"})) == {tasks["running"].code}
    year = timezone.localdate().year
    assert len(rows(client.get(url, {"year": year}))) == 3
    assert rows(client.get(url, {"year": year - 5})) == set()
    # empty selects mean "any" (the page's form sends them)
    assert len(rows(client.get(url, {"step": "", "kind": "", "year": ""}))) == 3
    # a step that is never public is refused, not answered with the hidden tasks
    response = client.get(url, {"step": "proposal"})
    assert response.status_code == 400 and rows(response) == set()


def test_register_answers_htmx_with_the_results_alone_and_pages(tasks, client, users):
    response = client.get(reverse("tasks:register"), {"q": "nuoi"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content and rows(response) == {tasks["call"].code}
    for n in range(30):  # 3 public + 30 = 33: page 1 has 25, page 2 the other 8
        make_task(users["dost"], Step.APPROVED, title=f"Nhiệm vụ số {n} được phê duyệt")
    assert len(rows(client.get(reverse("tasks:register")))) == 25
    assert len(rows(client.get(reverse("tasks:register"), {"page": 2}))) == 8


# --- a task's page --------------------------------------------------------------------------


def test_an_unpublished_proposal_is_a_404_for_the_public_and_others(tasks, client, client_for):
    url = reverse("tasks:detail", args=[tasks["proposal"].pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("tasks:detail", args=[tasks["rejected"].pk])).status_code == 404
    assert client_for("outsider").get(url).status_code == 404
    assert client_for("dost").get(url).status_code == 200


def test_the_proposer_sees_their_own_proposal(users, client_for):
    task = make_task(users["outsider"], Step.PROPOSAL, title="Đề xuất của tôi về nuôi cấy mô")
    response = client_for("outsider").get(reverse("tasks:detail", args=[task.pk]))
    assert response.status_code == 200 and task.title in response.content.decode()


def test_a_selected_task_shows_host_lead_budget_and_only_public_records(users, client):
    host = make_org()
    lead = make_expert("Trần Thị Chủ Nhiệm", org=host)
    task = make_task(
        users["dost"],
        Step.EXECUTION,
        host_org=host,
        lead=lead,
        budget=850,
        decision_no="123/QĐ-UBND",
        decision_on=dt.date(2025, 3, 1),
    )
    TaskRecord.objects.create(
        task=task,
        kind=RecordKind.PROGRESS,
        on=dt.date(2025, 9, 1),
        text="Báo cáo tiến độ nội bộ",
        by=users["dost"],
    )
    TaskRecord.objects.create(
        task=task,
        kind=RecordKind.APPLICATION,
        on=dt.date(2026, 1, 5),
        text="Ứng dụng tại Hợp tác xã Quỳnh Lưu",
        by=users["dost"],
    )
    TaskEvent.objects.create(
        task=task,
        by=users["dost"],
        from_step=Step.CONTRACT,
        to_step=Step.EXECUTION,
        note="Bắt đầu thực hiện",
    )
    text = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    for shown in (
        "Viện Sinh học Nghệ An",
        "Trần Thị Chủ Nhiệm",
        "850",
        "123/QĐ-UBND",
        "Ứng dụng tại Hợp tác xã Quỳnh Lưu",
        "Bắt đầu thực hiện",
    ):
        assert escape(shown) in text, shown
    assert escape("Báo cáo tiến độ nội bộ") not in text  # a progress report is not public
    assert "dost" not in text.split("<main>")[1]  # who moved the step: DOST only
    # the principal investigator (their account) sees every record
    lead.user = users["expert"]
    lead.save()
    from tests.conftest import sign_in

    text = sign_in(client, users["expert"]).get(reverse("tasks:detail", args=[task.pk]))
    assert escape("Báo cáo tiến độ nội bộ") in text.content.decode()


def test_apply_button_shows_while_the_call_is_open(users, client, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    apply_url = reverse("tasks:apply", args=[task.pk])
    assert (
        f'href="{apply_url}"'
        in client_for("outsider").get(reverse("tasks:detail", args=[task.pk])).content.decode()
    )
    task.call_closes_on = timezone.localdate() - dt.timedelta(days=1)
    task.save()
    text = client_for("outsider").get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert f'href="{apply_url}"' not in text


def test_only_dost_gets_links_to_the_councils_which_only_dost_may_open(users, client, client_for):
    task = make_task(users["dost"], Step.SELECTION)
    member = make_expert("Nguyễn Văn Hội Đồng", user=users["expert"])
    others = [make_expert(f"Thành viên {i}") for i in range(6)]
    council = make_council(task, CouncilKind.SELECTION, [member, *others])
    link = reverse("tasks:council", args=[council.pk])
    page = reverse("tasks:detail", args=[task.pk])
    assert link not in client.get(page).content.decode()
    assert link not in client_for("expert").get(page).content.decode()  # their seat: the inbox
    assert client_for("expert").get(link).status_code == 403
    assert link in client_for("dost").get(page).content.decode()


def test_a_member_sees_an_unpublished_task_only_after_declaring_no_conflict(users, client_for):
    task = make_task(users["dost"], Step.IDENTIFICATION)
    member = make_expert("Nguyễn Văn Hội Đồng", user=users["expert"])
    council = make_council(task, CouncilKind.IDENTIFICATION, [member])
    seat = council.members.get(expert=member)
    seat.no_conflict = None
    seat.save()
    page = reverse("tasks:detail", args=[task.pk])
    assert client_for("expert").get(page).status_code == 404  # not declared: the title only
    seat.no_conflict = True
    seat.save()
    assert client_for("expert").get(page).status_code == 200


def make_team(dossier, *people):
    """The dossier's team: the first person leads."""
    for n, person in enumerate(people):
        TeamMember.objects.create(
            dossier=dossier, expert=person, role=TeamRole.LEAD if n == 0 else TeamRole.MEMBER
        )


def make_review(council, expert, dossier=None, declared=True) -> Review:
    seat = seat_of(council, expert)
    if declared:
        seat.no_conflict, seat.declared_at = True, timezone.now()
        seat.save()
    return Review.objects.create(member=seat, dossier=dossier)


def test_the_register_page_costs_the_same_queries_for_more_tasks(users, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("tasks:register")).status_code == 200
        return len(captured)

    host, lead = make_org(), make_expert("Trần Thị Chủ Nhiệm")
    for n in range(3):
        make_task(users["dost"], Step.EXECUTION, title=f"Nhiệm vụ {n}", host_org=host, lead=lead)
    few = queries()
    for n in range(3, 20):
        make_task(users["dost"], Step.EXECUTION, title=f"Nhiệm vụ {n}", host_org=host, lead=lead)
    assert queries() == few


def test_the_register_year_is_when_the_task_started_else_its_decision_else_its_proposal(
    users, client
):
    dost = users["dost"]
    this_year = timezone.localdate().year  # the year the rows below are created (proposed)
    started = make_task(
        dost,
        Step.EXECUTION,
        title="Bắt đầu năm 2024",
        starts_on=dt.date(2024, 2, 1),
        decision_on=dt.date(2023, 11, 5),
    )
    decided = make_task(
        dost, Step.CONTRACT, title="Quyết định năm 2023", decision_on=dt.date(2023, 6, 1)
    )
    proposed = make_task(dost, Step.CALL, title="Mới được duyệt danh mục")
    url = reverse("tasks:register")
    # started in 2024 (its 2023 decision does not count); decided in 2023; only proposed: this year
    assert rows(client.get(url, {"year": 2024})) == {started.code}
    assert rows(client.get(url, {"year": 2023})) == {decided.code}
    assert rows(client.get(url, {"year": this_year})) == {proposed.code}
    # the years offered are those years, newest first
    page = client.get(url)
    assert page.context["filter"].years == sorted({this_year, 2024, 2023}, reverse=True)
    assert '<option value="2023">' in page.content.decode()


def test_register_filter_errors_name_the_filter_by_its_label(tasks, client):
    response = client.get(reverse("tasks:register"), {"year": "abc"})
    assert response.status_code == 400
    text = response.content.decode()
    assert f"<li>{vi('Year')}: " in text and "<li>year:" not in text


def test_an_applicant_with_a_dossier_gets_a_link_to_it_not_apply(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    apply_url = reverse("tasks:apply", args=[task.pk])
    page = reverse("tasks:detail", args=[task.pk])
    assert f'href="{apply_url}"' in client_for("outsider").get(page).content.decode()
    dossier = make_dossier(task, users["outsider"])
    text = client_for("outsider").get(page).content.decode()
    assert f'href="{apply_url}"' not in text
    assert f'href="{reverse("tasks:dossier", args=[dossier.pk])}">{vi("Your dossier")}' in text
