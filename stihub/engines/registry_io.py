"""The import contract of the STI resources registries (`stihub import_registry`), plain Python.

For each kind (experts, organizations, enterprises, ip and, as an extension, infrastructure) the
columns: a key (the contract, never renamed) and the Vietnamese label of the downloadable
template; a file may name a column either way, compared without case or accents. Extension
columns (marked `extra`) follow the contract's. Every cell is parsed here: dates dd/mm/yyyy or
ISO, yes/no (có/không), lists separated by `;`, codes or their Vietnamese words
(`registry_contract`), tax codes and ORCID iDs (`identifiers`), and the
codes of fields of science, VSIC 2018 and communes against the sets the caller passes (None: not
checked). Every problem of the file is collected, located by row and the column as the file
names it, and raised together as one DataError; nothing is looked up in a database here.

The files are read by `observations`' readers (CSV with `,` or `;`, UTF-8 with or without BOM;
the first sheet of an .xlsx), within `limits`.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from stihub.engines import identifiers
from stihub.engines import limits as size
from stihub.engines import vocabulary as v
from stihub.engines.observations import blank, csv_records, header_key, text_of, xlsx_records
from stihub.engines.problems import DataError, Problem, gettext_noop
from stihub.engines.registry_contract import (  # noqa: F401 (the contract, re-exported)
    CONTRACT,
    KINDS,
    NATURAL_KEY,
    WORDS,
    Column,
    accepted_words,
    columns,
    keys,
)
from stihub.engines.text import fold

REGISTRY_LIMITS = size.Limits(max_rows=100_000, max_columns=50)

REQUIRED = gettext_noop("This cell is required.")
BAD_DATE = gettext_noop("%(value)s is not a date: write dd/mm/yyyy or yyyy-mm-dd.")
BAD_INT = gettext_noop("%(value)s is not a whole number of at least %(low)s.")
BAD_YEAR = gettext_noop("%(value)s is not a year between %(low)s and %(high)s.")
BAD_NUMBER = gettext_noop("%(value)s is not a number of at least 0.")
BAD_WORD = gettext_noop("%(value)s is not one of the accepted values: %(allowed)s.")
BAD_YES_NO = gettext_noop("%(value)s is not yes or no (có or không).")
UNKNOWN_FIELD = gettext_noop("%(value)s is not a code of the fields of science (e.g. 2.2).")
UNKNOWN_VSIC = gettext_noop("%(value)s is not a code of VSIC 2018.")
UNKNOWN_COMMUNE = gettext_noop("%(value)s is not the official code of a commune or ward.")
BAD_EMAIL = gettext_noop("%(value)s is not an e-mail address.")
BAD_SLUG = gettext_noop("%(value)s is not a code: use letters without marks, digits, - and _.")
TOO_LONG = gettext_noop("The text is longer than %(limit)s characters.")
REPEATED = gettext_noop("%(value)s is also on row %(first)s: each may appear only once in a file.")
UNKNOWN_COLUMN = gettext_noop("Unknown column %(name)s; the columns are %(allowed)s.")
TWICE = gettext_noop("Column %(name)s appears twice.")
MISSING = gettext_noop("Required column %(name)s is missing.")
NO_NAME = gettext_noop("Column %(position)s has no name.")
EMPTY = gettext_noop("The file is empty: it needs a header and data rows.")
NO_ROWS = gettext_noop("The file has a header but no data rows.")
UNSUPPORTED = gettext_noop("Unsupported file type %(suffix)s; use .csv or .xlsx.")
BEFORE_FILED = gettext_noop("The date is before the filing date %(filed)s.")
NEEDS_GRANT = gettext_noop("A granted object needs its grant date.")
NEEDS_YEAR = gettext_noop("Give the survey year of the innovation and R&D figures.")
ONE_OWNER = gettext_noop(
    "Give the owner: an organization code or an enterprise tax code, not both."
)

YEAR_LOW, YEAR_HIGH = 1900, 2100


class CellError(ValueError):
    """A cell could not be read; `template` and `params` say why, translatably."""

    def __init__(self, template: str, **params):
        self.template, self.params = template, params
        super().__init__(template % params if params else template)


@dataclass(frozen=True)
class Known:
    """The codes a file may use; None: not checked (the caller has none loaded)."""

    fields: frozenset | None = None
    vsic: frozenset | None = None  # sections' divisions: a code's first two digits
    communes: frozenset | None = None  # official codes, as text


NOTHING = Known()


@dataclass
class Row:
    """A data row, parsed: `values` holds the columns the file has (absent ones are left as
    they are on update), `line` the row number, `headers` each key as the file writes it."""

    line: int
    values: dict
    sheet: str | None = None
    headers: dict = field(default_factory=dict, repr=False)

    def header(self, key: str) -> str:
        return self.headers.get(key, key)

    def problem(self, key, template, **params) -> Problem:
        return Problem(template, params, sheet=self.sheet, row=self.line, column=self.header(key))


def read(
    kind: str,
    source,
    filename=None,
    *,
    known: Known = NOTHING,
    limits=REGISTRY_LIMITS,
    collect: bool = False,
):
    """The rows of a registry file of `kind` (a path or binary file object; `filename` gives
    the type), every cell checked; DataError lists every problem of the file. With `collect`,
    (rows, problems) of the data rows instead, so that the caller adds its own (references)
    before raising them all; a bad header or an unreadable file still raises at once."""
    sheet, records = records_of(source, filename, limits)
    return parse_records(kind, records, sheet, known, collect)


def records_of(source, filename=None, limits=REGISTRY_LIMITS):
    """(sheet name or None, [(row number, cells)]) of a .csv or .xlsx file (a path or binary
    file object; `filename` gives the type); DataError if it cannot be read."""
    name = filename or (
        str(source) if isinstance(source, str | Path) else getattr(source, "name", "")
    )
    suffix = Path(str(name)).suffix.lower()
    if suffix == ".csv":
        return None, csv_records(source, limits)
    if suffix == ".xlsx":
        return xlsx_records(source, limits)
    raise DataError([Problem(UNSUPPORTED, {"suffix": suffix or "?"})])


def parse_records(kind: str, records, sheet=None, known: Known = NOTHING, collect=False):
    """Rows of a registry from [(row number, cells)], the first non-blank being the header."""
    return parse_table(
        CONTRACT[kind],
        records,
        sheet,
        natural=NATURAL_KEY.get(kind),
        known=known,
        collect=collect,
        checks=lambda row: _row_checks(kind, row),
    )


def parse_table(
    contract, records, sheet=None, *, natural=None, known=NOTHING, collect=False, checks=None
):
    """Rows from [(row number, cells)] by the columns of `contract`, the first non-blank record
    being the header; a `natural` key's value may not repeat; `checks(row)` adds a row's own
    problems. DataError lists every problem (with `collect`: (rows, problems) instead)."""
    problems: list[Problem] = []
    records = [(n, r) for n, r in records if not all(blank(c) for c in r)]
    if not records:
        raise DataError([Problem(EMPTY, sheet=sheet)])
    positions = header_positions(contract, records[0], sheet, problems)
    if problems:
        raise DataError(problems)
    if len(records) == 1:
        raise DataError([Problem(NO_ROWS, sheet=sheet)])
    by_key = {c.key: c for c in contract}
    headers = {key: written for key, (_i, written) in positions.items()}
    first: dict = {}
    rows = []
    for line, record in records[1:]:
        row = Row(line, {}, sheet, headers)
        for key, (i, _written) in positions.items():
            cell = record[i] if i < len(record) else None
            try:
                row.values[key] = parse_cell(by_key[key], cell, known)
            except CellError as error:
                problems.append(row.problem(key, error.template, **error.params))
        if checks is not None:
            problems += checks(row)
        value = row.values.get(natural) if natural else None
        if value:
            if value in first:
                problems.append(row.problem(natural, REPEATED, value=value, first=first[value]))
            else:
                first[value] = line
        rows.append(row)
    if collect:
        return rows, problems
    if problems:
        raise DataError(problems)
    return rows


def header_positions(
    contract, header_record, sheet, problems, required=None
) -> dict[str, tuple[int, str]]:
    """{key: (position, header as written)} of a header row whose cells name the columns of
    `contract` by key or label (marks and case aside); unknown, repeated and missing columns
    (`required` keys, else the columns marked required) appended to `problems`."""
    line, cells = header_record
    names = {}
    for c in contract:
        names[header_key(c.key)] = c.key
        names[header_key(c.label)] = c.key
    found: dict[str, tuple[int, str]] = {}
    for i, cell in enumerate(cells):
        written = "" if cell is None else str(cell).strip()
        if not written:
            continue
        key = names.get(header_key(written))
        if key is None:
            allowed = ", ".join(f"{c.key} ({c.label})" for c in contract)
            problems.append(
                Problem(UNKNOWN_COLUMN, {"name": written, "allowed": allowed}, sheet, line, written)
            )
        elif key in found:
            problems.append(Problem(TWICE, {"name": written}, sheet, line, written))
        else:
            found[key] = (i, written)
    needed = [c.key for c in contract if c.required] if required is None else list(required)
    labels = {c.key: c.label for c in contract}
    for key in needed:
        if key not in found:
            problems.append(Problem(MISSING, {"name": f"{key} ({labels[key]})"}, sheet, line))
    return found


def _row_checks(kind: str, row: Row) -> list[Problem]:
    """Checks across the cells of a row (only on cells that were read)."""
    values, found = row.values, []
    if kind == "ip":
        filed = values.get("filed_on")
        for key in ("accepted_on", "published_on", "granted_on", "refused_on", "expired_on"):
            if filed and values.get(key) and values[key] < filed:
                found.append(row.problem(key, BEFORE_FILED, filed=filed.strftime("%d/%m/%Y")))
        granted = values.get("status") == v.IPStatus.GRANTED
        if granted and "granted_on" in values and values["granted_on"] is None:
            found.append(row.problem("granted_on", NEEDS_GRANT))
    survey = "survey_year" if kind == "enterprises" else "year"
    figures = [values.get(k) for k in ("innovation", "rd")] + [values.get("rd_fte") is not None]
    if kind in ("enterprises", "organizations") and any(figures) and not values.get(survey):
        found.append(row.problem(survey, NEEDS_YEAR))
    return found


def parse_cell(column: Column, cell, known: Known = NOTHING):
    """The value of one cell, or CellError. Empty: None for numbers, dates, choices; "" for
    texts; [] for lists; False for yes/no."""
    kind = column.kind
    if isinstance(cell, dt.datetime | dt.date) and kind == "date":
        return cell.date() if isinstance(cell, dt.datetime) else cell
    text = text_of(cell)
    if kind == "tax_code" and isinstance(cell, int | float) and len(text) == 9:
        text = "0" + text  # Excel drops the leading zero of a tax code typed as a number
    if not text:
        if column.required:
            raise CellError(REQUIRED)
        return _EMPTY.get(kind, "")
    parser = _PARSERS.get(kind)
    value = parser(text, column, known) if parser else text
    if isinstance(value, str) and len(value) > column.max_length:
        raise CellError(TOO_LONG, limit=column.max_length)
    return value


_EMPTY = {
    "int": None,
    "year": None,
    "number": None,
    "date": None,
    "choice": "",
    "bool": False,
    "choices": [],
    "fields": [],
    "list": [],
    "commune": None,
}


def _int(text, column, known):
    try:
        number = float(text.replace(" ", ""))
    except ValueError:
        raise CellError(BAD_INT, value=text, low=0) from None
    if not number.is_integer() or number < 0:
        raise CellError(BAD_INT, value=text, low=0)
    return int(number)


def _year(text, column, known):
    try:
        year = _int(text, column, known)
    except CellError:
        year = None
    if year is None or not YEAR_LOW <= year <= YEAR_HIGH:
        raise CellError(BAD_YEAR, value=text, low=YEAR_LOW, high=YEAR_HIGH)
    return year


def _number(text, column, known):
    cleaned = text.replace(" ", "")
    if re.fullmatch(r"\d+,\d+", cleaned):
        cleaned = cleaned.replace(",", ".")  # Vietnamese decimal comma: 2,5
    try:
        number = float(cleaned)
    except ValueError:
        raise CellError(BAD_NUMBER, value=text) from None
    if number < 0 or number != number:
        raise CellError(BAD_NUMBER, value=text)
    return number


_DATE_FORMS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")


def _date(text, column, known):
    for form in _DATE_FORMS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise CellError(BAD_DATE, value=text)


def _bool(text, column, known):
    word = fold(text)
    if word in v.YES:
        return True
    if word in v.NO:
        return False
    raise CellError(BAD_YES_NO, value=text)


def code_of(vocabulary, text: str) -> str | None:
    """The code `text` names: a code (any case, marks ignored) or a Vietnamese word."""
    word = fold(text)
    for member in vocabulary:
        if fold(member.value) == word:
            return member.value
    aliases = v.ALIASES.get(vocabulary, {})
    code = aliases.get(word)
    return code.value if code is not None else None


def _choice(text, column, known):
    code = code_of(column.vocabulary, text)
    if code is None:
        raise CellError(BAD_WORD, value=text, allowed=accepted_words(column))
    return code


def _split(text) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _choices(text, column, known):
    codes = []
    for part in _split(text):
        code = _choice(part, column, known)
        if code not in codes:
            codes.append(code)
    return codes


def _fields(text, column, known):
    codes = []
    for part in _split(text):
        if known.fields is not None and part not in known.fields:
            raise CellError(UNKNOWN_FIELD, value=part)
        if part not in codes:
            codes.append(part)
    return codes


def _list(text, column, known):
    return _split(text)


def _vsic(text, column, known):
    try:
        code = identifiers.vsic(text)
    except identifiers.IdentifierError as error:
        raise CellError(error.template, **error.params) from None
    if known.vsic is not None and code[:2] not in known.vsic:
        raise CellError(UNKNOWN_VSIC, value=code)
    return code


def _commune(text, column, known):
    if not text.isdigit() or (known.communes is not None and str(int(text)) not in known.communes):
        raise CellError(UNKNOWN_COMMUNE, value=text)
    return int(text)


def _identifier(check):
    def parse(text, column, known):
        try:
            return check(text)
        except identifiers.IdentifierError as error:
            raise CellError(error.template, **error.params) from None

    return parse


def _email(text, column, known):
    if not re.fullmatch(r"[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+", text):
        raise CellError(BAD_EMAIL, value=text)
    return text


def _slug(text, column, known):
    if not re.fullmatch(r"[-a-zA-Z0-9_]+", text):
        raise CellError(BAD_SLUG, value=text)
    return text


_PARSERS = {
    "int": _int,
    "year": _year,
    "number": _number,
    "date": _date,
    "bool": _bool,
    "choice": _choice,
    "choices": _choices,
    "fields": _fields,
    "list": _list,
    "vsic": _vsic,
    "commune": _commune,
    "tax_code": _identifier(identifiers.tax_code),
    "orcid": _identifier(identifiers.orcid),
    "email": _email,
    "slug": _slug,
}


def cell_text(column: Column, value) -> object:
    """A stored value as a cell that `parse_cell` reads back to it (for exports)."""
    if value is None or value == "":
        return ""
    if column.kind == "bool":
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ";".join(str(x) for x in value)
    return value
