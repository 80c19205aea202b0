"""PLACEHOLDER (to be replaced by the helper that owns this module)."""

from django.http import Http404

from stihub.core.permissions import require


@require("registry.view_registry")
def home(request, **kwargs):
    raise Http404


@require("registry.view_registry")
def listing(request, **kwargs):
    raise Http404
