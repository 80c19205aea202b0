"""The signed-in user's own account (two-step verification, recovery codes, password change)
and the password reset by e-mail: Django's views with our templates, each step logged in the
security log."""

from base64 import b32encode
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SecurityEvent
from .permissions import PUBLIC, require
from .security import (
    MFA_ASKED,
    is_verified,
    issue_recovery_codes,
    log_event,
    pending_totp_device,
    qr_svg,
)

OWN_ACCOUNT = "core.manage_own_account"
Kind = SecurityEvent.Kind


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        # Apps show «123 456»; recovery codes are lower-case letters and digits.
        return "".join(self.cleaned_data["code"].split()).lower()


def _home(request) -> str:
    """Where a signed-in person goes by default: the page of their work for those who report or
    review (`STIHUB_WORK_HOME`), else the home page."""
    permission, page = settings.STIHUB_WORK_HOME
    return resolve_url(page if request.user.has_perm(permission) else settings.LOGIN_REDIRECT_URL)


class _SignIn(auth_views.LoginView):
    """Django's sign-in, landing reporters and DOST on their work unless `next` says otherwise."""

    def get_default_redirect_url(self):
        return _home(self.request)


sign_in = require(PUBLIC)(_SignIn.as_view())


def _next(request) -> str:
    """Where to go afterwards: the `next` asked for if it is on this site, else `_home`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else _home(request)


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?next={quote(_next(request))}"


def _has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@require(OWN_ACCOUNT)
def account(request):
    """The user's account: two-step verification status, recovery codes left, password."""
    user = request.user
    return render(
        request,
        "registration/account.html",
        {
            "has_authenticator": _has_authenticator(user),
            "codes_left": StaticToken.objects.filter(device__user=user).count(),
        },
    )


@never_cache
@require(OWN_ACCOUNT)
def mfa_verify(request):
    """Second step of sign-in: a code from the authenticator app, or a recovery code (once)."""
    user = request.user
    if is_verified(user):
        return redirect(_next(request))
    if not user_has_device(user):
        return redirect(_with_next("mfa_enrol", request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = match_token(user, form.cleaned_data["code"])  # throttled per device
        if device is not None:
            request.session.cycle_key()  # a new session key for the raised privilege
            otp_login(request, device)
            recovery = isinstance(device, StaticDevice)
            log_event(request, Kind.RECOVERY_CODE_USED if recovery else Kind.MFA_PASSED)
            return redirect(_next(request))
        log_event(request, Kind.MFA_FAILED)
        form.add_error(
            "code",
            _(
                "This code is not valid, or too many codes were tried: wait a "
                "little and try again, or use a recovery code."
            ),
        )
    return render(request, "registration/mfa_verify.html", {"form": form, "next": _next(request)})


@never_cache
@require(OWN_ACCOUNT)
def mfa_enrol(request):
    """Setting up the authenticator app: scan the QR code (or type the key), confirm a code,
    then receive the recovery codes, shown this once."""
    user = request.user
    if _has_authenticator(user):
        return redirect("account" if is_verified(user) else _with_next("mfa_verify", request))
    device = pending_totp_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        with transaction.atomic():
            confirmed = device.verify_token(form.cleaned_data["code"])
            if confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = issue_recovery_codes(user)
        if confirmed:
            request.session.cycle_key()
            otp_login(request, device)
            request.session[MFA_ASKED] = True
            log_event(request, Kind.MFA_ENROLLED)
            return _show_codes(request, codes)
        log_event(request, Kind.MFA_FAILED, detail="set-up")
        form.add_error(
            "code",
            _(
                "This code is not valid. Check that the phone's clock is right "
                "and type the code the app shows now."
            ),
        )
    uri = device.config_url
    return render(
        request,
        "registration/mfa_enrol.html",
        {
            "form": form,
            "uri": uri,
            "qr": mark_safe(qr_svg(uri)),  # segno's SVG, from our own data
            "secret": b32encode(device.bin_key).decode(),
            "next": _next(request),
        },
    )


@never_cache
@require(OWN_ACCOUNT)
def mfa_recovery_codes(request):
    """New recovery codes (the old ones stop working), for a verified user with an app."""
    if request.method != "POST":
        return redirect("account")
    user = request.user
    if not _has_authenticator(user):
        return redirect(_with_next("mfa_enrol", request))
    if not is_verified(user):
        return redirect(_with_next("mfa_verify", request))
    codes = issue_recovery_codes(user)
    log_event(request, Kind.MFA_ENROLLED, detail="new recovery codes")
    return _show_codes(request, codes)


def _show_codes(request, codes):
    return render(
        request, "registration/mfa_recovery_codes.html", {"codes": codes, "next": _next(request)}
    )


class _PasswordChange(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        log_event(self.request, Kind.PASSWORD_CHANGED)
        return response


class _PasswordReset(auth_views.PasswordResetView):
    def form_valid(self, form):
        log_event(self.request, Kind.PASSWORD_RESET_REQUESTED, username=form.cleaned_data["email"])
        return super().form_valid(form)


class _PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        log_event(self.request, Kind.PASSWORD_CHANGED, user=form.user, detail="reset by e-mail")
        return response


password_change = require(OWN_ACCOUNT)(
    _PasswordChange.as_view(success_url=reverse_lazy("password_change_done"))
)
password_change_done = require(OWN_ACCOUNT)(auth_views.PasswordChangeDoneView.as_view())
password_reset = require(PUBLIC)(_PasswordReset.as_view())
password_reset_done = require(PUBLIC)(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = require(PUBLIC)(_PasswordResetConfirm.as_view())
password_reset_complete = require(PUBLIC)(auth_views.PasswordResetCompleteView.as_view())
