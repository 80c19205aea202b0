"""Workbooks built by hand with zipfile, to test what a reader does before and while parsing:
a small file declaring a huge sheet, a zip bomb, a sheet cut short."""

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def workbook_xml(sheet: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}">'
        f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def sheet_xml(rows: list[list], dimension: str | None = None, extra: str = "") -> str:
    """A worksheet with inline-string and number cells; `extra` is appended to sheetData."""
    body = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(ord('A') + c)}{r}"
            if value is None:
                continue
            if isinstance(value, str):
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}'
        f"<sheetData>{''.join(body)}{extra}</sheetData></worksheet>"
    )


def handmade_xlsx(sheet: str, content, target=None):
    """A one-sheet workbook; `content` is the sheet's XML (text) or a function that writes it
    into a writable stream (for parts too large to hold). Written to `target` (a path) or
    returned as bytes."""
    out = target or io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook_xml(sheet))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if callable(content):
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
                content(part)
        else:
            archive.writestr("xl/worksheets/sheet1.xml", content)
    return target if target else out.getvalue()


def whole_sheet_declared(sheet: str = "Số liệu") -> bytes:
    """About 1.5 KB declaring A1:XFD1048576, with a value in that last cell (read naively, a
    million rows of 16,384 cells)."""
    last = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    rows = [["indicator", "year", "value"], ["PII_RANK", 2024, 37]]
    return handmade_xlsx(sheet, sheet_xml(rows, "A1:XFD1048576", extra=last))


def zip_bomb(path, megabytes: int = 200, sheet: str = "Số liệu"):
    """A workbook whose sheet unpacks to `megabytes` MB, almost all zeros in one cell's value
    (well-formed XML: a naive reader would hold it all), about 1/1000 of it packed; written a
    megabyte at a time."""
    chunk = b"0" * 1_000_000
    head, tail = sheet_xml([[0]]).encode().split(b"<v>0</v>")

    def zeros(part):
        part.write(head + b"<v>")
        for _ in range(megabytes):
            part.write(chunk)
        part.write(b"</v>" + tail)

    return handmade_xlsx(sheet, zeros, path)


def cut_short(
    workbook: bytes, part: str = "xl/worksheets/sheet1.xml", before: bytes = b""
) -> bytes:
    """The workbook with `part` cut off just inside the element that starts with `before`
    (or halfway when `before` is empty): a valid zip holding XML that breaks off."""
    source, out = io.BytesIO(workbook), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            content = old.read(name)
            if name == part:
                at = content.index(before) + len(before) + 3 if before else len(content) // 2
                content = content[:at]
            new.writestr(name, content)
    return out.getvalue()
