"""Applicants' pages: a proposal (step proposal, its first event, a code per year), their own
list, a dossier started only while the call is open, edited all or nothing, its files checked,
its submission listing what is missing, and what a council member sees of it under blind
review."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
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
from stihub.tasks.forms import _points, review_form
from stihub.tasks.models import Dossier, DossierFile, RegulationProfile, Task, TaskEvent
from stihub.tasks.views.applicants import next_action, next_code
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
    response = client.post(url, {"confirm": "on"})
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
    # complete, but the applicant has not confirmed it is final: nothing is submitted
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 400
    assert vi("Tick the confirmation that the dossier is final to submit it.") in (
        unconfirmed.content.decode()
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    assert client.post(url, {"confirm": "on"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED and dossier.submitted_at is not None
    # submitted: no more edits (the applicant is sent to the dossier, told why; see below)
    assert client.get(reverse("tasks:dossier_edit", args=[dossier.pk])).status_code == 302


def test_submitting_after_the_call_closed_says_so(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    dossier = make_dossier(task, users["outsider"])
    task.call_closes_on = timezone.localdate() - dt.timedelta(days=1)
    task.save()
    response = client_for("outsider").post(
        reverse("tasks:dossier_submit", args=[dossier.pk]), {"confirm": "on"}
    )
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


# --- saving and submitting in one go, removing a file, a dossier no longer editable -------------


def team_rows(*rows, initial=0):
    """The team formset's data: (expert, role) or (expert, role, member id) per row."""
    data = {"team-TOTAL_FORMS": str(len(rows)), "team-INITIAL_FORMS": str(initial)}
    for n, (expert, role, *pk) in enumerate(rows):
        data |= {f"team-{n}-expert": str(expert.pk), f"team-{n}-role": role}
        if pk:
            data[f"team-{n}-id"] = str(pk[0])
    return data


def with_files(dossier):
    for kind in ("application", "explanation"):
        DossierFile.objects.create(dossier=dossier, kind=kind, file=pdf(), name=f"{kind}.pdf")


def test_save_and_submit_saves_what_is_typed_then_submits_once_confirmed(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    host = make_org()
    dossier = make_dossier(task, users["outsider"], host)
    with_files(dossier)
    lead = make_expert("Lê Văn An")
    url = reverse("tasks:dossier_edit", args=[dossier.pk])
    client = client_for("outsider")
    # The only lead is typed in this very post: the submission sees the team just saved.
    typed = dossier_data(host, objectives="Mục tiêu mới") | team_rows((lead, "lead"))
    # Not confirmed: saved, not submitted, and the page says so.
    response = client.post(url, typed | {"action": "submit"})
    assert response.status_code == 400
    assert (
        vi(
            "The dossier was saved but not submitted: tick the confirmation that it is final to "
            "submit it."
        )
        in response.content.decode()
    )
    dossier.refresh_from_db()
    assert dossier.objectives == "Mục tiêu mới" and dossier.lead == lead
    assert dossier.status == DossierStatus.DRAFT
    # Confirmed: saved and submitted, then the dossier's page.
    member = dossier.team.get()
    typed = dossier_data(host, objectives="Mục tiêu cuối") | team_rows(
        (lead, "lead", member.pk), initial=1
    )
    response = client.post(url, typed | {"action": "submit", "confirm": "on"})
    assert response.status_code == 302 and response.url == reverse(
        "tasks:dossier", args=[dossier.pk]
    )
    dossier.refresh_from_db()
    assert dossier.objectives == "Mục tiêu cuối" and dossier.status == DossierStatus.SUBMITTED


def test_save_and_submit_with_parts_missing_keeps_the_save_and_lists_them(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    host = make_org()
    dossier = make_dossier(task, users["outsider"], host)  # no file, no team
    url = reverse("tasks:dossier_edit", args=[dossier.pk])
    client = client_for("outsider")
    typed = dossier_data(host, objectives="Đã sửa") | team_rows()
    response = client.post(url, typed | {"action": "submit", "confirm": "on"})
    assert response.status_code == 400
    text = response.content.decode()
    assert vi("The dossier was saved but not submitted: parts are missing.") in text
    assert vi("The team needs exactly one principal investigator.") in text
    assert vi("Attach the file: %(kind)s.", kind=DossierFileKind.APPLICATION.label) in text
    dossier.refresh_from_db()
    assert dossier.objectives == "Đã sửa" and dossier.status == DossierStatus.DRAFT
    # a plain save of a complete dossier does not submit it either
    with_files(dossier)
    make_team(dossier, make_expert("Lê Văn An"))
    member = dossier.team.get()
    typed = dossier_data(host) | team_rows((member.expert, "lead", member.pk), initial=1)
    assert client.post(url, typed | {"action": "save", "confirm": "on"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


def test_the_edit_page_has_one_form_for_saving_and_submitting(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    dossier = make_dossier(task, users["outsider"])
    text = client_for("outsider").get(reverse("tasks:dossier_edit", args=[dossier.pk])).content
    text = text.decode()
    # no separate submission form that would drop what is typed: the button and the
    # confirmation belong to the dossier's form
    assert reverse("tasks:dossier_submit", args=[dossier.pk]) not in text
    assert 'form="dossier-form" name="action" value="submit"' in text
    assert 'name="confirm" id="id_confirm" form="dossier-form"' in text


def test_a_team_member_twice_is_named_in_the_message(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    host = make_org()
    dossier = make_dossier(task, users["outsider"], host)
    an = make_expert("Lê Văn An")
    make_team(dossier, an)
    member = dossier.team.get()
    url = reverse("tasks:dossier_edit", args=[dossier.pk])
    typed = dossier_data(host) | team_rows((an, "lead", member.pk), (an, "member"), initial=1)
    response = client_for("outsider").post(url, typed)
    assert response.status_code == 400
    text = response.content.decode()
    assert vi("%(name)s is on the team twice.", name="Lê Văn An") in text
    assert "duplicate" not in text.lower()  # not Django's "Please correct the duplicate data"
    assert dossier.team.count() == 1


def test_a_file_can_be_removed_while_the_dossier_is_editable(
    users, client_for, django_capture_on_commit_callbacks
):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    host = make_org()
    dossier = make_dossier(task, users["outsider"], host)
    url = reverse("tasks:dossier_file", args=[dossier.pk])
    client = client_for("outsider")
    client.post(url, {"kind": "application", "file": pdf("sai-tep.pdf")})
    wrong = DossierFile.objects.get()
    storage, name = wrong.file.storage, wrong.file.name
    assert storage.exists(name)
    page = client.get(reverse("tasks:dossier_edit", args=[dossier.pk])).content.decode()
    assert f'name="remove" value="{wrong.pk}"' in page
    # someone else may not; a file of another dossier is not found
    other = make_dossier(task, users["reporter"], host)
    theirs = DossierFile.objects.create(dossier=other, kind="cv", file=pdf(), name="cv.pdf")
    assert client_for("reporter").post(url, {"remove": wrong.pk}).status_code == 403
    client = client_for("outsider")
    assert client.post(url, {"remove": theirs.pk}).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"remove": wrong.pk})
    assert response.status_code == 302
    assert not DossierFile.objects.filter(pk=wrong.pk).exists() and not storage.exists(name)
    assert DossierFile.objects.filter(pk=theirs.pk).exists()


def test_the_owner_of_a_dossier_no_longer_editable_is_told_why(users, client_for):
    task = open_call(make_task(users["dost"], Step.APPROVED))
    host = make_org()
    dossier = make_dossier(task, users["outsider"], host, status=DossierStatus.SUBMITTED)
    edit = reverse("tasks:dossier_edit", args=[dossier.pk])
    client = client_for("outsider")
    response = client.get(edit, follow=True)
    assert response.redirect_chain == [(reverse("tasks:dossier", args=[dossier.pk]), 302)]
    with translation.override("vi"):
        status = str(DossierStatus.SUBMITTED.label)
    assert vi("This dossier is “%(status)s”: it can no longer be edited.", status=status) in (
        response.content.decode()
    )
    # a draft whose call has ended (the task moved on to the completeness check)
    draft = make_dossier(task, users["outsider"], host)
    task.step = Step.COMPLETENESS
    task.save()
    response = client.get(reverse("tasks:dossier_edit", args=[draft.pk]), follow=True)
    assert vi("The call for this task is closed: the dossier can no longer be edited.") in (
        response.content.decode()
    )
    # anyone else: still refused
    assert client_for("reporter").get(edit).status_code == 403


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (Step.APPRAISAL, "Selected: DOST will appraise the budget and sign a contract."),
        (Step.CONTRACT, "Sign the contract with DOST; then report progress on the task page."),
        (Step.EXECUTION, "Report progress on the task page."),
        (Step.ACCEPTANCE, "Prepare the results for the acceptance council."),
        (Step.PUBLISHED, "Record how the results are applied on the task page."),
        (Step.WITHDRAWN, "The task was withdrawn."),
    ],
)
def test_next_action_of_the_selected_dossier_follows_the_task_step(
    users, client_for, step, expected
):
    task = make_task(users["dost"], step)
    dossier = make_dossier(task, users["outsider"], status=DossierStatus.SELECTED)
    with translation.override("en"):
        assert next_action(dossier, timezone.localdate()) == expected
    text = client_for("outsider").get(reverse("tasks:mine")).content.decode()
    assert vi(expected) in text


def test_score_inputs_show_a_score_given_the_vietnamese_way():
    criteria = [SimpleNamespace(code="a", label="Tính mới", max=4.5)]
    with translation.override("vi"):
        form = review_form(None, [], criteria, {}, initial={"score_a": 4.25})
        html = str(form["score_a"])
        help_text = str(form.fields["score_a"].help_text)
    assert 'value="4,25"' in html  # not "4.25"
    assert "4,5" in help_text  # the criterion's most: 4.5 points
    with translation.override("vi"):
        assert (_points(30), _points(0.5), _points(7.125)) == ("30", "0,5", "7,125")
    # what is typed is shown back as typed
    bound = review_form(None, [], criteria, {}, data={"score_a": "3,5"})
    assert 'value="3,5"' in str(bound["score_a"])
