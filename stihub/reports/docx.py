"""A review report as a Word document, filled into a .docx template with docxtpl.

The layout lives in the template (the bundled ones follow Nghị định 30/2020/NĐ-CP and Hướng dẫn
36-HD/VPTW; an administrator may edit them in Word or upload another); this module only hands
it the data, and the charts as images. Jinja autoescaping is on, so "&" or "<" in a title or a
source never breaks the document's XML.
"""

import io
from pathlib import Path
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from . import charts
from .content import ReportContent

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "docx"
CHART_WIDTH = Mm(150)  # within the 165 mm of text between the margins of both templates

HEADER_DEFAULTS = {
    "issuing_body_parent": "UBND TỈNH NGHỆ AN",
    "issuing_body": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    "number": "    /BC-SKHCN",  # the number is written in by the office when the report is signed
    "signer_authority": "",  # "T/M ...", "K/T ..." above the signer's title, where it applies
    "signer_title": "GIÁM ĐỐC",
    "signer_name": "",
}


class Template(NamedTuple):
    """A bundled template: its name for people and its file."""

    label: str
    path: Path


TEMPLATES = {
    "nd30": Template(
        _("Administrative document (Decree 30/2020/ND-CP)"), TEMPLATE_DIR / "nd30.docx"
    ),
    "dang36": Template(_("Party document (Guidance 36-HD/VPTW)"), TEMPLATE_DIR / "dang36.docx"),
}
DEFAULT_TEMPLATE = TEMPLATES["nd30"].path
# The header a bundled template fills in unless told otherwise.
TEMPLATE_HEADERS = {
    "nd30": HEADER_DEFAULTS,
    "dang36": {
        "issuing_body_parent": "ĐẢNG BỘ TỈNH NGHỆ AN",
        "issuing_body": "BAN TUYÊN GIÁO VÀ DÂN VẬN TỈNH ỦY",
        "number": "      -BC/BTGDVTU",
        "signer_authority": "K/T TRƯỞNG BAN",
        "signer_title": "PHÓ TRƯỞNG BAN",
        "signer_name": "",
    },
}


def context(content: ReportContent, defaults: dict = HEADER_DEFAULTS, **header) -> dict:
    """What a template may use: the content's fields, a few derived texts, the header fields."""
    unknown = set(header) - set(HEADER_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown header fields: {', '.join(sorted(unknown))}")
    columns = len(content.programme_columns)
    totals = tuple(content.programme_totals) or (0,) * columns
    return {
        **vars(content),
        "date_text": content.date_text,
        "made_on_text": content.made_on.strftime("%d/%m/%Y"),
        "targets_without_data": content.targets_without_data,
        "status_counts": content.status_counts,
        "programme_totals": totals,
        "programme_total": sum(totals),
        **HEADER_DEFAULTS,
        **defaults,
        **header,
    }


def _chart_images(template: DocxTemplate, content: ReportContent) -> list[dict]:
    """The charts with their images: the SVG of each target's web page, as PNG."""
    return [
        {
            "code": c.code,
            "title": c.title,
            "unit": c.unit,
            "image": InlineImage(template, io.BytesIO(charts.png(c.svg)), width=CHART_WIDTH),
        }
        for c in content.charts
    ]


def render_docx(content: ReportContent, template_path=None, **header) -> bytes:
    """The report as .docx bytes, from `template_path`: a key of TEMPLATES, a path, or a binary
    file object (an uploaded template); by default the bundled NĐ 30 template. A bundled
    template fills in its own header defaults; `header` overrides them."""
    if isinstance(template_path, str) and template_path in TEMPLATES:
        source = str(TEMPLATES[template_path].path)
        defaults = TEMPLATE_HEADERS[template_path]
    elif template_path is None:
        source, defaults = str(DEFAULT_TEMPLATE), HEADER_DEFAULTS
    elif isinstance(template_path, str | Path):
        source, defaults = str(template_path), HEADER_DEFAULTS
    else:  # a file object
        template_path.seek(0)
        source, defaults = io.BytesIO(template_path.read()), HEADER_DEFAULTS
    template = DocxTemplate(source)
    values = context(content, defaults, **header)
    values["charts"] = _chart_images(template, content)
    template.render(values, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
