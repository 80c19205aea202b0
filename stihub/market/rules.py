"""Who may do what in the technology market; the role predicates are in `core/rules.py`.

The public reads the marketplace: published offers and needs that have not expired, an
anonymous owner's name hidden. Anyone signed in submits listings (for an enterprise, an
organization or themselves) and expresses interest in someone else's; the owner edits,
renews and withdraws their own and sees its matches. DOST moderates, sees everything and
follows every connection. A connection is seen by its two parties and DOST; the contacts
are released by the listing's owner (or by DOST recording the owner's consent).
"""

import rules
from django.utils import timezone

from stihub.core.rules import anyone, is_admin, is_dost

from .choices import OPEN_STEPS, Status

EDITABLE = frozenset({Status.DRAFT, Status.RETURNED, Status.PENDING, Status.PUBLISHED})


@rules.predicate
def owns(user, listing) -> bool:
    return listing is not None and user.is_authenticated and listing.owner_id == user.pk


@rules.predicate
def live(user, listing) -> bool:
    return listing is not None and listing.live


@rules.predicate
def editable(user, listing) -> bool:
    return listing is not None and listing.status in EDITABLE


@rules.predicate
def requested_it(user, connection) -> bool:
    return connection is not None and user.is_authenticated and connection.requester_id == user.pk


@rules.predicate
def owns_its_listing(user, connection) -> bool:
    return connection is not None and owns(user, connection.listing)


@rules.predicate
def connection_open(user, connection) -> bool:
    return connection is not None and connection.step in OPEN_STEPS


@rules.predicate
def fair_published(user, fair) -> bool:
    return fair is not None and fair.published


@rules.predicate
def registration_open(user, fair) -> bool:
    return fair is not None and timezone.localdate() <= fair.registration_closes_on


@rules.predicate
def takes_part(user, fair) -> bool:
    return (
        fair is not None and user.is_authenticated and fair.participants.filter(user=user).exists()
    )


rules.add_perm("market.view_market", anyone)
rules.add_perm("market.see_listing", is_dost | live | owns)
rules.add_perm("market.submit", rules.is_authenticated)
rules.add_perm("market.view_own", rules.is_authenticated)
rules.add_perm("market.edit_listing", owns & editable)
rules.add_perm("market.moderate", is_dost)
# A listing's matches (and the feedback on them): its owner and DOST.
rules.add_perm("market.see_matches", is_dost | owns)
rules.add_perm("market.express_interest", rules.is_authenticated & live & ~owns)
rules.add_perm("market.see_connection", is_dost | requested_it | owns_its_listing)
rules.add_perm(
    "market.follow_connection", connection_open & (is_dost | requested_it | owns_its_listing)
)
rules.add_perm("market.release_contacts", connection_open & (is_dost | owns_its_listing))
rules.add_perm("market.report", is_dost)
rules.add_perm("market.assign_broker", is_dost)
rules.add_perm("market.import_export", is_dost)
rules.add_perm("market.see_fair", is_dost | fair_published)
rules.add_perm("market.manage_fairs", is_dost)
rules.add_perm("market.register", rules.is_authenticated & fair_published & registration_open)
rules.add_perm("market.request_meeting", takes_part & registration_open)
# The admin's permissions for the market's models (the admin site is for administrators only).
for _model in (
    "listing",
    "matchfeedback",
    "fair",
    "participant",
    "meetingrequest",
    "meeting",
    "connection",
    "connectionevent",
):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"market.{_action}_{_model}", is_admin)
