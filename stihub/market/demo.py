"""The technology market's part of `stihub demo`: offers and needs in every state, matches
judged, connections at every step and two fairs, all made through the market's services.

The listings come from `data/demo_listings.csv` (offers as providers write them, needs as Nghệ
An enterprises and farms write them, some typed without marks or with Telex residue). The
first offers belong to the demo scientists' accounts (`expert`, `applicant`, `council1`), the
rest to DOST (imported from vetted catalogues); the needs belong to the demo enterprise account
`doanhnghiep`, one of them awaiting moderation, one returned, one a draft. The enterprise
expresses interest in the best match of six needs, and the connections are followed to every
step (two agreements, one of them begun at last quarter's fair, one closed); that fair
had its B2B schedule built and its meetings recorded; the next connection event is open for
registration. Dates are moved into the past afterwards, as the people would have lived them.
Written once: a second run finds the first listing and keeps everything.
"""

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from stihub.core.models import User
from stihub.registry.models import FieldOfScience

from . import brokerage, fairs, listings, matching
from .choices import FairKind, Kind, ParticipantRole, Partnership, Status, Step
from .models import Connection, ConnectionEvent, Fair, Listing, MeetingRequest, Participant

DATA = Path(__file__).with_name("data") / "demo_listings.csv"
ENTERPRISE = "doanhnghiep"
ACCOUNTS = [(ENTERPRISE, "Doanh nghiệp, hợp tác xã (demo)", [])]
PROVIDERS = ["expert", "applicant", "council1"]  # the demo scientists' accounts


def load(*, scale: int, seed: int) -> list[str]:
    return []


def _rows() -> list[dict]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _listings(dost, enterprise, providers) -> dict:
    """Every listing of the data file, through the listing services; the needs' states vary."""
    fields = {f.code: f for f in FieldOfScience.objects.all()}
    today = timezone.localdate()
    made = {"offer": [], "need": []}
    for n, row in enumerate(_rows()):
        offer = row["kind"] == Kind.OFFER
        listing = Listing(
            kind=row["kind"],
            title=row["title"],
            summary=row["summary"],
            field=fields.get(row["field"]),
            sector=row["sector"],
            region=row["region"],
            stage=int(row["stage"]) if row["stage"] else None,
            keywords=row["keywords"],
            partnership=row["partnership"],
            owner=(providers[n % 3] if n < 12 else dost) if offer else enterprise,
            owner_name=row["owner_name"],
            price_min=Decimal(row["price_min"]) if row["price_min"] else None,
            price_max=Decimal(row["price_max"]) if row["price_max"] else None,
            expires_on=listings.add_months(today, 6 + n % 6),
            anonymous=not offer and n % 4 == 0,
            contact_name="Bộ phận kết nối công nghệ" if offer else "Chủ cơ sở",
            contact_email="ketnoi@example.vn",
            contact_phone="0238 3844 000",
        )
        listings.save_new(listing, submit=True)
        made[row["kind"]].append(listing)
    for listing in made["offer"]:
        listings.moderate(listing, dost, Status.PUBLISHED)
    needs = made["need"]
    for listing in needs[:-3]:
        listings.moderate(listing, dost, Status.PUBLISHED)
    listings.moderate(needs[-2], dost, Status.RETURNED, "Xin ghi rõ quy mô và ngân sách dự kiến.")
    Listing.objects.filter(pk=needs[-1].pk).update(status=Status.DRAFT, submitted_at=None)
    # one offer past its expiry (DOST sees it among the expired; the public no longer does)
    Listing.objects.filter(pk=made["offer"][-1].pk).update(expires_on=today - dt.timedelta(days=3))
    return made


# (steps after the interest, agreement kind and value, days ago the connection began)
PIPELINES = [
    ([Step.CONTACT, Step.MEETING, Step.NEGOTIATION, Step.AGREEMENT], Partnership.TRANSFER, 850, 75),
    ([Step.CONTACT, Step.MEETING, Step.AGREEMENT], Partnership.EQUIPMENT, 1200, 420),
    ([Step.CONTACT, Step.MEETING, Step.NEGOTIATION], "", None, 40),
    ([Step.CONTACT], "", None, 20),
    ([], "", None, 6),
    ([Step.CLOSED], "", None, 30),
]


def _connections(dost, enterprise, needs) -> int:
    """The enterprise's interest in the best offer of six needs, followed by DOST."""
    made = 0
    for need, (steps, kind, value, days) in zip(needs, PIPELINES, strict=False):
        best = matching.offers_for(need, enterprise, top=3)
        if not best:
            continue
        offer = best[0].listing
        matching.record_feedback(need, offer, enterprise, True)
        if len(best) == 3:  # the enterprise found the third one beside the point
            matching.record_feedback(need, best[2].listing, enterprise, False)
        connection = brokerage.express_interest(
            offer,
            enterprise,
            need.owner_name,
            f"Chúng tôi quan tâm để giải quyết: {need.title}.",
            source=need,
        )
        adviser = brokerage.brokers().first()
        if steps[-1:] == [Step.AGREEMENT] and adviser is not None:  # DOST named an adviser
            brokerage.assign_broker(connection, dost, adviser)
        for step in steps:
            brokerage.advance(
                connection, dost, step, timezone.localdate(),
                note="Chủ công nghệ đồng ý qua điện thoại." if step == Step.CONTACT else "",
                agreement_kind=kind, agreement_value=Decimal(value) if value else None,
                closed_reason="Chi phí vượt khả năng của cơ sở ở thời điểm này.",
            )  # fmt: skip
        _move_back(connection, days)
        made += 1
    return made


def _move_back(connection: Connection, days: int) -> None:
    """Spread the connection's steps over the `days` before today, in order."""
    events = list(connection.events.order_by("pk"))
    gap = days // max(len(events), 1)
    today = timezone.localdate()
    for n, event in enumerate(events):
        ConnectionEvent.objects.filter(pk=event.pk).update(
            on=today - dt.timedelta(days=days - n * gap)
        )
    last = today - dt.timedelta(days=days - (len(events) - 1) * gap)
    Connection.objects.filter(pk=connection.pk).update(step_on=last)


def _fair(title, code, kind, start, closes, people, asks) -> Fair:
    """A published event with its participants (user, name, role, their live listings shown)
    and B2B requests (requester, counterpart, priority)."""
    fair = Fair.objects.create(
        code=code, kind=kind, title=title, venue="Trung tâm Hội nghị tỉnh Nghệ An, TP. Vinh",
        description="Kết nối cung cầu công nghệ giữa viện, trường và doanh nghiệp, hợp tác xã.",
        starts_on=start, ends_on=start + dt.timedelta(days=1), registration_closes_on=closes,
        tables=4, published=True,
    )  # fmt: skip
    by_user = {}
    for user, name, role in people:
        participant = Participant.objects.create(fair=fair, user=user, name=name, role=role)
        participant.listings.set(listings.live().filter(owner=user)[:3])
        by_user[user.username] = participant
    for requester, counterpart, priority in asks:
        MeetingRequest.objects.create(
            fair=fair, requester=by_user[requester], counterpart=by_user[counterpart],
            priority=priority, message="Xin được gặp để trao đổi về công nghệ.",
        )  # fmt: skip
    return fair


def _fairs(users) -> list[Fair]:
    today = timezone.localdate()
    people = [
        (users["expert"], "Viện KHKT Nông nghiệp Bắc Trung Bộ", ParticipantRole.EXHIBITOR),
        (users["applicant"], "Trường Đại học Vinh", ParticipantRole.EXHIBITOR),
        (users["council1"], "Trung tâm Ứng dụng tiến bộ KH&CN Nghệ An", ParticipantRole.EXHIBITOR),
        (users[ENTERPRISE], "Hợp tác xã Nông nghiệp Diễn Châu", ParticipantRole.VISITOR),
        (users["reporter"], "Sở Công Thương Nghệ An", ParticipantRole.VISITOR),
        (users["council2"], "Công ty CP Chế biến gỗ Nghệ An", ParticipantRole.VISITOR),
    ]  # fmt: skip
    asks = [
        (ENTERPRISE, "expert", 3), (ENTERPRISE, "applicant", 2), (ENTERPRISE, "council1", 1),
        ("reporter", "expert", 1), ("council2", "applicant", 2), ("expert", ENTERPRISE, 2),
        ("reporter", "applicant", 1), ("council2", "council1", 1),
    ]  # fmt: skip
    past = _fair(
        "Chợ công nghệ và thiết bị Bắc Trung Bộ 2026", "techmart-btb-2026", FairKind.FAIR,
        today - dt.timedelta(days=90), today - dt.timedelta(days=100), people, asks,
    )  # fmt: skip
    fairs.build_schedule(past)
    for n, meeting in enumerate(past.meetings.order_by("starts_at", "table")):
        meeting.held = n != 2  # one counterpart did not come
        meeting.outcome = "Hai bên hẹn khảo sát thực tế." if meeting.held else ""
        meeting.save()
    upcoming = _fair(
        "Điểm kết nối cung cầu công nghệ Nghệ An 2027", "ketnoi-nghean-2027",
        FairKind.CONNECTION, today + dt.timedelta(days=30), today + dt.timedelta(days=20),
        people[:4], asks[:3],
    )  # fmt: skip
    return [past, upcoming]


def after_accounts() -> list[str]:
    if Listing.objects.exists():
        return ["Technology market demo already loaded."]
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[*PROVIDERS, ENTERPRISE, "dost", "reporter", "council2"]
        )
    }
    if len(users) < 7:
        return ["Technology market demo skipped: the demo accounts are missing."]
    dost, enterprise = users["dost"], users[ENTERPRISE]
    made = _listings(dost, enterprise, [users[p] for p in PROVIDERS])
    live_needs = [n for n in made["need"] if n.live]
    connections = _connections(dost, enterprise, live_needs)
    past, _upcoming = _fairs(users)
    # the transfer agreed this quarter began with a meeting at the fair
    Connection.objects.filter(step=Step.AGREEMENT, agreement_kind=Partnership.TRANSFER).update(
        fair=past
    )
    return [
        f"Technology market: {len(made['offer'])} offers, {len(made['need'])} needs"
        f" ({Listing.objects.filter(status=Status.PUBLISHED).count()} published),"
        f" {connections} connections, 2 events ({past.meetings.count()} B2B meetings scheduled"
        " at the past one)."
    ]
