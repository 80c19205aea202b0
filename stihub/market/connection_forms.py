"""The forms of the brokerage pages: an expression of interest, a move of a connection,
the filters of the connections' list and of DOST's report."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core.forms import NumberField

from . import brokerage
from .choices import Partnership, Step
from .forms import DATE
from .models import Listing

SHORT_TEXT = forms.Textarea(attrs={"rows": 2})


class SourceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} · {obj.get_kind_display()} · {obj.title}"


class InterestForm(forms.Form):
    """An expression of interest: who is interested, a message, and the user's own listing it
    comes from (an offer answering a need, a need an offer could serve), if any."""

    source = SourceChoice(
        Listing.objects.none(),
        required=False,
        label=gettext_lazy("From my listing"),
        empty_label=gettext_lazy("— none —"),
        help_text=gettext_lazy(
            "Your own offer or need on the market that this interest comes from: its owner "
            "then sees it."
        ),
    )
    requester_name = forms.CharField(
        label=gettext_lazy("Interested organization or person"), max_length=300
    )
    message = forms.CharField(
        label=gettext_lazy("Message to the owner"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What interests you and what you would like to discuss."),
    )

    def __init__(self, *args, user, listing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = brokerage.sources_for(user, listing)


class StepForm(forms.Form):
    """A move of a connection: the step, the date it happened, a note, and the agreement's kind
    and value or the reason for closing (`brokerage.advance` says which a step needs)."""

    step = forms.ChoiceField(choices=Step.choices, widget=forms.HiddenInput)
    on = forms.DateField(label=gettext_lazy("Date it happened"), widget=DATE)
    agreement_kind = forms.ChoiceField(
        choices=[("", "—"), *Partnership.choices],
        required=False,
        label=gettext_lazy("Kind of agreement"),
    )
    agreement_value = NumberField(
        required=False,
        min_value=0,
        label=gettext_lazy("Agreement value (million VND)"),
        help_text=gettext_lazy("0 for a free transfer."),
    )
    closed_reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=SHORT_TEXT,
        label=gettext_lazy("Reason for closing"),
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=SHORT_TEXT, label=gettext_lazy("Note")
    )


class ConnectionFilter(forms.Form):
    step = forms.ChoiceField(
        choices=[("", gettext_lazy("All steps")), *Step.choices],
        required=False,
        label=gettext_lazy("Step"),
    )


class ReportFilter(forms.Form):
    year = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=gettext_lazy("Year")
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *((y, y) for y in years)]


class BrokerForm(forms.Form):
    """DOST's choice of the expert who brokers a connection (none: no broker)."""

    broker = forms.ModelChoiceField(
        brokerage.brokers(),
        required=False,
        label=gettext_lazy("Broker or adviser"),
        empty_label=gettext_lazy("— none —"),
        help_text=gettext_lazy("Advisers and mentors of the expert registry."),
    )
