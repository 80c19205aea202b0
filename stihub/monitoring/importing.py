"""Import observations from a CSV or XLSX file: every row checked first, then all or nothing.

A file of more than `STIHUB_JOB_THRESHOLD_ROWS` data rows is imported as a job (`start_job`):
the upload is kept on storage and the worker runs `import_observations_task`, which reports
the rows checked and written and leaves the located problems on the job when the file is bad.
"""

from collections import Counter

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from stihub.core.models import AdministrativeUnit, Agency
from stihub.core.uploads import observation_limits
from stihub.core.upsert import upsert
from stihub.engines.limits import sheet_rows
from stihub.engines.observations import read_observations
from stihub.engines.problems import DataError, Problem, gettext_noop
from stihub.jobs import tasks as jobs
from stihub.jobs.choices import JobKind, JobStage
from stihub.jobs.models import Job

from .models import Indicator, Observation

COUNT_CHUNK = 1 << 16


def import_observations(
    fileobj, filename: str, *, user=None, agency=None, source="", progress=None
) -> Counter:
    """Create or update observations keyed by (indicator, year, area).

    Raises `DataError` listing every bad row (with its line number) before anything is written.
    A value that changes is updated, never silently: its history keeps the value it replaced.
    Rows name areas among the loaded commune-level units and no year after the current one.
    A row's own source and agency (as in a download) win; `source` and `agency` fill the rows
    that leave them empty. A row marked sample stays sample and never replaces a real figure.

    The rows are checked before the write transaction opens, so the database's one writer is
    held only while writing. A job passes its `progress` (jobs.tasks.Progress): it hears of
    the rows checked and written, and the job is marked done in the transaction that writes.
    """
    indicators = {i.code: i for i in Indicator.objects.all()}
    agencies = {a.code: a for a in Agency.objects.all()}
    units = AdministrativeUnit.objects.filter(parent__isnull=False).values_list("code", "name")
    rows = read_observations(
        fileobj,
        filename=filename,
        known_indicators=set(indicators),
        areas={str(code): name for code, name in units},
        latest_year=timezone.localdate().year,
        known_agencies=set(agencies),
        limits=observation_limits(),
    )
    if progress:
        progress.advance(JobStage.CHECKING, len(rows), len(rows))
        progress.stage(JobStage.WRITING, len(rows))
    with transaction.atomic():
        _refuse_sample_over_real(rows)  # inside: a real figure may have arrived since the check
        counts: Counter = Counter()
        for written, row in enumerate(rows, 1):
            _obj, change = upsert(
                Observation,
                {"indicator": indicators[row.indicator], "year": row.year, "area": row.area},
                {
                    "value": row.value,
                    "note": row.note,
                    "source": row.source or source,
                    "agency": agencies[row.agency] if row.agency else agency,
                    "reported_by": user,
                    "is_sample": row.sample,
                },
            )
            counts[change.value] += 1
            if progress:
                progress.advance(JobStage.WRITING, written, len(rows))
        if progress:
            progress.finish({k: counts[k] for k in ("created", "updated", "unchanged")}, len(rows))
    return counts


def _refuse_sample_over_real(rows) -> None:
    """Sample data never feeds an official status, so it may not replace a real figure."""
    sample = [row for row in rows if row.sample]
    if not sample:
        return
    real = set(
        Observation.objects.filter(
            is_sample=False, indicator__code__in={row.indicator for row in sample}
        ).values_list("indicator__code", "year", "area")
    )
    problems = [
        Problem(
            gettext_noop(
                "This row is marked as sample data, but %(indicator)s %(year)s already has a real"
                " figure, which sample data may not replace."
            ),
            {"indicator": row.indicator, "year": row.year},
            row=row.line,
            column="sample",
        )
        for row in sample
        if (row.indicator, row.year, row.area) in real
    ]
    if problems:
        raise DataError(problems)


def count_rows(upload, filename: str) -> int:
    """About how many data rows a file has, without checking them: the lines of a CSV (a quoted
    line break counts twice); the rows the first sheet of a workbook declares, or, when it
    declares none, its rows counted as they stream by. The header is not counted. 0 when the
    file cannot be read: the import in the request then says what is wrong with it."""
    try:
        upload.seek(0)
        if filename.lower().endswith(".xlsx"):
            rows = _xlsx_rows(upload)
        else:
            rows = 0
            while chunk := upload.read(COUNT_CHUNK):
                rows += chunk.count(b"\n")
    except Exception:  # openpyxl and zipfile raise many kinds of error for a damaged file
        rows = 0
    finally:
        upload.seek(0)
    return max(rows - 1, 0)


def _xlsx_rows(upload) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(upload, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > 1:
            return sheet.max_row  # the declared size, already checked against the limits
        # None declared, or "A1" as some programs write: count while streaming, within limits.
        return sum(1 for _row in sheet_rows(sheet, observation_limits()))
    finally:
        workbook.close()


def is_large(upload, filename: str) -> bool:
    return count_rows(upload, filename) > settings.STIHUB_JOB_THRESHOLD_ROWS


def start_job(upload, *, user, agency=None, source="") -> Job:
    """Keep the upload on storage and queue its import; the job and its task are created in
    one transaction (the queue is a table of the same database), so neither exists alone."""
    with transaction.atomic():
        job = Job(
            kind=JobKind.IMPORT_OBSERVATIONS,
            created_by=user,
            input_name=upload.name,
            total=count_rows(upload, upload.name),
            params={"agency": agency.pk if agency else None, "source": source},
        )
        job.input_file.save(upload.name, upload, save=False)
        job.save()
        result = import_observations_task.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    return job


@task()
def import_observations_task(job_id: int) -> None:
    """The worker's side of `start_job`: import the stored file, reporting progress."""
    jobs.run(job_id, _import_job)


def _import_job(job: Job, progress) -> None:
    agency = job.params.get("agency")
    progress.stage(JobStage.CHECKING, job.total)
    with job.input_file.open("rb") as handle:
        import_observations(
            handle,
            job.input_name,
            user=job.created_by,
            agency=Agency.objects.get(pk=agency) if agency else None,
            source=job.params.get("source", ""),
            progress=progress,
        )
