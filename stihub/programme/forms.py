from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from stihub.core.models import Agency
from stihub.core.uploads import DOCX, JPEG, PDF, PNG, XLSX, check_upload
from stihub.engines import limits as engine_limits
from stihub.engines.programme import PROGRAMME
from stihub.monitoring.models import Resolution

from .models import ActionItem, ProgressUpdate

EVIDENCE_KINDS = [PDF, PNG, JPEG, DOCX, XLSX]
MAX_EVIDENCE_FILES = 10


class ActionItemForm(forms.ModelForm):
    """DOST creates and edits items; a cancelled item needs a reason (the model's `clean`)."""

    class Meta:
        model = ActionItem
        fields = [
            "solution_group",
            "code",
            "title",
            "lead_agency",
            "partner_agencies",
            "outputs",
            "deadline",
            "status",
            "cancel_reason",
        ]
        widgets = {"deadline": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = Agency.objects.filter(is_active=True)
        self.fields["lead_agency"].queryset = active
        self.fields["partner_agencies"].queryset = active
        self.fields["solution_group"].queryset = self.fields[
            "solution_group"
        ].queryset.select_related("resolution")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once, each through the one upload check (type by content, size)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_EVIDENCE_FILES:
            raise forms.ValidationError(
                _("At most %(n)s files per update.") % {"n": MAX_EVIDENCE_FILES}
            )
        single = super().clean
        return [check_upload(single(f, initial), EVIDENCE_KINDS) for f in files]


class ProgressUpdateForm(forms.ModelForm):
    files = EvidenceField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, PNG, JPEG, Word .docx or Excel .xlsx; several may be chosen."),
    )

    class Meta:
        model = ProgressUpdate
        fields = ["date", "text", "percent_done"]
        widgets = {"date": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})}


class ProgrammeLoadForm(forms.Form):
    resolution = forms.ModelChoiceField(
        Resolution.objects.all(),
        label=_("Resolution"),
        help_text=_("The solution group codes of the file are those of this resolution."),
    )
    file = forms.FileField(
        label=_("Action programme (.xlsx)"),
        help_text=_(
            "Columns: solution_group, code, title, lead_agency, partner_agencies (codes separated"
            " by ;), outputs, deadline (dd/mm/yyyy or yyyy-mm-dd), status (not_started,"
            " in_progress, done or cancelled) and, for a cancelled item, cancel_reason."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if Resolution.objects.count() == 1:
            self.fields["resolution"].initial = Resolution.objects.get().pk

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], [XLSX], limits=programme_limits())


def programme_limits() -> engine_limits.Limits:
    """The engine's rows and columns for a programme, the settings' unpacked size and ratio."""
    return engine_limits.Limits(
        max_unzipped_bytes=settings.STIHUB_UPLOAD_MAX_UNZIPPED_BYTES,
        max_ratio=settings.STIHUB_UPLOAD_MAX_ZIP_RATIO,
        max_rows=PROGRAMME.max_rows,
        max_columns=PROGRAMME.max_columns,
    )
