"""The one place every uploaded file is checked: name, size and what the bytes really are.

Forms of every app call `check_upload(upload, kinds)` in their `clean_<field>`; nothing reads an
upload that has not passed here. A file is recognised by its content (a workbook is a zip with
a workbook part; a CSV is text without NUL bytes; a PDF starts with %PDF-), not by its name
alone, and the refusal says in the user's language what was wrong.

A workbook is also measured before anything parses it (`engines.limits.check_xlsx`: unpacked
size, compression ratio, parts, declared sheet sizes), against the limits in settings; the
readers check again with their own limits (`observation_limits`, `index_limits`) and count rows
while streaming, so the command line gets the same protection.
"""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from stihub.core.formatting import problem as problem_text
from stihub.engines import limits as engine_limits
from stihub.engines.problems import DataError

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Kind:
    """A kind of file we accept: its endings, the content type we serve it with, its test."""

    suffixes: tuple[str, ...]
    content_type: str
    label: str


def _zip_names(upload) -> set[str]:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()
    finally:
        upload.seek(0)


def _is_xlsx(upload) -> bool:
    names = _zip_names(upload)
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def _is_docx(upload) -> bool:
    names = _zip_names(upload)
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _is_text(upload) -> bool:
    return b"\x00" not in _head(upload)


def _is_pdf(upload) -> bool:
    return _head(upload).startswith(b"%PDF-")


def _is_png(upload) -> bool:
    return _head(upload).startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(upload) -> bool:
    return _head(upload).startswith(b"\xff\xd8\xff")


XLSX = Kind(
    (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel .xlsx"
)
CSV = Kind((".csv",), "text/csv; charset=utf-8", "CSV")
PDF = Kind((".pdf",), "application/pdf", "PDF")
PNG = Kind((".png",), "image/png", "PNG")
JPEG = Kind((".jpg", ".jpeg"), "image/jpeg", "JPEG")
DOCX = Kind(
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word .docx",
)
SNIFFERS = {
    XLSX: _is_xlsx,
    CSV: _is_text,
    PDF: _is_pdf,
    PNG: _is_png,
    JPEG: _is_jpeg,
    DOCX: _is_docx,
}


def observation_limits() -> engine_limits.Limits:
    """What an observation file (CSV or XLSX) may hold, from settings."""
    return _limits(settings.STIHUB_UPLOAD_MAX_ROWS, settings.STIHUB_UPLOAD_MAX_COLUMNS)


def report_limits() -> engine_limits.Limits:
    """What an agency's reporting upload may hold: it is checked within the request."""
    return _limits(settings.STIHUB_REPORT_MAX_ROWS, settings.STIHUB_UPLOAD_MAX_COLUMNS)


def index_limits() -> engine_limits.Limits:
    """What an innovation-index workbook may hold, from settings."""
    return _limits(settings.STIHUB_INDEX_MAX_ROWS, settings.STIHUB_INDEX_MAX_COLUMNS)


def upload_limits() -> engine_limits.Limits:
    """What any upload may hold: the larger of each limit, since a form does not know yet
    which reader will read the file (the reader then applies its own)."""
    kinds = (observation_limits(), index_limits())
    return _limits(max(k.max_rows for k in kinds), max(k.max_columns for k in kinds))


def _limits(rows: int, columns: int) -> engine_limits.Limits:
    return engine_limits.Limits(
        max_unzipped_bytes=settings.STIHUB_UPLOAD_MAX_UNZIPPED_BYTES,
        max_ratio=settings.STIHUB_UPLOAD_MAX_ZIP_RATIO,
        max_rows=rows,
        max_columns=columns,
    )


def kind_of(name: str, kinds) -> Kind | None:
    lower = name.lower()
    return next((k for k in kinds if lower.endswith(k.suffixes)), None)


def check_upload(upload, kinds, max_bytes: int | None = None, limits=None):
    """Return the upload if its ending is one of `kinds`, its size within the limit, its
    content what the ending says and, for a workbook, what it unpacks to within `limits`
    (default: `upload_limits()`); else raise a ValidationError saying which of these failed."""
    limit = max_bytes or settings.STIHUB_MAX_UPLOAD_BYTES
    kind = kind_of(upload.name, kinds)
    if kind is None:
        raise ValidationError(
            _("Files of this type cannot be uploaded here; accepted: %(kinds)s.")
            % {"kinds": ", ".join(k.label for k in kinds)},
            code="file_type",
        )
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    if not SNIFFERS[kind](upload):
        raise ValidationError(
            _("The file is named %(name)s but its content is not a %(kind)s file.")
            % {"name": upload.name, "kind": kind.label},
            code="file_content",
        )
    if kind is XLSX:
        try:
            engine_limits.check_xlsx(upload, limits or upload_limits())
        except DataError as error:
            raise ValidationError(
                [problem_text(p) for p in error.problems], code="file_limits"
            ) from error
    return upload
