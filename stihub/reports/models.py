"""Review reports made on the web (and the .docx templates administrators upload for them).

A report is made by the worker as a job (`tasks.make_report_task`); the GeneratedReport row
keeps who asked for what, the file once it is written, which data it was made from, and why
it failed when it did.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stihub.core.models import AuditedModel
from stihub.jobs.choices import JobStatus


class TemplateKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Administrative document (Decree 30/2020/ND-CP)")
    PARTY = "party", _("Party document (Guidance 36-HD/VPTW)")


class ReportTemplate(AuditedModel):
    """A .docx template uploaded by DOST, offered beside the bundled ones while it is active."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("document format"),
        max_length=20,
        choices=TemplateKind.choices,
        default=TemplateKind.ADMINISTRATIVE,
    )
    file = models.FileField(_("file"), upload_to="report-templates/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="report_templates",
        verbose_name=_("uploaded by"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["-is_active", "name"]

    def __str__(self):
        return self.name


class GeneratedReport(AuditedModel):
    """A report someone asked for: its resolution, year, format and template, then its file."""

    resolution = models.ForeignKey(
        "monitoring.Resolution",
        models.PROTECT,
        related_name="generated_reports",
        verbose_name=_("resolution"),
    )
    year = models.PositiveSmallIntegerField(_("year reviewed"))
    format = models.CharField(_("format"), max_length=8)
    # A bundled template by its key (`docx.TEMPLATES`), or an uploaded one; neither for .xlsx.
    template = models.CharField(_("template"), max_length=40, blank=True)
    uploaded_template = models.ForeignKey(
        ReportTemplate,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("uploaded template"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="generated_reports",
        verbose_name=_("made by"),
    )
    job = models.ForeignKey(
        "jobs.Job",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("job"),
    )
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    data_version = models.CharField(_("data version"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.resolution.code} {self.year} .{self.format}"

    @property
    def status(self) -> JobStatus:
        """Where the report stands: its job's status, or for one made without a job, done or
        failed by what it holds."""
        if self.error:
            return JobStatus.FAILED
        if self.file:
            return JobStatus.DONE
        return JobStatus(self.job.status) if self.job else JobStatus.FAILED

    @property
    def template_label(self) -> str:
        from .docx import TEMPLATES

        if self.uploaded_template:
            return self.uploaded_template.name
        bundled = TEMPLATES.get(self.template)
        return str(bundled.label) if bundled else self.template

    @property
    def filename(self) -> str:
        """The name it is downloaded under, in Vietnamese."""
        return f"Báo cáo {self.resolution.code} năm {self.year}.{self.format}"
