"""The project's one REST API: a router into which each app's `api.py` registers its endpoints.

Versioning is by media type (`Accept: application/json; version=1`), so that the paths other
systems call (`/api/observations/`, ...) never change; a request for an unknown version gets
406. `urls.py` calls `discover()` once, which imports `stihub.<app>.api` for every app that has
one, in INSTALLED_APPS order.
"""

import logging
import re
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import DataError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from stihub.core.permissions import PUBLIC
from stihub.core.ratelimit import retry_message

logger = logging.getLogger(__name__)


class CheckedLookup:
    """Viewset mixin: a lookup value in the path must match `lookup_pattern`, else 404 (JSON,
    before any query). Row ids are ASCII digits: int() would also read "١٢" as 12, and
    PostgreSQL refuses a NUL in a code with an error (500) instead of finding nothing."""

    lookup_pattern = r"[^\x00]+"
    lookup_value_regex = "[^/]+"  # a dot too reaches the viewset (no format suffixes): JSON 404

    def get_object(self):
        value = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        if not re.fullmatch(self.lookup_pattern, value):
            raise exceptions.NotFound()
        return super().get_object()


class RootView(APIRootView):
    """The list of the API's resources."""

    permissions = {"get": PUBLIC}


router = DefaultRouter()
router.APIRootView = RootView
router.include_format_suffixes = False  # one path per resource: /api/targets/, not also .json


def discover() -> DefaultRouter:
    for config in apps.get_app_configs():
        if config.name.startswith("stihub.") and find_spec(f"{config.name}.api"):
            import_module(f"{config.name}.api")
    return router


def exception_handler(exc, context):
    """DRF's handler, with the project's 429 message, and a last guard against a 500 from a
    value the database cannot hold (every parameter is checked before; this catches one that
    a future filter forgets, and logs it so that it gets its own check)."""
    if isinstance(exc, DataError | OverflowError):
        logger.warning("API parameter refused by the database", exc_info=exc)
        set_rollback()
        return Response(
            {"detail": _("A parameter of the request is out of range or malformed.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.Throttled) and response is not None:
        response.data = {"detail": retry_message(exc.wait)}
    return response


class ErrorSerializer(serializers.Serializer):
    """The body of a refusal: 403, 404, 406, 429 (and a 400 that no one parameter caused)."""

    detail = serializers.CharField(help_text=_("What went wrong, in the language asked for."))


FIELD_ERRORS = {
    "type": "object",
    "description": _("Each refused parameter, with what is wrong with it."),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


class Schema(AutoSchema):
    """drf-spectacular's description of an operation, with the errors it can answer: 400 when
    it takes query parameters, 404 when its path names an object, and always 401 (an API token
    unknown or revoked), 403 (not allowed, or two-step verification owed), 406 (an unknown API
    version) and 429 (rate limit)."""

    def _permission(self):
        action = getattr(self.view, "action", None) or self.method.lower()
        return getattr(self.view, "permissions", {}).get(action)

    def get_auth(self):
        # A public operation also answers without any session: say so ({} = no credentials).
        auth = super().get_auth()
        if self._permission() == PUBLIC and {} not in auth:
            auth.append({})
        return auth

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        parameters = operation.get("parameters", [])

        def answer(description, schema=error, **extra):
            return {
                "description": description,
                "content": {"application/json": {"schema": schema}},
                **extra,
            }

        responses = operation["responses"]
        if any(p["in"] == "query" for p in parameters):
            responses.setdefault(
                "400",
                answer(
                    _("A parameter is refused: out of range, or not of its type."),
                    {"anyOf": [FIELD_ERRORS, error]},
                ),
            )
        # Every operation accepts an API token (core/tokens.py): an unknown or revoked one is 401.
        responses.setdefault("401", answer(_("The API token is unknown or revoked.")))
        # Also on public reads: a signed-in session that owes its two-step verification (staff)
        # is refused until it verifies.
        responses.setdefault(
            "403",
            answer(_("Not allowed for this user, or the session still owes its two-step check.")),
        )
        if any(p["in"] == "path" for p in parameters):
            responses.setdefault("404", answer(_("No such object.")))
        responses.setdefault("406", answer(_("The API version asked for does not exist.")))
        retry_after = {
            "Retry-After": {
                "description": _("Seconds to wait before the next request."),
                "schema": {"type": "integer"},
            }
        }
        responses.setdefault(
            "429", answer(_("Too many requests from this client."), headers=retry_after)
        )
        return operation
