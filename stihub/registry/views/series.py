"""PLACEHOLDER (to be replaced by the helper that owns this module)."""

from django.http import Http404

from stihub.core.permissions import require


@require("registry.manage_registry")
def series(request, **kwargs):
    raise Http404
