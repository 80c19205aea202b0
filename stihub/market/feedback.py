"""The feedback on matches as a labelled set (đánh giá kết quả ghép nối): the needs someone
judged, the offers on the market (and any judged offer that left it since), and a grade for
each judged pair: 2 when every judge found the match useful, 0 when none did, 1 when they
differ. Written in the files of `stihub match` and `engines/matching_eval.py`
(offers.csv, needs.csv, judgements.tsv), and measured with each method, so the province's own
judgements check the matching as the repository's labelled set does.
"""

import csv
from pathlib import Path

from django.db.models import Q

from stihub.engines import matching as engine
from stihub.engines.matching_eval import evaluate

from . import listings
from .choices import Kind
from .matching import as_need, as_offer
from .models import Listing, MatchFeedback


def labelled() -> dict:
    """{"offers", "needs" (engine records), "judgements": {need id: {offer id: grade}}}."""
    votes: dict[tuple[str, str], list[bool]] = {}
    for need, offer, useful in MatchFeedback.objects.values_list("need", "offer", "useful"):
        votes.setdefault((str(need), str(offer)), []).append(useful)
    judged = {int(o) for _n, o in votes}
    offers = Listing.objects.filter(
        Q(pk__in=listings.live(Kind.OFFER).values("pk")) | Q(pk__in=judged)
    ).select_related("field")
    needs = Listing.objects.filter(pk__in={int(n) for n, _o in votes})
    judgements: dict[str, dict[str, int]] = {}
    for (need, offer), said in votes.items():
        grade = 2 if all(said) else 0 if not any(said) else 1
        judgements.setdefault(need, {})[offer] = grade
    return {
        "offers": [as_offer(o) for o in offers.order_by("pk")],
        "needs": [as_need(n) for n in needs.order_by("pk")],
        "judgements": judgements,
    }


def measure(data: dict) -> dict[str, dict[str, float]]:
    """{method: {"ndcg@10", "recall@20"}} on the judged needs; empty without any."""
    if not data["needs"] or not data["offers"]:
        return {}
    return {
        method: evaluate(engine.Index.build(data["offers"], method), data["needs"],
                         data["judgements"])
        for method in engine.METHODS
    }  # fmt: skip


def write(data: dict, folder: Path) -> None:
    """offers.csv, needs.csv and judgements.tsv into `folder` (UTF-8, the CSV contract)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "offers.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(engine.OFFER_COLUMNS)
        for o in data["offers"]:
            out.writerow([o.id, o.title, o.description, o.field, o.sector, o.region,
                          o.stage or "", ";".join(o.keywords)])  # fmt: skip
    with (folder / "needs.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(engine.NEED_COLUMNS)
        for n in data["needs"]:
            out.writerow([n.id, n.title, n.description, n.sector, n.region, ";".join(n.keywords)])
    lines = ["# need\toffer\tgrade (2 every judge found it useful, 0 none did, 1 they differ)"]
    for need, grades in sorted(data["judgements"].items(), key=lambda x: int(x[0])):
        lines += [f"{need}\t{offer}\t{g}" for offer, g in sorted(grades.items())]
    (folder / "judgements.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
