"""The forms of the technology market: a listing (the owner's form, also what every row of an
Excel import goes through), DOST's moderation, renewal and withdrawal, and the marketplace's
filter set (`MarketFilter`), shared by the page and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from stihub.core.forms import NumberField
from stihub.core.parameters import IntegerParameterField
from stihub.monitoring.filters import ChoiceFilter, CodeFilter
from stihub.registry.filters import WordsFilterSet
from stihub.registry.forms import TaxCodeChoiceField
from stihub.registry.models import FieldOfScience, Industry, Organization
from stihub.tasks.forms import million_vnd

from .choices import TRL, IPProtection, Kind, Partnership, Status
from .listings import MAX_MONTHS, add_months
from .models import Listing

TEXTAREA = forms.Textarea(attrs={"rows": 5})
# A date picked in the browser's calendar (sent as ISO, shown in the user's language).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def divisions():
    """The VSIC 2018 divisions (two digits) as choices: "10 Sản xuất, chế biến thực phẩm"."""
    rows = Industry.objects.filter(code__regex=r"^\d{2}$").order_by("code")
    return [("", "—"), *((i.code, f"{i.code} {i.name}") for i in rows)]


class FieldChoice(forms.ModelChoiceField):
    """A field of science by its code (2.7), level 1 or 2."""

    def __init__(self, **kwargs):
        super().__init__(
            FieldOfScience.objects.order_by("code"), to_field_name="code", required=False, **kwargs
        )

    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class ListingForm(forms.ModelForm):
    """An offer or a need, with the fields of the EEN partnering profiles."""

    partnership = forms.MultipleChoiceField(
        choices=Partnership.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Partnership sought"),
    )
    sector = forms.ChoiceField(choices=(), required=False, label=_("Sector (VSIC division)"))
    field = FieldChoice(label=_("Field of science"))
    price_min = NumberField(label=_("Price or budget from (million VND)"), required=False)
    price_max = NumberField(label=_("Price or budget up to (million VND)"), required=False)
    enterprise = TaxCodeChoiceField(
        label=_("Enterprise of the registry (tax code)"), required=False
    )
    organization = forms.ModelChoiceField(
        Organization.objects.none(), required=False, label=_("Organization of the registry")
    )

    class Meta:
        model = Listing
        fields = [
            "title", "summary", "description", "advantages", "stage", "ip_status",
            "partnership", "sector", "field", "ipc", "keywords", "region", "price_min",
            "price_max", "expires_on", "owner_name", "enterprise", "organization", "anonymous",
            "contact_name", "contact_email", "contact_phone",
        ]  # fmt: skip
        widgets = {
            "expires_on": DATE,
            "summary": TEXTAREA,
            "description": TEXTAREA,
            "advantages": TEXTAREA,
        }

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind or self.instance.kind
        self.fields["sector"].choices = divisions()
        self.fields["organization"].queryset = Organization.objects.order_by("sort_key", "pk")
        if self.instance.pk:
            self.initial["partnership"] = self.instance.partnership_list
            if self.instance.enterprise_id:
                self.initial["enterprise"] = self.instance.enterprise.tax_code
            self.initial["field"] = self.instance.field.code if self.instance.field else None
        else:
            self.initial.setdefault("expires_on", add_months(timezone.localdate(), MAX_MONTHS))
        need = self.kind == Kind.NEED
        self.fields["title"].label = _("What you need") if need else _("Technology offered")
        self.fields["summary"].label = (
            _("The problem, in your own words") if need else _("Summary of the technology")
        )
        self.fields["summary"].help_text = (
            _("Describe the problem as you see it: what goes wrong, when, how much it costs.")
            if need
            else _("What it does, for whom, with what results.")
        )
        self.fields["stage"].label = _("Readiness wanted (TRL)") if need else _("Readiness (TRL)")
        self.fields["stage"].choices = [("", "—"), *TRL]
        self.fields["ip_status"].choices = [("", "—"), *IPProtection.choices]
        self.fields["owner_name"].label = (
            _("Enterprise or person seeking it")
            if need
            else _("Enterprise or organization offering it")
        )

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 10:
            raise forms.ValidationError(_("Give the title in full (10 characters or more)."))
        return title

    def clean_summary(self):
        summary = self.cleaned_data["summary"].strip()
        if len(summary.split()) < 5:
            raise forms.ValidationError(_("Describe it in a few sentences (5 words or more)."))
        return summary

    def clean_partnership(self):
        return "; ".join(self.cleaned_data["partnership"])

    def clean_keywords(self):
        words = [w.strip() for w in self.cleaned_data["keywords"].split(";") if w.strip()]
        return "; ".join(dict.fromkeys(words))

    def clean_price_min(self):
        return million_vnd(self.cleaned_data.get("price_min"))

    def clean_price_max(self):
        return million_vnd(self.cleaned_data.get("price_max"))

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("The expiry date must be after today."))
        latest = add_months(today, MAX_MONTHS)
        if day > latest:
            raise forms.ValidationError(
                _("A listing stays on the market at most a year at a time: until %(date)s.")
                % {"date": latest.strftime("%d/%m/%Y")}
            )
        return day

    def clean(self):
        data = super().clean()
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The upper bound is below the lower bound."))
        if data.get("enterprise") and data.get("organization"):
            self.add_error("organization", _("Give the enterprise or the organization, not both."))
        if not (data.get("contact_email") or data.get("contact_phone")):
            self.add_error("contact_email", _("Give an e-mail address or a phone number."))
        return data


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (Status.PUBLISHED, _("Publish")),
            (Status.RETURNED, _("Return for changes")),
            (Status.REJECTED, _("Reject")),
        ],
        label=_("Decision"),
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=_("Note to the owner"),
        max_length=2000,
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class RenewForm(forms.Form):
    until = forms.DateField(label=_("Keep on the market until"), widget=DATE)


class FeedbackForm(forms.Form):
    offer = forms.IntegerField(min_value=1)
    useful = forms.TypedChoiceField(
        choices=[("1", _("Useful")), ("0", _("Not useful"))], coerce=lambda v: v == "1"
    )


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9})
class StageFilter(django_filters.NumberFilter):
    """A readiness level in ASCII digits, 1 to 9; anything else is refused (400)."""

    field_class = IntegerParameterField


class MarketFilter(WordsFilterSet):
    """The marketplace's filters: words (marks optional, each beginning a word of the code,
    title, summary, description or keywords), kind, sector, field, readiness, partnership."""

    newest = ("-published_at", "-pk")
    kind = ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    sector = CodeFilter(label=_("Sector (VSIC division)"), help_text=_("Two digits, e.g. 10."))
    field = CodeFilter(
        label=_("Field of science"),
        method="filter_field",
        help_text=_("A code of the classification of S&T fields: 2 (with its subfields) or 2.2."),
    )
    stage = StageFilter(
        label=_("Readiness at least (TRL)"), field_name="stage", lookup_expr="gte",
        min_value=1, max_value=9,
    )  # fmt: skip
    partnership = ChoiceFilter(
        label=_("Partnership"), choices=Partnership.choices, method="filter_partnership"
    )

    class Meta:
        model = Listing
        fields = ["q", "kind", "sector", "field", "stage", "partnership"]

    def filter_field(self, queryset, name, value):
        # A level-1 code takes in its level-2 fields: "2" finds listings under "2.7".
        return queryset.filter(Q(field__code=value) | Q(field__parent__code=value))

    def filter_partnership(self, queryset, name, value):
        return queryset.filter(partnership__regex=rf"(^|; ){value}(;|$)")
