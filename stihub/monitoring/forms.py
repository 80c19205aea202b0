from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from stihub.core.models import Agency


class ObservationImportForm(forms.Form):
    file = forms.FileField(
        label=_("Observation file (.csv or .xlsx)"),
        help_text=_("Columns: indicator, year, value, and optionally area and note."),
    )
    agency = forms.ModelChoiceField(
        Agency.objects.filter(is_active=True), label=_("Reporting agency"), required=False
    )
    source = forms.CharField(label=_("Source"), max_length=500, required=False)

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
