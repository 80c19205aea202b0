import logging
import sys
import time

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose another language (cookie); the browser's wish is ignored.

    Civil servants' browsers are often set to English; the platform still speaks Vietnamese.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        translation.activate(chosen if chosen in supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
SAFE_METHODS = ("GET", "HEAD")
POLL_SECONDS = 0.25
logger = logging.getLogger(__name__)


def database_unavailable(request) -> HttpResponse:
    """The 503 page: the database is unreachable; nothing was saved, try again shortly.

    Rendered without the request, so no context processor reaches for the session or the user,
    which live in the database.
    """
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _drop_broken_connections() -> None:
    """Close the connections that no longer work, so the next request opens a new one.

    A working connection is left alone: the error may have been one query's (a lock timeout),
    and closing a connection inside a transaction would end the transaction.
    """
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.is_usable():
            connection.close()


def _wait_for_database(seconds: float) -> bool:
    """Whether the default database answers again within `seconds` (a restart takes a few).

    A connection found broken is closed so that the next try opens a new one; a working one
    is never closed (inside a transaction that would end it)."""
    if seconds <= 0:
        return False
    deadline = time.monotonic() + seconds
    connection = connections["default"]
    while True:
        try:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except DATABASE_ERRORS:
            _drop_broken_connections()
        if time.monotonic() + POLL_SECONDS > deadline:
            return False
        time.sleep(POLL_SECONDS)


class DatabaseUnavailableMiddleware:
    """While the database is unreachable, answer 503 with Retry-After instead of 500, and
    recover by itself once it is back (no restart of the web processes).

    Errors raised by a view or its template reach `process_exception`. Errors raised outside
    the view (another middleware saving the session, say) are turned into a 500 response by
    Django before they could reach this middleware; the `got_request_exception` signal marks
    the request, and the 500 is replaced on the way out.

    A read (GET, HEAD) that met the outage waits up to STIHUB_DB_WAIT_SECONDS for the
    database to answer again and is then served once more, so that a database restart of a
    few seconds costs readers a delay rather than an error page. A write is never repeated:
    it gets the 503 at once (nothing of it was committed).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "_stihub_database_unavailable", False):
            return response
        _drop_broken_connections()
        if request.method in SAFE_METHODS and _wait_for_database(settings.STIHUB_DB_WAIT_SECONDS):
            request._stihub_database_unavailable = False
            response = self.get_response(request)
            if not getattr(request, "_stihub_database_unavailable", False):
                return response
            _drop_broken_connections()
        return database_unavailable(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.warning("Database unavailable at %s: %s", request.path, exception)
        request._stihub_database_unavailable = True
        return database_unavailable(request)


@receiver(got_request_exception)
def _mark_database_errors(sender, request=None, **kwargs):
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        request._stihub_database_unavailable = True
