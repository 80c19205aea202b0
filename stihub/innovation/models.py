"""Stored composite-index datasets: the uploaded workbook, how it was computed, and the results."""

from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stihub.core.models import AuditedModel

OFFICIAL_CODE = "PII"  # the only index whose official figures the resolution's targets use


def workbook_path(dataset, filename: str) -> str:
    """Where a dataset's workbook is stored: by index and year (the storage adds a suffix to
    keep a replaced file, which the change history still names)."""
    return f"innovation/{dataset.code}/{dataset.year}/{filename}"


class IndexDataset(AuditedModel):
    """One year's innovation-index data (bộ dữ liệu chỉ số ĐMST), e.g. PII 2024, and its results.

    The workbook is kept as uploaded (a file on storage) so the index can always be recomputed;
    `results` caches the scores and ranks (and, once computed, the rank uncertainty) so pages
    need not recompute. Only the dataset DOST marks official may feed the resolution's PII.
    """

    code = models.SlugField(_("index code"), max_length=20, default="PII")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=255)
    workbook = models.FileField(_("workbook"), upload_to=workbook_path, max_length=255)
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
    is_official = models.BooleanField(
        _("official PII of its year"),
        default=False,
        help_text=_("Only the official dataset is published to the resolution."),
    )

    class Meta:
        verbose_name = _("index dataset")
        verbose_name_plural = _("index datasets")
        ordering = ["code", "-year"]
        constraints = [
            # one dataset per index and year, hence at most one official PII of a year
            models.UniqueConstraint(fields=["code", "year"], name="unique_index_dataset_year"),
            models.CheckConstraint(
                condition=models.Q(is_official=False)
                | models.Q(code=OFFICIAL_CODE, is_sample=False),
                name="official_dataset_is_real_pii",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.year}"

    def why_not_official(self) -> str | None:
        """Why this dataset cannot be the official PII of its year; None when it can."""
        if self.is_sample:
            return gettext("A sample dataset cannot be official.")
        if self.code != OFFICIAL_CODE:
            return gettext("Only a PII dataset can be the official PII of its year.")
        return None
