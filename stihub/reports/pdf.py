"""A review report as PDF: the .docx, laid out for print by LibreOffice.

The PDF is the same document as the .docx (same template, same charts), converted headless by
`soffice`; its text is selectable and searchable. Times New Roman is not installed on Linux
servers: LibreOffice sets the text in Liberation Serif, which has the same metrics, so lines and
pages break as in Word. The font travels with the code (`fonts/`, SIL OFL) and is given to
LibreOffice through a fontconfig file of the conversion's own, so no font package is needed.
Each conversion has its own LibreOffice profile, so conversions may run side by side.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from .content import ReportContent
from .docx import render_docx

TIMEOUT = 120  # seconds
FONTS = Path(__file__).resolve().parent / "fonts"
# The system's fontconfig set-up, and the bundled fonts beside it.
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


def soffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes) -> bytes:
    """A .docx converted to PDF by LibreOffice; RuntimeError (saying why) if it cannot be."""
    program = soffice()
    if program is None:
        raise RuntimeError(
            _("LibreOffice (soffice) is not installed, so the report cannot be made as PDF.")
        )
    with tempfile.TemporaryDirectory(prefix="stihub-pdf-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx)
        conf = work / "fonts.conf"
        conf.write_text(FONTS_CONF.format(fonts=FONTS, cache=work / "fontcache"))
        env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
        command = [
            program,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=TIMEOUT, check=False, env=env
            )
        except subprocess.TimeoutExpired as error:
            raise RuntimeError(
                _("LibreOffice did not finish the PDF within %(seconds)s seconds.")
                % {"seconds": TIMEOUT}
            ) from error
        pdf = work / "report.pdf"
        if done.returncode != 0 or not pdf.exists():
            said = (done.stderr or done.stdout).decode(errors="replace").strip()[-500:]
            raise RuntimeError(
                _("LibreOffice could not convert the report to PDF (exit code %(code)s): %(said)s")
                % {"code": done.returncode, "said": said or "–"}
            )
        return pdf.read_bytes()


def render_pdf(content: ReportContent, template=None, **header) -> bytes:
    """The report as PDF bytes, from a template as `docx.render_docx` takes it."""
    return docx_to_pdf(render_docx(content, template, **header))
