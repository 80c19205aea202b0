"""Named users per role and the bundled Nghệ An resolution, for permission and page tests.

Users: an administrator, a DOST officer, a reporter of agency A, a reporter of agency B, an
expert, a scientist who is an expert and also reports for agency B, and an outsider with no role.
"""

import os
import shutil
from pathlib import Path

import pytest

from stihub.core.choices import Role
from stihub.core.models import Agency, RoleAssignment, User
from stihub.monitoring.loading import load_resolution

NGHE_AN = Path(__file__).resolve().parents[1] / "stihub/resolutions/nghe-an-2030.yaml"
PASSWORD = "a-long-test-password-2030"


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Tests need no costly hashing; production keeps Django's default (PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STIHUB_DB_WAIT_SECONDS = 0  # outage tests want the 503 at once; one test waits


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def agency(db):
    return Agency.objects.create(code="SCT_TEST", name="Sở Công Thương (test)", kind="department")


@pytest.fixture
def agency_b(db):
    return Agency.objects.create(code="VIEN_TEST", name="Viện Nghiên cứu (test)", kind="institute")


def make_user(username, *roles, **extra):
    """A user holding `roles`, each a role or a (role, agency) pair."""
    user = User.objects.create_user(username, password=PASSWORD, **extra)
    for role in roles:
        role, agency = role if isinstance(role, tuple) else (role, None)
        RoleAssignment.objects.create(user=user, role=role, agency=agency)
    return user


@pytest.fixture
def users(db, agency, agency_b):
    return {
        "admin": make_user("admin", Role.ADMIN),
        "dost": make_user("dost", Role.DOST_OFFICER),
        "reporter": make_user("reporter", (Role.AGENCY_REPORTER, agency)),
        "reporter_b": make_user("reporter_b", (Role.AGENCY_REPORTER, agency_b)),
        "expert": make_user("expert", Role.EXPERT),
        "scientist": make_user("scientist", Role.EXPERT, (Role.AGENCY_REPORTER, agency_b)),
        "outsider": make_user("outsider"),
    }


@pytest.fixture
def nghe_an(db):
    resolution, _counts = load_resolution(NGHE_AN)
    return resolution


def authenticator(user):
    """The user's confirmed authenticator app (a TOTP device), made on first use."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def code_now(device) -> str:
    """The code the authenticator app shows now (RFC 6238, computed by django-otp's oath)."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"


def sign_in(client, user):
    """Signs `user` in as after both steps: the password and, for staff (who must pass
    two-step verification), a code: the session is marked verified as django-otp does."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from stihub.core.rules import is_dost

    client.force_login(user)
    if is_dost(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(client, users):
    def login(name):
        return sign_in(client, users[name])

    return login


FILE_DB = "STIHUB_TEST_DB_FILE"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """With STIHUB_TEST_DB_FILE set, the SQLite test database is a file, not shared memory:
    threads of a test (the lockout race) then each get a connection that waits on SQLite's
    lock as in production, where shared-cache memory fails them at once ("table is locked").
    Only the race test asks for it (in a process of its own): in a file, the connection
    closed at the end of a real WSGI request would end the test's transaction."""
    import os

    from django.conf import settings

    database = settings.DATABASES["default"]
    if os.environ.get(FILE_DB) and database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.db")


# Browser tests (test_browser*.py): Debian's chromium driven by Playwright.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def browser(live_server):
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
