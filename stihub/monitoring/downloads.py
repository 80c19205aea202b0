"""Observation downloads (CSV, XLSX, JSON): the columns the importer reads, plus provenance.

A download imports back as it is. No text cell can act as a spreadsheet formula (OWASP CSV
injection): in CSV a text starting with =, +, -, @, tab or carriage return gets a leading quote
(which the importer removes again); in XLSX every text is written as a string cell, never a
formula. Numbers stay numbers. JSON, like the API, gives the text as it is.
"""

import csv
import io
import json

from django.http import Http404, HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from stihub.engines.observations import FORMULA_STARTS, number_text

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


def _csv_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, float):
        return number_text(value)  # never 1.125, which the importer would find ambiguous
    return value


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "observations"
    sheet.append(COLUMNS)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)  # XML cannot hold them
            cell = sheet.cell(r, c, value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would write a text starting with = as a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(queryset, fmt: str, basename: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    rows = list(observation_rows(queryset))
    if fmt == "csv":
        buffer = io.StringIO()
        # Excel opens UTF-8 with its Vietnamese letters intact only with a BOM
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        writer.writerows([_csv_cell(value) for value in row] for row in rows)
        body = buffer.getvalue().encode("utf-8")
    elif fmt == "xlsx":
        body = _xlsx(rows)
    else:
        body = json.dumps(
            [dict(zip(COLUMNS, row, strict=True)) for row in rows], ensure_ascii=False
        )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    return response
