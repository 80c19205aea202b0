"""`make bench`: prints a table of performance figures (never asserted in the test suite).

1. The engines, on synthetic data.
2. The dashboard in-process with Django's test client, on a fresh SQLite database in a temporary
   folder loaded with the demo data at scale 1, then at scale 10.
3. The production server (`make serve`: gunicorn, STIHUB_DEBUG=0, persistent connections) on
   a PostgreSQL database the bench creates and drops (SQLite when PostgreSQL is not reachable),
   loaded with the demo at scale 1 before the server starts, and loaded from 127.0.0.1 by
   `stihub.loadtest`: each public page's throughput as a share of the trivial /health/ view's,
   a load test of 50 users, and the errors and recovery time when PostgreSQL restarts mid-run.

    python -m stihub.bench [--load-seconds 120] [--share-seconds 10] [--restart-seconds 30]
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from stihub import loadtest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
SHARE_CONNECTIONS, LOAD_USERS = 8, 50
SHARE_GOALS = {"dashboard": 0.30, "target page": 0.30, "API /api/targets/": 0.30, "ranking": 0.20}
RESTART = "pg_ctlcluster --skip-systemctl-redirect {version} main restart"

Row = tuple[str, str, str]


# --- in-process figures ----------------------------------------------------------------------


def _dashboard_latency(
    scale: int, cached: bool, requests: int = 200, clear: bool = False
) -> tuple[float, float, int]:
    """p50 and p95 of the dashboard in ms: computed and rendered for each request (the cache
    emptied before each), or served from the page cache. `cached` keeps the data loaded;
    `clear` still empties the cache before each request."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from stihub.monitoring.models import Observation

    if not cached:
        call_command("demo", scale=scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
    Client().get("/")  # warm caches and connections
    timings = []
    for _ in range(requests):
        if clear or not cached:
            cache.clear()
        start = time.perf_counter()
        response = Client().get("/")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    quantiles = statistics.quantiles(timings, n=20)
    return statistics.median(timings), quantiles[18], Observation.objects.count()


def child_json(module: str) -> dict:
    """Run `python -m <module> --child` on a fresh SQLite database of its own (a temporary
    folder) and read the JSON object its last line prints: a bench that loads its own data."""
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "STIHUB_VAR_DIR": folder,
        }
        env.setdefault("STIHUB_DEBUG", "1")
        done = subprocess.run(
            [sys.executable, "-m", module, "--child"],
            env=env,
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
        )
    if done.returncode:
        raise RuntimeError(f"{module} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def in_process_rows() -> list[Row]:
    """The engines, and the dashboard through Django's test client on SQLite."""
    with tempfile.TemporaryDirectory() as folder:
        os.environ["STIHUB_VAR_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("STIHUB_DEBUG", "1")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stihub.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from stihub.engines import (
            composite_bench,
            fair_bench,
            matching_bench,
            progress_bench,
            tasks_bench,
        )

        rows = [*progress_bench.bench(), *composite_bench.bench(), *tasks_bench.rows()]
        rows += [*matching_bench.rows(), *fair_bench.rows()]
        call_command("migrate", verbosity=0)
        p95 = {}
        for scale in (1, 10):
            p50, p95[scale], count = _dashboard_latency(scale, cached=False)
            rows.append(
                (
                    f"dashboard p50 / p95, demo scale {scale} ({count:,} observations)",
                    f"{p50:.1f} / {p95[scale]:.1f} ms",
                    "p95 < 150 ms",
                )  # fmt: skip
            )
            if scale == 1:
                rows += _report_rows()
        rows.append(("dashboard p95 scale 10 / scale 1", f"{p95[10] / p95[1]:.2f}×", "≤ 1.5×"))
        p50, p95_cached, _count = _dashboard_latency(10, cached=True)
        rows.append(
            ("dashboard from the page cache p50 / p95", f"{p50:.1f} / {p95_cached:.1f} ms", "")
        )
        rows += _reporting_rows()
        from stihub.registry import bench_import

        rows += bench_import.rows()  # last: it leaves 20,000 enterprises in the database
    return rows


REPORT_GOALS = {"docx": "< 5 s", "pdf": "< 15 s", "xlsx": ""}


def _report_rows() -> list[Row]:
    """The review report of the demo resolution for last year, built from the database."""
    from django.utils import timezone

    from stihub.monitoring.models import Resolution
    from stihub.reports.content import build
    from stihub.reports.render import render

    resolution = Resolution.objects.order_by("pk").first()  # the demo loads Nghệ An's first
    year = timezone.localdate().year - 1
    rows = []
    for fmt, goal in REPORT_GOALS.items():
        start = time.perf_counter()
        body = render(build(resolution, year), fmt)
        seconds = time.perf_counter() - start
        rows.append((f"review report {year}, demo scale 1, as .{fmt} ({len(body):,} bytes)",
                     f"{seconds:.2f} s", goal))  # fmt: skip
    return rows


UPLOAD_ROWS, UPLOAD_INDICATORS, UPLOAD_YEARS, UPLOAD_PARTS = 10_000, 8, 10, 124


def _upload_workbook(indicators, communes, bad: bool = False):
    """An agency's .xlsx of 10,000 rows, as the reporting template lays it out: per indicator
    and year a headline and 124 communes adding up to it; `bad`: the last value is not a number."""
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Số liệu")
    sheet.append(["Chỉ tiêu", "Năm", "Kỳ", "Địa bàn", "Giá trị", "Ghi chú"])
    for i, code in enumerate(indicators):
        for year in range(2016, 2016 + UPLOAD_YEARS):
            parts = [float(10 + (i * 7 + year + k) % 50) for k in range(UPLOAD_PARTS)]
            sheet.append([code, year, "Năm", "", sum(parts), "bench"])
            for name, value in zip(communes, parts, strict=False):
                sheet.append([code, year, "Năm", name, value, ""])
    if bad:
        sheet.append([indicators[0], 2016, "Năm", communes[-1], "mười", ""])
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    return handle


def _reporting_rows() -> list[Row]:
    """An agency's reporter uploads 10,000 values (checked, then submitted for review); the same
    file with one bad row; then the dashboard with those 10,000 revisions waiting for review."""
    from stihub.core.models import AdministrativeUnit, Agency, User
    from stihub.engines.problems import DataError
    from stihub.monitoring.choices import Channel
    from stihub.monitoring.importing import check_file
    from stihub.monitoring.models import Indicator, Observation
    from stihub.monitoring.review import submit

    agency, _ = Agency.objects.get_or_create(code="BENCH", defaults={"name": "Bench agency"})
    user, _ = User.objects.get_or_create(username="bench-reporter")
    indicators = list(
        Indicator.objects.filter(code__startswith="SAMPLE_", targets__kind="level")
        .order_by("code")
        .values_list("code", flat=True)[:UPLOAD_INDICATORS]
    )
    Indicator.objects.filter(code__in=indicators).update(agency=agency, breakdown="area")
    communes = list(
        AdministrativeUnit.objects.filter(parent__isnull=False)
        .order_by("code")
        .values_list("name", flat=True)[:UPLOAD_PARTS]
    )
    before = Observation.objects.count()
    bad = _upload_workbook(indicators, communes, bad=True)
    start = time.perf_counter()
    try:
        check_file(bad, "bad.xlsx", agency=agency, reporter_agency=agency)
        refused = "accepted (wrong)"
    except DataError as error:
        refused = f"{len(error.problems)} problem, {Observation.objects.count() - before} written"
    bad_seconds = time.perf_counter() - start
    good = _upload_workbook(indicators, communes)
    start = time.perf_counter()
    checked = check_file(good, "good.xlsx", agency=agency, reporter_agency=agency)
    checked_seconds = time.perf_counter() - start
    submit(checked.reported, user=user, agency=agency, channel=Channel.EXCEL)
    total = time.perf_counter() - start
    waiting = Observation.objects.filter(status="submitted").count()
    p50, p95, _count = _dashboard_latency(10, cached=True, clear=True)
    return [
        (
            f"Excel upload of {len(checked.reported):,} rows: checked / checked and submitted",
            f"{checked_seconds:.1f} / {total:.1f} s",
            "< 20 s",
        ),
        (f"the same file with one bad row: {refused}", f"{bad_seconds:.1f} s", "0 written"),
        (
            f"dashboard p50 / p95 with {waiting:,} revisions in review",
            f"{p50:.1f} / {p95:.1f} ms",
            "p95 < 150 ms",
        ),
    ]


# --- the production server ------------------------------------------------------------------


def _postgres(admin_url: str) -> str | None:
    """None when PostgreSQL answers at `admin_url`, else why not."""
    import psycopg

    try:
        with psycopg.connect(admin_url, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def _admin_sql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((loadtest.HOST, 0))
        return s.getsockname()[1]


class Server:
    """The production server, as `make serve` starts it, on a database of the bench's own."""

    def __init__(self, folder: Path, database_url: str):
        self.folder = folder
        self.port = _free_port()
        self.log = folder / "server.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "STIHUB_VAR_DIR": str(folder / "var"),
            "STIHUB_MEDIA_ROOT": str(folder / "media"),
            "STIHUB_STATIC_ROOT": str(folder / "static"),
            "STIHUB_SECRET_KEY": secrets.token_urlsafe(50),
            "STIHUB_ALLOWED_HOSTS": loadtest.HOST,
            "STIHUB_BIND": f"{loadtest.HOST}:{self.port}",
            # All the load comes from one address: a per-address rate limit would measure the
            # limiter, not the pages.
            "STIHUB_API_RATE_ANON": "",
            "STIHUB_API_RATE_USER": "",
        }
        self.process = None

    def stihub(self, *args: str, debug: bool) -> str:
        env = {**self.env, "STIHUB_DEBUG": "1" if debug else "0"}
        done = subprocess.run(
            [str(BIN / "stihub"), *args], env=env, cwd=ROOT, capture_output=True, text=True
        )
        if done.returncode:
            raise RuntimeError(f"stihub {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def command(self) -> tuple[list[str], str]:
        """`make serve` when the Makefile has it; else gunicorn with make serve's config."""
        makefile = (ROOT / "Makefile").read_text()
        if "\nserve:" in makefile and shutil.which("make"):
            return ["make", "--no-print-directory", "-C", str(ROOT), "serve"], "make serve"
        config = ROOT / "stihub" / "gunicorn_conf.py"
        if config.exists():
            command = [str(BIN / "gunicorn"), "--config", str(config)]
            return command, "gunicorn (make serve's config)"
        workers = str(2 * (os.cpu_count() or 1) + 1)
        plain = ["stihub.wsgi:application", "-b", self.env["STIHUB_BIND"], "-w", workers]
        return [str(BIN / "gunicorn"), *plain], f"gunicorn, {workers} workers"

    def start(self) -> str:
        command, name = self.command()
        env = {**self.env, "STIHUB_DEBUG": "0", "MAKEFLAGS": "", "MAKELEVEL": ""}
        if not name.startswith("make"):  # make serve does these itself
            self.stihub("collectstatic", "--noinput", debug=False)
        with self.log.open("wb") as log:
            # its own process group, so that stopping it stops gunicorn and the job worker too
            self.process = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped:\n{self.log.read_text()[-3000:]}")
            try:
                if loadtest.get(self.port, "/health/")[0] == 200:
                    return name
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("the server did not answer /health/ within 3 minutes")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _pages(server: Server) -> dict[str, str]:
    """The pages measured: the dashboard, the target with the most breakdowns, the API's
    target list, the ranking of the newest index dataset."""
    found = server.stihub(
        "shell",
        "-c",
        "import json\n"
        "from django.db.models import Count\n"
        "from stihub.monitoring.models import Target\n"
        "from stihub.innovation.models import IndexDataset\n"
        "t = Target.objects.annotate(n=Count('indicator__observations'))"
        ".select_related('resolution').order_by('-n', 'pk').first()\n"
        "d = IndexDataset.objects.order_by('-year').first()\n"
        "print(json.dumps([t.resolution.code, t.code, t.n, d.code, d.year]))",
        debug=True,
    )
    code, target, count, index, year = json.loads(found.strip().splitlines()[-1])
    return {
        "dashboard": "/",
        "target page": f"/monitoring/r/{code}/t/{target}/",
        "API /api/targets/": "/api/targets/",
        "ranking": f"/innovation/{index}/{year}/",
        "_target_rows": str(count),
    }


def _share_rows(server: Server, pages: dict[str, str], seconds: float) -> list[Row]:
    """Each page's requests/s as a share of /health/'s, 8 connections each, one after another
    (/health/ before and after, averaged, so that drift during the run cancels out)."""
    rate = {}
    for name, path in [("health", "/health/"), *pages.items(), ("health again", "/health/")]:
        run = loadtest.run(server.port, [path], connections=SHARE_CONNECTIONS, seconds=seconds)
        rate[name] = (run.requests_per_second, _errors(run))
    base = (rate["health"][0] + rate["health again"][0]) / 2
    rows = [
        (
            f"/health/ (trivial view), {SHARE_CONNECTIONS} connections",
            f"{base:,.0f} req/s",
            "baseline",
        )
    ]
    for name in pages:
        per_second, errors = rate[name]
        failed = f", errors: {errors}" if errors else ""
        rows.append(
            (
                f"{name}: share of /health/ throughput",
                f"{per_second / base:.0%} ({per_second:,.0f} req/s{failed})",
                f"≥ {SHARE_GOALS[name]:.0%}",
            )
        )
    return rows


def _errors(run: loadtest.Run) -> str:
    """ "3 (HTTP 503 ×2, TimeoutError ×1)", or "" when none."""
    if not run.errors:
        return ""
    kinds = Counter(what.split(": ", 1)[1] for _t, what in run.errors)
    return f"{len(run.errors)} ({', '.join(f'{k} ×{n}' for k, n in kinds.most_common())})"


def _load_rows(server: Server, pages: dict[str, str], seconds: float) -> list[Row]:
    run = loadtest.run(server.port, list(pages.values()), connections=LOAD_USERS, seconds=seconds)
    return [
        (
            f"load: {LOAD_USERS} users × {seconds:g} s, 4 pages: requests/s",
            f"{run.requests_per_second:,.1f}",
            "",
        ),
        (
            "load: p50 / p95 / p99",
            " / ".join(f"{run.quantile_ms(q):,.0f}" for q in (0.5, 0.95, 0.99)) + " ms",
            "p95 < 500 ms",
        ),
        (
            "load: errors",
            f"{_errors(run) or 0} of {len(run.answered) + len(run.errors):,}",
            "0",
        ),
    ]


def _restart_rows(server: Server, pages: dict[str, str], seconds: float) -> list[Row]:
    """Errors and recovery time when PostgreSQL restarts a third of the way into a run."""
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not shutil.which("pg_ctlcluster") or len(versions) != 1:
        why = "pg_ctlcluster or a single cluster in /etc/postgresql not found"
        return [("PostgreSQL restart mid-run", f"skipped: {why}", "")]
    restart = {}

    def restart_postgres(started: float) -> None:
        time.sleep(seconds / 3)
        restart["begin"] = time.monotonic() - started
        done = subprocess.run(
            RESTART.format(version=versions[0]).split(), capture_output=True, text=True
        )
        restart["end"] = time.monotonic() - started
        restart["failed"] = done.returncode and (done.stderr or done.stdout).strip()

    run = loadtest.run(
        server.port,
        list(pages.values()),
        connections=SHARE_CONNECTIONS,
        seconds=seconds,
        on_start=restart_postgres,
    )
    if "end" not in restart:
        return [("PostgreSQL restart mid-run", "skipped: the restart did not finish", "")]
    if restart["failed"]:
        return [("PostgreSQL restart mid-run", f"skipped: {restart['failed'][:60]}", "")]
    last_error = max((t for t, _what in run.errors), default=None)
    back = run.first_success_after(last_error if last_error is not None else restart["begin"])
    recovery = (back - restart["end"]) if back is not None else float("nan")
    alive = server.process.poll() is None
    return [
        (
            "PostgreSQL restart mid-run: restart took",
            f"{restart['end'] - restart['begin']:.1f} s",
            "",
        ),
        (
            f"PostgreSQL restart: failed requests ({SHARE_CONNECTIONS} connections)",
            f"{_errors(run) or 0} of {len(run.answered) + len(run.errors):,}",
            "only those in flight",
        ),
        (
            "PostgreSQL restart: answering again after it is back",
            f"{max(recovery, 0):.1f} s" + ("" if alive else " (server died)"),
            "no app restart",
        ),
    ]


def server_rows(args) -> list[Row]:
    """Figures under the production server, on PostgreSQL if reachable, else SQLite."""
    admin_url = os.environ.get("STIHUB_BENCH_POSTGRES") or DEFAULT_POSTGRES
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        admin_url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))
    why = _postgres(admin_url)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        name = f"stihub_bench_{os.getpid()}"
        if why is None:
            parts = urlsplit(admin_url)
            database_url = urlunsplit(parts._replace(path=f"/{name}"))
            _admin_sql(admin_url, f"CREATE DATABASE {name}")
            engine = "PostgreSQL"
        else:
            print(f"PostgreSQL is not reachable ({why}); the server is measured on SQLite.")
            database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
            engine = "SQLite"
        server = Server(folder, database_url)
        try:
            server.stihub("migrate", "--noinput", debug=True)
            server.stihub("demo", debug=True)
            pages = _pages(server)
            rows_of_target = pages.pop("_target_rows")
            how = server.start()
            for path in pages.values():  # warm each worker's caches a little
                for _ in range(10):
                    loadtest.get(server.port, path)
            rows.append(
                (
                    f"production server: {how}, {engine}, demo scale 1",
                    f"target page: {rows_of_target} rows",
                    "",
                )
            )
            rows += _share_rows(server, pages, args.share_seconds)
            rows += _load_rows(server, pages, args.load_seconds)
            if engine == "PostgreSQL":
                rows += _restart_rows(server, pages, args.restart_seconds)
            else:
                rows.append(("PostgreSQL restart mid-run", "skipped: measured on SQLite", ""))
        finally:
            server.stop()
            if engine == "PostgreSQL":
                _admin_sql(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m stihub.bench", description=__doc__)
    parser.add_argument("--load-seconds", type=float, default=120, help="load test duration")
    parser.add_argument("--share-seconds", type=float, default=10, help="per throughput figure")
    parser.add_argument("--restart-seconds", type=float, default=30, help="restart run duration")
    parser.add_argument("--no-server", action="store_true", help="in-process figures only")
    args = parser.parse_args(argv)
    rows = [] if args.no_server else server_rows(args)
    from stihub.market import bench_pages
    from stihub.registry import bench_search
    from stihub.tasks import bench_council

    rows = (
        in_process_rows() + bench_search.rows() + bench_council.rows() + bench_pages.rows() + rows
    )
    width = max(len(r[0]) for r in rows)
    figure = max(len(r[1]) for r in rows)
    print(f"{'measure':<{width}}  {'figure':>{figure}}  goal")
    for measure, value, goal in rows:
        print(f"{measure:<{width}}  {value:>{figure}}  {goal}")


if __name__ == "__main__":
    main()
