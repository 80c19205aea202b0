"""The brokerage pipeline: an expression of interest, the contacts released with the owner's
consent, meetings, negotiation, an agreement (kind, value) or closing with a reason, each step
dated and attributed; who sees a connection and its contacts; the refusals; and DOST's report,
whose figures are worked out by hand below."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from openpyxl import load_workbook

from stihub.market import brokerage
from stihub.market.choices import Step
from stihub.market.listings import Refused
from stihub.market.models import Connection, ConnectionEvent, Listing

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
OWNER_EMAIL = "chu.so.huu@example.vn"


@pytest.fixture(autouse=True)
def vietnamese():
    """The product's language, whatever a test before this one left active."""
    with translation.override("vi"):
        yield


def said(template, **params):
    """A message in Vietnamese, as the service says it."""
    with translation.override("vi"):
        text = translation.gettext(template)
        return text % params if params else text


def vi(template, **params):
    """A message as a page shows it (in Vietnamese, escaped)."""
    return escape(said(template, **params))


def refusal(call, *args, **kwargs) -> str:
    """The message `call` is refused with."""
    with pytest.raises(Refused) as refused:
        call(*args, **kwargs)
    return str(refused.value)


def make_listing(owner, kind="offer", region="Nghệ An", **fields):
    number = Listing.objects.count() + 1
    prefix = "CB" if kind == "offer" else "NC"
    values = {
        "code": f"{prefix}-2026-{number:03d}",
        "kind": kind,
        "status": "published",
        "title": f"Công nghệ số {number}" if kind == "offer" else f"Nhu cầu số {number}",
        "summary": "Tóm tắt đủ dài của bản ghi.",
        "expires_on": TODAY() + dt.timedelta(days=90),
        "owner": owner,
        "owner_name": f"Đơn vị số {number}",
        "contact_name": "Nguyễn Văn Chủ",
        "contact_email": OWNER_EMAIL,
        "contact_phone": "0912 345 678",
        "region": region,
        "published_at": timezone.now(),
    }
    values.update(fields)
    return Listing.objects.create(**values)


@pytest.fixture
def market(users):
    """The outsider offers a technology (anonymously); the expert needs one and is interested."""
    expert = users["expert"]
    expert.first_name, expert.last_name, expert.email = "Hoa", "Lê Thị", "hoa@example.vn"
    expert.save()
    offer = make_listing(users["outsider"], "offer", anonymous=True, owner_name="Viện Giống X")
    need = make_listing(expert, "need", owner_name="Trang trại gà Yên Thành")
    return offer, need


def step_data(step, on=None, **extra):
    return {"step": step, "on": (on or TODAY()).isoformat(), **extra}


def page_of(connection):
    return reverse("market:connection", args=[connection.pk])


def step_url(connection):
    return reverse("market:connection_step", args=[connection.pk])


# --- the whole pipeline ---------------------------------------------------------------------


def test_the_pipeline_from_interest_to_an_agreement(client_for, users, market):
    offer, need = market
    client = client_for("expert")
    url = reverse("market:interest", args=[offer.pk])
    form = client.get(f"{url}?from={need.pk}")
    assert form.status_code == 200
    body = form.content.decode()
    assert f'<option value="{need.pk}" selected>' in body  # the need it comes from
    assert 'value="Hoa Lê Thị"' in body  # the user's full name
    assert "Viện Giống X" not in body  # the anonymous owner stays hidden
    response = client.post(
        url,
        {
            "source": need.pk,
            "requester_name": "Trang trại gà Yên Thành",
            "message": "Chúng tôi cần vắc xin cho đàn gà.",
        },
    )
    connection = Connection.objects.get()
    assert response.status_code == 302 and response.url == page_of(connection)
    assert (connection.step, connection.step_on) == (Step.INTEREST, TODAY())
    assert (connection.listing, connection.source, connection.requester) == (
        offer,
        need,
        users["expert"],
    )
    first = ConnectionEvent.objects.get()
    assert (first.step, first.on, first.by) == (Step.INTEREST, TODAY(), users["expert"])

    # Before the owner's consent: neither the owner's name nor their contacts for the requester.
    body = client.get(page_of(connection)).content.decode()
    assert OWNER_EMAIL not in body and "Viện Giống X" not in body
    assert 'data-step="contact"' not in body  # no release form for the requester
    # The owner sees who is interested and how to reach them, and the consent button.
    owner = client_for("outsider")
    body = owner.get(page_of(connection)).content.decode()
    assert "Trang trại gà Yên Thành" in body and "hoa@example.vn" in body
    assert vi("Release my contacts to them") in body
    response = owner.post(step_url(connection), step_data("contact"))
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.step == Step.CONTACT

    # Released: the requester now sees the owner and their contacts.
    client = client_for("expert")
    body = client.get(page_of(connection)).content.decode()
    assert OWNER_EMAIL in body and "0912 345 678" in body and "Viện Giống X" in body
    client.post(step_url(connection), step_data("meeting", note="Gặp tại Sở KH&CN"))
    client_for("outsider").post(step_url(connection), step_data("negotiation"))
    client = client_for("expert")
    response = client.post(
        step_url(connection),
        step_data("agreement", agreement_kind="transfer", agreement_value="1.200,5"),
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.step == Step.AGREEMENT
    assert (connection.agreement_kind, connection.agreement_value) == (
        "transfer",
        Decimal("1200.5"),
    )
    timeline = list(connection.events.values_list("step", "by__username", "note"))
    assert timeline == [
        ("interest", "expert", ""),
        ("contact", "outsider", ""),
        ("meeting", "expert", "Gặp tại Sở KH&CN"),
        ("negotiation", "outsider", ""),
        ("agreement", "expert", ""),
    ]
    body = client.get(page_of(connection)).content.decode()
    assert "1.200,5" in body  # the value in the Vietnamese format
    assert 'action="' + step_url(connection) not in body  # an agreement is final: no form
    # A final step moves no further.
    response = client.post(step_url(connection), step_data("closed", closed_reason="Thử"))
    assert response.status_code == 400
    assert vi("This connection has ended: it moves no further.") in response.content.decode()
    assert connection.events.count() == 5


def test_dost_records_the_owners_consent_only_with_a_note(users, market):
    offer, _need = market
    connection = brokerage.express_interest(offer, users["expert"], "Trang trại", "Quan tâm")
    assert refusal(brokerage.advance, connection, users["dost"], Step.CONTACT, TODAY()) == said(
        "Say how the owner consented to releasing their contacts."
    )
    event = brokerage.advance(
        connection, users["dost"], Step.CONTACT, TODAY(), note="Chủ sở hữu đồng ý qua điện thoại"
    )
    assert (event.by, event.step, connection.step) == (users["dost"], Step.CONTACT, Step.CONTACT)
    # The owner releases without saying how they consented: releasing is the consent.
    second = make_listing(users["outsider"], "offer")
    other = brokerage.express_interest(second, users["expert"], "Trang trại", "Quan tâm")
    brokerage.advance(other, users["outsider"], Step.CONTACT, TODAY())
    assert other.step == Step.CONTACT


# --- refusals -------------------------------------------------------------------------------


def test_no_interest_in_ones_own_listing(client_for, users, market):
    offer, _need = market
    message = refusal(brokerage.express_interest, offer, users["outsider"], "Viện", "Tự quan tâm")
    assert message == said("You cannot express interest in your own listing.")
    response = client_for("outsider").get(reverse("market:interest", args=[offer.pk]))
    assert response.status_code == 403
    assert not Connection.objects.exists()


def test_no_interest_in_a_listing_off_the_market(users):
    expired = make_listing(users["outsider"], expires_on=TODAY() - dt.timedelta(days=1))
    message = refusal(brokerage.express_interest, expired, users["expert"], "Trang trại", "Có")
    assert message == said("This listing is not on the market.")


def test_a_second_open_interest_continues_the_first(client_for, users, market):
    offer, _need = market
    first = brokerage.express_interest(offer, users["expert"], "Trang trại", "Quan tâm")
    with pytest.raises(brokerage.AlreadyConnected) as refused:
        brokerage.express_interest(offer, users["expert"], "Trang trại", "Lần nữa")
    assert refused.value.connection == first
    client = client_for("expert")
    data = {"requester_name": "Trang trại", "message": "Lần nữa"}
    response = client.post(reverse("market:interest", args=[offer.pk]), data)
    assert response.status_code == 302 and response.url == page_of(first)
    assert Connection.objects.count() == 1
    # Once that one is closed, a new interest may begin.
    brokerage.advance(first, users["expert"], Step.CLOSED, TODAY(), closed_reason="Đổi ý")
    again = brokerage.express_interest(offer, users["expert"], "Trang trại", "Quan tâm lại")
    assert again.pk != first.pk and Connection.objects.count() == 2


def test_the_source_must_be_the_users_own_live_listing_of_the_other_kind(users, market):
    offer, need = market
    own_offer = make_listing(users["expert"], "offer")
    someone_elses = make_listing(users["reporter"], "need")
    for source in (own_offer, someone_elses):
        message = refusal(
            brokerage.express_interest, offer, users["expert"], "T", "Quan tâm", source=source
        )
        assert message == said(
            "The listing your interest comes from must be your own, on the market, and of the "
            "other kind (an offer for a need, a need for an offer)."
        )
    assert brokerage.express_interest(offer, users["expert"], "T", "Quan tâm", source=need)


def test_the_requester_cannot_release_the_owners_contacts(client_for, users, market):
    offer, _need = market
    connection = brokerage.express_interest(offer, users["expert"], "Trang trại", "Quan tâm")
    only_the_owner = (
        "Only the listing's owner releases their contacts (or DOST, recording the owner's consent)."
    )
    message = refusal(brokerage.advance, connection, users["expert"], Step.CONTACT, TODAY())
    assert message == said(only_the_owner)
    response = client_for("expert").post(step_url(connection), step_data("contact"))
    assert response.status_code == 400
    assert vi(only_the_owner) in response.content.decode()
    connection.refresh_from_db()
    assert connection.step == Step.INTEREST and connection.events.count() == 1


def test_dates_neither_in_the_future_nor_before_the_previous_step(client_for, users, market):
    offer, _need = market
    connection = brokerage.express_interest(offer, users["expert"], "Trang trại", "Quan tâm")
    tomorrow, yesterday = TODAY() + dt.timedelta(days=1), TODAY() - dt.timedelta(days=1)
    message = refusal(brokerage.advance, connection, users["outsider"], Step.CONTACT, tomorrow)
    assert message == said("The date cannot be in the future.")
    response = client_for("outsider").post(step_url(connection), step_data("contact", yesterday))
    assert response.status_code == 400
    expected = vi(
        "The date cannot be before the previous step (%(date)s).",
        date=TODAY().strftime("%d/%m/%Y"),
    )
    assert expected in response.content.decode()
    assert connection.events.count() == 1


def test_a_move_the_step_does_not_allow_is_refused(users, market):
    offer, _need = market
    connection = brokerage.express_interest(offer, users["expert"], "Trang trại", "Quan tâm")
    message = refusal(brokerage.advance, connection, users["expert"], Step.MEETING, TODAY())
    assert message == said(
        "A connection at “%(from)s” cannot move to “%(to)s”.",
        **{"from": said("Interest expressed"), "to": said("Meeting held")},
    )


def test_an_agreement_needs_its_kind_and_value_and_closing_a_reason(client_for, users, market):
    offer, _need = market
    connection = brokerage.express_interest(offer, users["expert"], "Trang trại", "Quan tâm")
    brokerage.advance(connection, users["outsider"], Step.CONTACT, TODAY())
    brokerage.advance(connection, users["expert"], Step.MEETING, TODAY())
    expert, agreement, closed = users["expert"], Step.AGREEMENT, Step.CLOSED
    move = brokerage.advance
    assert refusal(move, connection, expert, agreement, TODAY(), agreement_kind="licence") == said(
        "Give the value of the agreement in million VND (0 for a free transfer)."
    )
    assert refusal(move, connection, expert, agreement, TODAY(), agreement_value=5) == said(
        "Choose the kind of agreement."
    )
    negative = refusal(
        move, connection, expert, agreement, TODAY(), agreement_kind="licence", agreement_value=-1
    )
    assert negative == said("The value of the agreement is an amount of 0 or more, in million VND.")
    assert refusal(move, connection, expert, closed, TODAY(), closed_reason="  ") == said(
        "Give the reason for closing the connection."
    )
    # Through the page: an agreement without a value is refused and nothing is written.
    client = client_for("expert")
    response = client.post(step_url(connection), step_data("agreement", agreement_kind="licence"))
    assert response.status_code == 400
    connection.refresh_from_db()
    assert (connection.step, connection.events.count()) == (Step.MEETING, 3)
    # A free transfer is an agreement of value 0.
    brokerage.advance(
        connection, users["expert"], Step.AGREEMENT, TODAY(), agreement_kind="transfer",
        agreement_value=0,
    )  # fmt: skip
    assert connection.agreement_value == Decimal("0.0")


def test_closing_keeps_the_reason_in_the_timeline(users, market):
    offer, _need = market
    connection = brokerage.express_interest(offer, users["expert"], "Trang trại", "Quan tâm")
    brokerage.advance(connection, users["outsider"], Step.CLOSED, TODAY(), closed_reason="Hết hàng")
    connection.refresh_from_db()
    assert (connection.step, connection.closed_reason) == (Step.CLOSED, "Hết hàng")
    assert connection.events.last().note == "Hết hàng"


# --- who sees a connection ------------------------------------------------------------------


def test_only_the_parties_and_dost_see_a_connection(client_for, users, market):
    offer, _need = market
    connection = brokerage.express_interest(offer, users["expert"], "Trang trại", "Quan tâm")
    for name in ("expert", "outsider", "dost"):
        assert client_for(name).get(page_of(connection)).status_code == 200, name
    third = client_for("reporter")
    assert third.get(page_of(connection)).status_code == 404
    assert (
        third.post(step_url(connection), step_data("closed", closed_reason="x")).status_code == 404
    )
    assert client_for("expert").get(step_url(connection)).status_code == 405
    connection.refresh_from_db()
    assert connection.step == Step.INTEREST


def test_an_anonymous_owner_who_declines_stays_hidden(client_for, users, market):
    offer, _need = market
    users["outsider"].first_name, users["outsider"].last_name = "Bình", "Trần"
    users["outsider"].save()
    connection = brokerage.express_interest(offer, users["expert"], "Trang trại", "Quan tâm")
    brokerage.advance(connection, users["outsider"], Step.CLOSED, TODAY(), closed_reason="Đã bán")
    body = client_for("expert").get(page_of(connection)).content.decode()
    assert "Đã bán" in body  # the reason is given
    assert "Bình" not in body and "outsider" not in body and "Viện Giống X" not in body
    assert OWNER_EMAIL not in body
    # DOST sees who recorded each step (get_full_name: first name, then last name).
    assert "Bình Trần" in client_for("dost").get(page_of(connection)).content.decode()


def test_the_list_of_connections(client_for, users, market):
    offer, need = market
    mine = brokerage.express_interest(offer, users["expert"], "Trang trại", "Quan tâm")
    theirs = brokerage.express_interest(need, users["reporter"], "Công ty R", "Chúng tôi có")
    brokerage.advance(theirs, users["expert"], Step.CONTACT, TODAY())
    url = reverse("market:connections")

    def listed(name, query=""):
        body = client_for(name).get(url + query).content.decode()
        return {c.pk for c in (mine, theirs) if f'data-connection="{c.pk}"' in body}

    assert listed("expert") == {mine.pk, theirs.pk}  # started one, received the other
    assert listed("outsider") == {mine.pk}
    assert listed("reporter") == {theirs.pk}
    assert listed("reporter_b") == set()
    assert listed("dost") == {mine.pk, theirs.pk}
    assert listed("dost", "?step=contact") == {theirs.pk}


# --- DOST's report --------------------------------------------------------------------------


def history(listing, requester, steps, source=None, **final):
    """A connection with its events, as (step, date) pairs, ending at the last one."""
    last_step, last_on = steps[-1]
    connection = Connection.objects.create(
        listing=listing, source=source, requester=requester, requester_name=requester.username,
        message="Quan tâm", step=last_step, step_on=last_on, **final,
    )  # fmt: skip
    for step, on in steps:
        ConnectionEvent.objects.create(connection=connection, step=step, on=on, by=requester)
    return connection


@pytest.fixture
def deals(users):
    """Two agreements (150 in 2024 on an offer of the province; 1.200,5 in 2025 on an offer
    from Hà Nội), one connection closed, two still open."""
    d = dt.date
    offer_a = make_listing(users["outsider"], "offer", region="Nghệ An")
    offer_b = make_listing(users["reporter"], "offer", region="Hà Nội")
    need_n = make_listing(users["expert"], "need")
    need_m = make_listing(users["scientist"], "need")
    steps = [("interest", d(2024, 3, 1)), ("contact", d(2024, 3, 5)), ("meeting", d(2024, 4, 10))]
    steps += [("negotiation", d(2024, 5, 1)), ("agreement", d(2024, 6, 15))]
    history(offer_a, users["expert"], steps, source=need_n, agreement_kind="transfer",
            agreement_value=Decimal("150"))  # fmt: skip
    steps = [("interest", d(2024, 11, 20)), ("contact", d(2024, 12, 1))]
    steps += [("meeting", d(2025, 1, 10)), ("meeting", d(2025, 2, 1)), ("agreement", d(2025, 3, 3))]
    history(need_m, users["reporter"], steps, source=offer_b, agreement_kind="licence",
            agreement_value=Decimal("1200.5"))  # fmt: skip
    history(offer_b, users["outsider"], [("interest", d(2025, 1, 5)), ("closed", d(2025, 1, 20))],
            closed_reason="Không phù hợp")  # fmt: skip
    history(offer_a, users["scientist"], [("interest", d(2025, 2, 2)), ("contact", d(2025, 2, 3))])
    history(need_n, users["reporter_b"], [("interest", d(2025, 4, 1))])


def figures(row) -> dict:
    keys = ("interests", "contacts", "meetings", "negotiations", "agreements", "closed", "value")
    return {k: row[k] for k in keys}


def test_the_report_by_year_worked_out_by_hand(deals):
    report = brokerage.report()
    y2024, y2025 = report["years"]
    # 2024: interests of the first two connections, their contacts, the first's meeting,
    # negotiation and agreement (150, a transfer, on the province's offer A).
    assert (y2024["year"], figures(y2024)) == (2024, {
        "interests": 2, "contacts": 2, "meetings": 1, "negotiations": 1, "agreements": 1,
        "closed": 0, "value": Decimal("150"),
    })  # fmt: skip
    assert [(k["kind"], k["count"], k["value"]) for k in y2024["by_kind"]] == [
        ("transfer", 1, Decimal("150"))
    ]
    assert y2024["province_share"] == 100.0
    # 2025: three interests (closed, contact, open), one contact, the second's two meetings and
    # its agreement (1.200,5, a licence, on offer B from Hà Nội), one closed.
    assert (y2025["year"], figures(y2025)) == (2025, {
        "interests": 3, "contacts": 1, "meetings": 2, "negotiations": 0, "agreements": 1,
        "closed": 1, "value": Decimal("1200.5"),
    })  # fmt: skip
    assert y2025["origin"]["elsewhere"] == {"count": 1, "value": Decimal("1200.5")}
    assert y2025["province_share"] == 0.0
    total = report["total"]
    assert figures(total) == {
        "interests": 5, "contacts": 3, "meetings": 3, "negotiations": 1, "agreements": 2,
        "closed": 1, "value": Decimal("1350.5"),
    }  # fmt: skip
    # By kind, in the order of the kinds: licence before transfer.
    assert [(k["kind"], k["count"], k["value"]) for k in total["by_kind"]] == [
        ("licence", 1, Decimal("1200.5")),
        ("transfer", 1, Decimal("150")),
    ]
    assert total["province_share"] == 50.0  # 1 of 2 agreements
    assert total["province_value_share"] == pytest.approx(150 * 100 / 1350.5)  # 11.107...
    # Still open: the fifth at interest, the fourth at contact.
    assert [(r["step"], r["count"]) for r in report["open"]] == [
        ("interest", 1), ("contact", 1), ("meeting", 0), ("negotiation", 0)
    ]  # fmt: skip
    assert report["open_total"] == 2
    # One year only: 2025's row.
    only = brokerage.report(2025)
    assert [r["year"] for r in only["years"]] == [2025]
    assert figures(only["total"]) == figures(y2025)


def test_the_province_is_recognised_however_it_is_typed(users):
    for region, expected in (("Nghệ An", True), ("Nghe An", True), ("tỉnh Nghệ An", True),
                             ("Hà Tĩnh", False)):  # fmt: skip
        assert brokerage.in_province(Listing(region=region)) is expected, region
    assert brokerage.in_province(None) is None


def test_the_report_page_and_its_workbook(client_for, deals):
    dost = client_for("dost")
    response = dost.get(reverse("market:report"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1.350,5" in body and "1.200,5" in body
    download = dost.get(reverse("market:report") + "?format=xlsx")
    assert download["Content-Disposition"] == 'attachment; filename="connections.xlsx"'
    book = load_workbook(io.BytesIO(download.content))
    by_year = list(book.worksheets[0].iter_rows(values_only=True))
    assert [row[0] for row in by_year[1:3]] == [2024, 2025]
    assert by_year[3][7] == 1350.5  # the total's value
    assert by_year[3][5] == 2  # agreements
    assert len(list(book.worksheets[2].iter_rows())) == 3  # the header and the two agreements
    # A year without data is refused in words, not with an error page.
    assert dost.get(reverse("market:report") + "?year=1999").status_code == 400
    assert client_for("outsider").get(reverse("market:report")).status_code == 403


def test_dost_names_a_broker_from_the_registrys_advisers(client_for, users, market):
    from stihub.registry.models import Expert

    offer, need = market
    connection = brokerage.express_interest(offer, users["expert"], "Chuyên gia", "Quan tâm", need)
    adviser = Expert.objects.create(
        full_name="Trần Văn Tư Vấn", roles="adviser", location="province"
    )
    reviewer = Expert.objects.create(
        full_name="Lê Phản Biện", roles="reviewer", location="province"
    )
    url = reverse("market:connection_broker", args=[connection.pk])
    # a party may not name one
    assert client_for("expert").post(url, {"broker": adviser.pk}).status_code == 403
    dost = client_for("dost")
    # only advisers and mentors are offered
    assert dost.post(url, {"broker": reviewer.pk}).status_code == 400
    connection.refresh_from_db()
    assert connection.broker is None
    assert dost.post(url, {"broker": adviser.pk}).status_code == 302
    connection.refresh_from_db()
    assert connection.broker == adviser
    page = client_for("outsider").get(page_of(connection))
    assert "Trần Văn Tư Vấn" in page.content.decode()
    # once the connection has ended, the broker stays as it was
    brokerage.advance(connection, users["dost"], Step.CLOSED, timezone.localdate(),
                      closed_reason="Không phù hợp")  # fmt: skip
    ended = refusal(brokerage.assign_broker, connection, users["dost"], None)
    assert ended == said("This connection has ended: it moves no further.")
    connection.refresh_from_db()
    assert connection.broker == adviser
