"""Matching in the marketplace: for a need, the offers on the market that would solve it; for an
offer, the needs it could serve; each with its explanation, from the engine
`stihub.engines.matching` (method "hub": BM25 over exact and folded forms, the domain
vocabulary of lay problems, sector, field, region and stage fit). Feedback on a match (useful
or not) is kept with the rank and score it had, for evaluating the method.

Each process keeps one index of the live offers and rebuilds it when they changed: the version
is read in one cheap query (count and latest change of the live offers, and the day, since
offers expire), at most once per request. For the offers' pages it keeps, likewise, the best
offers of every live need (`served`), ranked again when the offers or the needs changed.
"""

import threading
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from stihub.engines import matching as engine

from . import listings
from .choices import Kind
from .models import Listing, MatchFeedback

METHOD = engine.DEFAULT_METHOD
TOP = 10
REQUEST_ATTRIBUTE = "_market_offer_index"


def as_offer(listing: Listing) -> engine.Offer:
    texts = (listing.summary, listing.description, listing.advantages)
    return engine.Offer(
        id=str(listing.pk),
        title=listing.title,
        description="\n".join(t for t in texts if t),
        field=listing.field.code if listing.field_id else "",
        sector=listing.sector,
        region=listing.region,
        stage=listing.stage,
        keywords=tuple(listing.keyword_list),
    )


def as_need(listing: Listing) -> engine.Need:
    texts = (listing.summary, listing.description)
    return engine.Need(
        id=str(listing.pk),
        title=listing.title,
        description="\n".join(t for t in texts if t),
        sector=listing.sector,
        region=listing.region,
        keywords=tuple(listing.keyword_list),
    )


@dataclass(frozen=True)
class _Built:
    version: tuple
    index: engine.Index
    position: dict  # listing pk -> position in the index


_lock = threading.Lock()
_built: _Built | None = None


def _version() -> tuple:
    figures = listings.live(Kind.OFFER).aggregate(n=Count("pk"), changed=Max("updated_at"))
    return figures["n"], figures["changed"], timezone.localdate()


def offer_index(request=None) -> _Built:
    """The index of the live offers, rebuilt when they changed."""
    global _built
    if request is not None and hasattr(request, REQUEST_ATTRIBUTE):
        return getattr(request, REQUEST_ATTRIBUTE)
    version = _version()
    with _lock:
        if _built is None or _built.version != version:
            rows = listings.live(Kind.OFFER).select_related("field").order_by("pk")
            offers = [as_offer(r) for r in rows]
            index = engine.Index.build(offers, METHOD)
            _built = _Built(version, index, {int(o.id): i for i, o in enumerate(offers)})
        built = _built
    if request is not None:
        setattr(request, REQUEST_ATTRIBUTE, built)
    return built


@dataclass(frozen=True)
class Match:
    """A listing matched with another: its rank, score, why, and the viewer's feedback."""

    listing: Listing
    rank: int
    score: float
    why: dict
    useful: bool | None = None


def _feedback(user, pairs) -> dict:
    """{(need pk, offer pk): useful} of `user` for the pairs."""
    if not user.is_authenticated or not pairs:
        return {}
    needs = {n for n, _o in pairs}
    rows = MatchFeedback.objects.filter(by=user, need__in=needs).values_list(
        "need_id", "offer_id", "useful"
    )
    return {(n, o): u for n, o, u in rows}


def offers_for(need: Listing, user, top: int = TOP, request=None) -> list[Match]:
    """The live offers that would solve `need`, best first (the need owner's own left out)."""
    built = offer_index(request)
    ranked = built.index.rank(as_need(need), top + 20)
    rows = Listing.objects.in_bulk([int(r["id"]) for r in ranked])
    chosen = [r for r in ranked if rows[int(r["id"])].owner_id != need.owner_id][:top]
    judged = _feedback(user, [(need.pk, int(r["id"])) for r in chosen])
    return [
        Match(rows[int(r["id"])], n, r["score"], r["why"], judged.get((need.pk, int(r["id"]))))
        for n, r in enumerate(chosen, 1)
    ]


def _needs_version() -> tuple:
    figures = listings.live(Kind.NEED).aggregate(n=Count("pk"), changed=Max("updated_at"))
    return figures["n"], figures["changed"]


@dataclass(frozen=True)
class _Served:
    version: tuple
    needs: dict  # offer pk -> [(score, need pk, need owner's id)]


_served: _Served | None = None


def served(built: _Built) -> dict:
    """{offer pk: [(score, need pk, owner id)]}: for every live need, the offers among its
    `TOP` best on the market (ties kept). Ranked once for each version of the live offers and
    needs, then looked up: an offer's page reads it instead of scoring every need."""
    global _served
    version = (built.version, _needs_version())
    with _lock:
        if _served is None or _served.version != version:
            pks = {i: pk for pk, i in built.position.items()}
            found: dict[int, list] = {}
            for need in listings.live(Kind.NEED).order_by("pk"):
                scores = built.index.scores(as_need(need))[0]
                kept = np.flatnonzero(scores > 0)
                if len(kept) > TOP:
                    kth = np.partition(scores[kept], -TOP)[-TOP]
                    kept = kept[scores[kept] >= kth]
                for i in kept:
                    row = (round(float(scores[i]), 4), need.pk, need.owner_id)
                    found.setdefault(pks[int(i)], []).append(row)
            _served = _Served(version, found)
        return _served.needs


def needs_for(offer: Listing, user, top: int = TOP, request=None) -> list[Match]:
    """The live needs `offer` could serve (those for which it ranks among the `TOP` offers on
    the market), best first, the offer owner's own left out; empty when the offer is not on
    the market (not in the index)."""
    built = offer_index(request)
    position = built.position.get(offer.pk)
    if position is None:
        return []
    rows = [r for r in served(built).get(offer.pk, ()) if r[2] != offer.owner_id]
    rows = sorted(rows, key=lambda r: (-r[0], r[1]))[:top]
    needs = Listing.objects.in_bulk([pk for _s, pk, _o in rows])
    judged = _feedback(user, [(pk, offer.pk) for _s, pk, _o in rows])
    found = []
    for rank, (_score, pk, _owner) in enumerate(rows, 1):
        score, why = built.index.explain(as_need(needs[pk]), position)
        found.append(Match(needs[pk], rank, score, why, judged.get((pk, offer.pk))))
    return found


def record_feedback(need: Listing, offer: Listing, user, useful: bool) -> MatchFeedback:
    """Keep (or change) `user`'s judgement of the match, with the rank and score it has now."""
    rank = score = None
    for match in offers_for(need, user, top=50):
        if match.listing.pk == offer.pk:
            rank, score = match.rank, match.score
            break
    with transaction.atomic():
        feedback, _created = MatchFeedback.objects.update_or_create(
            need=need,
            offer=offer,
            by=user,
            defaults={"useful": useful, "rank": rank, "score": score, "method": METHOD},
        )
    return feedback
