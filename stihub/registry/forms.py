"""The registries' entry forms (DOST): one ModelForm per registry and inline formsets for a
record's parts (an expert's affiliations, an application's status steps, survey years).

Identifiers are checked by `stihub.engines.identifiers`, the same checks as the import, so the
page and the file say the same thing in the user's language.
"""

from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stihub.core.choices import DivisionType
from stihub.core.forms import NumberField
from stihub.core.models import AdministrativeUnit
from stihub.engines import identifiers

from .choices import ExpertRole, IPStatus, Location
from .models import (
    SEPARATOR,
    Affiliation,
    Enterprise,
    Expert,
    FieldOfScience,
    Industry,
    Infrastructure,
    IPObject,
    IPStatusChange,
    Organization,
    SurveyYear,
    split_list,
)

COMMUNE_LEVEL = [DivisionType.COMMUNE, DivisionType.WARD, DivisionType.SPECIAL_ZONE]
OLDEST_BIRTH_YEAR = 1900
YOUNGEST_AGE = 15  # nobody younger is an expert of the network
DATE = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})


def communes():
    """Commune-level units of the province (`STIHUB_PROVINCE_CODE` when set, else any loaded)."""
    units = AdministrativeUnit.objects.filter(
        parent__isnull=False, division_type__in=COMMUNE_LEVEL
    ).order_by("name")
    province = getattr(settings, "STIHUB_PROVINCE_CODE", None)
    return units.filter(parent__code=province) if province else units


def checked(check, value):
    """The normalised identifier, or its check's message in the active language."""
    try:
        return check(value)
    except identifiers.IdentifierError as error:
        raise ValidationError(gettext(error.template) % error.params) from None


class CommuneField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _("Choose a commune or ward of the province from the list."),
    }

    def __init__(self, **kwargs):
        super().__init__(communes(), required=False, label=_("Commune / ward"), **kwargs)


class FieldsOfScienceField(forms.ModelMultipleChoiceField):
    """Level-2 fields of science (2.2, 3.1...), several at once."""

    def __init__(self, **kwargs):
        super().__init__(
            FieldOfScience.objects.filter(parent__isnull=False),
            required=False,
            label=_("Fields of science"),
            widget=forms.SelectMultiple(attrs={"size": 8}),
            **kwargs,
        )


class TaxCodeChoiceField(forms.ModelChoiceField):
    """An enterprise of the registry given by its tax code (a list of all would be too long)."""

    default_error_messages = {
        "invalid_choice": _("No enterprise of the registry has the tax code %(value)s."),
    }

    def __init__(self, **kwargs):
        super().__init__(
            Enterprise.objects.all(), to_field_name="tax_code", widget=forms.TextInput, **kwargs
        )


def _form_field(field, **kwargs):
    """Model fields as form fields; a web address typed without scheme is https (Django 6)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class RegistryForm(forms.ModelForm):
    """What every registry's form shares: the answer to the duplicate warning."""

    confirm_duplicate = forms.BooleanField(
        label=_("Save even though it may be a duplicate"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE
        if "commune" in self.fields:  # read per form: the province may be set after import
            self.fields["commune"].queryset = communes()

    def identity_changed(self, identifying) -> bool:
        """A new record, or one of its `identifying` fields changed: look for duplicates."""
        return self.instance._state.adding or any(f in self.changed_data for f in identifying)


def _list(text: str) -> str:
    """ "a ; b;;c " → "a;b;c": lists are stored `;`-separated without blanks."""
    return SEPARATOR.join(split_list(text))


class ExpertForm(RegistryForm):
    """An expert's public and restricted fields; consent has its own page."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ExpertRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    fields = FieldsOfScienceField()
    # Longer than the stored iD: people paste its URL, https://orcid.org/0000-...
    orcid = forms.CharField(label=_("ORCID"), max_length=60, required=False)

    class Meta:
        model = Expert
        fields = [
            "full_name",
            "gender",
            "birth_year",
            "academic_title",
            "degree",
            "fields",
            "keywords",
            "organization",
            "organization_name",
            "position",
            "location",
            "country",
            "hometown",
            "email",
            "phone",
            "orcid",
            "roles",
            "publications",
            "projects",
        ]
        widgets = {"keywords": forms.TextInput(attrs={"placeholder": "vật liệu nano; pin"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["roles"] = self.instance.role_list
        self.fields["orcid"].widget.attrs["placeholder"] = "0000-0002-1825-0097"

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        latest = date.today().year - YOUNGEST_AGE
        if year is not None and not OLDEST_BIRTH_YEAR <= year <= latest:
            raise ValidationError(
                _("A year of birth between %(low)s and %(high)s, please.")
                % {"low": OLDEST_BIRTH_YEAR, "high": latest}
            )
        return year

    def clean_orcid(self):
        value = (self.cleaned_data["orcid"] or "").strip()
        return checked(identifiers.orcid, value) if value else None

    def clean_roles(self):
        chosen = set(self.cleaned_data["roles"])
        return SEPARATOR.join(r for r in ExpertRole.values if r in chosen)

    def clean_keywords(self):
        return _list(self.cleaned_data["keywords"])

    def clean(self):
        data = super().clean()
        if data.get("location") == Location.ABROAD and not (data.get("country") or "").strip():
            self.add_error("country", _("Give the country of an expert who lives abroad."))
        return data


class AffiliationForm(forms.ModelForm):
    class Meta:
        model = Affiliation
        fields = ["organization", "organization_name", "position", "start_year", "end_year"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The end year comes before the start year."))
        named = data.get("organization") or (data.get("organization_name") or "").strip()
        if self.has_changed() and not named:
            self.add_error("organization_name", _("Choose an organization or type its name."))
        return data


class OrganizationForm(RegistryForm):
    commune = CommuneField()
    fields = FieldsOfScienceField()

    class Meta:
        model = Organization
        formfield_callback = _form_field
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "commune",
            "address",
            "fields",
            "website",
            "staff_total",
            "staff_phd",
            "staff_masters",
            "description",
            "agency",
        ]

    def clean(self):
        data = super().clean()
        total = data.get("staff_total")
        for name in ("staff_phd", "staff_masters"):
            part = data.get(name)
            if total is not None and part is not None and part > total:
                self.add_error(name, _("More than the whole staff (%(total)s).") % {"total": total})
        return data


class EnterpriseForm(RegistryForm):
    commune = CommuneField()

    class Meta:
        model = Enterprise
        formfield_callback = _form_field
        fields = [
            "tax_code",
            "name",
            "vsic",
            "size",
            "commune",
            "address",
            "website",
            "products",
            "st_cert_no",
            "st_cert_date",
            "st_cert_issuer",
            "st_cert_products",
            "st_cert_rule",
            "st_cert_revoked_on",
            "startup_recognised_on",
            "startup_evidence",
        ]

    def clean_tax_code(self):
        return checked(identifiers.tax_code, self.cleaned_data["tax_code"])

    def clean_vsic(self):
        value = (self.cleaned_data["vsic"] or "").strip()
        if not value:
            self.instance.industry = None
            return ""
        code = checked(identifiers.vsic, value)
        division = Industry.objects.filter(code=code[:2], section__isnull=False).first()
        if division is None:
            raise ValidationError(
                _("%(value)s is not in VSIC 2018: there is no division %(division)s.")
                % {"value": code, "division": code[:2]}
            )
        self.instance.industry = division
        return code

    def clean(self):
        data = super().clean()
        if data.get("st_cert_no") and not data.get("st_cert_date"):
            self.add_error("st_cert_date", _("Give the date of the certificate."))
        issued, revoked = data.get("st_cert_date"), data.get("st_cert_revoked_on")
        if revoked and (not issued or revoked < issued):
            self.add_error("st_cert_revoked_on", _("A certificate is revoked after its date."))
        return data


class SurveyYearForm(forms.ModelForm):
    rd_fte = NumberField(
        label=_("R&D personnel (full-time equivalent)"), required=False, min_value=0
    )
    rd_spending = NumberField(label=_("R&D spending (million VND)"), required=False, min_value=0)

    class Meta:
        model = SurveyYear
        fields = ["year", "innovation", "rd", "rd_fte", "rd_spending"]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not 1990 <= year <= date.today().year:
            raise ValidationError(
                _("A survey year between 1990 and %(year)s, please.") % {"year": date.today().year}
            )
        return year


class IPObjectForm(RegistryForm):
    """An application; its `status` follows its status steps (the formset), not this form."""

    applicant_enterprise = TaxCodeChoiceField(
        label=_("Applicant enterprise (tax code)"), required=False
    )
    applicant_expert = forms.ModelChoiceField(
        Expert.objects.filter(erased_at__isnull=True),
        label=_("Applicant person (record number)"),
        required=False,
        widget=forms.TextInput,
        error_messages={"invalid_choice": _("No person of the registry has this number.")},
    )

    class Meta:
        model = IPObject
        fields = [
            "kind",
            "application_no",
            "filed_on",
            "title",
            "applicant_name",
            "applicant_enterprise",
            "applicant_organization",
            "applicant_expert",
            "classes",
            "grant_no",
            "granted_on",
        ]
        labels = {"applicant_organization": _("Applicant organization")}

    def clean_classes(self):
        return _list(self.cleaned_data["classes"])

    def clean(self):
        data = super().clean()
        filed, granted = data.get("filed_on"), data.get("granted_on")
        if filed and granted and granted < filed:
            self.add_error("granted_on", _("The grant date comes before the filing date."))
        return data


class StatusChangeForm(forms.ModelForm):
    class Meta:
        model = IPStatusChange
        fields = ["status", "on", "note"]
        widgets = {"on": DATE}


class InfrastructureForm(RegistryForm):
    enterprise = TaxCodeChoiceField(label=_("Owner (enterprise, tax code)"), required=False)
    fields = FieldsOfScienceField()

    class Meta:
        model = Infrastructure
        fields = [
            "kind",
            "name",
            "organization",
            "enterprise",
            "fields",
            "description",
            "shared_use",
            "conditions",
            "contact",
        ]

    def clean(self):
        data = super().clean()
        if not data.get("organization") and not data.get("enterprise"):
            self.add_error("organization", _("Give the owner: an organization or an enterprise."))
        return data


def _inline(parent, model, form, fk_name=None):
    return forms.inlineformset_factory(
        parent, model, form=form, fk_name=fk_name, extra=1, can_delete=True
    )


AffiliationFormSet = _inline(Expert, Affiliation, AffiliationForm)
StatusChangeFormSet = _inline(IPObject, IPStatusChange, StatusChangeForm)
OrganizationSurveyFormSet = _inline(Organization, SurveyYear, SurveyYearForm, "organization")
EnterpriseSurveyFormSet = _inline(Enterprise, SurveyYear, SurveyYearForm, "enterprise")

STATUS_ORDER = {status: i for i, status in enumerate(IPStatus.values)}


def latest_status(steps) -> tuple[str, date] | None:
    """The (status, date) an application stands at: its latest step by date; on one day the
    later step of the procedure (granted after published)."""
    steps = list(steps)
    return max(steps, key=lambda s: (s[1], STATUS_ORDER[s[0]])) if steps else None


def kept_steps(formset) -> list[tuple[str, date]]:
    """The (status, date) of the status formset's rows that stay after saving."""
    return [
        (f.cleaned_data["status"], f.cleaned_data["on"])
        for f in formset.forms
        if f.cleaned_data.get("status")
        and f.cleaned_data.get("on")
        and not f.cleaned_data.get("DELETE")
    ]
