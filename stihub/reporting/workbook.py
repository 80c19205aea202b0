"""The reporting template: an Excel workbook pre-filled with what an agency owes.

Sheet "Số liệu" has one row per ended period owed (`owed.owed`), and for an indicator broken
down by commune or sector one row per part (an indicator whose headline is the sum of its parts
gets the parts only: the upload computes the sum). The value cells are left empty for the agency
to fill; the indicator's name and unit, the previous period's approved value, the due date and
where the report stands are there for reference, under the headers the observation reader reads
past (`REFERENCE_COLUMNS`), so the filled sheet uploads as it is. Sheet "Hướng dẫn" says how to
fill it. The file is written in Vietnamese whatever the user's language, as its headers are.

No text cell can act as a formula: every text is written as a string cell (as
`core.spreadsheets.xlsx_bytes` does).
"""

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from stihub.core.models import AdministrativeUnit
from stihub.engines import reporting
from stihub.engines.observations import REFERENCE_COLUMNS as REF
from stihub.engines.observations import VIETNAMESE_NAMES as VI
from stihub.monitoring.choices import Breakdown, Headline, RevisionStatus
from stihub.monitoring.review import published_values

from .owed import Owed

SHEET = "Số liệu"
GUIDE = "Hướng dẫn"
# (header, width); the value and the columns after the reference ones are the agency's to fill.
COLUMNS = (
    (VI["indicator"], 24),
    (REF["name"], 50),
    (REF["unit"], 14),
    (VI["year"], 8),
    (VI["period"], 10),
    (VI["area"], 26),
    (VI["value"], 14),
    (REF["previous"], 16),
    (REF["due"], 14),
    (REF["status"], 14),
    (VI["note"], 30),
    (VI["explanation"], 36),
    (VI["source"], 30),
)
TO_FILL = {VI["value"], VI["note"], VI["explanation"], VI["source"]}
# How the file writes a period: words the reader understands (`PERIOD_WORDS`).
PERIOD_WORDS = {"": "Năm", "H1": "6 tháng", "Q1": "Quý I", "Q2": "Quý II", "Q3": "Quý III"}
STATUS_WORDS = {
    None: "Chưa báo cáo",
    RevisionStatus.DRAFT: "Đang soạn",
    RevisionStatus.SUBMITTED: "Chờ duyệt",
    RevisionStatus.RETURNED: "Bị trả lại",
}
GUIDE_LINES = (
    "CÁCH ĐIỀN MẪU BÁO CÁO SỐ LIỆU",
    "",
    "1. Mỗi dòng của trang «Số liệu» là một kỳ báo cáo của một chỉ tiêu mà cơ quan phải báo"
    " cáo; với chỉ tiêu chia theo xã/phường hoặc theo ngành, mỗi dòng là một phần (cột Địa bàn).",
    "2. Điền số liệu vào cột «Giá trị». Dùng dấu phẩy cho phần thập phân (36,5) và dấu chấm"
    " để phân cách hàng nghìn (1.234,5), hoặc nhập số trực tiếp trong ô Excel.",
    "3. Không sửa các cột Chỉ tiêu, Năm, Kỳ và Địa bàn: đó là mã để hệ thống nhận biết số liệu."
    " Các cột Tên chỉ tiêu, Đơn vị tính, Giá trị kỳ trước, Hạn báo cáo và Trạng thái chỉ để"
    " tham khảo, hệ thống không đọc.",
    "4. Mỗi dòng được tải lên phải có giá trị: xóa những dòng chưa có số liệu trước khi tải lên.",
    "5. Với chỉ tiêu có số tổng là tổng các phần, chỉ điền các phần: hệ thống tự tính số tổng."
    " Với chỉ tiêu có số tổng được nhập, số tổng phải bằng tổng các phần.",
    "6. Nếu giá trị thay đổi nhiều so với kỳ trước (cột «Giá trị kỳ trước»), ghi rõ lý do"
    " vào cột «Giải trình»; thiếu giải trình thì tệp không được nhận.",
    "7. Cột «Ghi chú» và «Nguồn» không bắt buộc (nguồn số liệu, văn bản, cách tính...).",
    "8. Lưu tệp dạng Excel (.xlsx), hoặc CSV (dấu phân cách «;» hoặc «,», mã hóa UTF-8), rồi"
    " tải lên tại trang «Tải lên báo cáo». Hệ thống kiểm tra toàn bộ tệp: nếu có dòng sai,"
    " không số liệu nào được ghi và mọi lỗi được liệt kê kèm trang tính, hàng và cột.",
    "9. Trước khi gửi, hệ thống hiển thị các giá trị sẽ thay đổi để kiểm tra lại. Số liệu sau"
    " khi gửi chờ Sở Khoa học và Công nghệ duyệt mới được công bố.",
)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")


def template_rows(owed: list[Owed]) -> list[tuple]:
    """The rows of the template for the owed periods (ended ones only: a period still running
    cannot be reported yet), in the order of `COLUMNS`."""
    owed = [o for o in owed if o.ended]
    communes = list(
        AdministrativeUnit.objects.filter(parent__isnull=False)
        .order_by("code")
        .values_list("name", flat=True)
    )
    lines = []  # (owed, area)
    for o in owed:
        parts = {Breakdown.AREA: communes, Breakdown.SECTOR: list(o.indicator.sectors or ())}
        parts = parts.get(o.indicator.breakdown, [])
        if not parts or o.indicator.headline != Headline.SUM:
            lines.append((o, ""))
        lines += [(o, part) for part in parts]
    keys = {_previous_key(o, area) for o, area in lines}
    previous = published_values(keys)
    rows = []
    for o, area in lines:
        before = previous.get(_previous_key(o, area))
        indicator = o.indicator
        rows.append(
            (
                indicator.code,
                indicator.name,
                indicator.unit,
                o.year,
                PERIOD_WORDS[o.period],
                area,
                None,
                before.value if before else None,
                o.due,
                STATUS_WORDS.get(o.status, ""),
                "",
                "",
                "",
            )
        )
    return rows


def _previous_key(o: Owed, area: str) -> tuple:
    year, period = reporting.previous_period(o.indicator.frequency, o.year, o.period)
    return (o.indicator.pk, year, period, area)


def template_bytes(owed: list[Owed]) -> bytes:
    """The template workbook (.xlsx) for the owed periods."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    for c, (header, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(1, c, header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    to_fill = [c for c, (header, _w) in enumerate(COLUMNS, start=1) if header in TO_FILL]
    due = [h for h, _w in COLUMNS].index(REF["due"]) + 1
    for r, row in enumerate(template_rows(owed), start=2):
        for c, value in enumerate(row, start=1):
            _put(sheet, r, c, value)
        for c in to_fill:
            sheet.cell(r, c).fill = INPUT_FILL
        sheet.cell(r, due).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    guide = book.create_sheet(GUIDE)
    guide.column_dimensions["A"].width = 120
    for r, line in enumerate(GUIDE_LINES, start=1):
        cell = guide.cell(r, 1, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    guide.cell(1, 1).font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _put(sheet, row: int, column: int, value) -> None:
    """Write a cell; a text is a string cell, never a formula (OWASP CSV injection); an empty
    text leaves the cell empty."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value) or None  # XML cannot hold them
    cell = sheet.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"


def filename(agency_codes: list[str], today: date) -> str:
    """bao-cao-<AGENCY>-<date>.xlsx; "tat-ca" for several agencies or all of them."""
    who = agency_codes[0] if len(agency_codes) == 1 else "tat-ca"
    return f"bao-cao-{who}-{today.isoformat()}.xlsx"
