"""Read an action programme (chương trình hành động) from an .xlsx workbook, checking every row.

Columns (header required, in any order, names case-free; Vietnamese names accepted too):
`solution_group, code, title, lead_agency, partner_agencies, outputs, deadline, status` and the
optional `cancel_reason`. `partner_agencies` holds agency codes separated by `;`; `deadline` is
a date cell, or text written dd/mm/yyyy or yyyy-mm-dd; `status` is one of STORED_STATUSES
(empty: not started). "Overdue" is not a status one writes: it follows from the deadline.

Every problem of the file is collected (row numbers as in Excel, the column as the file names it)
and raised together as one DataError; the caller writes nothing then. Plain Python, no Django:
the caller says which solution groups and agencies exist.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from stihub.engines import limits as size
from stihub.engines.codes import CODE_RULE, code_params, is_code
from stihub.engines.problems import DataError, Problem, gettext_noop


class Status(StrEnum):
    """The status of an action item; OVERDUE is derived (an open item past its deadline)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


STORED_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.CANCELLED)
OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)  # these become overdue

COLUMNS = {
    "solution_group": "Nhóm nhiệm vụ",
    "code": "Mã",
    "title": "Nhiệm vụ",
    "lead_agency": "Cơ quan chủ trì",
    "partner_agencies": "Cơ quan phối hợp",
    "outputs": "Sản phẩm",
    "deadline": "Thời hạn",
    "status": "Trạng thái",
    "cancel_reason": "Lý do hủy",
}
REQUIRED = ("solution_group", "code", "title", "lead_agency", "deadline")
TITLE_MAX = 500
# An action programme has tens to a few hundred items.
PROGRAMME = size.Limits(max_rows=5_000, max_columns=20)


@dataclass(frozen=True)
class ItemRow:
    """One action item (nhiệm vụ trong chương trình hành động) as the file gives it."""

    row: int
    solution_group: str
    code: str
    title: str
    lead_agency: str
    partner_agencies: tuple[str, ...]
    outputs: str
    deadline: dt.date
    status: str
    cancel_reason: str = ""


def read_programme(
    source, *, groups=None, agencies=None, limits: size.Limits = PROGRAMME
) -> list[ItemRow]:
    """Read the first sheet of an .xlsx (a path or a binary file); DataError with every problem.

    `groups`, `agencies`: the codes a row may use (None: not checked)."""
    from openpyxl import load_workbook

    size.check_xlsx(source, limits)  # before any XML is parsed
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl's many errors for a damaged file: said in plain words
        raise DataError(size.find_damage(source) or [Problem(NOT_READABLE)]) from exc
    try:
        if not book.worksheets:
            raise DataError([Problem(NOT_READABLE)])
        sheet = book.worksheets[0]
        records = list(size.sheet_rows(sheet, limits))
        return check_records(records, sheet.title, groups=groups, agencies=agencies)
    finally:
        book.close()


NOT_READABLE = gettext_noop(
    "The file is not a readable .xlsx workbook: it may be damaged, or be another kind of file"
    " named .xlsx. Open it in Excel and save it again as an Excel Workbook (.xlsx)."
)


def _key(text) -> str:
    """A header compared without case, accents or extra spaces: "Cơ quan chủ trì" → "co quan..."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("_", " ").casefold().split())


_COLUMN_OF = {_key(vi): name for name, vi in COLUMNS.items()} | {
    _key(name): name for name in COLUMNS
}


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return unicodedata.normalize("NFC", str(cell)).strip()


def check_records(records, sheet=None, *, groups=None, agencies=None) -> list[ItemRow]:
    """[(row number, cells)] with the header first → ItemRows; DataError with every problem."""
    problems: list[Problem] = []
    records = [(n, r) for n, r in records if any(_text(c) for c in r)]
    if len(records) < 2:
        raise DataError(
            [Problem(gettext_noop("The file needs a header and at least one item row."))]
        )
    header_row, header = records[0]
    columns: dict[str, tuple[int, str]] = {}
    for i, cell in enumerate(header):
        written = _text(cell)
        name = _COLUMN_OF.get(_key(written)) if written else None
        if written and name is None:
            problems.append(
                Problem(
                    gettext_noop("Unknown column %(name)s; the columns are %(allowed)s."),
                    {"name": written, "allowed": ", ".join(COLUMNS)},
                    sheet,
                    header_row,
                    written,
                )
            )
        elif name in columns:
            problems.append(
                Problem(
                    gettext_noop("Column %(name)s appears twice."),
                    {"name": written},
                    sheet,
                    header_row,
                    written,
                )
            )
        elif name:
            columns[name] = (i, written)
    for name in REQUIRED:
        if name not in columns:
            problems.append(
                Problem(
                    gettext_noop("Required column %(name)s is missing."),
                    {"name": name},
                    sheet,
                    header_row,
                    name,
                )
            )
    if problems:
        raise DataError(problems)

    items, first_row = [], {}
    for number, cells in records[1:]:
        before = len(problems)
        item = _item(_Row(number, cells, columns, sheet, problems), groups, agencies)
        if len(problems) > before:
            continue
        if item.code in first_row:
            problems.append(
                Problem(
                    gettext_noop("The code %(code)s was already given on row %(first)s."),
                    {"code": item.code, "first": first_row[item.code]},
                    sheet,
                    number,
                    columns["code"][1],
                )
            )
            continue
        first_row[item.code] = number
        items.append(item)
    if problems:
        raise DataError(problems)
    return items


@dataclass(frozen=True)
class _Row:
    number: int
    cells: tuple
    columns: dict
    sheet: str | None
    problems: list

    def __call__(self, column: str):
        i = self.columns[column][0] if column in self.columns else None
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def bad(self, column: str, template: str, **params) -> None:
        written = self.columns[column][1] if column in self.columns else column
        self.problems.append(Problem(template, params, self.sheet, self.number, written))


def _known_code(row: _Row, column: str, code: str, known, unknown: str) -> None:
    if not is_code(code):
        row.bad(column, CODE_RULE, **code_params(code))
    elif known is not None and code not in known:
        row.bad(column, unknown, code=code)


UNKNOWN_AGENCY = gettext_noop("Unknown agency code %(code)s.")


def _item(row: _Row, groups, agencies) -> ItemRow:
    empty = gettext_noop("This cell is empty.")
    texts = {c: _text(row(c)) for c in COLUMNS if c != "deadline"}
    for column in ("solution_group", "code", "title", "lead_agency"):
        if not texts[column]:
            row.bad(column, empty)
    if texts["solution_group"]:
        _known_code(
            row,
            "solution_group",
            texts["solution_group"],
            groups,
            gettext_noop("Unknown solution group %(code)s."),
        )
    if texts["code"] and not is_code(texts["code"]):
        row.bad("code", CODE_RULE, **code_params(texts["code"]))
    if len(texts["title"]) > TITLE_MAX:
        row.bad(
            "title", gettext_noop("The title is longer than %(max)s characters."), max=TITLE_MAX
        )
    lead = texts["lead_agency"]
    if lead:
        _known_code(row, "lead_agency", lead, agencies, UNKNOWN_AGENCY)
    partners = tuple(dict.fromkeys(p.strip() for p in texts["partner_agencies"].split(";")))
    partners = tuple(p for p in partners if p)
    for code in partners:
        _known_code(row, "partner_agencies", code, agencies, UNKNOWN_AGENCY)
    deadline = parse_date(row("deadline"))
    if deadline is None:
        row.bad(
            "deadline",
            gettext_noop("The deadline %(value)s is not a date (write dd/mm/yyyy or yyyy-mm-dd)."),
            value=_text(row("deadline")) or "(empty)",
        )
    status = texts["status"] or Status.NOT_STARTED.value
    if status == Status.OVERDUE:
        row.bad(
            "status",
            gettext_noop(
                "Overdue is not written: it follows from the deadline. Write not_started or"
                " in_progress."
            ),
        )
    elif status not in STORED_STATUSES:
        row.bad(
            "status",
            gettext_noop("Unknown status %(value)s; write one of %(allowed)s."),
            value=status,
            allowed=", ".join(STORED_STATUSES),
        )
    elif status == Status.CANCELLED and not texts["cancel_reason"]:
        row.bad("status", gettext_noop("A cancelled item needs a reason (column cancel_reason)."))
    return ItemRow(
        row.number,
        texts["solution_group"],
        texts["code"],
        texts["title"],
        lead,
        partners,
        texts["outputs"],
        deadline,
        status,
        texts["cancel_reason"] if status == Status.CANCELLED else "",
    )


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(value) -> dt.date | None:
    """A date cell, or text dd/mm/yyyy (Vietnamese order) or yyyy-mm-dd; None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    try:
        if m := _DMY.match(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if m := _ISO.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:  # 31/02/2026
        return None
    return None


def current_status(stored: str, deadline: dt.date | None, today: dt.date) -> Status:
    """The status people see: an open item whose deadline has passed is overdue."""
    if stored in OPEN_STATUSES and deadline is not None and deadline < today:
        return Status.OVERDUE
    return Status(stored)
