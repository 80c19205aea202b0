"""Template filters: thin wrappers over `core.formatting`, where each format is defined."""

from django import template

from stihub.core import formatting

register = template.Library()

register.filter("num", formatting.num)
register.filter("problem", formatting.problem)
register.filter("for_target", formatting.for_target)
register.filter("vietnamese_sorted", formatting.vietnamese_sorted)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("core/status_badge.html")
def status_badge(status):
    return {"status": status}
