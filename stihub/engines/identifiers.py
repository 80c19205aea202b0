"""Identifiers of the registries, checked with python-stdnum (a maintained library):
Vietnamese tax codes (mã số thuế: 10 digits with the official check digit, or 10 + "-" + 3 for
a branch) and ORCID iDs (16 characters, ISO 7064 MOD 11-2 check). VSIC codes are checked for
their form here and against the loaded classification by the caller.

Each check returns the normalised value or raises `ValueError` whose message is a translatable
template (see `problems.gettext_noop`), so the import, the forms and the API say the same thing.
"""

import re

from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_11_2
from stdnum.vn import mst

from .problems import gettext_noop

BAD_TAX_CODE = gettext_noop(
    "%(value)s is not a valid tax code: 10 digits with the right check digit, or 10 digits, a"
    " hyphen and 3 digits for a branch."
)
BAD_ORCID = gettext_noop(
    "%(value)s is not a valid ORCID iD: 16 characters in four groups (0000-0002-1825-0097) whose"
    " last one is the check character."
)
BAD_VSIC = gettext_noop("%(value)s is not a VSIC 2018 code: 2 to 5 digits, e.g. 10 or 1079.")


class IdentifierError(ValueError):
    """An identifier failed its check; `template` and `params` say why, translatably."""

    def __init__(self, template: str, value: str):
        self.template, self.params = template, {"value": value}
        super().__init__(template % self.params)


def tax_code(value) -> str:
    """ "0100109106" or "0100109106-001" (spaces and dots removed), else IdentifierError."""
    text = str(value or "").strip()
    try:
        # stdnum accepts 13 digits without the hyphen too; we write the branch with it.
        code = mst.validate(text)
    except ValidationError:
        raise IdentifierError(BAD_TAX_CODE, text) from None
    return code if len(code) == 10 else f"{code[:10]}-{code[10:]}"


def orcid(value) -> str:
    """ "0000-0002-1825-0097" from that or from its URL or without hyphens, else IdentifierError."""
    text = str(value or "").strip()
    bare = re.sub(r"^(https?://)?(www\.)?orcid\.org/", "", text, flags=re.IGNORECASE)
    bare = bare.replace("-", "").replace(" ", "").upper()
    if not re.fullmatch(r"\d{15}[\dX]", bare) or not mod_11_2.is_valid(bare):
        raise IdentifierError(BAD_ORCID, text)
    return "-".join(bare[i : i + 4] for i in range(0, 16, 4))


def vsic(value) -> str:
    """A VSIC 2018 code of 2 to 5 digits (division to subclass), else IdentifierError."""
    text = str(value or "").strip()
    if not re.fullmatch(r"\d{2,5}", text):
        raise IdentifierError(BAD_VSIC, text)
    return text
