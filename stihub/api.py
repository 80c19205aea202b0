"""The project's one REST API: a router into which each app's `api.py` registers its endpoints.

Versioning is by media type (`Accept: application/json; version=1`), so that the paths other
systems call (`/api/observations/`, ...) never change; a request for an unknown version gets
406. `urls.py` calls `discover()` once, which imports `stihub.<app>.api` for every app that has
one, in INSTALLED_APPS order.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from rest_framework.routers import APIRootView, DefaultRouter

from stihub.core.permissions import PUBLIC


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
