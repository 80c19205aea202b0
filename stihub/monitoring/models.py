"""Resolutions as data: their targets, solution groups, indicators and observations."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from stihub.core.models import Agency, AuditedModel
from stihub.engines import reporting

from .choices import (
    Breakdown,
    Channel,
    Direction,
    Frequency,
    Headline,
    Method,
    Period,
    RevisionStatus,
    TargetKind,
)


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
    """A measured quantity (chỉ tiêu) that observations report; several targets may share it.

    How it is reported (responsible agency, frequency, due date, breakdown, the checks of its
    values) comes from the resolution file's `reporting` block (with defaults) and DOST may
    change it; `rules` gives the engine's view (`stihub.engines.reporting`).
    """

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=500)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("responsible agency"),
    )
    frequency = models.CharField(
        _("reporting frequency"), max_length=8, choices=Frequency.choices, default=Frequency.YEAR
    )
    due_days = models.PositiveSmallIntegerField(
        _("days after the period to report"),
        default=reporting.DEFAULT_DUE_DAYS,
        validators=[MaxValueValidator(366)],
    )
    breakdown = models.CharField(
        _("breakdown"), max_length=8, choices=Breakdown.choices, default=Breakdown.NONE
    )
    headline = models.CharField(
        _("headline"), max_length=8, choices=Headline.choices, default=Headline.ENTERED
    )
    sectors = models.JSONField(
        _("sectors"), default=list, blank=True, help_text=_("The sector names, one per line.")
    )
    value_min = models.FloatField(_("smallest value allowed"), null=True, blank=True)
    value_max = models.FloatField(_("largest value allowed"), null=True, blank=True)
    integer = models.BooleanField(_("whole numbers only"), default=False)
    jump_tolerance = models.FloatField(
        _("change from the previous period that needs an explanation (fraction)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self):
        return self.code

    @property
    def rules(self) -> reporting.Rules:
        return reporting.Rules(
            frequency=self.frequency,
            due_days=self.due_days,
            breakdown=self.breakdown,
            headline=self.headline,
            minimum=self.value_min,
            maximum=self.value_max,
            integer=self.integer,
            jump_tolerance=self.jump_tolerance,
            sectors=tuple(self.sectors or ()),
        )


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


class Submission(AuditedModel):
    """What one person sent at once (lần gửi): a web form, an Excel file, an API call, a DOST
    import or a publication from the innovation index. Reviewers act on a submission's
    revisions together; an Excel upload waits here, checked, until its sender confirms it."""

    agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        verbose_name=_("reporting agency"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    input_name = models.CharField(_("file name"), max_length=255, blank=True)
    input_file = models.FileField(_("file"), upload_to="submissions/%Y/%m/", blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    is_committed = models.BooleanField(_("committed"), default=True)
    approved_at_once = models.BooleanField(_("approved by DOST at once"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"#{self.pk} {self.get_channel_display()} {self.agency or ''}".strip()


class ObservationQuerySet(models.QuerySet):
    def published(self):
        """The values in force: approved, one per indicator, year, period and area."""
        return self.filter(status=RevisionStatus.APPROVED)

    def same_key(self, observation):
        return self.filter(
            indicator_id=observation.indicator_id,
            year=observation.year,
            period=observation.period,
            area=observation.area,
        )


class Observation(AuditedModel):
    """One reported value of an indicator for a year and period (số liệu), as a revision.

    An empty area is the headline. A value goes draft → submitted → approved, or returned with
    a comment (edited and submitted again); only approved values are published. A correction is
    a new revision: approving it marks the one it replaces superseded, so nothing is overwritten
    and every published value keeps its history (`ObservationQuerySet.same_key`).
    """

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
    period = models.CharField(
        _("period"), max_length=2, choices=Period.choices, blank=True, default=""
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT
    )
    submission = models.ForeignKey(
        Submission,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("submission"),
    )
    explanation = models.TextField(_("explanation of a large change"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["indicator", "area", "year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "period", "area"],
                condition=models.Q(status="approved"),
                name="one_approved_observation",
            )
        ]
        indexes = [models.Index(fields=["status", "indicator", "year"])]

    def __str__(self):
        period = f"/{self.period}" if self.period else ""
        return f"{self.indicator_id} {self.year}{period} {self.area or '*'}: {self.value}"
