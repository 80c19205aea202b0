"""Issue 12's acceptance in a real browser: an enterprise posts a technology need typed without
marks, DOST publishes it, the enterprise sees the offers that would solve it ranked with their
explanations and expresses interest in the best; DOST records the offer owner's consent and
follows the connection through a meeting and a negotiation to an agreement, which the report
of connections and transactions then counts. Each person in a browser of their own.

Each step leaves a screenshot in `var/artifacts/market/` (STIHUB_ARTIFACTS overrides the
folder). Skipped without Debian's chromium (see test_browser.py).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from stihub.market import listings
from stihub.market.models import Connection, Listing

from .browser import send
from .browser import shot as browser_shot
from .browser import sign_in as browser_sign_in
from .conftest import authenticator
from .test_browser import pytestmark  # noqa: F401 - the same skip and marker

OFFERS = [
    (
        "Vắc xin phòng bệnh hô hấp và chuồng kín kiểm soát ẩm cho gà",
        "Vắc xin Newcastle, IB phòng bệnh hô hấp cho gà; chuồng kín có quạt hút ẩm, giảm gà "
        "chết khi trời nồm ẩm.",
        "01",
        8,
        "vắc xin; gia cầm; chuồng kín",
    ),
    (
        "Máy sấy nông sản bằng bơm nhiệt",
        "Máy sấy bơm nhiệt cho lạc, ngô và dược liệu, tiết kiệm điện, giữ màu sản phẩm.",
        "28",
        9,
        "máy sấy; bơm nhiệt",
    ),
    (
        "Phần mềm quản lý kho hàng cho doanh nghiệp nhỏ",
        "Phần mềm quản lý nhập xuất kho, hóa đơn điện tử cho hộ kinh doanh.",
        "62",
        9,
        "phần mềm; kho",
    ),
]


def shot(page, name: str) -> None:
    browser_shot(page, "market", name)


def sign_in(browser, url, username, device=None):
    return browser_sign_in(browser, url, username, device, landing="/market/")


def step(page, url, connection, name, **data) -> Connection:
    """DOST records the connection's next step `name` on its page."""
    page.goto(f"{url}/market/connections/{connection.pk}/")
    for key, value in data.items():
        field = page.locator(f"#{name}-{key}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    send(page, f"form[data-step={name}] button[type=submit]")
    connection.refresh_from_db()
    assert connection.step == name, page.locator(".errors, .msg").all_inner_texts()
    return connection


@pytest.fixture
def offers(transactional_db, users):
    """Three offers on the market of a provider (the scientist's institute)."""
    made = []
    for title, summary, sector, stage, keywords in OFFERS:
        offer = Listing(
            kind="offer", title=title, summary=summary, sector=sector, stage=stage,
            keywords=keywords, region="Nghệ An", owner=users["scientist"],
            owner_name="Viện Chăn nuôi Bắc Trung Bộ", contact_name="TS. Lê Văn Chăn",
            contact_email="chan@vien.example.vn", partnership="transfer",
            expires_on=timezone.localdate() + dt.timedelta(days=180),
        )  # fmt: skip
        listings.save_new(offer, submit=True)
        made.append(listings.moderate(offer, users["dost"], "published"))
    return made


def test_a_need_without_marks_is_matched_and_brokered_to_an_agreement(
    browser, live_server, users, offers
):
    url = live_server.url
    vaccine = offers[0]
    users["outsider"].first_name = "Trang trại gà Yên Thành"
    users["outsider"].save()

    # The enterprise posts its need as it types it: no marks.
    farm = sign_in(browser, url, "outsider")
    farm.click("text=Đăng nhu cầu công nghệ")
    farm.fill("#id_title", "Dan ga chet nhieu khi troi nom")
    farm.fill(
        "#id_summary",
        "Trai ga de 5000 con o Yen Thanh, cu troi nom am la ga bi benh ho hap, chet nhieu.",
    )
    farm.fill("#id_contact_phone", "0912 345 678")
    shot(farm, "01-need-typed")
    send(farm, "button[name=submit]")
    need = Listing.objects.get(kind="need")
    assert need.status == "pending"
    assert "Đã gửi Sở KH&CN kiểm duyệt" in farm.inner_text(".msg")

    # DOST publishes it from the moderation queue.
    dost = sign_in(browser, url, "dost", authenticator(users["dost"]))
    dost.goto(f"{url}/market/moderation/")
    card = dost.locator(f"section[data-id='{need.pk}']")
    card.locator("select").select_option("published")
    shot(dost, "02-moderation")
    send(dost, f"section[data-id='{need.pk}'] button[type=submit]")
    need.refresh_from_db()
    assert need.status == "published"

    # The enterprise sees the offers that would solve it, best first, and why.
    farm.goto(f"{url}/market/{need.pk}/")
    first = farm.locator("li.match").first
    assert first.get_attribute("data-id") == str(vaccine.pk)
    reasons = first.locator("ul.why li").all_inner_texts()
    assert "cùng tỉnh hoặc cùng vùng" in reasons and "TRL 8" in reasons
    assert any("vắc xin" in r.lower() or "→" in r for r in reasons), reasons
    # the anonymous-free offer shows its owner, but no contact before it is released
    assert "chan@vien.example.vn" not in farm.content()
    shot(farm, "03-matches")
    send(farm, "li.match >> nth=0 >> text=Bày tỏ quan tâm")
    farm.fill("#id_message", "Trang trại muốn được tư vấn và mua vắc xin cho 5.000 con gà.")
    send(farm, "form.stacked button[type=submit]")
    connection = Connection.objects.get()
    assert (connection.listing, connection.source, connection.step) == (vaccine, need, "interest")
    assert farm.inner_text("#step") == "Đã bày tỏ quan tâm"
    assert "chan@vien.example.vn" not in farm.inner_text("#contacts")

    # DOST records the owner's consent, the meeting, the negotiation and the agreement.
    today = timezone.localdate()
    step(dost, url, connection, "contact", note="Viện đồng ý qua điện thoại ngày hôm nay.")
    step(dost, url, connection, "meeting", note="Gặp tại trang trại, khảo sát chuồng.")
    step(dost, url, connection, "negotiation")
    step(
        dost, url, connection, "agreement", agreement_kind="transfer",
        agreement_value="1.250,5", note="Hợp đồng chuyển giao quy trình và vắc xin.",
    )  # fmt: skip
    shot(dost, "04-agreement")
    assert connection.agreement_value == Decimal("1250.5")
    assert connection.agreement_kind == "transfer"
    events = list(connection.events.values_list("step", "on", "by__username"))
    assert [e[0] for e in events] == ["interest", "contact", "meeting", "negotiation", "agreement"]
    assert all(on == today for _s, on, _b in events)
    assert [b for _s, _o, b in events] == ["outsider"] + ["dost"] * 4

    # The enterprise now sees the provider's contacts.
    farm.goto(f"{url}/market/connections/{connection.pk}/")
    assert "chan@vien.example.vn" in farm.inner_text("#contacts")

    # DOST's report counts the connection and the value of the transaction.
    dost.goto(f"{url}/market/report/")
    shot(dost, "05-report")
    text = dost.inner_text("main")
    assert "1.250,5" in text
