from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from stihub.core.formatting import vietnamese_sorted
from stihub.core.models import Agency
from stihub.core.uploads import CSV, XLSX, check_upload, observation_limits


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
    approve = forms.BooleanField(
        label=_("Approve at once"),
        required=False,
        initial=True,
        help_text=_(
            "Publish the values as soon as they are loaded (recorded as approved by you)."
            " Untick to leave them waiting in the review queue."
        ),
    )

    def clean_file(self):
        # The one shared check (type, size, content, and a workbook's unpacked size and
        # declared sheet sizes) before anything, even the row count, reads the file.
        return check_upload(self.cleaned_data["file"], [CSV, XLSX], limits=observation_limits())


class AsOfForm(forms.Form):
    """Progress as it stood at the end of a past year: later observations are left out."""

    as_of = forms.IntegerField(label=_("Status as of year"), min_value=1900, max_value=2100)
