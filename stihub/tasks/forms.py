"""The forms of S&T tasks' public, applicant and council-member pages, and the register's filter
set (`RegisterFilter`), shared by the register page and the API like the registries' filters.

Messages are English msgids translated to Vietnamese; numbers are typed the Vietnamese way
(`core.forms.NumberField`: "1.234,5" or "1234.5").
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce, ExtractYear
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from stihub.core.formatting import num
from stihub.core.forms import NumberField
from stihub.core.uploads import DOCX, PDF, XLSX, check_upload
from stihub.monitoring.filters import ChoiceFilter, CodeFilter, YearFilter
from stihub.registry.filters import WordsFilterSet
from stihub.registry.forms import FieldsOfScienceField
from stihub.registry.models import Expert, Organization

from .choices import STAGES, DossierFileKind, Step, TaskKind, TeamRole, Vote
from .models import Dossier, Task, TeamMember
from .rules import PUBLIC_STEPS

FILE_KINDS = [PDF, DOCX, XLSX]
MAX_DURATION_MONTHS = 60
MAX_BUDGET = Decimal("9999999999999.9")  # what the column holds (14 digits, one decimal)
PUBLIC_STEP_CHOICES = [(s.value, s.label) for s in Step if s in PUBLIC_STEPS]
TEXTAREA = forms.Textarea(attrs={"rows": 6})


def organizations():
    return Organization.objects.order_by("sort_key", "pk")


def with_year(queryset):
    """`queryset` with each task's year (`year`): the year it started, else the year of its
    decision, else the year it was proposed."""
    return queryset.annotate(
        year=Coalesce(
            ExtractYear("starts_on"), ExtractYear("decision_on"), ExtractYear("created_at")
        )
    )


class RegisterFilter(WordsFilterSet):
    """The public register's filters: words (marks optional, each beginning a word of the
    task's code, title, summary, keywords or results), step, stage, kind, field and year."""

    step = ChoiceFilter(label=_("Step"), choices=PUBLIC_STEP_CHOICES)
    stage = ChoiceFilter(
        label=_("Section"),
        choices=[(k, label) for k, (label, _steps) in STAGES.items()],
        method="filter_stage",
    )
    kind = ChoiceFilter(label=_("Kind"), choices=TaskKind.choices)
    field = CodeFilter(
        label=_("Field of science"),
        method="filter_field",
        help_text=_("A code of the classification of S&T fields: 2 (with its subfields) or 2.2."),
    )
    year = YearFilter(
        label=_("Year"),
        method="filter_year",
        help_text=_(
            "The year the task started, else the year of its decision, else the year it was "
            "proposed."
        ),
    )

    class Meta:
        model = Task
        fields = ["q", "step", "stage", "kind", "field", "year"]

    def filter_stage(self, queryset, name, value):
        return queryset.filter(step__in=STAGES[value][1])

    def filter_year(self, queryset, name, value):
        return with_year(queryset).filter(year=value)

    def filter_field(self, queryset, name, value):
        # A level-1 code takes in its level-2 fields: "2" finds tasks filed under "2.2".
        links = Task.fields.through.objects.filter(
            Q(fieldofscience__code=value) | Q(fieldofscience__parent__code=value)
        )
        return queryset.filter(pk__in=links.values("task_id"))

    @property
    def years(self) -> list[int]:
        """The years the register's tasks may be filtered by (`with_year`), newest first."""
        rows = with_year(self.queryset.order_by()).values_list("year", flat=True).distinct()
        return sorted({y for y in rows if y is not None}, reverse=True)


class ProposalForm(forms.ModelForm):
    """A proposal (đề xuất đặt hàng): what is needed, what for and what should come of it."""

    fields = FieldsOfScienceField()
    proposer_org = forms.ModelChoiceField(
        organizations(), required=False, label=_("Proposing organization")
    )

    class Meta:
        model = Task
        fields = [
            "kind", "title", "summary", "expected_results", "keywords", "fields", "proposer_org",
        ]  # fmt: skip
        widgets = {"summary": TEXTAREA, "expected_results": TEXTAREA}
        help_texts = {"summary": _("The need the task answers and its objectives.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].label = _("Summary: need and objectives")
        self.fields["proposer_org"].queryset = organizations()

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 10:
            raise forms.ValidationError(_("Give the task's title in full (10 characters or more)."))
        return title

    def clean_keywords(self):
        words = [w.strip() for w in self.cleaned_data["keywords"].split(";") if w.strip()]
        return "; ".join(dict.fromkeys(words))


def million_vnd(value) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except InvalidOperation as error:
        raise forms.ValidationError(_("Enter a number.")) from error
    if not 0 <= number <= MAX_BUDGET:
        raise forms.ValidationError(_("Enter an amount of 0 or more, in million VND."))
    return number


class DossierForm(forms.ModelForm):
    """The application's forms as fields (phiếu đăng ký, thuyết minh): host, partners, content,
    products, plan, duration and budget."""

    budget_state = NumberField(label=_("State budget asked (million VND)"))
    budget_other = NumberField(label=_("Other funding (million VND)"), required=False)

    class Meta:
        model = Dossier
        fields = [
            "host_org", "partner_orgs", "objectives", "content", "products", "application_plan",
            "duration_months", "budget_state", "budget_other",
        ]  # fmt: skip
        widgets = {
            "objectives": TEXTAREA,
            "content": TEXTAREA,
            "products": TEXTAREA,
            "application_plan": TEXTAREA,
            "partner_orgs": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_org"].queryset = organizations()
        self.fields["partner_orgs"].queryset = organizations()
        self.fields["duration_months"].min_value = 1
        self.fields["duration_months"].widget.attrs.update(min=1, max=MAX_DURATION_MONTHS)

    def clean_duration_months(self):
        months = self.cleaned_data["duration_months"]
        if not 1 <= months <= MAX_DURATION_MONTHS:
            raise forms.ValidationError(
                _("A task lasts 1 to %(most)s months.") % {"most": MAX_DURATION_MONTHS}
            )
        return months

    def clean_budget_state(self):
        return million_vnd(self.cleaned_data["budget_state"])

    def clean_budget_other(self):
        return million_vnd(self.cleaned_data.get("budget_other")) or Decimal(0)

    def clean(self):
        data = super().clean()
        host, partners = data.get("host_org"), data.get("partner_orgs")
        if host is not None and partners and host in partners:
            self.add_error("partner_orgs", _("The host organization is not also a partner."))
        return data


class ExpertIdField(forms.ModelChoiceField):
    """An expert of the registry by their number (the registry's id), the name shown beside."""

    default_error_messages = {
        "invalid_choice": _("No expert with this number in the registry."),
    }

    def __init__(self, **kwargs):
        super().__init__(
            Expert.objects.filter(erased_at__isnull=True),
            widget=forms.NumberInput(attrs={"min": 1}),
            label=_("Expert number (registry)"),
            **kwargs,
        )


class TeamMemberForm(forms.ModelForm):
    expert = ExpertIdField()

    class Meta:
        model = TeamMember
        fields = ["expert", "role"]


class BaseTeamFormSet(forms.BaseInlineFormSet):
    """The team: each person once, at most one principal investigator (exactly one is checked
    when the dossier is submitted)."""

    def clean(self):
        # Ours first: the model's unique (dossier, expert) check would say only "Please correct
        # the duplicate data for expert", without the person's name.
        self._check_people()
        super().clean()

    def _check_people(self):
        seen, leads = set(), 0
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            expert, role = form.cleaned_data.get("expert"), form.cleaned_data.get("role")
            if expert is None:
                continue
            if expert.pk in seen:
                raise forms.ValidationError(
                    _("%(name)s is on the team twice.") % {"name": expert.full_name}
                )
            seen.add(expert.pk)
            leads += role == TeamRole.LEAD
        if leads > 1:
            raise forms.ValidationError(_("A dossier has one principal investigator only."))


TeamFormSet = inlineformset_factory(
    Dossier,
    TeamMember,
    form=TeamMemberForm,
    formset=BaseTeamFormSet,
    extra=3,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class SubmitForm(forms.Form):
    """The applicant's confirmation that the dossier is final, asked before submitting it (a
    submitted dossier can no longer be edited)."""

    confirm = forms.BooleanField(
        label=_("I confirm the dossier is final: once submitted it can no longer be edited."),
        required=False,
    )


class DossierFileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DossierFileKind.choices)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word .docx or Excel .xlsx."))

    def clean_file(self):
        return check_upload(
            self.cleaned_data["file"], FILE_KINDS, max_bytes=settings.STIHUB_MAX_UPLOAD_BYTES
        )


class DeclareForm(forms.Form):
    """A council member's declaration: no conflict of interest (the commitment), or a conflict
    and what it is."""

    NONE, CONFLICT = "none", "conflict"
    answer = forms.ChoiceField(
        label=_("Your declaration"),
        widget=forms.RadioSelect,
        choices=[
            (NONE, _("I declare that I have no conflict of interest with this task.")),
            (CONFLICT, _("I have a conflict of interest with this task.")),
        ],
    )
    explanation = forms.CharField(
        label=_("The conflict of interest"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only if you declare a conflict: what ties you to the task or its applicants."),
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == self.CONFLICT and not data.get("explanation", "").strip():
            self.add_error("explanation", _("Say what the conflict of interest is."))
        return data


def review_form(council, verdicts, criteria, labels, data=None, initial=None):
    """The review form of `council`: a score per criterion (selection), else a verdict among
    `verdicts` labelled by `labels` (the votes, or the profile's grades); and a comment."""
    form = forms.Form(data, initial=initial)
    for criterion in criteria:
        form.fields[f"score_{criterion.code}"] = ScoreField(
            label=criterion.label,
            required=False,
            help_text=_("0 to %(max)s points") % {"max": _points(criterion.max)},
        )
    if verdicts:
        form.fields["verdict"] = forms.ChoiceField(
            label=_("Your verdict"),
            widget=forms.RadioSelect,
            choices=[(v, labels.get(v, v)) for v in verdicts],
            required=False,
        )
    form.fields["comment"] = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    return form


def _points(value) -> str:
    """Points as people read them in the active language (vi: 4,5), with the decimals they
    have (up to 4: a score typed 4,25 is shown back as 4,25, not rounded)."""
    decimals = f"{float(value):.4f}".rstrip("0").partition(".")[2]
    return num(value, len(decimals))


class ScoreField(forms.CharField):
    """A criterion's points as typed ("4,5" or "4.5"; the council service reads both); a score
    already given is shown back the Vietnamese way (4,5), not as Python writes it (4.5)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def prepare_value(self, value):
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return _points(value)
        return super().prepare_value(value)


VOTE_LABELS = dict(Vote.choices)
