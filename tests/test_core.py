"""Core: administrative units, sign-in lockout, change history, language and formats, settings."""

import html
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.utils import translation

from stihub.core.formatting import num
from stihub.core.models import AdministrativeUnit, Agency, User

from .conftest import PASSWORD, sign_in


def test_nghe_an_has_130_commune_level_units_from_the_package(db):
    call_command("load_admin_units", "--province", "40")
    call_command("load_admin_units", "--province", "40")  # idempotent
    province = AdministrativeUnit.objects.get(code=40)
    units = province.children.all()
    assert units.count() == 130
    assert units.filter(division_type="xa").count() == 119
    assert units.filter(division_type="phuong").count() == 11
    committees = Agency.objects.filter(kind="commune")
    assert committees.count() == 130 and all(a.admin_unit.parent == province for a in committees)
    assert committees.filter(name="Ủy ban nhân dân xã Anh Sơn").exists()
    assert AdministrativeUnit.history.count() == 131  # the second load changed nothing


def test_account_locks_after_five_failures(client, users):
    for _attempt in range(5):
        client.post("/accounts/login/", {"username": "dost", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "dost", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 429  # the lockout page, not the form
    assert "15" in response.content.decode()  # minutes to wait (STIHUB_LOCKOUT_MINUTES)


def test_the_right_password_before_the_limit_signs_in(client, users):
    for _attempt in range(4):
        client.post("/accounts/login/", {"username": "dost", "password": "wrong"})
    client.post("/accounts/login/", {"username": "dost", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(users["dost"].pk)


def test_history_page_shows_who_and_before_after(client_for, nghe_an):
    target = nghe_an.targets.get(code="CT10")
    target.target_value = 14
    target._history_user = User.objects.get(username="dost")
    target.save()
    page = client_for("dost").get(f"/history/monitoring/target/{target.pk}/").content.decode()
    assert "<del>12,0</del> → <ins>14,0</ins>" in page
    assert "dost" in page


@pytest.mark.parametrize("name", ["reporter", "expert", "outsider"])
def test_history_is_for_staff_only(client_for, nghe_an, name):
    target = nghe_an.targets.first()
    assert client_for(name).get(f"/history/monitoring/target/{target.pk}/").status_code == 403


def test_history_refuses_models_that_are_not_audited(client_for, nghe_an):
    client = client_for("admin")
    assert client.get("/history/auth/group/1/").status_code == 404
    assert client.get("/history/nope/nope/1/").status_code == 404


def test_vietnamese_is_the_default_whatever_the_browser_says(client, nghe_an):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert '<html lang="vi">' in page and "Đăng nhập" in page
    client.cookies["django_language"] = "en"
    assert "Sign in" in client.get("/").content.decode()


def test_numbers_follow_the_language():
    with translation.override("vi"):
        assert (num(1234.5), num(36.5), num(3000)) == ("1.234,5", "36,5", "3.000")
    with translation.override("en"):
        assert num(1234.5) == "1,234.5"


def test_vietnamese_date_input_formats():
    from django import forms

    with translation.override("vi"):
        assert str(forms.DateField().clean("25/11/2026")) == "2026-11-25"


STRONG_KEY = "k7Qx-2vLp9Rz_mN4tB8wY1cF6hJ3sD0gA5eU-iO7kP2qW9xZ4rT6yV1bN8mC3lK0"


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "STIHUB_SECRET_KEY is missing"),
        ({"STIHUB_SECRET_KEY": "insecure-development-key-do-not-use-in-production"}, "too weak"),
        ({"STIHUB_SECRET_KEY": STRONG_KEY[:49]}, "too weak"),  # one short of Django's 50
        ({"STIHUB_SECRET_KEY": "abcd" * 20}, "too weak"),  # 4 different characters, not 5
        ({"STIHUB_SECRET_KEY": "django-insecure-" + STRONG_KEY}, "too weak"),
        ({"STIHUB_SECRET_KEY": STRONG_KEY, "STIHUB_ALLOWED_HOSTS": "*"}, "STIHUB_ALLOWED_HOSTS"),
        ({"STIHUB_SECRET_KEY": STRONG_KEY}, None),  # a strong key and the default hosts start
        # no STIHUB_DEBUG at all is production too: debug is never on by default
        ({"STIHUB_DEBUG": None}, "STIHUB_SECRET_KEY is missing"),
    ],
)
def test_production_refuses_insecure_settings(env, message, tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STIHUB_")}
    environ = {**clean, "STIHUB_DEBUG": "0", "STIHUB_VAR_DIR": str(tmp_path), **env}
    environ = {k: v for k, v in environ.items() if v is not None}
    result = subprocess.run(
        [sys.executable, "-c", "import stihub.settings as s; print('DEBUG', s.DEBUG)"],
        env=environ,
        capture_output=True,
        text=True,
    )
    if message is None:
        assert result.returncode == 0 and result.stdout == "DEBUG False\n", result.stderr
    else:
        assert result.returncode != 0 and message in result.stderr


@pytest.mark.parametrize("url", ["/admin/core/user/", "/admin/monitoring/target/"])
def test_admin_is_for_administrators_only(client_for, url):
    assert client_for("admin").get(url).status_code == 200
    assert client_for("dost").get(url).status_code == 302  # not staff: sent to the admin sign-in


def test_history_of_a_user_works_and_never_shows_the_password(client_for, users):
    """Defect: /history/core/user/<id>/ answered 500 (HistoricalUser has no password)."""
    dost = users["dost"]
    dost.first_name = "Lan"
    dost.save()
    response = client_for("admin").get(f"/history/core/user/{dost.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<ins>Lan</ins>" in page and dost.password not in page


def test_every_audited_model_has_a_working_history_page_in_vietnamese(client, db, settings):
    """Each audited model of the demo: its history page opens, labelled in Vietnamese, and a
    dataset's computed results are cut short rather than dumped."""
    from django.apps import apps

    from stihub.core.views import LONGEST_VALUE, _audited

    settings.DEBUG = True
    call_command("demo")
    sign_in(client, User.objects.get(username="admin"))  # the demo's administrator
    models = [m for m in apps.get_models() if m.__module__.startswith("stihub.") and _audited(m)]
    assert {"Target", "Observation", "User", "RoleAssignment", "IndexDataset"} <= {
        m.__name__ for m in models
    }
    for model in models:
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the demo has no {model.__name__}"
        url = f"/history/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/"
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Lịch sử thay đổi" in page and "tạo mới" in page, url
        for cell in page.split("<ins>")[1:]:
            assert len(html.unescape(cell.split("</ins>")[0])) <= LONGEST_VALUE, url


@pytest.mark.parametrize(
    "command", ["demo", "load_admin_units", "load_resolution", "import_observations", "backup"]
)
def test_command_help_prints(command, capsys):
    """Defect: `stihub help demo` crashed (argparse cannot format a lazy translation)."""
    from django.core.management import get_commands, load_command_class

    parser = load_command_class(get_commands()[command], command).create_parser("stihub", command)
    parser.print_help()
    assert "usage: stihub " + command in capsys.readouterr().out
