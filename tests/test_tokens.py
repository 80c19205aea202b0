"""API tokens (`stihub issue_token`, `Authorization: Token <key>`, the token page), `GET /api/me/`
and `stihub add_user`. Expected answers are written out from the users each test makes."""

import base64
import getpass
import hashlib
import io
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from stihub.core.choices import Role
from stihub.core.models import ApiToken, RoleAssignment, SecurityEvent, User

from .conftest import PASSWORD, make_user, sign_in

ME = "/api/me/"
STRONG = "saola-vu-quang-2030-ngan-pho"  # 28 characters, not common, not all digits


def issue_token(username: str) -> str:
    """The key `stihub issue_token` prints on its last line."""
    out = io.StringIO()
    call_command("issue_token", username, stdout=out)
    return out.getvalue().splitlines()[-1]


def me(client, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"} if key is not None else {}
    return client.get(ME, **headers)


def events(kind) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(kind=kind))


# -- issue_token and token authentication -----------------------------------------------------


def test_issued_key_opens_api_me_as_its_user(client, users, agency):
    key = issue_token("reporter")
    response = me(client, key)
    assert response.status_code == 200
    assert response.json() == {
        "username": "reporter",
        "role": "reporter",
        "agency": "SCT_TEST",
        "roles": [{"role": "reporter", "agency": "SCT_TEST"}],
    }
    # the database keeps the SHA-256 of the key, never the key
    token = ApiToken.objects.get(user=users["reporter"])
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.prefix, token.key_hash, token.created_by}
    assert key.startswith(token.prefix) and len(token.prefix) < len(key) // 3
    assert token.last_used_at is not None and token.last_used_at >= token.created_at
    [issued] = events(SecurityEvent.Kind.TOKEN_ISSUED)
    assert issued.user == users["reporter"] and key not in issued.detail


def test_the_key_is_the_last_line_and_random(users):
    first, second = issue_token("expert"), issue_token("expert")
    assert first != second and len(first) >= 40 and " " not in first


def test_a_new_token_revokes_the_earlier_one(client, users):
    old = issue_token("expert")
    new = issue_token("expert")
    assert me(client, old).status_code == 401
    assert me(client, new).json()["username"] == "expert"
    assert ApiToken.objects.filter(user=users["expert"], revoked_at__isnull=True).count() == 1


def test_issue_token_for_an_unknown_user_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("issue_token", "nobody", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


def test_a_wrong_key_is_refused_and_logged(client, users):
    issue_token("reporter")
    response = me(client, "sti_not-a-key-at-all")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    [refused] = events(SecurityEvent.Kind.TOKEN_REFUSED)
    assert refused.user is None and "sti_not-a-ke" in refused.detail
    # a wrong key is refused on public reads too: the caller meant to be someone
    assert client.get("/api/resolutions/", HTTP_AUTHORIZATION="Token nope").status_code == 401
    assert client.get("/api/resolutions/", HTTP_AUTHORIZATION="Token").status_code == 401


def test_a_token_of_an_inactive_user_is_refused(client, users):
    key = issue_token("reporter")
    User.objects.filter(username="reporter").update(is_active=False)
    assert me(client, key).status_code == 401


def test_anonymous_api_me_is_refused_with_403(client, db):
    assert me(client).status_code == 403
    # Basic authentication is not accepted, even with the right password
    basic = "Basic " + base64.b64encode(f"reporter:{PASSWORD}".encode()).decode()
    assert client.get(ME, HTTP_AUTHORIZATION=basic).status_code == 403


def test_api_me_by_session(client, users):
    sign_in(client, users["reporter"])
    assert me(client).json()["username"] == "reporter"


def test_api_me_of_a_user_with_several_roles(client, users, agency_b):
    # scientist: expert, and reporter for agency B; reporter comes before expert
    key = issue_token("scientist")
    assert me(client, key).json() == {
        "username": "scientist",
        "role": "reporter",
        "agency": "VIEN_TEST",
        "roles": [
            {"role": "expert", "agency": None},
            {"role": "reporter", "agency": "VIEN_TEST"},
        ],
    }


def test_api_me_main_role_follows_the_priority(client, agency):
    # admin > dost > reporter > expert; agency only when the main role is bound to one
    make_user("all_roles", Role.EXPERT, (Role.AGENCY_REPORTER, agency), Role.DOST_OFFICER)
    body = me(client, issue_token("all_roles")).json()
    assert (body["role"], body["agency"], len(body["roles"])) == ("dost", None, 3)
    RoleAssignment.objects.create(user=User.objects.get(username="all_roles"), role=Role.ADMIN)
    assert me(client, issue_token("all_roles")).json()["role"] == "admin"
    make_user("nobody_special")
    assert me(client, issue_token("nobody_special")).json() == {
        "username": "nobody_special",
        "role": None,
        "agency": None,
        "roles": [],
    }


def test_a_staff_token_needs_no_two_step_verification(client, users):
    """A token is a credential of its own, issued on the server: no MFA step (README)."""
    client.force_login(users["dost"])  # a session that has not verified: the API refuses it
    assert me(client).status_code == 403
    client.logout()
    assert me(client, issue_token("dost")).json()["role"] == "dost"


# -- the token page ---------------------------------------------------------------------------


def test_dost_lists_tokens_with_who_when_and_last_use(client, users):
    key = issue_token("reporter")
    me(client, key)
    token = ApiToken.objects.get()
    sign_in(client, users["dost"])
    page = client.get(reverse("api_tokens")).content.decode()
    assert token.prefix in page and key not in page
    assert "reporter" in page.split("<tbody>")[1]
    assert reverse("api_token_revoke", args=[token.pk]) in page


def test_dost_revokes_a_token(client, users):
    key = issue_token("reporter")
    token = ApiToken.objects.get()
    sign_in(client, users["dost"])
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == users["dost"]
    [revoked] = events(SecurityEvent.Kind.TOKEN_REVOKED)
    assert revoked.user == users["dost"] and token.prefix in revoked.detail
    client.logout()
    assert me(client, key).status_code == 401
    page = sign_in(client, users["dost"]).get(reverse("api_tokens")).content.decode()
    assert reverse("api_token_revoke", args=[token.pk]) not in page  # no button once revoked


@pytest.mark.parametrize("role", ["reporter", "expert", "outsider"])
def test_others_can_neither_see_nor_revoke_tokens(client, users, role):
    key = issue_token("reporter")
    token = ApiToken.objects.get()
    sign_in(client, users[role])
    assert client.get(reverse("api_tokens")).status_code == 403
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    client.logout()
    assert me(client, key).status_code == 200


def test_anonymous_is_sent_to_sign_in_from_the_token_page(client, db):
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# -- add_user ---------------------------------------------------------------------------------


def add_user(*args):
    out = io.StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def new_password(monkeypatch):
    monkeypatch.setenv("STIHUB_NEW_PASSWORD", STRONG)
    return STRONG


@pytest.mark.parametrize(
    "role, agency_args, expected",
    [
        ("admin", [], [("admin", None)]),
        ("dost", [], [("dost", None)]),
        ("reporter", ["--agency", "SCT_TEST"], [("reporter", "SCT_TEST")]),
        ("expert", [], [("expert", None)]),
    ],
)
def test_add_user_with_each_role(client, agency, new_password, role, agency_args, expected):
    add_user("nguyen.van.a", "--role", role, *agency_args)
    user = User.objects.get(username="nguyen.van.a")
    assert user.check_password(STRONG)
    assert not user.is_staff and not user.is_superuser  # what they may do comes from roles
    held = [(a.role, a.agency.code if a.agency else None) for a in user.role_assignments.all()]
    assert held == expected
    assert me(client, issue_token("nguyen.van.a")).json()["role"] == role


@pytest.mark.parametrize(
    "args",
    [
        ["--role", "reporter"],  # a reporter without an agency
        ["--role", "reporter", "--agency", "NO_SUCH_AGENCY"],
        ["--role", "boss"],
        ["--role", "dost", "--agency", "SCT_TEST"],  # an agency only binds a reporter
    ],
)
def test_add_user_refuses_bad_input_and_writes_nothing(agency, new_password, args):
    with pytest.raises(CommandError):
        add_user("nguyen.van.b", *args)
    assert not User.objects.filter(username="nguyen.van.b").exists()
    assert not RoleAssignment.objects.exists()


@pytest.mark.parametrize("weak", ["short-pw", "123456789012345", "password1234"])
def test_add_user_refuses_a_weak_password(db, monkeypatch, weak):
    monkeypatch.setenv("STIHUB_NEW_PASSWORD", weak)
    with pytest.raises(CommandError):
        add_user("nguyen.van.c", "--role", "expert")
    assert not User.objects.exists()


def test_a_short_password_message_names_the_minimum(db, monkeypatch):
    monkeypatch.setenv("STIHUB_NEW_PASSWORD", "short-pw")
    with pytest.raises(CommandError, match="12"):
        add_user("nguyen.van.c", "--role", "expert")


def test_add_user_asks_for_the_password_twice_without_the_variable(db, monkeypatch):
    monkeypatch.delenv("STIHUB_NEW_PASSWORD", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    typed = iter([STRONG, STRONG])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    add_user("nguyen.van.d", "--role", "expert")
    assert User.objects.get(username="nguyen.van.d").check_password(STRONG)

    typed = iter([STRONG, STRONG + "x"])
    with pytest.raises(CommandError):
        add_user("nguyen.van.e", "--role", "expert")
    assert not User.objects.filter(username="nguyen.van.e").exists()


def test_add_user_without_a_terminal_or_variable_is_an_error(db, monkeypatch):
    monkeypatch.delenv("STIHUB_NEW_PASSWORD", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    with pytest.raises(CommandError):
        add_user("nguyen.van.f", "--role", "expert")
    assert not User.objects.exists()


def test_an_existing_user_is_refused_unless_add_role(users, agency_b, new_password):
    with pytest.raises(CommandError):
        add_user("Expert", "--role", "dost")  # user names ignore case
    expert = users["expert"]
    assert {a.role for a in expert.role_assignments.all()} == {"expert"}

    add_user("Expert", "--role", "reporter", "--agency", "VIEN_TEST", "--add-role")
    held = {(a.role, a.agency_id) for a in expert.role_assignments.all()}
    assert held == {("expert", None), ("reporter", agency_b.pk)}
    expert.refresh_from_db()
    assert expert.check_password(PASSWORD)  # --add-role keeps the password

    add_user("expert", "--role", "expert", "--add-role")  # held already: nothing changes
    assert expert.role_assignments.count() == 2
