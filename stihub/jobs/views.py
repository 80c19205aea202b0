from django.shortcuts import get_object_or_404, render

from stihub.core.permissions import check, require

from .choices import JobStage
from .models import Job
from .tasks import live_progress


def _job(request, pk) -> Job:
    job = get_object_or_404(Job.objects.select_related("created_by"), pk=pk)
    check(request, "jobs.view_job", job)
    return job


def _context(job: Job) -> dict:
    progress = live_progress(job)
    total, done = progress["total"], progress["done"]
    return {
        "job": job,
        "stage": JobStage(progress["stage"]).label if progress["stage"] else "",
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 0,
    }


@require("jobs.view_jobs")
def detail(request, pk):
    """A job's page: its progress while it runs, then its result or the located problems."""
    return render(request, "jobs/detail.html", _context(_job(request, pk)))


@require("jobs.view_jobs")
def status(request, pk):
    """The progress part of the job's page, which htmx asks for again until the job ends."""
    return render(request, "jobs/_status.html", _context(_job(request, pk)))
