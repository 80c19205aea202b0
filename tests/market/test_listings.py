"""Offers and needs: submission, moderation, the marketplace, a listing's page with its matches
and their explanations, feedback, renewal and withdrawal."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from stihub.market import listings
from stihub.market.models import Listing, MatchFeedback

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def listing(owner, kind="offer", status="published", **fields):
    defaults = {
        "title": "Công nghệ thử nghiệm cho doanh nghiệp",
        "summary": "Một mô tả đủ dài của công nghệ này.",
        "expires_on": TODAY() + dt.timedelta(days=90),
        "owner_name": "Viện Thử nghiệm",
        "contact_name": "Nguyễn Văn A",
        "contact_email": "a@example.vn",
    }
    defaults.update(fields)
    made = Listing(kind=kind, owner=owner, **defaults)
    listings.save_new(made, submit=False)
    if status != made.status:
        Listing.objects.filter(pk=made.pk).update(status=status)
        made.refresh_from_db()
    return made


NEED_FORM = {
    "title": "Dan ga chet nhieu khi troi nom",
    "summary": "Trang trai ga tha vuon o Yen Thanh, cu troi nom am la ga bi benh, chet nhieu.",
    "sector": "01",
    "region": "Nghe An",
    "expires_on": "",
    "owner_name": "Trang trai ga Yen Thanh",
    "contact_name": "Ho Van B",
    "contact_phone": "0912 345 678",
    "submit": "1",
}


def test_a_need_typed_without_marks_goes_through_moderation_to_the_market(client_as, users):
    owner = client_as("outsider")
    data = dict(NEED_FORM, expires_on=(TODAY() + dt.timedelta(days=60)).isoformat())
    response = owner.post(reverse("market:new", args=["need"]), data)
    need = Listing.objects.get()
    assert response.status_code == 302
    assert (need.kind, need.status, need.code) == ("need", "pending", f"NC-{TODAY().year}-001")
    # Awaiting moderation: the public does not know it exists.
    assert client_as("expert").get(reverse("market:detail", args=[need.pk])).status_code == 404
    dost = client_as("dost")
    dost.post(reverse("market:moderate", args=[need.pk]), {"decision": "published"})
    need.refresh_from_db()
    assert need.status == "published" and need.moderated_by == users["dost"]
    page = client_as("expert").get(reverse("market:market"), {"q": "gà chết"})
    assert [r.pk for r in page.context["page"]] == [need.pk]


def test_moderation_returns_with_a_note_and_an_edit_sends_it_back(client_as, users):
    need = listing(users["outsider"], kind="need", status="pending")
    dost = client_as("dost")
    dost.post(reverse("market:moderate", args=[need.pk]), {"decision": "returned"})
    need.refresh_from_db()
    assert need.status == "pending"  # a return without a note is refused
    dost.post(
        reverse("market:moderate", args=[need.pk]),
        {"decision": "returned", "note": "Ghi rõ quy mô"},
    )
    need.refresh_from_db()
    assert (need.status, need.moderation_note) == ("returned", "Ghi rõ quy mô")
    owner = client_as("outsider")
    form = owner.get(reverse("market:edit", args=[need.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "field"}
    data.update(summary=need.summary + " Quy mô 5.000 con.", expires_on=need.expires_on.isoformat())
    data.update(submit="1", anonymous="")
    data.pop("anonymous")
    response = owner.post(reverse("market:edit", args=[need.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    need.refresh_from_db()
    assert need.status == "pending" and "5.000 con" in need.summary


def test_the_form_says_what_is_wrong_and_writes_nothing(client_as):
    data = dict(NEED_FORM, title="Gà", expires_on=(TODAY() + dt.timedelta(days=800)).isoformat())
    data.update(contact_phone="", price_min="500", price_max="100")
    response = client_as("outsider").post(reverse("market:new", args=["need"]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"title", "expires_on", "contact_email", "price_max"}
    assert "10 ký tự" in errors["title"][0]
    assert Listing.objects.count() == 0


def test_a_need_page_ranks_offers_with_explanations_for_its_owner_only(client_as, users):
    vaccine = listing(
        users["expert"], title="Vắc xin phòng bệnh hô hấp cho gà và chuồng kín kiểm soát ẩm",
        summary="Quy trình tiêm vắc xin, chuồng kín có quạt hút ẩm giảm bệnh hô hấp ở gà.",
        sector="01", region="Nghệ An", stage=8, keywords="vắc xin; gia cầm; chuồng kín",
    )  # fmt: skip
    dryer = listing(
        users["expert"], title="Máy sấy nông sản bằng bơm nhiệt",
        summary="Máy sấy bơm nhiệt cho lạc, ngô và dược liệu, tiết kiệm điện.",
        sector="28", region="Hà Nội", stage=9,
    )  # fmt: skip
    need = listing(
        users["outsider"], kind="need", title="Dan ga chet nhieu khi troi nom",
        summary="Trang trai ga o Yen Thanh, troi nom am ga bi benh va chet nhieu.",
        sector="01", region="Nghe An",
    )  # fmt: skip
    page = client_as("outsider").get(reverse("market:detail", args=[need.pk]))
    matches = page.context["matches"]
    assert matches[0].listing == vaccine
    assert dryer not in [m.listing for m in matches[:1]]
    why = matches[0].why
    assert why["sector"] and why["region"] and why["stage"] == 8
    assert any("→" in v for v in why["via"]) or why["terms"]
    text = html.unescape(page.content.decode())
    assert vaccine.title in text and "Vì sao phù hợp" in text
    # Another signed-in user sees the need but not its matches.
    other = client_as("scientist").get(reverse("market:detail", args=[need.pk]))
    assert other.context.get("matches") is None


def test_feedback_is_kept_with_the_rank_and_changed_not_repeated(client_as, users):
    offer = listing(users["expert"], title="Vắc xin cúm gia cầm cho gà", sector="01",
                    summary="Vắc xin phòng cúm và bệnh hô hấp cho gà, vịt.")  # fmt: skip
    need = listing(users["outsider"], kind="need", title="Ga bi benh ho hap chet nhieu",
                   summary="Gà bị bệnh hô hấp, chết nhiều, cần vắc xin.", sector="01")  # fmt: skip
    owner = client_as("outsider")
    url = reverse("market:feedback", args=[need.pk])
    owner.post(url, {"offer": offer.pk, "useful": "1"})
    owner.post(url, {"offer": offer.pk, "useful": "0"})
    kept = MatchFeedback.objects.get()
    assert (kept.useful, kept.rank, kept.by) == (False, 1, users["outsider"])
    assert client_as("scientist").post(url, {"offer": offer.pk, "useful": "1"}).status_code == 403
    client_as("dost").post(url, {"offer": offer.pk, "useful": "1"})
    assert MatchFeedback.objects.filter(useful=True).count() == 1


def test_an_anonymous_owner_is_hidden_from_the_public(client_as, users, client):
    offer = listing(users["expert"], anonymous=True, owner_name="Công ty Bí Mật")
    page = client.get(reverse("market:detail", args=[offer.pk]))
    text = html.unescape(page.content.decode())
    assert "Công ty Bí Mật" not in text and "a@example.vn" not in text
    assert (
        "Công ty Bí Mật"
        in client_as("expert").get(reverse("market:detail", args=[offer.pk])).content.decode()
    )


def test_renewal_is_at_most_a_year_and_withdrawal_needs_a_reason(client_as, users):
    offer = listing(users["expert"])
    owner = client_as("expert")
    too_far = listings.add_months(TODAY(), 12) + dt.timedelta(days=1)
    owner.post(reverse("market:renew", args=[offer.pk]), {"until": too_far.isoformat()})
    offer.refresh_from_db()
    assert offer.expires_on == TODAY() + dt.timedelta(days=90)
    owner.post(
        reverse("market:renew", args=[offer.pk]),
        {"until": (TODAY() + dt.timedelta(days=200)).isoformat()},
    )
    offer.refresh_from_db()
    assert offer.expires_on == TODAY() + dt.timedelta(days=200)
    assert (
        client_as("scientist")
        .post(reverse("market:withdraw", args=[offer.pk]), {"reason": "x"})
        .status_code
        == 403
    )
    owner.post(reverse("market:withdraw", args=[offer.pk]), {"reason": ""})
    offer.refresh_from_db()
    assert offer.status == "published"
    owner.post(reverse("market:withdraw", args=[offer.pk]), {"reason": "Đã chuyển giao"})
    offer.refresh_from_db()
    assert (offer.status, offer.withdrawn_reason) == ("withdrawn", "Đã chuyển giao")


def test_an_expired_listing_leaves_the_market(client_as, users, client):
    offer = listing(users["expert"], expires_on=TODAY() - dt.timedelta(days=1))
    assert client.get(reverse("market:detail", args=[offer.pk])).status_code == 404
    assert client.get(reverse("market:market")).context["page"].paginator.count == 0
    assert client_as("expert").get(reverse("market:detail", args=[offer.pk])).status_code == 200


def test_add_months_keeps_the_day_or_the_last_of_the_month():
    assert listings.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert listings.add_months(dt.date(2026, 12, 5), 12) == dt.date(2027, 12, 5)
    assert listings.add_months(dt.date(2028, 2, 29), 12) == dt.date(2029, 2, 28)


def test_an_offer_page_lists_the_needs_it_serves_and_sees_new_ones(client_as, users):
    offer = listing(users["expert"], title="Hầm biogas xử lý chất thải chăn nuôi lợn",
                    summary="Hầm biogas composite xử lý phân, nước thải trại lợn, khí đun nấu.",
                    sector="01")  # fmt: skip
    listing(users["expert"], title="Máy sấy nông sản bằng bơm nhiệt",
            summary="Máy sấy lạc, ngô, dược liệu tiết kiệm điện.", sector="28")  # fmt: skip
    smell = listing(users["outsider"], kind="need", title="Nuoc thai trai lon chay ra suoi",
                    summary="Trai lon 800 con, nuoc thai chay ra suoi, can xu ly re tien.",
                    sector="01")  # fmt: skip
    owner = client_as("expert")
    page = owner.get(reverse("market:detail", args=[offer.pk]))
    assert [m.listing for m in page.context["matches"]] == [smell]
    # a need published afterwards is found at once (the ranking of the needs is kept per
    # version of the live offers and needs)
    later = listing(users["scientist"], kind="need", title="Chuong lon hoi, nuoc thai nhieu",
                    summary="Trại lợn nhiều nước thải và phân, muốn làm hầm biogas.",
                    sector="01")  # fmt: skip
    page = owner.get(reverse("market:detail", args=[offer.pk]))
    assert {m.listing for m in page.context["matches"]} == {smell, later}
    # the owner's own need is never offered to them
    listing(users["expert"], kind="need", title="Xu ly nuoc thai trai lon cua vien",
            summary="Nước thải trại lợn thí nghiệm, cần hầm biogas.", sector="01")  # fmt: skip
    page = owner.get(reverse("market:detail", args=[offer.pk]))
    assert {m.listing for m in page.context["matches"]} == {smell, later}


def test_a_code_taken_at_the_same_moment_is_followed_by_the_next(users, monkeypatch):
    """Two submissions at once read the same highest code: the second saves under the next."""
    first = listing(users["expert"], kind="need")
    real = listings.next_code
    calls = []

    def stale(kind, year=None):  # the first read happened before `first` was saved
        calls.append(kind)
        return first.code if len(calls) == 1 else real(kind, year)

    monkeypatch.setattr(listings, "next_code", stale)
    second = listing(users["outsider"], kind="need")
    year = TODAY().year
    assert (first.code, second.code) == (f"NC-{year}-001", f"NC-{year}-002")
    assert len(calls) == 2


def test_an_offer_names_its_enterprise_of_the_registry_by_tax_code(client_as):
    from stihub.registry.models import Enterprise

    enterprise = Enterprise.objects.create(tax_code="2901234567", name="Công ty CP Sấy Việt")
    data = dict(NEED_FORM, title="Máy sấy nông sản bơm nhiệt", expires_on="")
    data.update(expires_on=(TODAY() + dt.timedelta(days=60)).isoformat(), enterprise="2901234567")
    data["summary"] = "Máy sấy bơm nhiệt cho lạc, ngô và dược liệu, giữ màu, tiết kiệm điện."
    owner = client_as("expert")
    assert owner.post(reverse("market:new", args=["offer"]), data).status_code == 302
    assert Listing.objects.get().enterprise == enterprise
    data["enterprise"] = "0000000001"
    response = owner.post(reverse("market:new", args=["offer"]), data)
    assert response.status_code == 400
    assert "0000000001" in response.context["form"].errors["enterprise"][0]
