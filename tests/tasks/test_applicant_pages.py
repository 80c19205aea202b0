"""Applicants' pages: a proposal (step proposal, its first event, a code per year), their own
list, a dossier started only while the call is open, edited all or nothing, its files checked,
its submission listing what is missing, and what a council member sees of it under blind
review."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from stihub.registry.models import FieldOfScience
from stihub.tasks.choices import (
    CouncilKind,
    CouncilStatus,
    DossierFileKind,
    DossierStatus,
    Step,
    TeamRole,
)
from stihub.tasks.models import Dossier, DossierFile, RegulationProfile, Task, TaskEvent
from stihub.tasks.views.applicants import next_code
from tests.conftest import sign_in

from .test_public_pages import (
    make_council,
    make_dossier,
    make_expert,
    make_org,
    make_review,
    make_task,
    make_team,
    open_call,
    profile_row,
    vi,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name="don-dang-ky.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def proposal_data(**changes):
    return {
        "kind": "research",
        "title": "Nghiên cứu nuôi cấy mô cây chuối tiêu hồng",
        "summary": "Nhu cầu giống sạch bệnh; mục tiêu: quy trình nhân giống.",
        "expected_results": "Quy trình và 10.000 cây giống.",
        "keywords": "nuôi cấy mô; chuối; nuôi cấy mô",
        "fields": [FieldOfScience.objects.get(code="4.1").pk],
        **changes,
    }


# --- proposals ------------------------------------------------------------------------------


def test_a_proposal_creates_a_task_at_step_proposal_with_its_first_event(users, client_for):
    profile_row()
    client = client_for("outsider")
    response = client.post(reverse("tasks:propose"), proposal_data())
    task = Task.objects.get()
    assert response.status_code == 302 and response.url == reverse("tasks:detail", args=[task.pk])
    year = timezone.localdate().year
    assert task.code == f"ĐX-{year}-001"
    assert task.step == Step.PROPOSAL and task.proposer == users["outsider"]
    assert task.keywords == "nuôi cấy mô; chuối"  # the repeated keyword once
    assert list(task.fields.values_list("code", flat=True)) == ["4.1"]
    event = TaskEvent.objects.get(task=task)
    assert (event.from_step, event.to_step, event.by) == ("", Step.PROPOSAL, users["outsider"])
    # the next one takes the next number; the proposal is not public but its author sees it
    client.post(reverse("tasks:propose"), proposal_data(title="Một đề xuất thứ hai khác hẳn"))
    assert Task.objects.filter(code=f"ĐX-{year}-002").exists()
    assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 200


def test_next_code_skips_numbers_taken_and_codes_of_other_years(users):
    make_task(users["dost"], code="ĐX-2026-007")
    make_task(users["dost"], code="ĐX-2025-040")
    make_task(users["dost"], code="ĐX-2026-abc")  # not a number: ignored
    assert next_code(2026) == "ĐX-2026-008"  # 7 + 1
    assert next_code(2027) == "ĐX-2027-001"


def test_a_proposal_with_errors_is_refused_in_place_and_creates_nothing(users, client_for):
    profile_row()
    response = client_for("outsider").post(
        reverse("tasks:propose"), proposal_data(title="Ngắn", kind="nonsense", fields=[999999])
    )
    assert response.status_code == 400 and not Task.objects.exists()
    assert vi("Give the task's title in full (10 characters or more).") in response.content.decode()


def test_no_proposal_without_a_regulation_profile_in_force(users, client_for):
    RegulationProfile.objects.all().delete()
    response = client_for("outsider").post(reverse("tasks:propose"), proposal_data())
    assert response.status_code == 400 and not Task.objects.exists()
    assert vi("No regulation profile is in force: proposals cannot be taken yet. Ask DOST.") in (
        response.content.decode()
    )


def test_proposing_needs_an_account(client, db):
    response = client.get(reverse("tasks:propose"))
    assert response.status_code == 302 and "/login" in response.url


# --- dossiers -------------------------------------------------------------------------------


def dossier_data(host, **changes):
    return {
        "host_org": host.pk,
        "objectives": "Quy trình nhân giống",
        "content": "Nuôi cấy mô",
        "products": "Cây giống",
        "application_plan": "Chuyển giao cho hợp tác xã",
        "duration_months": "24",
        "budget_state": "850,5",
        "budget_other": "100",
        **changes,
    }


def test_applying_starts_a_dossier_while_the_call_is_open(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    host = make_org()
    client = client_for("outsider")
    response = client.post(reverse("tasks:apply", args=[task.pk]), dossier_data(host))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("tasks:dossier_edit", args=[dossier.pk])
    assert dossier.applicant == users["outsider"] and dossier.status == DossierStatus.DRAFT
    assert str(dossier.budget_state) == "850.5"  # typed "850,5" the Vietnamese way
    # applying again leads to the same dossier
    again = client.get(reverse("tasks:apply", args=[task.pk]))
    assert again.url == reverse("tasks:dossier", args=[dossier.pk])


def test_applying_is_refused_once_the_call_has_closed(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    task.call_closes_on = timezone.localdate() - dt.timedelta(days=1)
    task.save()
    response = client_for("outsider").post(
        reverse("tasks:apply", args=[task.pk]), dossier_data(make_org())
    )
    assert response.status_code == 400 and not Dossier.objects.exists()
    # a task past its call (completeness check): the rule refuses (403)
    task.step = Step.COMPLETENESS
    task.save()
    response = client_for("outsider").get(reverse("tasks:apply", args=[task.pk]))
    assert response.status_code == 403


def test_the_dossier_edit_saves_forms_and_team_together_or_not_at_all(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    host = make_org()
    dossier = make_dossier(task, users["outsider"], host)
    a, b = make_expert("Lê Văn An"), make_expert("Phạm Thị Bình")
    url = reverse("tasks:dossier_edit", args=[dossier.pk])

    def team(*rows):
        data = {"team-TOTAL_FORMS": str(len(rows)), "team-INITIAL_FORMS": "0"}
        for n, (expert, role) in enumerate(rows):
            data |= {f"team-{n}-expert": str(expert.pk), f"team-{n}-role": role}
        return data

    client = client_for("outsider")
    # two leads: refused, and the changed objectives are not saved either
    bad = dossier_data(host, objectives="Đổi mục tiêu") | team((a, "lead"), (b, "lead"))
    response = client.post(url, bad)
    assert response.status_code == 400
    assert vi("A dossier has one principal investigator only.") in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.objectives != "Đổi mục tiêu" and not dossier.team.exists()
    good = dossier_data(host, objectives="Đổi mục tiêu") | team((a, "lead"), (b, "member"))
    assert client.post(url, good).status_code == 302
    dossier.refresh_from_db()
    assert dossier.objectives == "Đổi mục tiêu" and dossier.lead == a
    # someone else's dossier cannot be edited
    assert client_for("reporter").get(url).status_code == 403


def test_dossier_files_are_checked_on_upload(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    dossier = make_dossier(task, users["outsider"])
    url = reverse("tasks:dossier_file", args=[dossier.pk])
    client = client_for("outsider")
    assert client.post(url, {"kind": "application", "file": pdf()}).status_code == 302
    fake = SimpleUploadedFile("thuyet-minh.pdf", b"not a pdf at all", "application/pdf")
    response = client.post(url, {"kind": "explanation", "file": fake})
    assert response.status_code == 400
    assert DossierFile.objects.filter(dossier=dossier).count() == 1
    stored = DossierFile.objects.get()
    assert stored.name == "don-dang-ky.pdf" and stored.kind == DossierFileKind.APPLICATION
    download = client.get(reverse("tasks:file", args=[stored.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert "attachment" in download["Content-Disposition"]
    assert client_for("reporter").get(reverse("tasks:file", args=[stored.pk])).status_code == 403


def test_submitting_lists_what_is_missing_then_submits(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    dossier = make_dossier(task, users["outsider"], budget_state=0)
    client = client_for("outsider")
    url = reverse("tasks:dossier_submit", args=[dossier.pk])
    response = client.post(url)
    assert response.status_code == 400
    text = response.content.decode()
    for missing in (
        vi("The team needs exactly one principal investigator."),
        vi("Attach the file: %(kind)s.", kind=DossierFileKind.APPLICATION.label),
        vi("Attach the file: %(kind)s.", kind=DossierFileKind.EXPLANATION.label),
        vi("Give the state budget asked (more than 0)."),
    ):
        assert missing in text, missing
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT and dossier.submitted_at is None
    make_team(dossier, make_expert("Lê Văn An"))
    for kind in ("application", "explanation"):
        DossierFile.objects.create(dossier=dossier, kind=kind, file=pdf(), name=f"{kind}.pdf")
    dossier.budget_state = 500
    dossier.save()
    assert client.post(url).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED and dossier.submitted_at is not None
    # submitted: no more edits
    assert client.get(reverse("tasks:dossier_edit", args=[dossier.pk])).status_code == 403


def test_submitting_after_the_call_closed_says_so(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    dossier = make_dossier(task, users["outsider"])
    task.call_closes_on = timezone.localdate() - dt.timedelta(days=1)
    task.save()
    response = client_for("outsider").post(reverse("tasks:dossier_submit", args=[dossier.pk]))
    assert response.status_code == 400 and vi("The call is closed.") in response.content.decode()


def test_mine_lists_proposals_and_dossiers_with_what_to_do_next(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED, title="Nhiệm vụ đang mở gọi hồ sơ"))
    make_dossier(task, users["outsider"])
    own = make_task(users["outsider"], Step.PROPOSAL, title="Đề xuất riêng của người dùng")
    text = client_for("outsider").get(reverse("tasks:mine")).content.decode()
    assert escape(own.title) in text and escape(task.title) in text
    assert (
        vi(
            "Complete the dossier and submit it by %(date)s.",
            date=f"{task.call_closes_on:%d/%m/%Y}",
        )
        in text
    )
    assert (
        escape(own.title) not in client_for("reporter").get(reverse("tasks:mine")).content.decode()
    )


# --- blind review ---------------------------------------------------------------------------


@pytest.fixture
def blind_selection(users):
    """A selection council under blind review; the expert user sits on it and has declared no
    conflict; a dossier by Công ty Bí Danh with Trần Bí Mật as lead is assigned to them."""
    task = make_task(users["dost"], Step.SELECTION)
    host = make_org("Công ty Bí Danh", code="cong-ty-bi-danh")
    dossier = make_dossier(task, users["outsider"], host, status=DossierStatus.COMPLETE)
    make_team(dossier, make_expert("Trần Bí Mật"))
    upload = DossierFile.objects.create(
        dossier=dossier, kind="explanation", file=pdf(), name="thuyet-minh-tran-bi-mat.pdf"
    )
    member = make_expert("Nguyễn Văn Hội Đồng", user=users["expert"])
    others = [make_expert(f"Thành viên {i}") for i in range(6)]
    council = make_council(
        task, CouncilKind.SELECTION, [member, *others], CouncilStatus.REVIEWING, blind=True
    )
    make_review(council, member, dossier)
    return {"task": task, "dossier": dossier, "file": upload, "council": council}


SECRETS = ("Công ty Bí Danh", "Trần Bí Mật", "thuyet-minh-tran-bi-mat.pdf", "outsider")


def test_blind_review_hides_names_from_a_member_but_not_from_dost(blind_selection, client_for):
    url = reverse("tasks:dossier", args=[blind_selection["dossier"].pk])
    response = client_for("expert").get(url)
    assert response.status_code == 200
    main = response.content.decode().split("<main>")[1]
    assert vi("hidden for blind review") in main
    for secret in SECRETS:
        assert escape(secret) not in main, secret
    # the files carry names: a member under blind review cannot download them
    file_url = reverse("tasks:file", args=[blind_selection["file"].pk])
    assert client_for("expert").get(file_url).status_code == 403
    main = client_for("dost").get(url).content.decode().split("<main>")[1]
    for secret in SECRETS:
        assert escape(secret) in main, secret
    assert client_for("dost").get(file_url).status_code == 200


def test_without_blind_review_the_member_sees_the_names(blind_selection, client_for):
    blind_selection["council"].blind = False
    blind_selection["council"].save()
    url = reverse("tasks:dossier", args=[blind_selection["dossier"].pk])
    main = client_for("expert").get(url).content.decode().split("<main>")[1]
    assert escape("Công ty Bí Danh") in main and escape("Trần Bí Mật") in main


def test_a_member_cannot_open_a_dossier_not_assigned_or_before_declaring(
    blind_selection, users, client_for
):
    task = blind_selection["task"]
    other = make_dossier(task, users["reporter"], status=DossierStatus.COMPLETE)
    client = client_for("expert")
    assert client.get(reverse("tasks:dossier", args=[other.pk])).status_code == 403
    seat = blind_selection["council"].members.get(expert__user=users["expert"])
    seat.no_conflict, seat.declared_at = None, None  # not declared yet
    seat.save()
    url = reverse("tasks:dossier", args=[blind_selection["dossier"].pk])
    assert client.get(url).status_code == 403


def test_lead_role_label_is_shown_on_the_dossier(blind_selection, users, client):
    text = (
        sign_in(client, users["outsider"])
        .get(reverse("tasks:dossier", args=[blind_selection["dossier"].pk]))
        .content.decode()
    )
    assert escape(str(TeamRole.LEAD.label)) in text or escape(vi(TeamRole.LEAD.label)) in text


def test_two_proposals_given_the_same_number_at_once_both_get_a_code(users, monkeypatch):
    """The second insert with a taken code fails on the unique code and takes the next number."""
    from stihub.tasks.forms import ProposalForm
    from stihub.tasks.views import applicants

    profile = profile_row()
    year = timezone.localdate().year
    make_task(users["dost"], code=f"ĐX-{year}-001")
    given = iter([f"ĐX-{year}-001", f"ĐX-{year}-002"])  # as if read before the other's insert
    monkeypatch.setattr(applicants, "next_code", lambda year: next(given))
    form = ProposalForm(proposal_data())
    assert form.is_valid(), form.errors
    task = applicants.create_proposal(form, users["outsider"], profile)
    assert task.code == f"ĐX-{year}-002"
    assert TaskEvent.objects.filter(task__code=f"ĐX-{year}-002").count() == 1
    assert list(task.fields.values_list("code", flat=True)) == ["4.1"]
