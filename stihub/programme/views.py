"""Action programme pages: the public list and item pages; updates by the item's agencies;
items and the Excel load by DOST; evidence files only to DOST and the item's agencies."""

import mimetypes

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from stihub.core.formatting import vietnamese_sorted
from stihub.core.models import Agency
from stihub.core.permissions import check, require
from stihub.core.ratelimit import ratelimit
from stihub.core.uploads import kind_of
from stihub.engines.problems import DataError
from stihub.monitoring.models import SolutionGroup

from .exports import export
from .filters import ActionItemFilter
from .forms import (
    EVIDENCE_KINDS,
    ActionItemForm,
    ProgrammeLoadForm,
    ProgressUpdateForm,
    programme_limits,
)
from .loading import load_programme
from .models import ActionItem, Evidence

ITEMS = ActionItem.objects.select_related("solution_group", "lead_agency").with_latest_percent()


def _filtered(request):
    return ActionItemFilter(request.GET, queryset=ITEMS.with_current_status())


@require("programme.view_item")
def items(request):
    filterset = _filtered(request)
    rows = filterset.qs.prefetch_related("partner_agencies") if filterset.is_valid() else []
    fields = filterset.form.fields
    fields["agency"].widget = forms.Select(
        choices=[("", "---------")]
        + [(a.code, str(a)) for a in vietnamese_sorted(Agency.objects.filter(is_active=True))]
    )
    groups = SolutionGroup.objects.select_related("resolution")
    fields["solution_group"].widget = forms.Select(
        choices=[("", "---------")] + [(g.pk, str(g)) for g in groups]
    )
    return render(
        request,
        "programme/items.html",
        {
            "filter": filterset,
            "items": rows,
            "query": request.GET.urlencode(),
            "can_manage": request.user.has_perm("programme.manage_items"),
        },
    )


@require("programme.view_item")
@ratelimit("download")
def items_export(request, fmt):
    filterset = _filtered(request)
    if not filterset.is_valid():
        raise Http404
    return export(filterset.qs, fmt)


@require("programme.view_item")
def item_detail(request, pk):
    item = get_object_or_404(ITEMS.prefetch_related("partner_agencies"), pk=pk)
    updates = item.updates.select_related("reported_by").prefetch_related("evidence")
    user = request.user
    return render(
        request,
        "programme/item.html",
        {
            "item": item,
            "status": item.current_status(),
            "updates": updates,
            "can_update": user.has_perm("programme.update_item", item),
            "can_see_evidence": user.has_perm("programme.download_evidence", item),
            "can_manage": user.has_perm("programme.manage_items"),
            "can_history": user.has_perm("core.view_history"),
        },
    )


@require("programme.update_item")
def add_update(request, pk):
    """A reporter of the item's lead or co-operating agency (or DOST) reports progress."""
    item = get_object_or_404(ActionItem, pk=pk)
    check(request, "programme.update_item", item)
    form = ProgressUpdateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            update = form.save(commit=False)
            update.item, update.reported_by = item, request.user
            update.save()
            for upload in form.cleaned_data["files"]:
                update.evidence.create(file=upload, name=upload.name, size=upload.size)
        messages.success(request, _("The progress update was recorded."))
        return redirect("programme:item", item.pk)
    return render(request, "programme/update_form.html", {"form": form, "item": item})


@require("programme.manage_items")
def item_create(request):
    return _item_form(request, None)


@require("programme.manage_items")
def item_edit(request, pk):
    return _item_form(request, get_object_or_404(ActionItem, pk=pk))


def _item_form(request, item):
    form = ActionItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        item = form.save()
        messages.success(request, _("The action item was saved."))
        return redirect("programme:item", item.pk)
    return render(request, "programme/item_form.html", {"form": form, "item": item})


@require("programme.download_evidence")
def evidence(request, pk):
    """An evidence file, as an attachment, to DOST and the reporters of the item's agencies."""
    evidence = get_object_or_404(Evidence.objects.select_related("update__item"), pk=pk)
    check(request, "programme.download_evidence", evidence.update.item)
    kind = kind_of(evidence.name, EVIDENCE_KINDS)
    try:
        stored = evidence.file.open("rb")
    except (OSError, ValueError) as error:  # the file is gone from storage
        raise Http404(_("The stored file is missing.")) from error
    content_type = kind.content_type if kind else mimetypes.guess_type(evidence.name)[0]
    return FileResponse(
        stored,
        as_attachment=True,
        filename=evidence.name,
        content_type=content_type or "application/octet-stream",
    )


@require("programme.manage_items")
def load(request):
    """DOST loads an action programme: a bad file writes nothing and every problem is listed."""
    form = ProgrammeLoadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            counts = load_programme(
                form.cleaned_data["file"], form.cleaned_data["resolution"], programme_limits()
            )
        except DataError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("Action programme loaded: %(created)s new items, %(updated)s updated.") % counts,
            )
            return redirect("programme:items")
    return render(request, "programme/load.html", {"form": form, "problems": problems})
