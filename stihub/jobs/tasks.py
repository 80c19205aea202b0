"""Running a job: claim it, report progress, finish it with its result or its problems.

Each app defines its own task with django-tasks (`@task()`), which calls `run(job_id, work)`;
the queue (settings.TASKS) stores the call and the worker, `stihub db_worker`, runs it.
`work(job, progress)` does the job; it raises `DataError` for a bad input, and calls
`progress.finish(result)` inside the transaction that writes its data, so the data and the
"done" mark are committed together: a retried or duplicated task finds the job finished and
does nothing, and a job cut short (worker killed) wrote nothing and may simply run again.
"""

from collections.abc import Callable

from django.core.cache import caches
from django.utils import timezone

from stihub.engines.problems import DataError, Problem, gettext_noop

from .choices import UNFINISHED, JobStage, JobStatus
from .models import Job

LIVE_SECONDS = 24 * 3600
UNEXPECTED = gettext_noop(
    "The job stopped on an unexpected error and wrote nothing. Try again; if it happens again,"
    " tell the administrator the job number."
)


def live_key(job_id: int) -> str:
    return f"stihub:job:{job_id}:progress"


def live_progress(job: Job) -> dict:
    """Stage, done and total of a running job: what the worker last reported, else the row."""
    live = caches["jobs"].get(live_key(job.pk)) if job.status == JobStatus.RUNNING else None
    return live or {"stage": job.stage, "done": job.done, "total": job.total}


class AlreadyFinished(Exception):
    """Another run finished the job first: this run's writes are rolled back."""


class Progress:
    """What a running job reports. The database keeps the stage boundaries; counts within a
    stage go to the shared "jobs" cache, since a write transaction shows nothing until commit."""

    def __init__(self, job: Job, every: int = 250):
        self.job, self.every = job, every

    def stage(self, stage: JobStage, total: int) -> None:
        """A new stage begins (written to the row, outside any transaction it is seen at once)."""
        Job.objects.filter(pk=self.job.pk).update(stage=stage, done=0, total=total)
        self._live(stage, 0, total)

    def advance(self, stage: JobStage, done: int, total: int) -> None:
        if done == total or done % self.every == 0:
            self._live(stage, done, total)

    def _live(self, stage, done, total) -> None:
        value = {"stage": str(stage), "done": done, "total": total}
        caches["jobs"].set(live_key(self.job.pk), value, LIVE_SECONDS)

    def finish(self, result: dict, done: int | None = None) -> None:
        """Mark the job done; call it inside the transaction that writes the job's data."""
        finished = Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.DONE,
            result=result,
            finished_at=timezone.now(),
            **({"done": done} if done is not None else {}),
        )
        if finished != 1:
            raise AlreadyFinished(self.job.pk)


def claim(job_id: int) -> Job | None:
    """The job, now running; None when it is already finished (or gone)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status__in=UNFINISHED).update(
        status=JobStatus.RUNNING, started_at=now
    )
    return Job.objects.get(pk=job_id) if claimed else None


def fail(job: Job, problems: list[Problem]) -> None:
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED, problems=Job.problems_json(problems), finished_at=timezone.now()
    )


def run(job_id: int, work: Callable[[Job, Progress], dict | None]) -> None:
    job = claim(job_id)
    if job is None:
        return
    progress = Progress(job)
    try:
        result = work(job, progress)
    except AlreadyFinished:
        return
    except DataError as error:
        fail(job, error.problems)
        return
    except BaseException:
        fail(job, [Problem(UNEXPECTED)])
        raise  # the queue records the traceback
    finally:
        caches["jobs"].delete(live_key(job.pk))
    if result is not None:  # work without a write transaction of its own
        Progress(job).finish(result)
