"""PLACEHOLDER (to be replaced by the helper that owns this module)."""

from django.http import Http404

from stihub.core.permissions import require


@require("registry.view_access_log")
def access_log(request, **kwargs):
    raise Http404


@require("registry.manage_registry")
def duplicates(request, **kwargs):
    raise Http404


@require("registry.manage_registry")
def merge(request, **kwargs):
    raise Http404


@require("registry.handle_data_request")
def consent(request, **kwargs):
    raise Http404


@require("registry.handle_data_request")
def person_export(request, **kwargs):
    raise Http404


@require("registry.handle_data_request")
def erase(request, **kwargs):
    raise Http404
