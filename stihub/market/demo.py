"""The technology market's part of `stihub demo`: offers and needs in every state, matches
judged, connections at every step and two fairs, all made through the market's services.

The listings come from `data/demo_listings.csv` (offers as providers write them, needs as Nghệ
An enterprises and farms write them, some typed without marks or with Telex residue). Offers
are DOST's, imported from vetted catalogues; the needs belong to the demo enterprise account
`doanhnghiep`, one of them awaiting moderation, one returned, one a draft. Written once: a
second run finds the first listing and keeps everything.
"""

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from stihub.core.models import User
from stihub.registry.models import FieldOfScience

from . import listings
from .choices import Kind, Status
from .models import Listing

DATA = Path(__file__).with_name("data") / "demo_listings.csv"
ENTERPRISE = "doanhnghiep"
ACCOUNTS = [(ENTERPRISE, "Doanh nghiệp, hợp tác xã (demo)", [])]


def load(*, scale: int, seed: int) -> list[str]:
    return []


def _rows() -> list[dict]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _listings(dost, enterprise) -> dict:
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
            owner=dost if offer else enterprise,
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


def after_accounts() -> list[str]:
    if Listing.objects.exists():
        return ["Technology market demo already loaded."]
    dost = User.objects.get(username="dost")
    enterprise = User.objects.get(username=ENTERPRISE)
    made = _listings(dost, enterprise)
    return [
        f"Technology market: {len(made['offer'])} offers, {len(made['need'])} needs"
        f" ({Listing.objects.filter(status=Status.PUBLISHED).count()} published)."
    ]
