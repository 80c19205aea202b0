"""PLACEHOLDER (to be replaced by the helper that owns this module)."""

from django.http import Http404

from stihub.core.permissions import require


@require("registry.manage_registry")
def create(request, **kwargs):
    raise Http404


@require("registry.view_registry")
def detail(request, **kwargs):
    raise Http404


@require("registry.manage_registry")
def edit(request, **kwargs):
    raise Http404
