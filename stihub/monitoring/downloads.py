"""Observation downloads (CSV, XLSX, JSON): the columns the importer reads, plus provenance.

A download imports back as it is; CSV and XLSX are formula-safe (`core.spreadsheets`). JSON,
like the API, gives the text as it is.
"""

import json

from django.http import Http404, HttpResponse

from stihub.core.spreadsheets import csv_bytes, xlsx_bytes

COLUMNS = ["indicator", "year", "value", "area", "note", "source", "agency", "sample", "period"]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def observation_rows(queryset):
    for o in queryset.select_related("indicator", "agency").order_by(
        "indicator__code", "area", "year", "period"
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
            o.period,
        ]


def download(queryset, fmt: str, basename: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    rows = list(observation_rows(queryset))
    if fmt == "csv":
        body = csv_bytes(COLUMNS, rows)
    elif fmt == "xlsx":
        body = xlsx_bytes("observations", COLUMNS, rows)
    else:
        body = json.dumps(
            [dict(zip(COLUMNS, row, strict=True)) for row in rows], ensure_ascii=False
        )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    return response
