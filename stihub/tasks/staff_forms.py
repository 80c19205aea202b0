"""DOST's forms for S&T tasks: the board's filters, moving a task to a step with that step's
data, records, the completeness check, councils, regulation profiles and past-task lists."""

import yaml
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stihub.core.formatting import num
from stihub.core.forms import NumberField
from stihub.core.uploads import CSV, DOCX, JPEG, PDF, PNG, XLSX, check_upload
from stihub.registry.importing import registry_limits

from .choices import CouncilRole, RecordKind, Source, Step, TaskKind
from .forms import ExpertIdField
from .models import ExpertTie, Sanction, TaskRecord

DATE = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})
RECORD_FILES = [PDF, DOCX, XLSX, PNG, JPEG]
# The steps that end a task by DOST's choice: never without the reason, kept in the timeline.
REASON_NEEDED = (Step.WITHDRAWN, Step.REJECTED)

# The data a move to each step records on the task (saved only if the move succeeds).
DATA_FOR = {
    Step.CALL: ("call_opens_on", "call_closes_on"),
    Step.DECISION: ("budget",),
    Step.CONTRACT: ("decision_no", "decision_on"),
    Step.EXECUTION: ("contract_no", "starts_on", "ends_on"),
    Step.REGISTRATION: ("results",),
    Step.PUBLISHED: ("registration_no", "registered_on"),
}


class BoardFilter(forms.Form):
    """The board's filters: step, kind, year proposed, overdue only."""

    step = forms.ChoiceField(
        label=_("Step"), required=False, choices=[("", _("All steps")), *Step.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *TaskKind.choices]
    )
    year = forms.IntegerField(label=_("Year proposed"), required=False, min_value=1900)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class AdvanceForm(forms.Form):
    """Move a task to a step, with a note and the data that step needs."""

    to = forms.ChoiceField(label=_("Move to"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    call_opens_on = forms.DateField(label=_("Call opens"), required=False, widget=DATE)
    call_closes_on = forms.DateField(label=_("Call closes"), required=False, widget=DATE)
    budget = NumberField(label=_("Appraised budget (million VND)"), required=False, min_value=0)
    decision_no = forms.CharField(label=_("Decision number"), required=False, max_length=40)
    decision_on = forms.DateField(label=_("Decision date"), required=False, widget=DATE)
    contract_no = forms.CharField(label=_("Contract number"), required=False, max_length=40)
    starts_on = forms.DateField(label=_("Starts"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Ends"), required=False, widget=DATE)
    results = forms.CharField(
        label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    registration_no = forms.CharField(label=_("Registration number"), required=False, max_length=40)
    registered_on = forms.DateField(label=_("Registered on"), required=False, widget=DATE)

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(s, Step(s).label) for s in steps]
        to = self.data.get("to") if self.is_bound else self.initial.get("to")
        if to in REASON_NEEDED:
            note = self.fields["note"]
            note.required, note.label = True, _("Reason")
            note.error_messages["required"] = _(
                "Give the reason: a task is withdrawn or not approved only with its reason."
            )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date is before the start date."))
        return data

    def step_data(self) -> dict:
        """The values given for the chosen step (an empty box leaves the task's value)."""
        keys = DATA_FOR.get(self.cleaned_data["to"], ())
        return {k: self.cleaned_data[k] for k in keys if self.cleaned_data.get(k) not in (None, "")}


class RecordForm(forms.ModelForm):
    """A record of a running task: progress report, inspection, adjustment, application."""

    class Meta:
        model = TaskRecord
        fields = ["kind", "on", "text", "file"]
        widgets = {"on": DATE, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k, RecordKind(k).label) for k in kinds]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        return check_upload(upload, RECORD_FILES) if upload else upload


class DossierCheckForm(forms.Form):
    """The completeness check of a submitted dossier (kiểm tra tính đầy đủ, hợp lệ)."""

    complete = forms.TypedChoiceField(
        label=_("Dossier"),
        choices=[("yes", _("Complete")), ("no", _("Incomplete"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("complete") is False and not data.get("note", "").strip():
            self.add_error("note", _("Say what is missing."))
        return data


class PastImportForm(forms.Form):
    """A list of past tasks to load for the duplicate check."""

    source = forms.ChoiceField(label=_("List"), choices=Source.choices)
    file = forms.FileField(label=_("File (.xlsx or .csv)"))

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], [XLSX, CSV], limits=registry_limits())


def candidate_choices(candidates) -> list[tuple[int, str]]:
    """The choices of a seat's list from (expert id, "name · workplace", match): the label with
    the match in the project's number format (vi: 0,32)."""
    return [(pk, f"{label} · {num(match, 2)}") for pk, label, match in candidates]


class CouncilForm(forms.Form):
    """The members DOST chooses (one expert and role per seat), blind review, meeting date."""

    blind = forms.BooleanField(
        label=_("Blind review (members do not see who applied)"), required=False
    )
    meets_on = forms.DateField(label=_("Meeting date"), required=False, widget=DATE)

    def __init__(self, *args, size: int, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.size = size
        choices = [("", "—"), *candidate_choices(candidates)]
        for i in range(size):
            self.fields[f"expert_{i}"] = forms.IntegerField(
                label=_("Seat %(n)s") % {"n": i + 1},
                required=False,
                widget=forms.Select(choices=choices),
            )
            self.fields[f"role_{i}"] = forms.ChoiceField(
                label=_("Role"), choices=CouncilRole.choices
            )

    def seats(self):
        """[(expert field, role field)] per seat, for the template."""
        return [(self[f"expert_{i}"], self[f"role_{i}"]) for i in range(self.size)]

    def chosen(self) -> list[tuple[int, str]]:
        return [
            (self.cleaned_data[f"expert_{i}"], self.cleaned_data[f"role_{i}"])
            for i in range(self.size)
            if self.cleaned_data.get(f"expert_{i}") is not None
        ]


class ReplaceForm(forms.Form):
    """The expert seated in place of a member who declared a conflict."""

    expert = forms.IntegerField(label=_("Replace with"))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].widget = forms.Select(
            choices=[("", "—"), *candidate_choices(candidates)]
        )


class ProfileForm(forms.Form):
    """A new version of a regulation profile, written as YAML."""

    text = forms.CharField(
        label=_("Rules (YAML)"),
        widget=forms.Textarea(attrs={"rows": 40, "spellcheck": "false", "class": "code"}),
    )
    effective_from = forms.DateField(label=_("In force from"), widget=DATE)
    note = forms.CharField(label=_("What changed"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_text(self):
        try:
            data = yaml.safe_load(self.cleaned_data["text"])
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc)
            if mark is not None:
                raise ValidationError(
                    _("Not valid YAML at line %(line)s: %(error)s")
                    % {"line": mark.line + 1, "error": problem}
                ) from exc
            raise ValidationError(_("Not valid YAML: %(error)s") % {"error": problem}) from exc
        return data


class TieForm(forms.ModelForm):
    """A declared tie between two experts (relatives, co-authors): it excludes each from the
    councils of the other's tasks."""

    expert = ExpertIdField()
    other = ExpertIdField()

    class Meta:
        model = ExpertTie
        fields = ["expert", "other", "kind", "note"]

    def clean(self):
        data = super().clean()
        one, two = data.get("expert"), data.get("other")
        if one and two:
            if one == two:
                raise ValidationError(_("A tie joins two different people."))
            pair = ExpertTie.objects.filter(kind=data.get("kind"))
            if (
                pair.filter(expert=one, other=two).exists()
                or pair.filter(expert=two, other=one).exists()
            ):
                raise ValidationError(_("This tie is already declared."))
        return data


class SanctionForm(forms.ModelForm):
    """A sanction barring an expert from councils until a date."""

    expert = ExpertIdField()

    class Meta:
        model = Sanction
        fields = ["expert", "until", "decision"]
        widgets = {"until": DATE}
