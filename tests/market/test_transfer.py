"""DOST's Excel import and export of offers and needs: every row through the owner's form, all
or nothing, problems located by row and column; imported rows published at once under the
importing officer; the export in the import's columns, so that it imports again; DOST only.
Pages are asked in English (the language cookie) so that the messages checked are the msgids;
the numbers are typed as in Vietnam all the same ("1.200,5" has one reading in any language)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from stihub.market import listings, transfer
from stihub.market.choices import Kind, Status
from stihub.market.models import Listing
from stihub.registry.models import FieldOfScience

IMPORT = "/market/import/"


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def workbook(header, *rows, name="ds.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


# Labels of the template (one typed without marks) and keys, mixed as people's files are.
HEADER = [
    "Loại", "Tên công nghệ hoặc nhu cầu", "summary", "stage", "ip_status", "Hình thức hợp tác",
    "sector", "field", "region", "Gia hoac kinh phi tu (trieu dong)", "price_max",
    "expires_on", "owner_name", "anonymous", "contact_name", "contact_email", "contact_phone",
]  # fmt: skip


def dryer(expires) -> list:
    return [
        "chào bán", "Máy sấy lạnh nông sản bằng bơm nhiệt",
        "Máy sấy lạnh giữ màu và vitamin của nông sản sau thu hoạch.", "TRL 7", "đã nộp đơn",
        "Chuyển giao công nghệ; li-xăng", 28, "2.7", "", "1.200,5", 2500, expires,
        "Viện Cơ điện nông nghiệp", "không", "Nguyễn Văn Sấy", "say@vien.vn", "",
    ]  # fmt: skip


def chickens(expires) -> list:
    return [
        "need", "Giảm gà chết khi trời nồm ẩm",
        "Đàn gà chết nhiều khi trời nồm, chuồng ẩm và hôi.", 5, "", "joint", "01", "",
        "Hà Tĩnh", "", "800", expires, "Trang trại Hòa Bình", "có", "Lê Thị Gà", "", "0912 345 678",
    ]  # fmt: skip


def rice(expires) -> list:
    return [
        "nhu cầu", "Bảo quản lúa giống không bị mọt",
        "Lúa giống trong kho bị mọt sau ba tháng bảo quản.", "", "Know-how or trade secret",
        "Equipment supply", "", "", "", "", "",
        expires, "Hợp tác xã Diễn Châu", "", "Trần Văn Lúa", "htx@dienchau.vn", "",
    ]  # fmt: skip


def problems_of(response) -> list[tuple]:
    return [(p.row, p.column) for p in response.context["problems"]]


def test_an_import_of_three_rows_publishes_three_listings_with_their_values(users, client_for):
    expires = in_days(200)
    upload = workbook(
        HEADER, dryer(expires), chickens(expires.strftime("%d/%m/%Y")), rice(expires.isoformat())
    )
    response = client_for("dost").post(IMPORT, {"file": upload})
    assert response.status_code == 200, problems_of(response)
    assert len(response.context["saved"]) == 3
    year = timezone.localdate().year
    offer = Listing.objects.get(code=f"CB-{year}-001")
    chicken = Listing.objects.get(code=f"NC-{year}-001")
    store = Listing.objects.get(code=f"NC-{year}-002")
    dost = users["dost"]
    for listing in (offer, chicken, store):
        assert listing.status == Status.PUBLISHED and listing.live
        assert listing.owner == dost and listing.moderated_by == dost
        assert listing.published_at is not None and listing.expires_on == expires
    assert (offer.kind, chicken.kind, store.kind) == (Kind.OFFER, Kind.NEED, Kind.NEED)
    assert offer.title == "Máy sấy lạnh nông sản bằng bơm nhiệt"
    # "1.200,5": the point groups thousands, the comma is the decimal mark.
    assert (offer.price_min, offer.price_max) == (Decimal("1200.5"), Decimal("2500.0"))
    # Vietnamese labels become codes, in the order given.
    assert offer.partnership == "transfer; licence"
    assert (offer.stage, offer.ip_status, offer.sector) == (7, "filed", "28")
    assert offer.field == FieldOfScience.objects.get(code="2.7")
    assert offer.region == "Nghệ An"  # left empty: the default
    assert not offer.anonymous and offer.contact_email == "say@vien.vn"
    assert (chicken.stage, chicken.partnership, chicken.sector) == (5, "joint", "01")
    assert chicken.anonymous and chicken.region == "Hà Tĩnh"
    assert (chicken.price_min, chicken.price_max) == (None, Decimal("800.0"))
    assert chicken.contact_phone == "0912 345 678"
    # The choices' labels are accepted too, in either language of the site.
    assert (store.ip_status, store.partnership) == ("know_how", "equipment")
    assert store.owner_name == "Hợp tác xã Diễn Châu"
    assert not store.anonymous and store.stage is None
    page = response.content.decode()
    assert f"CB-{year}-001 · Máy sấy lạnh" in page


def test_an_error_in_row_3_writes_nothing_and_names_row_and_column(users, client_for):
    expires = in_days(100)
    bad = chickens(expires)
    bad[HEADER.index("expires_on")] = in_days(-3)  # the form: after today
    bad[HEADER.index("Hình thức hợp tác")] = "joint; thuê mua"  # no such partnership
    upload = workbook(HEADER, dryer(expires), bad, rice(expires))
    response = client_for("dost").post(IMPORT, {"file": upload})
    assert response.status_code == 400
    assert Listing.objects.count() == 0
    # Each problem where the file has it: the column as the file names it.
    assert sorted(problems_of(response)) == [(3, "Hình thức hợp tác"), (3, "expires_on")]
    page = response.content.decode()
    assert "Nothing was imported: 2 problems." in page
    assert "sheet Sheet, row 3, column expires_on: The expiry date must be after today." in page
    assert "thuê mua is not one of the accepted values" in page


def test_every_row_is_checked_by_the_owners_form(users, client_for):
    expires = in_days(30)
    short = rice(expires)
    short[1] = "Lúa mọt"  # the form wants 10 characters or more
    no_contact = dryer(expires)
    no_contact[HEADER.index("contact_email")] = ""  # neither e-mail nor phone
    low = dryer(expires)
    low[HEADER.index("price_max")] = "1.000,0"  # 1000, below 1200.5
    twofold = chickens(expires)
    twofold[HEADER.index("price_max")] = "1.200"  # 1200 in Vietnam, 1.2 elsewhere: asked
    upload = workbook(HEADER, short, no_contact, low, twofold)
    response = client_for("dost").post(IMPORT, {"file": upload})
    assert response.status_code == 400
    assert sorted(problems_of(response)) == [
        (2, "Tên công nghệ hoặc nhu cầu"),
        (3, "contact_email"),
        (4, "price_max"),
        (5, "price_max"),
    ]
    assert "1.200 could be read two ways: write 1200 for a whole number or 1,200 for a" in (
        response.content.decode()
    )
    assert Listing.objects.count() == 0


def test_a_file_without_a_required_column_or_with_an_unknown_one_is_refused(users, client_for):
    upload = workbook(["kind", "title", "colour"], ["offer", "Máy sấy lạnh nông sản"])
    response = client_for("dost").post(IMPORT, {"file": upload})
    assert response.status_code == 400
    messages = [p.template % p.params for p in response.context["problems"]]
    assert any(m.startswith("Unknown column colour") for m in messages)
    missing = sorted(p.params["name"] for p in response.context["problems"] if p.row == 1
                     and "Required column" in p.template)  # fmt: skip
    assert [m.split()[0] for m in missing] == [
        "contact_name", "expires_on", "owner_name", "summary"
    ]  # fmt: skip


def test_the_template_has_the_header_and_imports_as_an_empty_file(users, client_for):
    client = client_for("dost")
    response = client.get(IMPORT, {"template": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book.worksheets[0][1]]
    assert header == [c.label for c in transfer.COLUMNS]
    assert header[0] == "Loại" and "Hướng dẫn" in book.sheetnames
    upload = SimpleUploadedFile("mau.xlsx", response.content)
    refused = client.post(IMPORT, {"file": upload})
    assert refused.status_code == 400
    assert [p.template for p in refused.context["problems"]] == [
        "The file has a header but no data rows."
    ]


def _listing(owner, kind, title, status=Status.PUBLISHED, **extra) -> Listing:
    values = {
        "summary": "Một công nghệ được mô tả đủ năm từ trở lên.",
        "expires_on": in_days(90),
        "owner_name": "Công ty Cổ phần Nông nghiệp Xanh",
        "contact_name": "Phạm Thị Liên",
        "contact_email": "lien@xanh.vn",
        **extra,
    }
    listing = listings.save_new(Listing(kind=kind, title=title, owner=owner, **values), True)
    if status == Status.PUBLISHED:
        listings.moderate(listing, owner, Status.PUBLISHED)
    return listing


def test_an_export_imports_again_with_its_titles_and_prices(users, client_for):
    owner = users["expert"]
    _listing(
        owner, Kind.OFFER, "Chế phẩm vi sinh xử lý chất thải chăn nuôi",
        price_min=Decimal("1.1"), price_max=Decimal("1200.5"), partnership="licence; services",
        stage=6, field=FieldOfScience.objects.get(code="4.1"), sector="01", anonymous=True,
    )  # fmt: skip
    _listing(owner, Kind.NEED, "Cần dây chuyền sấy cam Vinh", Status.PENDING, price_max=300)
    client = client_for("dost")
    offers = client.get(reverse("market:export"), {"kind": "offer"})
    assert offers.status_code == 200
    sheet = load_workbook(io.BytesIO(offers.content)).worksheets[0]
    rows = list(sheet.values)
    header = rows[0]
    assert list(header) == [c.key for c in (*transfer.COLUMNS, *transfer.EXPORT_ONLY)]
    assert len(rows) == 2  # the filter: the offer only
    row = dict(zip(header, rows[1], strict=True))
    year = timezone.localdate().year
    assert row["code"] == f"CB-{year}-001" and row["owner_account"] == "expert"
    assert row["kind"] == "chào bán" and row["partnership"] == "li-xăng; dịch vụ kỹ thuật"
    assert (row["price_min"], row["price_max"], row["stage"]) == (1.1, 1200.5, 6)
    assert (row["field"], row["sector"], row["anonymous"]) == ("4.1", "01", "có")
    assert row["contact_email"] == "lien@xanh.vn"  # DOST's export carries the contacts

    everything = client.get(reverse("market:export"))
    upload = SimpleUploadedFile("export.xlsx", everything.content)
    response = client.post(IMPORT, {"file": upload})
    assert response.status_code == 200, problems_of(response)
    again = {(x.title, x.price_min, x.price_max) for x in response.context["saved"]}
    assert again == {
        ("Chế phẩm vi sinh xử lý chất thải chăn nuôi", Decimal("1.1"), Decimal("1200.5")),
        ("Cần dây chuyền sấy cam Vinh", None, Decimal("300.0")),
    }
    copy = Listing.objects.get(code=f"CB-{year}-002")
    assert (copy.partnership, copy.stage, copy.field.code, copy.sector) == (
        "licence; services", 6, "4.1", "01"
    )  # fmt: skip
    assert copy.anonymous and copy.owner == users["dost"] and copy.status == Status.PUBLISHED


def test_the_export_takes_the_status_and_refuses_a_bad_filter(users, client_for):
    _listing(users["expert"], Kind.OFFER, "Thiết bị lọc nước nhiễm mặn")
    _listing(users["expert"], Kind.NEED, "Cần thiết bị lọc nước giếng khoan", Status.PENDING)
    client = client_for("dost")
    pending = client.get(reverse("market:export"), {"status": "pending", "q": "loc nuoc"})
    titles = [r[1] for r in list(load_workbook(io.BytesIO(pending.content)).worksheets[0].values)]
    assert titles[1:] == ["Cần thiết bị lọc nước giếng khoan"]
    assert client.get(reverse("market:export"), {"status": "lost"}).status_code == 400
    assert client.get(reverse("market:export"), {"stage": "12"}).status_code == 400


@pytest.mark.parametrize("name", ["outsider", "expert", "reporter"])
def test_only_dost_imports_and_exports(users, client_for, name):
    client = client_for(name)
    assert client.get(IMPORT).status_code == 403
    assert client.get(IMPORT, {"template": "1"}).status_code == 403
    upload = workbook(HEADER, dryer(in_days(30)))
    assert client.post(IMPORT, {"file": upload}).status_code == 403
    assert client.get(reverse("market:export")).status_code == 403
    assert Listing.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for url in (IMPORT, reverse("market:export")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
