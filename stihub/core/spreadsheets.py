"""Tables written as CSV or XLSX for download, the same way by every app.

No text cell can act as a spreadsheet formula (OWASP CSV injection): in CSV a text starting
with =, +, -, @, tab or carriage return gets a leading quote (which the observation importer
removes again); in XLSX every text is written as a string cell, never a formula. Numbers stay
numbers; a float is written so that the importer reads it back unambiguously.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from stihub.engines.observations import FORMULA_STARTS, number_text


def csv_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, float):
        return number_text(value)  # never 1.125, which the importer would find ambiguous
    return value


def csv_bytes(columns, rows) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel keeps the Vietnamese letters of UTF-8 only with a BOM
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(title: str, columns, rows) -> bytes:
    return xlsx_book([(title, columns, rows)])


def xlsx_book(sheets) -> bytes:
    """A workbook of several tables: [(sheet title, columns, rows)], a sheet each, the header
    row bold and frozen."""
    book = Workbook()
    book.remove(book.active)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
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
