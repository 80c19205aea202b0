"""Rate limits: the API's throttles, and a decorator for costly work on pages.

One mechanism serves both: Django REST framework's cache-based throttle (a sliding window of
request times per client, kept in the shared cache, so several web processes count together
when REDIS_URL is set). A client is a signed-in user, or else an address (the one the last
trusted proxy saw: STIHUB_PROXY_COUNT). Rates are read from `STIHUB_RATE_LIMITS` on every
request, as "number/period" (s, min, h, day); an empty rate turns a limit off.

An API client over its rate gets 429 with a JSON message; a page, the 429 page; both say how
many seconds to wait, also in the Retry-After header.
"""

import math
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import ngettext
from rest_framework.throttling import SimpleRateThrottle

__all__ = ["AnonThrottle", "UserThrottle", "ratelimit", "retry_message"]


def retry_message(wait: float | None) -> str:
    seconds = max(1, math.ceil(wait or 1))
    return ngettext(
        "Too many requests: please wait %(seconds)d second and try again.",
        "Too many requests: please wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


class ScopedThrottle(SimpleRateThrottle):
    """The requests of one client in one scope (a key of STIHUB_RATE_LIMITS)."""

    def __init__(self, scope: str | None = None):
        if scope:
            self.scope = scope
        super().__init__()

    def get_rate(self):
        return settings.STIHUB_RATE_LIMITS.get(self.scope) or None

    def client(self, request) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user-{user.pk}"
        return self.get_ident(request)

    def get_cache_key(self, request, view):
        ident = self.client(request)
        return ident and self.cache_format % {"scope": self.scope, "ident": ident}


class AnonThrottle(ScopedThrottle):
    """API calls without an account, per address."""

    scope = "api_anon"

    def client(self, request):
        return None if request.user.is_authenticated else self.get_ident(request)


class UserThrottle(ScopedThrottle):
    """API calls of a signed-in user, wherever they come from."""

    scope = "api_user"

    def client(self, request):
        return f"user-{request.user.pk}" if request.user.is_authenticated else None


def too_many_requests(request, wait: float | None):
    """The 429 page, with Retry-After."""
    response = render(request, "429.html", {"explanation": retry_message(wait)}, status=429)
    response["Retry-After"] = str(max(1, math.ceil(wait or 1)))
    return response


def ratelimit(scope: str, methods: tuple[str, ...] = ("GET", "HEAD", "POST")):
    """Decorator: a page's `methods` count against the client's rate in `scope`; over it, the
    429 page. Put it below `@require` so that the permission is asked first."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                throttle = ScopedThrottle(scope)
                if not throttle.allow_request(request, None):
                    return too_many_requests(request, throttle.wait())
            return view(request, *args, **kwargs)

        wrapped.rate_scope = scope
        return wrapped

    return decorator
