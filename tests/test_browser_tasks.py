"""Issue 11's acceptance in a real browser: one S&T task (nhiệm vụ KH&CN) walks from its
proposal to its published results through the pages, each person in a browser of their own:
the scientist proposes and applies, DOST (two-step verification) runs every step and council,
seven experts declare and review in each of the three councils, the public sees what the rules
make public and when.

Each step leaves a screenshot in `var/artifacts/tasks/` (STIHUB_ARTIFACTS overrides the
folder). Skipped without Debian's chromium (see test_browser.py).
"""

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation

from stihub.core.choices import Role
from stihub.registry.models import Expert, FieldOfScience, Organization
from stihub.tasks import profiles
from stihub.tasks.choices import ConflictReason, CouncilKind, CouncilStatus, DossierStatus, Step
from stihub.tasks.models import (
    Council,
    Dossier,
    RegulationProfile,
    Review,
    Task,
    TaskRecord,
)

from .browser import send, sign_in
from .browser import shot as browser_shot
from .conftest import authenticator, make_user
from .test_browser import pytestmark  # noqa: F401 - the same skip and marker

KEYWORDS = "cam; giống cây trồng; sạch bệnh"
# A PDF as the upload check knows one (it starts with %PDF-): the signed forms of the dossier.
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def shot(page, name: str) -> None:
    browser_shot(page, "tasks", name)


@pytest.fixture
def world(transactional_db, users):
    """The bundled profile, the field of science of the task, the host organization with the
    scientist's expert record, and ten experts with accounts in the task's field elsewhere."""
    # The migrations load these; a transactional test run after another finds them flushed.
    RegulationProfile.objects.get_or_create(
        code="tt-2014-2023",
        version=1,
        defaults={
            "title": "TT 2014-2023",
            "data": profiles.bundled_data(),
            "effective_from": profiles.BUNDLED_FROM,
        },
    )
    agri, _ = FieldOfScience.objects.get_or_create(
        code="4", defaults={"name": "Khoa học nông nghiệp", "name_en": "Agricultural sciences"}
    )
    crops, _ = FieldOfScience.objects.get_or_create(
        code="4.1",
        defaults={"name": "Trồng trọt", "name_en": "Agriculture, forestry", "parent": agri},
    )
    host = Organization.objects.create(code="dhv", name="Trường Đại học Vinh", kind="university")
    other = Organization.objects.create(code="vkhac", name="Viện Khác", kind="st_organization")
    scientist = Expert.objects.create(
        full_name="Nguyễn Văn Chủ Nhiệm",
        location="province",
        organization=host,
        keywords=KEYWORDS,
        user=users["scientist"],
    )
    scientist.fields.set([crops])
    experts = []
    for i in range(1, 11):
        user = make_user(f"member{i}", Role.EXPERT)
        expert = Expert.objects.create(
            full_name=f"Chuyên gia Số {i:02d}",
            location="province",
            organization=other,
            keywords=KEYWORDS,
            user=user,
        )
        expert.fields.set([crops])
        experts.append(expert)
    return {"field": crops, "host": host, "scientist": scientist, "experts": experts}


# --- helpers -----------------------------------------------------------------------------------


def day(date: dt.date) -> str:
    return f"{date:%d/%m/%Y}"  # how people type dates (the Vietnamese input format)


def advance(page, url, task, step, **data) -> Task:
    """DOST moves the task to `step` on its page, typing the step's data in that move's form."""
    page.goto(f"{url}/tasks/{task.pk}/")
    for key, value in data.items():
        page.fill(f"#{step}-{key}", value)
    send(page, f"form[data-step={step}] button[type=submit]")
    task.refresh_from_db()
    assert task.step == step, page.locator(".msg").all_inner_texts()
    return task


def badge(page) -> str:
    """The status shown beside a page's title (a task's step, a council's or dossier's status)."""
    return page.locator("p.summary .badge").inner_text()


def label(choice) -> str:
    with translation.override("vi"):  # the UI's language by default
        return str(choice.label)


def public_page(browser, url, path):
    """What an anonymous visitor gets at `path`: (status, page)."""
    page = browser.new_context().new_page()
    response = page.goto(url + path)
    return response.status, page


def form_council(page, url, task, kind) -> Council:
    """DOST forms the `kind` council from the suggestion as offered."""
    page.goto(f"{url}/tasks/{task.pk}/")
    page.click(f"a[href='/tasks/{task.pk}/councils/{kind}/new/']")
    page.wait_for_selector("#suggested")
    suggested = page.locator("#suggested tbody tr")
    assert suggested.count() == 7  # the profile's smallest council
    shot(page, f"council-{kind}-new")
    send(page, "form[method=post].stacked button[type=submit]")
    council = Council.objects.get(task=task, kind=kind)
    assert page.url.endswith(f"/tasks/councils/{council.pk}/")
    assert council.status == CouncilStatus.DECLARING
    assert council.members.count() == 7
    return council


def members_declare_and_review(browser, url, pages, council, review) -> None:
    """Each member, in their own browser, declares no conflict from the inbox; once all have,
    each opens their review from the inbox and fills it with `review(page, seat)`."""
    seats = list(council.members.select_related("expert__user").order_by("pk"))
    for seat in seats:
        name = seat.expert.user.username
        if name not in pages:  # members are not staff: a password, no second step
            pages[name] = sign_in(browser, url, name)
        page = pages[name]
        page.goto(url + "/tasks/inbox/")
        page.click(f"a[href='/tasks/seats/{seat.pk}/declare/']")
        page.check("input[name=answer][value=none]")
        send(page, "form.stacked button[type=submit]")
        assert page.url.endswith("/tasks/inbox/")
    council.refresh_from_db()
    assert council.status == CouncilStatus.REVIEWING  # every member declared no conflict
    for i, seat in enumerate(seats):
        page = pages[seat.expert.user.username]
        page.goto(url + "/tasks/inbox/")
        (own,) = Review.objects.filter(member=seat)
        page.click(f"a[href='/tasks/reviews/{own.pk}/']")
        review(page, i)
        page.fill("#id_comment", "Ý kiến của thành viên hội đồng.")
        if i == 0:
            shot(page, f"review-{council.kind}")
        send(page, "form.stacked button[type=submit]")
        own.refresh_from_db()
        assert own.submitted_at is not None, page.locator(".errors").all_inner_texts()


def conclude(page, url, council) -> Council:
    """DOST ticks every member present (the default) and concludes the meeting."""
    page.goto(f"{url}/tasks/councils/{council.pk}/")
    send(page, f"form[action='/tasks/councils/{council.pk}/conclude/'] button[type=submit]")
    council.refresh_from_db()
    assert council.status == CouncilStatus.CONCLUDED, page.locator(".msg").all_inner_texts()
    assert council.members.filter(present=True).count() == 7
    page.wait_for_selector("#conclusion")
    return council


# --- the walk ----------------------------------------------------------------------------------


def test_one_task_from_proposal_to_published_results(browser, live_server, world, users):
    url = live_server.url
    today = timezone.localdate()
    members: dict = {}  # username → their signed-in page

    # 1. The scientist proposes a task; it is not public yet.
    scientist = sign_in(browser, url, "scientist")
    scientist.goto(url + "/tasks/propose/")
    scientist.select_option("#id_kind", "research")
    scientist.fill("#id_title", "Nghiên cứu chọn tạo giống cam Vinh sạch bệnh cho Quỳ Hợp")
    scientist.fill("#id_summary", "Chọn tạo giống cam sạch bệnh, nhân giống và chuyển giao.")
    scientist.fill("#id_keywords", KEYWORDS)
    scientist.select_option("#id_fields", str(world["field"].pk))
    scientist.select_option("#id_proposer_org", str(world["host"].pk))
    shot(scientist, "01-propose")
    send(scientist, "form.stacked button[type=submit]")
    task = Task.objects.get()
    assert scientist.url.endswith(f"/tasks/{task.pk}/")
    assert (task.step, task.proposer, task.kind) == (Step.PROPOSAL, users["scientist"], "research")
    assert list(task.fields.all()) == [world["field"]]
    assert task.code in scientist.locator("p.summary").inner_text()
    assert badge(scientist) == label(Step.PROPOSAL)
    shot(scientist, "02-proposed")
    _status, anonymous = public_page(browser, url, "/tasks/")
    assert anonymous.locator(f"tr[data-id='{task.pk}']").count() == 0
    assert public_page(browser, url, f"/tasks/{task.pk}/")[0] == 404

    # 2. DOST forms the identification council; the proposer is shown excluded as applicant.
    dost = sign_in(browser, url, "dost", authenticator(users["dost"]))
    dost.goto(f"{url}/tasks/{task.pk}/councils/identification/new/")
    own = dost.locator(f"#excluded tr[data-expert='{world['scientist'].pk}']")
    assert own.get_attribute("data-reason") == "applicant"
    assert own.locator("td").nth(2).inner_text() == label(ConflictReason.APPLICANT)
    suggested = {int(e) for e in dost.locator("#suggested tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.expert)"
    )}  # fmt: skip
    assert suggested <= {e.pk for e in world["experts"]}
    council = form_council(dost, url, task, CouncilKind.IDENTIFICATION)
    assert {m.expert_id for m in council.members.all()} == suggested
    task.refresh_from_db()
    assert task.step == Step.IDENTIFICATION

    # 3. The seven members declare, then vote: six recommend, one does not.
    def vote(page, i):
        page.check(f"input[name=verdict][value={'not_recommend' if i == 6 else 'recommend'}]")

    members_declare_and_review(browser, url, members, council, vote)

    # 4. DOST concludes (6 of 7 ≥ ⌈2/3 × 7⌉ = 5), gets the minutes, approves, opens the call.
    council = conclude(dost, url, council)
    assert (council.conclusion["passed"], council.conclusion["yes"]) == (True, 6)
    assert dost.locator("#conclusion dd").nth(2).inner_text().startswith("6/7")
    assert badge(dost) == label(CouncilStatus.CONCLUDED)
    shot(dost, "03-identification-concluded")
    with dost.expect_download() as download:
        dost.click(f"a[href='/tasks/councils/{council.pk}/minutes.docx']")
    docx = Path(download.value.path()).read_bytes()
    assert docx[:2] == b"PK"  # a zip: Word's .docx
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert task.code in archive.read("word/document.xml").decode("utf-8")
    advance(dost, url, task, Step.APPROVED)
    assert public_page(browser, url, "/tasks/")[1].locator(f"tr[data-id='{task.pk}']").count() == 1
    opens, closes = today - dt.timedelta(days=1), today + dt.timedelta(days=30)  # 31 days ≥ 30
    task = advance(dost, url, task, Step.CALL, call_opens_on=day(opens), call_closes_on=day(closes))
    assert (task.call_opens_on, task.call_closes_on) == (opens, closes)
    shot(dost, "04-call-open")

    # 5. The scientist applies: the dossier's forms, the team, the two files, the submission.
    scientist.goto(f"{url}/tasks/{task.pk}/")
    scientist.click(f"a[href='/tasks/{task.pk}/apply/']")
    scientist.select_option("#id_host_org", str(world["host"].pk))
    scientist.fill("#id_objectives", "Có giống cam sạch bệnh năng suất cao.")
    scientist.fill("#id_content", "Tuyển chọn cây đầu dòng; vi ghép đỉnh sinh trưởng.")
    scientist.fill("#id_products", "10 cây đầu dòng; quy trình nhân giống.")
    scientist.fill("#id_duration_months", "24")
    scientist.fill("#id_budget_state", "900")
    scientist.fill("#id_budget_other", "100")
    send(scientist, "form.stacked button[type=submit]")
    dossier = Dossier.objects.get(task=task)
    assert scientist.url.endswith(f"/tasks/dossiers/{dossier.pk}/edit/")
    assert (dossier.status, dossier.budget_state) == (DossierStatus.DRAFT, Decimal("900"))
    # The applicant's own registry record (their CV) is the lead from the start; the team form
    # shows their number, and they add a member by number.
    assert dossier.lead == world["scientist"]
    assert str(world["scientist"].pk) in scientist.locator("form.stacked").first.inner_text()
    scientist.fill("#id_team-1-expert", str(world["experts"][9].pk))
    scientist.select_option("#id_team-1-role", "member")
    send(scientist, f"form[action='/tasks/dossiers/{dossier.pk}/edit/'] button[type=submit]")
    assert set(dossier.team.values_list("expert_id", "role")) == {
        (world["scientist"].pk, "lead"),
        (world["experts"][9].pk, "member"),
    }
    for kind in ("application", "explanation"):
        scientist.select_option("#id_kind", kind)
        scientist.set_input_files(
            "#id_file", {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        )
        send(
            scientist,
            f"form[action='/tasks/dossiers/{dossier.pk}/files/'][enctype='multipart/form-data'] "
            "button[type=submit]",
        )
    assert sorted(dossier.files.values_list("kind", flat=True)) == ["application", "explanation"]
    shot(scientist, "05-dossier-edit")
    # "Save and submit" belongs to the dossier's form; it asks for the confirmation first.
    scientist.check("#id_confirm")
    send(scientist, "button[name=action][value=submit]")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert scientist.url.endswith(f"/tasks/dossiers/{dossier.pk}/")
    assert badge(scientist) == label(DossierStatus.SUBMITTED)
    shot(scientist, "06-dossier-submitted")
    # Time passing is the one thing the browser cannot do: the call closed yesterday, after a
    # month open (the completeness check waits for the call to close).
    Task.objects.filter(pk=task.pk).update(
        call_opens_on=today - dt.timedelta(days=32), call_closes_on=today - dt.timedelta(days=1)
    )

    # 6. Completeness, the selection council scoring 85 of 100, and the winner made public.
    task = advance(dost, url, task, Step.COMPLETENESS)
    check = f"form[data-dossier='{dossier.pk}']"
    dost.check(f"{check} input[name='d{dossier.pk}-complete'][value=yes]")
    send(dost, f"{check} button[type=submit]")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.COMPLETE
    council = form_council(dost, url, task, CouncilKind.SELECTION)
    task.refresh_from_db()
    assert task.step == Step.SELECTION
    # The research form: maxima 10, 5, 30, 20, 10, 15, 10 (= 100); 85% of each sums to 85.
    maxima = {"overview": 10, "objectives": 5, "content": 30, "products": 20,
              "application": 10, "capacity": 15, "budget": 10}  # fmt: skip

    def score(page, i):
        for code, most in maxima.items():
            page.fill(f"#id_score_{code}", f"{most * 0.85:g}".replace(".", ","))

    members_declare_and_review(browser, url, members, council, score)
    council = conclude(dost, url, council)
    assert council.conclusion["winner"] == dossier.pk
    assert council.conclusion["dossiers"][0]["mean_total"] == 85.0
    assert world["host"].name in dost.locator("#conclusion").inner_text()
    shot(dost, "07-selection-concluded")
    dossier.refresh_from_db()
    task.refresh_from_db()
    assert dossier.status == DossierStatus.SELECTED
    assert (task.host_org, task.lead) == (world["host"], world["scientist"])
    public = public_page(browser, url, f"/tasks/{task.pk}/")[1]
    assert world["host"].name in public.locator("main").inner_text()

    # DOST: appraisal, decision with the budget, contract, execution.
    advance(dost, url, task, Step.APPRAISAL)
    task = advance(dost, url, task, Step.DECISION, budget="850")
    assert task.budget == Decimal("850")
    task = advance(
        dost, url, task, Step.CONTRACT, decision_no="123/QĐ-SKHCN", decision_on=day(today)
    )
    ends = today + dt.timedelta(days=720)
    task = advance(
        dost, url, task, Step.EXECUTION,
        contract_no="45/HĐ-SKHCN", starts_on=day(today), ends_on=day(ends),
    )  # fmt: skip
    assert (task.contract_no, task.starts_on, task.ends_on) == ("45/HĐ-SKHCN", today, ends)

    # The lead reports progress on the task's page.
    scientist.goto(f"{url}/tasks/{task.pk}/")
    scientist.select_option("#id_kind", "progress")
    scientist.fill("#id_text", "Đã tuyển chọn 30 cây đầu dòng.")
    send(scientist, f"form[action='/tasks/{task.pk}/records/'] button[type=submit]")
    record = TaskRecord.objects.get(task=task)
    assert (record.kind, record.by) == ("progress", users["scientist"])
    assert "30 cây đầu dòng" in scientist.locator("main").inner_text()
    shot(scientist, "08-progress-recorded")

    # The acceptance council: five "pass" and two "excellent" grades.
    council = form_council(dost, url, task, CouncilKind.ACCEPTANCE)
    task.refresh_from_db()
    assert task.step == Step.ACCEPTANCE

    def grade(page, i):
        page.check(f"input[name=verdict][value={'excellent' if i < 2 else 'pass'}]")

    members_declare_and_review(browser, url, members, council, grade)
    # 7 of 7 grade "pass" or better (≥ 3/4); 2 of 7 "excellent" (< 2/3): the grade is "pass".
    council = conclude(dost, url, council)
    task.refresh_from_db()
    assert (council.conclusion["grade"], task.grade) == ("pass", "pass")
    assert "Đạt" in dost.locator("#conclusion").inner_text()
    shot(dost, "09-acceptance-concluded")

    # Registration of the results, then their publication.
    results = "Giống cam CS-01 sạch bệnh; quy trình nhân giống được công nhận."
    task = advance(dost, url, task, Step.REGISTRATION, results=results)
    task = advance(
        dost, url, task, Step.PUBLISHED, registration_no="DK-2026-07", registered_on=day(today)
    )
    assert (task.results, task.registration_no, task.published_on) == (
        results,
        "DK-2026-07",
        today,
    )
    shot(dost, "10-published")

    # The public sees the task among the results, its results and grade, and the API says so.
    _status, register = public_page(browser, url, "/tasks/?stage=results")
    row = register.locator(f"tr[data-id='{task.pk}']")
    assert world["host"].name in row.inner_text()
    row.locator("a").click()
    register.wait_for_url(f"**/tasks/{task.pk}/")
    shown = register.locator("main").inner_text()
    assert badge(register) == label(Step.PUBLISHED)
    assert results in shown and "DK-2026-07" in shown and "Đạt" in shown
    shot(register, "11-public-results")
    api = register.context.request.get(url + "/api/tasks/")
    assert api.ok
    body = api.json()
    listed = body["results"] if isinstance(body, dict) else body
    (mine,) = [t for t in listed if t["id"] == task.pk]
    assert (mine["grade"], mine["step"], mine["host_organization"]) == (
        "pass",
        "published",
        world["host"].name,
    )
