"""DOST's settings of how each indicator is reported: responsible agency, frequency, due days,
breakdown, headline and the checks of its values (saved with their change history)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from stihub.core.permissions import require
from stihub.monitoring.models import Indicator

from ..forms import IndicatorFilterForm, IndicatorForm


@require("reporting.manage_indicators")
def indicator_list(request):
    form = IndicatorFilterForm(request.GET or None)
    indicators = Indicator.objects.select_related("agency")
    if form.is_valid() and form.cleaned_data["agency"]:
        indicators = indicators.filter(agency=form.cleaned_data["agency"])
    indicators = list(indicators)
    for indicator in indicators:  # the fraction stored, as the percentage people read
        if indicator.jump_tolerance is not None:
            indicator.tolerance_percent = indicator.jump_tolerance * 100
    return render(
        request,
        "reporting/indicators.html",
        {
            "form": form,
            "indicators": indicators,
            "can_history": request.user.has_perm("core.view_history"),
        },
    )


@require("reporting.manage_indicators")
def indicator_edit(request, code):
    indicator = get_object_or_404(Indicator.objects.select_related("agency"), code=code)
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("The reporting settings of %(code)s were saved.") % {"code": indicator.code},
        )
        return redirect("reporting:indicators")
    return render(request, "reporting/indicator_form.html", {"form": form, "indicator": indicator})
