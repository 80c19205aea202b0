"""Jobs: a large observation import runs as a job, with progress, a result or located problems.

The queue is the production one (django-tasks' database backend); the tests run its worker in
this process, in batch mode (every queued task, then return), so what the worker does is
deterministic and seen by the test. Live progress goes to the "jobs" cache, here in memory.
"""

import io
import sqlite3
import threading
import zipfile

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook

from stihub.core import formatting
from stihub.jobs import tasks as jobs_tasks
from stihub.jobs.choices import JobKind, JobStage, JobStatus
from stihub.jobs.models import Job
from stihub.monitoring.importing import count_rows, import_observations_task
from stihub.monitoring.models import Observation

THRESHOLD = 100  # rows; production's default is 2000 (STIHUB_JOB_THRESHOLD_ROWS)
INDICATORS = [  # six of the Nghệ An resolution's, so that 600 rows need only 100 years
    "RD_FTE_PER_10K",
    "IP_REGISTRATIONS",
    "ST_ENTERPRISES",
    "ST_ENTERPRISES_SUPPORTED",
    "HIGHTECH_MFG_SHARE",
    "STI_BUDGET_SHARE",
]
IMPORTED = "Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged."


@pytest.fixture(autouse=True)
def small_threshold_and_memory_progress(settings):
    settings.STIHUB_JOB_THRESHOLD_ROWS = THRESHOLD
    settings.CACHES = {
        **settings.CACHES,
        "jobs": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jobs"},
    }


@pytest.fixture(autouse=True)
def worker_keeps_the_test_transaction(monkeypatch):
    """The worker closes stale connections between tasks, which would end the transaction each
    test runs in (on PostgreSQL); here the test's connection is never stale."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker() -> None:
    """`stihub db_worker --batch`: run every queued task, then return."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def rows_csv(n: int, bad: dict[int, str] | None = None) -> bytes:
    """n rows: indicator i % 6, year 2024 - i // 6, value 1 + i % 90 (whole numbers within every
    one's range); `bad` replaces a data row (numbered from 1) with other text. The file's line
    of data row k is k + 1."""
    lines = ["indicator,year,value"]
    for i in range(n):
        line = f"{INDICATORS[i % 6]},{2024 - i // 6},{1 + i % 90}"
        lines.append((bad or {}).get(i + 1, line))
    return ("\n".join(lines) + "\n").encode()


def upload(content: bytes, name="data.csv"):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def post_import(client, content: bytes, name="data.csv"):
    return client.post(
        reverse("monitoring:import"), {"file": upload(content, name), "approve": "on"}
    )


# --- a large import becomes a job -------------------------------------------------------------


def test_import_view_queues_a_large_file_and_the_worker_imports_it(client_for, nghe_an, users):
    client = client_for("dost")
    response = post_import(client, rows_csv(300))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:detail", args=[job.pk])
    # Queued, not yet imported: 300 data rows counted, the file kept on storage, one task queued.
    assert (job.status, job.total, job.kind) == ("queued", 300, "import_observations")
    assert job.created_by == users["dost"]
    assert job.input_file.read() == rows_csv(300)
    assert DBTaskResult.objects.get().task_path.endswith("import_observations_task")
    assert not Observation.objects.exists()
    page = client.get(response.url)
    assert 'data-status="queued"' in page.content.decode()
    assert 'hx-trigger="every 2s"' in page.content.decode()  # the page asks again by itself

    run_worker()

    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 300, 300)
    assert job.result == {"created": 300, "updated": 0, "unchanged": 0}
    assert job.started_at and job.finished_at and job.problems == []
    assert Observation.objects.count() == 300
    # Row 151 (i = 150): indicator 150 % 6 = 0 → RD_FTE_PER_10K, year 2024 - 25 = 1999,
    # value 1 + 150 % 90 = 61; approved at once, as DOST asked.
    row = Observation.objects.get(indicator__code="RD_FTE_PER_10K", year=1999)
    assert (row.value, row.reported_by, row.status) == (61, users["dost"], "approved")
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'data-status="done"' in page and "hx-trigger" not in page  # finished: polling stops
    with translation.override("vi"):
        sentence = gettext(IMPORTED) % {"created": 300, "updated": 0, "unchanged": 0}
    assert sentence in page


def test_a_file_at_the_threshold_is_imported_in_the_request(client_for, nghe_an):
    response = post_import(client_for("dost"), rows_csv(THRESHOLD))
    assert response.status_code == 302 and response.url == reverse("monitoring:import")
    assert not Job.objects.exists()
    assert Observation.objects.count() == THRESHOLD


def test_the_task_reports_rows_checked_then_rows_written(client_for, nghe_an, monkeypatch):
    """Progress seen from outside: every report the worker makes, in order."""
    reports = []
    original = jobs_tasks.Progress._live

    def spy(self, stage, done, total):
        reports.append((str(stage), done, total))
        original(self, stage, done, total)

    monkeypatch.setattr(jobs_tasks.Progress, "_live", spy)
    post_import(client_for("dost"), rows_csv(600))
    run_worker()
    # Checking: begins at 0 of the 600 counted rows, ends with all 600 checked; writing: the
    # revisions are written in bulk, so it goes from none to all.
    assert reports == [
        ("checking", 0, 600),
        ("checking", 600, 600),
        ("writing", 0, 600),
        ("writing", 600, 600),
    ]


# --- a bad large file -------------------------------------------------------------------------


def test_a_bad_large_file_leaves_located_problems_and_writes_nothing(client_for, nghe_an):
    client = client_for("dost")
    # Data row 56 is on line 57; data row 200 on line 201.
    content = rows_csv(300, bad={56: "NO_SUCH_CODE,2020,1", 200: "ST_ENTERPRISES,20x4,7"})
    post_import(client, content)
    run_worker()
    job = Job.objects.get()
    assert job.status == "failed"
    assert [(p["row"], p["column"]) for p in job.problems] == [(57, "indicator"), (201, "year")]
    assert not Observation.objects.exists()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    with translation.override("vi"):
        expected = [formatting.problem(p) for p in job.problem_list]
    assert all(text in page for text in expected) and 'data-status="failed"' in page


# --- who may see a job ------------------------------------------------------------------------


def test_only_the_creator_and_dost_see_a_job(client, client_for, nghe_an, users):
    job = Job.objects.create(kind=JobKind.IMPORT_OBSERVATIONS, created_by=users["reporter"])
    answers = {}
    for name in ("reporter", "reporter_b", "outsider", "expert", "dost", "admin"):
        signed_in = client_for(name)
        answers[name] = {
            signed_in.get(reverse(route, args=[job.pk])).status_code
            for route in ("jobs:detail", "jobs:status")
        }
    assert answers == {
        "reporter": {200},
        "reporter_b": {403},
        "outsider": {403},
        "expert": {403},
        "dost": {200},
        "admin": {200},
    }
    client.logout()
    assert client.get(reverse("jobs:detail", args=[job.pk])).url.startswith(reverse("login"))


# --- the progress fragment --------------------------------------------------------------------


def test_the_fragment_shows_the_progress_the_worker_reported(client_for, users):
    job = Job.objects.create(
        kind=JobKind.IMPORT_OBSERVATIONS, created_by=users["dost"], status=JobStatus.RUNNING
    )
    progress = jobs_tasks.Progress(job)
    progress.stage(JobStage.WRITING, 400)
    progress.advance(JobStage.WRITING, 250, 400)  # 250 is a reporting step
    html = client_for("dost").get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert '<progress max="400" value="250">' in html  # 250 / 400 = 62.5 % → shown as 62 %
    assert "(62%)" in html
    assert 'hx-get="{}"'.format(reverse("jobs:status", args=[job.pk])) in html
    assert "<html" not in html  # a fragment, not a page


def test_a_finished_job_shows_no_stale_live_progress(client_for, users):
    job = Job.objects.create(
        kind=JobKind.IMPORT_OBSERVATIONS, created_by=users["dost"], status=JobStatus.RUNNING
    )
    jobs_tasks.Progress(job).advance(JobStage.WRITING, 250, 400)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, result={"created": 3})
    html = client_for("dost").get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert "<progress" not in html and "hx-get" not in html


# --- retries ----------------------------------------------------------------------------------


def test_retrying_a_finished_job_does_nothing(client_for, nghe_an):
    post_import(client_for("dost"), rows_csv(150))
    run_worker()
    job = Job.objects.get()
    # A later hand correction must survive a duplicate delivery of the task.
    corrected = Observation.objects.get(indicator__code="RD_FTE_PER_10K", year=2024)
    corrected.value = 99
    corrected.save()
    history = corrected.history.count()
    import_observations_task.enqueue(job.pk)
    run_worker()
    after = Job.objects.get()
    assert (after.status, after.result, after.finished_at) == ("done", job.result, job.finished_at)
    corrected.refresh_from_db()
    assert (corrected.value, corrected.history.count()) == (99, history)


def test_retrying_a_failed_job_does_nothing(client_for, nghe_an):
    post_import(client_for("dost"), rows_csv(150, bad={3: "NO_SUCH_CODE,2020,1"}))
    run_worker()
    failed = Job.objects.get()
    import_observations_task.call(failed.pk)
    assert Job.objects.get().problems == failed.problems
    assert not Observation.objects.exists()


def test_a_job_cut_short_runs_again_from_the_start(client_for, nghe_an):
    """A worker killed mid-import wrote nothing (one transaction), so the job may run again."""
    post_import(client_for("dost"), rows_csv(150))
    Job.objects.update(status=JobStatus.RUNNING, done=40)  # as the killed worker left it
    import_observations_task.call(Job.objects.get().pk)
    assert (Job.objects.get().status, Observation.objects.count()) == ("done", 150)


# --- counting rows cheaply --------------------------------------------------------------------


def workbook_bytes(rows: int, dimension: bool = True) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "year", "value"])
    for i in range(rows):
        sheet.append(["RD_FTE_PER_10K", 2024 - i, i])
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension:
        return buffer.getvalue()
    # The same workbook without its <dimension> element, as some programs write it.
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                start = data.index(b"<dimension")
                data = data[:start] + data[data.index(b"/>", start) + 2 :]
            dst.writestr(item, data)
    return out.getvalue()


def test_count_rows_counts_data_rows_without_the_header():
    assert count_rows(upload(rows_csv(250)), "data.csv") == 250
    assert count_rows(upload(workbook_bytes(120)), "data.xlsx") == 120
    assert count_rows(upload(workbook_bytes(120, dimension=False)), "data.xlsx") == 120
    assert count_rows(upload(b"PK\x03\x04 broken"), "data.xlsx") == 0  # the request says why


def test_a_large_workbook_becomes_a_job_too(client_for, nghe_an):
    post_import(client_for("dost"), workbook_bytes(THRESHOLD + 1), name="data.xlsx")
    run_worker()
    job = Job.objects.get()
    assert (job.status, job.result["created"]) == ("done", THRESHOLD + 1)


# --- SQLite: readers are never locked out by a long write -------------------------------------


def _file_connection(path, options):
    """A Django connection to the SQLite file `path`, with `options` as in settings."""
    settings_dict = {**connections.settings["default"], "NAME": str(path), "OPTIONS": options}
    return connections["default"].__class__(settings_dict, "default")


def _read_dashboard_while_a_write_is_held(path, options, code) -> int | str:
    """Thread 1 holds an exclusive write transaction (as a long import does at its commit);
    thread 2 asks for the dashboard through its own connection. Returns its status or error."""
    holding, read = threading.Event(), threading.Event()
    answer = {}

    def writer():
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")  # as SQLite locks when a long write spills or commits
        conn.execute("UPDATE monitoring_observation SET value = value + 1")
        holding.set()
        read.wait(timeout=10)
        conn.execute("ROLLBACK")
        conn.close()

    def reader():
        connections["default"] = _file_connection(path, options)
        try:
            url = reverse("monitoring:dashboard", args=[code])
            answer["status"] = Client().get(url).status_code
        except Exception as error:  # noqa: BLE001 - the error is the answer under test
            answer["status"] = str(error)
        finally:
            connections["default"].close()
            read.set()

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    threads[0].start()
    assert holding.wait(timeout=10)
    threads[1].start()
    for thread in threads:
        thread.join(timeout=20)
    return answer["status"]


@pytest.mark.django_db(transaction=True)
def test_a_long_write_never_locks_out_readers_of_the_dashboard(nghe_an, tmp_path, settings):
    if connections["default"].vendor != "sqlite":
        pytest.skip("SQLite's locking; PostgreSQL readers never wait for writers")
    # No cached page: the dashboard must read the database.
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    path = tmp_path / "stihub.sqlite3"
    with sqlite3.connect(path) as target:
        connections["default"].ensure_connection()
        connections["default"].connection.backup(target)
    options = settings.DATABASES["default"]["OPTIONS"]  # WAL, busy timeout, IMMEDIATE
    assert "journal_mode=WAL" in options["init_command"]
    setup = _file_connection(path, options)
    setup.ensure_connection()  # switches the file to WAL, which persists
    setup.close()
    assert _read_dashboard_while_a_write_is_held(path, options, nghe_an.code) == 200
    # The same with the rollback journal (SQLite's default) and no wait: the reader is locked out.
    # This shows the test can fail, and that WAL is what lets the page through.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    old = {"init_command": "PRAGMA journal_mode=DELETE;", "timeout": 0.1}
    locked = _read_dashboard_while_a_write_is_held(path, old, nghe_an.code)
    assert locked == 503 or "database is locked" in str(locked)  # 503: the unavailable page
