"""(Re)creates the bundled report templates nd30.docx and dang36.docx with python-docx.

The .docx files are what reports are rendered from (docxtpl) and what an administrator may open
and edit in Word; this script only makes the first versions reproducible. nd30.docx lays out an
administrative report of a state body as Nghị định 30/2020/NĐ-CP, Phụ lục I, prescribes:
A4, margins 20/20/30/15 mm, Times New Roman everywhere, the header block (issuing body, national
title and motto, number, place and date), document type and title, body 14 pt justified with a
first-line indent, the signature block and "Nơi nhận". dang36.docx is a report of a Party body
as Hướng dẫn 36-HD/VPTW (2018) lays it out: the same page, fonts and sections under the Party
header ("ĐẢNG CỘNG SẢN VIỆT NAM") and over the Party signature block. Jinja tags carry the data
only; the charts are images docxtpl inserts where `{{ c.image }}` stands.

    python stihub/reports/templates/docx/build_templates.py
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"
TEXT_WIDTH = Mm(210 - 30 - 15)
BODY, HEADING, TABLE = "Body Text", "Report Heading", "Table Text"
CENTRE = WD_ALIGN_PARAGRAPH.CENTER

# The summary table: column heading, cell (Jinja), width in cm; widths sum to the text width.
TARGET_COLUMNS = [
    ("STT/Mã", "{{ loop.index }}. {{ t.code }}", 1.6),
    ("Chỉ tiêu", "{{ t.title }}{% if t.unit %} ({{ t.unit }}){% endif %}", 4.5),
    ("Giá trị cơ sở", "{{ t.baseline }}", 2.0),
    (
        "Giá trị mới nhất (năm)",
        "{{ t.latest }}{% if t.latest != '–' %} ({{ t.latest_year }}){% endif %}",
        2.2,
    ),
    ("Mục tiêu", "{{ t.target }}", 2.0),
    ("Tình trạng", "{{ t.status }}", 2.2),
    ("Dự báo năm mục tiêu", "{{ t.projected }}", 2.0),
]
PROGRAMME_COLUMNS = (
    5  # content.PROGRAMME_COLUMNS: done, in progress, overdue, not started, cancelled
)
ANNEX_COLUMNS = [
    ("Chỉ tiêu", "{{ a.target }}", 1.6),
    ("Mã số liệu", "{{ a.indicator }}", 2.0),
    ("Năm", "{{ a.year }}", 1.3),
    ("Kỳ", "{{ a.period }}", 1.4),
    ("Giá trị", "{{ a.value_text }}", 2.0),
    ("Đơn vị tính", "{{ a.unit }}", 2.0),
    ("Nguồn", "{{ a.source }}{% if a.sample %} (số liệu mẫu){% endif %}", 3.6),
    ("Cơ quan", "{{ a.agency }}", 2.6),
]


def set_fonts(rpr) -> None:
    """Times New Roman for every script (ascii, hAnsi, east Asian, complex) in run properties
    (of a run, a style or the document defaults); theme fonts are dropped, since they would
    win over the names."""
    fonts = rpr.get_or_add_rFonts()
    for name in list(fonts.attrib):
        if name.lower().endswith("theme"):
            del fonts.attrib[name]
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)


def set_size(rpr, points: float) -> None:
    """The size for both simple and complex scripts (w:sz and w:szCs)."""
    rpr.get_or_add_sz().val = Pt(points)
    complex_size = rpr.find(qn("w:szCs"))
    if complex_size is None:
        complex_size = OxmlElement("w:szCs")
        rpr.sz.addnext(complex_size)
    complex_size.set(qn("w:val"), str(int(points * 2)))


def set_run(rpr, points: float) -> None:
    set_fonts(rpr)
    set_size(rpr, points)


def styles(doc) -> None:
    """Document defaults, Normal and the three styles the template uses, all in Times New Roman."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_run(rpr_default, 14)
    rpr_default.find(qn("w:lang")).set(qn("w:val"), "vi-VN")
    for rpr in doc.styles.element.iter(qn("w:rPr")):  # every style, table parts included
        set_fonts(rpr)

    normal = doc.styles["Normal"]
    set_run(normal.element.get_or_add_rPr(), 14)
    normal.paragraph_format.space_after = Pt(0)

    body = doc.styles[BODY]
    set_run(body.element.get_or_add_rPr(), 14)
    fmt = body.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.27)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
    fmt.line_spacing = 1.15

    heading = doc.styles.add_style(HEADING, WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = body
    heading.next_paragraph_style = body
    heading.font.bold = True
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.space_before = Pt(6)
    set_run(heading.element.get_or_add_rPr(), 14)

    table = doc.styles.add_style(TABLE, WD_STYLE_TYPE.PARAGRAPH)
    table.base_style = normal
    set_run(table.element.get_or_add_rPr(), 12)
    table.paragraph_format.space_before = Pt(2)
    table.paragraph_format.space_after = Pt(2)
    table.paragraph_format.first_line_indent = Cm(0)
    for name in ("Table Grid", "Header"):
        set_fonts(doc.styles[name].element.get_or_add_rPr())


def text(paragraph, value: str, size: float, bold=False, italic=False, caps=False):
    """A run with its font, size and emphasis written on it (so Word and LibreOffice agree)."""
    run = paragraph.add_run(value)
    set_run(run._r.get_or_add_rPr(), size)
    run.font.bold = bold or None
    run.font.italic = italic or None
    run.font.all_caps = caps or None
    return run


def para(container, value="", size=14, style=BODY, align=None, **emphasis):
    p = container.add_paragraph(style=style)
    if align is not None:
        p.alignment = align
        p.paragraph_format.first_line_indent = Cm(0)
    if value:
        text(p, value, size, **emphasis)
    return p


def centred(container, value="", size=13, **emphasis):
    return para(container, value, size, style="Normal", align=CENTRE, **emphasis)


def rule(container, indent_cm: float) -> None:
    """The short line under the issuing body and the motto: an empty paragraph's lower border,
    narrowed by equal indents."""
    p = centred(container)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Cm(indent_cm)
    p.paragraph_format.line_spacing = Pt(2)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(
        border, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr"
    )


def borderless(table) -> None:
    """No borders and narrow cell margins: the header and signature blocks are laid out with a
    table, but read as text."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "28")  # twips: 0.05 cm
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption")


def table(doc, widths_cm, rows, grid=True):
    """A table of fixed column widths (grid and cells); each cell keeps the empty paragraph
    Word requires, in the table text style."""
    t = doc.add_table(rows=rows, cols=len(widths_cm))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    if grid:
        t.style = doc.styles["Table Grid"]
    else:
        borderless(t)
    for column, width in zip(t.columns, widths_cm, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice follows
    for row in t.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):  # the cells, which Word does
            cell.width = Cm(width)
            cell.paragraphs[0].style = doc.styles[TABLE]
    return t


def cell_text(cell, value, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, **emphasis):
    p = cell.paragraphs[0]
    p.alignment = align
    text(p, value, size, **emphasis)


def loop_table(doc, columns, loop: str):
    """A bordered table: heading row, then `{%tr for ... %}` / the data row / `{%tr endfor %}`."""
    widths = [w for _h, _c, w in columns]
    t = table(doc, widths, 4)
    for cell, (heading, _c, _w) in zip(t.rows[0].cells, columns, strict=True):
        cell_text(cell, heading, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    repeat_header(t.rows[0])
    cell_text(t.rows[1].cells[0], "{%tr " + loop + " %}")
    for cell, (_h, value, _w) in zip(t.rows[2].cells, columns, strict=True):
        cell_text(cell, value)
    cell_text(t.rows[3].cells[0], "{%tr endfor %}")
    return t


def repeat_header(row) -> None:
    """The heading row repeats at the top of every page the table runs over."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def page_number_header(section) -> None:
    """Page numbers at the top centre from page 2 (NĐ 30: the first page carries none)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, value in (("begin", None), (None, "PAGE"), ("end", None)):
        run = text(p, "", 13)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {value} "
            run._r.append(instr)


def header_block(doc) -> None:
    t = table(doc, [7.3, 9.2], 2, grid=False)
    left, right = t.rows[0].cells
    centred(left, "{{ issuing_body_parent }}", 13, caps=True)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    centred(left, "{{ issuing_body }}", 13, bold=True, caps=True)
    rule(left, 2.0)
    centred(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True, caps=True)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    centred(right, "Độc lập - Tự do - Hạnh phúc", 13, bold=True)
    rule(right, 2.3)
    number, date = t.rows[1].cells
    for cell in (number, date):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)
    text(number.paragraphs[0], "Số: {{ number }}", 13)
    text(date.paragraphs[0], "{{ date_text }}", 14, italic=True)


def signature_block(doc) -> None:
    t = table(doc, [8.0, 8.5], 1, grid=False)
    left, right = t.rows[0].cells
    p = left.paragraphs[0]
    p.paragraph_format.space_before = Pt(12)
    text(p, "Nơi nhận:", 12, bold=True, italic=True)
    for line in ("- Như trên;", "- Lưu: VT."):
        q = left.add_paragraph(style=TABLE)
        q.paragraph_format.space_before = q.paragraph_format.space_after = Pt(0)
        text(q, line, 11)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(12)
    text(p, "{{ signer_title }}", 14, bold=True, caps=True)
    for _ in range(4):  # room for the signature and the seal
        centred(right, "", 14)
    centred(right, "{{ signer_name }}", 14, bold=True)


def charts(doc) -> None:
    """A chart per target with data: its title, then the image (`{{ c.image }}` is a docxtpl
    InlineImage, made at render time from the SVG of the target's web page)."""
    para(doc, "3. Biểu đồ diễn biến các chỉ tiêu", style=HEADING, bold=True)
    para(doc, "{%p if charts %}")
    para(
        doc,
        "Biểu đồ của {{ charts|length }} chỉ tiêu có số liệu, như trên trang chỉ tiêu của STI Hub:"
        " đường xanh dương là số liệu đã duyệt, đường ngang xanh lá là giá trị mục tiêu, đường"
        " gạch màu tím là dự báo đến năm mục tiêu.",
    )
    para(doc, "{%p for c in charts %}")
    caption = centred(
        doc,
        "Biểu đồ {{ loop.index }}. {{ c.code }}. {{ c.title }}{% if c.unit %} "
        "({{ c.unit }}){% endif %}",
        13,
        bold=True,
    )
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.keep_with_next = True
    centred(doc, "{{ c.image }}", 13).paragraph_format.space_after = Pt(6)
    para(doc, "{%p endfor %}")
    para(doc, "{%p else %}")
    para(doc, "Chưa có chỉ tiêu nào có số liệu được duyệt để vẽ biểu đồ.")
    para(doc, "{%p endif %}")


def body(doc) -> None:
    """The sections, the same in every template."""
    para(doc, "1. Kỳ báo cáo và phạm vi", style=HEADING, bold=True)
    para(
        doc,
        "Báo cáo đánh giá kết quả thực hiện {{ resolution_title }} ({{ issuer }}) tính đến "
        "hết năm {{ year }}, gồm: các chỉ tiêu của nghị quyết và biểu đồ diễn biến; chương "
        "trình hành động theo nhóm nhiệm vụ và cơ quan chủ trì; tình hình báo cáo số liệu của "
        "các cơ quan. Số liệu "
        "là các giá trị đã được duyệt trên hệ thống STI Hub đến ngày {{ made_on_text }}.",
    )

    para(doc, "2. Kết quả thực hiện các chỉ tiêu", style=HEADING, bold=True)
    para(
        doc,
        "Nghị quyết có {{ targets|length }} chỉ tiêu{% if status_counts %}, trong đó: "
        "{% for label, n in status_counts %}{{ label|lower }}: {{ n }}"
        "{% if not loop.last %}; {% endif %}{% endfor %}{% endif %}.",
    )
    loop_table(doc, TARGET_COLUMNS, "for t in targets")
    para(doc, "{%p if targets_without_data %}")
    para(doc, "Các chỉ tiêu chưa có số liệu được duyệt:")
    para(doc, "{%p for name in targets_without_data %}")
    para(doc, "- {{ name }}{% if loop.last %}.{% else %};{% endif %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p else %}")
    para(doc, "Tất cả các chỉ tiêu đều có số liệu.")
    para(doc, "{%p endif %}")

    charts(doc)

    para(doc, "4. Chương trình hành động", style=HEADING, bold=True)
    para(doc, "{%p if programme %}")
    columns = [("Nhóm nhiệm vụ", "{{ p.group }}", 4.0), ("Cơ quan chủ trì", "{{ p.agency }}", 3.0)]
    columns += [
        (f"{{{{ programme_columns[{i}] }}}}", f"{{{{ p.counts[{i}] }}}}", 1.6)
        for i in range(PROGRAMME_COLUMNS)
    ]
    columns.append(("Tổng số", "{{ p.total }}", 1.5))
    t = loop_table(doc, columns, "for p in programme")
    for cell in t.rows[2].cells[2:]:  # the counts, centred
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    totals = t.add_row().cells
    for cell, (_h, _v, width) in zip(totals, columns, strict=True):
        cell.width = Cm(width)
        cell.paragraphs[0].style = doc.styles[TABLE]
    merged = totals[0].merge(totals[1])
    cell_text(merged, "Tổng cộng", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for i in range(PROGRAMME_COLUMNS):
        cell_text(totals[2 + i], f"{{{{ programme_totals[{i}] }}}}", bold=True, align=CENTRE)
    cell_text(totals[-1], "{{ programme_total }}", bold=True, align=CENTRE)
    para(doc, "{%p else %}")
    para(doc, "Chương trình hành động chưa có nhiệm vụ nào được giao.")
    para(doc, "{%p endif %}")

    para(doc, "5. Tình hình báo cáo số liệu của các cơ quan", style=HEADING, bold=True)
    para(doc, "{%p if agencies_not_reported %}")
    para(doc, "Các cơ quan chưa báo cáo số liệu năm {{ year }}:")
    para(doc, "{%p for name in agencies_not_reported %}")
    para(doc, "- {{ name }}{% if loop.last %}.{% else %};{% endif %}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p else %}")
    para(doc, "Tất cả các cơ quan đã báo cáo số liệu năm {{ year }}.")
    para(doc, "{%p endif %}")

    para(doc, "6. Phụ lục: số liệu và nguồn", style=HEADING, bold=True)
    para(doc, "{%p if annex %}")
    loop_table(doc, ANNEX_COLUMNS, "for a in annex")
    para(doc, "{%p else %}")
    para(doc, "Chưa có số liệu được duyệt đến hết năm {{ year }}.")
    para(doc, "{%p endif %}")


def new_document(top_mm=20, bottom_mm=20, left_mm=30, right_mm=15):
    """An A4 portrait document with the given margins, the styles and page numbers."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(top_mm), Mm(bottom_mm)
    section.left_margin, section.right_margin = Mm(left_mm), Mm(right_mm)
    section.header_distance = section.footer_distance = Mm(10)
    styles(doc)
    page_number_header(section)
    return doc


def save(doc, path: Path) -> None:
    doc.core_properties.title = "Báo cáo kết quả thực hiện nghị quyết"
    doc.core_properties.author = "STI Hub"
    doc.save(path)


TITLE = "Kết quả thực hiện {{ resolution_title }} tính đến hết năm {{ year }}"


def build_nd30(path: Path) -> None:
    """An administrative report of a state body (NĐ 30/2020/NĐ-CP, Phụ lục I)."""
    doc = new_document()
    header_block(doc)
    centred(doc, "BÁO CÁO", 14, bold=True).paragraph_format.space_before = Pt(18)
    centred(doc, TITLE, 14, bold=True)
    rule(doc, 6.5)
    body(doc)
    signature_block(doc)
    save(doc, path)


def party_header_block(doc) -> None:
    """HD 36-HD/VPTW: left, the Party organisation above (14 pt) over the issuing body (14 pt
    bold), a star, the number and symbol; right, "ĐẢNG CỘNG SẢN VIỆT NAM" (15 pt bold,
    underlined) over the place and date (14 pt italic)."""
    t = table(doc, [7.5, 9.0], 1, grid=False)
    left, right = t.rows[0].cells
    centred(left, "{{ issuing_body_parent }}", 14, caps=True)
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    centred(left, "{{ issuing_body }}", 14, bold=True, caps=True)
    centred(left, "*", 14)
    centred(left, "Số {{ number }}", 14)
    party = centred(right, "ĐẢNG CỘNG SẢN VIỆT NAM", 15, bold=True, caps=True)
    party.runs[0].font.underline = True
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    centred(right, "", 14)
    centred(right, "{{ date_text }}", 14, italic=True)


def party_signature_block(doc) -> None:
    """ "Nơi nhận" (14 pt underlined) with the recipients (12 pt), and on the right the authority
    ("T/M BAN THƯỜNG VỤ", "K/T TRƯỞNG BAN"), the signer's title and name."""
    t = table(doc, [8.0, 8.5], 1, grid=False)
    left, right = t.rows[0].cells
    p = left.paragraphs[0]
    p.paragraph_format.space_before = Pt(12)
    text(p, "Nơi nhận:", 14).font.underline = True
    for line in ("- Thường trực Tỉnh ủy (để báo cáo),", "- Lưu Văn phòng."):
        q = left.add_paragraph(style=TABLE)
        q.paragraph_format.space_before = q.paragraph_format.space_after = Pt(0)
        text(q, line, 12)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(12)
    text(p, "{{ signer_authority }}", 14, bold=True, caps=True)
    centred(right, "{{ signer_title }}", 14, caps=True)
    for _ in range(4):  # room for the signature and the seal
        centred(right, "", 14)
    centred(right, "{{ signer_name }}", 14, bold=True)


def build_dang36(path: Path) -> None:
    """A report of a Party body (Hướng dẫn 36-HD/VPTW, 2018): same page and sections as NĐ 30,
    the Party header, "BÁO CÁO" in 16 pt, the dashes under the title, the Party signature."""
    doc = new_document(top_mm=20, bottom_mm=20, left_mm=30, right_mm=15)
    party_header_block(doc)
    centred(doc, "BÁO CÁO", 16, bold=True).paragraph_format.space_before = Pt(18)
    centred(doc, TITLE, 14, bold=True)
    centred(doc, "-----", 14).paragraph_format.space_after = Pt(12)
    body(doc)
    party_signature_block(doc)
    save(doc, path)


TEMPLATES = {"nd30.docx": build_nd30, "dang36.docx": build_dang36}

if __name__ == "__main__":
    for name, build in TEMPLATES.items():
        build(HERE / name)
        print(HERE / name)
