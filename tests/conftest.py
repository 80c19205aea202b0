"""Named users per role and the bundled Nghệ An resolution, for permission and page tests.

Users: an administrator, a DOST officer, a reporter of agency A, a reporter of agency B, an
expert, a scientist who is an expert and also reports for agency B, and an outsider with no role.
"""

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


@pytest.fixture
def client_for(client, users):
    def login(name):
        client.force_login(users[name])
        return client

    return login
