"""Who may see a job: the person who started it, and DOST (a job may hold unpublished data)."""

import rules

from stihub.core.rules import admin_permissions, is_dost


@rules.predicate
def started_job(user, job) -> bool:
    return job is not None and user.is_authenticated and job.created_by_id == user.pk


# The job pages need a signed-in user; which job they may see is the object rule below. Jobs
# are not edited in the admin, so only its "view" permission exists, and it is that same rule.
rules.add_perm("jobs.view_jobs", rules.is_authenticated)
rules.add_perm("jobs.view_job", is_dost | started_job)
# The queue's own table (django-tasks-db registers it in the admin): administrators only.
admin_permissions("django_tasks_database")
