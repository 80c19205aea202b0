"""The review reports page: ask for a report (made by the worker), list those made, download
them; and the .docx templates DOST uploads beside the bundled ones."""

import unicodedata
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from stihub.core.permissions import check, require
from stihub.reporting.views import page_of

from .docx import TEMPLATES
from .forms import ReportForm, TemplateUploadForm
from .models import GeneratedReport, ReportTemplate
from .render import CONTENT_TYPES
from .tasks import start_report


@require("reports.make_report")
def report_list(request):
    """The form that queues a report (then the job's page follows it), and the reports made,
    newest first."""
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = start_report(
            user=request.user,
            resolution=data["resolution"],
            year=data["year"],
            fmt=data["format"],
            template=data["template"],
        )
        return redirect("jobs:detail", report.job_id)
    reports = GeneratedReport.objects.select_related(
        "resolution", "created_by", "job", "uploaded_template"
    )
    page, query = page_of(request, reports)
    return render(request, "reports/list.html", {"form": form, "page": page, "query": query})


@require("reports.view_report")
def download(request, pk):
    """A generated report's file, under a Vietnamese name."""
    report = get_object_or_404(GeneratedReport.objects.select_related("resolution"), pk=pk)
    check(request, "reports.view_report", report)
    if not report.file:
        raise Http404(_("This report has no file: it is not finished, or it failed."))
    try:
        stored = report.file.open("rb")
    except (OSError, ValueError) as error:  # the file is gone from storage
        raise Http404(_("The stored file is missing.")) from error
    response = FileResponse(
        stored, content_type=CONTENT_TYPES.get(report.format, "application/octet-stream")
    )
    response["Content-Disposition"] = attachment(report.filename)
    return response


def attachment(name: str) -> str:
    """Content-Disposition for a Vietnamese file name: the name without its accents for old
    clients, and the name itself (RFC 6266, filename*) for the others."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode().replace('"', "")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"


@require("reports.manage_templates")
def templates(request):
    """Upload a .docx template (checked to be one), list them, take one out of use or back."""
    form = TemplateUploadForm()
    if request.method == "POST" and "toggle" in request.POST:
        pk = request.POST["toggle"]
        template = ReportTemplate.objects.filter(pk=pk).first() if pk.isdigit() else None
        if template is None:
            messages.error(request, _("That template no longer exists."))
        else:
            template.is_active = not template.is_active
            template.save(update_fields=["is_active", "updated_at"])
            done = (
                _("%(name)s is offered again.")
                if template.is_active
                else _("%(name)s is no longer offered; the reports made from it keep it.")
            )
            messages.success(request, done % {"name": template.name})
        return redirect("reports:templates")
    if request.method == "POST":
        form = TemplateUploadForm(request.POST, request.FILES)
        if form.is_valid():
            template = form.save(commit=False)
            template.uploaded_by = request.user
            template.save()
            messages.success(
                request, _("%(name)s was uploaded and is offered.") % {"name": template.name}
            )
            return redirect("reports:templates")
    rows = ReportTemplate.objects.select_related("uploaded_by")
    bundled = [(key, t.label) for key, t in TEMPLATES.items()]
    return render(
        request,
        "reports/templates.html",
        {"form": form, "templates": rows, "bundled": bundled},
    )


@require("reports.manage_templates")
def bundled(request, key):
    """A bundled template, to edit in Word and upload again."""
    if key not in TEMPLATES:
        raise Http404(_("There is no such template."))
    path = TEMPLATES[key].path
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES["docx"])
    response["Content-Disposition"] = attachment(path.name)
    return response
