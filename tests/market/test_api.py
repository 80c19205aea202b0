"""The technology market's API: published offers and needs that have not expired, the same for
every caller (DOST included); search with or without marks and the marketplace's filters
(400 naming a refused one); one listing by its id; the owner's name null while hidden, and never
a contact."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from stihub.market import listings
from stihub.market.choices import Kind, Status
from stihub.market.models import Listing
from stihub.registry.models import FieldOfScience

FIELDS = {
    "id", "code", "kind", "title", "summary", "description", "advantages", "stage", "ip_status",
    "partnership", "sector", "field", "ipc", "keywords", "region", "price_min", "price_max",
    "expires_on", "published_at", "owner",
}  # fmt: skip


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def make(owner, kind, title, status=Status.PUBLISHED, **extra) -> Listing:
    """A listing through the listing service: saved, submitted, then moderated or moved."""
    values = {
        "summary": "Một công nghệ được mô tả đủ năm từ trở lên.",
        "expires_on": in_days(60),
        "owner_name": "Công ty TNHH Cơ khí Vinh",
        "contact_name": "Hồ Văn Liên Hệ",
        "contact_email": "lienhe@cokhivinh.vn",
        "contact_phone": "0238 3 555 666",
        **extra,
    }
    listing = Listing(kind=kind, title=title, owner=owner, **values)
    listings.save_new(listing, submit=status != Status.DRAFT)
    if status in (Status.PUBLISHED, Status.WITHDRAWN):
        listings.moderate(listing, owner, Status.PUBLISHED)
    if status == Status.WITHDRAWN:
        listings.withdraw(listing, "Đã chuyển giao xong")
    return listing


@pytest.fixture
def market(users):
    owner = users["expert"]
    dryer = make(
        owner, Kind.OFFER, "Máy sấy lạnh nông sản bằng bơm nhiệt",
        stage=7, partnership="transfer; licence", sector="28", keywords="sấy; bơm nhiệt",
        field=FieldOfScience.objects.get(code="2.7"), price_min=Decimal("1200.5"),
        price_max=Decimal("2500"), ip_status="filed",
    )  # fmt: skip
    vaccine = make(
        owner, Kind.OFFER, "Vắc xin phòng bệnh cúm gia cầm", anonymous=True, stage=9,
        partnership="equipment", sector="21", field=FieldOfScience.objects.get(code="4.3"),
    )  # fmt: skip
    need = make(owner, Kind.NEED, "Đàn gà chết nhiều khi trời nồm", anonymous=True)
    expired = make(owner, Kind.OFFER, "Máy sấy cũ hết hạn trên thị trường")
    Listing.objects.filter(pk=expired.pk).update(expires_on=in_days(-1))
    return {
        "dryer": dryer,
        "vaccine": vaccine,
        "need": need,
        "expired": expired,
        "draft": make(owner, Kind.OFFER, "Máy sấy bản nháp chưa gửi", Status.DRAFT),
        "pending": make(owner, Kind.OFFER, "Máy sấy đang chờ kiểm duyệt", Status.PENDING),
        "withdrawn": make(owner, Kind.OFFER, "Máy sấy đã rút khỏi thị trường", Status.WITHDRAWN),
        "pending_need": make(owner, Kind.NEED, "Nhu cầu đang chờ kiểm duyệt", Status.PENDING),
    }


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def test_only_live_listings_are_listed_for_everyone(market, client, client_for):
    offers = {market["dryer"].code, market["vaccine"].code}
    assert codes(client.get("/api/market/offers/")) == offers
    assert codes(client_for("dost").get("/api/market/offers/")) == offers
    assert codes(client_for("expert").get("/api/market/offers/")) == offers  # even the owner
    assert codes(client.get("/api/market/needs/")) == {market["need"].code}


def test_a_listing_off_the_market_is_not_found_by_id(market, client, client_for):
    for name in ("draft", "pending", "expired", "withdrawn"):
        pk = market[name].pk
        assert client.get(f"/api/market/offers/{pk}/").status_code == 404, name
        assert client_for("dost").get(f"/api/market/offers/{pk}/").status_code == 404, name
    # Each endpoint has its kind: a need is not an offer.
    assert client.get(f"/api/market/offers/{market['need'].pk}/").status_code == 404
    assert client.get(f"/api/market/needs/{market['need'].pk}/").status_code == 200
    assert client.get(f"/api/market/offers/{market['dryer'].code}/").status_code == 404


def test_one_offer_has_its_fields_and_no_contact(market, client):
    dryer = market["dryer"]
    response = client.get(f"/api/market/offers/{dryer.pk}/")
    body = response.json()
    assert set(body) == FIELDS
    assert body["code"] == dryer.code and body["kind"] == "offer"
    assert body["partnership"] == ["transfer", "licence"]
    assert body["keywords"] == ["sấy", "bơm nhiệt"]
    assert (body["field"], body["sector"], body["stage"]) == ("2.7", "28", 7)
    assert (body["price_min"], body["price_max"]) == (1200.5, 2500.0)
    assert body["ip_status"] == "filed" and body["owner"] == "Công ty TNHH Cơ khí Vinh"
    assert body["expires_on"] == in_days(60).isoformat()
    text = response.content.decode()
    assert "lienhe@cokhivinh.vn" not in text and "Hồ Văn Liên Hệ" not in text
    assert "0238 3 555 666" not in text


def test_an_anonymous_owner_is_null(market, client, client_for):
    need = client.get("/api/market/needs/").json()["results"][0]
    assert need["owner"] is None
    vaccine = client_for("dost").get(f"/api/market/offers/{market['vaccine'].pk}/").json()
    assert vaccine["owner"] is None  # the same for DOST: the API is the public's
    assert "Công ty TNHH Cơ khí Vinh" not in client.get("/api/market/needs/").content.decode()


def test_search_without_marks_and_filters(market, client):
    dryer, vaccine = market["dryer"].code, market["vaccine"].code
    assert codes(client.get("/api/market/offers/", {"q": "may say"})) == {dryer}
    assert codes(client.get("/api/market/offers/", {"q": "Máy sấy"})) == {dryer}
    assert codes(client.get("/api/market/offers/", {"q": "vac xin cum"})) == {vaccine}
    assert codes(client.get("/api/market/needs/", {"q": "ga chet troi nom"})) == {
        market["need"].code
    }
    assert codes(client.get("/api/market/offers/", {"sector": "21"})) == {vaccine}
    assert codes(client.get("/api/market/offers/", {"field": "2"})) == {dryer}  # 2 takes in 2.7
    assert codes(client.get("/api/market/offers/", {"stage": "8"})) == {vaccine}
    assert codes(client.get("/api/market/offers/", {"partnership": "licence"})) == {dryer}
    # The kind is the endpoint's: a `kind` asked for is not a filter here.
    assert codes(client.get("/api/market/offers/", {"kind": "need"})) == {dryer, vaccine}
    for bad in ({"stage": "abc"}, {"partnership": "rent"}, {"sector": "1\x00"}):
        response = client.get("/api/market/offers/", bad)
        assert response.status_code == 400 and set(response.json()) == set(bad), bad


def test_the_newest_publication_comes_first(market, client):
    Listing.objects.filter(pk=market["dryer"].pk).update(
        published_at=timezone.now() - dt.timedelta(days=3)
    )
    rows = client.get("/api/market/offers/").json()["results"]
    assert [r["code"] for r in rows] == [market["vaccine"].code, market["dryer"].code]
