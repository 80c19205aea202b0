from django import forms
from django.utils.translation import gettext_lazy as _

from stihub.core.forms import NumberField
from stihub.core.uploads import XLSX, check_upload
from stihub.core.validators import validate_code
from stihub.engines.codes import CODE_MAX_LENGTH

from .models import IndexDataset

DEFAULT_MAX_FRACTION = 0.5  # a plausible yearly improvement; no limit proposed thirty-fold rises


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_(
            "COINr layout: sheets InputIndData, InputIndMeta, InputAggMeta and, if used, "
            "InputDenominators."
        ),
    )
    # A slug (it is a URL segment) that also follows the code rule of every other code.
    code = forms.SlugField(
        label=_("Index code"), max_length=20, initial="PII", validators=[validate_code]
    )
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=255)
    province_unit = forms.CharField(
        label=_("Our province's unit code"),
        max_length=CODE_MAX_LENGTH,
        required=False,
        validators=[validate_code],
        help_text=_("The unit code of the province in the workbook; needed to publish."),
    )
    group = forms.CharField(
        label=_("Imputation group column"),
        max_length=60,
        required=False,
        help_text=_("A unit column such as Group_GDP; empty: impute over all units."),
    )
    winmax = forms.IntegerField(
        label=_("Most winsorisation steps"),
        min_value=0,
        required=False,
        # xgettext:no-python-format
        help_text=_("Empty: 10% of the number of units, rounded up."),
    )
    is_sample = forms.BooleanField(label=_("Sample data (not official)"), required=False)
    is_official = forms.BooleanField(
        label=_("The official PII of this year"),
        required=False,
        help_text=_("Only the official dataset can be published to the resolution."),
    )
    replace = forms.BooleanField(
        label=_("Replace the stored dataset of this year"),
        required=False,
        help_text=_("The replaced dataset stays in the change history."),
    )

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], [XLSX])

    def clean(self):
        data = super().clean()
        code, year = data.get("code"), data.get("year")
        if data.get("is_official") and code:
            candidate = IndexDataset(code=code, is_sample=data.get("is_sample", False))
            reason = candidate.why_not_official()
            if reason:
                self.add_error("is_official", reason)
        exists = IndexDataset.objects.filter(code=code, year=year).exists()
        if code and year and exists and not data.get("replace"):
            raise forms.ValidationError(
                _(
                    "A %(code)s dataset for %(year)s is stored already; tick “replace” to "
                    "replace it."
                )
                % {"code": code, "year": year}
            )
        return data


class PlanForm(forms.Form):
    goal_rank = forms.IntegerField(label=_("Goal rank"), min_value=1, initial=20)
    allowed = forms.MultipleChoiceField(
        label=_("Indicators the province can influence"),
        required=False,
        help_text=_("None selected: every indicator may change."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    max_fraction = NumberField(
        label=_("Largest change of a raw value, as a fraction"),
        required=False,
        min_value=0.0,
        initial=DEFAULT_MAX_FRACTION,
        help_text=_(
            # xgettext:no-python-format
            "0,5 (the default, also when empty) allows each indicator to change by at most 50% "
            "of its current raw value; 2 allows up to three times the value."
        ),
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allowed"].choices = [(i["code"], _label(i)) for i in indicators]

    def clean_max_fraction(self):
        value = self.cleaned_data["max_fraction"]
        return DEFAULT_MAX_FRACTION if value is None else value


def _label(indicator):
    code, name = indicator["code"], indicator["name"]
    return code if name == code else f"{code} — {name}"


class EditForm(forms.Form):
    """One number per indicator (the unit's raw value); empty keeps the current value."""

    PREFIX = "raw-"

    def __init__(self, *args, indicators=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.codes = [i["code"] for i in indicators]
        for indicator in indicators:
            code = indicator["code"]
            value = current.get(code)
            field = NumberField(
                label=_label(indicator),
                required=False,
                initial=None if value is None or value != value else value,
            )
            field.lower_is_better = indicator.get("lower_is_better", False)
            self.fields[self.PREFIX + code] = field
        self.current = current

    def clean(self):
        data = super().clean()
        posted = {k[len(self.PREFIX) :] for k in (self.data or {}) if k.startswith(self.PREFIX)}
        unknown = sorted(posted - set(self.codes))
        if unknown:
            raise forms.ValidationError(
                _("Unknown indicator(s): %(codes)s") % {"codes": ", ".join(unknown)}
            )
        return data

    def changes(self) -> dict[str, float]:
        """The values that differ from the unit's current raw values."""
        out = {}
        for code in self.codes:
            value = self.cleaned_data.get(self.PREFIX + code)
            if value is not None and value != self.current.get(code):
                out[code] = value
        return out
