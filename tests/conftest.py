"""Named users per role (an admin, a DOST officer, a reporter bound to an agency, an expert, an
outsider with no role) and the bundled Nghệ An resolution, for permission and page tests."""

from pathlib import Path

import pytest

from stihub.core.choices import Role
from stihub.core.models import Agency, User
from stihub.monitoring.loading import load_resolution

NGHE_AN = Path(__file__).resolve().parents[1] / "stihub/resolutions/nghe-an-2030.yaml"
PASSWORD = "a-long-test-password-2030"


@pytest.fixture
def agency(db):
    return Agency.objects.create(code="SCT_TEST", name="Sở Công Thương (test)", kind="department")


@pytest.fixture
def users(db, agency):
    def make(username, role, **extra):
        return User.objects.create_user(username, password=PASSWORD, role=role, **extra)

    return {
        "admin": make("admin", Role.ADMIN, is_staff=True, is_superuser=True),
        "dost": make("dost", Role.DOST_OFFICER),
        "reporter": make("reporter", Role.AGENCY_REPORTER, agency=agency),
        "expert": make("expert", Role.EXPERT),
        "outsider": make("outsider", ""),
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
