"""The data version: a token that changes whenever monitoring data changes, so anything derived
from that data (computed progress, rendered pages) can be cached under it and is never stale.

Any save or delete of a watched model (`watch()`; monitoring watches its observations, targets,
indicators, resolutions and solution groups, and agencies, whose names pages show) and any
change of their many-to-many links changes the version; the next request computes afresh.
Writes that send no signals (`bulk_create`, `QuerySet.update()` or `.delete()`) must call
`data_changed()` themselves.

The version is a shared token, replaced when a transaction that changed data commits (after
the commit, so that no other process can read the new token together with the old data and
cache that). Inside a transaction that has changed data, the connection's own version is the
token followed by a counter increased at every change: it sees its own changes at once (tests
run inside one), and what it caches meanwhile is never read once the transaction has ended,
whether committed (new token) or rolled back (the token alone again).

The shared token must be seen by every web process and by the job worker. It lives in the
default cache when that cache is shared (Redis); with the default per-process memory cache, in
a one-entry file cache under the var folder, which every process of the machine reads.
Derived values themselves may live in the per-process cache: they are keyed by the version.

`public_page` keeps whole public pages, as an anonymous visitor sees them, per language and
data version: a visitor without a session gets them from the cache without a database query
(so they are still served while the database restarts). `CachedListMixin` keeps the data of
a public API list the same way (permissions and rate limits are still asked every time).
"""

import hashlib
import itertools
import uuid
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from rest_framework.response import Response

TOKEN_KEY = "stihub:data-version"
PAGE_SECONDS = 600  # a page not asked for this long leaves the cache (memory, not freshness)
# Stands in for the visitor's CSRF token in a stored page; each answer gets the visitor's own.
CSRF_PLACEHOLDER = "stihubcsrfplaceholder".ljust(64, "0")
_local = itertools.count()
_local_value = 0
_file_caches: dict[Path, FileBasedCache] = {}


def _shared():
    """Where the shared token lives: the default cache if every process sees it, else a file."""
    default = caches["default"]
    if not isinstance(default, LocMemCache):
        return default
    folder = Path(settings.VAR_DIR) / "cache"
    if folder not in _file_caches:
        _file_caches[folder] = FileBasedCache(str(folder), {"TIMEOUT": None})
    return _file_caches[folder]


def _pending(connection) -> bool:
    """Whether this connection's transaction has changed watched data (not yet committed).

    on_commit runs at once outside a transaction and a rollback drops its callbacks, so our
    callback waiting in run_on_commit means exactly that."""
    return connection.in_atomic_block and any(
        func is _replace_token for _sids, func, _robust in connection.run_on_commit
    )


def data_version(using: str = DEFAULT_DB_ALIAS) -> str:
    """The current data version; cache keys of derived values include it."""
    store = _shared()
    token = store.get(TOKEN_KEY)
    if token is None:
        token = store.get_or_set(TOKEN_KEY, uuid.uuid4().hex, timeout=None)
    if _pending(transaction.get_connection(using)):
        return f"{token}.{_local_value}"
    return token


def _replace_token() -> None:
    _shared().set(TOKEN_KEY, uuid.uuid4().hex, timeout=None)


def data_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Call after changing watched data without signals. Cheap enough for every row."""
    global _local_value
    _local_value = next(_local) + 1
    if not _pending(transaction.get_connection(using)):  # once per transaction
        transaction.on_commit(_replace_token, using=using)


def _on_change(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    if kwargs.get("action", "post_").startswith("post_"):  # m2m: once, after the change
        data_changed(using)


def watch(*models) -> None:
    """Change the data version on every change of these models (from an app's ready()), and
    after migrations and flushes (which send no model signals)."""
    post_migrate.connect(_on_change, dispatch_uid="stihub-data-version-migrate")
    for model in models:
        uid = f"stihub-data-version-{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _on_change, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}"
            )


def _digest(text: str) -> str:
    """A short fixed-length stand-in for a URL in a cache key (any query, any length)."""
    return hashlib.sha256(text.encode()).hexdigest()


def _anonymous_without_state(request, params) -> bool:
    """A GET from a visitor with no session and no pending message (so certainly anonymous,
    known without a database query) that asks nothing but `params`."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and set(request.GET) <= set(params)
    )


def public_page(params=()):
    """Decorator for a public page view returning a TemplateResponse: anonymous visitors get
    the page rendered once per path, language and data version (only the query `params`
    listed may vary it); everyone else gets it rendered as usual."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _anonymous_without_state(request, params):
                return view(request, *args, **kwargs)
            key = f"page:{get_language()}:{_digest(request.get_full_path())}"
            full_key = f"stihub:{data_version()}:{key}"
            stored = cache.get(full_key)
            if stored is None:
                response = view(request, *args, **kwargs)
                if not isinstance(response, TemplateResponse) or response.status_code != 200:
                    return response
                # rendered with a placeholder for the token (the view's context wins over the
                # context processors), which each answer replaces with the visitor's own
                response.context_data = {**(response.context_data or {})}
                response.context_data["csrf_token"] = CSRF_PLACEHOLDER
                stored = (response.render().content, response["Content-Type"])
                cache.set(full_key, stored, PAGE_SECONDS)
            content, content_type = stored
            if CSRF_PLACEHOLDER.encode() in content:
                content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
            return HttpResponse(content, content_type=content_type)

        return wrapped

    return decorator


class CachedListMixin:
    """For a DRF viewset whose list is the same for everyone: the list's data is kept per data
    version, language, API version and URL (query and host included, as the page links are
    absolute). It runs after the permission and rate-limit checks, which still count."""

    def list(self, request, *args, **kwargs):
        key = ":".join(
            [
                f"stihub:{data_version()}:api",
                get_language(),
                str(request.version),
                _digest(request.build_absolute_uri()),
            ]
        )
        data = cache.get(key)
        if data is None:
            response = super().list(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            data = response.data
            cache.set(key, data, PAGE_SECONDS)
        return Response(data)
