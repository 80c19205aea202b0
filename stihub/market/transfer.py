"""Excel import and export of the technology market's offers and needs (DOST).

The workbook: its first sheet, a header row, then one listing per row, its kind in the `kind`
column (offer or need, or the Vietnamese words chào bán, nhu cầu). A column is named by its key
or its Vietnamese label (`COLUMNS`), compared without case or marks; the optional ones may be
left out. Choices are written as codes or Vietnamese words (`WORDS`; partnership: several,
separated by ;), yes/no as có/không, dates dd/mm/yyyy, amounts in million VND as numbers or as
people in Vietnam type them (1.200,5).

Every row goes through the owner's form (`ListingForm`), so an imported listing obeys the web
form's rules; any problem in any row writes nothing, and each one is located by its row and its
column as the file names it. Imported listings belong to the DOST officer who imports them and
are published at once (DOST imports lists it has already vetted, such as the Techport
catalogue): saved by `listings.save_new`, then published by `listings.moderate`, so each has its
code, publication date and moderator.

The export has the import's columns, so that an export imports again (as new listings), then
the code, status, owner's account and dates (`EXPORT_ONLY`), which the import reads and ignores.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from stihub.core.forms import AmbiguousNumber, NumberField, parse_number
from stihub.core.spreadsheets import xlsx_book
from stihub.engines import limits as size
from stihub.engines import registry_io
from stihub.engines.observations import blank, text_of
from stihub.engines.problems import DataError, Problem
from stihub.engines.text import fold

from . import listings
from .choices import IPProtection, Kind, Partnership, Status
from .forms import ListingForm
from .models import Listing

# A province's catalogue has hundreds of listings; each row is checked by the form and written
# with its history within the request, so a file stays below the size that needs a job.
MAX_ROWS = 1_000
SHEET = "Dữ liệu"


@dataclass(frozen=True)
class Column:
    """A column of the workbook: its key (never renamed), its Vietnamese label (the template's
    header) and what the guide sheet says of it."""

    key: str
    label: str
    help: str = ""


# Vietnamese words accepted for each code, the first one written by the export. The codes and
# the choices' labels (in every language of the site) are accepted as well.
WORDS = {
    Kind: {
        Kind.OFFER: ("chào bán", "công nghệ chào bán", "cb"),
        Kind.NEED: ("nhu cầu", "nhu cầu công nghệ", "nc"),
    },
    IPProtection: {
        IPProtection.GRANTED: ("đã được bảo hộ", "được bảo hộ", "đã bảo hộ"),
        IPProtection.FILED: ("đã nộp đơn", "đã nộp đơn đăng ký", "nộp đơn"),
        IPProtection.KNOW_HOW: ("bí quyết kỹ thuật", "bí quyết", "bí mật kinh doanh"),
        IPProtection.COPYRIGHT: ("quyền tác giả", "bản quyền"),
        IPProtection.NONE: ("chưa được bảo hộ", "chưa bảo hộ", "không bảo hộ"),
    },
    Partnership: {
        Partnership.LICENCE: ("li-xăng", "cấp phép", "license", "licensing"),
        Partnership.TRANSFER: ("chuyển giao công nghệ", "chuyển giao"),
        Partnership.JOINT: ("hợp tác phát triển", "cùng phát triển", "hợp tác nghiên cứu"),
        Partnership.EQUIPMENT: ("cung cấp thiết bị", "thiết bị"),
        Partnership.SERVICES: ("dịch vụ kỹ thuật", "dịch vụ"),
    },
}


# The word the export writes for each code.
WRITTEN = {
    vocabulary: {code: w[0] for code, w in pairs.items()} for vocabulary, pairs in WORDS.items()
}


def _accepted(vocabulary) -> str:
    return ", ".join(f"{code.value} ({words[0]})" for code, words in WORDS[vocabulary].items())


COLUMNS = (
    Column("kind", "Loại", f"Chào bán hoặc nhu cầu: {_accepted(Kind)}."),
    Column("title", "Tên công nghệ hoặc nhu cầu", "Ít nhất 10 ký tự."),
    Column(
        "summary",
        "Tóm tắt",
        "Công nghệ làm được gì, cho ai; với nhu cầu: vấn đề gặp phải. Ít nhất 5 từ.",
    ),
    Column("description", "Mô tả chi tiết"),
    Column("advantages", "Ưu điểm và tính mới"),
    Column("stage", "Mức độ sẵn sàng (TRL)", "Số từ 1 đến 9 (có thể ghi TRL 6)."),
    Column("ip_status", "Tình trạng sở hữu trí tuệ", _accepted(IPProtection) + "."),
    Column(
        "partnership",
        "Hình thức hợp tác",
        f"Một hoặc nhiều, cách nhau bởi dấu ;: {_accepted(Partnership)}.",
    ),
    Column("sector", "Ngành kinh tế (VSIC cấp 2)", "Hai chữ số của VSIC 2018, ví dụ 10."),
    Column("field", "Lĩnh vực KH&CN", "Mã lĩnh vực KH&CN, ví dụ 2.7 (ghi dạng văn bản)."),
    Column("ipc", "Phân loại IPC", "Ví dụ A01K 45/00."),
    Column("keywords", "Từ khóa", "Cách nhau bởi dấu ;."),
    Column("region", "Tỉnh hoặc vùng", "Để trống: Nghệ An."),
    Column("price_min", "Giá hoặc kinh phí từ (triệu đồng)", "Số, ví dụ 1.200,5."),
    Column("price_max", "Giá hoặc kinh phí đến (triệu đồng)", "Số, không nhỏ hơn giá từ."),
    Column(
        "expires_on",
        "Ngày hết hạn",
        "dd/mm/yyyy, sau hôm nay và không quá 12 tháng kể từ hôm nay.",
    ),
    Column("owner_name", "Tổ chức, doanh nghiệp hoặc cá nhân chào bán hay có nhu cầu"),
    Column("anonymous", "Ẩn tên đến khi kết nối", "có hoặc không (để trống: không)."),
    Column("contact_name", "Người liên hệ"),
    Column("contact_email", "Thư điện tử liên hệ", "Ghi thư điện tử hoặc điện thoại."),
    Column("contact_phone", "Điện thoại liên hệ"),
)
EXPORT_ONLY = (
    Column("code", "Mã số", "Chỉ có trong tệp xuất; khi nhập được bỏ qua."),
    Column("status", "Trạng thái", "Chỉ có trong tệp xuất; khi nhập được bỏ qua."),
    Column("owner_account", "Tài khoản đăng", "Chỉ có trong tệp xuất; khi nhập được bỏ qua."),
    Column("created_at", "Ngày tạo", "Chỉ có trong tệp xuất; khi nhập được bỏ qua."),
    Column("published_at", "Ngày công bố", "Chỉ có trong tệp xuất; khi nhập được bỏ qua."),
)
LABELS = {c.key: c.label for c in (*COLUMNS, *EXPORT_ONLY)}
# Read from the file, then given to the form as they are (the form's rules judge them).
TEXTS = (
    "title", "summary", "description", "advantages", "sector", "field", "ipc", "keywords",
    "region", "owner_name", "contact_name", "contact_email", "contact_phone",
)  # fmt: skip
EXPIRES = registry_io.Column("expires_on", LABELS["expires_on"], "date")
ANONYMOUS = registry_io.Column("anonymous", LABELS["anonymous"], "bool")
GUIDE = (
    "Mỗi dòng của trang «Dữ liệu» là một công nghệ chào bán hoặc một nhu cầu công nghệ; giữ"
    " dòng tiêu đề (tên cột tiếng Việt hoặc khóa tiếng Anh đều được).",
    "Toàn bộ tệp được kiểm tra trước khi ghi: nếu có lỗi, không dòng nào được ghi và mọi lỗi"
    " được liệt kê theo dòng, cột và lý do.",
    "Các dòng nhập vào được công bố ngay trên thị trường công nghệ, do Sở KH&CN đăng.",
    "Tệp xuất từ hệ thống nhập lại được (thành tin mới); các cột mã số, trạng thái, tài khoản"
    " và ngày được bỏ qua.",
)


def required_keys() -> list[str]:
    """The columns every file must have: the kind and what the form requires (the region has
    a default)."""
    needed = {name for name, f in ListingForm.base_fields.items() if f.required}
    return ["kind", *(c.key for c in COLUMNS if c.key in needed and c.key != "region")]


def market_limits() -> size.Limits:
    """What an import workbook may hold, from settings, with at most `MAX_ROWS` rows."""
    return size.Limits(
        max_unzipped_bytes=settings.STIHUB_UPLOAD_MAX_UNZIPPED_BYTES,
        max_ratio=settings.STIHUB_UPLOAD_MAX_ZIP_RATIO,
        max_rows=MAX_ROWS,
        max_columns=len(COLUMNS) + len(EXPORT_ONLY) + 10,
    )


# --- reading ---------------------------------------------------------------------------------


def _aliases(vocabulary) -> dict[str, str]:
    """{folded word: code}: the codes, the Vietnamese words, the labels in every language of
    the site (whatever the page's language)."""
    found = {}
    for code, words in WORDS[vocabulary].items():
        names = [code.value, *words]
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.append(str(code.label))
        for name in names:
            found.setdefault(fold(name), code.value)
    return found


def _code(aliases, text) -> str | None:
    return aliases.get(fold(text))


class _Row:
    """One data row: its cells by key, where each is, and the problems found."""

    def __init__(self, line, cells, positions, sheet):
        self.line, self.sheet, self.problems = line, sheet, []
        self.headers = {key: written for key, (_i, written) in positions.items()}
        self.cells = {
            key: cells[i] if i < len(cells) else None for key, (i, _written) in positions.items()
        }
        self.refused = set()  # keys already reported: the form's word on them would repeat it

    def column(self, key) -> str:
        return self.headers.get(key) or LABELS.get(key, key)

    def text(self, key) -> str:
        return text_of(self.cells.get(key))

    def bad(self, key, template, **params) -> None:
        self.refused.add(key)
        column = self.column(key) if key else None
        self.problems.append(Problem(template, params, self.sheet, self.line, column))


def _header(record, sheet) -> tuple[dict, list[Problem]]:
    """{key: (position, header as written)} and the header's problems."""
    problems = []
    found = registry_io.header_positions(
        (*COLUMNS, *EXPORT_ONLY), record, sheet, problems, required=required_keys()
    )
    return found, problems


def _choice(row, key, aliases, vocabulary) -> str:
    text = row.text(key)
    if not text:
        return ""
    code = _code(aliases, text)
    if code is None:
        row.bad(key, registry_io.BAD_WORD, value=text, allowed=_accepted(vocabulary))
        return ""
    return code


def _number(row, key):
    """An amount as the file writes it: a number cell as it is (never re-read as text, where
    1.125 would be ambiguous), a text as typed in Vietnam (1.200,5) whatever the language of
    the page; the form judges the rest."""
    cell = row.cells.get(key)
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return cell
    text = row.text(key)
    try:
        return parse_number(text, thousands=".") if text else text
    except AmbiguousNumber:
        messages = NumberField.default_error_messages
        whole, decimal = text.replace(".", ""), text.replace(".", ",")
        row.bad(key, str(messages["ambiguous"]), value=text, whole=whole, decimal=decimal)
    except ValueError:
        pass
    return text


def _cell(row, column):
    try:
        return registry_io.parse_cell(column, row.cells.get(column.key))
    except registry_io.CellError as error:
        row.bad(column.key, error.template, **error.params)
        return None


def _form_data(row, vocabularies) -> tuple[str | None, dict]:
    """The row's kind and the form's data: cells as the owner would type them, choices as
    codes."""
    kind = None
    if not row.text("kind"):
        row.bad("kind", registry_io.REQUIRED)
    else:
        kind = _choice(row, "kind", vocabularies[Kind], Kind) or None
    data = {key: row.text(key) for key in TEXTS}
    if re.fullmatch(r"\d", data["sector"]):
        data["sector"] = "0" + data["sector"]  # a division typed as a number: 1 is 01
    if not data["region"]:
        data["region"] = Listing._meta.get_field("region").default
    trl = re.fullmatch(r"(?:trl\s*)?(\d+)", fold(row.text("stage")))
    data["stage"] = trl.group(1) if trl else row.text("stage")
    data["ip_status"] = _choice(row, "ip_status", vocabularies[IPProtection], IPProtection)
    codes = []
    for part in row.text("partnership").split(";"):
        if part.strip():
            code = _code(vocabularies[Partnership], part)
            if code is None:
                allowed = _accepted(Partnership)
                row.bad("partnership", registry_io.BAD_WORD, value=part.strip(), allowed=allowed)
            elif code not in codes:
                codes.append(code)
    data["partnership"] = codes
    data["price_min"] = _number(row, "price_min")
    data["price_max"] = _number(row, "price_max")
    data["expires_on"] = _cell(row, EXPIRES) or ""
    data["anonymous"] = bool(_cell(row, ANONYMOUS))
    return kind, data


def _check(row, user, vocabularies) -> ListingForm:
    """The row through the owner's form; its errors become the row's problems."""
    kind, data = _form_data(row, vocabularies)
    form_kind = kind or Kind.OFFER  # an unknown kind is reported; the rest is still checked
    form = ListingForm(data, instance=Listing(kind=form_kind, owner=user), kind=form_kind)
    for name, messages in form.errors.items():
        key = None if name == "__all__" else name
        if key in row.refused:
            continue
        for message in messages:
            # Translated already (the active language): kept as it is, without parameters.
            column = row.column(key) if key else None
            row.problems.append(Problem(str(message), {}, row.sheet, row.line, column))
    return form


def read_listings(upload, user) -> tuple[list[ListingForm], list[Problem]]:
    """The rows of an import workbook, each checked by the owner's form (bound to a new listing
    of `user`), and every problem of the file; the forms are to be saved only if there are no
    problems. `upload` is a checked upload."""
    upload.seek(0)
    try:
        sheet, records = registry_io.records_of(upload, upload.name, market_limits())
    except DataError as error:
        return [], error.problems
    records = [(n, r) for n, r in records if not all(blank(c) for c in r)]
    if not records:
        return [], [Problem(registry_io.EMPTY, sheet=sheet)]
    positions, problems = _header(records[0], sheet)
    if problems:
        return [], problems
    if len(records) == 1:
        return [], [Problem(registry_io.NO_ROWS, sheet=sheet)]
    vocabularies = {v: _aliases(v) for v in WORDS}
    forms = []
    for line, cells in records[1:]:
        row = _Row(line, cells, positions, sheet)
        forms.append(_check(row, user, vocabularies))
        problems += row.problems
    return forms, problems


@transaction.atomic
def save_listings(forms, user) -> list[Listing]:
    """Write checked rows: each a new listing of `user`, published at once by `user`."""
    saved = []
    for form in forms:
        listing = form.save(commit=False)
        listing.kind, listing.owner = form.kind, user
        listings.save_new(listing, submit=True)
        listings.moderate(listing, user, Status.PUBLISHED)
        saved.append(listing)
    return saved


def import_listings(upload, user) -> list[Listing]:
    """Check every row of the workbook and write them all, or nothing (DataError)."""
    forms, problems = read_listings(upload, user)
    if problems:
        raise DataError(problems)
    return save_listings(forms, user)


# --- writing ---------------------------------------------------------------------------------


def _when(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else None


def _number_cell(value):
    return None if value is None else float(value)


def export_row(listing: Listing) -> list:
    """A listing as a row of the export: the import's columns, then `EXPORT_ONLY`'s."""
    words = WRITTEN
    partnership = [words[Partnership].get(c, c) for c in listing.partnership_list]
    values = {
        **{key: getattr(listing, key) or None for key in TEXTS},
        "kind": words[Kind].get(listing.kind, listing.kind),
        "stage": listing.stage,
        "ip_status": words[IPProtection].get(listing.ip_status) or None,
        "partnership": "; ".join(partnership) or None,
        "field": listing.field.code if listing.field else None,
        "price_min": _number_cell(listing.price_min),
        "price_max": _number_cell(listing.price_max),
        "expires_on": listing.expires_on.strftime("%d/%m/%Y"),
        "anonymous": "có" if listing.anonymous else "không",
        "code": listing.code,
        "status": str(listing.get_status_display()),
        "owner_account": listing.owner.get_username(),
        "created_at": _when(listing.created_at),
        "published_at": _when(listing.published_at),
    }
    return [values[c.key] for c in (*COLUMNS, *EXPORT_ONLY)]


def export_bytes(queryset) -> bytes:
    """The listings of `queryset` as a workbook that the import reads back."""
    rows = (export_row(listing) for listing in queryset.select_related("field", "owner"))
    header = [c.key for c in (*COLUMNS, *EXPORT_ONLY)]
    return xlsx_book([(SHEET, header, rows)])


def template_bytes() -> bytes:
    """The workbook to fill in: the data sheet (the Vietnamese labels as its header), then the
    guide (each column's key, whether it is required, what to write)."""
    required = set(required_keys())
    guide = [
        [c.label, c.key, "có" if c.key in required else "", c.help]
        for c in (*COLUMNS, *EXPORT_ONLY)
    ]
    guide += [[None], *([line] for line in GUIDE)]
    return xlsx_book(
        [
            (SHEET, [c.label for c in COLUMNS], []),
            ("Hướng dẫn", ["Cột", "Khóa", "Bắt buộc", "Giải thích"], guide),
        ]
    )
