from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stihub.core.uploads import DOCX, check_upload
from stihub.monitoring.models import Resolution

from .docx import TEMPLATES
from .models import ReportTemplate
from .render import FORMATS

FIRST_YEAR = 2000
FORMAT_LABELS = {
    "docx": _("Word document (.docx)"),
    "pdf": _("PDF for printing"),
    "xlsx": _("Data annex as a workbook (.xlsx)"),
}
UPLOADED = "upload-"  # the choice of an uploaded template: "upload-<pk>"


def template_choices() -> list[tuple[str, str]]:
    """The bundled templates, then the active uploaded ones."""
    bundled = [(key, t.label) for key, t in TEMPLATES.items()]
    uploaded = [
        (f"{UPLOADED}{t.pk}", _("%(name)s (uploaded)") % {"name": t.name})
        for t in ReportTemplate.objects.filter(is_active=True)
    ]
    return bundled + uploaded


class ReportForm(forms.Form):
    resolution = forms.ModelChoiceField(
        Resolution.objects.all(), label=_("Resolution"), empty_label=None
    )
    year = forms.IntegerField(
        label=_("Year reviewed"),
        help_text=_("The report reviews the year as of its end; this year gives the year so far."),
    )
    format = forms.ChoiceField(label=_("Format"))
    template = forms.ChoiceField(
        label=_("Template"),
        help_text=_("For the Word and PDF documents; the workbook has no template."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].initial = this_year - 1
        self.fields["year"].widget.attrs.update(min=FIRST_YEAR, max=this_year)
        self.fields["format"].choices = [(f, FORMAT_LABELS.get(f, f)) for f in FORMATS]
        self.fields["template"].choices = template_choices()

    def clean_year(self):
        year, this_year = self.cleaned_data["year"], timezone.localdate().year
        if not FIRST_YEAR <= year <= this_year:
            raise forms.ValidationError(
                _("Choose a year from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": this_year}
            )
        return year

    def clean_template(self):
        """A bundled template's key, or the uploaded ReportTemplate."""
        choice = self.cleaned_data["template"]
        if choice.startswith(UPLOADED):
            return ReportTemplate.objects.get(pk=int(choice.removeprefix(UPLOADED)))
        return choice


class TemplateUploadForm(forms.ModelForm):
    class Meta:
        model = ReportTemplate
        fields = ["name", "kind", "file"]
        labels = {"file": _("Template file (.docx)")}
        help_texts = {
            "file": _(
                "A bundled template edited in Word, keeping its fields in double braces and its"
                " table rows as they are."
            ),
            "kind": _("Which document format the template follows."),
        }

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], [DOCX])
