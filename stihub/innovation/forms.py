from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import IndexDataset


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_(
            "COINr layout: sheets InputIndData, InputIndMeta, InputAggMeta and, if used, "
            "InputDenominators."
        ),
    )
    code = forms.SlugField(label=_("Index code"), max_length=20, initial="PII")
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=255)
    province_unit = forms.CharField(
        label=_("Our province's unit code"),
        max_length=60,
        required=False,
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
    replace = forms.BooleanField(
        label=_("Replace the stored dataset of this year"),
        required=False,
        help_text=_("The replaced dataset stays in the change history."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Only .xlsx workbooks can be uploaded."))
        if upload.size > settings.STIHUB_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than the allowed size."))
        return upload

    def clean(self):
        data = super().clean()
        code, year = data.get("code"), data.get("year")
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
    max_fraction = forms.FloatField(
        label=_("Largest change of a raw value, as a fraction"),
        required=False,
        min_value=0.0,
        # xgettext:no-python-format
        help_text=_("For example 0.5 allows at most +50% on each indicator; empty: no limit."),
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allowed"].choices = [(i["code"], _label(i)) for i in indicators]


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
            self.fields[self.PREFIX + code] = forms.FloatField(
                label=_label(indicator),
                required=False,
                initial=None if value is None or value != value else value,
                widget=forms.NumberInput(attrs={"step": "any"}),
            )
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
