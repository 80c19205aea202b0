"""Every page and API route of the project states who may use it: no view without a rule."""

from django.urls import URLPattern, URLResolver, get_resolver


def project_views(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from project_views(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.callback.__module__.startswith("stihub."):
            yield prefix + str(p.pattern), p.callback


def test_every_project_view_has_a_permission_rule():
    views = list(project_views(get_resolver().url_patterns))
    assert len(views) > 10
    missing = [route for route, view in views if not has_rule(view)]
    assert missing == []


def has_rule(view) -> bool:
    """A page guarded by `core.permissions.require`, or a DRF view with permission classes."""
    api = getattr(view, "cls", None)
    return hasattr(view, "permission_rule") or bool(api and api.permission_classes)
