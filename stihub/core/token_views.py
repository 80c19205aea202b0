"""The API tokens page: who holds a token, since when, when it was last used; DOST revokes."""

from django.contrib import messages
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import tokens
from .models import ApiToken, SecurityEvent
from .permissions import require
from .security import log_event

MANAGE_TOKENS = "core.manage_api_tokens"


@require(MANAGE_TOKENS)
def token_list(request):
    """Every token, active ones first, with who holds it and when it was issued and last used."""
    rows = ApiToken.objects.select_related("user", "revoked_by").order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at"
    )
    return render(request, "core/tokens.html", {"tokens": rows})


@require(MANAGE_TOKENS)
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk)
    if tokens.revoke(token, by=request.user):
        log_event(
            request,
            SecurityEvent.Kind.TOKEN_REVOKED,
            detail=f"{token.prefix} of {token.user.get_username()}",
        )
        messages.success(
            request,
            _("The token %(prefix)s… of %(user)s is revoked: it no longer opens the API.")
            % {"prefix": token.prefix, "user": token.user.get_username()},
        )
    return redirect("api_tokens")
