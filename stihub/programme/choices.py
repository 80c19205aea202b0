"""Statuses of action items with label and colour; the codes are the engine's
(`stihub.engines.programme.Status`), so the Excel reader and the database agree."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from stihub.engines import programme as engine


class Status(models.TextChoices):
    """What people see: OVERDUE is derived (an open item past its deadline), never stored."""

    NOT_STARTED = engine.Status.NOT_STARTED.value, _("Not started")
    IN_PROGRESS = engine.Status.IN_PROGRESS.value, _("In progress")
    DONE = engine.Status.DONE.value, _("Done")
    OVERDUE = engine.Status.OVERDUE.value, _("Overdue")
    CANCELLED = engine.Status.CANCELLED.value, _("Cancelled")

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self]


STATUS_COLOURS = {
    Status.NOT_STARTED: "#6e7781",
    Status.IN_PROGRESS: "#0969da",
    Status.DONE: "#1a7f37",
    Status.OVERDUE: "#cf222e",
    Status.CANCELLED: "#57606a",
}
# What an item stores; the engine's list, with the labels above.
STORED = [(s.value, s.label) for s in Status if s.value in engine.STORED_STATUSES]
OPEN = [s.value for s in engine.OPEN_STATUSES]
