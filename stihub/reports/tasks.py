"""Making a review report on the worker: `start_report` records the request and queues it,
`make_report_task` gathers the figures, writes the file and keeps it on the GeneratedReport.

A report that cannot be written (LibreOffice missing for a PDF, an uploaded template Word or
docxtpl cannot read) fails its job with the reason, shown on the job's page, and keeps the
reason on the report, so the list says which failed and why.
"""

import contextlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify
from django_tasks import task
from jinja2 import TemplateError

from stihub.engines.problems import DataError, Problem, gettext_noop
from stihub.jobs import tasks as jobs
from stihub.jobs.choices import JobKind, JobStage
from stihub.jobs.models import Job

from .content import build
from .docx import TEMPLATE_HEADERS
from .models import GeneratedReport, ReportTemplate, TemplateKind
from .render import render

FAILED = gettext_noop("The report could not be written: %(reason)s")
# What a renderer raises when the file cannot be made for a reason worth telling the user.
EXPECTED = (RuntimeError, OSError, ValueError, KeyError, TemplateError)


def start_report(*, user, resolution, year: int, fmt: str, template) -> GeneratedReport:
    """Record the report asked for (`template`: a bundled key or a ReportTemplate) and queue
    its job; the report, the job and the queued task are written together or not at all."""
    uploaded = template if isinstance(template, ReportTemplate) else None
    key = "" if uploaded or fmt == "xlsx" else template
    with transaction.atomic():
        job = Job.objects.create(
            kind=JobKind.REPORT,
            created_by=user,
            params={"resolution": resolution.code, "year": year, "format": fmt},
        )
        report = GeneratedReport.objects.create(
            resolution=resolution,
            year=year,
            format=fmt,
            template=key,
            uploaded_template=None if fmt == "xlsx" else uploaded,
            created_by=user,
            job=job,
        )
        result = make_report_task.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    return report


@task()
def make_report_task(job_id: int) -> None:
    """The worker's side of `start_report`."""
    jobs.run(job_id, _make_report)


def _make_report(job: Job, progress) -> None:
    report = GeneratedReport.objects.select_related("resolution", "uploaded_template").get(job=job)
    try:
        progress.stage(JobStage.GATHERING, 0)
        content = build(report.resolution, report.year)
        progress.stage(JobStage.RENDERING, 0)
        body = write(report, content)
    except EXPECTED as error:
        reason = str(error) or error.__class__.__name__
        _failed(report, reason)
        raise DataError([Problem(FAILED, {"reason": reason})]) from error
    except Exception as error:  # the job says it stopped unexpectedly; the report says what
        _failed(report, repr(error))
        raise
    with transaction.atomic():
        name = f"{slugify(report.resolution.code)}-{report.year}.{report.format}"
        report.file.save(name, ContentFile(body), save=False)
        report.size, report.data_version = len(body), content.data_version
        report.save(update_fields=["file", "size", "data_version", "updated_at"])
        url = reverse("reports:download", args=[report.pk])
        progress.finish({"report": report.pk, "url": url})


def write(report: GeneratedReport, content) -> bytes:
    """The report's file, from its bundled or uploaded template (none for a workbook)."""
    with contextlib.ExitStack() as stack:
        template, header = report.template or None, {}
        uploaded = report.uploaded_template
        if uploaded:
            template = stack.enter_context(uploaded.file.open("rb"))
            if uploaded.kind == TemplateKind.PARTY:  # an edited Party template
                header = TEMPLATE_HEADERS["dang36"]
        return render(content, report.format, template=template, **header)


def _failed(report: GeneratedReport, reason: str) -> None:
    GeneratedReport.objects.filter(pk=report.pk).update(error=reason)
