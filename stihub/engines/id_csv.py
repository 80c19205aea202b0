"""Rows of a CSV file of records keyed by an `id` column (EXPERTS.csv, NEEDS.csv, OFFERS.csv):
the header checked for the columns wanted, blank lines skipped, empty and repeated ids found.
Each problem is located by line and column and collected, never raised one by one."""

import csv
from collections.abc import Iterator

from stihub.engines.problems import Problem, gettext_noop

MISSING_COLUMNS = gettext_noop("Missing columns: %(columns)s.")
EMPTY_ID = gettext_noop("The row has no id.")
DUPLICATE_ID = gettext_noop("The id %(value)s is already on row %(first)s.")


def split(text) -> tuple:
    """A `;`-separated list cell as its parts, trimmed, the empty ones left out."""
    return tuple(p.strip() for p in str(text or "").split(";") if p.strip())


def id_rows(lines, columns, problems: list) -> Iterator[tuple[int, dict]]:
    """(line number, {column: trimmed text}) of each non-blank row; headers compared without
    case; problems of the header, of empty ids and of ids seen before appended to `problems`.
    Extra columns are read past."""
    reader = csv.DictReader(lines)
    headers = {(h or "").strip().lower(): h for h in reader.fieldnames or ()}
    missing = [c for c in columns if c not in headers]
    if missing:
        problems.append(Problem(MISSING_COLUMNS, {"columns": ", ".join(missing)}, row=1))
        return
    seen: dict = {}
    for line, row in enumerate(reader, start=2):
        cell = {c: (row.get(headers[c]) or "").strip() for c in columns}
        if not any(cell.values()):
            continue  # a blank line
        if not cell["id"]:
            problems.append(Problem(EMPTY_ID, row=line, column="id"))
        elif cell["id"] in seen:
            params = {"value": cell["id"], "first": seen[cell["id"]]}
            problems.append(Problem(DUPLICATE_ID, params, row=line, column="id"))
        seen.setdefault(cell["id"], line)
        yield line, cell
