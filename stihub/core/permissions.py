"""Who may do what: each rule defined once, used by views, the API and templates."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def anyone(user) -> bool:
    """Public reads: everyone, signed in or not (an explicit choice, not a missing check)."""
    return True


def is_dost(user) -> bool:
    """DOST officers and administrators run the platform."""
    return bool(user.is_authenticated and user.is_dost)


def can_view_history(user) -> bool:
    """Change history names the people who changed things: staff only."""
    return is_dost(user)


def require(rule):
    """Decorator: anonymous users are sent to sign in; signed-in users without the right get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if rule(request.user):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied

        wrapped.permission_rule = rule
        return wrapped

    return decorator
