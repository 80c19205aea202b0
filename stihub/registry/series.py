"""The registry-fed indicator series (issue item 6): gather the registry's records, count them
with `stihub.engines.registry_series`, and send the values that differ into the review workflow.

Values enter as SUBMITTED revisions (channel "registry", source "registry", a note saying how
they were counted) of the indicator's agency: DOST approves them like any report, so a figure
in force is never replaced silently. A year whose computed value equals the value in force or
one already waiting in review is skipped, so running again without a change submits nothing.

`registry_changed()` is called after every registry write (signals, and the importers after
their bulk writes): on commit it queues one recomputation job, unless one is already queued.
"""

import contextlib
import threading

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from stihub.core.cache import data_changed
from stihub.core.models import User
from stihub.engines import registry_series as engine
from stihub.jobs import tasks as jobs
from stihub.jobs.choices import JobKind, JobStage, JobStatus
from stihub.jobs.models import Job
from stihub.monitoring.choices import Channel, RevisionStatus
from stihub.monitoring.models import Indicator, Observation, Submission
from stihub.monitoring.review import Reported, submit

from .models import Enterprise, IPObject, SurveyYear

SOURCE = "registry"  # Observation.source of every registry-fed value
SYSTEM_USERNAME = "stihub-registry"  # who starts a recomputation no person asked for
NOTES = {
    engine.ST_ENTERPRISES: _(
        "Counted from the registries: enterprises holding an S&T enterprise certificate not "
        "revoked, or recognised as innovative startups, on 31/12/%(year)s (each once)."
    ),
    engine.IP_REGISTRATIONS: _(
        "Counted from the registries: industrial property applications filed in %(year)s."
    ),
    engine.RD_FTE_PER_10K: _(
        "Counted from the registries: R&D personnel (full-time equivalent) of the organizations "
        "and enterprises surveyed for %(year)s, per 10,000 people of the approved population."
    ),
}
REPLACED = _("Replaced by a newer count from the registries.")
_quiet = threading.local()


def last_ended_year(today=None) -> int:
    """The last year whose 31 December has passed: a count at year end is final only then."""
    return (today or timezone.localdate()).year - 1


def population() -> dict[int, float]:
    """{year: the approved average population} (the POPULATION indicator's headline)."""
    return dict(
        Observation.objects.published()
        .filter(indicator__code=engine.POPULATION, area="", period="")
        .values_list("year", "value")
    )


def compute(last_year: int | None = None) -> dict[str, dict[int, float]]:
    """The three series from the registry as it is now: {code: {year: value}}."""
    last_year = last_ended_year() if last_year is None else last_year
    enterprises = [
        engine.EnterpriseRecord(*row)
        for row in Enterprise.objects.filter(
            Q(st_cert_date__isnull=False) | Q(startup_recognised_on__isnull=False)
        ).values_list("pk", "st_cert_date", "st_cert_revoked_on", "startup_recognised_on")
    ]
    surveys = [
        engine.SurveyRecord(year, fte)
        for year, fte in SurveyYear.objects.filter(rd_fte__isnull=False).values_list(
            "year", "rd_fte"
        )
    ]
    return engine.compute(
        enterprises=enterprises,
        filed_on=IPObject.objects.values_list("filed_on", flat=True).iterator(),
        surveys=surveys,
        population=population(),
        last_year=last_year,
    )


def comparison(series: dict[str, dict[int, float]]) -> dict[str, dict]:
    """{code: {"indicator": Indicator or None, "rows": [{year, computed, in_force, pending,
    differs}]}}: each computed value beside the value in force and those waiting in review."""
    indicators = Indicator.objects.select_related("agency").in_bulk(list(series), field_name="code")
    headline = Observation.objects.filter(
        indicator__code__in=list(series), area="", period=""
    ).values_list("indicator__code", "year", "status", "value")
    in_force, pending = {}, {}
    for code, year, status, value in headline.order_by("pk"):
        if status == RevisionStatus.APPROVED:
            in_force[(code, year)] = value
        elif status == RevisionStatus.SUBMITTED:
            pending.setdefault((code, year), []).append(value)
    tables = {}
    for code, values in series.items():
        rows = []
        for year in sorted(set(values) | {y for c, y in in_force if c == code}):
            computed = values.get(year)
            waiting = pending.get((code, year), [])
            differs = computed is not None and computed != in_force.get((code, year))
            rows.append(
                {
                    "year": year,
                    "computed": computed,
                    "in_force": in_force.get((code, year)),
                    "pending": waiting,
                    "differs": differs and computed not in waiting,
                }
            )
        tables[code] = {"indicator": indicators.get(code), "rows": rows}
    return tables


def note_for(code: str, year: int) -> str:
    """How the value was counted, in the product's language (the note is stored text)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(NOTES[code]) % {"year": year}


def submit_changes(
    series: dict[str, dict[int, float]] | None = None, *, user=None, sample: bool = False
) -> list[Observation]:
    """Submit into review every computed value that differs from the value in force and from
    those waiting; one submission per agency. Returns the revisions created (none: no change).
    An indicator missing from the database (no resolution loaded) is skipped."""
    with transaction.atomic():
        # Two recomputations at once (two workers, a page and a job) take turns here, so the
        # second sees what the first submitted and does not submit it again.
        list(Indicator.objects.select_for_update().filter(code__in=engine.CODES))
        series = compute() if series is None else series
        return _submit_differences(series, user=user, sample=sample)


def _submit_differences(series, *, user, sample: bool) -> list[Observation]:
    by_agency: dict[object, list[Reported]] = {}
    agencies = {}
    for code, table in comparison(series).items():
        indicator = table["indicator"]
        if indicator is None:
            continue
        for row in table["rows"]:
            if not row["differs"]:
                continue
            agencies[indicator.agency_id] = indicator.agency
            by_agency.setdefault(indicator.agency_id, []).append(
                Reported(
                    indicator.pk,
                    row["year"],
                    float(row["computed"]),
                    note=note_for(code, row["year"]),
                    source=SOURCE,
                    agency_id=indicator.agency_id,
                    is_sample=sample,
                )
            )
    _supersede_stale(series)
    created = []
    for agency_id, reported in by_agency.items():
        _submission, revisions = submit(
            reported,
            user=user,
            agency=agencies[agency_id],
            channel=Channel.REGISTRY,
            input_name=SOURCE,
        )
        created += revisions
    return created


def _supersede_stale(series) -> int:
    """Earlier registry counts still waiting whose value is no longer the count: superseded
    (with their history), so DOST never approves an outdated count. Only the registry's own
    waiting values; those of people, and approved ones, are left as they are."""
    stale = [
        obs
        for obs in Observation.objects.filter(
            indicator__code__in=list(series),
            status=RevisionStatus.SUBMITTED,
            submission__channel=Channel.REGISTRY,
            area="",
            period="",
        ).select_related("indicator")
        if series[obs.indicator.code].get(obs.year) not in (None, obs.value)
    ]
    if not stale:
        return 0
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        comment = str(REPLACED)
    values = {"status": RevisionStatus.SUPERSEDED, "review_comment": comment, "updated_at": now}
    for obs in stale:
        for name, value in values.items():
            setattr(obs, name, value)
    Observation.objects.filter(pk__in=[obs.pk for obs in stale]).update(**values)
    Observation.history.bulk_history_create(stale, update=True)
    data_changed()
    return len(stale)


def as_json(series: dict[str, dict[int, float]]) -> dict[str, dict[str, float]]:
    """{"CODE": {"YEAR": value}}: year keys as strings, whole counts as integers."""
    return {
        code: {str(year): _number(value) for year, value in sorted(values.items())}
        for code, values in series.items()
    }


def _number(value):
    """A whole count as an integer (JSON 12, not 12.0)."""
    return int(value) if float(value).is_integer() else value


# --- recomputation on change -------------------------------------------------------------------


@contextlib.contextmanager
def quiet():
    """Within it, registry writes queue no recomputation (the demo and tests that compute the
    series themselves at the end)."""
    previous = getattr(_quiet, "on", False)
    _quiet.on = True
    try:
        yield
    finally:
        _quiet.on = previous


def system_user() -> User:
    """The account recorded as starting the recomputations no signed-in person caused: it
    cannot sign in (inactive, no password) and holds no role."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False, "first_name": "STI Hub"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _request_user():
    """The signed-in person whose request is writing (django-simple-history's middleware keeps
    the request), else None."""
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def registry_changed(user=None) -> None:
    """Called after any registry write (the importers call it after their bulk writes, which
    send no signals): schedules the recomputation of the registry-fed series on commit."""
    if getattr(_quiet, "on", False):
        return
    if _already_scheduled():
        return
    user = user or _request_user()

    def on_commit():
        on_commit.registry_series = False  # done: a later write asks again
        schedule(user)

    on_commit.registry_series = True
    # robust: a failure to queue is logged and never undoes or breaks the write that caused it
    transaction.on_commit(on_commit, robust=True)


def _already_scheduled() -> bool:
    """Whether this transaction has already asked for a recomputation on commit (a form that
    saves a record and its survey years asks once)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    return any(getattr(entry[1], "registry_series", False) for entry in connection.run_on_commit)


def schedule(user=None) -> Job | None:
    """Queue a recomputation unless one is already queued (a burst of writes: one job)."""
    with transaction.atomic():
        if Job.objects.filter(kind=JobKind.REGISTRY_SERIES, status=JobStatus.QUEUED).exists():
            return None
        job = Job.objects.create(kind=JobKind.REGISTRY_SERIES, created_by=user or system_user())
        result = registry_series_task.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
    return job


@task()
def registry_series_task(job_id: int) -> None:
    """The worker's side of `schedule`: recompute the series and submit what changed."""
    jobs.run(job_id, _recompute)


def _recompute(job: Job, progress) -> None:
    """The job: count and submit in one transaction with the job's "done" mark."""
    progress.stage(JobStage.GATHERING, 0)
    with transaction.atomic():
        series = compute()
        created = submit_changes(series)
        progress.finish(
            {
                "series": as_json(series),
                "submitted": [[r.indicator_id, r.year, r.value] for r in created],
            }
        )


def discard_empty_registry_submissions() -> None:
    """Submissions of the registry left without revisions (their sample values deleted)."""
    Submission.objects.filter(channel=Channel.REGISTRY, observations__isnull=True).delete()
