"""Reports' part of `stihub demo`: the demo DOST officer has made last year's data annex (.xlsx)
and registered a copy of the bundled administrative template, so that the reports page and
the template list have something to show."""

from django.core.files.base import ContentFile
from django.utils import timezone

from stihub.core.models import User
from stihub.monitoring.models import Resolution

from .content import build
from .docx import TEMPLATES
from .models import GeneratedReport, ReportTemplate, TemplateKind
from .render import render

TEMPLATE_NAME = "Mẫu báo cáo hành chính (bản sao mẫu)"


def load(*, scale: int, seed: int) -> list[str]:
    return []


def after_accounts() -> list[str]:
    resolution = Resolution.objects.order_by("pk").first()
    dost = User.objects.filter(username="dost").first()
    if resolution is None or dost is None:
        return []
    lines = []
    if not ReportTemplate.objects.filter(name=TEMPLATE_NAME).exists():
        key = "nd30"
        body = TEMPLATES[key].path.read_bytes()
        template = ReportTemplate(
            name=TEMPLATE_NAME, kind=TemplateKind.ADMINISTRATIVE, uploaded_by=dost
        )
        template.file.save(f"{key}-copy.docx", ContentFile(body), save=False)
        template.save()
        lines.append(f"Report template: {TEMPLATE_NAME}.")
    year = timezone.localdate().year - 1
    if not GeneratedReport.objects.filter(resolution=resolution, year=year, job=None).exists():
        content = build(resolution, year)
        body = render(content, "xlsx")
        report = GeneratedReport(
            resolution=resolution,
            year=year,
            format="xlsx",
            created_by=dost,
            size=len(body),
            data_version=content.data_version,
        )
        report.file.save(f"{resolution.code.lower()}-{year}.xlsx", ContentFile(body), save=False)
        report.save()
        lines.append(f"Review report {resolution.code} {year} (.xlsx) made by dost.")
    return lines
