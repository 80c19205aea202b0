"""Resolutions as data: their targets, solution groups, indicators and observations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stihub.core.models import Agency, AuditedModel

from .choices import Direction, Method, TargetKind


class Resolution(AuditedModel):
    """A policy resolution (nghị quyết) or plan with measurable targets, loaded from a YAML file."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=255, blank=True)
    issued = models.DateField(_("issued on"), null=True, blank=True)
    period_start = models.PositiveSmallIntegerField(_("period start"))
    period_end = models.PositiveSmallIntegerField(_("period end"))
    source_sha256 = models.CharField(_("source file checksum"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-period_end", "code"]

    def __str__(self):
        return self.title


class Indicator(AuditedModel):
    """A measured quantity (chỉ tiêu) that observations report; several targets may share it."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=500)
    unit = models.CharField(_("unit"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self):
        return self.code


class Target(AuditedModel):
    """A measurable target (mục tiêu cụ thể) of a resolution, with baseline and target values."""

    resolution = models.ForeignKey(
        Resolution, models.CASCADE, related_name="targets", verbose_name=_("resolution")
    )
    code = models.CharField(_("code"), max_length=30)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=500)
    indicator = models.ForeignKey(
        Indicator, models.PROTECT, related_name="targets", verbose_name=_("indicator")
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=TargetKind.choices)
    method = models.CharField(
        _("method"), max_length=16, choices=Method.choices, default=Method.UNSD2023
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    target_upper = models.FloatField(_("upper end of the target range"), null=True, blank=True)
    factor = models.FloatField(_("multiple of baseline"), null=True, blank=True)
    count_from = models.PositiveSmallIntegerField(_("first year counted"), null=True, blank=True)
    scale = models.JSONField(_("ordinal scale"), default=list, blank=True)
    agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("responsible agency"),
    )
    source = models.CharField(_("data source"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["resolution", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "code"], name="unique_target_code")
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"


class SolutionGroup(AuditedModel):
    """A group of tasks and solutions (nhóm nhiệm vụ, giải pháp) with its lead agency."""

    resolution = models.ForeignKey(
        Resolution, models.CASCADE, related_name="solution_groups", verbose_name=_("resolution")
    )
    code = models.CharField(_("code"), max_length=30)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    lead_agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_solution_groups",
        verbose_name=_("lead agency"),
    )
    partner_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="solution_groups", verbose_name=_("partner agencies")
    )

    class Meta:
        verbose_name = _("solution group")
        verbose_name_plural = _("solution groups")
        ordering = ["resolution", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "code"], name="unique_solution_group_code"
            )
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"


class Observation(AuditedModel):
    """One value of an indicator for a year (số liệu); an empty area is the headline series."""

    indicator = models.ForeignKey(
        Indicator, models.PROTECT, related_name="observations", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    area = models.CharField(_("area / breakdown"), max_length=120, blank=True, default="")
    value = models.FloatField(_("value"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("reporting agency"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["indicator", "area", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "area"], name="unique_observation")
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.year} {self.area or '*'}: {self.value}"
