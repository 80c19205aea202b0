"""Matching technology needs with offers (kết nối cung – cầu công nghệ), on files, no database.

A need (nhu cầu công nghệ) is a problem told by an enterprise or a farmer in its own words,
often without diacritics, with Telex residue or abbreviations ("đàn gà chết nhiều khi trời
nồm", "nuwowcs mawnj", "cn xlnt"); an offer (công nghệ chào bán) names a technology ("vắc
xin", "chuồng kín"). For each need the engine ranks the offers and says why.

Files (UTF-8 CSV, header on line 1, extra columns read past): OFFERS.csv `id, title,
description, field, sector, region, stage, keywords`; NEEDS.csv `id, title, description,
sector, region, keywords`. `field` is a Frascati field of science (`2.7`), `sector` a two-digit
VSIC division (`10`), `stage` a technology readiness level 1–9 (TRL), `keywords` `;`-separated;
field, sector, region, stage and keywords may be empty. Every problem of a file (missing
columns, empty or duplicate id, no title nor description, bad field, sector or stage) is
collected with its line and column and raised together as one DataError.

Methods (`METHODS`), each over the same records, so the bench compares them:
- `bm25-syllables`: BM25 over lower-cased syllables with their marks (the baseline);
- `bm25-folded`: BM25 over those syllables and their accent-folded forms;
- `hub` (the default): BM25 over folded syllables and adjacent pairs (bigrams), after Telex/VNI
  residue and abbreviations are normalised (`matching_vocab`), plus query expansion from the
  domain vocabulary (lay problem → technology terms, each weighted `EXPAND`), then features.

BM25 (Okapi): idf = ln(1 + (N − df + 0.5) / (df + 0.5)); a document's term weight is
tf (k1 + 1) / (tf + k1 (1 − b + b dl / avgdl)) with k1 = 1.2, b = 0.75; tf counts a title or
keyword occurrence twice (`FIELD_WEIGHTS`), dl is the document's weighted word count. A query
term's weight is 1 + ln(its weighted count); text(d) = Σ query weight × idf × term weight.

Hub score of an offer with text > 0 (the others are not proposed):
    score = text / best text of this need
          + W["sector"] × sector fit  (1 the need's VSIC division, 0.5 a related one)
          + W["field"]  × field fit   (1 when the offer's field serves the need's division)
          + W["region"] × region fit  (1 the same province, 0.5 the same region)
          + W["stage"]  × stage fit   (1 at TRL ≥ 6, ready to deploy; 0.5 at 4–5 or unknown)
The weights were chosen on the development needs of tests/fixtures/market (see
`matching_eval`), never on the held-out ones. The bm25 methods score text / best text alone.

Index: postings of each term are a slice of flat numpy arrays (document numbers int32, term
weights float32), as in `similarity`; a query adds the slices of its terms, so one need against
100,000 offers costs a few numpy additions per query term.
"""

from __future__ import annotations

import csv
import math
import re
from array import array
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from stihub.engines.id_csv import id_rows, split
from stihub.engines.matching_vocab import Vocabulary, load_vocabulary, residue_fold
from stihub.engines.problems import DataError, Problem, gettext_noop
from stihub.engines.similarity import STOP, spans
from stihub.engines.text import fold

METHODS = ("hub", "bm25-folded", "bm25-syllables")
DEFAULT_METHOD = "hub"
OFFER_COLUMNS = ("id", "title", "description", "field", "sector", "region", "stage", "keywords")
NEED_COLUMNS = ("id", "title", "description", "sector", "region", "keywords")
FIELD_WEIGHTS = {"title": 2.0, "description": 1.0, "keywords": 2.0}
K1, B = 1.2, 0.75
EXPAND = 0.6  # weight of a term brought by the vocabulary, against 1 for a typed one
W = {"sector": 0.1, "field": 0.1, "region": 0.05, "stage": 0.05}
READY_STAGE = 6
MAX_TERMS, MAX_VIA = 8, 5
# Function words that, written with their marks, are not the syllable they fold to ("được" is
# not "dược", medicine; "của" not "cua", crab; "bị" not "bí", pumpkin): skipped when typed so;
# typed without marks they stay ambiguous and are kept.
MARKED_STOP = frozenset({"được", "của", "những", "này", "đã", "để", "với"})

CANNOT_READ = gettext_noop("Cannot read %(file)s: %(error)s")
NO_TEXT = gettext_noop("The row has neither a title nor a description.")
BAD_FIELD = gettext_noop("%(value)s is not a code of the fields of science (e.g. 2.7).")
BAD_SECTOR = gettext_noop("%(value)s is not a VSIC division: write two digits (e.g. 10).")
BAD_STAGE = gettext_noop("%(value)s is not a technology readiness level: write 1 to 9.")
UNKNOWN_METHOD = gettext_noop("Unknown method %(value)s; the methods are: %(known)s.")

_FIELD = re.compile(r"^[1-6](\.\d{1,2})?$")
_SECTOR = re.compile(r"^\d{2}$")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Offer:
    """A technology offered (công nghệ chào bán), one row of OFFERS.csv."""

    id: str
    title: str = ""
    description: str = ""
    field: str = ""
    sector: str = ""
    region: str = ""
    stage: int | None = None
    keywords: tuple = ()


@dataclass(frozen=True)
class Need:
    """A technology need (nhu cầu công nghệ) of an enterprise or a farmer, one row of NEEDS.csv."""

    id: str
    title: str = ""
    description: str = ""
    sector: str = ""
    region: str = ""
    keywords: tuple = ()


# --- reading the files -----------------------------------------------------------------------


def _read(lines, columns, problems: list, make) -> list:
    records = []
    for line, cell in id_rows(lines, columns, problems):
        if not cell["title"] and not cell["description"]:
            problems.append(Problem(NO_TEXT, row=line, column="title"))
        if cell.get("field") and not _FIELD.match(cell["field"]):
            problems.append(Problem(BAD_FIELD, {"value": cell["field"]}, row=line, column="field"))
        sector = cell["sector"]
        if sector and (not _SECTOR.match(sector) or sector == "00"):
            problems.append(Problem(BAD_SECTOR, {"value": sector}, row=line, column="sector"))
        if cell.get("stage") and cell["stage"] not in tuple("123456789"):
            params = {"value": cell["stage"]}
            problems.append(Problem(BAD_STAGE, params, row=line, column="stage"))
            cell["stage"] = ""
        records.append(make(cell))
    return records


def read_offers(lines, problems: list) -> list[Offer]:
    """Offers from CSV lines (header first); problems appended with line and column."""

    def make(c):
        stage = int(c["stage"]) if c["stage"] else None
        return Offer(c["id"], c["title"], c["description"], c["field"], c["sector"],
                     c["region"], stage, split(c["keywords"]))  # fmt: skip

    return _read(lines, OFFER_COLUMNS, problems, make)


def read_needs(lines, problems: list) -> list[Need]:
    """Needs from CSV lines (header first); problems appended with line and column."""

    def make(c):
        return Need(c["id"], c["title"], c["description"], c["sector"], c["region"],
                    split(c["keywords"]))  # fmt: skip

    return _read(lines, NEED_COLUMNS, problems, make)


def _load(path, reader):
    problems = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            records = reader(handle, problems)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError([Problem(CANNOT_READ, {"file": str(path), "error": str(exc)})]) from exc
    if problems:
        raise DataError(problems)
    return records


def load_offers_file(path) -> list[Offer]:
    """Read OFFERS.csv (UTF-8); raise DataError listing every problem."""
    return _load(path, read_offers)


def load_needs_file(path) -> list[Need]:
    """Read NEEDS.csv (UTF-8); raise DataError listing every problem."""
    return _load(path, read_needs)


# --- terms -----------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def _fold_token(token: str) -> tuple:
    return tuple(fold(token).split())


def tokens(text: str, vocabulary: Vocabulary | None = None) -> list[tuple[str, str]]:
    """(as typed, folded) for each word of `text`; with a vocabulary, Telex/VNI residue is
    folded back ("gaf" → "ga") and abbreviations become their words ("xlnt" → 4 words)."""
    found = []
    for token in _WORD.findall(str(text or "")):
        for word in _fold_token(token):
            if vocabulary is not None and token.isascii():
                expanded = vocabulary.abbreviations.get(word)
                if expanded:
                    found += [(w, f) for w in expanded.split() for f in _fold_token(w)]
                    continue
                word = residue_fold(word) or word
            found.append((token, word))
    return found


def _fields(record) -> list[tuple[str, float]]:
    parts = [(record.title, FIELD_WEIGHTS["title"]), (record.description, 1.0)]
    return parts + [(k, FIELD_WEIGHTS["keywords"]) for k in record.keywords]


def terms(record, method: str, vocabulary: Vocabulary | None = None) -> dict[str, float]:
    """Weighted term counts of an offer or a need under `method` (see the module)."""
    tf: dict[str, float] = {}
    for text, weight in _fields(record):
        if method == "bm25-syllables":
            found = [w for token in _WORD.findall(text.lower()) for w in [token]]
        elif method == "bm25-folded":
            words = _WORD.findall(text.lower())
            found = [w for token in words for w in ("=" + token, *_fold_token(token))]
        else:
            found, previous = [], None
            for typed, word in tokens(text, vocabulary):
                if word in STOP or typed.lower() in MARKED_STOP:
                    previous = None
                    continue
                found.append(word)
                if previous is not None:
                    found.append(f"{previous} {word}")
                previous = word
        for term in found:
            tf[term] = tf.get(term, 0.0) + weight
    return tf


def expansions(need: Need, vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """(what the need said, technology term) for each vocabulary entry the need triggers."""
    found, seen = [], set()
    for text, _ in _fields(need):
        pairs = tokens(text, vocabulary)
        for said, term in vocabulary.expand([f for _, f in pairs], [t for t, _ in pairs]):
            if term not in seen:
                seen.add(term)
                found.append((said, term))
    return found


# --- the index -------------------------------------------------------------------------------


class Index:
    """The offers, indexed for one method (see the module)."""

    def __init__(self, offers: list[Offer], method: str, vocabulary: Vocabulary):
        self.offers, self.method, self.vocabulary = list(offers), method, vocabulary
        self.weights = dict(W)
        self.expand = EXPAND

    @classmethod
    def build(cls, offers, method: str = DEFAULT_METHOD, vocabulary=None) -> Index:
        """The index of `offers` (ids unique) for `method`; ValueError for an unknown method."""
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}")
        index = cls(offers, method, vocabulary or load_vocabulary())
        voc = index._terms = {}
        term_ids, counts, lengths, sizes = array("i"), array("f"), array("f"), array("i")
        for offer in index.offers:
            tf = terms(offer, method, index.vocabulary)
            term_ids.extend([voc.setdefault(t, len(voc)) for t in tf])
            counts.extend(tf.values())
            sizes.append(len(tf))
            lengths.append(sum(v for t, v in tf.items() if " " not in t and t[0] != "="))
        n = len(index.offers)
        ids = np.frombuffer(term_ids, dtype=np.int32) if term_ids else np.zeros(0, np.int32)
        tf = np.frombuffer(counts, dtype=np.float32) if counts else np.zeros(0, np.float32)
        dl = np.frombuffer(lengths, dtype=np.float32) if lengths else np.zeros(0, np.float32)
        owner = np.repeat(np.arange(n, dtype=np.int32), np.frombuffer(sizes, dtype=np.int32))
        avgdl = float(dl.mean()) if n and dl.mean() > 0 else 1.0
        norm = K1 * (1 - B + B * dl[owner] / avgdl)
        weight = tf * (K1 + 1) / (tf + norm)
        df = np.bincount(ids, minlength=len(voc))
        index._idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        order = np.argsort(ids, kind="stable")
        index._postings = owner[order]
        index._weights = weight[order].astype(np.float32)
        index._starts = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
        index._features()
        return index

    def _features(self) -> None:
        """Per-offer arrays for the features: sector, field and province as small integers."""
        voc = self.vocabulary
        self._sector = np.array([int(o.sector) if o.sector else 0 for o in self.offers], np.int16)
        self._field_codes = sorted({o.field for o in self.offers})
        codes = {c: i for i, c in enumerate(self._field_codes)}
        self._field = np.array([codes[o.field] for o in self.offers], np.int32)
        provinces = sorted({voc.province(o.region) for o in self.offers})
        self._provinces = provinces
        where = {p: i for i, p in enumerate(provinces)}
        self._province = np.array([where[voc.province(o.region)] for o in self.offers], np.int32)
        stage = np.array([o.stage or 0 for o in self.offers])
        self._stage_fit = np.where(stage >= READY_STAGE, 1.0, np.where(stage >= 4, 0.5, 0.0))
        self._stage_fit[stage == 0] = 0.5

    def __len__(self) -> int:
        return len(self.offers)

    def query(self, need: Need) -> tuple[dict[str, float], list[tuple[str, str]]]:
        """The need's weighted query terms and its expansions (what it said, term)."""
        tf = terms(need, self.method, self.vocabulary)
        query = {t: 1.0 + math.log(c) for t, c in tf.items() if c > 0}
        found = []
        if self.method == "hub":
            found = expansions(need, self.vocabulary)
            for _, term in found:
                for t in _phrase_terms(term):
                    query[t] = max(query.get(t, 0.0), self.expand)
        return query, found

    def text_scores(self, query: dict[str, float]) -> np.ndarray:
        """BM25 of the query with every offer, in the order of `offers`."""
        scores = np.zeros(len(self.offers))
        for term, weight in query.items():
            t = self._terms.get(term)
            if t is not None:
                a, b = self._starts[t], self._starts[t + 1]
                scores[self._postings[a:b]] += (weight * self._idf[t]) * self._weights[a:b]
        return scores

    def fits(self, need: Need) -> dict[str, np.ndarray]:
        """Sector, field, region and stage fit of every offer for `need`, each in [0, 1]."""
        voc = self.vocabulary
        by_sector = np.zeros(100)
        if need.sector:
            by_sector[[int(s) for s in voc.related_sectors.get(need.sector, ())]] = 0.5
            by_sector[int(need.sector)] = 1.0
        by_sector[0] = 0.0
        served = voc.sector_fields.get(need.sector, ())
        by_field = np.array([float(_serves(c, served)) for c in self._field_codes])
        mine = voc.province(need.region)
        zone = voc.region_of(mine)
        by_province = np.array(
            [1.0 if p and p == mine else 0.5 if zone and voc.region_of(p) == zone else 0.0
             for p in self._provinces]
        )  # fmt: skip
        return {
            "sector": by_sector[self._sector],
            "field": by_field[self._field] if len(by_field) else np.zeros(len(self)),
            "region": by_province[self._province] if len(by_province) else np.zeros(len(self)),
            "stage": self._stage_fit,
        }

    def scores(self, need: Need) -> tuple[np.ndarray, dict]:
        """The score of every offer for `need` (0 for those sharing no term), and what `why`
        needs: the query terms, the expansions used and the fits."""
        query, found = self.query(need)
        text = self.text_scores(query)
        fits = self.fits(need)
        context = {"query": query, "found": found, "fits": fits}
        best = text.max() if len(text) else 0.0
        if best <= 0:
            return np.zeros(len(self.offers)), context
        score = text / best
        if self.method == "hub":
            for name, fit in fits.items():
                score = score + self.weights[name] * fit
        return np.where(text > 0, score, 0.0), context

    def rank(self, need: Need, top: int = 10) -> list[dict]:
        """The `top` offers for `need`, best first (ties by id), each {"id", "score", "why"}."""
        score, context = self.scores(need)
        candidates = np.flatnonzero(score > 0)
        if len(candidates) > top:
            kth = np.partition(score[candidates], -top)[-top]
            candidates = candidates[score[candidates] >= kth - 1e-4]
        ranked = sorted((-round(float(score[i]), 4), self.offers[i].id, i) for i in candidates)
        context["typed"] = terms(need, self.method, self.vocabulary)
        return [
            {"id": offer_id, "score": -minus, "why": self.why(i, context)}
            for minus, offer_id, i in ranked[:top]
        ]

    def explain(self, need: Need, i: int) -> tuple[float, dict]:
        """The score of offer number `i` for `need` and why it matches (for one pair)."""
        score, context = self.scores(need)
        context["typed"] = terms(need, self.method, self.vocabulary)
        return round(float(score[i]), 4), self.why(i, context)

    def why(self, i: int, context: dict) -> dict:
        """Why offer number `i` matches (`context` from `scores`, with the need's own terms
        as "typed"): shared terms as the offer writes them, the vocabulary links that
        connected them, and the fits."""
        query, found, typed = context["query"], context["found"], context["typed"]
        offer = self.offers[i]
        mine = terms(offer, self.method, self.vocabulary)
        n, often = len(self.offers), max(2.0, 0.1 * len(self.offers))
        rare = math.log(1 + (n - often + 0.5) / (often + 0.5))  # a unigram in <= 10%
        # shown: what the two share that few offers have (a pair such as "công ty" in every
        # other offer explains nothing)
        shared = [t for t in typed if t in mine and self._idf[self._terms[t]] >= rare]
        shared.sort(key=lambda t: (" " not in t, -self._idf[self._terms[t]] * query.get(t, 0)))
        pairs = {t for t in shared if " " in t}
        texts, via, seen = [], [], set()
        for original in _runs(pairs, offer) + [
            _find([t.lstrip("=")], offer) or t.lstrip("=") for t in shared if " " not in t
        ]:
            folded = fold(original)
            if not any(folded in s for s in seen):  # a word inside a listed phrase
                seen.add(folded)
                texts.append(original)
        linked = set()
        for said, term in found:
            original = _find(fold(term).split(), offer)
            new = original and not set(_phrase_terms(term)) <= set(typed)
            if new and (said, original.lower()) not in linked and len(via) < MAX_VIA:
                linked.add((said, original.lower()))
                via.append(f"{said} → {original}")
        fit = {k: float(v[i]) for k, v in context["fits"].items()}
        return {
            "terms": texts[:MAX_TERMS],
            "via": via,
            "sector": fit["sector"] > 0,
            "field": fit["field"] > 0,
            "region": fit["region"] > 0,
            "stage": offer.stage,
        }


def _serves(code: str, served: tuple) -> bool:
    return any(code == s or code.startswith(s + ".") for s in served)


def _phrase_terms(term: str) -> list[str]:
    """The hub terms of a technology term: its folded words and their adjacent pairs."""
    words = [w for w in fold(term).split() if w not in STOP]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def _runs(pairs: set, offer: Offer) -> list[str]:
    """The longest runs of the offer's words whose adjacent pairs are all in `pairs`, as the
    offer wrote them, longest first: pairs "nuoc thai", "thai che", "che bien" → "nước thải
    chế biến"."""
    found = []
    for text in (offer.title, *offer.keywords, offer.description):
        words = spans(text)
        j = 0
        while j < len(words) - 1:
            k = j
            while k < len(words) - 1 and f"{words[k][0]} {words[k + 1][0]}" in pairs:
                k += 1
            if k > j:
                found.append(text[words[j][1] : words[k][2]])
            j = max(k, j + 1)
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda t: -len(t.split()))


def _find(wanted: list[str], offer: Offer) -> str | None:
    """The first place the folded words `wanted` occur in a row in the offer's text (title,
    keywords, description), as the offer wrote them; None if they do not."""
    for text in (offer.title, *offer.keywords, offer.description):
        words = spans(text)
        for j in range(len(words) - len(wanted) + 1):
            if [w for w, _, _ in words[j : j + len(wanted)]] == wanted:
                return text[words[j][1] : words[j + len(wanted) - 1][2]]
    return None


def match(needs, offers, top: int = 10, method: str = DEFAULT_METHOD, vocabulary=None) -> dict:
    """{"method", "matches": [{"need": id, "offers": [{"id", "score", "why"}]}]} for every
    need, offers best first; DataError for an unknown method."""
    if method not in METHODS:
        params = {"value": method, "known": ", ".join(METHODS)}
        raise DataError([Problem(UNKNOWN_METHOD, params)])
    index = Index.build(offers, method, vocabulary)
    return {
        "method": method,
        "matches": [{"need": n.id, "offers": index.rank(n, top)} for n in needs],
    }


def needs_for_offer(offer_id: str, needs, index: Index, top: int = 10) -> list[dict]:
    """The needs an offer could serve: each need's score for the offer, best first (ties by
    id), the needs that do not propose it left out; [{"need", "score"}]."""
    position = next(i for i, o in enumerate(index.offers) if o.id == offer_id)
    found = []
    for need in needs:
        score = float(index.scores(need)[0][position])
        if score > 0:
            found.append((-round(score, 4), need.id))
    return [{"need": n, "score": -s} for s, n in sorted(found)[:top]]
