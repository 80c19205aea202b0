"""PLACEHOLDER (to be replaced by the helper that owns this module)."""

from django.http import Http404

from stihub.core.permissions import require


@require("registry.manage_registry")
def export(request, **kwargs):
    raise Http404


@require("registry.manage_registry")
def template(request, **kwargs):
    raise Http404


@require("registry.manage_registry")
def import_file(request, **kwargs):
    raise Http404
