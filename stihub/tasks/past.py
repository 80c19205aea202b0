"""Lists of past tasks (danh mục nhiệm vụ đã thực hiện) for the duplicate check: read, checked
cell by cell, and written all or nothing.

The file is the national registry's list of S&T tasks or an earlier provincial list, as .csv or
.xlsx with the columns code, title, summary, year, organization (or their Vietnamese labels,
compared without case or accents). Reading reuses the registry import's readers and cell parser
(`engines.observations`, `engines.registry_io`); every problem is located by row and column as
the file names it. Re-importing a list updates its tasks by (source, code).
"""

from django.db import transaction
from django.utils import timezone

from stihub.engines import registry_io
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
    upload.seek(0)
    try:
        sheet, records = registry_io.records_of(upload, upload.name, registry_limits())
        rows = registry_io.parse_table(COLUMNS, records, sheet, natural="code")
    except DataError as error:
        return [], error.problems
    return [{**row.values, "line": row.line} for row in rows], []


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
