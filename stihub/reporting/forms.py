"""Forms of agency reporting: a value of an indicator for one period with its parts (the
reporter's web form), an indicator's reporting settings (DOST) and the indicators' filter.

The checks of a value are the engine's (`stihub.engines.reporting`), shared with the Excel
upload and the API, so the three refuse the same things with the same words.
"""

import dataclasses

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stihub.core.formatting import num
from stihub.core.forms import NumberField
from stihub.core.models import Agency
from stihub.engines import reporting
from stihub.monitoring.choices import Breakdown, Headline
from stihub.monitoring.forms import VietnameseOrderChoiceField
from stihub.monitoring.models import Indicator, Observation

# The longest breakdown name a value can carry.
AREA_MAX_LENGTH = Observation._meta.get_field("area").max_length


def _message(problem) -> str:
    """An engine problem (template, params) in the active language."""
    template, params = problem
    return gettext(template) % params


class ReportForm(forms.Form):
    """A value of an indicator for one period, with one field per part of its breakdown.

    `parts`: [(field name, area)] of the breakdown (communes and wards, or sectors). Where the
    headline is the sum of the parts it is not typed but computed (`total` after validation).
    `previous`: the value in force for the previous period; a change beyond the indicator's
    tolerance (`jump`) must be explained before the value is sent for review (`submitting`);
    a draft may wait for its explanation.
    """

    value = NumberField(label=_("Value"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    source = forms.CharField(label=_("Source"), max_length=500, required=False)
    explanation = forms.CharField(
        label=_("Explanation of a large change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, indicator, parts=(), previous=None, submitting=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.part_fields = list(parts)
        rules = indicator.rules
        if not self.part_fields:  # nothing to add up: the headline can only be typed
            rules = dataclasses.replace(rules, headline=Headline.ENTERED.value)
        self.rules, self.previous, self.submitting = rules, previous, submitting
        self.total = self.jump = None
        for name, area in self.part_fields:
            field = NumberField(label=area, required=False)
            field.widget.attrs["size"] = 10
            self.fields[name] = field
        if self.computes_total:
            del self.fields["value"]
        if rules.jump_tolerance is not None:
            self.fields["explanation"].help_text = _(
                "Required to send the value for review when it differs from the previous"
                " period's by more than %(tolerance)s %%."
            ) % {"tolerance": num(rules.jump_tolerance * 100)}

    @property
    def computes_total(self) -> bool:
        return self.rules.headline == Headline.SUM.value

    def part_rows(self):
        """The bound fields of the parts, for the breakdown table."""
        return [self[name] for name, _area in self.part_fields]

    def clean(self):
        data = super().clean()
        names = [name for name, _area in self.part_fields]
        if any(name in self.errors for name in ["value", *names]):
            return data  # a number that could not be read: its field says so
        parts = {}
        for name, area in self.part_fields:
            if data.get(name) is not None:
                parts[area] = data[name]
                for problem in reporting.check_value(self.rules, data[name]):
                    self.add_error(name, _message(problem))
        headline_field = None if self.computes_total else "value"
        total, problem = reporting.headline_of(self.rules, data.get("value"), parts)
        if problem:
            self.add_error(headline_field, _message(problem))
        if total is None:
            return data
        for problem in reporting.check_value(self.rules, total):
            self.add_error(headline_field, _message(problem))
        self.total = total
        self.jump = reporting.jump(self.rules, self.previous, total)
        if self.jump is not None and self.submitting and not data.get("explanation"):
            self.add_error(
                "explanation",
                gettext("Explain the large change from the previous period before sending."),
            )
        return data

    def jump_warning(self) -> str:
        return gettext(
            "The value differs from the previous period's (%(previous)s) by more than"
            " %(tolerance)s %%: explain why before sending it for review."
        ) % {"previous": num(self.previous), "tolerance": num(self.rules.jump_tolerance * 100)}

    def reported(self) -> dict[str, float]:
        """{area: value} of a valid form: the headline ("") first, then the parts given."""
        values = {"": self.total}
        for name, area in self.part_fields:
            if self.cleaned_data.get(name) is not None:
                values[area] = self.cleaned_data[name]
        return values


class IndicatorForm(forms.ModelForm):
    """DOST's settings of how an indicator is reported (the resolution file gives defaults).

    The sectors are typed one per line; the jump tolerance as a percentage (50 for ±50 %),
    stored as the fraction the engine reads.
    """

    agency = VietnameseOrderChoiceField(
        Agency.objects.none(), label=_("Responsible agency"), required=False
    )
    sectors = forms.CharField(
        label=_("Sectors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One sector name per line; used when the breakdown is by sector."),
    )
    value_min = NumberField(label=_("Smallest value allowed"), required=False)
    value_max = NumberField(label=_("Largest value allowed"), required=False)
    jump_percent = NumberField(
        label=_("Change from the previous period that needs an explanation (%)"),
        required=False,
        min_value=0,
        help_text=_(
            "As a percentage: 50 means that a value differing by more than half from the"
            " previous period's must be explained. Empty: no check."
        ),
    )

    class Meta:
        model = Indicator
        fields = [
            "agency",
            "frequency",
            "due_days",
            "breakdown",
            "headline",
            "sectors",
            "value_min",
            "value_max",
            "integer",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        indicator = self.instance
        self.fields["agency"].queryset = Agency.objects.filter(
            Q(is_active=True) | Q(pk=indicator.agency_id)
        )
        self.initial["sectors"] = "\n".join(indicator.sectors or [])
        if indicator.jump_tolerance is not None:
            percent = round(indicator.jump_tolerance * 100, 6)  # 0.15 * 100 is 15.000000000000002
            self.initial["jump_percent"] = int(percent) if percent.is_integer() else percent

    def clean_sectors(self):
        names = [line.strip() for line in self.cleaned_data["sectors"].splitlines()]
        names = [name for name in names if name]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise forms.ValidationError(
                _("Each sector once: %(names)s is repeated.") % {"names": ", ".join(repeated)}
            )
        long = [name for name in names if len(name) > AREA_MAX_LENGTH]
        if long:
            raise forms.ValidationError(
                _("A sector name may have at most %(n)s characters: %(name)s.")
                % {"n": AREA_MAX_LENGTH, "name": long[0]}
            )
        return names

    def clean(self):
        data = super().clean()
        low, high = data.get("value_min"), data.get("value_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "value_max",
                _("The largest value allowed (%(max)s) is below the smallest (%(min)s).")
                % {"max": num(high), "min": num(low)},
            )
        breakdown = data.get("breakdown")
        if breakdown == Breakdown.SECTOR and not data.get("sectors") and "sectors" in data:
            self.add_error("sectors", _("Name the sectors, one per line."))
        if data.get("headline") == Headline.SUM and breakdown == Breakdown.NONE:
            self.add_error(
                "headline", _("A total computed as the sum of the parts needs a breakdown.")
            )
        percent = data.get("jump_percent")
        self.instance.jump_tolerance = None if percent is None else percent / 100
        return data


class IndicatorFilterForm(forms.Form):
    agency = VietnameseOrderChoiceField(
        Agency.objects.all(), label=_("Responsible agency"), required=False, to_field_name="code"
    )
