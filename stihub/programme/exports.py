"""Action items as CSV and XLSX, formula-safe (`core.spreadsheets`), in the load file's columns."""

from django.http import Http404, HttpResponse
from django.utils import timezone

from stihub.core.spreadsheets import csv_bytes, xlsx_bytes
from stihub.core.uploads import CSV, XLSX

from .choices import Status

COLUMNS = [
    "solution_group",
    "code",
    "title",
    "lead_agency",
    "partner_agencies",
    "outputs",
    "deadline",
    "status",
    "cancel_reason",
]


def item_rows(queryset):
    """One row per item, in the load file's columns; the status as people see it (overdue
    included, which a load file may not state: it follows from the deadline)."""
    today = timezone.localdate()
    for item in queryset.select_related("solution_group", "lead_agency").prefetch_related(
        "partner_agencies"
    ):
        yield [
            item.solution_group.code,
            item.code,
            item.title,
            item.lead_agency.code,
            ";".join(sorted(a.code for a in item.partner_agencies.all())),
            item.outputs,
            item.deadline.isoformat(),
            Status(item.current_status(today)).value,
            item.cancel_reason,
        ]


def export(queryset, fmt: str) -> HttpResponse:
    rows = list(item_rows(queryset))
    if fmt == "csv":
        body, kind = csv_bytes(COLUMNS, rows), CSV
    elif fmt == "xlsx":
        body, kind = xlsx_bytes("action_items", COLUMNS, rows), XLSX
    else:
        raise Http404
    response = HttpResponse(body, content_type=kind.content_type)
    response["Content-Disposition"] = f'attachment; filename="action-items.{fmt}"'
    return response
