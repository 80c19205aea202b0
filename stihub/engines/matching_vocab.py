"""How the matching engine reads Vietnamese as enterprises type it: Telex and VNI residue,
abbreviations, and the domain vocabulary that links a problem in lay words to technologies.

Telex/VNI residue (gõ thiếu bộ gõ). With the input method switched off, "nước" typed in Telex
arrives as "nuwowcs" and "gà" as "gaf"; in VNI as "nu7o71c", "ga2". `residue_fold` turns such
a word back into its folded form ("nuoc", "ga") by rule, not by a list: a Vietnamese syllable is
an onset (b, ch, d, đ=dd, g, gh, gi, kh, ng, ngh, nh, ph, qu, th, tr, ...) and a rhyme (one to
three vowels and an optional final c, ch, m, n, ng, nh, p, t). The Telex keys that never occur
in a folded syllable are the tone keys s f r x j after the onset, w (ư ơ ă) and the doubled
vowels aa ee oo (â ê ô); removing them must leave a valid syllable, or the word is left alone
("fenton", "biogas", "sms" are not residue). VNI digits are dropped the same way, except a
single trailing digit after one or two letters ("co2", "so2", "h2" are formulas). Only words
typed in plain ASCII are candidates, so a word with its marks is never touched.

The domain vocabulary (từ điển miền) is data, `data/market_vocabulary.tsv`, one entry a line:
`kind<TAB>key<TAB>value`:
- `expand`: a problem in lay words → technology terms (`;`-separated). The key is one or more
  triggers separated by `;`; a trigger is a folded phrase that must occur as consecutive words
  ("troi nom"), or two phrases joined by ` + ` that must both occur within `WINDOW` words of
  each other in the same text ("ga + chet": "gà ... ủ rũ rồi chết");
- `abbr`: an abbreviation typed as one word → its words ("xlnt" → "xử lý nước thải");
- `sector`: a VSIC division → related divisions (`;`-separated), both ways;
- `field`: a VSIC division → the Frascati fields that usually serve it (`2.7`, or `4` for all
  of 4.x);
- `region`: a province (tỉnh, thành phố) → its socio-economic region (vùng).
Lines starting with `#` and blank lines are comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from stihub.engines.text import fold

VOCABULARY_FILE = Path(__file__).parent / "data" / "market_vocabulary.tsv"
WINDOW = 10  # words between the two parts of an "A + B" trigger

_ONSET = re.compile(r"^(ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|dd|[bcdghklmnpqrstvx])?")
_RHYME = re.compile(r"^[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$")
_TONE_KEYS = re.compile(r"[sfrxj]")
_VNI = re.compile(r"^[a-z]*[aeiouyd][1-9][a-z1-9]*$")
_FORMULA = re.compile(r"^[a-z]{1,2}[1-9]$")


@lru_cache(maxsize=1 << 15)
def residue_fold(word: str) -> str | None:
    """The folded syllable that a Telex- or VNI-typed ASCII `word` stands for ("nuwowcs" →
    "nuoc", "ddaats" → "dat", "gaf" → "ga", "nu7o71c" → "nuoc"), or None when `word` is not
    residue (a plain folded syllable, an English word, an acronym, a formula)."""
    word = word.lower()
    if not word.isascii() or not word.isalnum():
        return None
    if any(c.isdigit() for c in word):
        if not _VNI.match(word) or _FORMULA.match(word):
            return None
        word = word.replace("d9", "dd")
        candidate = re.sub(r"[1-9]", "", word).replace("dd", "d")
        return candidate if _valid(candidate) and candidate != word else None
    onset = _ONSET.match(word)[0]
    rest = word[len(onset) :]
    rest = re.sub(r"([aou])w", r"\1", rest).replace("w", "u")
    rest = _TONE_KEYS.sub("", rest)
    rest = rest.replace("aa", "a").replace("ee", "e").replace("oo", "o")
    onset = "d" if onset == "dd" else onset
    candidate = onset + rest
    if candidate == word or not _valid(candidate):
        return None
    return candidate


def _valid(syllable: str) -> bool:
    """Whether a folded `syllable` has the shape of a Vietnamese one (onset + rhyme)."""
    onset = _ONSET.match(syllable)[0]
    if onset == "dd":
        return False
    rhyme = syllable[len(onset) :]
    if onset == "gi" and not rhyme:
        return True  # "gi" (gì)
    return bool(_RHYME.match(rhyme))


@dataclass(frozen=True)
class Trigger:
    """A lay phrase that calls for technology terms: one phrase, or two near each other."""

    parts: tuple  # one or two tuples of folded words
    text: str  # as written in the vocabulary, for `why`


@dataclass
class Vocabulary:
    """The domain vocabulary (see the module): expansions, abbreviations, sectors, regions."""

    expansions: list = field(default_factory=list)  # (Trigger, tuple of terms)
    abbreviations: dict = field(default_factory=dict)  # folded word → its words (original)
    related_sectors: dict = field(default_factory=dict)  # "01" → {"03", "10", ...}
    sector_fields: dict = field(default_factory=dict)  # "01" → ("4", "2.3", ...)
    regions: dict = field(default_factory=dict)  # folded province → folded region

    def province(self, text: str) -> str:
        """The folded province of a region cell ("Tỉnh Nghệ An" → "nghe an"); "" if none."""
        folded = fold(text)
        for prefix in ("tinh ", "thanh pho ", "tp "):
            if folded.startswith(prefix):
                folded = folded[len(prefix) :]
        return folded

    def region_of(self, province: str) -> str:
        return self.regions.get(province, "")

    def expand(self, words: list[str], originals: list[str]) -> list[tuple[str, str]]:
        """(trigger as the need wrote it, technology term) for every trigger found in the folded
        `words` of one text (`originals`: the same words as typed)."""
        found = []
        positions: dict[str, list[int]] = {}
        for i, w in enumerate(words):
            positions.setdefault(w, []).append(i)
        for trigger, terms in self.expansions:
            spans = [_occurrences(part, words, positions) for part in trigger.parts]
            if not all(spans):
                continue
            if len(spans) == 1:
                a, b = spans[0][0]
                said = " ".join(originals[a:b])
            else:
                near = [(x, y) for x in spans[0] for y in spans[1] if abs(x[0] - y[0]) <= WINDOW]
                if not near:
                    continue
                (a, b), (c, d) = sorted(near[0])
                if c <= b:  # next to each other or overlapping: one phrase
                    said = " ".join(originals[a : max(b, d)])
                else:
                    said = " ".join(originals[a:b]) + " … " + " ".join(originals[c:d])
            found += [(said, term) for term in terms]
        return found


def _occurrences(phrase: tuple, words: list[str], positions: dict) -> list[tuple[int, int]]:
    """(start, end) of each occurrence of the folded `phrase` in `words`."""
    n = len(phrase)
    return [(i, i + n) for i in positions.get(phrase[0], ()) if tuple(words[i : i + n]) == phrase]


def parse_vocabulary(lines) -> Vocabulary:
    """A Vocabulary from TSV lines (see the module); ValueError naming the line if malformed."""
    vocabulary = Vocabulary()
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"vocabulary line {number}: expected kind<TAB>key<TAB>value")
        kind, key, value = (p.strip() for p in parts)
        values = tuple(v.strip() for v in value.split(";") if v.strip())
        if kind == "expand":
            for trigger in key.split(";"):
                pieces = tuple(tuple(fold(p).split()) for p in trigger.split("+"))
                if all(pieces):
                    vocabulary.expansions.append((Trigger(pieces, trigger.strip()), values))
        elif kind == "abbr":
            vocabulary.abbreviations[fold(key)] = value
        elif kind == "sector":
            for other in values:
                vocabulary.related_sectors.setdefault(key, set()).add(other)
                vocabulary.related_sectors.setdefault(other, set()).add(key)
        elif kind == "field":
            vocabulary.sector_fields[key] = values
        elif kind == "region":
            vocabulary.regions[vocabulary.province(key)] = fold(value)
        else:
            raise ValueError(f"vocabulary line {number}: unknown kind {kind!r}")
    return vocabulary


@lru_cache(maxsize=4)
def load_vocabulary(path: str | Path = VOCABULARY_FILE) -> Vocabulary:
    """The vocabulary shipped with the engine (read once per process)."""
    with open(path, encoding="utf-8") as handle:
        return parse_vocabulary(handle)
