"""The technology market's pages on a full marketplace, for `make bench`: 20,000 live offers and
500 live needs in SQLite (the demo listings recombined by `engines/matching_bench`'s seeded
generator), in a process of its own (`python -m stihub.market.bench_pages --child`).

Measured through Django's test client, rendered pages: a need's page with its ten ranked offers
and their explanations (the first request of the process builds the index of the live offers,
reported apart), an offer's page with the needs it could serve (the first ranks every live
need once, reported apart), and the marketplace searched by words typed without marks. p50 /
p95 over 20 requests each after those.
"""

import json
import os
import statistics
import sys
import time

OFFERS, NEEDS, REQUESTS = 20_000, 500, 20


def _timed(client, url) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000


def child() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stihub.settings")
    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from stihub.core.models import User
    from stihub.engines.matching import Need, Offer
    from stihub.engines.matching_bench import synthetic_needs, synthetic_offers
    from stihub.market import demo
    from stihub.market.models import Listing
    from stihub.registry.models import FieldOfScience

    call_command("migrate", verbosity=0)
    rows = demo._rows()
    base_offers = [
        Offer(str(n), r["title"], r["summary"], r["field"], r["sector"], r["region"],
              int(r["stage"] or 5), tuple(r["keywords"].split("; ")))
        for n, r in enumerate(rows) if r["kind"] == "offer"
    ]  # fmt: skip
    base_needs = [
        Need(str(n), r["title"], r["summary"], r["sector"], r["region"],
             tuple(r["keywords"].split("; ")))
        for n, r in enumerate(rows) if r["kind"] == "need"
    ]  # fmt: skip
    owner = User.objects.create(username="provider")
    seeker = User.objects.create(username="seeker")
    fields = dict(FieldOfScience.objects.values_list("code", "pk"))
    now, expires = timezone.now(), timezone.localdate().replace(year=timezone.localdate().year + 1)

    def listing(kind, n, record, user):
        made = Listing(
            code=f"{'CB' if kind == 'offer' else 'NC'}-B-{n:06d}", kind=kind, status="published",
            title=record.title, summary=record.description, sector=record.sector,
            region=record.region, keywords="; ".join(record.keywords), owner=user,
            owner_name="Đơn vị", contact_name="Người liên hệ", expires_on=expires,
            published_at=now, stage=getattr(record, "stage", None),
            field_id=fields.get(getattr(record, "field", "")),
        )  # fmt: skip
        made.refresh_search()
        return made

    offers = synthetic_offers(base_offers, OFFERS)
    needs = synthetic_needs(base_needs, NEEDS)
    Listing.objects.bulk_create(
        [listing("offer", n, o, owner) for n, o in enumerate(offers)], batch_size=2000
    )
    Listing.objects.bulk_create(
        [listing("need", n, o, seeker) for n, o in enumerate(needs)], batch_size=2000
    )
    need = Listing.objects.filter(kind="need").order_by("pk").first()
    offer = Listing.objects.filter(kind="offer").order_by("pk").first()
    as_seeker, as_owner, public = Client(), Client(), Client()
    as_seeker.force_login(seeker)
    as_owner.force_login(owner)
    first = _timed(as_seeker, f"/market/{need.pk}/")
    first_offer = _timed(as_owner, f"/market/{offer.pk}/")
    found = {
        "offers": OFFERS,
        "needs": NEEDS,
        "first": first,
        "first_offer": first_offer,
        "need": [_timed(as_seeker, f"/market/{need.pk}/") for _ in range(REQUESTS)],
        "offer": [_timed(as_owner, f"/market/{offer.pk}/") for _ in range(REQUESTS)],
        "search": [_timed(public, "/market/?q=ga+chet+troi+nom") for _ in range(REQUESTS)],
    }
    print(json.dumps(found))


def _p(values, q) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def rows() -> list[tuple[str, str, str]]:
    from stihub.bench import child_json

    found = child_json("stihub.market.bench_pages")
    size = f"{found['offers']:,} offers, {found['needs']} needs on SQLite"
    figures = {k: (_p(found[k], 50), _p(found[k], 95)) for k in ("need", "offer", "search")}
    return [
        (f"market: a need's page, first of the process (builds the index), {size}",
         f"{found['first']:.0f} ms", ""),
        (f"market: a need's page with its 10 ranked offers, {size}, p50 / p95",
         "{:.0f} / {:.0f} ms".format(*figures["need"]), "p95 < 300 ms"),
        (f"market: an offer's page, first of the process (ranks every need), {size}",
         f"{found['first_offer']:.0f} ms", ""),
        (f"market: an offer's page with the needs it could serve, {size}, p50 / p95",
         "{:.0f} / {:.0f} ms".format(*figures["offer"]), "p95 < 300 ms"),
        (f"market: the marketplace searched without marks, {size}, p50 / p95",
         "{:.0f} / {:.0f} ms".format(*figures["search"]), "p95 < 300 ms"),
    ]  # fmt: skip


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        for row in rows():
            print(" | ".join(row))
