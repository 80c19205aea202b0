"""Action items that carry out the solution groups of a resolution, their progress and evidence."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stihub.core.models import Agency, AuditedModel
from stihub.engines.codes import CODE_MAX_LENGTH
from stihub.engines.programme import current_status
from stihub.monitoring.models import SolutionGroup

from .choices import OPEN, STORED, Status


class ActionItemQuerySet(models.QuerySet):
    def with_current_status(self, today: dt.date | None = None):
        """Annotate `current`: the stored status, or overdue for an open item past its deadline
        (the same rule as `engines.programme.current_status`, asked of the database)."""
        today = today or timezone.localdate()
        return self.annotate(
            current=Case(
                When(status__in=OPEN, deadline__lt=today, then=Value(Status.OVERDUE.value)),
                default="status",
                output_field=models.CharField(),
            )
        )

    def with_latest_percent(self):
        """Annotate `latest_percent`: the percent done of the newest update (None before any),
        one subquery rather than a query per item."""
        newest = ProgressUpdate.objects.filter(item=models.OuterRef("pk")).order_by("-date", "-pk")
        return self.annotate(latest_percent=models.Subquery(newest.values("percent_done")[:1]))

    def involving_code(self, code: str):
        """Items the agency with this code leads or co-operates on."""
        partner = ActionItem.partner_agencies.through.objects.filter(agency__code=code)
        return self.filter(Q(lead_agency__code=code) | Q(pk__in=partner.values("actionitem_id")))


class ActionItem(AuditedModel):
    """An action item (nhiệm vụ trong chương trình hành động) carrying out a solution group.

    "Overdue" is not stored: it is an open item (not started, in progress) past its deadline,
    computed when asked (`current_status`), so it never goes stale and needs no daily job.
    """

    solution_group = models.ForeignKey(
        SolutionGroup, models.PROTECT, related_name="action_items", verbose_name=_("solution group")
    )
    code = models.CharField(_("code"), max_length=CODE_MAX_LENGTH, unique=True)
    title = models.CharField(_("title"), max_length=500)
    lead_agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="led_action_items", verbose_name=_("lead agency")
    )
    partner_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="action_items", verbose_name=_("co-operating agencies")
    )
    outputs = models.TextField(_("expected outputs"), blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=STORED, default=Status.NOT_STARTED.value
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    is_sample = models.BooleanField(_("sample"), default=False)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["deadline", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="action_item_cancel_has_reason",
                violation_error_message=_("A cancelled item needs a reason."),
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def clean(self):
        if self.status == Status.CANCELLED and not self.cancel_reason.strip():
            raise ValidationError({"cancel_reason": _("A cancelled item needs a reason.")})

    def current_status(self, today: dt.date | None = None) -> Status:
        """The status people see (overdue derived); the queryset's annotation when there is one."""
        if today is None and getattr(self, "current", None):
            return Status(self.current)
        return Status(current_status(self.status, self.deadline, today or timezone.localdate()))


class ProgressUpdate(AuditedModel):
    """A progress update (báo cáo tiến độ) on an action item, by a reporter of its agencies."""

    item = models.ForeignKey(
        ActionItem, models.CASCADE, related_name="updates", verbose_name=_("action item")
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("progress"))
    percent_done = models.PositiveSmallIntegerField(
        _("percent done"), validators=[MaxValueValidator(100)]
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("reported by"),
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_done__lte=100), name="progress_update_percent_at_most_100"
            )
        ]

    def __str__(self):
        return f"{self.item.code} {self.date:%d/%m/%Y} {self.percent_done}%"


def evidence_path(evidence, filename: str) -> str:
    """Stored by item; the storage adds a suffix when a name is taken, so nothing is replaced."""
    return f"programme/{evidence.update.item.code}/{filename}"


class Evidence(AuditedModel):
    """An evidence file (tài liệu minh chứng) of a progress update; stored on the media storage,
    outside the web root, and served only to DOST and the item's agencies."""

    update = models.ForeignKey(
        ProgressUpdate, models.CASCADE, related_name="evidence", verbose_name=_("progress update")
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["pk"]

    def __str__(self):
        return self.name
