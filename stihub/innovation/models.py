"""Stored composite-index datasets: the uploaded workbook, how it was computed, and the results."""

from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stihub.core.models import AuditedModel


class IndexDataset(AuditedModel):
    """One year's innovation-index data (bộ dữ liệu chỉ số ĐMST), e.g. PII 2024, and its results.

    The workbook is kept as uploaded so the index can always be recomputed; `results` caches the
    scores and ranks (and, once computed, the rank uncertainty) so pages need not recompute.
    """

    code = models.SlugField(_("index code"), max_length=20, default="PII")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=255)
    workbook = models.BinaryField(_("workbook"))
    sha256 = models.CharField(_("workbook checksum"), max_length=64)
    filename = models.CharField(_("original file name"), max_length=255)
    settings = models.JSONField(_("computation settings"), default=dict, blank=True)
    results = models.JSONField(_("computed results"), default=dict, blank=True)
    province_unit = models.CharField(
        _("our province's unit code"),
        max_length=60,
        blank=True,
        help_text=_("The unit code of the province in the workbook, e.g. NAN for Nghệ An."),
    )
    uploaded_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="index_datasets",
        verbose_name=_("uploaded by"),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("index dataset")
        verbose_name_plural = _("index datasets")
        ordering = ["code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["code", "year"], name="unique_index_dataset_year")
        ]

    def __str__(self):
        return f"{self.code} {self.year}"
