"""API tokens: how another system (a department's own software) calls the API as a user.

The header is `Authorization: Token <key>`. A key is `sti_` and 43 URL-safe characters (256
random bits), shown once when issued (`stihub issue_token USERNAME`); the database keeps only
its SHA-256 (`core.ApiToken`), so neither the database nor a backup holds a usable key. DRF's
own authtoken app was not used because it stores keys in clear and keeps no revocation record.

Token calls do not pass two-step verification: a token is a separate credential, issued on the
server by an administrator, not a password typed into a form, and it cannot be guessed; DOST
revokes it on the token page. Issue, revocation and every refused key go to the security log.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .models import ApiToken, SecurityEvent
from .security import log_event

KEYWORD = "Token"
KEY_PREFIX = "sti_"
SHOWN_CHARACTERS = 12  # "sti_" and 8 characters: enough to tell tokens apart on the page
# `last_used_at` is written at most once a minute per token, not on every call.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue(user, *, issued_by: str = "") -> str:
    """A new key for `user`, whose earlier token (if any) is revoked; the key is returned once."""
    now = timezone.now()
    ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now
    )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        prefix=key[:SHOWN_CHARACTERS],
        key_hash=hash_key(key),
        created_by=issued_by[:150],
    )
    return key


def revoke(token: ApiToken, *, by=None) -> bool:
    """Revoke `token`; False when it was revoked already (a conditional update: two people
    pressing the button at once revoke it once)."""
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
    )


class TokenAuthentication(BaseAuthentication):
    """DRF: `Authorization: Token <key>` → the token's user; a bad key is 401, and logged."""

    def authenticate(self, request):
        words = _token_words(request)
        if not words:
            return None  # another scheme, or none: the session decides
        if len(words) != 2:
            self._refuse(request, "malformed header")
        try:
            key = words[1].decode("ascii")
        except UnicodeDecodeError:
            self._refuse(request, "malformed key")
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None:
            self._refuse(request, f"unknown key {key[:SHOWN_CHARACTERS]}")
        if token.revoked_at is not None:
            self._refuse(request, f"revoked token {token.prefix}", token.user)
        if not token.user.is_active:
            self._refuse(request, f"inactive user, token {token.prefix}", token.user)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        # 401 with `WWW-Authenticate: Token` for a caller who sent a key; without one, an
        # anonymous call stays 403 as before (DRF answers 403 when this is None).
        return KEYWORD if _token_words(request) else None

    def _refuse(self, request, detail: str, user=None):
        # The Django request: DRF's `request.user` would authenticate again, from here.
        django_request = getattr(request, "_request", request)
        log_event(django_request, SecurityEvent.Kind.TOKEN_REFUSED, user=user, detail=detail)
        raise exceptions.AuthenticationFailed(_("Invalid or revoked API token."))


def _token_words(request) -> list[bytes]:
    """The Authorization header's words when its scheme is Token, else []."""
    words = get_authorization_header(request).split()
    return words if words and words[0].lower() == KEYWORD.lower().encode() else []


class TokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI description (drf-spectacular finds it by its target class)."""

    target_class = "stihub.core.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(_('"Token <key>", the key issued by `stihub issue_token`.')),
        }
