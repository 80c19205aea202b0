"""Supply–demand events and fairs: DOST's forms, registration (open and closed, one's own live
listings only, re-registering edits), B2B meeting requests (refusals in words), the schedule
built through the page and checked here by our own loops over the Meeting rows (nobody and no
table twice in a slot, every request answered or given a reason, the reasons worked out by
hand), the record of meetings held and the results. Pages are asked in English (the language
cookie), so the words checked are the msgids.

Users of `conftest.users` as participants: A = reporter, B = reporter_b, C = expert,
D = scientist, E = outsider; DOST builds the schedule.
"""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from stihub.market import fairs as service
from stihub.market.models import (
    Connection,
    Fair,
    Listing,
    Meeting,
    MeetingRequest,
    Participant,
)

TODAY = timezone.localdate()
IN_TEN_DAYS = TODAY + dt.timedelta(days=10)


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def make_fair(code="cho-cn-2026", **extra) -> Fair:
    """A published fair in ten days, registration open until the day before; by default one
    day of B2B meetings 08:00–08:40 in 20 minutes (two slots) and one shared table."""
    values = {
        "kind": "fair",
        "title": "Chợ công nghệ Nghệ An 2026",
        "venue": "Trung tâm Hội nghị tỉnh",
        "starts_on": IN_TEN_DAYS,
        "ends_on": IN_TEN_DAYS,
        "registration_closes_on": IN_TEN_DAYS - dt.timedelta(days=1),
        "day_starts": dt.time(8, 0),
        "day_ends": dt.time(8, 40),
        "meeting_minutes": 20,
        "tables": 1,
        "published": True,
    }
    return Fair.objects.create(code=code, **{**values, **extra})


def make_listing(owner, code, status="published", expires_on=None, kind="offer") -> Listing:
    return Listing.objects.create(
        code=code, kind=kind, status=status, title=f"Công nghệ {code}", summary="Tóm tắt",
        expires_on=expires_on or TODAY + dt.timedelta(days=90), owner=owner,
        owner_name=f"Đơn vị {owner.username}", contact_name="Người liên hệ",
    )  # fmt: skip


def register(client, fair, role="visitor", name=None, **data):
    return client.post(
        reverse("market:fair_register", args=[fair.pk]),
        {"role": role, "name": name or "Đơn vị", **data},
    )


def ask(client, fair, counterpart, **data):
    return client.post(
        reverse("market:fair_request", args=[fair.pk]),
        {"counterpart": counterpart.pk, "priority": 1, **data},
    )


def at(hour, minute) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(IN_TEN_DAYS, dt.time(hour, minute)), timezone.get_default_timezone()
    )


def assert_no_double_booking(fair):
    """Our own check of the stored schedule, independent of the engine and its verifier."""
    meetings = list(Meeting.objects.filter(fair=fair))
    people = Counter()
    tables = Counter()
    for m in meetings:
        assert m.first_id != m.second_id
        people[m.starts_at, m.first_id] += 1
        people[m.starts_at, m.second_id] += 1
        tables[m.starts_at, m.table] += 1
    assert [k for k, n in people.items() if n > 1] == []
    assert [k for k, n in tables.items() if n > 1] == []
    pairs = {frozenset((m.first_id, m.second_id)) for m in meetings}
    assert len(pairs) == len(meetings)  # a pair meets once
    for r in MeetingRequest.objects.filter(fair=fair):
        answered = frozenset((r.requester_id, r.counterpart_id)) in pairs
        assert answered != bool(r.unplaced), (r.pk, r.unplaced)


# --- the schedule ------------------------------------------------------------------------------


@pytest.fixture
def conflicted(client_for, users):
    """A, B and C all ask each other (B asks A back), in two slots with one table; D (free
    only in the first slot) asks E (free only in the second); D asks to meet D (only possible
    outside the pages: made here in the database)."""
    fair = make_fair()
    names = {"reporter": "A", "reporter_b": "B", "expert": "C", "scientist": "D", "outsider": "E"}
    available = {"scientist": ["D1-S01"], "outsider": ["D1-S02"]}
    for user, name in names.items():
        extra = {"available": available[user]} if user in available else {}
        response = register(client_for(user), fair, name=name, **extra)
        assert response.status_code == 302, response.content
    p = {n: Participant.objects.get(fair=fair, name=n) for n in names.values()}
    assert p["D"].available == ["D1-S01"] and p["A"].available == []
    for asker, other in (("reporter", "B"), ("reporter_b", "C"), ("expert", "A")):
        assert ask(client_for(asker), fair, p[other]).status_code == 302
    assert ask(client_for("reporter_b"), fair, p["A"], priority=2).status_code == 302
    assert ask(client_for("scientist"), fair, p["E"]).status_code == 302
    MeetingRequest.objects.create(fair=fair, requester=p["D"], counterpart=p["D"])
    r = {
        f"{x.requester.name}{x.counterpart.name}": x
        for x in MeetingRequest.objects.filter(fair=fair).select_related("requester", "counterpart")
    }
    return fair, p, r


def test_the_schedule_built_by_dost_books_nobody_twice_and_says_why(client_for, conflicted):
    fair, p, r = conflicted
    dost = client_for("dost")
    response = dost.post(reverse("market:fair_schedule", args=[fair.pk]))
    assert response.status_code == 302
    assert_no_double_booking(fair)
    # By hand: A–B (asked both ways: one meeting, the higher priority 2) goes first, at 08:00
    # on the only table; B–C next, at 08:20 (B is busy at 08:00); C–A finds A busy at 08:00
    # and C at 08:20: "conflict" (one table and two slots hold two meetings at most). D and
    # E share no slot: "unavailable". D asking D: "self".
    meetings = [
        (m.first.name, m.second.name, m.starts_at, m.ends_at, m.table, m.request_id)
        for m in Meeting.objects.filter(fair=fair).select_related("first", "second")
    ]
    assert meetings == [
        ("B", "A", at(8, 0), at(8, 20), "T1", r["BA"].pk),
        ("B", "C", at(8, 20), at(8, 40), "T1", r["BC"].pk),
    ]
    reasons = dict(MeetingRequest.objects.filter(fair=fair).values_list("pk", "unplaced"))
    assert reasons == {
        r["AB"].pk: "",  # merged into the B–A meeting
        r["BA"].pk: "",
        r["BC"].pk: "",
        r["CA"].pk: "conflict",
        r["DE"].pk: "unavailable",
        r["DD"].pk: "self",
    }
    fair.refresh_from_db()
    assert fair.scheduled_at is not None

    page = dost.get(reverse("market:fair_schedule", args=[fair.pk]))
    text = page.content.decode()
    assert "Meetings placed: 2" in text and "Requests not placed: 3" in text
    assert "Already booked in every common slot: 1" in text
    assert "No slot when both are present: 1" in text
    assert "Asks to meet themselves: 1" in text


def test_building_again_replaces_the_schedule_until_meetings_are_recorded(client_for, conflicted):
    fair, p, r = conflicted
    dost = client_for("dost")
    url = reverse("market:fair_schedule", args=[fair.pk])
    dost.post(url)
    first = set(Meeting.objects.values_list("pk", flat=True))
    response = dost.post(url, follow=True)
    assert "It replaces the previous schedule (2 meetings)." in response.content.decode()
    assert Meeting.objects.count() == 2
    assert first.isdisjoint(Meeting.objects.values_list("pk", flat=True))
    assert_no_double_booking(fair)

    held = Meeting.objects.get(first=p["B"], second=p["A"])
    response = dost.post(
        reverse("market:meeting", args=[held.pk]),
        {f"m{held.pk}-held": "true", f"m{held.pk}-outcome": "Ký biên bản ghi nhớ"},
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.held is True and held.outcome == "Ký biên bản ghi nhớ"
    kept = set(Meeting.objects.values_list("pk", flat=True))
    response = dost.post(url, follow=True)
    assert "the schedule can no longer be built again" in response.content.decode()
    assert set(Meeting.objects.values_list("pk", flat=True)) == kept


def test_booths_maxima_and_no_shared_table(client_for, users):
    """No shared table (tables=0), three slots; A holds booth B01 and meets at most once.
    B asks A first: at A's booth, 08:00. C asks A: A is full ("participant_full"). C asks B:
    neither holds a booth and there is no shared table ("no_table")."""
    fair = make_fair(tables=0, day_ends=dt.time(9, 0))
    register(client_for("reporter"), fair, role="exhibitor", name="A", max_meetings=1)
    register(client_for("reporter_b"), fair, name="B")
    register(client_for("expert"), fair, name="C")
    p = {x.name: x for x in fair.participants.all()}
    dost = client_for("dost")
    edit = reverse("market:fair_edit", args=[fair.pk])
    form = {
        "code": fair.code, "kind": "fair", "title": fair.title, "venue": fair.venue,
        "starts_on": IN_TEN_DAYS, "ends_on": IN_TEN_DAYS,
        "registration_closes_on": fair.registration_closes_on, "day_starts": "08:00",
        "day_ends": "09:00", "meeting_minutes": 20, "tables": 0, "published": "on",
    }  # fmt: skip
    same = {f"booth_{p['A'].pk}": "B01", f"booth_{p['B'].pk}": "b01"}
    response = dost.post(edit, {**form, **same})
    assert response.status_code == 400
    assert "The booth b01 is already given to A." in response.content.decode()
    shared = {f"booth_{p['A'].pk}": "T1"}
    response = dost.post(edit, {**form, "tables": 2, **shared})
    assert response.status_code == 400
    assert "T1 is the name of a shared table" in response.content.decode()
    assert dost.post(edit, {**form, f"booth_{p['A'].pk}": "B01"}).status_code == 302
    assert Participant.objects.get(pk=p["A"].pk).booth == "B01"

    assert ask(client_for("reporter_b"), fair, p["A"]).status_code == 302
    assert ask(client_for("expert"), fair, p["A"]).status_code == 302
    assert ask(client_for("expert"), fair, p["B"]).status_code == 302
    dost = client_for("dost")  # one client: signing in as another user signs DOST out
    assert dost.post(reverse("market:fair_schedule", args=[fair.pk])).status_code == 302
    assert_no_double_booking(fair)
    meetings = list(
        Meeting.objects.values_list("first__name", "second__name", "starts_at", "table")
    )
    assert meetings == [("B", "A", at(8, 0), "B01")]
    asked_by_c = MeetingRequest.objects.filter(requester=p["C"])
    reasons = dict(asked_by_c.values_list("counterpart__name", "unplaced"))
    assert reasons == {"A": "participant_full", "B": "no_table"}


def test_the_service_maps_the_fair_to_the_engine(users):
    fair = make_fair(starts_on=IN_TEN_DAYS, ends_on=IN_TEN_DAYS + dt.timedelta(days=1), tables=2)
    slots = service.slots_of(fair)
    # Two days of 08:00–08:40 in 20 minutes: two slots a day.
    assert [(s.id, s.day, s.start) for s in slots] == [
        ("D1-S01", IN_TEN_DAYS, dt.time(8, 0)),
        ("D1-S02", IN_TEN_DAYS, dt.time(8, 20)),
        ("D2-S01", IN_TEN_DAYS + dt.timedelta(days=1), dt.time(8, 0)),
        ("D2-S02", IN_TEN_DAYS + dt.timedelta(days=1), dt.time(8, 20)),
    ]
    a = Participant.objects.create(
        fair=fair, user=users["reporter"], name="A", role="exhibitor", booth="B01",
        available=["D2-S01", "D9-S99"], max_meetings=3,
    )  # fmt: skip
    event, people, requests = service.inputs(fair)
    assert event.tables == ("B01", "T1", "T2")
    # A slot of other hours no longer exists: only D2-S01 counts.
    assert people[0].id == f"P{a.pk}" and people[0].available == frozenset({"D2-S01"})
    assert people[0].booth == "B01" and people[0].max_meetings == 3 and requests == []


# --- registration and requests -----------------------------------------------------------------


def test_registration_offers_only_ones_own_live_listings_and_edits_on_return(client_for, users):
    fair = make_fair()
    mine = make_listing(users["reporter"], "CB-2026-001")
    make_listing(users["reporter"], "CB-2026-002", status="draft")
    make_listing(users["reporter"], "CB-2026-003", expires_on=TODAY - dt.timedelta(days=1))
    theirs = make_listing(users["expert"], "CB-2026-004")
    users["reporter"].first_name, users["reporter"].last_name = "Văn An", "Nguyễn"
    users["reporter"].save()
    client = client_for("reporter")
    url = reverse("market:fair_register", args=[fair.pk])
    page = client.get(url).content.decode()
    assert "CB-2026-001" in page
    assert "CB-2026-002" not in page and "CB-2026-003" not in page and "CB-2026-004" not in page
    assert 'value="Văn An Nguyễn"' in page or 'value="Nguyễn Văn An"' in page  # the full name
    response = register(client, fair, role="exhibitor", listings=[theirs.pk])
    assert response.status_code == 400 and not Participant.objects.exists()
    register(client, fair, role="exhibitor", name="Công ty A", listings=[mine.pk], max_meetings=4)
    register(client, fair, role="visitor", name="Công ty A (sửa)", available=["D1-S02"])
    participant = Participant.objects.get()
    assert (participant.name, participant.role, participant.max_meetings) == (
        "Công ty A (sửa)", "visitor", None,
    )  # fmt: skip
    assert participant.available == ["D1-S02"] and list(participant.listings.all()) == []
    # Every slot ticked is stored as no restriction.
    register(client, fair, available=["D1-S01", "D1-S02"])
    assert Participant.objects.get().available == []


def test_registration_is_refused_after_it_closes(client_for):
    fair = make_fair(registration_closes_on=TODAY - dt.timedelta(days=1), starts_on=TODAY)
    client = client_for("reporter")
    assert client.get(reverse("market:fair_register", args=[fair.pk])).status_code == 403
    assert register(client, fair).status_code == 403
    assert not Participant.objects.exists()
    page = client.get(reverse("market:fair", args=[fair.pk])).content.decode()
    assert "Closed on" in page and reverse("market:fair_register", args=[fair.pk]) not in page


def test_meeting_requests_are_refused_in_words(client_for, users):
    fair = make_fair()
    other = make_fair(code="ket-noi-2026", kind="connection")
    register(client_for("reporter"), fair, name="A")
    register(client_for("reporter_b"), fair, name="B", role="exhibitor")
    register(client_for("expert"), other, name="C")
    a, b = Participant.objects.get(name="A"), Participant.objects.get(name="B")
    stranger = Participant.objects.get(name="C")
    shown = make_listing(users["reporter_b"], "NC-2026-001", kind="need")
    b.listings.add(shown)
    a_listing = make_listing(users["reporter"], "CB-2026-009")
    a.listings.add(a_listing)
    client = client_for("reporter")

    response = ask(client, fair, a)
    assert response.status_code == 400
    assert "You cannot ask to meet yourself." in response.content.decode()
    response = ask(client, fair, stranger)
    assert "Choose a participant of this event." in response.content.decode()
    response = ask(client, fair, b, listing=a_listing.pk)
    assert "Choose one of that participant&#x27;s offers or needs on show." in (
        response.content.decode()
    )
    assert not MeetingRequest.objects.exists()
    response = ask(client, fair, b, listing=shown.pk, message="Xin gặp", priority=3)
    assert response.status_code == 302
    made = MeetingRequest.objects.get()
    assert (made.requester, made.counterpart, made.listing, made.priority) == (a, b, shown, 3)
    response = ask(client, fair, b)
    assert response.status_code == 400
    assert "You have already asked to meet B." in response.content.decode()
    assert MeetingRequest.objects.count() == 1
    assert client.get(reverse("market:fair_request", args=[fair.pk])).status_code == 405


def test_a_non_participant_cannot_request_and_a_participant_cannot_build(client_for):
    fair = make_fair()
    register(client_for("reporter"), fair, name="A")
    register(client_for("reporter_b"), fair, name="B")
    b = Participant.objects.get(name="B")
    assert ask(client_for("outsider"), fair, b).status_code == 403
    assert not MeetingRequest.objects.exists()
    participant = client_for("reporter")
    url = reverse("market:fair_schedule", args=[fair.pk])
    assert participant.post(url).status_code == 403
    assert Fair.objects.get().scheduled_at is None
    # A participant asking for the schedule is sent to their own meetings on the fair's page.
    response = participant.get(url)
    assert response.status_code == 302
    assert response.url == reverse("market:fair", args=[fair.pk]) + "#my-meetings"
    assert client_for("outsider").get(url).status_code == 403


def test_a_participant_sees_their_own_meetings(client_for):
    fair = make_fair()
    for user, name in (("reporter", "A"), ("reporter_b", "B"), ("expert", "C")):
        register(client_for(user), fair, name=name)
    b = Participant.objects.get(name="B")
    ask(client_for("reporter"), fair, b)
    client_for("dost").post(reverse("market:fair_schedule", args=[fair.pk]))
    page = client_for("reporter").get(reverse("market:fair", args=[fair.pk])).content.decode()
    table = page.split('id="my-meetings-table"')[1].split("</table>")[0]
    assert "08:00–08:20" in table and "T1" in table and "<td>B</td>" in table
    page = client_for("expert").get(reverse("market:fair", args=[fair.pk])).content.decode()
    assert "No meeting scheduled for you." in page


# --- the list, visibility, DOST's forms, results -----------------------------------------------


def test_an_unpublished_fair_is_dosts_alone(client, client_for):
    hidden = make_fair(code="an", title="Sự kiện chưa công bố", published=False)
    past = make_fair(
        code="qua", title="Chợ năm ngoái", starts_on=TODAY - dt.timedelta(days=400),
        ends_on=TODAY - dt.timedelta(days=399),
        registration_closes_on=TODAY - dt.timedelta(days=401),
    )  # fmt: skip
    soon = make_fair(code="sap", title="Điểm kết nối sắp tới")
    for name in ("fair", "fair_register", "fair_schedule"):
        url = reverse(f"market:{name}", args=[hidden.pk])
        assert client.get(url).status_code == 404
    public = client.get(reverse("market:fairs")).content.decode()
    assert "Sự kiện chưa công bố" not in public and "New event" not in public
    assert public.index(soon.title) < public.index(past.title)  # upcoming, then past
    outsider = client_for("outsider")
    assert outsider.get(reverse("market:fair", args=[hidden.pk])).status_code == 404
    dost = client_for("dost")
    assert dost.get(reverse("market:fair", args=[hidden.pk])).status_code == 200
    listed = dost.get(reverse("market:fairs")).content.decode()
    assert "Sự kiện chưa công bố" in listed and "Not published" in listed and "New event" in listed


def test_dost_creates_an_event_and_bad_dates_are_refused(client_for):
    dost = client_for("dost")
    url = reverse("market:fair_new")
    good = {
        "code": "ket-noi-q3", "kind": "connection", "title": "Kết nối cung cầu quý III",
        "venue": "Sở KH&CN", "starts_on": "2026-09-10", "ends_on": "2026-09-11",
        "registration_closes_on": "2026-09-05", "day_starts": "08:00", "day_ends": "11:30",
        "meeting_minutes": 20, "tables": 10,
    }  # fmt: skip
    bad = {
        **good,
        "ends_on": "2026-09-09",
        "registration_closes_on": "2026-09-20",
        "day_ends": "07:00",
    }
    response = dost.post(url, bad)
    text = response.content.decode()
    assert response.status_code == 400
    assert "The last day cannot be before the first day." in text
    assert "Registration must close by the last day at the latest." in text
    assert "The B2B meetings must end after they start." in text
    response = dost.post(url, {**good, "day_ends": "08:10"})
    assert "Not even one meeting fits" in response.content.decode()
    assert not Fair.objects.exists()
    response = dost.post(url, good)
    fair = Fair.objects.get()
    assert response.url == reverse("market:fair", args=[fair.pk])
    assert (fair.ends_on, fair.day_ends, fair.published) == (
        dt.date(2026, 9, 11), dt.time(11, 30), False,
    )  # fmt: skip
    assert len(service.slots_of(fair)) == 2 * 10  # 08:00–11:30 holds ten 20-minute meetings
    assert client_for("reporter").get(url).status_code == 403


def test_results_count_meetings_held_and_agreements(client_for, users):
    fair = make_fair(starts_on=TODAY, ends_on=TODAY, registration_closes_on=TODAY)
    register(client_for("reporter"), fair, name="A")
    register(client_for("reporter_b"), fair, name="B")
    ask(client_for("reporter"), fair, Participant.objects.get(name="B"))
    client_for("dost").post(reverse("market:fair_schedule", args=[fair.pk]))
    Meeting.objects.update(held=True)
    offer = make_listing(users["reporter_b"], "CB-2026-010")
    for value, step in ((Decimal("1250.5"), "agreement"), (Decimal("300"), "agreement")):
        Connection.objects.create(
            listing=offer, requester=users["reporter"], requester_name="A", message="x",
            fair=fair, step=step, agreement_kind="transfer", agreement_value=value,
        )  # fmt: skip
    Connection.objects.create(
        listing=offer, requester=users["expert"], requester_name="C", message="x", fair=fair
    )
    assert service.results(fair) == {
        "scheduled": 1,
        "held": 1,
        "not_held": 0,
        "unrecorded": 0,
        "agreements": 2,
        "agreement_value": Decimal("1550.5"),
    }
    page = client_for("outsider").get(reverse("market:fair", args=[fair.pk])).content.decode()
    results = page.split('id="results"')[1]
    assert '<dd data-figure="agreements">2</dd>' in results
    assert '<dd data-figure="value">1,550.5</dd>' in results
