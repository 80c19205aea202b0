"""A report's content in a file format: one entry point for the command and the web."""

from .content import ReportContent

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMATS = tuple(CONTENT_TYPES)


def render(content: ReportContent, fmt: str) -> bytes:
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(content)
    from .xlsx import render_xlsx

    return render_xlsx(content)
