"""Import observations from a CSV or XLSX file: every row checked first, then all or nothing.

The values go through the review workflow (`review.submit`) as one submission; DOST's import
approves them at once, a reporter's upload waits for review.

A file of more than `STIHUB_JOB_THRESHOLD_ROWS` data rows is imported as a job (`start_job`):
the upload is kept on storage and the worker runs `import_observations_task`, which reports
the rows checked and written and leaves the located problems on the job when the file is bad.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from stihub.core.models import AdministrativeUnit, Agency
from stihub.core.uploads import observation_limits
from stihub.engines import reporting
from stihub.engines.limits import sheet_rows
from stihub.engines.observations import ObservationRow, read_observations
from stihub.engines.problems import DataError, Problem, gettext_noop
from stihub.jobs import tasks as jobs
from stihub.jobs.choices import JobKind, JobStage
from stihub.jobs.models import Job

from .choices import Breakdown, Channel, Headline
from .models import Indicator
from .review import Reported, published_values, submit, unchanged

COUNT_CHUNK = 1 << 16
SUM_NOTE = "Tổng các phần (tính tự động)"  # stored data, in the data's language


@dataclass
class Checked:
    """A checked file: the values to submit, and what each changes (for the preview)."""

    reported: list[Reported] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    # (row, current approved value or None) of every row that changes something
    changes: list[tuple[ObservationRow, float | None]] = field(default_factory=list)


def check_file(
    fileobj,
    filename: str,
    *,
    agency=None,
    source="",
    reporter_agency=None,
    progress=None,
    limits=None,
) -> Checked:
    """Read and check every row of an observation file; DataError lists every problem.

    A row's own source and agency (as in a download) win; `source` and `agency` fill the rows
    that leave them empty. `reporter_agency`: the file comes from that agency's reporter, who
    may report only the indicators their agency is responsible for, only the breakdowns the
    indicator declares, and must explain a jump beyond the indicator's tolerance. `limits`: the
    most the file may hold (default: a DOST import's, `observation_limits()`). Every row is
    also checked against its indicator's type, range, periods and breakdown sum.
    """
    indicators = {i.code: i for i in Indicator.objects.all()}
    agencies = {a.code: a for a in Agency.objects.all()}
    units = AdministrativeUnit.objects.filter(parent__isnull=False).values_list("code", "name")
    areas = {str(code): name for code, name in units}
    sectors = {s for i in indicators.values() if i.breakdown == Breakdown.SECTOR for s in i.sectors}
    rows = read_observations(
        fileobj,
        filename=filename,
        known_indicators=set(indicators),
        areas=areas,
        sectors=sectors,
        latest_year=timezone.localdate().year,
        known_agencies=set(agencies),
        limits=limits or observation_limits(),
    )
    if progress:
        progress.advance(JobStage.CHECKING, len(rows), len(rows))
    problems: list[Problem] = []
    keys = {(indicators[r.indicator].pk, r.year, r.period, r.area) for r in rows}
    current = published_values(keys | {_previous_key(indicators[r.indicator], r) for r in rows})
    checked = Checked()
    unit_names = set(areas.values())
    for row in rows:
        indicator = indicators[row.indicator]
        row_agency = agencies[row.agency] if row.agency else agency
        reported = Reported(
            indicator_id=indicator.pk,
            year=row.year,
            value=row.value,
            period=row.period,
            area=row.area,
            note=row.note,
            source=row.source or source,
            agency_id=row_agency.pk if row_agency else None,
            is_sample=row.sample,
            explanation=row.explanation,
        )
        before = current.get(reported.key)
        if unchanged(reported, before):  # a value in force, repeated: nothing to check
            checked.counts["unchanged"] += 1
            continue
        _check_row(row, indicator, row_agency, reporter_agency, unit_names, current, problems)
        if before is not None and before.is_sample is False and row.sample:
            problems.append(
                Problem(
                    gettext_noop(
                        "This row is marked as sample data, but %(indicator)s %(year)s already"
                        " has a real figure, which sample data may not replace."
                    ),
                    {"indicator": row.indicator, "year": row.year},
                    row.sheet,
                    row.line,
                    row.header("sample"),
                )
            )
        checked.counts["updated" if before is not None else "created"] += 1
        checked.reported.append(reported)
        checked.changes.append((row, None if before is None else before.value))
    sum_problems, computed = _check_sums(rows, indicators)
    problems += sum_problems
    for code, year, period, total in computed:
        indicator = indicators[code]
        reported = Reported(
            indicator.pk,
            year,
            total,
            period=period,
            source=source,
            agency_id=(reporter_agency or agency).pk if (reporter_agency or agency) else None,
            note=SUM_NOTE,
        )
        checked.reported.append(reported)
        checked.counts["created" if reported.key not in current else "updated"] += 1
    if problems:
        raise DataError(sorted(problems, key=lambda p: (p.row or 0)))
    return checked


def _previous_key(indicator, row):
    year, period = reporting.previous_period(indicator.frequency, row.year, row.period)
    return (indicator.pk, year, period, row.area)


def _check_row(row, indicator, row_agency, reporter_agency, unit_names, current, problems):
    def bad(column, template, **params):
        problems.append(Problem(template, params, row.sheet, row.line, row.header(column)))

    for template, params in reporting.check_value(indicator.rules, row.value):
        bad("value", template, **params)
    if row.period not in reporting.periods(indicator.frequency):
        bad(
            "period",
            gettext_noop("Indicator %(code)s is not reported for the period %(period)s."),
            code=indicator.code,
            period=row.period or "-",
        )
    if reporter_agency is None:
        return
    if indicator.agency_id != reporter_agency.pk:
        bad(
            "indicator",
            gettext_noop(
                "Your agency is not responsible for indicator %(code)s: only its responsible"
                " agency reports it."
            ),
            code=indicator.code,
        )
    if row_agency is not None and row_agency.pk != reporter_agency.pk:
        bad(
            "agency",
            gettext_noop("You may report only for your own agency, %(agency)s."),
            agency=reporter_agency.code,
        )
    if row.sample:
        bad("sample", gettext_noop("Only DOST may load sample data."))
    kind = Breakdown.AREA if row.area in unit_names else Breakdown.SECTOR
    if row.area and indicator.breakdown != kind:
        bad(
            "area",
            gettext_noop("Indicator %(code)s does not declare this breakdown: %(kind)s."),
            code=indicator.code,
            kind=Breakdown(kind).label,
        )
    previous = current.get(_previous_key(indicator, row))
    change = reporting.jump(indicator.rules, previous.value if previous else None, row.value)
    if change is not None and not row.explanation:
        bad(
            "explanation",
            gettext_noop(
                "The value changes by more than %(tolerance)s %% from the previous period"
                " (%(previous)s): explain why in the explanation column."
            ),
            tolerance=f"{indicator.jump_tolerance * 100:g}",
            previous=f"{previous.value:g}",
        )


def _check_sums(rows, indicators) -> tuple[list[Problem], list[tuple]]:
    """Breakdowns against their headline, for indicators that declare a breakdown: a headline
    given with its parts must equal their sum; where the headline is the sum and the file gives
    only the parts, the headline is computed: ([problems], [(code, year, period, sum)])."""
    groups = defaultdict(lambda: [None, {}])
    for row in rows:
        if indicators[row.indicator].breakdown == Breakdown.NONE:
            continue
        group = groups[(row.indicator, row.year, row.period)]
        if row.area:
            group[1][row.area] = row.value
        else:
            group[0] = row
    problems, computed = [], []
    for (code, year, period), (headline, parts) in groups.items():
        rules = indicators[code].rules
        if headline is None and parts and rules.headline == Headline.SUM:
            computed.append((code, year, period, reporting.headline_of(rules, None, parts)[0]))
        if headline is None or not parts:
            continue
        entered = reporting.Rules(headline=Headline.ENTERED)  # given: it must equal the sum
        _total, problem = reporting.headline_of(entered, headline.value, parts)
        if problem:
            where = (headline.sheet, headline.line, headline.header("value"))
            problems.append(Problem(problem[0], problem[1], *where))
    return problems, computed


def import_observations(
    fileobj,
    filename: str,
    *,
    user=None,
    agency=None,
    source="",
    progress=None,
    approve=True,
    channel=Channel.IMPORT,
) -> Counter:
    """Check a file and submit its values as one submission; DOST approves them at once
    unless `approve` is False (they then wait for review). Counts created, updated (a new
    revision of a published value) and unchanged rows. Nothing is written when a row is bad.

    The rows are checked before the write transaction opens, so the database's one writer is
    held only while writing. A job passes its `progress` (jobs.tasks.Progress): it hears of
    the rows checked and written, and the job is marked done in the transaction that writes.
    """
    checked = check_file(fileobj, filename, agency=agency, source=source, progress=progress)
    if progress:
        progress.stage(JobStage.WRITING, len(checked.reported))
    with transaction.atomic():
        if checked.reported:
            submit(
                checked.reported,
                user=user,
                agency=agency,
                channel=channel,
                approve=approve,
                input_name=filename,
            )
        if progress:
            progress.advance(JobStage.WRITING, len(checked.reported), len(checked.reported))
            counts = checked.counts
            progress.finish(
                {k: counts[k] for k in ("created", "updated", "unchanged")},
                sum(counts.values()),
            )
    return checked.counts


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


def start_job(upload, *, user, agency=None, source="", approve=True) -> Job:
    """Keep the upload on storage and queue its import; the job and its task are created in
    one transaction (the queue is a table of the same database), so neither exists alone."""
    with transaction.atomic():
        job = Job(
            kind=JobKind.IMPORT_OBSERVATIONS,
            created_by=user,
            input_name=upload.name,
            total=count_rows(upload, upload.name),
            params={
                "agency": agency.pk if agency else None,
                "source": source,
                "approve": approve,
            },
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
            approve=job.params.get("approve", True),
            progress=progress,
        )
