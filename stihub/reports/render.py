"""A report's content in a file format: one entry point for the command and the web."""

from .content import ReportContent

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


def render(content: ReportContent, fmt: str, template=None, **header) -> bytes:
    """The report as `fmt`. `template` (for .docx and PDF; a workbook has none): a key of
    `docx.TEMPLATES`, a path, or a binary file object of an uploaded template; None for the
    default one. `header`: the header fields to fill in (`docx.HEADER_DEFAULTS`)."""
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(content, template, **header)
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(content, template, **header)
    if fmt == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(content)
    raise ValueError(f"unknown format {fmt!r}; the formats are {', '.join(FORMATS)}")
