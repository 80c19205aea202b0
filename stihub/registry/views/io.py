"""Download a registry (CSV, XLSX) and its Excel template; import a file (DOST).

The import checks the whole file first: a bad file writes nothing and every problem is listed
(sheet, row, column, reason); a good one says how many records are new, updated and unchanged,
and lists the likely duplicates it flagged. A file of more than `STIHUB_JOB_THRESHOLD_ROWS`
rows is imported by the worker as a job (`importing.start_job`).
"""

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from stihub.core.permissions import require
from stihub.core.ratelimit import ratelimit
from stihub.core.uploads import CSV, XLSX, check_upload
from stihub.engines import registry_io
from stihub.engines.problems import DataError
from stihub.monitoring.importing import count_rows

from .. import exports
from ..importing import import_registry, registry_limits, start_job
from ..registries import registry_of

SHOWN_DUPLICATES = 200


class ImportForm(forms.Form):
    """The file to import, checked by the one upload check (type by content, size, limits)."""

    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], [XLSX, CSV], limits=registry_limits())


@require("registry.manage_registry")
@ratelimit("download")
def export(request, registry, fmt):
    """The registry in the import contract's columns, as .csv or .xlsx."""
    registry_of(registry)
    return exports.export(registry, fmt, request.user, path=request.path)


@require("registry.manage_registry")
def template(request, registry):
    """The Excel template to fill in, with its guide sheet."""
    registry_of(registry)
    return exports.template_response(registry)


@require("registry.manage_registry")
def import_file(request, registry):
    """DOST imports a file into a registry: all or nothing."""
    spec = registry_of(registry)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {
        "registry": spec,
        "form": form,
        "columns": [(c, registry_io.accepted_words(c)) for c in registry_io.columns(registry)],
        "problems": [],
        "result": None,
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if count_rows(upload, upload.name) > settings.STIHUB_JOB_THRESHOLD_ROWS:
            return redirect("jobs:detail", start_job(upload, kind=registry, user=request.user).pk)
        try:
            result = import_registry(registry, upload, upload.name, user=request.user)
        except DataError as error:
            context["problems"] = error.problems
        else:
            context["result"] = result
            context["duplicates"] = result.duplicates[:SHOWN_DUPLICATES]
            context["form"] = ImportForm()
    return render(request, "registry/import.html", context)
