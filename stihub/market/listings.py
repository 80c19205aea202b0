"""A listing's life: submission, DOST's moderation, renewal, withdrawal; who is shown as its
owner; its code. Every change is checked here and kept in the listing's history.

States: draft → pending (submitted) → published / returned (for changes, with a note) /
rejected (with a reason); returned → pending again; a published listing is on the market
until `expires_on`, renewed by its owner for up to `MAX_MONTHS` at a time without a new
moderation; an edit of a published listing sends it back to moderation. The owner withdraws a
listing at any time, with a reason; withdrawn and rejected are final.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core.rules import is_dost

from .choices import CODE_PREFIX, Status, Step
from .models import Connection, ConnectionEvent, Listing

CODE_ATTEMPTS = 5  # codes taken by listings saved at the same moment, tried in turn
MAX_MONTHS = 12  # a listing is published, or renewed, for at most a year at a time
ANONYMOUS = gettext_lazy("Hidden until contacts are released (through DOST)")


class Refused(Exception):
    """A move the listing's state does not allow; the message says why, in the user's language."""


def default_expiry(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return add_months(today, MAX_MONTHS)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def live(kind: str | None = None):
    """The listings on the market: published and not expired."""
    rows = Listing.objects.filter(status=Status.PUBLISHED, expires_on__gte=timezone.localdate())
    return rows.filter(kind=kind) if kind else rows


def next_code(kind: str, year: int | None = None) -> str:
    """CB-2026-001 for the first offer of 2026, NC-2026-001 for the first need."""
    year = year or timezone.localdate().year
    prefix = f"{CODE_PREFIX[kind]}-{year}-"
    codes = Listing.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(n) for n in (c.rsplit("-", 1)[1] for c in codes) if n.isdigit()]
    number = max(numbers, default=0)
    return f"{prefix}{number + 1:03d}"


def save_new(listing: Listing, submit: bool) -> Listing:
    """Save a new listing with its code, as a draft or submitted for moderation."""
    if submit:
        listing.status = Status.PENDING
        listing.submitted_at = timezone.now()
    for attempt in range(CODE_ATTEMPTS):
        listing.code = next_code(listing.kind)
        try:
            with transaction.atomic():
                listing.save()
            return listing
        except IntegrityError:  # another listing took the code meanwhile: the next one
            listing.pk = None
            if (
                attempt == CODE_ATTEMPTS - 1
                or not Listing.objects.filter(code=listing.code).exists()
            ):
                raise
    raise AssertionError("unreachable")


def save_edit(listing: Listing, submit: bool) -> Listing:
    """Save the owner's edit: a published or pending listing goes (back) to moderation; a
    draft or returned one stays a draft unless submitted."""
    if listing.status not in (Status.DRAFT, Status.RETURNED, Status.PENDING, Status.PUBLISHED):
        raise Refused(_("A withdrawn or rejected listing cannot be changed."))
    if submit or listing.status in (Status.PUBLISHED, Status.PENDING):
        listing.status = Status.PENDING
        listing.submitted_at = timezone.now()
    listing.save()
    return listing


def moderate(listing: Listing, by, decision: str, note: str = "") -> Listing:
    """DOST's decision on a pending listing: publish, return for changes or reject (the last
    two with a note the owner reads)."""
    if listing.status != Status.PENDING:
        raise Refused(_("Only a listing awaiting moderation can be moderated."))
    if decision not in (Status.PUBLISHED, Status.RETURNED, Status.REJECTED):
        raise Refused(_("Unknown decision."))
    note = note.strip()
    if decision != Status.PUBLISHED and not note:
        raise Refused(_("Say what the owner should change, or why the listing is rejected."))
    today = timezone.localdate()
    if decision == Status.PUBLISHED:
        if listing.expires_on <= today:
            listing.expires_on = default_expiry(today)
        listing.published_at = listing.published_at or timezone.now()
    listing.status = decision
    listing.moderated_by = by
    listing.moderation_note = note
    listing.save()
    return listing


def renew(listing: Listing, until: dt.date | None = None) -> Listing:
    """Keep a published listing on the market until `until` (at most a year from today)."""
    if listing.status != Status.PUBLISHED:
        raise Refused(_("Only a published listing can be renewed."))
    today = timezone.localdate()
    latest = add_months(today, MAX_MONTHS)
    until = until or latest
    if until <= today:
        raise Refused(_("The new expiry date must be after today."))
    if until > latest:
        raise Refused(
            _("A listing is renewed for at most a year: until %(date)s.")
            % {"date": latest.strftime("%d/%m/%Y")}
        )
    listing.expires_on = until
    listing.save(update_fields=["expires_on", "updated_at"])
    return listing


def withdraw(listing: Listing, reason: str) -> Listing:
    """The owner takes the listing off the market, for good, with a reason."""
    if listing.status in (Status.WITHDRAWN, Status.REJECTED):
        raise Refused(_("This listing is already off the market."))
    reason = reason.strip()
    if not reason:
        raise Refused(_("Give a reason for withdrawing the listing."))
    listing.status = Status.WITHDRAWN
    listing.withdrawn_reason = reason
    listing.save(update_fields=["status", "withdrawn_reason", "updated_at"])
    return listing


def contacts_released_to(user, listing: Listing) -> bool:
    """Whether `user` may see who owns `listing` and how to reach them: its owner, DOST, and
    whoever the owner released their contacts to (a connection that went through that step)."""
    if not user.is_authenticated:
        return False
    if listing.owner_id == user.pk or is_dost(user):
        return True
    released = ConnectionEvent.objects.filter(
        connection__listing=listing, connection__requester=user, step=Step.CONTACT
    )
    # Whoever expressed interest from their own listing showed themselves to its owner.
    shown = Connection.objects.filter(source=listing, listing__owner=user)
    return released.exists() or shown.exists()


def owner_label(listing: Listing, user) -> str:
    """The owner's name as `user` may see it: hidden for an anonymous listing until the owner
    released their contacts to the user."""
    if listing.anonymous and not contacts_released_to(user, listing):
        return str(ANONYMOUS)
    return listing.owner_name
