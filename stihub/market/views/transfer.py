"""DOST's Excel import and export of offers and needs (`transfer.py` reads and writes them).

The import checks the whole workbook first: a bad one writes nothing and every problem is listed
(row, column, reason) with status 400; a good one publishes every row at once. `?template=1`
gives the workbook to fill in. The export takes the marketplace's filters (`MarketFilter`: q,
kind, sector, field, stage, partnership) and `status`, over every listing whatever its state:
it carries the owners' contacts (personal data), so it is DOST's only.
"""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stihub.core.permissions import require
from stihub.core.ratelimit import ratelimit
from stihub.core.uploads import XLSX, check_upload
from stihub.engines.problems import DataError

from .. import transfer
from ..choices import Kind, Status
from ..forms import MarketFilter
from ..models import Listing


class ImportForm(forms.Form):
    """The workbook to import, through the one upload check (type by content, size, limits)."""

    file = forms.FileField(label=_("Workbook (.xlsx)"))

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], [XLSX], limits=transfer.market_limits())


def _download(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX.content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _page(form, **extra) -> dict:
    """The import page's context: the form, the columns, the export's choices."""
    required = set(transfer.required_keys())
    return {
        "form": form,
        "columns": [(c, c.key in required) for c in transfer.COLUMNS],
        "export_only": transfer.EXPORT_ONLY,
        "max_rows": transfer.MAX_ROWS,
        "kinds": Kind.choices,
        "statuses": Status.choices,
        "problems": [],
        "saved": None,
        "export_errors": [],
        **extra,
    }


@require("market.import_export")
def import_listings(request):
    """DOST imports a workbook of offers and needs: all or nothing, published at once."""
    if request.method == "GET" and request.GET.get("template"):
        return _download(transfer.template_bytes(), "thi-truong-cong-nghe-mau.xlsx")
    form = ImportForm(request.POST or None, request.FILES or None)
    context = _page(form)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            try:
                context["saved"] = transfer.import_listings(form.cleaned_data["file"], request.user)
            except DataError as error:
                context["problems"] = error.problems
                status = 400
            else:
                context["form"] = ImportForm()
    return render(request, "market/import.html", context, status=status)


@require("market.import_export")
@ratelimit("download")
def export_listings(request):
    """The listings the filters select, in the import's columns and then code, status, owner
    account and dates; a refused filter: the import page (400) naming it."""
    params = request.GET.copy()
    for key in [k for k, v in params.items() if v == ""]:  # an empty select means "any"
        del params[key]
    rows = Listing.objects.all()
    state = params.pop("status", [None])[-1]
    if state is not None:
        if state not in Status.values:
            return _refused(request, [(_("Status"), [_("Choose one of the statuses.")])])
        rows = rows.filter(status=state)
    filterset = MarketFilter(params, queryset=rows)
    if not filterset.is_valid():
        return _refused(request, filterset.labelled_errors)
    name = f"thi-truong-cong-nghe-{timezone.localdate():%Y-%m-%d}.xlsx"
    return _download(transfer.export_bytes(filterset.qs), name)


def _refused(request, errors) -> HttpResponse:
    context = _page(ImportForm(), export_errors=errors)
    return render(request, "market/import.html", context, status=400)
