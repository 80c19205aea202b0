"""The brokerage pipeline (môi giới, kết nối cung cầu): an expression of interest in a listing,
the contacts released with the owner's consent, meetings, negotiation, and an agreement (kind,
value) or closing with a reason. Every step is dated (`on`, when it happened) and attributed
(`by`, who recorded it), so DOST can report the connections and the value of the technology
transactions per year (`report`).

Who may move a connection is asked of the rules (`market.follow_connection`, and
`market.release_contacts` for the contacts); what the move needs is checked here. A refusal is
`listings.Refused` with a message in the user's language, and nothing is written.
"""

from collections import Counter
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from stihub.core.rules import is_dost
from stihub.engines.text import fold
from stihub.registry.choices import ExpertRole
from stihub.registry.models import Expert

from .choices import NEXT_STEPS, OPEN_STEPS, Partnership, Step
from .listings import Refused, live
from .models import Connection, ConnectionEvent, Listing

MAX_VALUE = Decimal("9999999999999.9")  # what the column holds (14 digits, one decimal)
# The province whose own technology supply the resolution asks to raise (section III.4): a
# listing's region as the model presumes it.
PROVINCE = Listing._meta.get_field("region").default


class AlreadyConnected(Refused):
    """The user already follows an open connection on this listing: continue that one."""

    def __init__(self, connection: Connection):
        super().__init__(
            _("You already expressed interest in this listing: continue that connection.")
        )
        self.connection = connection


def open_connection(listing: Listing, user) -> Connection | None:
    """The user's open connection on `listing`, if any (there is at most one)."""
    if not user.is_authenticated:
        return None
    return Connection.objects.filter(listing=listing, requester=user, step__in=OPEN_STEPS).first()


def sources_for(user, listing: Listing):
    """The user's own listings an interest in `listing` may come from: live, of the other kind
    (an offer for a need, a need for an offer)."""
    return live().filter(owner=user).exclude(kind=listing.kind).order_by("kind", "code")


def express_interest(
    listing: Listing, user, requester_name: str, message: str, source=None, fair=None
) -> Connection:
    """A new connection at step INTEREST, with its first event (today, by `user`)."""
    if listing.owner_id == user.pk:
        raise Refused(_("You cannot express interest in your own listing."))
    if not listing.live:
        raise Refused(_("This listing is not on the market."))
    if source is not None and not sources_for(user, listing).filter(pk=source.pk).exists():
        raise Refused(
            _(
                "The listing your interest comes from must be your own, on the market, and of "
                "the other kind (an offer for a need, a need for an offer)."
            )
        )
    requester_name, message = requester_name.strip(), message.strip()
    if not requester_name:
        raise Refused(_("Say who is interested: your organization, enterprise or name."))
    if not message:
        raise Refused(_("Write a message to the owner: what interests you and why."))
    existing = open_connection(listing, user)
    if existing is not None:
        raise AlreadyConnected(existing)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            connection = Connection.objects.create(
                listing=listing,
                source=source,
                requester=user,
                requester_name=requester_name,
                message=message,
                fair=fair,
                step=Step.INTEREST,
                step_on=today,
            )
            ConnectionEvent.objects.create(
                connection=connection, step=Step.INTEREST, on=today, by=user
            )
    except IntegrityError:  # the same interest sent twice at once: one connection is kept
        existing = open_connection(listing, user)
        if existing is None:
            raise
        raise AlreadyConnected(existing) from None
    return connection


def allowed_steps(connection: Connection, user) -> list[str]:
    """The steps `user` may move `connection` to now: the contacts only by the listing's owner
    (or DOST recording the owner's consent), the other steps by either party or DOST."""
    if not user.has_perm("market.follow_connection", connection):
        return []
    may_release = user.has_perm("market.release_contacts", connection)
    return [
        step for step in NEXT_STEPS[Step(connection.step)] if step != Step.CONTACT or may_release
    ]


def brokers():
    """The experts of the registry who may broker a connection: advisers and mentors."""
    roles = Q(roles__contains=ExpertRole.ADVISER) | Q(roles__contains=ExpertRole.MENTOR)
    return Expert.objects.filter(roles, erased_at__isnull=True).order_by("sort_key", "pk")


def assign_broker(connection: Connection, by, expert) -> Connection:
    """DOST names the expert who brokers the connection (or none), while it is open."""
    if not is_dost(by):
        raise Refused(_("Only DOST names a connection's broker."))
    if connection.step not in OPEN_STEPS:
        raise Refused(_("This connection has ended: it moves no further."))
    if expert is not None and not brokers().filter(pk=expert.pk).exists():
        raise Refused(_("Choose an adviser or mentor of the expert registry."))
    connection.broker = expert
    connection.save(update_fields=["broker", "updated_at"])
    return connection


def _amount(value) -> Decimal:
    if value is None or value == "":
        raise Refused(_("Give the value of the agreement in million VND (0 for a free transfer)."))
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise Refused(_("The value of the agreement must be a number.")) from None
    if not 0 <= amount <= MAX_VALUE:
        raise Refused(_("The value of the agreement is an amount of 0 or more, in million VND."))
    return amount


def _check_move(connection: Connection, by, step: str, on, note: str) -> None:
    if connection.step not in OPEN_STEPS:
        raise Refused(_("This connection has ended: it moves no further."))
    if step not in NEXT_STEPS[Step(connection.step)]:
        raise Refused(
            _("A connection at “%(from)s” cannot move to “%(to)s”.")
            % {"from": Step(connection.step).label, "to": _step_label(step)}
        )
    if not by.has_perm("market.follow_connection", connection):
        raise Refused(_("Only the two parties and DOST follow a connection."))
    if step == Step.CONTACT:
        if not by.has_perm("market.release_contacts", connection):
            raise Refused(
                _(
                    "Only the listing's owner releases their contacts (or DOST, recording the "
                    "owner's consent)."
                )
            )
        if connection.listing.owner_id != by.pk and not note:
            raise Refused(_("Say how the owner consented to releasing their contacts."))
    if on is None:
        raise Refused(_("Give the date the step happened."))
    if on > timezone.localdate():
        raise Refused(_("The date cannot be in the future."))
    if on < connection.step_on:
        raise Refused(
            _("The date cannot be before the previous step (%(date)s).")
            % {"date": connection.step_on.strftime("%d/%m/%Y")}
        )


def _step_label(step: str) -> str:
    return str(dict(Step.choices).get(step, step))


def advance(
    connection: Connection,
    by,
    step: str,
    on,
    note: str = "",
    agreement_kind: str = "",
    agreement_value=None,
    closed_reason: str = "",
) -> ConnectionEvent:
    """Move `connection` to `step`, which happened `on`, recorded by `by`: the event and the
    connection's new step (with the agreement's kind and value, or the reason for closing) are
    written together, or nothing is."""
    note, closed_reason = (note or "").strip(), (closed_reason or "").strip()
    data = {}
    if step == Step.AGREEMENT:
        if agreement_kind not in Partnership.values:
            raise Refused(_("Choose the kind of agreement."))
        data = {"agreement_kind": agreement_kind, "agreement_value": _amount(agreement_value)}
    elif step == Step.CLOSED:
        if not closed_reason:
            raise Refused(_("Give the reason for closing the connection."))
        data = {"closed_reason": closed_reason}
    with transaction.atomic():
        # The step as it is now, not as the page that sent the move saw it.
        rows = Connection.objects.select_for_update(of=("self",)).select_related("listing")
        current = rows.get(pk=connection.pk)
        _check_move(current, by, step, on, note)
        for key, value in {"step": step, "step_on": on, **data}.items():
            setattr(current, key, value)
        current.save(update_fields=["step", "step_on", *data, "updated_at"])
        event = ConnectionEvent.objects.create(
            connection=current, step=step, on=on, by=by, note=note or closed_reason
        )
    for key in ("step", "step_on", *data, "updated_at"):
        setattr(connection, key, getattr(current, key))
    return event


def visible_to(user):
    """The connections `user` follows: DOST all of them, anyone else those they started or
    that are about their own listings."""
    rows = Connection.objects.select_related("listing", "source", "requester")
    if is_dost(user):
        return rows
    return rows.filter(Q(requester=user) | Q(listing__owner=user))


# --- DOST's report ---------------------------------------------------------------------------


def in_province(listing: Listing | None) -> bool | None:
    """Whether an offer comes from the province (None: no offer listed on the market)."""
    if listing is None:
        return None
    region = fold(listing.region).removeprefix("tinh ")
    return region == fold(PROVINCE)


def _year_row(year) -> dict:
    return {
        "year": year,
        "interests": 0,
        "contacts": 0,
        "meetings": 0,
        "negotiations": 0,
        "agreements": 0,
        "closed": 0,
        "value": Decimal(0),
        "kinds": {},
        "origin": {
            "province": {"count": 0, "value": Decimal(0)},
            "elsewhere": {"count": 0, "value": Decimal(0)},
            "unlisted": {"count": 0, "value": Decimal(0)},
        },
    }


COUNTED = {
    Step.INTEREST: "interests",
    Step.CONTACT: "contacts",
    Step.MEETING: "meetings",
    Step.NEGOTIATION: "negotiations",
    Step.AGREEMENT: "agreements",
    Step.CLOSED: "closed",
}


def _share(part, whole) -> float | None:
    return None if not whole else float(part) * 100 / float(whole)


def _finish(row: dict) -> dict:
    """The agreements by kind (in the order of the kinds) and the shares of the province."""
    labels = dict(Partnership.choices)
    row["by_kind"] = [
        {"kind": kind, "label": str(labels[kind]), **row["kinds"][kind]}
        for kind in Partnership.values
        if kind in row["kinds"]
    ]
    province = row["origin"]["province"]
    row["province_share"] = _share(province["count"], row["agreements"])
    row["province_value_share"] = _share(province["value"], row["value"])
    return row


def report(year: int | None = None) -> dict:
    """DOST's figures: for each year (the year each step happened), the interests expressed,
    contacts released, meetings held, negotiations begun, agreements reached with their total
    value (million VND), by kind and by where the offer comes from (the province, elsewhere, or
    not listed: a need's agreement with someone who listed no offer), and the connections
    closed; the whole period's totals; and the connections still open, by step.

    The share of the province is the part of the agreements (and of their value) whose offer
    comes from the province: the in-province technology supply the resolution asks to raise."""
    events = ConnectionEvent.objects.all()
    if year is not None:
        events = events.filter(on__year=year)
    rows: dict[int, dict] = {}
    counts = (
        events.annotate(year=ExtractYear("on"))
        .order_by()
        .values_list("year", "step")
        .annotate(n=Count("pk"))
    )
    for y, step, n in counts:
        rows.setdefault(y, _year_row(y))[COUNTED[step]] += n
    agreements = events.filter(step=Step.AGREEMENT).select_related(
        "connection__listing", "connection__source"
    )
    deals = []
    for event in agreements.order_by("on", "pk"):
        connection = event.connection
        value = connection.agreement_value or Decimal(0)
        row = rows[event.on.year]
        row["value"] += value
        kind = row["kinds"].setdefault(connection.agreement_kind, {"count": 0, "value": Decimal(0)})
        kind["count"] += 1
        kind["value"] += value
        offer = connection.offer
        where = {True: "province", False: "elsewhere", None: "unlisted"}[in_province(offer)]
        row["origin"][where]["count"] += 1
        row["origin"][where]["value"] += value
        deals.append({"event": event, "connection": connection, "offer": offer, "where": where})
    years = [_finish(rows[y]) for y in sorted(rows)]
    total = _year_row(None)
    for row in years:
        for key in COUNTED.values():
            total[key] += row[key]
        total["value"] += row["value"]
        for kind, figures in row["kinds"].items():
            into = total["kinds"].setdefault(kind, {"count": 0, "value": Decimal(0)})
            into["count"] += figures["count"]
            into["value"] += figures["value"]
        for where, figures in row["origin"].items():
            total["origin"][where]["count"] += figures["count"]
            total["origin"][where]["value"] += figures["value"]
    still_open = Counter(
        dict(
            Connection.objects.filter(step__in=OPEN_STEPS)
            .order_by()
            .values_list("step")
            .annotate(n=Count("pk"))
        )
    )
    return {
        "year": year,
        "years": years,
        "total": _finish(total),
        "deals": deals,
        "open": [
            {"step": step, "label": str(step.label), "count": still_open.get(step.value, 0)}
            for step in Step
            if step in OPEN_STEPS
        ],
        "open_total": sum(still_open.values()),
    }


def report_years() -> list[int]:
    """The years in which a step of a connection happened, newest first."""
    rows = ConnectionEvent.objects.annotate(year=ExtractYear("on")).order_by()
    return sorted(set(rows.values_list("year", flat=True)), reverse=True)
