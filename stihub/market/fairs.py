"""Supply–demand events and technology fairs (điểm kết nối cung cầu, chợ công nghệ): the B2B
meeting grid of a fair, building its schedule with the engine (`engines/fair.py`) and the
fair's results.

The database rows become the engine's plain objects (participant ids `P<pk>`, request ids
`R<pk>`, slots from the fair's days and hours, tables: the booths, then the shared tables
T1..Tn); the engine's schedule is checked by the independent verifier (`engines/fair_check`)
before anything is written, and written whole or not at all.
"""

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from stihub.engines import fair as engine
from stihub.engines.fair_check import check
from stihub.engines.fair_io import make_slots
from stihub.engines.problems import DataError

from .choices import Step
from .models import Connection, Fair, Meeting, MeetingRequest, Participant


class Refused(Exception):
    """The schedule cannot be built; the message says why, in the user's language."""

    def __init__(self, message: str, problems=()):
        super().__init__(message)
        self.problems = list(problems)


def _hhmm(value) -> str:
    """A time as hh:mm (a fair not read back from the database may hold its default text)."""
    return value.strftime("%H:%M") if isinstance(value, dt.time) else str(value)[:5]


def days_of(fair: Fair) -> list[dt.date]:
    """The fair's days, first to last."""
    return [
        fair.starts_on + dt.timedelta(days=n)
        for n in range((fair.ends_on - fair.starts_on).days + 1)
    ]


def slots_of(fair: Fair) -> tuple[engine.Slot, ...]:
    """The B2B slots (khung giờ) of the fair: back-to-back meetings of `meeting_minutes` from
    `day_starts` to `day_ends`, each day; ids D1-S01, D1-S02... (day, then slot)."""
    return make_slots(
        days_of(fair), _hhmm(fair.day_starts), _hhmm(fair.day_ends), fair.meeting_minutes
    )


def table_names(count: int) -> list[str]:
    """The names of `count` shared meeting tables (bàn chung): T1..Tn."""
    return [f"T{n}" for n in range(1, count + 1)]


def shared_tables(fair: Fair) -> list[str]:
    """The fair's shared meeting tables, besides the booths."""
    return table_names(fair.tables)


def aware(day: dt.date, at: dt.time) -> dt.datetime:
    """A slot's day and time as a moment in the province's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, at), timezone.get_default_timezone())


def pid(pk: int) -> str:
    return f"P{pk}"


def rid(pk: int) -> str:
    return f"R{pk}"


def inputs(fair: Fair):
    """The engine's event, participants and requests from the fair's rows."""
    slots = slots_of(fair)
    known = {s.id for s in slots}
    people, booths = [], []
    for p in fair.participants.order_by("pk"):
        booth = p.booth.strip() or None
        if booth:
            booths.append(booth)
        # Slots chosen under other hours than the fair's present ones no longer exist: only
        # those still in the grid count (none left: the participant is available in none).
        available = frozenset(map(str, p.available)) & known if p.available else None
        people.append(engine.Participant(pid(p.pk), p.name, booth, available, p.max_meetings))
    requests = [
        engine.Request(rid(r.pk), pid(r.requester_id), pid(r.counterpart_id), r.priority)
        for r in fair.requests.order_by("pk")
    ]
    event = engine.Event(tuple(slots), tuple(booths) + tuple(shared_tables(fair)))
    return event, people, requests


def recorded(fair: Fair) -> bool:
    """Whether attendance or an outcome is recorded for any of the fair's meetings."""
    return fair.meetings.filter(Q(held__isnull=False) | ~Q(outcome="")).exists()


def build_schedule(fair: Fair) -> dict:
    """Build (or build again) the fair's B2B schedule from every request, replacing the old one.

    Refused, keeping the old schedule, once attendance or outcomes are recorded (they would be
    lost), when the inputs are inconsistent, or if the verifier finds a problem in the engine's
    schedule (which should never happen). Returns the engine's summary with `replaced`, the
    number of meetings of the schedule it replaced.
    """
    with transaction.atomic():
        fair = Fair.objects.select_for_update().get(pk=fair.pk)
        if recorded(fair):
            raise Refused(
                _(
                    "Attendance or outcomes are already recorded for this event's meetings: "
                    "the schedule can no longer be built again."
                )
            )
        event, people, requests = inputs(fair)
        try:
            result = engine.schedule(event, people, requests)
        except DataError as error:
            raise Refused(_("The event's data are inconsistent."), error.problems) from error
        problems = check(result, event, people, requests)
        if problems:
            raise Refused(_("The schedule failed its check; the old one is kept."), problems)
        replaced = fair.meetings.count()
        fair.meetings.all().delete()
        for m in result.meetings:
            Meeting.objects.create(
                fair=fair,
                request_id=int(m.requests[0][1:]),
                first_id=int(m.requester[1:]),
                second_id=int(m.counterpart[1:]),
                starts_at=aware(m.slot.day, m.slot.start),
                ends_at=aware(m.slot.day, m.slot.end),
                table=m.table,
            )
        # The reasons are the scheduler's output, not anyone's entry: written by update,
        # without a history row per request.
        reasons: dict[str, list[int]] = {}
        for u in result.unplaced:
            reasons.setdefault(u.reason, []).append(int(u.request[1:]))
        fair.requests.exclude(unplaced="").update(unplaced="")
        for reason, pks in reasons.items():
            MeetingRequest.objects.filter(fair=fair, pk__in=pks).update(unplaced=reason)
        fair.scheduled_at = timezone.now()
        fair.save(update_fields=["scheduled_at", "updated_at"])
    return {**engine.summary(result), "replaced": replaced}


def reason_label(code: str) -> str:
    """A reason code in words, in the active language."""
    label = engine.REASON_LABELS.get(code)
    return _(label) if label else code


def standing(fair: Fair) -> dict:
    """The schedule as stored: meetings placed, requests left out by reason (in words) and
    requests made since it was built."""
    reasons = Counter(fair.requests.exclude(unplaced="").values_list("unplaced", flat=True))
    later = 0
    if fair.scheduled_at:
        later = fair.requests.filter(created_at__gt=fair.scheduled_at).count()
    return {
        "meetings": fair.meetings.count(),
        "requests": fair.requests.count(),
        "unplaced": sum(reasons.values()),
        "by_reason": [
            (reason_label(code), reasons[code]) for code in engine.REASONS if reasons[code]
        ],
        "since": later,
    }


def grid(fair: Fair) -> dict:
    """The schedule as a grid: a row per slot (day, time), a column per table in use or
    shared, each cell the meeting there or None."""
    meetings = list(fair.meetings.select_related("first", "second", "request"))
    booths = sorted({p.booth.strip() for p in fair.participants.all() if p.booth.strip()})
    tables = booths + [t for t in shared_tables(fair) if t not in booths]
    tables += sorted({m.table for m in meetings} - set(tables))  # from older hours or tables
    at = {(m.starts_at, m.table): m for m in meetings}
    starts = sorted(
        {aware(s.day, s.start) for s in slots_of(fair)} | {m.starts_at for m in meetings}
    )
    rows = [{"starts_at": s, "cells": [at.get((s, t)) for t in tables]} for s in starts]
    return {"tables": tables, "rows": rows}


def meetings_of(participant: Participant):
    """A participant's meetings, by time, with both sides."""
    return Meeting.objects.filter(Q(first=participant) | Q(second=participant)).select_related(
        "first", "second"
    )


def results(fair: Fair) -> dict:
    """The fair's results: meetings scheduled and held (or not, or not yet recorded), and the
    agreements reached from connections made at the fair (count and total value)."""
    counts = fair.meetings.aggregate(
        n_scheduled=Count("pk"),
        n_held=Count("pk", filter=Q(held=True)),
        n_not_held=Count("pk", filter=Q(held=False)),
    )
    scheduled, held, not_held = (counts[f"n_{k}"] for k in ("scheduled", "held", "not_held"))
    agreements = Connection.objects.filter(fair=fair, step=Step.AGREEMENT).aggregate(
        count=Count("pk"), value=Sum("agreement_value")
    )
    return {
        "scheduled": scheduled,
        "held": held,
        "not_held": not_held,
        "unrecorded": scheduled - held - not_held,
        "agreements": agreements["count"],
        "agreement_value": agreements["value"],
    }
