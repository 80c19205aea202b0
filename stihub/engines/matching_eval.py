"""Ranking quality of the matching methods on a labelled set (đánh giá chất lượng kết nối).

The set (tests/fixtures/market): offers.csv, needs_dev.csv (development: vocabulary and weights
were tuned on it), needs_heldout.csv (held out: written and frozen first, never tuned on) and
judgements.tsv (`need<TAB>offer<TAB>grade`, 2 = solves it, 1 = partly or worth seeing, 0 = not
relevant; pairs not listed are 0; `#` starts a comment).

Measures, averaged over needs:
- nDCG@10: DCG = Σ over ranks r = 1..10 of (2^grade − 1) / log2(r + 1); divided by the DCG of
  the ideal order of the need's judged grades (best first);
- Recall@20: the share of the need's offers of grade ≥ 1 found in its top 20.
`python -m stihub.engines.matching_eval [--tune]` prints both for each method and part; with
--tune, a grid of the hub's weights on the development part.
"""

from __future__ import annotations

import itertools
import math
import sys
from pathlib import Path

from stihub.engines.matching import (
    METHODS,
    Index,
    W,
    load_needs_file,
    load_offers_file,
)

LABELLED = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "market"


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    """nDCG@k of `ranked` offer ids against `grades` (offer id → 0, 1 or 2); 0 without any
    positive grade."""
    dcg = sum((2 ** grades.get(o, 0) - 1) / math.log2(r + 1) for r, o in enumerate(ranked[:k], 1))
    ideal = sorted(grades.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(r + 1) for r, g in enumerate(ideal, 1))
    return dcg / best if best > 0 else 0.0


def recall_at(ranked: list[str], grades: dict[str, int], k: int = 20) -> float:
    """The share of offers graded ≥ 1 found among the first `k` of `ranked`."""
    relevant = {o for o, g in grades.items() if g >= 1}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def load_judgements(path) -> dict[str, dict[str, int]]:
    """need id → {offer id: grade} from judgements.tsv."""
    found: dict[str, dict[str, int]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        need, offer, grade = line.split("\t")
        found.setdefault(need, {})[offer] = int(grade)
    return found


def labelled(folder: Path = LABELLED) -> dict:
    """The labelled set: offers, dev and held-out needs, judgements."""
    return {
        "offers": load_offers_file(folder / "offers.csv"),
        "dev": load_needs_file(folder / "needs_dev.csv"),
        "heldout": load_needs_file(folder / "needs_heldout.csv"),
        "judgements": load_judgements(folder / "judgements.tsv"),
    }


def evaluate(index: Index, needs, judgements) -> dict[str, float]:
    """Mean nDCG@10 and Recall@20 of `index` over `needs`."""
    ndcg, recall = [], []
    for need in needs:
        ranked = [m["id"] for m in index.rank(need, top=20)]
        grades = judgements.get(need.id, {})
        ndcg.append(ndcg_at(ranked, grades, 10))
        recall.append(recall_at(ranked, grades, 20))
    return {"ndcg@10": sum(ndcg) / len(ndcg), "recall@20": sum(recall) / len(recall)}


def report(data: dict | None = None) -> dict[tuple[str, str], dict[str, float]]:
    """{(method, part): {"ndcg@10", "recall@20"}} for every method on both parts."""
    data = data or labelled()
    results = {}
    for method in METHODS:
        index = Index.build(data["offers"], method)
        for part in ("heldout", "dev"):
            results[method, part] = evaluate(index, data[part], data["judgements"])
    return results


def tune(data: dict) -> list[tuple[float, dict]]:
    """The hub's nDCG@10 on the DEVELOPMENT needs for a grid of weights, best first."""
    index = Index.build(data["offers"], "hub")
    found = []
    grid = itertools.product((0.3, 0.6, 1.0), (0, 0.1, 0.2), (0, 0.1), (0, 0.05), (0, 0.05))
    for expand, sector, field, region, stage in grid:
        index.expand = expand
        index.weights = {"sector": sector, "field": field, "region": region, "stage": stage}
        score = evaluate(index, data["dev"], data["judgements"])["ndcg@10"]
        found.append((score, {"expand": expand, **index.weights}))
    found.sort(key=lambda x: -x[0])
    return found


if __name__ == "__main__":
    data = labelled()
    if "--tune" in sys.argv:
        for score, weights in tune(data)[:15]:
            print(f"{score:.3f}  {weights}")
        print("current", W)
    for (method, part), figures in report(data).items():
        print(
            f"{method:<16} {part:<8} nDCG@10 {figures['ndcg@10']:.3f}"
            f"  R@20 {figures['recall@20']:.3f}"
        )
