"""Production: settings chosen from the environment, security headers, the 503 page while the
database is away, and `make serve`'s gunicorn.

Production settings are read once, at start-up, so each test of them starts a Python process of
its own with STIHUB_DEBUG=0 (the suite itself runs on the development settings, pyproject).
"""

import importlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
KEY = "k7Qx-2vLp9Rz_mN4tB8wY1cF6hJ3sD0gA5eU-iO7kP2qW9xZ4rT6yV1bN8mC3lK0"
# The production settings the README documents (Deploying).
DOCUMENTED = {
    "STIHUB_DEBUG": "0",
    "STIHUB_SECRET_KEY": KEY,
    "STIHUB_ALLOWED_HOSTS": "sti.nghean.gov.vn",
    "STIHUB_HTTPS": "1",
}
ONE_YEAR = 365 * 24 * 60 * 60


def production_env(tmp_path, **env) -> dict[str, str]:
    """This process's environment without any STIHUB_, DJANGO_ or database setting (the
    browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy refuses), plus `env`."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STIHUB_", "DJANGO_")) and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    merged = {**clean, **DOCUMENTED, "STIHUB_VAR_DIR": str(tmp_path / "var"), **env}
    return {k: v for k, v in merged.items() if v is not None}


def in_production(tmp_path, script: str, **env):
    """Runs `script` (which prints JSON) after django.setup() under production settings."""
    code = f"import django, json\ndjango.setup()\n{script}"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**production_env(tmp_path, **env), "DJANGO_SETTINGS_MODULE": "stihub.settings"},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


SECURITY_SETTINGS = """
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in (
    "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")} | {
    "CONN_MAX_AGE": s.DATABASES["default"]["CONN_MAX_AGE"],
    "CONN_HEALTH_CHECKS": s.DATABASES["default"]["CONN_HEALTH_CHECKS"]}))
"""


# --- settings --------------------------------------------------------------------------------


@pytest.mark.parametrize("proxy", [{}, {"STIHUB_PROXY_SSL_HEADER": "1"}])
def test_check_deploy_reports_nothing_with_the_documented_production_settings(tmp_path, proxy):
    result = subprocess.run(
        [BIN / "stihub", "check", "--deploy", "--fail-level", "DEBUG"],
        env=production_env(tmp_path, **proxy),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_does_warn_when_the_site_is_served_without_tls(tmp_path):
    """The check above can fail: plain http leaves the cookies insecure and no HSTS."""
    result = subprocess.run(
        [BIN / "stihub", "check", "--deploy"],
        env=production_env(tmp_path, STIHUB_HTTPS="0"),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    for check in ("security.W004", "security.W012", "security.W016"):
        assert check in result.stderr


def test_production_is_tls_with_hsts_for_a_year_and_persistent_connections(tmp_path):
    values = in_production(tmp_path, SECURITY_SETTINGS)
    assert values == {
        "DEBUG": False,
        "SECURE_HSTS_SECONDS": ONE_YEAR,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": None,  # X-Forwarded-Proto is not believed by default
        "SECURE_SSL_REDIRECT": False,  # Django cannot tell http from https behind the proxy
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def test_proxy_header_setting_trusts_x_forwarded_proto_and_redirects_to_https(tmp_path):
    values = in_production(tmp_path, SECURITY_SETTINGS, STIHUB_PROXY_SSL_HEADER="1")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is True


def test_without_tls_there_is_no_hsts_and_no_secure_cookie(tmp_path):
    values = in_production(tmp_path, SECURITY_SETTINGS, STIHUB_HTTPS="0")
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False and values["SECURE_SSL_REDIRECT"] is False


def test_hsts_and_connection_age_can_be_set(tmp_path):
    values = in_production(
        tmp_path, SECURITY_SETTINGS, STIHUB_HSTS_SECONDS="600", STIHUB_DB_CONN_MAX_AGE="0"
    )
    assert values["SECURE_HSTS_SECONDS"] == 600 and values["CONN_MAX_AGE"] == 0


# --- headers, end to end under production settings -------------------------------------------

# Requests a static file (no database needed) with and without X-Forwarded-Proto: https, and
# prints status and the security headers of each answer.
HEADERS_OF_REQUESTS = """
from django.test import Client
answers = []
for forwarded in ({}, {"X-Forwarded-Proto": "https"}):
    r = Client(HTTP_HOST="sti.nghean.gov.vn").get("/static/css/stihub.css", headers=forwarded)
    answers.append({"status": r.status_code, "location": r.get("Location"),
                    "hsts": r.get("Strict-Transport-Security")})
print(json.dumps(answers))
"""


def test_hsts_is_sent_only_over_tls_and_a_forged_proto_header_is_not_believed(tmp_path):
    plain, forged = in_production(tmp_path, HEADERS_OF_REQUESTS)
    assert plain == {"status": 200, "location": None, "hsts": None}
    assert forged == {"status": 200, "location": None, "hsts": None}  # proxy header not trusted


def test_behind_a_declared_proxy_https_gets_hsts_and_http_is_redirected(tmp_path):
    plain, forwarded = in_production(tmp_path, HEADERS_OF_REQUESTS, STIHUB_PROXY_SSL_HEADER="1")
    assert plain["status"] == 301
    assert plain["location"] == "https://sti.nghean.gov.vn/static/css/stihub.css"
    assert forwarded == {
        "status": 200,
        "location": None,
        "hsts": f"max-age={ONE_YEAR}; includeSubDomains",
    }


# --- Content-Security-Policy ----------------------------------------------------------------


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


class Scripts(HTMLParser):
    """The <script> elements of a page, and any on…= event handler attributes."""

    def __init__(self):
        super().__init__()
        self.sources, self.inline, self.handlers, self._open = [], 0, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [name for name in attrs if name.startswith("on")]
        if tag == "script":
            if attrs.get("src"):
                self.sources.append(attrs["src"])
            else:
                self._open = True

    def handle_data(self, data):
        if self._open and data.strip():
            self.inline += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = False


def scripts_of(response) -> Scripts:
    parser = Scripts()
    parser.feed(response.content.decode())
    return parser


def assert_strict_script_policy(response):
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/monitoring/resolutions/"])
def test_pages_carry_a_policy_without_inline_script_and_have_none(client, nghe_an, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_strict_script_policy(response)
    page = scripts_of(response)
    assert page.inline == 0 and page.handlers == []
    assert page.sources  # htmx, from our own static files
    assert all(src.startswith("/static/") for src in page.sources)


def test_swagger_ui_works_under_the_policy(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert_strict_script_policy(response)
    page = scripts_of(response)
    assert page.inline == 0 and page.handlers == []
    assert all(src.startswith("/static/") or src.startswith("/api/docs/") for src in page.sources)
    start_up = client.get(next(src for src in page.sources if src.startswith("/api/docs/")))
    assert start_up.status_code == 200
    assert start_up["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in start_up.content.decode()
    assert all(client.get(src).status_code == 200 for src in page.sources)  # served locally


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason="browser tests need Chromium: run `apt-get install chromium` to enable them",
)
def test_swagger_ui_and_htmx_run_in_a_browser_without_a_policy_violation(
    live_server, transactional_db, monkeypatch
):
    from playwright.sync_api import sync_playwright

    from stihub.monitoring.loading import load_resolution

    from .conftest import NGHE_AN

    load_resolution(NGHE_AN)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop, our ORM
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        console = []
        page.on("console", lambda message: console.append(message.text))
        page.goto(live_server.url + "/api/docs/")
        page.wait_for_selector("#swagger-ui .opblock", timeout=30_000)  # operations listed
        page.goto(live_server.url + "/")
        page.wait_for_function("window.htmx !== undefined", timeout=10_000)
        browser.close()
    assert [text for text in console if "Content Security Policy" in text] == []


def test_no_template_has_inline_script_or_event_handlers():
    """A new template with <script>…</script> or onclick= would be blocked by the policy."""
    offenders = []
    for template in ROOT.glob("stihub/**/templates/**/*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{template}: {match.group(0)}")
        offenders += [f"{template}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
    assert offenders == []


# --- 503 while the database is unreachable ---------------------------------------------------


def server_gone(execute, sql, params, many, context):
    """What a query meets while the database server is down or restarting."""
    raise OperationalError("server closed the connection unexpectedly")


def outage_heading(language="vi") -> str:
    """The 503 page's heading in `language`, from the project's translations."""
    with translation.override(language):
        return translation.gettext("Temporarily unavailable")


@pytest.mark.parametrize("signed_in", [False, True])
def test_database_outage_answers_503_and_the_next_request_recovers(
    client, client_for, nghe_an, signed_in
):
    """Signed in, the session middleware reads the session after the view (the 503 from the
    view spared it nothing): the answer must still be 503, not 500."""
    client.raise_request_exception = False  # answer as a server does, not re-raise the error
    if signed_in:
        client_for("reporter")
    with connection.execute_wrapper(server_gone):
        response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert outage_heading() in page and 'lang="vi"' in page and "Traceback" not in page
    assert "Content-Security-Policy" in response
    assert client.get("/").status_code == 200  # no restart needed


def test_a_read_waits_for_a_short_outage_and_is_served(client, nghe_an, settings):
    """A database restart of a moment: the first queries fail, then it answers again. A read
    is served after the wait (200, not 503); a write gets the 503 at once, never repeated."""
    settings.STIHUB_DB_WAIT_SECONDS = 5
    client.raise_request_exception = False
    failures = iter(range(3))

    def restarting(execute, sql, params, many, context):
        if next(failures, None) is not None:
            raise OperationalError("the database system is starting up")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(restarting):
        assert client.get("/monitoring/resolutions/").status_code == 200
    assert next(failures, None) is None  # the outage was met, and waited out
    failures = iter(range(1))
    with connection.execute_wrapper(restarting):
        response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 503


def test_database_outage_page_follows_the_chosen_language(client, nghe_an):
    client.raise_request_exception = False
    client.cookies["django_language"] = "en"
    with connection.execute_wrapper(server_gone):
        response = client.get("/")
    assert response.status_code == 503
    assert outage_heading("en") in response.content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server connection to break (PostgreSQL)"
)
def test_a_broken_postgresql_connection_is_replaced_on_the_next_request(client, transactional_db):
    """The connection dies under Django's feet (as when PostgreSQL restarts): 503, then the
    middleware closes it and the next request connects afresh."""
    client.get("/")
    connection.ensure_connection()
    connection.connection.close()  # the driver's connection, as a server restart leaves it
    assert client.get("/").status_code == 503
    assert client.get("/").status_code == 200


# --- gunicorn ------------------------------------------------------------------------------


def test_web_workers_are_two_per_core_plus_one_unless_set():
    from stihub import gunicorn_conf

    assert gunicorn_conf.web_workers({}, core_count=1) == 3
    assert gunicorn_conf.web_workers({}, core_count=4) == 9
    assert gunicorn_conf.web_workers({"STIHUB_WEB_WORKERS": "3"}, core_count=4) == 3
    assert gunicorn_conf.web_workers({"STIHUB_WEB_WORKERS": "0"}, core_count=4) == 1


def test_gunicorn_config_reads_the_environment(monkeypatch):
    from stihub import gunicorn_conf

    monkeypatch.setenv("STIHUB_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("STIHUB_WEB_WORKERS", "7")
    monkeypatch.setenv("STIHUB_WEB_THREADS", "4")
    conf = importlib.reload(gunicorn_conf)
    assert (conf.bind, conf.workers, conf.threads) == (["0.0.0.0:9000"], 7, 4)
    monkeypatch.delenv("STIHUB_BIND")
    monkeypatch.delenv("STIHUB_WEB_WORKERS")
    conf = importlib.reload(gunicorn_conf)
    assert conf.bind == ["127.0.0.1:8000"]
    assert conf.workers == 2 * len(os.sched_getaffinity(0)) + 1
    assert conf.secure_scheme_headers == {}  # the scheme is Django's decision alone


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, headers=None):
    """(status, headers, body) of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """`make serve`'s server (its config, production settings) on a free loopback port, with a
    migrated SQLite database in a folder of its own; stopped after this module's tests."""
    pytest.importorskip("gunicorn", reason="gunicorn is not installed (pip install -e .)")
    tmp_path = tmp_path_factory.mktemp("serve")
    port = free_port()
    database = tmp_path / "db"
    database.mkdir()
    env = production_env(
        tmp_path,
        DATABASE_URL=f"sqlite:///{database / 'stihub.sqlite3'}",
        STIHUB_ALLOWED_HOSTS="127.0.0.1",
        STIHUB_BIND=f"127.0.0.1:{port}",
        STIHUB_WEB_WORKERS="1",
        STIHUB_DB_CONN_MAX_AGE="0",  # a kept SQLite connection would outlive the outage below
        STIHUB_DB_WAIT_SECONDS="0",  # answer the outage at once
    )
    subprocess.run([BIN / "stihub", "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
    server = subprocess.Popen(
        [BIN / "gunicorn", "--config", "stihub/gunicorn_conf.py"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to a minute to load the app and bind
            if server.poll() is not None:
                pytest.fail(f"gunicorn stopped: {server.stderr.read().decode()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not listen within a minute")
        yield base, database
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_gunicorn_serves_pages_and_static_files_under_production_settings(gunicorn):
    base, _ = gunicorn
    status, headers, page = fetch(base + "/")
    assert status == 200 and "STI Hub" in page
    assert headers["Server"] == "gunicorn"  # no version
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    status, headers, css = fetch(base + "/static/css/stihub.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css") and css
    # no proxy declared: a forged header neither makes the request https nor brings HSTS
    status, headers, _ = fetch(base + "/", {"X-Forwarded-Proto": "https"})
    assert status == 200 and "Strict-Transport-Security" not in headers


def test_gunicorn_answers_503_while_the_database_is_away_and_recovers(gunicorn):
    base, database = gunicorn
    assert fetch(base + "/")[0] == 200
    away = database.rename(database.with_name("db-away"))  # the database cannot be opened
    status, headers, page = fetch(base + "/")
    assert status == 503 and headers["Retry-After"] == "30"
    assert outage_heading() in page and "Traceback" not in page
    away.rename(database)
    assert fetch(base + "/")[0] == 200  # the same server, no restart
