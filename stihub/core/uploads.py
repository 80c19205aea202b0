"""The one place every uploaded file is checked: name, size and what the bytes really are.

Forms of every app call `check_upload(upload, kinds)` in their `clean_<field>`; nothing reads an
upload that has not passed here. A file is recognised by its content (a workbook is a zip with
a workbook part; a CSV is text without NUL bytes; a PDF starts with %PDF-), not by its name
alone, and the refusal says in the user's language what was wrong.
"""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Kind:
    """A kind of file we accept: its endings, the content type we serve it with, its test."""

    suffixes: tuple[str, ...]
    content_type: str
    label: str


def _is_xlsx(upload) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _is_text(upload) -> bool:
    return b"\x00" not in _head(upload)


def _is_pdf(upload) -> bool:
    return _head(upload).startswith(b"%PDF-")


XLSX = Kind(
    (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel .xlsx"
)
CSV = Kind((".csv",), "text/csv; charset=utf-8", "CSV")
PDF = Kind((".pdf",), "application/pdf", "PDF")
SNIFFERS = {XLSX: _is_xlsx, CSV: _is_text, PDF: _is_pdf}


def kind_of(name: str, kinds) -> Kind | None:
    lower = name.lower()
    return next((k for k in kinds if lower.endswith(k.suffixes)), None)


def check_upload(upload, kinds, max_bytes: int | None = None):
    """Return the upload if its ending is one of `kinds`, its size within the limit and its
    content what the ending says; else raise a ValidationError saying which of these failed."""
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
    return upload
