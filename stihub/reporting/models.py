"""Reminders sent to agencies' reporters (the reported values themselves are monitoring's)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stihub.monitoring.choices import Period
from stihub.monitoring.models import Indicator


class Reminder(models.Model):
    """One reminder (nhắc hạn) of one period of one indicator to one person, sent once.

    Reminders of a day are batched into one message per person (`stihub send_reminders`); the
    unique constraint makes a second run of the same day, or a later one, send nothing twice.
    Not audited: it is itself a log, written once.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("due soon")
        OVERDUE = "overdue", _("overdue")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="+", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(
        _("period"), max_length=2, choices=Period.choices, blank=True, default=""
    )
    kind = models.CharField(_("reminder"), max_length=10, choices=Kind.choices)
    due = models.DateField(_("due date"))
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    email = models.EmailField(_("sent to"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "indicator", "year", "period", "kind"], name="one_reminder_each"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.indicator_id} {self.year}{self.period} {self.kind}"
