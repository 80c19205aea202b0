"""Observation downloads (CSV, XLSX, JSON): the columns the importer reads, plus provenance."""

import csv
import io
import json

from django.http import Http404, HttpResponse
from openpyxl import Workbook

COLUMNS = ["indicator", "year", "value", "area", "note", "source", "agency", "sample"]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def observation_rows(queryset):
    for o in queryset.select_related("indicator", "agency").order_by(
        "indicator__code", "area", "year"
    ):
        yield [
            o.indicator.code,
            o.year,
            o.value,
            o.area,
            o.note,
            o.source,
            o.agency.code if o.agency else "",
            o.is_sample,
        ]


def download(queryset, fmt: str, basename: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    rows = list(observation_rows(queryset))
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write(
            "\ufeff"
        )  # Excel opens UTF-8 with its Vietnamese letters intact only with a BOM
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
        body = buffer.getvalue().encode("utf-8")
    elif fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "observations"
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        body = buffer.getvalue()
    else:
        body = json.dumps(
            [dict(zip(COLUMNS, row, strict=True)) for row in rows], ensure_ascii=False
        )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    return response
