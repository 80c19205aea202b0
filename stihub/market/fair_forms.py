"""The forms of the fairs' pages: an event, its booths, a registration, a B2B meeting request
and the record of a meeting."""

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import fairs as service
from .choices import ParticipantRole
from .forms import DATE
from .listings import live
from .models import Fair, Meeting, MeetingRequest, Participant

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAX_DAYS = 31  # an event's days, so that its grid of slots stays readable
MAX_TABLES = 200
MAX_MEETINGS = 100
PRIORITIES = [
    (1, gettext_lazy("Normal")),
    (2, gettext_lazy("Important")),
    (3, gettext_lazy("Very important")),
]

ONE_OF_THEIRS = gettext_lazy("Choose one of that participant's offers or needs on show.")


# --- forms -------------------------------------------------------------------------------------


class FairForm(forms.ModelForm):
    """An event or fair: what, where, when, its registration and its B2B meeting grid."""

    class Meta:
        model = Fair
        fields = [
            "code",
            "kind",
            "title",
            "description",
            "venue",
            "starts_on",
            "ends_on",
            "registration_closes_on",
            "day_starts",
            "day_ends",
            "meeting_minutes",
            "tables",
            "published",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_on": DATE,
            "ends_on": DATE,
            "registration_closes_on": DATE,
            "day_starts": TIME,
            "day_ends": TIME,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting_minutes"].widget.attrs["min"] = 5  # the model's least
        self.fields["tables"].widget.attrs["max"] = MAX_TABLES

    def clean_tables(self):
        tables = self.cleaned_data["tables"]
        if tables > MAX_TABLES:
            raise forms.ValidationError(_("At most %(n)s shared tables.") % {"n": MAX_TABLES})
        return tables

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        closes = data.get("registration_closes_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        elif starts and ends and (ends - starts).days >= MAX_DAYS:
            self.add_error("ends_on", _("An event lasts at most %(n)s days.") % {"n": MAX_DAYS})
        if closes and ends and closes > ends:
            self.add_error(
                "registration_closes_on",
                _("Registration must close by the last day at the latest."),
            )
        opens, until = data.get("day_starts"), data.get("day_ends")
        minutes = data.get("meeting_minutes")
        if opens and until and until <= opens:
            self.add_error("day_ends", _("The B2B meetings must end after they start."))
        elif opens and until and minutes:
            day = dt.date(2000, 1, 1)
            room = dt.datetime.combine(day, until) - dt.datetime.combine(day, opens)
            if room < dt.timedelta(minutes=minutes):
                self.add_error(
                    "meeting_minutes",
                    _("Not even one meeting fits between the start and the end of the meetings."),
                )
        return data


class BoothsForm(forms.Form):
    """Each participant's booth (gian hàng): unique within the fair, not a shared table's name."""

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        for p in self.participants:
            self.fields[f"booth_{p.pk}"] = forms.CharField(
                label=p.name, max_length=20, required=False, initial=p.booth
            )

    def rows(self):
        return [(p, self[f"booth_{p.pk}"]) for p in self.participants]

    def clean(self):
        data = super().clean()
        seen = {}
        for p in self.participants:
            booth = (data.get(f"booth_{p.pk}") or "").strip()
            if booth and booth.casefold() in seen:
                self.add_error(
                    f"booth_{p.pk}",
                    _("The booth %(booth)s is already given to %(name)s.")
                    % {"booth": booth, "name": seen[booth.casefold()]},
                )
            seen.setdefault(booth.casefold(), p.name)
        return data

    def fits(self, tables: int) -> bool:
        """No booth bears the name of one of the `tables` shared tables (T1, T2...)."""
        shared = {t.casefold() for t in service.table_names(tables)}
        for p in self.participants:
            booth = self.cleaned_data.get(f"booth_{p.pk}", "").strip()
            if booth.casefold() in shared:
                self.add_error(
                    f"booth_{p.pk}",
                    _("%(booth)s is the name of a shared table: give the booth another name.")
                    % {"booth": booth},
                )
        return self.is_valid()

    def save(self) -> int:
        changed = 0
        for p in self.participants:
            booth = self.cleaned_data[f"booth_{p.pk}"].strip()
            if booth != p.booth:
                p.booth = booth
                p.save(update_fields=["booth", "updated_at"])
                changed += 1
        return changed


def slot_label(slot) -> str:
    return f"{slot.day:%d/%m} {slot.start:%H:%M}–{slot.end:%H:%M}"


class RegisterForm(forms.ModelForm):
    """A registration: exhibitor or visitor, the name shown, one's own live offers and needs
    to show, at most how many meetings and when one can meet."""

    role = forms.ChoiceField(
        label=gettext_lazy("Taking part as"),
        choices=ParticipantRole.choices,
        widget=forms.RadioSelect,
    )
    max_meetings = forms.IntegerField(
        label=gettext_lazy("At most meetings"),
        required=False,
        min_value=1,
        max_value=MAX_MEETINGS,
        help_text=gettext_lazy("Empty: no limit."),
    )
    available = forms.MultipleChoiceField(
        label=gettext_lazy("When you can meet"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every slot."),
    )

    class Meta:
        model = Participant
        fields = ["role", "name", "listings", "max_meetings"]
        widgets = {"listings": forms.CheckboxSelectMultiple}
        help_texts = {
            "listings": gettext_lazy(
                "Your own offers and needs on the market, shown under your name on the event's "
                "page."
            )
        }

    def __init__(self, *args, user, slots, **kwargs):
        super().__init__(*args, **kwargs)
        listings = self.fields["listings"]
        listings.queryset = live().filter(owner=user).order_by("kind", "title", "pk")
        listings.label_from_instance = lambda obj: f"{obj.code} {obj.title}"
        self.slot_ids = [s.id for s in slots]
        self.fields["available"].choices = [(s.id, slot_label(s)) for s in slots]
        if self.instance.pk:
            self.initial["available"] = list(self.instance.available)

    def clean_available(self):
        chosen = set(self.cleaned_data["available"])
        if chosen >= set(self.slot_ids):
            return []  # every slot: stored as "no restriction"
        return [s for s in self.slot_ids if s in chosen]

    def save(self, commit=True):
        self.instance.available = self.cleaned_data["available"]
        return super().save(commit)


class MeetingRequestForm(forms.Form):
    """A B2B meeting request: whom, optionally about one of their offers or needs on show, a
    message and a priority."""

    counterpart = forms.ModelChoiceField(
        queryset=Participant.objects.none(),
        label=gettext_lazy("Meet"),
        error_messages={"invalid_choice": gettext_lazy("Choose a participant of this event.")},
    )
    listing = forms.TypedChoiceField(
        label=gettext_lazy("About"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": ONE_OF_THEIRS},
    )
    message = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"), choices=PRIORITIES, coerce=int, initial=1
    )

    def __init__(self, *args, fair, me, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.me = me
        self.shown = {p.pk: {x.pk for x in p.on_show} for p in participants}
        field = self.fields["counterpart"]
        field.queryset = fair.participants.all()
        field.label_from_instance = lambda p: f"{p.name} ({p.get_role_display()})"
        # Oneself is not offered; asked for anyway, the answer says why (clean_counterpart).
        field.widget.choices = [("", "—")] + [
            (p.pk, f"{p.name} ({p.get_role_display()})") for p in participants if p.pk != me.pk
        ]
        self.fields["listing"].choices = [("", "—")] + [
            (x.pk, f"{p.name} · {x.code} {x.title}")
            for p in participants
            if p.pk != me.pk
            for x in p.on_show
        ]

    def clean_counterpart(self):
        counterpart = self.cleaned_data["counterpart"]
        if counterpart.pk == self.me.pk:
            raise forms.ValidationError(_("You cannot ask to meet yourself."))
        if MeetingRequest.objects.filter(requester=self.me, counterpart=counterpart).exists():
            raise forms.ValidationError(
                _("You have already asked to meet %(name)s.") % {"name": counterpart.name}
            )
        return counterpart

    def clean(self):
        data = super().clean()
        counterpart, listing = data.get("counterpart"), data.get("listing")
        if counterpart and listing and listing not in self.shown.get(counterpart.pk, ()):
            self.add_error("listing", ONE_OF_THEIRS)
        return data


class MeetingForm(forms.ModelForm):
    """After the fair: whether a meeting was held, and what came of it."""

    class Meta:
        model = Meeting
        fields = ["held", "outcome"]
        widgets = {"outcome": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the fields sit in a table row, outside their form
            field.widget.attrs["form"] = f"record-{self.instance.pk}"


# --- helpers -----------------------------------------------------------------------------------
