"""Form fields shared by every app: numbers typed the way people in Vietnam type them."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_GROUPED = r"[1-9]\d{{0,2}}(?:{sep}\d{{3}})+"  # 1.234 or 12.345.678: groups of three


def parse_number(text: str, thousands: str) -> float:
    """A number written with a comma or a point as decimal mark: "0,5", "0.5", "1.234,5".

    A mark written more than once, or before the other mark, groups thousands. One lone
    `thousands` mark (the active language's: "." in Vietnamese) between 1-3 digits and exactly
    three digits ("1.234") could mean either: `AmbiguousNumber`. Anything else: ValueError.
    """
    text = _SPACES.sub("", text).replace("\u2212", "-")
    sign, body = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
    if not re.fullmatch(r"[\d.,]*\d[\d.,]*", body):
        raise ValueError(text)
    marks = [c for c in body if c in ".,"]
    if len(set(marks)) == 2:  # the last mark is the decimal mark, the other groups
        decimal = marks[-1]
        whole, _mark, fraction = body.rpartition(decimal)
        group = "," if decimal == "." else "."
        if marks.count(decimal) > 1 or not re.fullmatch(
            _GROUPED.format(sep=re.escape(group)), whole
        ):
            raise ValueError(text)
        return float(f"{sign}{whole.replace(group, '')}.{fraction}")
    if len(marks) > 1:  # one mark several times: thousands only
        if not re.fullmatch(_GROUPED.format(sep=re.escape(marks[0])), body):
            raise ValueError(text)
        return float(sign + body.replace(marks[0], ""))
    if (
        marks
        and marks[0] == thousands
        and re.fullmatch(_GROUPED.format(sep=re.escape(thousands)), body)
    ):
        raise AmbiguousNumber(text)
    return float(sign + body.replace(",", "."))


class AmbiguousNumber(ValueError):
    """A number whose one mark may be a decimal mark or a thousands separator."""


class NumberField(forms.FloatField):
    """A float typed with a comma or a point as decimal mark, in a text box.

    Browsers' number inputs refuse a comma (or silently drop it: "0,5" became 5), so the widget
    is a text input asking phones for a decimal keypad; values are shown in the active language.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter a number, for example 0,5 or 1.234,5."),
        "ambiguous": _(
            "%(value)s could be read two ways: write %(whole)s for a whole number or "
            "%(decimal)s for a decimal."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int | float):
            return float(value)
        thousands = get_format("THOUSAND_SEPARATOR")
        try:
            return parse_number(str(value), thousands)
        except AmbiguousNumber:
            text = str(value).strip()
            decimal = "," if thousands == "." else "."
            raise ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={
                    "value": text,
                    "whole": text.replace(thousands, ""),
                    "decimal": text.replace(thousands, decimal),
                },
            ) from None
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
