"""Number and status formatting, defined once for screens, downloads and documents."""

import math

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

register = template.Library()


@register.filter
def num(value, places=None):
    """A number in the active language's format (vi: 1.234,5), at most 2 decimals by default."""
    if value is None or value == "" or math.isnan(float(value)):
        return "–"
    value = float(value)
    if places is None:
        rounded = round(value, 2)
        places = 0 if rounded == int(rounded) else 1 if round(value, 1) == rounded else 2
    return number_format(round(value, int(places)), int(places), use_l10n=True, force_grouping=True)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def problem(p):
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


@register.inclusion_tag("core/status_badge.html")
def status_badge(status):
    return {"status": status}


@register.filter
def for_target(value, target):
    """A value in the target's terms: an ordinal scale label, or the number and its unit."""
    if value is None:
        return "–"
    scale = getattr(target, "scale", None)
    if scale and float(value).is_integer() and 1 <= int(value) <= len(scale):
        return f"{scale[int(value) - 1]} ({num(value)})"
    unit = getattr(target, "unit", "")
    return f"{num(value)} {unit}".strip()
