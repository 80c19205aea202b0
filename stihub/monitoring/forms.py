from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from stihub.core.formatting import vietnamese_sorted
from stihub.core.models import Agency


class _VietnameseOrder(ModelChoiceIterator):
    """The choices in Vietnamese alphabetical order of their labels (a database cannot do it)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in vietnamese_sorted(self.queryset):
            yield self.choice(obj)


class VietnameseOrderChoiceField(forms.ModelChoiceField):
    iterator = _VietnameseOrder


class ObservationImportForm(forms.Form):
    file = forms.FileField(
        label=_("Observation file (.csv or .xlsx)"),
        help_text=_(
            "Columns: indicator, year, value, and optionally area (official code or exact name"
            " of a commune or ward), note, source, agency and sample, as in the downloads;"
            " Vietnamese headers (Chỉ tiêu, Năm, Giá trị, Địa bàn, Ghi chú) and the ; separator"
            " are accepted."
        ),
    )
    agency = VietnameseOrderChoiceField(
        Agency.objects.filter(is_active=True),
        label=_("Reporting agency"),
        help_text=_("For the rows that name no agency."),
        required=False,
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        required=False,
        help_text=_("For the rows that name no source."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."))
        if upload.size > settings.STIHUB_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than the allowed size."))
        return upload


class AsOfForm(forms.Form):
    """Progress as it stood at the end of a past year: later observations are left out."""

    as_of = forms.IntegerField(label=_("Status as of year"), min_value=1900, max_value=2100)
