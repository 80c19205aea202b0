"""Read tidy observation files (CSV, XLSX) into rows, checking every row first (sdg-build style).

Columns: `indicator,year,value[,area][,note]`, header required, in any order, names case-free;
any other column is rejected. A row with an empty `area` belongs to the headline series; a row
with an area is a disaggregation. Every problem of the file is collected (CSV line numbers as in
a text editor with the header on line 1; XLSX row numbers as in Excel, with the sheet name) and
raised together as one DataError. Blank rows are skipped.

Numbers written as text follow one rule, so that no value is read two ways:
- a comma is the decimal mark (Vietnamese style): `36,50`, `1.234,5`; a point before a decimal
  comma may only group thousands (`1.234.567,8`);
- with no comma, a point is the decimal mark (`1234.5`, `0.125`) — except that several points
  are thousands groups (`1.234.567`), and one point followed by exactly three digits after a
  1–3 digit integer part (`2.500`) is rejected as ambiguous (2.5 or 2,500?); write `2500`,
  `2,5` or `2.500,0` instead;
- a thousands comma (`1,234.5`) is rejected; spaces (also non-breaking) are ignored.
Numeric XLSX cells are taken as they are.
"""

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from stihub.engines.problems import DataError, Problem, gettext_noop

REQUIRED_COLUMNS = ("indicator", "year", "value")
OPTIONAL_COLUMNS = ("area", "note")
YEAR_MIN, YEAR_MAX = 1900, 2100

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


def read_observations(
    source, filename: str | None = None, known_indicators=None
) -> list[ObservationRow]:
    """Read a .csv (UTF-8, BOM or not) or .xlsx (first sheet) file; raise DataError on problems.

    `source` is a path or a binary file object (then `filename` gives the extension).
    `known_indicators`, when given, is the set of indicator codes a row may use.
    """
    name = filename or (
        str(source) if isinstance(source, str | Path) else getattr(source, "name", "")
    )
    suffix = Path(str(name)).suffix.lower()
    if suffix == ".csv":
        sheet, records = None, _csv_records(source)
    elif suffix == ".xlsx":
        sheet, records = _xlsx_records(source)
    else:
        raise DataError(
            [
                Problem(
                    gettext_noop("Unsupported file type %(suffix)s; use .csv or .xlsx."),
                    {"suffix": suffix or "?"},
                )
            ]
        )
    return _check(records, sheet, known_indicators)


def _csv_records(source):
    data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataError(
                [
                    Problem(
                        gettext_noop("The file is not UTF-8 text (byte %(position)s)."),
                        {"position": exc.start},
                    )
                ]
            ) from exc
    data = data.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(data, newline=""))
    # reader.line_num is the text line where the record ends (quoted newlines included).
    return [(reader.line_num, record) for record in reader]


def _xlsx_records(source):
    from openpyxl import load_workbook  # openpyxl is not needed for CSV-only use

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or non-xlsx file
        raise DataError(
            [Problem(gettext_noop("Cannot open the workbook: %(error)s"), {"error": str(exc)})]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        records = [(n, list(row)) for n, row in enumerate(sheet.iter_rows(values_only=True), 1)]
        return sheet.title, records
    finally:
        workbook.close()


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _check(records, sheet, known_indicators) -> list[ObservationRow]:
    problems: list[Problem] = []

    def problem(row, column, template, **params):
        problems.append(Problem(template, params, sheet=sheet, row=row, column=column))

    records = [(n, r) for n, r in records if not all(_blank(cell) for cell in r)]
    if not records:
        problem(None, None, gettext_noop("The file is empty: it needs a header and data rows."))
        raise DataError(problems)
    header_line, header = records[0]
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = "" if cell is None else str(cell).strip().lower()
        if not name:
            if any(not _blank(r[i]) for _, r in records[1:] if i < len(r)):
                problem(
                    header_line,
                    None,
                    gettext_noop("Column %(position)s has no name."),
                    position=i + 1,
                )
            continue
        if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            problem(
                header_line,
                name,
                gettext_noop("Unknown column %(name)s; the columns are %(allowed)s."),
                name=name,
                allowed=", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS),
            )
        elif name in columns:
            problem(header_line, name, gettext_noop("Column %(name)s appears twice."), name=name)
        else:
            columns[name] = i
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problem(
                header_line, name, gettext_noop("Required column %(name)s is missing."), name=name
            )
    if problems:
        raise DataError(problems)
    if len(records) == 1:
        problem(None, None, gettext_noop("The file has a header but no data rows."))
        raise DataError(problems)

    def cell(record, name):
        i = columns.get(name)
        return record[i] if i is not None and i < len(record) else None

    rows: list[ObservationRow] = []
    first_line: dict[tuple, int] = {}
    for line, record in records[1:]:
        ok = True
        indicator = (
            "" if _blank(cell(record, "indicator")) else str(cell(record, "indicator")).strip()
        )
        if not indicator:
            problem(line, "indicator", gettext_noop("The indicator is empty."))
            ok = False
        elif known_indicators is not None and indicator not in known_indicators:
            problem(line, "indicator", gettext_noop("Unknown indicator %(code)s."), code=indicator)
            ok = False
        year = _year(cell(record, "year"))
        if year is None:
            problem(
                line,
                "year",
                gettext_noop("The year %(value)s is not a whole number from %(min)s to %(max)s."),
                value=_show(cell(record, "year")),
                min=YEAR_MIN,
                max=YEAR_MAX,
            )
            ok = False
        value, reason = _value(cell(record, "value"))
        if reason:
            problem(line, "value", reason, value=_show(cell(record, "value")))
            ok = False
        area = "" if _blank(cell(record, "area")) else str(cell(record, "area")).strip()
        note = "" if _blank(cell(record, "note")) else str(cell(record, "note")).strip()
        if not ok:
            continue
        key = (indicator, year, area)
        if key in first_line:
            problem(
                line,
                None,
                gettext_noop(
                    "Duplicate row: %(indicator)s, %(year)s, area %(area)s was already given"
                    " on row %(first)s."
                ),
                indicator=indicator,
                year=year,
                area=area or "-",
                first=first_line[key],
            )
            continue
        first_line[key] = line
        rows.append(ObservationRow(line, indicator, year, value, area, note))
    if problems:
        raise DataError(problems)
    return rows


def _show(value) -> str:
    return "(empty)" if _blank(value) else str(value)


def _year(value) -> int | None:
    if isinstance(value, bool) or _blank(value):
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
    if _blank(value):
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
