"""How much of an uploaded file we agree to read, checked before and while reading it.

An .xlsx is a zip of XML parts: 1.5 KB can declare a sheet of 1,048,576 × 16,384 cells
(`<dimension ref="A1:XFD1048576"/>`, which makes openpyxl's read-only rows 16,384 cells wide),
and 200 KB can unpack to 200 MB (a zip bomb). So before any XML is parsed, `check_xlsx` reads
only the zip's directory and the first bytes of each sheet, and refuses a workbook whose parts
unpack to too much, are compressed suspiciously well, are too many, or whose sheets declare more
rows or columns than allowed. The sizes it checks are the ones Python's zipfile enforces while
unpacking (a part that unpacks beyond its declared size is cut there and fails its CRC check), so
a forged directory cannot get round it. `sheet_rows` then streams a sheet (openpyxl read-only)
and stops at the row limit, whatever the sheet declared; a sheet whose XML breaks off is a
located problem. The CSV reader counts its rows and cells the same way.

Plain Python, no Django: the web passes limits built from settings, the command line the defaults.
"""

import math
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from stihub.engines.problems import DataError, Problem, gettext_noop

MB = 1024 * 1024
# Real sheet XML compresses 5 to 20 times (a 100,000-row observation sheet: 12×); a run of
# zeros, 1,000 times. Small parts (styles) may compress well and are harmless, so the ratio is
# only asked of parts over a megabyte.
RATIO_CHECKED_FROM = MB
HEAD_BYTES = 64 * 1024  # the <dimension> element comes before the sheet's data
MAX_PARTS = 1000  # an .xlsx has about ten parts, plus a few per sheet
MAX_FIELD_CHARS = 10_000  # one CSV cell; the longest text we store (note, source) holds 500


@dataclass(frozen=True)
class Limits:
    """The most an upload may hold: unpacked bytes, compression ratio, rows and columns."""

    max_unzipped_bytes: int = 100 * MB
    max_ratio: int = 100
    max_rows: int = 100_000
    max_columns: int = 50
    max_parts: int = MAX_PARTS
    max_field_chars: int = MAX_FIELD_CHARS


# Observation files: up to 100,000 rows of at most 8 known columns (the rest are refused anyway).
OBSERVATIONS = Limits()
# Index workbooks: units (63 provinces), indicators and aggregates are a few hundred at most.
INDEX = Limits(max_rows=2_000, max_columns=500)

# A sheet's XML broke off or is malformed, or its zip part is corrupt.
BROKEN_SHEET = gettext_noop(
    "The sheet is damaged at this row or further down and cannot be read; open the file in"
    " Excel and save it again."
)
_BROKEN = (
    SyntaxError,  # xml.etree's ParseError
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    EOFError,
    OSError,
    zlib.error,
    zipfile.BadZipFile,
)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d+)?$")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def megabytes(size: int) -> int:
    """A size in whole megabytes, rounded up (so a file just over a limit never shows equal)."""
    return math.ceil(size / MB)


def check_xlsx(source, limits: Limits) -> None:
    """Raise DataError when the workbook is larger than `limits` allow, before parsing any sheet.

    `source` is a path or a seekable binary file object (left at its start). A file that is not
    a zip at all passes: the reader says so in its own words.
    """
    start = source.tell() if hasattr(source, "tell") else None
    try:
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError):
            return
        with archive:
            _check_parts(archive, limits)
            problems = [
                p
                for name, part in _sheet_parts(archive)
                if (p := _check_dimension(archive, name, part, limits)) is not None
            ]
            if problems:
                raise DataError(problems)
    finally:
        if start is not None:
            source.seek(start)


def _check_parts(archive: zipfile.ZipFile, limits: Limits) -> None:
    parts = archive.infolist()
    if len(parts) > limits.max_parts:
        raise DataError(
            [
                Problem(
                    gettext_noop(
                        "The workbook has %(count)s parts; at most %(limit)s are accepted."
                    ),
                    {"count": len(parts), "limit": limits.max_parts},
                )
            ]
        )
    total = sum(part.file_size for part in parts)
    if total > limits.max_unzipped_bytes:
        raise DataError(
            [
                Problem(
                    gettext_noop(
                        "The workbook unpacks to %(size)s MB; at most %(limit)s MB are accepted."
                        " Split the data into several files."
                    ),
                    {
                        "size": megabytes(total),
                        "limit": megabytes(limits.max_unzipped_bytes),
                    },
                )
            ]
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_CHECKED_FROM and ratio > limits.max_ratio:
            raise DataError(
                [
                    Problem(
                        gettext_noop(
                            "The part %(part)s of the workbook is compressed %(ratio)s times,"
                            " more than the %(limit)s times a real workbook can be; the file"
                            " is refused as a possible zip bomb."
                        ),
                        {"part": part.filename, "ratio": int(ratio), "limit": limits.max_ratio},
                    )
                ]
            )


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """[(sheet name, zip part)] in the workbook's order; the part's name stands in for the
    sheet's when the workbook part cannot be read (openpyxl will then say it is damaged)."""
    names = set(archive.namelist())
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (*_BROKEN, ElementTree.ParseError):
        return [(n, n) for n in sorted(names) if n.startswith("xl/worksheets/")]
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    found = []
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_REL), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        part = str(PurePosixPath(part))
        if part in names:
            found.append((sheet.get("name") or part, part))
    return found


def find_damage(source, broken: str = BROKEN_SHEET) -> list[Problem]:
    """Where a workbook that openpyxl could not open is broken: [a problem at the first sheet
    and row whose XML breaks off or is malformed], or [] when every sheet parses (the damage is
    elsewhere). Only asked after a failure, and only of a workbook `check_xlsx` has measured;
    each sheet is streamed, its rows dropped as they are counted."""
    start = source.tell() if hasattr(source, "tell") else None
    try:
        with zipfile.ZipFile(source) as archive:
            for sheet, part in _sheet_parts(archive):
                row = _first_broken_row(archive, part)
                if row is not None:
                    return [Problem(broken, sheet=sheet, row=row)]
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
    finally:
        if start is not None:
            source.seek(start)
    return []


def _first_broken_row(archive: zipfile.ZipFile, part: str) -> int | None:
    last = 0
    try:
        with archive.open(part) as stream:
            for _event, element in ElementTree.iterparse(stream):
                if element.tag == f"{_MAIN}row":
                    number = element.get("r")
                    last = int(number) if number and number.isdigit() else last + 1
                    element.clear()
    except _BROKEN:
        return last + 1
    return None


def _check_dimension(archive, sheet: str, part: str, limits: Limits) -> Problem | None:
    try:
        with archive.open(part) as stream:
            head = stream.read(HEAD_BYTES)
    except _BROKEN:
        return Problem(BROKEN_SHEET, sheet=sheet)
    match = _DIMENSION.search(head)
    if match is None:
        return None  # not declared: the rows are counted while streaming
    ref = match.group(1).decode("ascii", "replace")
    size = _dimension_size(ref)
    if size is None:
        return None  # unreadable: rows and columns are counted while streaming anyway
    rows, columns = size
    if rows > limits.max_rows or columns > limits.max_columns:
        return Problem(
            gettext_noop(
                "The sheet declares the size %(dimension)s (%(rows)s rows, %(columns)s columns);"
                " at most %(max_rows)s rows and %(max_columns)s columns are accepted."
            ),
            {
                "dimension": ref,
                "rows": rows,
                "columns": columns,
                "max_rows": limits.max_rows,
                "max_columns": limits.max_columns,
            },
            sheet=sheet,
        )
    return None


def _dimension_size(ref: str) -> tuple[int, int] | None:
    """(last row, last column) of a range such as A1:XFD1048576; None when unreadable."""
    end = ref.split(":")[-1].strip()
    match = _CELL.match(end)
    if not end or match is None:
        return None
    letters, digits = match.groups()
    return (int(digits) if digits else 0), (column_index(letters) if letters else 0)


def column_index(letters: str) -> int:
    """A column's number from its letters: A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_letters(number: int) -> str:
    """A column's letters from its number: 1 → A, 27 → AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def sheet_rows(worksheet, limits: Limits, broken: str = BROKEN_SHEET):
    """Yield (Excel row number, values) of an openpyxl read-only sheet, streamed, trailing empty
    cells dropped; raise DataError, located, at the first row past the limits or the place where
    the sheet's XML breaks. Reading stops there: the rest of the sheet is never parsed.

    Rows are read at most one column wider than allowed, so a value there is reported; cells
    further right than that are beyond any accepted layout and are not read (reading them would
    let one cell in column XFD make every row 16,384 values wide). The declared dimension is not
    used (some writers declare A1 for a full sheet): rows and columns are what the XML holds.
    `broken`: the message for a sheet whose XML breaks off, located at the first row not read."""
    name = worksheet.title
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()
    number = 0
    rows = worksheet.iter_rows(
        max_row=limits.max_rows + 1, max_col=limits.max_columns + 1, values_only=True
    )
    while True:
        try:
            values = next(rows, None)
        except _BROKEN as exc:
            raise DataError([Problem(broken, sheet=name, row=number + 1)]) from exc
        if values is None:
            return
        number += 1
        if number > limits.max_rows:  # openpyxl yields this row only when the sheet has it
            raise DataError([too_many_rows(limits, sheet=name, row=number)])
        values = _trimmed(values)
        if len(values) > limits.max_columns:
            raise DataError([too_many_columns(limits, sheet=name, row=number, column=len(values))])
        yield number, values


def _trimmed(values) -> tuple:
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return tuple(values[:end])


def too_many_rows(limits: Limits, sheet=None, row=None) -> Problem:
    return Problem(
        gettext_noop(
            "The file has more than %(limit)s rows; at most %(limit)s are accepted. Split the"
            " data into several files."
        ),
        {"limit": limits.max_rows},
        sheet=sheet,
        row=row,
    )


def too_many_columns(limits: Limits, sheet=None, row=None, column: int = 0) -> Problem:
    return Problem(
        gettext_noop(
            "This row has a value in column %(column)s; at most %(limit)s columns are accepted."
        ),
        {"column": column_letters(column) if sheet else column, "limit": limits.max_columns},
        sheet=sheet,
        row=row,
    )


def check_file_size(size: int, limits: Limits) -> None:
    """A text file is read whole-row by row, but never one larger than a workbook may unpack to."""
    if size > limits.max_unzipped_bytes:
        raise DataError(
            [
                Problem(
                    gettext_noop("The file is %(size)s MB; at most %(limit)s MB are accepted."),
                    {"size": megabytes(size), "limit": megabytes(limits.max_unzipped_bytes)},
                )
            ]
        )


def source_size(source) -> int:
    """The size in bytes of a path or a seekable binary file object (left where it was)."""
    if isinstance(source, str | Path):
        return Path(source).stat().st_size
    here = source.tell()
    size = source.seek(0, 2)
    source.seek(here)
    return size
