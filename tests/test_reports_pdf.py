"""Charts and PDF of the review report: the document's chart is the SVG of the target's web page
rasterised, and the PDF is the .docx laid out by LibreOffice (A4, text selectable, the charts as
images)."""

import datetime as dt
import os
import re
import shutil
import struct
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from stihub.monitoring.models import Indicator, Observation
from stihub.reports import charts
from stihub.reports.content import build
from stihub.reports.pdf import render_pdf
from stihub.reports.render import CONTENT_TYPES, FORMATS, render

from .test_reports_docx import PARTY, chart, sample_content

HINT = (
    "install LibreOffice and poppler-utils "
    "(apt-get install libreoffice-writer-nogui fonts-liberation2 poppler-utils)"
)
needs_office = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm")), reason=HINT
)


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_a_chart_becomes_a_png_with_its_text_drawn():
    svg = chart("CT01", "Tỷ lệ doanh nghiệp đổi mới sáng tạo").svg
    image = charts.png(svg)
    assert png_size(image) == (720 * charts.SCALE, 300 * charts.SCALE)  # the SVG's viewBox
    assert png_size(charts.png(svg, scale=1)) == (720, 300)
    # The axis labels are drawn: without them the picture differs.
    no_text = re.sub(r"<text[^>]*>[^<]*</text>", "", svg)
    assert no_text != svg and charts.png(no_text) != image


def test_the_standalone_svg_is_the_page_svg_with_the_page_style():
    svg = chart("CT01", "Chỉ tiêu").svg
    alone = charts.standalone(svg)
    assert alone.startswith('<svg class="chart" viewBox="0 0 720 300"')
    assert 'xmlns="http://www.w3.org/2000/svg"' in alone.split(">")[0]
    assert alone.replace(f"<style>{charts.PAGE_STYLE}</style>", "").replace(
        ' xmlns="http://www.w3.org/2000/svg"', ""
    ) == str(svg)
    # The page's own rule for the chart's text (stihub.css) is the one the image carries.
    css = (settings.BASE_DIR / "static" / "css" / "stihub.css").read_text()
    assert ".chart .tick { font-size:11px; fill:#555; }" in css
    assert charts.PAGE_STYLE.startswith(".tick { font-size:11px; fill:#555;")
    with pytest.raises(ValueError):
        charts.standalone("<p>not a chart</p>")


@pytest.fixture
def figures(nghe_an):
    """Approved PII ranks 2022–2024 and one innovation figure; the other targets have none."""
    rank = Indicator.objects.get(code="PII_RANK")
    for year, value in ((2022, 36), (2023, 33), (2024, 30)):
        Observation.objects.create(
            status="approved", indicator=rank, year=year, value=value, source="Bộ KH&CN"
        )
    return nghe_an


@pytest.mark.django_db
def test_the_document_chart_is_the_svg_of_the_target_page(figures, client):
    content = build(figures, 2024, made_on=dt.date(2025, 1, 15))
    with_data = [t for t in content.targets if t.has_data]
    assert [c.code for c in content.charts] == [t.code for t in with_data]
    assert len(content.charts) == 1
    (shown,) = content.charts
    target = figures.targets.get(code=shown.code)
    assert target.indicator.code == "PII_RANK" and shown.title == target.title
    url = reverse("monitoring:target", args=[figures.code, target.code]) + "?as_of=2024"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    (svg,) = re.findall(r'<svg class="chart".*?</svg>', page, re.S)
    assert svg == shown.svg
    assert ">2024</text>" in svg and ">2030</text>" in svg
    assert png_size(charts.png(shown.svg)) == (1440, 600)


@pytest.fixture(scope="module")
def pdf_texts(tmp_path_factory):
    """The sample report with three charts as PDF from each bundled template, and what
    poppler reads in it."""
    if not (shutil.which("soffice") and shutil.which("pdftoppm")):
        pytest.skip(HINT)
    content = sample_content(
        charts=[
            chart("CT01", "Tỷ lệ doanh nghiệp đổi mới sáng tạo"),
            chart("CT02", "Chi cho R&D trên GRDP <so với> cả nước", ((2024, 1.0), (2025, 1.4))),
            chart("CT03", "Số doanh nghiệp khoa học và công nghệ", ((2023, 40.0), (2025, 52.0))),
        ]
    )
    found = {}
    for key in ("nd30", "dang36"):
        work = tmp_path_factory.mktemp(key)
        pdf = work / "report.pdf"
        pdf.write_bytes(render(content, "pdf", template=key))

        def run(*command):
            return subprocess.run(command, check=True, capture_output=True, text=True).stdout

        subprocess.run(["pdftoppm", "-r", "72", "-png", str(pdf), str(work / "page")], check=True)
        found[key] = {
            "content": content,
            "bytes": pdf.read_bytes(),
            "pages": sorted(work.glob("page-*.png")),
            "text": run("pdftotext", str(pdf), "-"),
            "images": run("pdfimages", "-list", str(pdf)),
            "info": run("pdfinfo", str(pdf)),
        }
    return found


@needs_office
@pytest.mark.parametrize("key", ["nd30", "dang36"])
def test_the_pdf_is_a4_with_every_target_and_chart(pdf_texts, key):
    found = pdf_texts[key]
    assert found["bytes"].startswith(b"%PDF")
    assert found["pages"]
    for page in found["pages"]:
        width, height = png_size(page.read_bytes())
        assert abs(width - 595) <= 2 and abs(height - 842) <= 2, page.name
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts", found["info"])
    text = " ".join(found["text"].split())  # titles may wrap over lines and table cells
    content = found["content"]
    for t in content.targets:
        assert t.title in text, t.title
    for c in content.charts:
        assert f"Biểu đồ {content.charts.index(c) + 1}. {c.code}. {c.title}" in text
    assert "Chi cho R&D trên GRDP <so với> cả nước" in text  # escaped in XML, plain in print
    rows = [line.split() for line in found["images"].splitlines()[2:]]
    images = [row for row in rows if row[2] == "image"]
    assert len(images) >= len(content.charts)
    assert all((int(row[3]), int(row[4])) == (1440, 600) for row in images)
    if key == "dang36":
        assert PARTY in text and "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY" in text
    else:
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def test_pdf_is_a_format():
    assert "pdf" in FORMATS and CONTENT_TYPES["pdf"] == "application/pdf"
    with pytest.raises(ValueError):
        render(sample_content(), "odt")


def test_without_libreoffice_the_pdf_says_why(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="LibreOffice"):
        render_pdf(sample_content())


def test_a_failing_libreoffice_says_what_it_said(monkeypatch, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    with pytest.raises(RuntimeError, match=r"3.*source file could not be loaded"):
        render_pdf(sample_content())


@needs_office
@pytest.mark.django_db
def test_the_command_writes_the_pdf(figures, tmp_path):
    out = tmp_path / "bao-cao.pdf"
    call_command("report", figures.code, "--period", "2024", "--format", "pdf", "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = " ".join(text.split())
    for target in figures.targets.all():
        assert target.title in text, target.title
    images = subprocess.run(
        ["pdfimages", "-list", str(out)], check=True, capture_output=True, text=True
    ).stdout
    assert sum(1 for line in images.splitlines()[2:] if line.split()[2] == "image") == 1


@pytest.mark.skipif(not shutil.which("fc-list"), reason="needs fontconfig's fc-list")
def test_libreoffice_is_given_the_bundled_serif_font(tmp_path):
    """Times New Roman's metric twin travels with the code: the conversion's fontconfig file
    makes LibreOffice see it, whatever fonts the server has."""
    from stihub.reports import pdf

    conf = tmp_path / "fonts.conf"
    conf.write_text(pdf.FONTS_CONF.format(fonts=pdf.FONTS, cache=tmp_path / "cache"))
    found = subprocess.run(
        ["fc-list", "Liberation Serif", "file"],
        env={**os.environ, "FONTCONFIG_FILE": str(conf)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(pdf.FONTS / "LiberationSerif-Regular.ttf") in found
