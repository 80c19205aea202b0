"""The registry-fed series page (DOST): each indicator's yearly values counted from the
registries beside the value in force and those waiting in review, and a button that submits
the differences for review now (a job does it after every registry change anyway)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stihub.core.permissions import require

from .. import series as registry_series


@require("registry.manage_registry")
@require_http_methods(["GET", "POST"])
def series(request, **kwargs):
    """GET: the tables; POST: submit the differences (nothing to submit is said, not failed)."""
    if request.method == "POST":
        created = registry_series.submit_changes(user=request.user)
        if created:
            messages.success(
                request,
                _("%(count)s values counted from the registries were submitted for review.")
                % {"count": len(created)},
            )
        else:
            messages.info(
                request,
                _("Nothing to submit: every value counted is in force or waiting for review."),
            )
        return redirect("registry:series")
    computed = registry_series.compute()
    tables = registry_series.comparison(computed)
    return render(
        request,
        "registry/series.html",
        {
            "tables": [(code, table["indicator"], table["rows"]) for code, table in tables.items()],
            "last_year": registry_series.last_ended_year(),
            "to_submit": sum(
                row["differs"] and table["indicator"] is not None
                for table in tables.values()
                for row in table["rows"]
            ),
        },
    )
