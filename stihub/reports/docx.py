"""A review report as a Word document, filled into a .docx template with docxtpl.

The layout lives in the template (the bundled one follows Nghị định 30/2020/NĐ-CP; an
administrator may edit it in Word or use another); this module only hands it the data. Jinja
autoescaping is on, so "&" or "<" in a title or a source never breaks the document's XML.
"""

import io
from pathlib import Path

from docxtpl import DocxTemplate

from .content import ReportContent

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "templates" / "docx" / "nd30.docx"

HEADER_DEFAULTS = {
    "issuing_body_parent": "UBND TỈNH NGHỆ AN",
    "issuing_body": "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
    "number": "    /BC-SKHCN",  # the number is written in by the office when the report is signed
    "signer_title": "GIÁM ĐỐC",
    "signer_name": "",
}


def context(content: ReportContent, **header) -> dict:
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
        **header,
    }


def render_docx(content: ReportContent, template_path=None, **header) -> bytes:
    """The report as .docx bytes, from `template_path` (default: the bundled NĐ 30 template)."""
    template = DocxTemplate(str(template_path or DEFAULT_TEMPLATE))
    template.render(context(content, **header), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
