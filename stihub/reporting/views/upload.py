"""Reporting by Excel: the pre-filled template, the upload, and its preview before commit.

An upload is checked whole (`importing.check_file`): a bad file writes nothing and every
problem is listed with its sheet, row and column. A good file is kept, uncommitted, on a
submission whose `preview` says what it would change; its sender confirms it (the file is
checked again, since the data may have changed meanwhile, then submitted for review, or
approved at once by DOST) or discards it.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from stihub.core.formatting import vietnamese_sorted
from stihub.core.models import Agency
from stihub.core.permissions import check, require
from stihub.core.rules import is_dost, reporter_agencies
from stihub.core.uploads import CSV, XLSX, check_upload, report_limits
from stihub.engines.problems import DataError, Problem, gettext_noop
from stihub.monitoring.choices import Channel, Period
from stihub.monitoring.forms import VietnameseOrderChoiceField
from stihub.monitoring.importing import Checked, check_file
from stihub.monitoring.models import Indicator, Submission
from stihub.monitoring.review import published_values, submit

from ..owed import owed
from ..workbook import filename, template_bytes

PREVIEW_ROWS = 500  # changes listed on the preview; the rest are counted
FILE_GONE = gettext_noop("The uploaded file is no longer stored: upload it again.")


def _agencies(user):
    """The agencies the user may report for: all active ones for DOST, else their own."""
    if is_dost(user):
        return Agency.objects.filter(is_active=True)
    own = reporter_agencies(user)
    return Agency.objects.filter(pk__in=own)


@require("reporting.view_home")
def template(request):
    """The template for the user's agencies, or for `?agency=CODE` among those they may see
    (DOST: any agency; without it, every indicator that has a responsible agency)."""
    code = request.GET.get("agency", "").strip()
    agencies = _agencies(request.user)
    if code:
        agencies = agencies.filter(code=code)
        if not agencies:
            raise Http404
    ids = (
        None if is_dost(request.user) and not code else list(agencies.values_list("pk", flat=True))
    )
    today = timezone.localdate()
    codes = [code] if code else sorted(agencies.values_list("code", flat=True))
    response = HttpResponse(template_bytes(owed(ids, today)), content_type=XLSX.content_type)
    name = filename(codes if ids is not None else [], today)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Report file (.xlsx or .csv)"),
        help_text=_(
            "The reporting template filled in, or a file with the same columns (a CSV may use"
            " the ; separator, as Excel saves it)."
        ),
    )
    agency = VietnameseOrderChoiceField(Agency.objects.none(), label=_("Reporting agency"))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.only = agencies.first() if agencies.count() == 1 else None
        if self.only is not None:
            del self.fields["agency"]  # a reporter of one agency reports for it
        else:
            self.fields["agency"].queryset = agencies

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], [CSV, XLSX], limits=report_limits())

    def reporting_agency(self) -> Agency:
        return self.only or self.cleaned_data["agency"]


def _check(fileobj, name: str, agency: Agency, user) -> Checked:
    """check_file as a reporter's upload (their agency only) or DOST's (any indicator)."""
    reporter_agency = None if is_dost(user) else agency
    return check_file(
        fileobj, name, agency=agency, reporter_agency=reporter_agency, limits=report_limits()
    )


@require("reporting.view_home")
def upload(request):
    """Upload a filled template: a bad file lists its problems; a good one is kept for the
    preview, where its sender confirms it."""
    form = UploadForm(request.POST or None, request.FILES or None, agencies=_agencies(request.user))
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        agency = form.reporting_agency()
        try:
            checked = _check(upload, upload.name, agency, request.user)
        except DataError as error:
            problems = error.problems
        else:
            if not checked.reported:
                messages.info(request, _("The file changes nothing: every value is as approved."))
                return redirect("reporting:upload")
            upload.seek(0)
            submission = Submission.objects.create(
                agency=agency,
                created_by=request.user,
                channel=Channel.EXCEL,
                input_name=upload.name,
                input_file=upload,
                is_committed=False,
                preview=preview_of(checked),
            )
            return redirect("reporting:preview", submission.pk)
    agencies = _agencies(request.user)
    context = {
        "form": form,
        "problems": problems,
        "template_agencies": vietnamese_sorted(agencies) if len(agencies) > 1 else [],
    }
    return render(request, "reporting/upload.html", context)


def preview_of(checked: Checked) -> dict:
    """What a checked file would change, small enough for a JSON field: the counts, the first
    PREVIEW_ROWS changes (the headlines computed from their parts included), how many more,
    and the names of the indicators listed."""
    listed = checked.reported[:PREVIEW_ROWS]
    # check_file appends a reported value with each change, then the computed sums last.
    current = {r.key: before for r, (_row, before) in zip(listed, checked.changes, strict=False)}
    sums = listed[len(checked.changes) :]
    current |= {key: obs.value for key, obs in published_values(r.key for r in sums).items()}
    indicators = Indicator.objects.in_bulk({r.indicator_id for r in listed})
    changes = [
        {
            "indicator": indicators[r.indicator_id].code,
            "year": r.year,
            "period": r.period,
            "area": r.area,
            "current": current.get(r.key),
            "new": r.value,
            "note": r.note,
        }
        for r in listed
    ]
    return {
        "counts": {k: checked.counts[k] for k in ("created", "updated", "unchanged")},
        "changes": changes,
        "more": len(checked.reported) - len(listed),
        "names": {i.code: i.name for i in indicators.values()},
    }


def _own_upload(request, pk: int) -> Submission:
    """The upload, for its agency's reporters who sent it, or DOST."""
    submission = get_object_or_404(Submission.objects.select_related("agency"), pk=pk)
    check(request, "reporting.view_submission", submission)
    if not is_dost(request.user) and submission.created_by_id != request.user.pk:
        raise PermissionDenied
    return submission


@require("reporting.view_submission")
def preview(request, pk: int):
    """The changes an upload would make, with "confirm" (submit for review; DOST may approve
    at once) and "discard" (the file and the upload are deleted)."""
    submission = _own_upload(request, pk)
    if submission.is_committed:
        return redirect("reporting:submission", submission.pk)
    problems = []
    if request.method == "POST" and "discard" in request.POST:
        _discard(submission)
        messages.success(request, _("The upload was discarded; nothing was sent."))
        return redirect("reporting:upload")
    if request.method == "POST" and "confirm" in request.POST:
        approve = is_dost(request.user) and bool(request.POST.get("approve"))
        try:
            sent = _commit(submission, request.user, approve)
        except DataError as error:
            problems = error.problems
        else:
            if sent is None:
                return redirect("reporting:submission", submission.pk)  # confirmed meanwhile
            message = (
                ngettext("Sent and approved %(n)s value.", "Sent and approved %(n)s values.", sent)
                if approve
                else ngettext("Sent %(n)s value for review.", "Sent %(n)s values for review.", sent)
            )
            messages.success(request, message % {"n": sent})
            return redirect("reporting:submission", submission.pk)
    preview = submission.preview or {}
    names = preview.get("names", {})
    changes = [
        {**c, "name": names.get(c["indicator"], ""), "period_label": Period(c["period"]).label}
        for c in preview.get("changes", [])
    ]
    return render(
        request,
        "reporting/preview.html",
        {
            "submission": submission,
            "counts": preview.get("counts", {}),
            "changes": changes,
            "more": preview.get("more", 0),
            "problems": problems,
            "can_approve": is_dost(request.user),
        },
    )


def _commit(submission: Submission, user, approve: bool) -> int | None:
    """Check the stored file again and submit its values on the upload; the number sent, or
    None when the upload was confirmed meanwhile (a second click). DataError when the file
    no longer passes (nothing is written)."""
    try:
        handle = submission.input_file.open("rb")
    except (ValueError, OSError) as error:  # no file, or gone from storage
        raise DataError([Problem(FILE_GONE)]) from error
    with handle:
        checked = _check(handle, submission.input_name, submission.agency, user)
    with transaction.atomic():
        claimed = Submission.objects.filter(pk=submission.pk, is_committed=False).update(
            is_committed=True, preview=preview_of(checked)
        )
        if not claimed:
            return None
        submission.refresh_from_db()
        _sub, revisions = submit(
            checked.reported,
            user=user,
            agency=submission.agency,
            channel=Channel.EXCEL,
            approve=approve,
            input_name=submission.input_name,
            submission=submission,
        )
    return len(revisions)


def _discard(submission: Submission) -> None:
    """Delete an uncommitted upload and its stored file (a committed one is kept)."""
    file = submission.input_file
    if Submission.objects.filter(pk=submission.pk, is_committed=False).delete()[0] and file:
        file.delete(save=False)
