"""The review report as .docx: the bundled templates follow Nghị định 30/2020/NĐ-CP and Hướng dẫn
36-HD/VPTW (A4, margins, Times New Roman everywhere, header block, body 13–14 pt justified with a
first-line indent), the data lands in them intact, with a chart image per target with data, and
LibreOffice opens the result."""

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from stihub.monitoring.charts import target_chart
from stihub.reports.content import AnnexRow, ChartRow, ProgrammeRow, ReportContent, TargetRow
from stihub.reports.docx import DEFAULT_TEMPLATE, TEMPLATES, render_docx

TNR = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


def target(code, title, latest="12,5", has_data=True):
    return TargetRow(
        code=code,
        title=title,
        indicator=f"IND_{code}",
        unit="%",
        baseline="10,0 (2023)" if has_data else "–",
        latest=latest if has_data else "–",
        latest_year="2025" if has_data else "–",
        target="30,0 (2030)",
        status="Đúng tiến độ" if has_data else "Chưa có số liệu",
        projected="31,2" if has_data else "–",
        has_data=has_data,
    )


def chart(code, title, points=((2023, 10.0), (2024, 11.2), (2025, 12.5))):
    """A target's chart as the web page draws it."""
    svg = target_chart(list(points), (2030, 30.0), (2030, 31.2), title=title)
    return ChartRow(code=code, title=title, unit="%", svg=str(svg))


def sample_content(**changes) -> ReportContent:
    values = {
        "resolution_code": "NQ-TEST",
        "resolution_title": "Nghị quyết về khoa học & công nghệ",
        "issuer": "Ban Chấp hành Đảng bộ tỉnh",
        "year": 2025,
        "made_on": dt.date(2026, 1, 15),
        "targets": [
            target("CT01", "Tỷ lệ doanh nghiệp đổi mới sáng tạo"),
            target("CT02", "Chi cho R&D trên GRDP <so với> cả nước", has_data=False),
        ],
        "charts": [chart("CT01", "Tỷ lệ doanh nghiệp đổi mới sáng tạo")],
        "programme": [ProgrammeRow("I. Thể chế", "Sở Tài chính", (1, 2, 0, 1, 0), 4)],
        "programme_columns": ["Hoàn thành", "Đang thực hiện", "Quá hạn", "Chưa bắt đầu", "Hủy"],
        "programme_totals": (1, 2, 0, 1, 0),
        "agencies_not_reported": ["Sở Công Thương"],
        "annex": [
            AnnexRow(
                target="CT01",
                indicator="IND_CT01",
                year=2025,
                period="",
                value=12.5,
                value_text="12,5",
                unit="%",
                source="Cục Thống kê & Sở KH<CN>",
                agency="Sở Tài chính",
                sample=False,
            )
        ],
    }
    values.update(changes)
    return ReportContent(**values)


def read(data: bytes):
    return Document(io.BytesIO(data))


def all_paragraphs(doc):
    """Body paragraphs, then the paragraphs of every table cell (nested tables included)."""
    yield from doc.paragraphs

    def in_tables(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from cell.paragraphs
                    yield from in_tables(cell.tables)

    yield from in_tables(doc.tables)


def all_text(doc) -> str:
    return "\n".join(p.text for p in all_paragraphs(doc))


def effective(paragraph, attribute):
    """A paragraph format attribute as it applies: set on the paragraph or its style chain."""
    value = getattr(paragraph.paragraph_format, attribute)
    style = paragraph.style
    while value is None and style is not None:
        value = getattr(style.paragraph_format, attribute)
        style = style.base_style
    return value


def run_size(run, paragraph):
    size = run.font.size
    style = paragraph.style
    while size is None and style is not None:
        size = style.font.size
        style = style.base_style
    return size


@pytest.fixture(scope="module")
def rendered():
    return render_docx(sample_content())


@pytest.fixture(scope="module", params=sorted(TEMPLATES))
def each_template(request):
    """The sample report rendered from each bundled template."""
    return render_docx(sample_content(), request.param)


def between(value, low_mm, high_mm):
    """Within the range, give or take the rounding of millimetres to twips (1/1440 inch)."""
    return Mm(low_mm - 0.05) <= value <= Mm(high_mm + 0.05)


def test_page_is_a4_with_decree_margins(each_template):
    doc = read(each_template)
    for section in doc.sections:
        assert abs(section.page_width - Mm(210)) <= Mm(0.5)
        assert abs(section.page_height - Mm(297)) <= Mm(0.5)
        assert between(section.top_margin, 20, 25)
        assert between(section.bottom_margin, 20, 25)
        assert between(section.left_margin, 30, 35)
        assert between(section.right_margin, 15, 20)


def test_times_new_roman_everywhere(each_template):
    doc = read(each_template)
    assert doc.styles["Normal"].font.name == TNR
    for paragraph in all_paragraphs(doc):
        for run in paragraph.runs:
            assert run.font.name in (TNR, None), (paragraph.text, run.font.name)
    # The XML: document defaults, every style and every run name TNR for all scripts, and no
    # theme font (which would win over the name).
    styles = doc.styles.element
    parts = [styles, doc.element.body] + [s.header._element for s in doc.sections]
    found = 0
    for part in parts:
        for fonts in part.iter(qn("w:rFonts")):
            found += 1
            for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
                assert fonts.get(qn(f"w:{attr}")) == TNR, (attr, dict(fonts.attrib))
            assert not [a for a in fonts.attrib if a.lower().endswith("theme")]
    assert found > 20
    default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert default.rFonts.get(qn("w:eastAsia")) == TNR


def test_body_paragraphs_are_14pt_justified_with_first_line_indent(each_template):
    doc = read(each_template)
    body = [p for p in doc.paragraphs if p.style.name in ("Body Text", "Report Heading")]
    assert len(body) >= 10
    for p in body:
        assert effective(p, "alignment") == WD_ALIGN_PARAGRAPH.JUSTIFY, p.text
        assert Mm(10) <= effective(p, "first_line_indent") <= Mm(12.7), p.text
        assert effective(p, "space_after") == Pt(6)
        assert effective(p, "line_spacing") >= 1.0
        for run in p.runs:
            assert Pt(13) <= run_size(run, p) <= Pt(14), p.text
    texts = [p.text for p in body]
    assert any("tính đến hết năm 2025" in t for t in texts)
    assert "2. Kết quả thực hiện các chỉ tiêu" in texts


def test_header_block_and_signature(rendered):
    doc = read(rendered)
    header = doc.tables[0]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == [
        "UBND TỈNH NGHỆ AN",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    ]
    assert [p.text for p in right.paragraphs if p.text] == [NATIONAL_TITLE, MOTTO]
    for p in left.paragraphs[:2] + right.paragraphs[:2]:
        for run in p.runs:
            assert Pt(12) <= run_size(run, p) <= Pt(14)
    assert all(run.bold for run in right.paragraphs[0].runs + right.paragraphs[1].runs)
    number, date = header.rows[1].cells
    assert number.text.startswith("Số: ") and number.text.endswith("/BC-SKHCN")
    assert date.text == "Nghệ An, ngày 15 tháng 01 năm 2026"
    assert all(run.italic for run in date.paragraphs[0].runs)
    texts = [p.text for p in doc.paragraphs]
    title = texts.index("BÁO CÁO")
    assert texts[title + 1] == (
        "Kết quả thực hiện Nghị quyết về khoa học & công nghệ tính đến hết năm 2025"
    )
    signature = doc.tables[-1]
    assert "Nơi nhận:" in signature.rows[0].cells[0].text
    assert signature.rows[0].cells[1].paragraphs[0].text == "GIÁM ĐỐC"


def test_header_fields_can_be_given(rendered):
    doc = read(render_docx(sample_content(), number="12/BC-SKHCN", signer_name="Nguyễn Văn A"))
    assert doc.tables[0].rows[1].cells[0].text == "Số: 12/BC-SKHCN"
    assert "Nguyễn Văn A" in doc.tables[-1].rows[0].cells[1].text
    with pytest.raises(TypeError):
        render_docx(sample_content(), singer="typo")


def test_targets_and_escaped_data_in_tables(rendered):
    doc = read(rendered)
    summary = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT/Mã")
    rows = [[c.text for c in row.cells] for row in summary.rows[1:]]
    assert len(rows) == 2
    assert rows[0][0] == "1. CT01" and "Tỷ lệ doanh nghiệp đổi mới sáng tạo" in rows[0][1]
    assert rows[0][3] == "12,5 (2025)"
    assert rows[1][0] == "2. CT02" and "Chi cho R&D trên GRDP <so với> cả nước" in rows[1][1]
    assert rows[1][3] == "–"
    text = all_text(doc)
    assert "Cục Thống kê & Sở KH<CN>" in text
    assert "Các chỉ tiêu chưa có số liệu được duyệt:" in text
    assert "- CT02. Chi cho R&D trên GRDP <so với> cả nước." in text
    assert "- Sở Công Thương." in text
    programme = next(t for t in doc.tables if t.rows[0].cells[0].text == "Nhóm nhiệm vụ")
    assert [c.text for c in programme.rows[0].cells][2:7] == sample_content().programme_columns
    assert [c.text for c in programme.rows[1].cells] == [
        "I. Thể chế",
        "Sở Tài chính",
        "1",
        "2",
        "0",
        "1",
        "0",
        "4",
    ]
    assert [c.text for c in programme.rows[-1].cells][1:] == [
        "Tổng cộng",
        "1",
        "2",
        "0",
        "1",
        "0",
        "4",
    ]


def test_a_report_without_data_names_the_gaps():
    content = sample_content(
        targets=[target("CT01", "Số bằng sáng chế", has_data=False)],
        programme=[],
        programme_totals=(),
        agencies_not_reported=["Sở Tài chính", "Sở Y tế"],
        annex=[],
    )
    doc = read(render_docx(content))
    text = all_text(doc)
    assert "- CT01. Số bằng sáng chế." in text
    assert "Tất cả các chỉ tiêu đều có số liệu." not in text
    assert "Chương trình hành động chưa có nhiệm vụ nào được giao." in text
    assert "- Sở Tài chính;\n- Sở Y tế." in text
    assert "Chưa có số liệu được duyệt đến hết năm 2025." in text
    assert not any(t.rows[0].cells[0].text == "Nhóm nhiệm vụ" for t in doc.tables)


def test_all_data_and_all_reported_say_so():
    content = sample_content(targets=[target("CT01", "Số bằng sáng chế")], agencies_not_reported=[])
    text = all_text(read(render_docx(content)))
    assert "Tất cả các chỉ tiêu đều có số liệu." in text
    assert "Tất cả các cơ quan đã báo cáo số liệu năm 2025." in text


def test_bundled_template_has_only_data_tags():
    """The template is the layout; its Jinja tags carry data (no layout built at render time)."""
    text = all_text(Document(str(DEFAULT_TEMPLATE)))
    assert "{%tr for t in targets %}" in text
    assert "{{ date_text }}" in text


@pytest.mark.django_db
def test_report_of_the_loaded_resolution(nghe_an):
    from stihub.reports import content as report

    built = report.build(nghe_an, 2025)
    doc = read(render_docx(built))
    summary = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT/Mã")
    table_text = "\n".join(c.text for row in summary.rows for c in row.cells)
    targets = list(nghe_an.targets.all())
    assert len(summary.rows) == 1 + len(targets)
    for t in targets:
        assert t.code in table_text and t.title in table_text
    text = all_text(doc)
    for name in built.targets_without_data:  # no observations loaded: every target is a gap
        assert f"- {name}" in text
    assert len(built.targets_without_data) == len(targets)


def media(data: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [package.read(n) for n in package.namelist() if n.startswith("word/media/")]


def test_one_chart_image_per_target_with_data(rendered):
    doc = read(rendered)
    assert len(doc.inline_shapes) == 1
    assert abs(doc.inline_shapes[0].width - Mm(150)) <= Mm(0.1)
    images = media(rendered)
    assert len(images) == 1 and images[0].startswith(b"\x89PNG\r\n\x1a\n")
    texts = [p.text for p in doc.paragraphs]
    assert "3. Biểu đồ diễn biến các chỉ tiêu" in texts
    caption = texts.index("Biểu đồ 1. CT01. Tỷ lệ doanh nghiệp đổi mới sáng tạo (%)")
    assert doc.paragraphs[caption + 1].runs  # the image's paragraph follows its title
    assert doc.paragraphs[caption + 1]._p.xpath(".//w:drawing")


def test_as_many_images_as_charts_and_none_without_data():
    # Different series (Word stores the same picture once, whatever the captions).
    charts = [
        chart(f"CT0{i}", f"Chỉ tiêu {i}", ((2024, 10.0), (2025, 10.0 + i))) for i in (1, 2, 3)
    ]
    data = render_docx(sample_content(charts=charts))
    assert len(read(data).inline_shapes) == 3 and len(media(data)) == 3
    data = render_docx(sample_content(charts=[]))
    assert len(read(data).inline_shapes) == 0 and media(data) == []
    text = all_text(read(data))
    assert "Chưa có chỉ tiêu nào có số liệu được duyệt để vẽ biểu đồ." in text


def run_size_of(paragraph):
    return {run_size(run, paragraph) for run in paragraph.runs if run.text}


def test_party_template_header_title_and_signature():
    doc = read(render_docx(sample_content(), "dang36"))
    left, right = doc.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == [
        "ĐẢNG BỘ TỈNH NGHỆ AN",
        "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY",
        "*",
        "Số       -BC/BTGDVTU",
    ]
    assert all(run.bold for run in left.paragraphs[1].runs)
    assert not any(run.bold for run in left.paragraphs[0].runs)
    party = right.paragraphs[0]
    assert party.text == PARTY
    assert all(run.bold and run.underline for run in party.runs)
    assert run_size_of(party) == {Pt(15)}
    date = next(p for p in right.paragraphs if p.text.startswith("Nghệ An, ngày"))
    assert date.text == "Nghệ An, ngày 15 tháng 01 năm 2026"
    assert all(run.italic for run in date.runs) and run_size_of(date) == {Pt(14)}
    texts = [p.text for p in doc.paragraphs]
    title = texts.index("BÁO CÁO")
    assert run_size_of(doc.paragraphs[title]) == {Pt(16)}
    assert texts[title + 1].startswith("Kết quả thực hiện Nghị quyết về khoa học & công nghệ")
    assert texts[title + 2] == "-----"
    assert NATIONAL_TITLE not in all_text(doc)
    receivers, signature = doc.tables[-1].rows[0].cells
    assert receivers.paragraphs[0].text == "Nơi nhận:"
    assert all(run.underline for run in receivers.paragraphs[0].runs)
    assert [p.text for p in signature.paragraphs if p.text] == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]


def test_party_header_fields_can_be_given():
    doc = read(
        render_docx(
            sample_content(),
            "dang36",
            issuing_body="TỈNH ỦY",
            number="15-BC/TU",
            signer_authority="T/M BAN THƯỜNG VỤ",
            signer_title="PHÓ BÍ THƯ",
            signer_name="Nguyễn Văn A",
        )
    )
    left = doc.tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs if p.text][1:] == ["TỈNH ỦY", "*", "Số 15-BC/TU"]
    signature = doc.tables[-1].rows[0].cells[1]
    assert [p.text for p in signature.paragraphs if p.text] == [
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Nguyễn Văn A",
    ]


def test_a_template_file_object_is_used_as_is():
    """An uploaded template arrives as a binary file: its layout, the default header fields."""
    upload = io.BytesIO(TEMPLATES["dang36"].path.read_bytes())
    upload.read()  # wherever the upload was left, it is read from the start
    doc = read(render_docx(sample_content(), upload))
    assert doc.tables[0].rows[0].cells[1].paragraphs[0].text == PARTY
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in all_text(doc)
    assert len(doc.inline_shapes) == 1


def test_libreoffice_opens_it(rendered, tmp_path):
    soffice = shutil.which("soffice")
    if not soffice:
        pytest.skip(
            "install LibreOffice (apt-get install libreoffice-writer) "
            "to check the .docx opens in LibreOffice"
        )
    source = tmp_path / "report.docx"
    source.write_bytes(rendered)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):  # LibreOffice read the content, not just the package
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        for expected in (NATIONAL_TITLE, MOTTO, "BÁO CÁO", "1. Kỳ báo cáo và phạm vi", "CT01"):
            assert expected in text
