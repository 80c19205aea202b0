"""The one rule for codes people type: resolution, target, indicator, agency, unit, dataset.

A code becomes part of addresses (`/innovation/PII/2025/u/NAN/`, `/r/<code>/t/<target>/`), file
names and spreadsheet headers, so a "/", a space, a "?" or a letter that a URL has to escape must
never get in: one such code in a workbook or a resolution file would break the page for everyone.
Allowed: ASCII letters, digits, ".", "_" and "-", starting with a letter or a digit, at most
CODE_MAX_LENGTH characters (the shortest code column in the database, a target's, holds 30).
Every code the platform ships fits: NGHEAN-KHCN-DMST-2030, CT01, III.2.1, TINH_UY, PII_RANK,
NAN, T01, and the ISO3 codes of COINr's ASEM example.
"""

import re

from stihub.engines.problems import Problem, gettext_noop

CODE_MAX_LENGTH = 30
CODE_PATTERN = rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{CODE_MAX_LENGTH - 1}}}"
CODE_RE = re.compile(rf"^{CODE_PATTERN}\Z")
CODE_RULE = gettext_noop(
    "The code %(code)s is not allowed: a code has at most %(max)s characters, letters without"
    " accents, digits, dot, underscore and hyphen, and starts with a letter or a digit (e.g."
    " CT01, III.2.1, PII_RANK)."
)


def is_code(text) -> bool:
    """Whether `text` is a string that follows the code rule."""
    return isinstance(text, str) and CODE_RE.match(text) is not None


def code_problem(code: str, sheet=None, row=None, column=None) -> Problem | None:
    """A located problem naming the code and the rule when `code` breaks it; None when it fits."""
    if is_code(code):
        return None
    return Problem(CODE_RULE, code_params(code), sheet=sheet, row=row, column=column)


def code_params(code) -> dict:
    """The parameters of CODE_RULE for a code (shown as Python would quote it, so that a space
    or an invisible character can be seen)."""
    return {"code": repr(str(code)), "max": CODE_MAX_LENGTH}
