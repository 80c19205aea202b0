"""Jobs: work over a second (large imports, reports) done by the worker beside the web."""

from dataclasses import asdict

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stihub.engines.problems import Problem

from .choices import JobKind, JobStage, JobStatus


class Job(models.Model):
    """A job (tác vụ nền) someone started: its input, progress, and result or problems.

    Not an AuditedModel: progress is written many times a minute and would flood the change
    history; the job itself is the record of who did what and when.
    """

    kind = models.CharField(_("kind"), max_length=40, choices=JobKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=16, choices=JobStage.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="jobs", verbose_name=_("started by")
    )
    input_file = models.FileField(_("input file"), upload_to="jobs/%Y/%m/", blank=True)
    input_name = models.CharField(_("file name"), max_length=255, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def status_choice(self) -> JobStatus:
        return JobStatus(self.status)

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def problem_list(self) -> list[Problem]:
        return [Problem(**p) for p in self.problems]

    @staticmethod
    def problems_json(problems) -> list[dict]:
        return [asdict(p) for p in problems]
