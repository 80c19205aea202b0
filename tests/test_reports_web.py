"""The review reports page (issue 9): DOST asks for a report, the worker writes it, the page
offers it; uploaded templates; a report that cannot be written says why.

The worker runs in this process in batch mode, as in test_jobs.py. Who may use each route is
in test_permissions.TABLE (DOST and administrators only).
"""

import io
import shutil
import urllib.parse

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from docx import Document
from openpyxl import load_workbook

from stihub.core import formatting
from stihub.jobs.models import Job
from stihub.monitoring.models import Indicator, Observation
from stihub.reports import tasks as report_tasks
from stihub.reports.docx import TEMPLATES
from stihub.reports.models import GeneratedReport, ReportTemplate

from .test_jobs import (  # noqa: F401 (the two fixtures apply here too)
    run_worker,
    small_threshold_and_memory_progress,
    worker_keeps_the_test_transaction,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture
def figures(nghe_an):
    """The PII rank approved for 2023 and 2024: the data annex has these two rows."""
    rank = Indicator.objects.get(code="PII_RANK")
    for year, value in ((2023, 33), (2024, 37)):
        Observation.objects.create(
            status="approved", indicator=rank, year=year, value=value, source="Bộ KH&CN"
        )
    return nghe_an


def ask(client, resolution, year=2024, fmt="xlsx", template="nd30"):
    data = {"resolution": resolution.pk, "year": year, "format": fmt, "template": template}
    return client.post(reverse("reports:list"), data)


def upload(content: bytes, name: str):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def vi(message: str, **params) -> str:
    with translation.override("vi"):
        return gettext(message) % params if params else gettext(message)


# --- a report made by the worker ---------------------------------------------------------------


def test_dost_asks_for_a_workbook_and_downloads_it_when_the_worker_has_made_it(
    client_for, figures, users
):
    client = client_for("dost")
    response = ask(client, figures, year=2024)
    report = GeneratedReport.objects.get()
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.created_by) == ("report", "queued", users["dost"])
    assert (report.job, report.year, report.format, report.template) == (job, 2024, "xlsx", "")
    assert not report.file  # written by the worker, not by the request

    run_worker()

    job.refresh_from_db()
    report.refresh_from_db()
    url = reverse("reports:download", args=[report.pk])
    assert job.status == "done" and job.result == {"report": report.pk, "url": url}
    assert report.error == "" and report.data_version
    body = report.file.read()
    assert report.size == len(body)
    book = load_workbook(io.BytesIO(body))
    annex = book["Phụ lục số liệu"]
    code = figures.targets.get(indicator__code="PII_RANK").code
    assert [(r[0].value, r[2].value, r[4].value) for r in annex.iter_rows(min_row=2)] == [
        (code, 2023, 33),
        (code, 2024, 37),
    ]
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'href="{url}"' in page and 'data-status="done"' in page

    listing = client.get(reverse("reports:list")).content.decode()
    assert f'data-report="{report.pk}"' in listing and f'href="{url}"' in listing
    assert report.data_version in listing

    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == XLSX_TYPE
    assert b"".join(download.streaming_content) == body
    quoted = urllib.parse.quote(f"Báo cáo {figures.code} năm 2024.xlsx")
    assert f"filename*=UTF-8''{quoted}" in download["Content-Disposition"]
    assert f'filename="Bao cao {figures.code} nam 2024.xlsx"' in download["Content-Disposition"]


def test_the_party_template_makes_a_document_that_opens(client_for, figures):
    client = client_for("admin")
    ask(client, figures, fmt="docx", template="dang36")
    run_worker()
    report = GeneratedReport.objects.get()
    assert (report.status, report.template, report.format) == ("done", "dang36", "docx")
    document = Document(io.BytesIO(report.file.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert figures.title.upper() in text.upper()
    listing = client.get(reverse("reports:list")).content.decode()
    with translation.override("vi"):
        assert str(TEMPLATES["dang36"].label) in listing


def test_a_new_report_defaults_to_last_year(client_for, nghe_an):
    page = client_for("dost").get(reverse("reports:list")).content.decode()
    assert f'value="{LAST_YEAR}"' in page
    assert 'value="nd30"' in page and 'value="dang36"' in page


@pytest.mark.parametrize("year", [1999, LAST_YEAR + 2, "hai nghìn"])
def test_a_bad_year_is_refused_with_a_message(client_for, nghe_an, year):
    response = ask(client_for("dost"), nghe_an, year=year)
    assert response.status_code == 200
    assert not Job.objects.exists() and not GeneratedReport.objects.exists()
    errors = response.context["form"].errors["year"]
    if isinstance(year, int):
        last = timezone.localdate().year
        assert errors == [vi("Choose a year from %(first)s to %(last)s.", first=2000, last=last)]
    assert errors[0] in response.content.decode()


# --- a report that cannot be written -----------------------------------------------------------


def test_a_failed_report_says_why_on_the_job_page_and_in_the_list(client_for, nghe_an, monkeypatch):
    reason = "LibreOffice (soffice) không có trên máy chủ"

    def broken(content, fmt, template=None):
        raise RuntimeError(reason)

    monkeypatch.setattr(report_tasks, "render", broken)
    client = client_for("dost")
    ask(client, nghe_an, fmt="docx")
    run_worker()
    job, report = Job.objects.get(), GeneratedReport.objects.get()
    assert job.status == "failed" and report.error == reason and not report.file
    assert report.status == "failed"
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    with translation.override("vi"):
        expected = formatting.problem(job.problem_list[0])
    assert expected == vi("The report could not be written: %(reason)s", reason=reason)
    assert expected in page and 'data-status="failed"' in page
    listing = client.get(reverse("reports:list")).content.decode()
    assert reason in listing and 'data-status="failed"' in listing
    # It has no file to download.
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


# --- uploaded templates -------------------------------------------------------------------------


def test_an_uploaded_template_is_offered_and_used_until_taken_out_of_use(client_for, figures):
    client = client_for("dost")
    body = TEMPLATES["nd30"].path.read_bytes()
    response = client.post(
        reverse("reports:templates"),
        {"name": "Mẫu của Văn phòng", "kind": "administrative", "file": upload(body, "mau.docx")},
    )
    assert response.status_code == 302
    template = ReportTemplate.objects.get()
    assert template.file.read() == body and template.is_active
    choice = f"upload-{template.pk}"
    assert f'value="{choice}"' in client.get(reverse("reports:list")).content.decode()

    ask(client, figures, fmt="docx", template=choice)
    run_worker()
    report = GeneratedReport.objects.get()
    assert report.uploaded_template == template and report.status == "done"
    Document(io.BytesIO(report.file.read()))  # opens

    client.post(reverse("reports:templates"), {"toggle": template.pk})
    template.refresh_from_db()
    assert not template.is_active
    assert f'value="{choice}"' not in client.get(reverse("reports:list")).content.decode()
    refused = ask(client, figures, fmt="docx", template=choice)
    assert refused.status_code == 200 and "template" in refused.context["form"].errors


@pytest.mark.parametrize(
    "name, content",
    [
        ("mau.xlsx", TEMPLATES["nd30"].path.read_bytes()),  # a .docx under another name
        ("mau.docx", b"not a Word document"),  # the name says .docx, the bytes do not
    ],
)
def test_an_upload_that_is_not_a_docx_is_refused(client_for, users, name, content):
    response = client_for("dost").post(
        reverse("reports:templates"),
        {"name": "Mẫu", "kind": "administrative", "file": upload(content, name)},
    )
    assert response.status_code == 200 and not ReportTemplate.objects.exists()
    assert response.context["form"].errors["file"]


def test_a_bundled_template_can_be_downloaded_to_edit(client_for, users):
    response = client_for("dost").get(reverse("reports:bundled", args=["nd30"]))
    assert b"".join(response.streaming_content) == TEMPLATES["nd30"].path.read_bytes()
    assert client_for("dost").get("/reports/templates/nope.docx").status_code == 404


@pytest.mark.skipif(
    not shutil.which("soffice"),
    reason="PDF needs LibreOffice: apt-get install libreoffice-writer-nogui fonts-liberation2",
)
def test_a_pdf_is_offered_as_a_pdf(client_for, figures):
    client = client_for("dost")
    ask(client, figures, fmt="pdf")
    run_worker()
    report = GeneratedReport.objects.get()
    assert report.status == "done", report.error
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
