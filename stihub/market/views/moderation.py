"""DOST's moderation (kiểm duyệt): the listings awaiting a decision, oldest first, and the
decision on one (publish, return for changes or reject, the last two with a note)."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stihub.core.permissions import require

from .. import listings
from ..choices import Status
from ..forms import ModerationForm
from ..models import Listing

SOON = dt.timedelta(days=30)


@require("market.moderate")
def queue(request):
    today = timezone.localdate()
    rows = Listing.objects.select_related("owner", "field")
    pending = list(rows.filter(status=Status.PENDING).order_by("submitted_at", "pk"))
    for listing in pending:  # a form each, its fields' ids apart
        listing.form = ModerationForm(auto_id=f"moderate-{listing.pk}-%s")
    context = {
        "pending": pending,
        "returned": rows.filter(status=Status.RETURNED).order_by("-updated_at")[:50],
        "expiring": listings.live()
        .filter(expires_on__lte=today + SOON)
        .order_by("expires_on", "pk"),
    }
    return render(request, "market/moderation.html", context)


@require_POST
@require("market.moderate")
def moderate(request, pk):
    listing = get_object_or_404(Listing, pk=pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("market:detail", listing.pk)
    decision = form.cleaned_data["decision"]
    try:
        listings.moderate(listing, request.user, decision, form.cleaned_data["note"])
    except listings.Refused as refused:
        messages.error(request, str(refused))
        return redirect("market:detail", listing.pk)
    done = {
        Status.PUBLISHED: _("%(code)s is published."),
        Status.RETURNED: _("%(code)s is returned to its owner for changes."),
        Status.REJECTED: _("%(code)s is rejected."),
    }
    messages.success(request, done[decision] % {"code": listing.code})
    return redirect("market:moderation")
