"""Lists of past tasks (danh mục nhiệm vụ đã thực hiện) for the duplicate check: read, checked
cell by cell, and written all or nothing.

The file is the national registry's list of S&T tasks or an earlier provincial list, as .csv or
.xlsx with the columns code, title, summary, year, organization (or their Vietnamese labels,
compared without case or accents). Reading reuses the registry import's readers and cell parser
(`engines.observations`, `engines.registry_io`); every problem is located by row and column as
the file names it. Re-importing a list updates its tasks by (source, code).
"""

from pathlib import Path

from django.db import transaction
from django.utils import timezone

from stihub.engines import registry_io
from stihub.engines.observations import blank, csv_records, header_key, xlsx_records
from stihub.engines.problems import DataError, Problem
from stihub.registry.importing import registry_limits

from .models import PastTask

COLUMNS = (
    registry_io.Column("code", "Mã số", "text", required=True, max_length=60),
    registry_io.Column("title", "Tên nhiệm vụ", "text", required=True, max_length=500),
    registry_io.Column("summary", "Tóm tắt", "text", max_length=20_000),
    registry_io.Column("year", "Năm", "year"),
    registry_io.Column("organization", "Tổ chức chủ trì", "text", max_length=300),
)
FIELDS = tuple(c.key for c in COLUMNS)


def read_past_tasks(upload) -> tuple[list[dict], list[Problem]]:
    """The rows of a past-task list ({code, title, summary, year, organization, line}) and
    every problem found (header, cells, a code twice); rows are to be written only if there
    are no problems. `upload` is a checked upload (its name gives the type)."""
    suffix = Path(upload.name).suffix.lower()
    upload.seek(0)
    try:
        if suffix == ".csv":
            sheet, records = None, csv_records(upload, registry_limits())
        elif suffix == ".xlsx":
            sheet, records = xlsx_records(upload, registry_limits())
        else:
            return [], [Problem(registry_io.UNSUPPORTED, {"suffix": suffix or "?"})]
    except DataError as error:
        return [], error.problems
    records = [(n, r) for n, r in records if not all(blank(c) for c in r)]
    if not records:
        return [], [Problem(registry_io.EMPTY, sheet=sheet)]
    problems: list[Problem] = []
    positions = _header(records[0], sheet, problems)
    if problems:
        return [], problems
    if len(records) == 1:
        return [], [Problem(registry_io.NO_ROWS, sheet=sheet)]
    by_key = {c.key: c for c in COLUMNS}
    rows, first = [], {}
    for line, record in records[1:]:
        row = {"line": line}
        for key, (i, written) in positions.items():
            cell = record[i] if i < len(record) else None
            try:
                row[key] = registry_io.parse_cell(by_key[key], cell)
            except registry_io.CellError as error:
                problems.append(Problem(error.template, error.params, sheet, line, written))
        code = row.get("code")
        if code:
            if code in first:
                params = {"value": code, "first": first[code]}
                written = positions["code"][1]
                problems.append(Problem(registry_io.REPEATED, params, sheet, line, written))
            else:
                first[code] = line
        rows.append(row)
    return rows, problems


def _header(record, sheet, problems) -> dict[str, tuple[int, str]]:
    """{column key: (position, name as written)}; unknown, repeated or missing columns are
    problems of the header row."""
    line, cells = record
    names = {header_key(c.key): c.key for c in COLUMNS} | {
        header_key(c.label): c.key for c in COLUMNS
    }
    found: dict[str, tuple[int, str]] = {}
    for i, cell in enumerate(cells):
        written = "" if cell is None else str(cell).strip()
        if not written:
            continue
        key = names.get(header_key(written))
        if key is None:
            allowed = ", ".join(f"{c.key} ({c.label})" for c in COLUMNS)
            params = {"name": written, "allowed": allowed}
            problems.append(Problem(registry_io.UNKNOWN_COLUMN, params, sheet, line, written))
        elif key in found:
            problems.append(Problem(registry_io.TWICE, {"name": written}, sheet, line, written))
        else:
            found[key] = (i, written)
    for c in COLUMNS:
        if c.required and c.key not in found:
            params = {"name": f"{c.key} ({c.label})"}
            problems.append(Problem(registry_io.MISSING, params, sheet, line))
    return found


@transaction.atomic
def save_past_tasks(source: str, rows: list[dict]) -> dict:
    """Write checked rows of one `source`: new codes created, known ones updated where a value
    changed (only the columns the file has). Counts {created, updated, unchanged}."""
    # The whole source is read once: a list of 50,000 codes is too long for one `IN (...)`.
    have = {p.code: p for p in PastTask.objects.filter(source=source)}
    new, changed, counts = [], [], {"created": 0, "updated": 0, "unchanged": 0}
    now = timezone.now()
    for row in rows:
        values = {k: row[k] for k in FIELDS if k in row and k != "code"}
        old = have.get(row["code"])
        if old is None:
            new.append(PastTask(source=source, code=row["code"], **values))
        elif any(getattr(old, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(old, k, v)
            old.updated_at = now  # bulk_update skips auto_now; the duplicate index reads it
            changed.append(old)
        else:
            counts["unchanged"] += 1
    PastTask.objects.bulk_create(new, batch_size=1000)
    PastTask.objects.bulk_update(changed, [*FIELDS[1:], "updated_at"], batch_size=1000)
    counts["created"], counts["updated"] = len(new), len(changed)
    return counts
