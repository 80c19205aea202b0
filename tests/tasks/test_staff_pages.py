"""DOST's pages for S&T tasks: the board, moving a task with its step's data, records, the
completeness check, councils (forming, concluding, minutes), regulation profiles and lists of
past tasks. Pages are asked in English (the language cookie) so that the words checked are the
msgids, whatever the Vietnamese translation says.

The registry here: a proposing organization (Trường Đại học Vinh) with one of its staff, a
sanctioned expert elsewhere, and nine free experts of the task's field.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from stihub.registry.models import Expert, FieldOfScience, Organization
from stihub.tasks import councils, profiles
from stihub.tasks.choices import CouncilKind, CouncilStatus, DossierStatus, Step
from stihub.tasks.models import (
    Council,
    Dossier,
    PastTask,
    RegulationProfile,
    Sanction,
    Task,
    TaskEvent,
    TaskRecord,
)
from stihub.tasks.views.board import read_past_tasks

ROLES7 = ["chair", "vice_chair", "reviewer", "reviewer", "secretary", "member", "member"]


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


# --- builders ----------------------------------------------------------------------------------


def _profile() -> RegulationProfile:
    """Version 1 of the bundled profile (the migration makes it; made here if it did not)."""
    row, _ = RegulationProfile.objects.get_or_create(
        code="tt-2014-2023",
        version=1,
        defaults={
            "title": "TT 2014-2023",
            "data": profiles.bundled_data(),
            "effective_from": dt.date(2023, 12, 15),
        },
    )
    return row


def _org(code, name):
    return Organization.objects.create(code=code, name=name, kind="university")


def _expert(name, org=None, user=None):
    e = Expert.objects.create(
        full_name=name, location="province", organization=org, keywords="cam;giống cây trồng"
    )
    e.fields.set(FieldOfScience.objects.filter(code="4.1"))
    if user is not None:
        e.user = user
        e.save()
    return e


def _task(users, code, step=Step.PROPOSAL, due=None, org=None, kind="research"):
    t = Task.objects.create(
        code=code,
        kind=kind,
        title=f"Nhiệm vụ {code}",
        summary="Chọn tạo giống cam sạch bệnh cho vùng Quỳ Hợp.",
        keywords="cam;giống cây trồng",
        proposer=users["scientist"],
        proposer_org=org,
        profile=_profile(),
        step=step,
        step_due=due,
    )
    t.fields.set(FieldOfScience.objects.filter(code="4.1"))
    return t


def _dossier(task, user, org, status=DossierStatus.SUBMITTED):
    return Dossier.objects.create(
        task=task,
        applicant=user,
        host_org=org,
        objectives="Mục tiêu",
        content="Nội dung",
        products="Sản phẩm",
        duration_months=24,
        budget_state=Decimal("900"),
        status=status,
    )


@pytest.fixture
def reg(db, users):
    host, other = _org("dhv", "Trường Đại học Vinh"), _org("khac", "Viện Khác")
    staff = _expert("Lê Văn Chủ Trì", host)
    sanctioned = _expert("Đặng Văn Kỷ Luật", other)
    Sanction.objects.create(expert=sanctioned, until=dt.date(2099, 1, 1), decision="QĐ 1")
    free = [_expert(f"Chuyên gia F{i}", other) for i in range(1, 10)]
    return {"host": host, "other": other, "staff": staff, "sanctioned": sanctioned, "free": free}


def _switch(client, client_for, name):
    """Sign in as another user (logging out clears the cookies: the language is set again)."""
    client.logout()
    client.cookies["django_language"] = "en"
    return client_for(name)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _follow(client, url, data=None):
    return client.post(url, data or {}, follow=True)


# --- the board ---------------------------------------------------------------------------------


def test_board_lists_tasks_by_step_in_order_then_by_due_date_and_flags_overdue(users, client_for):
    today = timezone.localdate()
    # Steps: call (3rd of the listed steps after proposal…) comes after proposal in Step order.
    _task(users, "T-CALL-LATE", Step.CALL, due=today - dt.timedelta(days=3))
    _task(users, "T-CALL-SOON", Step.CALL, due=today + dt.timedelta(days=5))
    _task(users, "T-PROP", Step.PROPOSAL)
    _task(users, "T-EXEC", Step.EXECUTION, due=today + dt.timedelta(days=40))
    client = client_for("dost")
    page = client.get(reverse("tasks:board"))
    assert page.status_code == 200
    shown = page.context["shown"]
    # Step order: proposal (1st) < call (4th) < execution (10th).
    assert [s["step"] for s in shown] == [Step.PROPOSAL, Step.CALL, Step.EXECUTION]
    call = shown[1]["rows"]
    # Within a step by due date: the late one (today-3) before the next (today+5).
    assert [r["task"].code for r in call] == ["T-CALL-LATE", "T-CALL-SOON"]
    assert [r["overdue"] for r in call] == [True, False]
    assert [r["left"] for r in call] == [-3, 5]
    counts = {s["step"]: s["count"] for s in page.context["sections"]}
    assert counts[Step.CALL] == 2 and counts[Step.PROPOSAL] == 1 and counts[Step.ACCEPTANCE] == 0
    html = page.content.decode()
    assert '<tr class="overdue" data-code="T-CALL-LATE">' in html
    assert '<tr class="" data-code="T-CALL-SOON">' in html
    # said once: "Overdue by 3 days", not "Overdue: 3 days late" (vi: "Quá hạn: quá hạn 3 ngày")
    assert "<strong>Overdue by 3 days</strong>" in html and "days late" not in html

    only_late = client.get(reverse("tasks:board"), {"overdue": "on"})
    assert [r["task"].code for s in only_late.context["shown"] for r in s["rows"]] == [
        "T-CALL-LATE"
    ]
    by_step = client.get(reverse("tasks:board"), {"step": "execution"})
    assert [s["step"] for s in by_step.context["shown"]] == [Step.EXECUTION]
    # The counts keep every step when one step is shown.
    assert {s["step"]: s["count"] for s in by_step.context["sections"]}[Step.CALL] == 2


# The board's page: the signed-in user (session, user, verified device, roles: 4), the counts
# per step and the tasks (2), the layout's expert record and role labels (2), the session saved
# in a savepoint (3).
BOARD_QUERIES = 11


@pytest.mark.parametrize("n", [3, 30])
def test_board_queries_do_not_grow_with_the_tasks(users, client_for, django_assert_num_queries, n):
    client = client_for("dost")
    today = timezone.localdate()
    for i in range(n):
        step = [Step.PROPOSAL, Step.CALL, Step.EXECUTION][i % 3]
        _task(users, f"Q-{i}", step, due=today + dt.timedelta(days=i - 5))
    with django_assert_num_queries(BOARD_QUERIES):
        page = client.get(reverse("tasks:board"))
    assert sum(len(s["rows"]) for s in page.context["shown"]) == n


def test_board_is_dost_only(users, client_for):
    assert client_for("scientist").get(reverse("tasks:board")).status_code == 403


# --- advancing a task --------------------------------------------------------------------------


def test_a_call_shorter_than_the_profile_minimum_is_refused_and_nothing_saved(users, client_for):
    task = _task(users, "T-1", Step.APPROVED)
    client = client_for("dost")
    # 01/03/2026 → 30/03/2026 is 29 days; the bundled profile asks at least 30.
    response = _follow(
        client,
        reverse("tasks:advance", args=[task.pk]),
        {"to": "call", "call_opens_on": "01/03/2026", "call_closes_on": "30/03/2026"},
    )
    assert response.status_code == 200
    said = " ".join(_messages(response))
    assert "at least 30 days" in said and "is 29" in said
    task.refresh_from_db()
    assert task.step == Step.APPROVED
    assert task.call_opens_on is None and task.call_closes_on is None
    assert not TaskEvent.objects.filter(task=task).exists()


def test_a_move_with_its_data_saves_both(users, client_for):
    task = _task(users, "T-2", Step.APPROVED)
    client = client_for("dost")
    # 01/03/2026 → 31/03/2026 is 30 days: the minimum, accepted.
    _follow(
        client,
        reverse("tasks:advance", args=[task.pk]),
        {
            "to": "call",
            "call_opens_on": "01/03/2026",
            "call_closes_on": "31/03/2026",
            "note": "Thông báo số 12",
        },
    )
    task.refresh_from_db()
    assert task.step == Step.CALL
    assert (task.call_opens_on, task.call_closes_on) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert task.step_due == dt.date(2026, 3, 31)  # a call is due when it closes
    event = TaskEvent.objects.get(task=task)
    assert (event.from_step, event.to_step, event.note) == ("approved", "call", "Thông báo số 12")


def test_budget_decision_and_contract_are_recorded_with_their_moves(users, client_for):
    task = _task(users, "T-3", Step.APPRAISAL)
    client = client_for("dost")
    url = reverse("tasks:advance", args=[task.pk])
    # Without the budget the move is refused.
    refused = _follow(client, url, {"to": "decision"})
    assert "Record the appraised budget first." in _messages(refused)
    _follow(client, url, {"to": "decision", "budget": "1.250,5"})  # Vietnamese: 1250.5
    _follow(
        client, url, {"to": "contract", "decision_no": "123/QĐ-UBND", "decision_on": "02/04/2026"}
    )
    # An end before the start is refused by the form; nothing moves.
    bad = _follow(
        client,
        url,
        {
            "to": "execution",
            "contract_no": "HĐ 7",
            "starts_on": "01/05/2026",
            "ends_on": "01/04/2026",
        },
    )
    assert any("before the start" in m for m in _messages(bad))
    task.refresh_from_db()
    assert task.step == Step.CONTRACT and task.contract_no == ""
    _follow(
        client,
        url,
        {
            "to": "execution",
            "contract_no": "HĐ 7",
            "starts_on": "01/05/2026",
            "ends_on": "30/04/2028",
        },
    )
    task.refresh_from_db()
    assert task.budget == Decimal("1250.5")
    assert (task.decision_no, task.decision_on) == ("123/QĐ-UBND", dt.date(2026, 4, 2))
    assert task.step == Step.EXECUTION and task.ends_on == dt.date(2028, 4, 30)
    assert task.step_due == task.ends_on  # execution is due when the contract ends
    steps = list(TaskEvent.objects.filter(task=task).values_list("to_step", flat=True))
    assert steps == ["decision", "contract", "execution"]


def test_the_staff_panel_offers_the_next_steps_with_what_stops_them(users, client_for):
    task = _task(users, "T-4", Step.APPRAISAL)
    page = client_for("dost").get(reverse("tasks:detail", args=[task.pk]))
    panel = page.context["staff_panel"]
    moves = {m["step"]: m["problems"] for m in panel["moves"]}
    assert set(moves) == {Step.DECISION, Step.WITHDRAWN}
    assert moves[Step.DECISION] == ["Record the appraised budget first."]
    assert 'name="budget"' in page.content.decode()


# --- records -----------------------------------------------------------------------------------


def test_records_by_dost_and_by_the_lead_applicant(users, client_for, reg):
    task = _task(users, "T-5", Step.EXECUTION)
    _dossier(task, users["scientist"], reg["host"], status=DossierStatus.SELECTED)
    url = reverse("tasks:record", args=[task.pk])
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client = client_for("dost")
    _follow(
        client, url, {"kind": "inspection", "on": "10/06/2026", "text": "Kiểm tra", "file": pdf}
    )
    record = TaskRecord.objects.get(task=task)
    assert record.kind == "inspection" and record.by == users["dost"] and record.file
    # A file that is not what its name says is refused by the upload check.
    fake = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
    refused = _follow(
        client, url, {"kind": "progress", "on": "10/06/2026", "text": "x", "file": fake}
    )
    assert any("not a PDF file" in m for m in _messages(refused))
    assert TaskRecord.objects.filter(task=task).count() == 1

    client = _switch(client, client_for, "scientist")  # applicant of the selected dossier
    _follow(client, url, {"kind": "progress", "on": "11/06/2026", "text": "Báo cáo 6 tháng"})
    assert TaskRecord.objects.filter(task=task, kind="progress", by=users["scientist"]).exists()
    denied = _follow(client, url, {"kind": "inspection", "on": "11/06/2026", "text": "x"})
    assert any("Select a valid choice" in m for m in _messages(denied))
    assert TaskRecord.objects.filter(task=task).count() == 2
    outsider = _switch(client, client_for, "outsider").post(
        url, {"kind": "progress", "on": "11/06/2026"}
    )
    assert outsider.status_code == 403


# --- the completeness check --------------------------------------------------------------------


def test_dossier_check(users, client_for, reg):
    task = _task(users, "T-6", Step.COMPLETENESS)
    dossier = _dossier(task, users["scientist"], reg["host"])
    url = reverse("tasks:dossier_check", args=[dossier.pk])
    client = client_for("dost")
    prefix = f"d{dossier.pk}-"
    refused = _follow(client, url, {prefix + "complete": "no"})
    assert any("Say what is missing." in m for m in _messages(refused))
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    _follow(client, url, {prefix + "complete": "no", prefix + "note": "Thiếu lý lịch khoa học"})
    dossier.refresh_from_db()
    assert (dossier.status, dossier.check_note) == ("incomplete", "Thiếu lý lịch khoa học")
    _follow(client, url, {prefix + "complete": "yes"})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.COMPLETE

    task.step = Step.CALL
    task.save()
    late = _follow(client, url, {prefix + "complete": "no", prefix + "note": "x"})
    assert any("completeness check step" in m for m in _messages(late))
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.COMPLETE


# --- councils ----------------------------------------------------------------------------------


def _seats(chosen):
    data = {"size": str(len(chosen))}
    for i, (pk, role) in enumerate(chosen):
        data[f"expert_{i}"], data[f"role_{i}"] = str(pk), role
    return data


def test_council_new_shows_each_excluded_expert_with_its_reason(users, client_for, reg):
    task = _task(users, "T-7", org=reg["host"])
    url = reverse("tasks:council_new", args=[task.pk, "identification"])
    page = client_for("dost").get(url)
    assert page.status_code == 200
    reasons = {row["expert"].pk: row["reason"].value for row in page.context["excluded"]}
    # The host's staff works at the proposing organization; the sanction runs to 2099.
    assert reasons[reg["staff"].pk] == "host_org"
    assert reasons[reg["sanctioned"].pk] == "sanctioned"
    html = page.content.decode()
    assert f'data-expert="{reg["staff"].pk}" data-reason="host_org"' in html
    assert "Works at the host organization" in html and "Under sanction" in html
    suggested = [m["expert"].pk for m in page.context["suggested"]]
    assert len(suggested) == 7 and not set(suggested) & set(reasons)
    # The seat lists offer no excluded expert.
    assert f'<option value="{reg["staff"].pk}"' not in html


def test_forming_with_a_conflicted_expert_is_refused_and_a_clean_choice_forms(
    users, client_for, reg
):
    task = _task(users, "T-8", org=reg["host"])
    url = reverse("tasks:council_new", args=[task.pk, "identification"])
    client = client_for("dost")
    chosen = [(reg["staff"].pk, "chair")] + [
        (e.pk, r) for e, r in zip(reg["free"], ROLES7[1:], strict=False)
    ]
    refused = client.post(url, _seats(chosen))
    assert refused.status_code == 400
    assert any(
        "Lê Văn Chủ Trì cannot sit on this council: Works at the host organization" in r
        for r in refused.context["refusals"]
    )
    assert not Council.objects.filter(task=task).exists()
    task.refresh_from_db()
    assert task.step == Step.PROPOSAL

    clean = [(e.pk, r) for e, r in zip(reg["free"], ROLES7, strict=False)]
    data = _seats(clean) | {"blind": "on", "meets_on": "15/07/2026"}
    formed = client.post(url, data)
    council = Council.objects.get(task=task)
    assert formed.status_code == 302 and formed["Location"] == reverse(
        "tasks:council", args=[council.pk]
    )
    assert council.blind and council.meets_on == dt.date(2026, 7, 15)
    assert sorted(council.members.values_list("expert_id", flat=True)) == sorted(
        e.pk for e in reg["free"][:7]
    )
    task.refresh_from_db()
    assert task.step == Step.IDENTIFICATION


def _reviewing_council(task, reg, users) -> Council:
    chosen = [(e.pk, r) for e, r in zip(reg["free"], ROLES7, strict=False)]
    council = councils.form(task, CouncilKind.IDENTIFICATION, chosen, users["dost"])
    for m in council.members.all():
        councils.declare(m, True)
    council.refresh_from_db()
    assert council.status == CouncilStatus.REVIEWING
    return council


def test_conclude_without_quorum_is_refused_and_with_it_concludes(users, client_for, reg):
    task = _task(users, "T-9", org=reg["host"])
    council = _reviewing_council(task, reg, users)
    members = sorted(council.members.all(), key=lambda m: ROLES7.index(m.role))
    for m in members:
        councils.submit(m.reviews.get(), None, "recommend", "")
    client = client_for("dost")
    url = reverse("tasks:council_conclude", args=[council.pk])
    # 4 of 7 present; 2/3 × 7 = 14/3 → 5 needed.
    four = {"present": [str(m.pk) for m in members[:4]]}
    refused = _follow(client, url, four)
    assert any("4 of 7" in m and "at least 5" in m for m in _messages(refused))
    council.refresh_from_db()
    assert council.status == CouncilStatus.REVIEWING and council.conclusion == {}

    page = _follow(client, url, {"present": [str(m.pk) for m in members]})
    council.refresh_from_db()
    assert council.status == CouncilStatus.CONCLUDED and council.conclusion["passed"] is True
    html = page.content.decode()
    assert "7 present, 5 needed" in html  # ceil(2/3 × 7) = 5
    # 7 recommend of 7 present; ceil(2/3 × 7) = 5 needed.
    assert "7 of 7 (5 needed, 2/3)" in html
    minutes = client.get(reverse("tasks:minutes", args=[council.pk]))
    assert minutes.status_code == 200
    assert (
        minutes["Content-Disposition"] == 'attachment; filename="bien-ban-t-9-identification.docx"'
    )
    assert minutes.content[:2] == b"PK"  # a .docx is a zip


def test_the_council_page_shows_declarations_and_offers_replacement(users, client_for, reg):
    task = _task(users, "T-10", org=reg["host"])
    chosen = [(e.pk, r) for e, r in zip(reg["free"], ROLES7, strict=False)]
    council = councils.form(task, CouncilKind.IDENTIFICATION, chosen, users["dost"])
    first, second = council.members.order_by("pk")[:2]
    councils.declare(first, True)
    councils.declare(second, False, "Đồng tác giả của chủ nhiệm")
    client = client_for("dost")
    page = client.get(reverse("tasks:council", args=[council.pk]))
    html = page.content.decode()
    assert "Declared no conflict" in html
    assert "Đồng tác giả của chủ nhiệm" in html and "Not yet declared" in html
    assert [m.pk for m, _form in page.context["replace_forms"]] == [second.pk]
    # Replace with F8 (free, not on the council).
    url = reverse("tasks:council_replace", args=[council.pk, second.pk])
    _follow(client, url, {"expert": reg["free"][7].pk})
    assert council.members.filter(expert=reg["free"][7], role=second.role).exists()
    assert not council.members.filter(pk=second.pk).exists()
    # The host's staff is refused with the reason.
    third = council.members.exclude(pk=first.pk).exclude(expert=reg["free"][7]).first()
    councils.declare(third, False, "Người nhà")
    refused = _follow(
        client,
        reverse("tasks:council_replace", args=[council.pk, third.pk]),
        {"expert": reg["staff"].pk},
    )
    assert any("cannot sit on this council" in m for m in _messages(refused))


def test_selection_council_assigns_reviews_and_shows_scores_with_outliers(users, client_for, reg):
    task = _task(users, "T-13", Step.COMPLETENESS)
    one = _dossier(task, users["scientist"], _org("a", "Viện A"), DossierStatus.COMPLETE)
    two = _dossier(task, users["reporter"], _org("b", "Viện B"), DossierStatus.COMPLETE)
    chosen = [(e.pk, r) for e, r in zip(reg["free"], ROLES7, strict=False)]
    council = councils.form(task, CouncilKind.SELECTION, chosen, users["dost"])
    for m in council.members.all():
        councils.declare(m, True)
    members = sorted(council.members.all(), key=lambda m: (ROLES7.index(m.role), m.pk))
    client = client_for("dost")
    url = reverse("tasks:council_assign", args=[council.pk])
    # Every member reviews dossier one; the chair, vice-chair and first reviewer dossier two.
    pairs = [f"{m.pk}:{one.pk}" for m in members] + [f"{m.pk}:{two.pk}" for m in members[:3]]
    nobody_on_two = _follow(client, url, {"pair": pairs[:7]})
    assert any("at least one member" in m for m in _messages(nobody_on_two))
    _follow(client, url, {"pair": pairs})
    assert council.members.get(pk=members[3].pk).reviews.count() == 1
    assert council.members.get(pk=members[0].pk).reviews.count() == 2

    criteria = councils.form_of(council)  # the criteria of the research form

    def points(share):  # every criterion at `share` of its maximum: the total is 100 × share
        return {c.code: c.max * share for c in criteria}

    for i, m in enumerate(members):
        councils.submit(m.reviews.get(dossier=one), points(0.5 if i == 6 else 0.8), "", "")
        if i < 3:
            councils.submit(m.reviews.get(dossier=two), points(0.6), "", "")
    page = client.get(reverse("tasks:council", args=[council.pk]))
    rows = {r["dossier"].pk: r for r in page.context["matrix"]["rows"]}
    # Dossier one: (6 × 80 + 50) / 7 = 530 / 7 = 75.71; dossier two: 3 × 60 / 3 = 60.
    assert rows[one.pk]["mean"] == 75.71 and rows[two.pk]["mean"] == 60.0

    page = _follow(
        client,
        reverse("tasks:council_conclude", args=[council.pk]),
        {"present": [str(m.pk) for m in members]},
    )
    conclusion = page.context["conclusion"]
    assert conclusion["winner"] == one.pk
    first = conclusion["dossier_rows"][0]
    # The last member's 50 is 30 from the others' mean of 80 (more than the gap of 20).
    # (shown in the page's number format: views/councils.py formats the gap with `num`)
    assert first["outlier_list"] == [(str(members[6].expert), "30")]
    # Normalised totals: the ten totals given (80 x 6, 50, 60 x 3) have mean 710 / 10 = 71 and
    # population SD sqrt((6 x 9² + 21² + 3 x 11²) / 10) = sqrt(129) = 11.36. The first member
    # gave 80 and 60 (mean 70, SD 10): z = +1 on dossier one, so 71 + 11.36 = 82.36; a member
    # who scored one dossier keeps the raw total (80).
    totals = {
        name: (float(raw), float(normalised.replace(",", ".")))  # the page is in English here
        for name, raw, normalised in first["total_list"]
    }
    assert totals[str(members[0].expert)] == (80, pytest.approx(71 + 129**0.5, abs=0.005))
    assert totals[str(members[4].expert)] == (80, 80)
    html = page.content.decode()
    assert "⚑ Chuyên gia F7" in html and "Viện A" in html


# --- regulation profiles -----------------------------------------------------------------------


def test_profiles_list_and_page(users, client_for):
    profile = _profile()
    _task(users, "T-11")
    client = client_for("dost")
    listing = client.get(reverse("tasks:profiles"))
    row = next(p for p in listing.context["profiles"] if p.pk == profile.pk)
    assert row.task_count == 1
    page = client.get(reverse("tasks:profile", args=[profile.pk]))
    html = page.content.decode()
    assert "7 to 9 members" in html
    assert "at least 2/3 of the members present" in html
    # The research form's criteria: 10 + 5 + 30 + 20 + 10 + 15 + 10 = 100.
    forms = {f["code"]: f for f in page.context["readable"]["forms"]}
    assert forms["research"]["total"] == 100
    assert client_for("scientist").get(reverse("tasks:profiles")).status_code == 403


def test_a_new_profile_version_with_a_broken_form_sum_is_refused_with_its_key_path(
    users, client_for
):
    old = _profile()
    task = _task(users, "T-12")
    client = client_for("dost")
    page = client.get(reverse("tasks:profile_new"))
    text = page.context["form"].initial["text"]
    data = yaml.safe_load(text)
    assert data == old.data  # prefilled with the latest version
    data["forms"]["research"][0]["max"] = 11  # 11 + 5 + 30 + 20 + 10 + 15 + 10 = 101
    post = {
        "text": yaml.safe_dump(data, allow_unicode=True),
        "effective_from": "01/01/2027",
        "note": "Sửa điểm",
    }
    refused = client.post(reverse("tasks:profile_new"), post)
    assert refused.status_code == 400
    assert {
        "path": "forms.research",
        "row": None,
        "message": "The criteria's max points sum to 101, not 100.",
    } in refused.context["problems"]
    assert "<code>forms.research</code>" in refused.content.decode()
    assert RegulationProfile.objects.filter(code=old.code).count() == 1

    data["forms"]["research"][0]["max"] = 10
    data["deadlines"]["call_open_min_days"] = 45
    post["text"] = yaml.safe_dump(data, allow_unicode=True)
    saved = client.post(reverse("tasks:profile_new"), post)
    new = RegulationProfile.objects.get(code=old.code, version=old.version + 1)
    assert saved["Location"] == reverse("tasks:profile", args=[new.pk])
    assert new.data["deadlines"]["call_open_min_days"] == 45 and new.created_by == users["dost"]
    task.refresh_from_db()
    assert task.profile_id == old.pk  # a task keeps its version


def test_a_profile_that_is_not_yaml_is_refused_with_its_line(users, client_for):
    _profile()
    post = {"text": "code: x\n  bad: [", "effective_from": "01/01/2027", "note": "x"}
    refused = client_for("dost").post(reverse("tasks:profile_new"), post)
    assert refused.status_code == 400
    assert "Not valid YAML at line" in str(refused.context["form"].errors["text"])


# --- past tasks --------------------------------------------------------------------------------


def _csv(text: str, name="ds.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_past_import_with_a_bad_row_writes_nothing_and_says_where(users, client_for):
    text = (
        "code,title,summary,year,organization\n"
        "QG-01,Giống lúa chịu hạn,Tóm tắt,2019,Viện Lúa\n"
        "QG-02,Cam sạch bệnh,,20x5,Viện Cây ăn quả\n"
        ",Không mã,,2020,\n"
    )
    client = client_for("dost")
    page = client.post(reverse("tasks:past_import"), {"source": "national", "file": _csv(text)})
    where = {(p.row, p.column) for p in page.context["problems"]}
    # Line 3: the year; line 4: the code (required).
    assert where == {(3, "year"), (4, "code")}
    html = page.content.decode()
    assert "line 3, column year" in html and "20x5 is not a year" in html
    assert PastTask.objects.count() == 0


def test_past_import_creates_then_updates_by_source_and_code(users, client_for):
    client = client_for("dost")
    url = reverse("tasks:past_import")
    first = "Mã số;Tên nhiệm vụ;Năm\nQG-01;Giống lúa chịu hạn;2019\nQG-02;Cam sạch bệnh;2020\n"
    page = client.post(url, {"source": "national", "file": _csv(first)})
    assert page.context["counts"] == {"created": 2, "updated": 0, "unchanged": 0}
    again = "code,title,year\nQG-01,Giống lúa chịu hạn,2019\nQG-02,Cam Vinh sạch bệnh,2020\n"
    page = client.post(url, {"source": "national", "file": _csv(again)})
    assert page.context["counts"] == {"created": 0, "updated": 1, "unchanged": 1}
    # The same code in another list is another task.
    client.post(url, {"source": "province", "file": _csv(again)})
    assert PastTask.objects.filter(code="QG-02").count() == 2
    assert PastTask.objects.get(source="national", code="QG-02").title == "Cam Vinh sạch bệnh"


def test_read_past_tasks_reports_unknown_and_missing_columns_and_repeated_codes(db):
    rows, problems = read_past_tasks(_csv("code,name\nA,x\n"))
    templates = {p.template for p in problems}
    assert rows == [] and len(problems) == 2  # `name` unknown; `title` missing
    assert any("Unknown column" in t for t in templates)
    assert any("Required column" in t for t in templates)
    rows, problems = read_past_tasks(_csv("code,title\nA,x\nA,y\n"))
    assert [(p.row, p.column) for p in problems] == [(3, "code")]


def test_read_past_tasks_reads_xlsx(db):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["code", "title", "year"])
    sheet.append(["QG-9", "Tên", 2021])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("ds.xlsx", out.getvalue())
    rows, problems = read_past_tasks(upload)
    assert problems == []
    assert [(r["code"], r["title"], r["year"]) for r in rows] == [("QG-9", "Tên", 2021)]


# --- ending a task by DOST's choice; numbers in the seat lists ---------------------------------


@pytest.mark.parametrize("step", [Step.PROPOSAL, Step.APPRAISAL])
def test_withdrawing_or_rejecting_a_task_needs_its_reason(users, client_for, step):
    task = _task(users, f"T-END-{step}", step)
    client = client_for("dost")
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    ending = [s for s in (Step.WITHDRAWN, Step.REJECTED) if f'data-step="{s}"' in page]
    assert ending  # the panel offers at least one way to end the task here
    url = reverse("tasks:advance", args=[task.pk])
    for to in ending:
        response = _follow(client, url, {"to": to, "note": "   "})
        said = " ".join(_messages(response))
        assert "Reason: Give the reason" in said
        task.refresh_from_db()
        assert task.step == step and not TaskEvent.objects.filter(task=task).exists()
    to = ending[0]
    _follow(client, url, {"to": to, "note": "Đơn vị đề xuất rút lại"})
    task.refresh_from_db()
    assert task.step == to
    assert TaskEvent.objects.get(task=task).note == "Đơn vị đề xuất rút lại"


def test_the_reason_field_is_required_in_the_panel_for_an_ending_move(users, client_for):
    task = _task(users, "T-END-FORM", Step.APPRAISAL)
    panel = client_for("dost").get(reverse("tasks:detail", args=[task.pk])).context["staff_panel"]
    notes = {m["step"]: m["form"]["note"] for m in panel["moves"]}
    assert notes[Step.WITHDRAWN].field.required and notes[Step.WITHDRAWN].label == "Reason"
    assert not notes[Step.DECISION].field.required  # any other move: a note if DOST wants one


def test_candidate_matches_are_shown_in_the_project_number_format():
    from stihub.tasks.staff_forms import candidate_choices

    given = [(1, "Lê Văn An · Viện Khác", 0.32), (2, "Phạm Thị Bình · –", 0.5)]
    with translation.override("vi"):
        labels = [label for _pk, label in candidate_choices(given)]
    assert labels == ["Lê Văn An · Viện Khác · 0,32", "Phạm Thị Bình · – · 0,50"]
