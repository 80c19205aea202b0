"""The technology market's demo: loads twice without change, fills every model of the app, walks
connections to every step and schedules last quarter's fair without double booking."""

from collections import Counter
from decimal import Decimal

from django.apps import apps
from django.core.management import call_command

from stihub.market import brokerage
from stihub.market.choices import Step
from stihub.market.models import Connection, Fair, Listing, MatchFeedback, Meeting


def test_the_demo_fills_the_market_once_and_consistently(db, settings):
    settings.DEBUG = True
    call_command("demo")
    models = [
        m
        for m in apps.get_app_config("market").get_models()
        if not m.__name__.startswith("Historical")
    ]
    counts = {m.__name__: m.objects.count() for m in models}
    assert [name for name, n in counts.items() if n == 0] == []
    call_command("demo")  # a second run changes nothing
    assert {m.__name__: m.objects.count() for m in models} == counts

    assert set(Listing.objects.values_list("status", flat=True)) == {
        "published", "pending", "returned", "draft",
    }  # fmt: skip
    assert set(Connection.objects.values_list("step", flat=True)) == set(Step.values) - {
        Step.MEETING
    }
    # every connection's steps are dated in order, none in the future
    for connection in Connection.objects.all():
        days = list(connection.events.order_by("pk").values_list("on", flat=True))
        assert days == sorted(days) and connection.step_on == days[-1]
    # the two agreements of the PIPELINES: 850 + 1,200 million VND
    figures = brokerage.report()
    agreed = Connection.objects.filter(step=Step.AGREEMENT)
    assert sorted(agreed.values_list("agreement_value", flat=True)) == [
        Decimal("850"), Decimal("1200"),
    ]  # fmt: skip
    # by hand from the PIPELINES: 6 interests; 4 contacts released (not the one just begun,
    # nor the one closed at the interest step); meetings
    # 3 (the agreements and the open negotiation), negotiations 2, agreements 2, closed 1
    total = figures["total"]
    assert (total["interests"], total["contacts"], total["meetings"]) == (6, 4, 3)
    assert (total["negotiations"], total["agreements"], total["closed"]) == (2, 2, 1)
    assert total["value"] == Decimal("2050")
    assert {s["step"]: s["count"] for s in figures["open"]} == {
        "interest": 1, "contact": 1, "meeting": 0, "negotiation": 1,
    }  # fmt: skip
    assert MatchFeedback.objects.filter(useful=True).count() == 6
    # DOST named an adviser of the registry on both connections that reached an agreement
    assert all(c.broker is not None for c in agreed)

    past = Fair.objects.get(code="techmart-btb-2026")
    meetings = list(Meeting.objects.filter(fair=past))
    # 8 requests, one of them the other side of a mutual pair: 7 meetings, one not held
    assert len(meetings) == 7 and sum(m.held is False for m in meetings) == 1
    seats = Counter((m.starts_at, p) for m in meetings for p in (m.first_id, m.second_id))
    tables = Counter((m.starts_at, m.table) for m in meetings)
    assert max(seats.values()) == 1 and max(tables.values()) == 1
