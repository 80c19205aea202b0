"""Sign-in that holds under attack: lockout (atomic, by user name and by address), user names
that ignore case, two-step verification for staff, password change and reset, the absolute
session lifetime, and the security log."""

import base64
import hashlib
import hmac
import os
import re
import struct
import subprocess
import sys
import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from stihub.core.models import SecurityEvent, User
from stihub.core.security import SIGNED_IN_AT, issue_recovery_codes

from .conftest import FILE_DB, PASSWORD, authenticator, make_user

LOGIN = "/accounts/login/"
Kind = SecurityEvent.Kind


def post_login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def rfc6238(secret_b32: str, at: float, digits: int = 6, step: int = 30) -> str:
    """TOTP written from RFC 6238/4226 with hmac (independent of django-otp's own code)."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 10**digits:0{digits}d}"


def test_the_totp_oracle_matches_the_rfc_test_vector():
    # RFC 6238 appendix B: SHA-1 key "12345678901234567890", T = 59 s → 94287082 (8 digits).
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert rfc6238(secret, 59, digits=8) == "94287082"


# 1. Lockout


def test_lockout_counts_the_user_name_whatever_its_case(client, users):
    for name in ["dost", "DOST", "Dost", "dOST", "doSt"]:
        post_login(client, name, "wrong")
    response = post_login(client, "dost", PASSWORD, REMOTE_ADDR="10.9.9.9")  # another address
    assert response.status_code == 429
    assert signed_in_as(client) is None


def test_lockout_counts_the_client_address_across_user_names(client, users):
    for name in ["nobody1", "nobody2", "nobody3", "nobody4", "nobody5"]:
        post_login(client, name, "wrong", REMOTE_ADDR="203.0.113.5")
    refused = post_login(client, "dost", PASSWORD, REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 429 and signed_in_as(client) is None
    post_login(client, "dost", PASSWORD, REMOTE_ADDR="203.0.113.6")  # the user is not locked
    assert signed_in_as(client) == str(users["dost"].pk)


def test_a_lockout_ends_after_the_cool_off(client, users, settings):
    for _ in range(5):
        post_login(client, "reporter", "wrong")
    assert post_login(client, "reporter", PASSWORD).status_code == 429
    # The last failure happened STIHUB_LOCKOUT_MINUTES and one second ago.
    ago = timezone.now() - timedelta(minutes=settings.STIHUB_LOCKOUT_MINUTES, seconds=1)
    AccessAttempt.objects.update(attempt_time=ago)
    post_login(client, "reporter", PASSWORD)
    assert signed_in_as(client) == str(users["reporter"].pk)


def test_the_api_ignores_authorization_headers_so_it_cannot_lock_anyone_out(client, users):
    basic = "Basic " + base64.b64encode(b"dost:wrong").decode()
    for _ in range(10):
        client.get("/api/resolutions/", HTTP_AUTHORIZATION=basic)
        client.post("/api/observations/", {}, HTTP_AUTHORIZATION=basic)
    assert AccessAttempt.objects.count() == 0
    assert not SecurityEvent.objects.filter(kind__in=[Kind.SIGN_IN_FAILED, Kind.LOCKOUT]).exists()
    post_login(client, "dost", PASSWORD)
    assert signed_in_as(client) == str(users["dost"].pk)


PARALLEL = 12


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_are_all_counted_and_lock_the_account(users, request):
    """PARALLEL threads post a wrong password at once (a barrier releases them together), each
    with its own client and database connection: every failure is counted, none lost."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # Threads cannot share SQLite's shared-cache memory database: run again on a file.
        test = f"{request.node.path}::{request.node.name}"
        env = {**os.environ, FILE_DB: "1"}
        run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test]
        result = subprocess.run(run, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout[-3000:]
        return
    barrier = threading.Barrier(PARALLEL)
    statuses, errors = [], []

    def guess():
        try:
            barrier.wait()
            statuses.append(post_login(Client(), "dost", "wrong").status_code)
        except Exception as exc:  # a lost update would show as a count below, an error here
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    counted = AccessAttempt.objects.filter(username="dost").aggregate(n=Sum("failures_since_start"))
    assert counted["n"] == PARALLEL
    assert SecurityEvent.objects.filter(kind=Kind.SIGN_IN_FAILED).count() == PARALLEL
    assert all(s in (200, 429) for s in statuses) and len(statuses) == PARALLEL
    client = Client()
    assert post_login(client, "dost", PASSWORD).status_code == 429
    assert signed_in_as(client) is None


# 2. User names that ignore case


def test_two_user_names_differing_only_in_case_cannot_exist(users):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("DOST", password=PASSWORD)
    assert User.objects.filter(username__iexact="dost").count() == 1


def test_sign_in_ignores_the_case_of_the_user_name(client, users):
    post_login(client, "Reporter", PASSWORD)
    assert signed_in_as(client) == str(users["reporter"].pk)


# 3. Two-step verification


def test_staff_reach_no_page_and_no_api_before_the_code(client, users):
    device = authenticator(users["dost"])
    post_login(client, "dost", PASSWORD)
    assert signed_in_as(client) == str(users["dost"].pk)
    response = client.get("/monitoring/import/")
    assert response.status_code == 302
    assert response.url == "/accounts/mfa/?next=/monitoring/import/"
    assert client.get("/api/resolutions/").status_code == 403
    assert client.get("/admin/").status_code == 302

    wrong = client.post("/accounts/mfa/", {"code": "000000", "next": "/monitoring/import/"})
    assert wrong.status_code == 200 and client.get("/api/resolutions/").status_code == 403

    secret = base64.b32encode(device.bin_key).decode()
    code = rfc6238(secret, time.time())
    # Right after a wrong code the device is throttled (django-otp: 2^(n-1) s after n failures)
    throttled = client.post("/accounts/mfa/", {"code": code, "next": "/monitoring/import/"})
    assert throttled.status_code == 200
    # ...until the wait has passed: the failures are moved a minute into the past.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=1)
    )
    ok = client.post("/accounts/mfa/", {"code": code, "next": "/monitoring/import/"})
    assert ok.status_code == 302 and ok.url == "/monitoring/import/"
    assert client.get("/monitoring/import/").status_code == 200
    assert client.get("/api/resolutions/").status_code == 200
    kinds = list(SecurityEvent.objects.filter(user=users["dost"]).values_list("kind", flat=True))
    assert Kind.MFA_FAILED in kinds and Kind.MFA_PASSED in kinds


def test_an_administrator_without_an_app_is_sent_to_set_one_up(client, users):
    post_login(client, "admin", PASSWORD)
    first = client.get("/", follow=True)
    assert first.redirect_chain[-1][0].startswith("/accounts/mfa/setup/")
    page = first.content.decode()
    uri = re.search(r"otpauth://totp/[^<\s]+", page).group(0)
    assert "<svg" in page  # the QR code, drawn on the server
    secret = parse_qs(urlparse(uri.replace("&amp;", "&")).query)["secret"][0]

    done = client.post("/accounts/mfa/setup/", {"code": rfc6238(secret, time.time())})
    assert done.status_code == 200
    shown = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    stored = StaticToken.objects.filter(device__user=users["admin"]).values_list("token", flat=True)
    assert len(shown) == 10 and sorted(shown) == sorted(stored)
    assert TOTPDevice.objects.get(user=users["admin"]).confirmed
    assert client.get("/admin/").status_code == 200
    assert SecurityEvent.objects.filter(user=users["admin"], kind=Kind.MFA_ENROLLED).exists()
    # Set up once: the set-up page now leads to the account page, not a second secret.
    assert client.get("/accounts/mfa/setup/").url == "/accounts/"


def test_a_recovery_code_works_once(client, users):
    authenticator(users["dost"])
    code = issue_recovery_codes(users["dost"])[0]
    post_login(client, "dost", PASSWORD)
    assert client.post("/accounts/mfa/", {"code": code.upper()}).status_code == 302
    assert client.get("/monitoring/import/").status_code == 200
    assert SecurityEvent.objects.filter(kind=Kind.RECOVERY_CODE_USED).count() == 1

    client.post("/accounts/logout/")
    post_login(client, "dost", PASSWORD)
    again = client.post("/accounts/mfa/", {"code": code})
    assert again.status_code == 200  # refused: the form again
    assert client.get("/monitoring/import/").status_code == 302
    assert StaticToken.objects.filter(device__user=users["dost"]).count() == 9


def test_other_roles_need_no_code_unless_they_set_up_an_app(client, users):
    post_login(client, "reporter", PASSWORD)
    assert client.get("/accounts/").status_code == 200
    client.post("/accounts/logout/")

    authenticator(users["expert"])  # set up voluntarily
    post_login(client, "expert", PASSWORD)
    assert client.get("/accounts/").url == "/accounts/mfa/?next=/accounts/"


# 4. Password change and reset


def test_password_change_asks_a_strong_password_and_is_logged(client_for, users):
    client = client_for("reporter")
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"},
    )
    assert weak.status_code == 200
    users["reporter"].refresh_from_db()
    assert users["reporter"].check_password(PASSWORD)

    new = "another-long-passphrase-2031"
    done = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302 and done.url == "/accounts/password/done/"
    users["reporter"].refresh_from_db()
    assert users["reporter"].check_password(new)
    assert signed_in_as(client) == str(users["reporter"].pk)  # this session goes on
    assert SecurityEvent.objects.filter(user=users["reporter"], kind=Kind.PASSWORD_CHANGED).exists()


def test_password_reset_by_e_mail(client, users, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_user("lan", email="lan@sokhcn.example.vn")
    sent = client.post("/accounts/password/reset/", {"email": "LAN@sokhcn.example.vn"})
    assert sent.url == "/accounts/password/reset/sent/"
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.vn"})
    assert unknown.url == sent.url  # the same answer: no way to tell who has an account
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lan@sokhcn.example.vn"]

    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)
    new = "a-new-long-passphrase-2031"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.url == "/accounts/password/reset/done/"
    post_login(client, "lan", new)
    assert signed_in_as(client) == str(User.objects.get(username="lan").pk)
    assert client.get(link.group(1), follow=True).context["validlink"] is False  # used once
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {Kind.PASSWORD_RESET_REQUESTED, Kind.PASSWORD_CHANGED} <= kinds


# 5. Absolute session lifetime


def _age_session(client, seconds):
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - seconds
    session.save()


def test_a_session_older_than_its_lifetime_ends_however_active(client_for, users, settings):
    client = client_for("reporter")
    _age_session(client, settings.STIHUB_SESSION_ABSOLUTE_SECONDS - 60)
    assert client.get("/accounts/").status_code == 200  # within the lifetime
    _age_session(client, settings.STIHUB_SESSION_ABSOLUTE_SECONDS + 1)
    response = client.get("/accounts/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert signed_in_as(client) is None
    ended = SecurityEvent.objects.get(kind=Kind.SIGN_OUT)
    assert ended.user == users["reporter"] and "lifetime" in ended.detail


# 6. Security log


def test_sign_in_success_failure_lockout_and_sign_out_are_logged(client, users):
    where = {"REMOTE_ADDR": "198.51.100.20", "HTTP_USER_AGENT": "TestBrowser/1.0"}
    post_login(client, "ghost", "wrong", **where)
    for _ in range(4):
        post_login(client, "reporter", "wrong", **where)
    post_login(client, "reporter_b", PASSWORD, REMOTE_ADDR="198.51.100.21")
    client.post("/accounts/logout/", REMOTE_ADDR="198.51.100.21")

    failed = SecurityEvent.objects.filter(kind=Kind.SIGN_IN_FAILED)
    assert failed.count() == 5
    ghost = failed.get(username="ghost")
    assert ghost.user is None and ghost.ip_address == "198.51.100.20"
    assert ghost.user_agent == "TestBrowser/1.0"
    assert failed.filter(user=users["reporter"]).count() == 4
    # The fifth failure from the address locked it.
    assert SecurityEvent.objects.filter(kind=Kind.LOCKOUT, ip_address="198.51.100.20").exists()
    signed = SecurityEvent.objects.get(kind=Kind.SIGN_IN)
    assert signed.user == users["reporter_b"] and signed.ip_address == "198.51.100.21"
    assert SecurityEvent.objects.get(kind=Kind.SIGN_OUT).user == users["reporter_b"]


def test_refusals_of_pages_and_api_are_logged(client_for, users):
    client = client_for("reporter")
    assert client.get("/monitoring/import/").status_code == 403
    assert client.post("/api/observations/1/approve/", {}).status_code == 403  # DOST's
    details = set(
        SecurityEvent.objects.filter(
            kind=Kind.PERMISSION_DENIED, user=users["reporter"]
        ).values_list("detail", flat=True)
    )
    assert details == {"GET /monitoring/import/", "POST /api/observations/1/approve/"}


def test_the_address_comes_from_the_proxy_only_when_one_is_declared(client, users, settings):
    spoofed = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.99"}
    post_login(client, "ghost", "wrong", **spoofed)
    settings.STIHUB_PROXY_COUNT = 1
    post_login(client, "ghost2", "wrong", **spoofed)
    addresses = dict(SecurityEvent.objects.values_list("username", "ip_address"))
    assert addresses == {"ghost": "10.0.0.1", "ghost2": "192.0.2.99"}


def test_prune_security_log_keeps_twelve_months(db):
    now = timezone.now()
    for days in (400, 366, 364, 1):
        at = now - timedelta(days=days)
        SecurityEvent.objects.create(kind=Kind.SIGN_IN, username=f"d{days}", at=at)
    call_command("prune_security_log")
    assert sorted(SecurityEvent.objects.values_list("username", flat=True)) == ["d1", "d364"]
    call_command("prune_security_log", "--days", "30")
    assert list(SecurityEvent.objects.values_list("username", flat=True)) == ["d1"]


def test_the_security_log_is_for_administrators_only_and_read_only(client_for, users):
    SecurityEvent.objects.create(kind=Kind.SIGN_IN, username="someone")
    changelist = "/admin/core/securityevent/"
    assert client_for("dost").get(changelist).status_code != 200  # the admin sends them away
    admin = client_for("admin")
    page = admin.get(changelist)
    assert page.status_code == 200 and "someone" in page.content.decode()
    assert admin.get(changelist + "add/").status_code == 403
    event = SecurityEvent.objects.get(username="someone")
    assert admin.post(f"{changelist}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SecurityEvent.objects.filter(username="someone").exists()
    assert not hasattr(SecurityEvent, "history")  # a log is not itself audited
