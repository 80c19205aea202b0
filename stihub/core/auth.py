"""Sign-in that holds under attack: django-axes glue and the sign-in events of the security log.

django-axes counts failed sign-ins in the database (one row per user name, address and
browser, incremented with an F() expression inside a transaction, so parallel guesses are all
counted) and its backend, first in AUTHENTICATION_BACKENDS, refuses a user name or a client
address that reached STIHUB_LOCKOUT_ATTEMPTS within STIHUB_LOCKOUT_MINUTES.
"""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.shortcuts import render

from .security import log_event, start_session_clock


def typed_username(request, credentials=None) -> str:
    """The user name axes counts under: as typed, trimmed and lower-cased, because sign-in
    ignores case and «DOST» must not get five more guesses than «dost»."""
    source = credentials if credentials is not None else getattr(request, "POST", {})
    name = (source or {}).get(get_user_model().USERNAME_FIELD) or ""
    return name.strip().lower()


def lockout_response(request, original_response=None, credentials=None):
    """The page shown while a user name or address is locked out (HTTP 429)."""
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": settings.STIHUB_LOCKOUT_MINUTES},
        status=429,
    )


def _kind():
    from .models import SecurityEvent

    return SecurityEvent.Kind


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    if request is None:
        return
    start_session_clock(request, user)
    log_event(request, _kind().SIGN_IN, user=user)


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if request is None or user is None:
        return
    log_event(request, _kind().SIGN_OUT, user=user, detail=getattr(request, "stihub_logout", ""))


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    username = (credentials or {}).get(get_user_model().USERNAME_FIELD) or ""
    log_event(request, _kind().SIGN_IN_FAILED, username=username, user=_known(username))


@receiver(user_locked_out)
def locked_out(sender, request, username=None, ip_address=None, **kwargs):
    if request is None:
        return
    log_event(request, _kind().LOCKOUT, username=username or "", user=_known(username))


def _known(username):
    """The account a typed user name names, if any (for the log only)."""
    if not username:
        return None
    return get_user_model()._default_manager.filter(username__iexact=username).first()
