"""Benchmark of the matching engine (`make bench`): ranking quality and speed.

1. Quality on the labelled set (tests/fixtures/market): nDCG@10 and Recall@20 of each method on
   the held-out needs (never tuned on), the baseline BM25 over syllables beside the others; the
   hub method on the development needs too. Goal: hub nDCG@10 ≥ 0.80 on the held-out needs.
2. One need against 100,000 synthetic offers, index built beforehand: p50 / p95 over 20 needs of
   ranking the top 10 with their explanations (goal p95 < 200 ms).
3. A fair (hội chợ công nghệ): all of 500 needs against 2,000 offers, index built and top 10
   ranked for every need (goal < 10 s).

Synthetic offers are the labelled offers recombined by a seeded RNG (the title of one, a
sentence of another, a random province, field, sector and stage), so the vocabulary and text
lengths are those of real listings and every run measures the same work. `rows()` returns
(measure, figure, goal) rows. Not a timed test.
"""

import random
import statistics
import time

from stihub.engines.matching import METHODS, Index, Need, Offer
from stihub.engines.matching_eval import evaluate, labelled

BIG, QUERIES, FAIR_NEEDS, FAIR_OFFERS = 100_000, 20, 500, 2_000
PROVINCES = [
    "Nghệ An", "Hà Nội", "TP. Hồ Chí Minh", "Cần Thơ", "Thái Nguyên", "Đà Nẵng", "Bạc Liêu",
    "Khánh Hòa", "Bắc Ninh", "Đắk Lắk", "Thanh Hóa", "Hải Phòng", "Lâm Đồng", "An Giang",
]  # fmt: skip


def synthetic_offers(base: list[Offer], n: int, seed: int = 7) -> list[Offer]:
    rng = random.Random(seed)
    found = []
    for i in range(n):
        a, b = rng.sample(base, 2)
        sentences = b.description.split(", ")
        found.append(
            Offer(
                id=f"S{i:06d}",
                title=a.title,
                description=f"{a.description} {rng.choice(sentences)}.",
                field=rng.choice([a.field, b.field]),
                sector=rng.choice([a.sector, b.sector]),
                region=rng.choice(PROVINCES),
                stage=rng.randint(3, 9),
                keywords=a.keywords + b.keywords[:1],
            )
        )
    return found


def synthetic_needs(base: list[Need], n: int, seed: int = 13) -> list[Need]:
    """Needs of the labelled set with a few words dropped and a random province."""
    rng = random.Random(seed)
    found = []
    for i in range(n):
        need = rng.choice(base)
        words = need.description.split()
        kept = [w for w in words if rng.random() > 0.15]
        found.append(
            Need(
                f"F{i:04d}",
                need.title,
                " ".join(kept),
                need.sector,
                rng.choice(PROVINCES),
                need.keywords,
            )  # fmt: skip
        )
    return found


def quality_rows(data: dict) -> list[tuple[str, str, str]]:
    rows = []
    held = len(data["heldout"])
    for method in reversed(METHODS):  # the baseline first
        index = Index.build(data["offers"], method)
        figures = evaluate(index, data["heldout"], data["judgements"])
        label = {"bm25-syllables": " (baseline)", "hub": " (STI Hub)"}.get(method, "")
        rows.append(
            (
                f"matching {method}{label}: held-out needs ({held}), nDCG@10 / R@20",
                f"{figures['ndcg@10']:.3f} / {figures['recall@20']:.3f}",
                "nDCG@10 ≥ 0.80" if method == "hub" else "",
            )
        )
    index = Index.build(data["offers"], "hub")
    figures = evaluate(index, data["dev"], data["judgements"])
    rows.append(
        (
            f"matching hub: development needs ({len(data['dev'])}), nDCG@10 / R@20",
            f"{figures['ndcg@10']:.3f} / {figures['recall@20']:.3f}",
            "",
        )
    )
    return rows


def speed_rows(data: dict) -> list[tuple[str, str, str]]:
    needs = data["dev"] + data["heldout"]
    offers = synthetic_offers(data["offers"], BIG)
    start = time.perf_counter()
    index = Index.build(offers)
    build = time.perf_counter() - start
    timings = []
    for need in needs[:QUERIES]:
        start = time.perf_counter()
        index.rank(need, top=10)
        timings.append((time.perf_counter() - start) * 1000)
    p95 = statistics.quantiles(timings, n=20)[18]
    fair_needs = synthetic_needs(needs, FAIR_NEEDS)
    fair_offers = synthetic_offers(data["offers"], FAIR_OFFERS, seed=17)
    start = time.perf_counter()
    fair = Index.build(fair_offers)
    for need in fair_needs:
        fair.rank(need, top=10)
    whole = time.perf_counter() - start
    return [
        (f"matching: index of {BIG:,} synthetic offers built", f"{build:.1f} s", ""),
        (
            f"matching: one need against {BIG:,} offers, p50 / p95 of {QUERIES}",
            f"{statistics.median(timings):.0f} / {p95:.0f} ms",
            "p95 < 200 ms",
        ),
        (
            f"matching: fair of {FAIR_NEEDS} needs × {FAIR_OFFERS:,} offers, top 10 each",
            f"{whole:.1f} s",
            "< 10 s",
        ),
    ]


def rows() -> list[tuple[str, str, str]]:
    """(measure, figure, goal) rows for `make bench`."""
    data = labelled()
    return quality_rows(data) + speed_rows(data)


if __name__ == "__main__":
    for measure, figure, goal in rows():
        print(f"{measure:<75} {figure:>14}   goal {goal}")
