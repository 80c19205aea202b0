"""What a job does and where it stands, with the colour of its badge."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT_OBSERVATIONS = "import_observations", _("Observation import")
    REPORT = "report", _("Review report")
    REGISTRY_IMPORT = "registry_import", _("Registry import")
    REGISTRY_SERIES = "registry_series", _("Registry-fed indicator values")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self]


STATUS_COLOURS = {
    JobStatus.QUEUED: "#6e7781",
    JobStatus.RUNNING: "#0969da",
    JobStatus.DONE: "#1a7f37",
    JobStatus.FAILED: "#cf222e",
}
UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobStage(models.TextChoices):
    """The step a running job is at, shown beside its progress bar."""

    CHECKING = "checking", _("Checking rows")
    WRITING = "writing", _("Writing rows")
    GATHERING = "gathering", _("Gathering the figures")
    RENDERING = "rendering", _("Writing the document")
