"""The reminders sent (`stihub send_reminders`): when, to whom, of which period; for DOST."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from stihub.core.models import Agency
from stihub.core.permissions import require
from stihub.monitoring.forms import VietnameseOrderChoiceField

from ..models import Reminder
from ..reminders import DEFAULT_DAYS_BEFORE
from . import page_of


class ReminderFilter(forms.Form):
    agency = VietnameseOrderChoiceField(
        Agency.objects.all(), to_field_name="code", required=False, label=_("Agency")
    )
    kind = forms.ChoiceField(
        choices=[("", "---------"), *Reminder.Kind.choices], required=False, label=_("Reminder")
    )


@require("reporting.view_reminders")
def sent(request):
    """The reminders sent, newest first, by the agency of the indicator and by kind."""
    form = ReminderFilter(request.GET)
    reminders = Reminder.objects.none()
    if form.is_valid():
        reminders = Reminder.objects.select_related("user", "indicator__agency").order_by(
            "-sent_at", "-pk"
        )
        if form.cleaned_data["agency"]:
            reminders = reminders.filter(indicator__agency=form.cleaned_data["agency"])
        if form.cleaned_data["kind"]:
            reminders = reminders.filter(kind=form.cleaned_data["kind"])
    page, query = page_of(request, reminders)
    return render(
        request,
        "reporting/reminders.html",
        {"form": form, "page": page, "query": query, "days_before": DEFAULT_DAYS_BEFORE},
    )
