"""Reporting by Excel: the pre-filled template, the upload checked whole, the preview, confirm
and discard. Expected values are worked out by hand from the indicators set up below.

Agency A (SCT_TEST) owes, for last year (Y-1, every indicator is yearly and no resolution uses
them, so they are owed from last year): A1 (previous year's approved value 40), A2 (by sector,
headline = sum: the parts only), A3 (by commune, headline entered: the headline and both
communes; Xã Anh Sơn already has an approved 2 for Y-1). A4 is approved for Y-1: not owed.
Agency B (VIEN_TEST) owes B1.
"""

import datetime
import io
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from stihub.core.models import AdministrativeUnit
from stihub.monitoring.models import Indicator, Observation, Submission

from .conftest import make_user, sign_in

Y = datetime.date.today().year
LAST = Y - 1
HEADERS = [
    "Chỉ tiêu",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Năm",
    "Kỳ",
    "Địa bàn",
    "Giá trị",
    "Giá trị kỳ trước",
    "Hạn báo cáo",
    "Trạng thái",
    "Ghi chú",
    "Giải trình",
    "Nguồn",
]
VALUE = HEADERS.index("Giá trị")


@pytest.fixture
def world(users, agency, agency_b):
    province = AdministrativeUnit.objects.create(
        code=40, name="Tỉnh Nghệ An", division_type="tinh", codename="nghe_an"
    )
    for code, name in [(16681, "Xã Anh Sơn"), (16699, "Xã Yên Xuân")]:
        AdministrativeUnit.objects.create(
            code=code, name=name, division_type="xa", codename=str(code), parent=province
        )
    a1 = Indicator.objects.create(code="A1", name="Số doanh nghiệp", unit="DN", agency=agency)
    a2 = Indicator.objects.create(
        code="A2",
        name="=Chi theo ngành",  # a text a spreadsheet would take for a formula
        unit="tỷ đồng",
        agency=agency,
        breakdown="sector",
        headline="sum",
        sectors=["Công nghiệp", "Nông nghiệp"],
    )
    a3 = Indicator.objects.create(
        code="A3", name="Số sáng kiến", unit="", agency=agency, breakdown="area"
    )
    a4 = Indicator.objects.create(code="A4", name="Đã báo cáo", agency=agency)
    b1 = Indicator.objects.create(code="B1", name="Chỉ tiêu của viện", agency=agency_b)
    for indicator, year, area, value in [
        (a1, LAST - 1, "", 40),
        (a3, LAST, "Xã Anh Sơn", 2),
        (a4, LAST, "", 9),
    ]:
        Observation.objects.create(
            indicator=indicator, year=year, area=area, value=value, status="approved"
        )
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1}


def rows_of(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return book, [list(r) for r in book["Số liệu"].iter_rows(values_only=True)]


def download(client, query=""):
    response = client.get(reverse("reporting:template") + query)
    assert response.status_code == 200
    return response


def as_upload(content: bytes, name: str):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def filled(content: bytes, values: dict, cell=VALUE) -> bytes:
    """The template with values written in: {(code, area): value}."""
    book = load_workbook(io.BytesIO(content))
    sheet = book["Số liệu"]
    for row in sheet.iter_rows(min_row=2):
        key = (row[0].value, row[HEADERS.index("Địa bàn")].value or "")
        if key in values:
            row[cell].value = values[key]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = {
    ("A1", ""): 55,
    ("A2", "Công nghiệp"): 10,
    ("A2", "Nông nghiệp"): "20,5",  # typed as text with a decimal comma
    ("A3", ""): 7,
    ("A3", "Xã Anh Sơn"): 3,
    ("A3", "Xã Yên Xuân"): 4,
}


def test_template_lists_the_agency_s_owed_periods_only(client_for, world):
    response = download(client_for("reporter"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-SCT_TEST-{datetime.date.today().isoformat()}.xlsx"'
    )
    book, rows = rows_of(response.content)
    assert book.sheetnames == ["Số liệu", "Hướng dẫn"]
    assert rows[0] == HEADERS
    due = datetime.datetime(Y, 1, 30)  # 31 December of last year + 30 days
    todo = "Chưa báo cáo"
    assert rows[1:] == [
        ["A1", "Số doanh nghiệp", "DN", LAST, "Năm", None, None, 40, due, todo, None, None, None],
        ["A2", "=Chi theo ngành", "tỷ đồng", LAST, "Năm", "Công nghiệp", None, None, due, todo]
        + [None] * 3,
        ["A2", "=Chi theo ngành", "tỷ đồng", LAST, "Năm", "Nông nghiệp", None, None, due, todo]
        + [None] * 3,
        ["A3", "Số sáng kiến", None, LAST, "Năm", None, None, None, due, todo, None, None, None],
        ["A3", "Số sáng kiến", None, LAST, "Năm", "Xã Anh Sơn", None, None, due, todo] + [None] * 3,
        ["A3", "Số sáng kiến", None, LAST, "Năm", "Xã Yên Xuân", None, None, due, todo]
        + [None] * 3,
    ]
    sheet = book["Số liệu"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet["B3"].data_type == "s"  # "=Chi theo ngành" stays a text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    guide = " ".join(c.value or "" for c in book["Hướng dẫn"]["A"])
    assert "dấu phẩy" in guide and "Giải trình" in guide and "CSV" in guide


def test_template_for_dost_by_agency(client_for, world):
    client = client_for("dost")
    _book, rows = rows_of(download(client, "?agency=VIEN_TEST").content)
    assert [r[0] for r in rows[1:]] == ["B1"]
    _book, rows = rows_of(download(client).content)
    assert [r[0] for r in rows[1:]] == ["A1", "A2", "A2", "A3", "A3", "A3", "B1"]
    assert client.get(reverse("reporting:template") + "?agency=NOPE").status_code == 404
    # a reporter asks for another agency's template: not theirs, not found
    other = client_for("reporter")
    assert other.get(reverse("reporting:template") + "?agency=VIEN_TEST").status_code == 404


def upload(client, content: bytes, name="bao-cao.xlsx", **data):
    return client.post(reverse("reporting:upload"), {"file": as_upload(content, name), **data})


def test_filled_template_round_trip_preview_confirm(client_for, world):
    client = client_for("reporter")
    content = filled(download(client).content, GOOD)
    response = upload(client, content)
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reporting:preview", args=[submission.pk])
    assert (submission.is_committed, submission.channel) == (False, "excel")
    assert submission.input_name == "bao-cao.xlsx" and submission.input_file
    # 5 rows new + the A2 headline computed (10 + 20.5) new; Xã Anh Sơn 2 → 3 changed.
    assert submission.preview["counts"] == {"created": 6, "updated": 1, "unchanged": 0}
    changes = {
        (c["indicator"], c["area"]): (c["current"], c["new"]) for c in submission.preview["changes"]
    }
    assert changes == {
        ("A1", ""): (None, 55),
        ("A2", "Công nghiệp"): (None, 10),
        ("A2", "Nông nghiệp"): (None, 20.5),
        ("A3", ""): (None, 7),
        ("A3", "Xã Anh Sơn"): (2, 3),
        ("A3", "Xã Yên Xuân"): (None, 4),
        ("A2", ""): (None, 30.5),
    }
    assert not Observation.objects.filter(status="submitted").exists()  # nothing sent yet

    page = client.get(response.url).content.decode()
    assert 'data-counts="6 1 0"' in page and "Xã Yên Xuân" in page and "Số sáng kiến" in page

    response = client.post(response.url, {"confirm": "1", "approve": "1"})  # not DOST: ignored
    assert response.status_code == 302
    assert response.url == reverse("reporting:submission", args=[submission.pk])
    assert "7" in [str(m) for m in get_messages(response.wsgi_request)][-1]
    submission.refresh_from_db()
    assert submission.is_committed and not submission.approved_at_once
    sent = Observation.objects.filter(submission=submission)
    assert sent.count() == 7 and {o.status for o in sent} == {"submitted"}
    assert {o.reported_by.username for o in sent} == {"reporter"}
    # The published values stay as they were until DOST approves.
    published = Observation.objects.published().filter(year=LAST)
    assert sorted((o.indicator.code, o.area, o.value) for o in published) == [
        ("A3", "Xã Anh Sơn", 2),
        ("A4", "", 9),
    ]
    # A committed upload's preview leads to its submission.
    again = client.get(reverse("reporting:preview", args=[submission.pk]))
    assert again.url == reverse("reporting:submission", args=[submission.pk])


def test_dost_may_approve_at_once(client_for, world, agency):
    client = client_for("dost")
    content = filled(download(client, "?agency=SCT_TEST").content, GOOD)
    response = upload(client, content, agency=agency.pk)
    submission = Submission.objects.get()
    assert submission.agency == agency
    client.post(response.url, {"confirm": "1", "approve": "1"})
    submission.refresh_from_db()
    assert submission.approved_at_once
    published = Observation.objects.published().filter(year=LAST, indicator__code="A3")
    assert sorted((o.area, o.value) for o in published) == [
        ("", 7),
        ("Xã Anh Sơn", 3),
        ("Xã Yên Xuân", 4),
    ]


def test_a_bad_row_writes_nothing_and_is_located(client_for, world):
    client = client_for("reporter")
    content = filled(download(client).content, {**GOOD, ("A1", ""): "nhiều"})
    response = upload(client, content)
    page = response.content.decode()
    assert response.status_code == 200
    assert "trang tính Số liệu, hàng 2, cột Giá trị" in page  # A1 is the first data row
    assert not Submission.objects.exists()
    assert not Observation.objects.filter(status="submitted").exists()


def test_a_template_row_left_empty_is_a_period_reported_later(client_for, world):
    client = client_for("reporter")
    values = dict(GOOD)
    del values[("A1", "")]  # A1's row left as downloaded
    response = upload(client, filled(download(client).content, values))
    client.post(response.url, {"confirm": "1"})
    submitted = Observation.objects.filter(status="submitted")
    assert submitted.count() == (len(GOOD) - 1) + 1  # the rows given, and A2's computed total
    assert not submitted.filter(indicator__code="A1").exists()


def test_another_agency_s_indicator_is_a_located_problem(client_for, world):
    text = f"Chỉ tiêu;Năm;Kỳ;Giá trị\nA1;{LAST};Năm;5\nB1;{LAST};;6\n"
    response = upload(client_for("reporter"), text.encode(), name="b.csv")
    page = response.content.decode()
    assert "dòng 3, cột Chỉ tiêu" in page and "B1" in page
    assert "dòng 2" not in page
    assert not Submission.objects.exists()


def test_semicolon_csv_with_bom_is_accepted(client_for, world):
    client = client_for("reporter")
    text = (
        "Chỉ tiêu;Tên chỉ tiêu;Năm;Kỳ;Địa bàn;Giá trị;Giá trị kỳ trước;Ghi chú;Giải trình\n"
        f"A1;Số doanh nghiệp;{LAST};Năm;;55,5;40;ghi chú;\n"
        f"A3;Số sáng kiến;{LAST};;16681;3;;;\n"
    )
    response = upload(client, ("\ufeff" + text).encode("utf-8"), name="bao-cao.csv")
    submission = Submission.objects.get()
    assert submission.preview["counts"] == {"created": 1, "updated": 1, "unchanged": 0}
    client.post(response.url, {"confirm": "1"})
    a1 = Observation.objects.get(indicator__code="A1", year=LAST)
    assert (a1.value, a1.note, a1.status) == (55.5, "ghi chú", "submitted")
    a3 = Observation.objects.get(indicator__code="A3", year=LAST, status="submitted")
    assert (a3.area, a3.value) == ("Xã Anh Sơn", 3)


def test_discard_removes_the_file_and_the_upload(client_for, world):
    client = client_for("reporter")
    response = upload(client, filled(download(client).content, GOOD))
    stored = Submission.objects.get().input_file.name
    assert default_storage.exists(stored)
    response = client.post(response.url, {"discard": "1"})
    assert response.url == reverse("reporting:upload")
    assert not Submission.objects.exists() and not default_storage.exists(stored)
    assert not Observation.objects.filter(status="submitted").exists()


def test_confirm_checks_the_file_again(client_for, world):
    client = client_for("reporter")
    response = upload(client, filled(download(client).content, GOOD))
    Indicator.objects.filter(code="A1").update(value_max=50)  # DOST tightens the range
    page = client.post(response.url, {"confirm": "1"}).content.decode()
    assert "hàng 2, cột Giá trị" in page and "50" in page
    assert not Submission.objects.get().is_committed
    assert not Observation.objects.filter(status="submitted").exists()


def test_only_the_sender_or_dost_see_an_upload(client_for, users, world, agency):
    client = client_for("reporter")
    url = upload(client, filled(download(client).content, GOOD)).url
    assert client_for("reporter_b").get(url).status_code == 403
    assert client_for("reporter_b").post(url, {"discard": "1"}).status_code == 403
    colleague = make_user("colleague", ("reporter", agency))
    assert sign_in(client, colleague).get(url).status_code == 403
    assert client_for("dost").get(url).status_code == 200
    assert Submission.objects.exists()


def test_upload_refuses_other_files(client_for, world):
    response = upload(client_for("reporter"), b"%PDF-1.4", name="report.pdf")
    assert response.status_code == 200 and not Submission.objects.exists()


def test_a_reporter_of_several_agencies_chooses_among_theirs(client, world, agency, agency_b):
    both = make_user("both", ("reporter", agency), ("reporter", agency_b))
    client = sign_in(client, both)
    page = client.get(reverse("reporting:upload")).content.decode()
    assert 'name="agency"' in page and "VIEN_TEST" in page  # the template choice too
    text = f"Chỉ tiêu;Năm;Giá trị\nA1;{LAST};5\n"
    response = upload(client, text.encode(), name="a.csv", agency=agency_b.pk)
    assert "dòng 2, cột Chỉ tiêu" in response.content.decode()  # A1 is agency A's
    assert not Submission.objects.exists()
    response = upload(client, text.encode(), name="a.csv", agency=agency.pk)
    assert Submission.objects.get().agency == agency


def test_an_agency_upload_has_its_own_row_limit(client_for, world, settings):
    """Checked within the request, an agency's file may hold fewer rows than DOST's import."""
    settings.STIHUB_REPORT_MAX_ROWS = 3
    text = "Chỉ tiêu;Năm;Giá trị\n" + "".join(f"A1;{LAST - k};{k}\n" for k in range(5))
    response = upload(client_for("reporter"), text.encode(), name="many.csv")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tệp có hơn 3 dòng" in page  # the limit is named
    assert not Submission.objects.exists()
