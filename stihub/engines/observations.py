"""Read tidy observation files (CSV, XLSX) into rows, checking every row first (sdg-build style).

Columns: `indicator,year,value[,period][,area][,note][,explanation]`, header required, in any
order, names case-free; also the provenance columns of the platform's own downloads,
`source,agency,sample`, so that a download imports back as it is. Each column may carry its
Vietnamese name instead (Chỉ tiêu, Năm, Giá trị, Kỳ, Địa bàn, Ghi chú, Giải trình, Nguồn, Cơ quan,
Mẫu), with or without accents. The reference columns of the platform's reporting template
(`REFERENCE_COLUMNS`: the indicator's name and unit, the previous value, the due date, the status)
are read past; any other column is rejected. A period is empty or "Năm" for the year, H1 or
"6 tháng" for the first half, Q1–Q3 or "Quý I"–"Quý III". A CSV may use `,` or `;` (Excel on
a Vietnamese-locale PC) as separator: the header line decides. A row with an empty `area`
belongs to the headline series; a row with an area is a disaggregation. Every problem of the
file is collected (CSV line numbers as in a text editor with the header on line 1; XLSX row
numbers as in Excel, with the sheet name; the column as the file names it) and raised together
as one DataError. Blank rows are skipped.

The caller may say which areas exist (official code → name; the name is what a row stores),
the latest year allowed, the known indicators and the known agencies; what it leaves as None is
not checked (the command-line progress engine). Text cells are trimmed; the quote a download puts
before a text starting with =, +, -, @, tab or carriage return (CSV-injection guard) is removed.

Numbers written as text follow one rule, so that no value is read two ways:
- a comma is the decimal mark (Vietnamese style): `36,50`, `1.234,5`; a point before a decimal
  comma may only group thousands (`1.234.567,8`);
- with no comma, a point is the decimal mark (`1234.5`, `0.125`) — except that several points
  are thousands groups (`1.234.567`), and one point followed by exactly three digits after a
  1–3 digit integer part (`2.500`) is rejected as ambiguous (2.5 or 2,500?); write `2500`,
  `2,5` or `2.500,0` instead;
- a thousands comma (`1,234.5`) is rejected; spaces (also non-breaking) are ignored.
Numeric XLSX cells are taken as they are.

Size: a file is read row by row (an .xlsx after `limits.check_xlsx` has looked at its zip),
and reading stops with a located problem at the first row or cell past `limits`. Indicator and
agency codes follow the code rule of `codes.py`.
"""

import codecs
import csv
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from stihub.engines import limits as size
from stihub.engines.codes import CODE_RULE, code_params, is_code
from stihub.engines.problems import DataError, Problem, gettext_noop

REQUIRED_COLUMNS = ("indicator", "year", "value")
OPTIONAL_COLUMNS = ("period", "area", "note", "explanation", "source", "agency", "sample")
VIETNAMESE_NAMES = {
    "indicator": "Chỉ tiêu",
    "year": "Năm",
    "value": "Giá trị",
    "period": "Kỳ",
    "area": "Địa bàn",
    "note": "Ghi chú",
    "explanation": "Giải trình",
    "source": "Nguồn",
    "agency": "Cơ quan",
    "sample": "Mẫu",
}
# Columns of the reporting template that help the person filling it and are not read back.
REFERENCE_COLUMNS = {
    "name": "Tên chỉ tiêu",
    "unit": "Đơn vị tính",
    "previous": "Giá trị kỳ trước",
    "due": "Hạn báo cáo",
    "status": "Trạng thái",
}
# How a period may be written: the code, or its Vietnamese name (compared as headers are).
PERIOD_WORDS = {
    "": "",
    "nam": "",
    "ca nam": "",
    "h1": "H1",
    "6 thang": "H1",
    "6 thang dau nam": "H1",
    "q1": "Q1",
    "quy i": "Q1",
    "quy 1": "Q1",
    "q2": "Q2",
    "quy ii": "Q2",
    "quy 2": "Q2",
    "q3": "Q3",
    "quy iii": "Q3",
    "quy 3": "Q3",
}
YEAR_MIN, YEAR_MAX = 1900, 2100
# A spreadsheet takes a cell starting with one of these for a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TRUE_WORDS = {"true", "1", "yes", "x", "có", "co"}
FALSE_WORDS = {"false", "0", "no", "không", "khong"}

_VN_NUMBER = re.compile(r"^[+-]?(\d+|\d{1,3}(\.\d{3})+),\d+$")
_GROUPED_INT = re.compile(r"^[+-]?\d{1,3}(\.\d{3}){2,}$")
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")
_PLAIN = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class ObservationRow:
    """One observed value (số liệu) of an indicator in a year; `area` empty for the headline."""

    line: int
    indicator: str
    year: int
    value: float
    area: str = ""
    note: str = ""
    source: str = ""
    agency: str = ""  # agency code
    sample: bool = False
    period: str = ""  # "" for the year, H1, Q1, Q2, Q3 (`stihub.engines.reporting`)
    explanation: str = ""
    sheet: str | None = field(default=None, compare=False)  # where the row is, for problems
    headers: dict | None = field(default=None, compare=False, repr=False)  # column → as written

    def header(self, column: str) -> str:
        """A column as the file names it (its Vietnamese header, say), for a problem."""
        return (self.headers or {}).get(column, column)

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.indicator, self.year, self.period, self.area)


def parse_number(text: str) -> float:
    """Read a number written as text under the module's rule; ValueError when it breaks it."""
    s = text.replace("\u00a0", "").replace(" ", "").strip()
    if _GROUPED_INT.match(s):
        return float(s.replace(".", ""))
    if "," in s:
        if not _VN_NUMBER.match(s):
            raise ValueError(text)
        return float(s.replace(".", "").replace(",", "."))
    if _AMBIGUOUS.match(s):
        raise ValueError("ambiguous")
    if not _PLAIN.match(s):
        raise ValueError(text)
    return float(s)


def number_text(value: float) -> str:
    """A number written so that `parse_number` reads back exactly that number (for downloads)."""
    text = repr(float(value))
    return text + "0" if _AMBIGUOUS.match(text) else text  # 1.125 → 1.1250, not ambiguous


def read_observations(
    source,
    filename: str | None = None,
    known_indicators=None,
    *,
    areas=None,
    latest_year: int | None = None,
    known_agencies=None,
    sectors=frozenset(),
    limits: size.Limits = size.OBSERVATIONS,
) -> list[ObservationRow]:
    """Read a .csv (UTF-8, BOM or not) or .xlsx (first sheet) file; raise DataError on problems.

    `source` is a path or a binary file object (then `filename` gives the extension).
    `known_indicators`, `known_agencies`: the codes a row may use. `areas`: {official code: name}
    of the areas a row may name (by code or exact name); empty when no units are loaded, so any
    area is refused. `sectors`: other breakdown labels a row may name as its area, as written.
    `latest_year`: no row may be later. None: not checked. `limits`: the most
    the file may hold (the web passes the settings' values).
    """
    name = filename or (
        str(source) if isinstance(source, str | Path) else getattr(source, "name", "")
    )
    suffix = Path(str(name)).suffix.lower()
    if suffix == ".csv":
        sheet, records = None, csv_records(source, limits)
    elif suffix == ".xlsx":
        sheet, records = xlsx_records(source, limits)
    else:
        raise DataError(
            [
                Problem(
                    gettext_noop("Unsupported file type %(suffix)s; use .csv or .xlsx."),
                    {"suffix": suffix or "?"},
                )
            ]
        )
    checks = _Checks(known_indicators, areas, latest_year, known_agencies, frozenset(sectors))
    return _check(records, sheet, checks)


def csv_records(source, limits: size.Limits):
    """[(line, cells)] of a CSV, streamed: the file is never held whole, and reading stops at
    the first row, cell or column past `limits`."""
    size.check_file_size(size.source_size(source), limits)
    binary = open(source, "rb") if isinstance(source, str | Path) else source  # noqa: SIM115
    start = binary.tell()
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        return _csv_rows(text, limits)
    except UnicodeDecodeError as exc:
        binary.seek(start)
        raise DataError(
            [
                Problem(
                    gettext_noop(
                        "The file is not UTF-8 text (byte %(position)s). In Excel, choose"
                        ' Save As and the type "CSV UTF-8 (Comma delimited)", then import'
                        " that file."
                    ),
                    {"position": _bad_byte(binary)},
                )
            ]
        ) from exc
    finally:
        text.detach()  # the caller's file stays open
        if binary is not source:
            binary.close()


def _csv_rows(lines, limits: size.Limits):
    # The header line decides the separator; the lines read to find it are read again by csv.
    seen = []
    for line in lines:
        seen.append(line)
        if line.strip():
            break
    header = seen[-1].lstrip("\ufeff") if seen else ""
    if seen:
        seen[-1] = header
    delimiter = ";" if header.count(";") > header.count(",") else ","
    # The limit is the csv module's, for the whole process; every reader sets the same one.
    csv.field_size_limit(limits.max_field_chars)
    reader = csv.reader(itertools.chain(seen, lines), delimiter=delimiter)
    records = []
    while True:
        try:
            record = next(reader, None)
        except csv.Error as exc:
            raise DataError([_csv_problem(exc, max(reader.line_num, 1), limits)]) from exc
        if record is None:
            return records
        # reader.line_num is the text line where the record ends (quoted newlines included).
        if len(records) >= limits.max_rows:
            raise DataError([size.too_many_rows(limits, row=reader.line_num)])
        if any(cell.strip() for cell in record[limits.max_columns :]):
            raise DataError(
                [size.too_many_columns(limits, row=reader.line_num, column=len(record))]
            )
        records.append((reader.line_num, record))


def _csv_problem(exc: csv.Error, line: int, limits: size.Limits) -> Problem:
    if "field larger than field limit" in str(exc):
        return Problem(
            gettext_noop("A cell is longer than %(limit)s characters."),
            {"limit": limits.max_field_chars},
            row=line,
        )
    return Problem(
        gettext_noop(
            "This line cannot be read as CSV (%(error)s); open the file in Excel and save it"
            ' again as "CSV UTF-8 (Comma delimited)".'
        ),
        {"error": str(exc)},
        row=line,
    )


def _bad_byte(binary) -> int:
    """The position of the first byte that is not UTF-8, read again in small pieces."""
    decoder = codecs.getincrementaldecoder("utf-8")()  # a BOM is UTF-8 too: bytes count from 0
    offset = 0
    while chunk := binary.read(65536):
        pending = len(decoder.getstate()[0])  # the start of a character cut by the last piece
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            return offset - pending + exc.start
        offset += len(chunk)
    return offset


def xlsx_records(source, limits: size.Limits):
    from openpyxl import load_workbook  # openpyxl is not needed for CSV-only use

    size.check_xlsx(source, limits)  # before any XML is parsed
    # openpyxl raises many kinds of error, with its own wording, for a damaged or non-xlsx file:
    # the user is told in plain words instead.
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:
        raise DataError(size.find_damage(source) or [Problem(NOT_READABLE)]) from exc
    try:
        sheet = workbook.worksheets[0]
        return sheet.title, list(size.sheet_rows(sheet, limits))
    except IndexError as exc:
        raise DataError([Problem(NOT_READABLE)]) from exc
    finally:
        workbook.close()


NOT_READABLE = gettext_noop(
    "The file is not a readable .xlsx workbook: it may be damaged, or be"
    " another kind of file named .xlsx. Open it in Excel and save it again"
    " as an Excel Workbook (.xlsx)."
)


def blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def text_of(cell) -> str:
    """A text cell, trimmed, without the quote a download puts before a formula-like text."""
    if blank(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # an area code in a number cell: 16681, not 16681.0
    text = str(cell).strip()
    if text[:1] == "'" and text[1:2] and text[1] in FORMULA_STARTS:
        text = text[1:]
    return text


def header_key(text: str) -> str:
    """A header compared without case, accents or extra spaces: "Chỉ  tiêu" → "chi tieu"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("_", " ").casefold().split())


_COLUMN_OF = {header_key(vi): name for name, vi in VIETNAMESE_NAMES.items()} | {
    name: name for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS
}
_REFERENCE = {header_key(vi) for vi in REFERENCE_COLUMNS.values()} | set(REFERENCE_COLUMNS)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@dataclass(frozen=True)
class _Checks:
    """What the caller allows; None: not checked."""

    indicators: set | None
    areas: dict | None
    latest_year: int | None
    agencies: set | None
    sectors: frozenset = frozenset()

    @cached_property
    def _units(self) -> dict[str, str]:
        names = {_nfc(name): name for name in self.areas.values()}
        return names | {str(code).strip(): name for code, name in self.areas.items()}

    def unit(self, area: str) -> str | None:
        """The unit's name for an official code or an exact name (NFC); None when not a unit."""
        return self._units.get(_nfc(area))


def _columns(records, problem) -> dict[str, tuple[int, str]]:
    """{column: (position, header as the file writes it)} from the header row."""
    header_line, header = records[0]
    columns: dict[str, tuple[int, str]] = {}
    for i, cell in enumerate(header):
        written = "" if cell is None else str(cell).strip()
        if not written:
            if any(not blank(r[i]) for _, r in records[1:] if i < len(r)):
                problem(
                    header_line,
                    None,
                    gettext_noop("Column %(position)s has no name."),
                    position=i + 1,
                )
            continue
        name = _COLUMN_OF.get(header_key(written))
        if name is None and header_key(written) in _REFERENCE:
            continue
        if name is None:
            problem(
                header_line,
                written,
                gettext_noop("Unknown column %(name)s; the columns are %(allowed)s."),
                name=written,
                allowed=", ".join(
                    f"{n} ({VIETNAMESE_NAMES[n]})" for n in REQUIRED_COLUMNS + OPTIONAL_COLUMNS
                ),
            )
        elif name in columns:
            problem(
                header_line, written, gettext_noop("Column %(name)s appears twice."), name=written
            )
        else:
            columns[name] = (i, written)
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problem(
                header_line, name, gettext_noop("Required column %(name)s is missing."), name=name
            )
    return columns


def _check(records, sheet, checks: _Checks) -> list[ObservationRow]:
    problems: list[Problem] = []

    def problem(row, column, template, **params):
        problems.append(Problem(template, params, sheet=sheet, row=row, column=column))

    records = [(n, r) for n, r in records if not all(blank(cell) for cell in r)]
    if not records:
        problem(None, None, gettext_noop("The file is empty: it needs a header and data rows."))
        raise DataError(problems)
    columns = _columns(records, problem)
    if problems:
        raise DataError(problems)
    if len(records) == 1:
        problem(None, None, gettext_noop("The file has a header but no data rows."))
        raise DataError(problems)

    rows: list[ObservationRow] = []
    first_line: dict[tuple, int] = {}
    # The reporting template lists every period owed: a row left without a value (nor note,
    # explanation or source) is a period the agency reports later, not a mistake.
    template = header_key(REFERENCE_COLUMNS["previous"]) in {
        header_key(str(c)) for c in records[0][1] if c is not None
    }
    headers = {name: written for name, (_i, written) in columns.items()}
    for line, record in records[1:]:
        cell = _Record(line, record, columns, sheet, problems)
        if template and all(blank(cell(c)) for c in ("value", "note", "explanation", "source")):
            continue
        before = len(problems)
        row = _row(cell, checks, headers)
        if len(problems) > before:
            continue
        key = row.key
        if key in first_line:
            problem(
                line,
                None,
                gettext_noop(
                    "Duplicate row: %(indicator)s, %(year)s %(period)s, area %(area)s was already"
                    " given on row %(first)s."
                ),
                indicator=row.indicator,
                year=row.year,
                period=row.period,
                area=row.area or "-",
                first=first_line[key],
            )
            continue
        first_line[key] = line
        rows.append(row)
    if problems:
        raise DataError(problems)
    return rows


@dataclass(frozen=True)
class _Record:
    """A data row of the file, where its problems go, and how its columns are named."""

    line: int
    cells: list
    columns: dict[str, tuple[int, str]]
    sheet: str | None
    problems: list[Problem]

    def __call__(self, column: str):
        """The cell of a column; None when the file has no such column or the row is short."""
        i = self.columns[column][0] if column in self.columns else None
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def bad(self, column: str, template: str, **params) -> None:
        """Record a problem of this row, located by the column's name as the file writes it."""
        written = self.columns[column][1] if column in self.columns else column
        self.problems.append(Problem(template, params, self.sheet, self.line, written))


def _row(cell: _Record, checks: _Checks, headers: dict) -> ObservationRow:
    """One data row, read; its problems are recorded with `cell.bad`."""
    bad = cell.bad
    indicator = text_of(cell("indicator"))
    if not indicator:
        bad("indicator", gettext_noop("The indicator is empty."))
    elif not is_code(indicator):
        bad("indicator", CODE_RULE, **code_params(indicator))
    elif checks.indicators is not None and indicator not in checks.indicators:
        bad("indicator", gettext_noop("Unknown indicator %(code)s."), code=indicator)
    year = _year(cell("year"))
    if year is None:
        bad(
            "year",
            gettext_noop("The year %(value)s is not a whole number from %(min)s to %(max)s."),
            value=_show(cell("year")),
            min=YEAR_MIN,
            max=YEAR_MAX,
        )
    elif checks.latest_year is not None and year > checks.latest_year:
        bad(
            "year",
            gettext_noop(
                "The year %(value)s is in the future; the latest year allowed is %(max)s."
            ),
            value=year,
            max=checks.latest_year,
        )
    value, reason = _value(cell("value"))
    if reason:
        bad("value", reason, value=_show(cell("value")))
    area = _area(cell, checks)
    agency = text_of(cell("agency"))
    if agency and not is_code(agency):
        bad("agency", CODE_RULE, **code_params(agency))
    elif agency and checks.agencies is not None and agency not in checks.agencies:
        bad("agency", gettext_noop("Unknown agency code %(code)s."), code=agency)
    period = PERIOD_WORDS.get(header_key(text_of(cell("period"))))
    if period is None:
        bad(
            "period",
            gettext_noop(
                "The period %(value)s is not understood: leave it empty (or Năm) for the year,"
                " or write H1 (6 tháng), Q1, Q2 or Q3 (Quý I, II, III)."
            ),
            value=_show(cell("period")),
        )
    sample = _flag(cell("sample"))
    if sample is None:
        bad(
            "sample",
            gettext_noop(
                "The sample mark %(value)s is not understood: write TRUE for sample data, or"
                " FALSE or nothing for real figures."
            ),
            value=_show(cell("sample")),
        )
    return ObservationRow(
        cell.line,
        indicator,
        year,
        value,
        area,
        text_of(cell("note")),
        text_of(cell("source")),
        agency,
        bool(sample),
        period or "",
        text_of(cell("explanation")),
        cell.sheet,
        headers,
    )


def _area(cell: _Record, checks: _Checks) -> str:
    """The area of a row: empty (headline), or the name of the unit given by code or name."""
    area = text_of(cell("area"))
    if not area or checks.areas is None or _nfc(area) in checks.sectors:
        return _nfc(area)
    unit = checks.unit(area)
    if unit is not None:
        return unit
    if not checks.areas:
        cell.bad(
            "area",
            gettext_noop(
                "The area %(area)s cannot be checked: no administrative units are loaded."
                " Load them with the command `stihub load_admin_units`, or leave the area"
                " empty for the figure of the whole province."
            ),
            area=area,
        )
    else:
        code, name = min((str(code), name) for code, name in checks.areas.items())
        cell.bad(
            "area",
            gettext_noop(
                "Unknown area %(area)s: write the official code or the exact name of an"
                " administrative unit, e.g. %(code)s or %(name)s."
            ),
            area=area,
            code=code,
            name=name,
        )
    return area


def _show(value) -> str:
    return "(empty)" if blank(value) else str(value)


def _flag(value) -> bool | None:
    """TRUE/FALSE (also 1/0, yes/no, có/không; empty is FALSE); None when not understood."""
    if isinstance(value, bool):
        return value
    text = text_of(value).casefold()
    if text in TRUE_WORDS:
        return True
    if not text or text in FALSE_WORDS:
        return False
    return None


def _year(value) -> int | None:
    if isinstance(value, bool) or blank(value):
        return None
    if isinstance(value, float):
        year = int(value) if value.is_integer() else None
    elif isinstance(value, int):
        year = value
    else:
        text = str(value).strip()
        year = int(text) if re.fullmatch(r"\d{4}", text) else None
    return year if year is not None and YEAR_MIN <= year <= YEAR_MAX else None


def _value(value) -> tuple[float | None, str | None]:
    if blank(value):
        return None, gettext_noop("The value is empty.")
    if isinstance(value, bool):
        return None, gettext_noop("The value %(value)s is not a number.")
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = parse_number(str(value))
        except ValueError as exc:
            if str(exc) == "ambiguous":
                return None, gettext_noop(
                    "The value %(value)s is ambiguous: write 2500 or 2,5 rather than 2.500."
                )
            return None, gettext_noop(
                "The value %(value)s is not a number (write 1234.5, 1.234,5 or 36,50)."
            )
    if number != number or number in (float("inf"), float("-inf")):
        return None, gettext_noop("The value %(value)s is not a finite number.")
    return number, None
