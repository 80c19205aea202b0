"""Numbers, target values and data problems as people read them, in the active language.

Defined once here for screens, downloads, documents and the command line; the template filters
in `templatetags/stihub.py` only expose these functions to templates.
"""

import math

from django.utils.formats import number_format
from django.utils.translation import gettext

from stihub.engines.text import vietnamese_sort_key


def num(value, places=None) -> str:
    """A number in the active language's format (vi: 1.234,5), at most 2 decimals by default."""
    if value is None or value == "" or math.isnan(float(value)):
        return "–"
    value = float(value)
    if places is None:
        rounded = round(value, 2)
        places = 0 if rounded == int(rounded) else 1 if round(value, 1) == rounded else 2
    return number_format(round(value, int(places)), int(places), use_l10n=True, force_grouping=True)


def problem(p) -> str:
    """A data problem in words, in the active language: where it is, then what is wrong."""
    message = gettext(p.template) % p.params if p.params else gettext(p.template)
    where = []
    if p.sheet:
        where.append(gettext("sheet %(sheet)s") % {"sheet": p.sheet})
    if p.row is not None:
        label = gettext("row %(n)s") if p.sheet else gettext("line %(n)s")
        where.append(label % {"n": p.row})
    if p.column:
        where.append(gettext("column %(column)s") % {"column": p.column})
    return f"{', '.join(where)}: {message}" if where else message


def for_target(value, target, upper=None) -> str:
    """A value in the target's terms: a scale label, "hạng 37", or the number and its unit.

    With `upper` (the upper end of a range target) it reads "6–12 doanh nghiệp".
    """
    if value is None:
        return "–"
    scale = getattr(target, "scale", None)
    if scale and float(value).is_integer() and 1 <= int(value) <= len(scale):
        return f"{scale[int(value) - 1]} ({num(value)})"
    number = num(value) if upper is None or upper == value else f"{num(value)}–{num(upper)}"
    if getattr(target, "kind", None) == "rank":
        return gettext("rank %(rank)s") % {"rank": number}
    unit = getattr(target, "unit", "")
    return f"{number} {unit}".strip()


def vietnamese_sorted(items) -> list:
    """Items (agencies, units, names) in Vietnamese alphabetical order of their text."""
    return sorted(items, key=lambda item: vietnamese_sort_key(str(item)))
