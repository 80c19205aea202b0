"""The action programme: items, status rules, progress updates with evidence, who may see the
evidence, exports, the Excel load (all or nothing, every problem located) and the API."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from stihub.core.uploads import DOCX, JPEG, PDF, PNG, check_upload
from stihub.engines.problems import DataError
from stihub.engines.programme import Status as EngineStatus
from stihub.engines.programme import current_status, read_programme
from stihub.programme.choices import Status
from stihub.programme.forms import ActionItemForm
from stihub.programme.models import ActionItem, Evidence, ProgressUpdate

from .conftest import sign_in

TODAY = timezone.localdate()
PAST = TODAY - dt.timedelta(days=10)
FUTURE = TODAY + dt.timedelta(days=100)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def items(nghe_an, agency, agency_b):
    """A: led by agency A, in progress, past its deadline (so overdue), group III.1;
    B: led by agency B with A co-operating, not started, deadline ahead, group III.2;
    C: led by agency B, cancelled, group III.2. A's title starts with = (formula injection)."""
    g1 = nghe_an.solution_groups.get(code="III.1")
    g2 = nghe_an.solution_groups.get(code="III.2")
    a = ActionItem.objects.create(
        solution_group=g1,
        code="A-1",
        title='=HYPERLINK("http://x")',
        lead_agency=agency,
        deadline=PAST,
        status="in_progress",
    )
    b = ActionItem.objects.create(
        solution_group=g2, code="B-1", title="Bê", lead_agency=agency_b, deadline=FUTURE
    )
    b.partner_agencies.set([agency])
    c = ActionItem.objects.create(
        solution_group=g2,
        code="C-1",
        title="Xê",
        lead_agency=agency_b,
        deadline=FUTURE,
        status="cancelled",
        cancel_reason="Merged into B-1",
    )
    return {"a": a, "b": b, "c": c, "g1": g1, "g2": g2}


def codes_on(page: str) -> list[str]:
    return [part.split('"')[0] for part in page.split('data-code="')[1:]]


# -- list, filters, exports -------------------------------------------------------------------


def test_items_list_filters_by_agency_status_and_group(client, items, agency, agency_b):
    def listed(query):
        return codes_on(client.get("/programme/", query).content.decode())

    # ordering: deadline, then code: A (past), then B and C (same deadline ahead)
    assert listed({}) == ["A-1", "B-1", "C-1"]
    # agency A leads A-1 and co-operates on B-1; agency B leads B-1 and C-1
    assert listed({"agency": agency.code}) == ["A-1", "B-1"]
    assert listed({"agency": agency_b.code}) == ["B-1", "C-1"]
    # A-1 is stored in progress but its deadline has passed: it shows (and filters) as overdue
    assert listed({"status": "overdue"}) == ["A-1"]
    assert listed({"status": "in_progress"}) == []
    assert listed({"status": "cancelled"}) == ["C-1"]
    assert listed({"solution_group": items["g2"].pk}) == ["B-1", "C-1"]
    assert listed({"agency": agency.code, "solution_group": items["g2"].pk}) == ["B-1"]


def test_csv_export_has_the_filtered_rows_with_formulas_neutralised(client, items, agency):
    response = client.get("/programme/items.csv", {"agency": agency.code})
    assert response["Content-Disposition"] == 'attachment; filename="action-items.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        [
            "solution_group", "code", "title", "lead_agency", "partner_agencies", "outputs",
            "deadline", "status", "cancel_reason",
        ],
        ["III.1", "A-1", "'=HYPERLINK(\"http://x\")", "SCT_TEST", "", "", PAST.isoformat(),
         "overdue", ""],
        ["III.2", "B-1", "Bê", "VIEN_TEST", "SCT_TEST", "", FUTURE.isoformat(), "not_started",
         ""],
    ]  # fmt: skip


def test_xlsx_export_writes_text_never_a_formula(client, items):
    response = client.get("/programme/items.xlsx", {"status": "cancelled"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1] == [  # an empty text reads back as an empty cell
        "III.2", "C-1", "Xê", "VIEN_TEST", None, None, FUTURE.isoformat(), "cancelled",
        "Merged into B-1",
    ]  # fmt: skip
    assert len(rows) == 2
    everything = load_workbook(io.BytesIO(client.get("/programme/items.xlsx").content)).active
    title = everything.cell(2, 3)
    assert title.value == '=HYPERLINK("http://x")' and title.data_type == "s"


def test_unknown_export_format_is_not_found(client, items):
    assert client.get("/programme/items.json").status_code == 404


# -- status rules -----------------------------------------------------------------------------


def test_overdue_is_derived_from_deadline_and_status():
    day = dt.date(2026, 6, 1)
    before, after = dt.date(2026, 5, 31), dt.date(2026, 6, 1)
    assert current_status("in_progress", before, day) == EngineStatus.OVERDUE
    assert current_status("not_started", before, day) == EngineStatus.OVERDUE
    assert current_status("in_progress", after, day) == EngineStatus.IN_PROGRESS  # due today
    assert current_status("done", before, day) == EngineStatus.DONE
    assert current_status("cancelled", before, day) == EngineStatus.CANCELLED


def test_choices_and_engine_share_the_status_codes():
    assert [s.value for s in Status] == [s.value for s in EngineStatus]


def test_cancelling_needs_a_reason(items, nghe_an, agency):
    data = {
        "solution_group": items["g1"].pk,
        "code": "D-1",
        "title": "Dê",
        "lead_agency": agency.pk,
        "deadline": "31/12/2027",
        "status": "cancelled",
        "cancel_reason": "  ",
    }
    form = ActionItemForm(data)
    assert not form.is_valid() and "cancel_reason" in form.errors
    form = ActionItemForm({**data, "cancel_reason": "No budget"})
    assert form.is_valid(), form.errors
    item = items["b"]
    item.status = "cancelled"
    with pytest.raises(ValidationError):
        item.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()  # the database refuses it too


def test_dost_creates_an_item(client, users, items, agency):
    sign_in(client, users["dost"])
    response = client.post(
        "/programme/new/",
        {
            "solution_group": items["g1"].pk,
            "code": "D-1",
            "title": "Dê",
            "lead_agency": agency.pk,
            "deadline": "31/12/2027",
            "status": "not_started",
        },
    )
    item = ActionItem.objects.get(code="D-1")
    assert response.status_code == 302 and item.deadline == dt.date(2027, 12, 31)


# -- progress updates and evidence -----------------------------------------------------------


def post_update(client, item, *files):
    return client.post(
        f"/programme/{item.pk}/update/",
        {"date": "01/03/2026", "text": "Đã triển khai", "percent_done": "40", "files": list(files)},
    )


def test_a_reporter_of_the_lead_agency_adds_an_update_with_a_pdf(client, users, items, media_root):
    sign_in(client, users["reporter"])
    response = post_update(client, items["a"], SimpleUploadedFile("báo cáo.pdf", PDF_BYTES))
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.item, update.reported_by, update.percent_done) == (
        items["a"],
        users["reporter"],
        40,
    )
    evidence = update.evidence.get()
    assert evidence.name == "báo cáo.pdf" and evidence.size == len(PDF_BYTES)
    stored = media_root / evidence.file.name
    assert stored.read_bytes() == PDF_BYTES and evidence.file.name.startswith("programme/A-1/")


def test_a_reporter_of_a_co_operating_agency_may_add_an_update(client, users, items):
    sign_in(client, users["reporter"])  # agency A co-operates on B-1
    assert post_update(client, items["b"]).status_code == 302


def test_a_reporter_of_another_agency_gets_403_and_nothing_is_written(client, users, items):
    sign_in(client, users["reporter_b"])
    assert (
        post_update(client, items["a"], SimpleUploadedFile("x.pdf", PDF_BYTES)).status_code == 403
    )
    assert client.get(f"/programme/{items['a'].pk}/update/").status_code == 403
    # the API is read-only: a write is refused for everyone, whatever the item
    assert client.post("/api/action-items/", {"code": "X"}).status_code == 403
    assert client.post(f"/api/action-items/{items['a'].pk}/", {}).status_code == 403
    assert ProgressUpdate.objects.count() == Evidence.objects.count() == 0


def test_a_file_that_claims_pdf_but_is_not_is_refused(client, users, items):
    sign_in(client, users["reporter"])
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all")
    response = post_update(client, items["a"], fake)
    assert response.status_code == 200
    assert "report.pdf" in response.context["form"].errors["files"][0]
    assert ProgressUpdate.objects.count() == Evidence.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),  # sent to sign in
        ("outsider", 403),
        ("expert", 403),
        ("reporter_b", 403),  # agency B neither leads nor co-operates on A-1
        ("reporter", 200),  # agency A leads A-1
        ("dost", 200),
        ("admin", 200),
    ],
)
def test_evidence_download_per_role(client, users, items, role, expected):
    update = items["a"].updates.create(text="x", percent_done=5)
    from django.core.files.base import ContentFile

    evidence = update.evidence.create(
        file=ContentFile(PDF_BYTES, name="e.pdf"), name="minh chứng.pdf", size=len(PDF_BYTES)
    )
    if role != "anonymous":
        sign_in(client, users[role])
    response = client.get(f"/programme/evidence/{evidence.pk}/")
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == PDF_BYTES
    page = client.get(f"/programme/{items['a'].pk}/").content.decode()
    assert (f"/programme/evidence/{evidence.pk}/" in page) == (expected == 200)


def test_evidence_of_a_co_operated_item_is_served_to_the_partner(client, users, items):
    from django.core.files.base import ContentFile

    update = items["b"].updates.create(text="x", percent_done=5)
    evidence = update.evidence.create(
        file=ContentFile(PDF_BYTES, name="e.pdf"), name="e.pdf", size=9
    )
    sign_in(client, users["reporter"])
    assert client.get(f"/programme/evidence/{evidence.pk}/").status_code == 200


# -- upload kinds ----------------------------------------------------------------------------


def _zip(*names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def test_images_and_office_files_are_recognised_by_content():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 20
    docx = _zip("[Content_Types].xml", "word/document.xml")
    kinds = [PDF, PNG, JPEG, DOCX]
    for name, content in [("a.png", png), ("a.jpg", jpeg), ("a.jpeg", jpeg), ("a.docx", docx)]:
        check_upload(SimpleUploadedFile(name, content), kinds)
    # a workbook renamed .docx, a JPEG renamed .png, a PDF renamed .jpg: refused
    for name, content in [
        ("a.docx", _zip("[Content_Types].xml", "xl/workbook.xml")),
        ("a.png", jpeg),
        ("a.jpg", PDF_BYTES),
    ]:
        with pytest.raises(ValidationError) as error:
            check_upload(SimpleUploadedFile(name, content), kinds)
        assert error.value.code == "file_content"


# -- Excel load -----------------------------------------------------------------------------

HEADER = [
    "solution_group", "code", "title", "lead_agency", "partner_agencies", "outputs", "deadline",
    "status",
]  # fmt: skip


def workbook(*rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "CTHD"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def load(client, content):
    from stihub.monitoring.models import Resolution

    return client.post(
        "/programme/load/",
        {
            "resolution": Resolution.objects.get().pk,
            "file": SimpleUploadedFile("programme.xlsx", content),
        },
    )


def test_a_good_programme_file_creates_its_items(client, users, nghe_an, agency, agency_b):
    sign_in(client, users["dost"])
    content = workbook(
        ["III.1", "P-1", "Kế hoạch", agency.code, f"{agency_b.code}; ", "Văn bản", "31/12/2026",
         ""],
        ["III.2.1", "P-2", "Đào tạo", agency_b.code, "", "", "2027-06-30", "in_progress"],
        ["III.2.1", "P-3", "Lab", agency_b.code, f"{agency.code};{agency_b.code}", "",
         dt.datetime(2028, 1, 15), "done"],
    )  # fmt: skip
    response = load(client, content)
    assert response.status_code == 302, response.content.decode()[-2000:]
    got = {
        i.code: (
            i.solution_group.code,
            i.lead_agency.code,
            sorted(a.code for a in i.partner_agencies.all()),
            i.deadline,
            i.status,
        )
        for i in ActionItem.objects.all()
    }
    assert got == {
        "P-1": ("III.1", "SCT_TEST", ["VIEN_TEST"], dt.date(2026, 12, 31), "not_started"),
        "P-2": ("III.2.1", "VIEN_TEST", [], dt.date(2027, 6, 30), "in_progress"),
        "P-3": ("III.2.1", "VIEN_TEST", ["SCT_TEST", "VIEN_TEST"], dt.date(2028, 1, 15), "done"),
    }


def test_a_bad_programme_file_writes_nothing_and_locates_every_problem(
    client, users, nghe_an, agency
):
    sign_in(client, users["dost"])
    content = workbook(
        ["III.1", "P-1", "Một", agency.code, "", "", "31/12/2026", ""],  # row 2: fine
        ["III.1", "P-2", "Hai", "NO_SUCH", "", "", "31/12/2026", ""],  # row 3: agency
        ["III.1", "P-3", "Ba", agency.code, "", "", "31/02/2026", ""],  # row 4: no such day
        ["III.1", "P-1", "Bốn", agency.code, "", "", "31/12/2026", ""],  # row 5: code again
        ["III.9", "P-5", "Năm", agency.code, "GONE", "", "mai", "cancelled"],  # row 6: four
    )
    response = load(client, content)
    assert response.status_code == 200
    assert ActionItem.objects.count() == 0
    where = sorted((p.row, p.column) for p in response.context["problems"])
    assert where == [
        (3, "lead_agency"),
        (4, "deadline"),
        (5, "code"),
        (6, "deadline"),
        (6, "partner_agencies"),
        (6, "solution_group"),
        (6, "status"),  # cancelled without a reason
    ]
    page = response.content.decode()
    assert "sheet CTHD, row 3, column lead_agency" in page or "trang tính CTHD" in page


def test_the_reader_refuses_overdue_and_unknown_columns():
    content = workbook(["III.1", "P-1", "T", "SCT", "", "", "31/12/2026", "overdue"])
    with pytest.raises(DataError) as error:
        read_programme(io.BytesIO(content), groups={"III.1"}, agencies={"SCT"})
    assert [(p.row, p.column) for p in error.value.problems] == [(2, "status")]
    content = workbook(["x"], header=[*HEADER, "colour"])
    with pytest.raises(DataError) as error:
        read_programme(io.BytesIO(content))
    assert [(p.row, p.column) for p in error.value.problems] == [(1, "colour")]


def test_a_file_named_xlsx_that_is_not_is_refused_before_reading(client, users, nghe_an):
    sign_in(client, users["dost"])
    response = load(client, b"solution_group,code\n")
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert ActionItem.objects.count() == 0


# -- API -------------------------------------------------------------------------------------


def test_api_lists_items_with_their_status_and_shares_the_filters(client, items, agency):
    items["a"].updates.create(date=dt.date(2026, 1, 1), text="x", percent_done=30)
    items["a"].updates.create(date=dt.date(2026, 2, 1), text="y", percent_done=55)
    body = client.get("/api/action-items/", {"agency": agency.code}).json()
    got = [
        (r["code"], r["status"], r["percent_done"], r["partner_agencies"]) for r in body["results"]
    ]
    assert got == [("A-1", "overdue", 55, []), ("B-1", "not_started", None, ["SCT_TEST"])]
    body = client.get("/api/action-items/", {"status": "overdue"}).json()
    assert [r["code"] for r in body["results"]] == ["A-1"]
    assert client.get("/api/action-items/", {"status": "late"}).status_code == 400
    # an unknown code finds nothing, as in the monitoring filters; a malformed one is refused
    assert client.get("/api/action-items/", {"agency": "NOPE"}).json()["results"] == []
    assert client.get("/api/action-items/", {"agency": "a b/c"}).status_code == 400
    assert client.get("/api/action-items/", {"solution_group": "0"}).status_code == 400
    one = client.get(f"/api/action-items/{items['c'].pk}/").json()
    assert (one["status"], one["cancel_reason"], one["resolution"]) == (
        "cancelled",
        "Merged into B-1",
        "NGHEAN-KHCN-DMST-2030",
    )
