"""Vietnamese text as people type it: accent folding, search words and alphabetical order.

Defined once here for the registries' search, the matching engine and the screens. People type
names with or without their marks ("nguyen van" for "Nguyễn Văn", "Duong" for "Dương", "d" for
"đ"), so search compares the *folded* form: decomposed (NFD), combining marks dropped, đ/Đ
mapped to d, lower-cased. The folded form is plain ASCII letters, digits and spaces, which both
SQLite and PostgreSQL compare byte by byte, so a search gives the same rows on both.

Vietnamese alphabetical order (a ă â b c d đ e ê ... then the tones) is kept as a key of digits
(`sort_key`), which any database collation orders like Python does.
"""

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text) -> str:
    """Lower-case ASCII words of `text` separated by single spaces: "Đường Hồ Chí Minh, 12" →
    "duong ho chi minh 12"."""
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "d")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _NON_WORD.sub(" ", text).strip()


def words(text) -> list[str]:
    """The folded words of `text`, in order."""
    return fold(text).split()


def exact(text) -> str:
    """Lower-cased words of `text` with their marks (NFC), for preferring what was typed with
    accents: "Dương" ranks "Dương" before "Đường" though both fold to "duong"."""
    text = unicodedata.normalize("NFC", str(text or "")).casefold()
    return " ".join(re.findall(r"\w+", text))


# The Vietnamese alphabet; f, j, w, z (loanwords) take their Latin places.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Tones in dictionary order: ngang (none), huyền, hỏi, ngã, sắc, nặng.
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTERS_FROM = 0x110000  # above every code point: any other character sorts before the letters


def letters_and_tones(text) -> tuple[tuple, tuple]:
    """(letters, tones) of `text` in Vietnamese order, case ignored: each letter its place in
    the alphabet (anything else before the letters), each tone its dictionary rank."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFC", str(text).casefold()):
        marks = unicodedata.normalize("NFD", char)
        letter = unicodedata.normalize("NFC", "".join(m for m in marks if m not in TONES))
        if not letter:  # a lone tone mark
            continue
        position = ALPHABET.find(letter)
        letters.append(_LETTERS_FROM + position if position >= 0 else ord(letter[0]))
        tones.append(next((TONES[m] for m in marks if m in TONES), 0))
    return tuple(letters), tuple(tones)


def vietnamese_sort_key(text) -> tuple:
    """Sort key for Vietnamese order: a ă â b c d đ e ê ... by letter, then by tone; no case.

    Anything that is not a letter (spaces, digits, punctuation) sorts before the letters, so
    "Anh Sơn" comes before "Anhxa". The text itself breaks the last ties.
    """
    return (*letters_and_tones(text), str(text))


def _code(letter: int) -> str:
    """Three digits per character: 000 ends the letters, 001 a space or punctuation, 010–019
    digits, 100+ the letters of the alphabet; so shorter sorts first and the order is Python's."""
    if letter >= _LETTERS_FROM:
        return str(100 + letter - _LETTERS_FROM)
    char = chr(letter)
    if char.isdigit() and char.isascii():
        return f"0{10 + int(char)}"
    return "001"


def sort_key(text, max_length: int = 120) -> str:
    """`vietnamese_sort_key` as a string of digits that a database orders the same way (an
    ORDER BY on it gives Vietnamese order on SQLite and PostgreSQL alike)."""
    letters, tones = letters_and_tones(" ".join(str(text).split())[:max_length])
    return "".join(map(_code, letters)) + "000" + "".join(map(str, tones))


def person_sort_text(full_name: str) -> str:
    """A Vietnamese person's name as lists sort it: the given name (last word) first, then the
    family and middle names, "Nguyễn Văn An" → "An Nguyễn Văn"."""
    parts = str(full_name).split()
    return " ".join(parts[-1:] + parts[:-1])
