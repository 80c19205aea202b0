"""Asking the rules (`core/rules.py` and each app's `rules.py`) from pages and the API.

A page declares the permission it needs with `@require("app.perm")`; an API viewset declares
one per action in `permissions = {"list": ..., "create": ...}` (a plain API view, per method:
`{"get": ...}`). Anything not declared is refused.
"""

from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from rest_framework.permissions import BasePermission

from .rules import PUBLIC

__all__ = ["PUBLIC", "RulePermission", "check", "require"]


def _known(perm: str) -> str:
    if not rules.perm_exists(perm):
        raise ImproperlyConfigured(f"No rule declares the permission {perm!r}")
    return perm


def check(request, perm: str, obj=None) -> None:
    """Refuse unless the user holds `perm` on `obj`: anonymous users are asked to sign in."""
    if request.user.has_perm(perm, obj):
        return
    if not request.user.is_authenticated:
        raise _SignIn
    raise PermissionDenied


class _SignIn(Exception):
    pass


def require(perm: str):
    """Decorator: the view runs only for users holding `perm`; others get sign-in or 403."""
    _known(perm)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                check(request, perm)
                return view(request, *args, **kwargs)
            except _SignIn:
                return redirect_to_login(request.get_full_path())

        wrapped.permission = perm
        return wrapped

    return decorator


class RulePermission(BasePermission):
    """DRF: the permission the viewset declares for the action, asked of the user (and object).

    An action the viewset does not declare is refused, so a new action needs a rule first.
    """

    def _perm(self, view) -> str | None:
        """A viewset's permission by action ("list", "create"...), a plain view's by method."""
        action = getattr(view, "action", None) or view.request.method.lower()
        return getattr(view, "permissions", {}).get(action)

    def has_permission(self, request, view) -> bool:
        perm = self._perm(view)
        return perm is not None and request.user.has_perm(_known(perm))

    def has_object_permission(self, request, view, obj) -> bool:
        perm = self._perm(view)
        return perm is not None and request.user.has_perm(perm, obj)
