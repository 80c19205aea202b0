"""Account security: the session's absolute lifetime, two-step verification (MFA) for staff,
and the security log (`SecurityEvent`) with the client address it records.

`AccountSecurityMiddleware` runs after authentication and django-otp's middleware:
1. a session signed in longer ago than STIHUB_SESSION_ABSOLUTE_SECONDS is ended, however
   active (the idle timeout is the session cookie's age);
2. a user who must verify a code (administrators and DOST officers, by the rules, and anyone who
   set up an authenticator) and has not yet done so in this session reaches only the MFA pages
   and sign-out: pages send them to verify, the API answers 403;
3. every 403 answer (a page's `check()`, the API's permission classes, CSRF) is logged.
"""

import time
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .rules import is_dost

SIGNED_IN_AT = "stihub_signed_in_at"
MFA_ASKED = "stihub_mfa"  # the user had a device when signing in: verify even if not staff
# Pages an unverified user may still open: verifying, enrolling, signing out, the language.
MFA_OPEN_ROUTES = ("mfa_verify", "mfa_enrol", "logout", "set_language")


def client_address(request) -> str | None:
    """The caller's address: REMOTE_ADDR, or with STIHUB_PROXY_COUNT proxies in front, the
    address the outermost of them saw (the last entries of X-Forwarded-For are theirs)."""
    proxies = settings.STIHUB_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def log_event(request, kind, *, user=None, username: str = "", detail: str = "") -> None:
    """Write one security event: who (the account, or the name typed), from where, and what."""
    from .models import SecurityEvent

    if user is None:
        current = getattr(request, "user", None)
        user = current if getattr(current, "is_authenticated", False) else None
    SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        ip_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
        detail=str(detail)[:255],
    )


def start_session_clock(request, user) -> None:
    """At sign-in: when the session began, and whether it must pass two-step verification."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session[SIGNED_IN_AT] = int(time.time())
    session[MFA_ASKED] = user_has_device(user)


def must_verify(request) -> bool:
    """True for a signed-in user who owes a code: staff by their roles, or anyone with a device."""
    user = request.user
    return user.is_authenticated and (is_dost(user) or bool(request.session.get(MFA_ASKED)))


def is_verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._guard(request) or self.get_response(request)
        if response.status_code == 403:
            from .models import SecurityEvent

            log_event(
                request,
                SecurityEvent.Kind.PERMISSION_DENIED,
                detail=f"{request.method} {request.path}",
            )
        return response

    def _guard(self, request):
        if not request.user.is_authenticated:
            return None
        now = int(time.time())
        started = request.session.setdefault(SIGNED_IN_AT, now)
        if now - started > settings.STIHUB_SESSION_ABSOLUTE_SECONDS:
            request.stihub_logout = "session lifetime reached"
            logout(request)  # the request goes on as anonymous: private pages ask to sign in
            return None
        if not must_verify(request) or is_verified(request.user):
            return None
        if request.path in {reverse(name) for name in MFA_OPEN_ROUTES}:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Two-step verification is required.")}, status=403)
        return redirect(f"{reverse('mfa_verify')}?next={quote(request.get_full_path())}")


# Two-step verification helpers


def pending_totp_device(user) -> TOTPDevice:
    """The authenticator being set up: an unconfirmed TOTP device, made once and kept until
    confirmed, so reloading the page shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_svg(text: str) -> str:
    """A QR code of `text` as inline SVG, drawn on the server (no CDN, no JavaScript)."""
    return segno.make(text, error="m").svg_inline(scale=5, border=2, title="QR")


def issue_recovery_codes(user) -> list[str]:
    """New one-time recovery codes for `user`, replacing any earlier ones; shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.STIHUB_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes
