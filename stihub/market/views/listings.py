"""The marketplace (published offers and needs, searched with or without marks), a listing's
page with its matches for the owner and DOST, and the owners' pages: submit, edit, renew,
withdraw, judge a match.

A listing the viewer may not see (a draft, one awaiting moderation, withdrawn, expired...) is a
404 for anyone but its owner and DOST: nobody learns of it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stihub.core.permissions import check, require
from stihub.core.rules import is_dost
from stihub.core.views import query_with

from .. import listings, matching
from ..choices import OPEN_STEPS, Kind, Partnership, Status
from ..forms import FeedbackForm, ListingForm, MarketFilter, ModerationForm, RenewForm, WithdrawForm
from ..models import Connection, Listing

PAGE_SIZE = 25


@require("market.view_market")
def market(request):
    """The marketplace: search as people type (htmx asks for the results alone), filters, pages;
    a plain GET form without JavaScript."""
    params = request.GET.copy()
    for key in [k for k, v in params.items() if v == ""]:  # an empty select means "any"
        del params[key]
    filterset = MarketFilter(params, queryset=listings.live())
    context = {
        "filter": filterset,
        "q": params.get("q", ""),
        "params": params,
        "kinds": Kind.choices,
        "partnerships": Partnership.choices,
        "stages": range(1, 10),
    }
    valid = filterset.is_valid()
    if valid:
        page = Paginator(filterset.qs.select_related("field"), PAGE_SIZE).get_page(
            params.get("page")
        )
        for listing in page:
            listing.shown_owner = listings.owner_label(listing, request.user)
        context.update(
            page=page,
            searched=filterset.query is not None,
            previous=query_with(params, page=page.previous_page_number())
            if page.has_previous()
            else "",
            next=query_with(params, page=page.next_page_number()) if page.has_next() else "",
        )
    partial = request.headers.get("HX-Request") == "true"
    template = "market/_market_results.html" if partial else "market/market.html"
    return render(request, template, context, status=200 if valid else 400)


def _visible(request, pk) -> Listing:
    listing = get_object_or_404(Listing.objects.select_related("field", "owner"), pk=pk)
    if not request.user.has_perm("market.see_listing", listing):
        raise Http404
    return listing


@require("market.view_market")
def detail(request, pk):
    """A listing's page: what is offered or needed, by whom (unless hidden), and, for its owner
    and DOST, the matches with their explanations and the connections it has."""
    listing = _visible(request, pk)
    user = request.user
    owner = user.is_authenticated and listing.owner_id == user.pk
    context = {
        "listing": listing,
        "owner": owner,
        "dost": is_dost(user),
        "shown_owner": listings.owner_label(listing, user),
        "contacts": listings.contacts_released_to(user, listing),
        "can_interest": user.has_perm("market.express_interest", listing),
        "can_edit": user.has_perm("market.edit_listing", listing),
        "open_connection": (
            Connection.objects.filter(listing=listing, requester=user).order_by("-pk").first()
            if user.is_authenticated
            else None
        ),
    }
    if user.has_perm("market.see_matches", listing):
        if listing.kind == Kind.NEED:
            context["matches"] = matching.offers_for(listing, user, request=request)
        else:
            context["matches"] = matching.needs_for(listing, user, request=request)
        context["connections"] = listing.connections.select_related("requester").order_by("-pk")
        context["moderation_form"] = ModerationForm() if is_dost(user) else None
        context["renew_form"] = RenewForm(initial={"until": listings.default_expiry()})
        context["withdraw_form"] = WithdrawForm()
    return render(request, "market/detail.html", context)


@require("market.submit")
def new(request, kind):
    """Submit an offer or a need: saved as a draft, or sent to DOST for moderation."""
    if kind not in Kind.values:
        raise Http404
    user = request.user
    initial = {
        "owner_name": user.get_full_name() or user.username,
        "contact_name": user.get_full_name(),
        "contact_email": user.email,
    }
    form = ListingForm(request.POST or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        listing = form.save(commit=False)
        listing.kind, listing.owner = kind, user
        submit = "submit" in request.POST
        listings.save_new(listing, submit=submit)
        messages.success(
            request,
            _("Sent to DOST for moderation: it is published once checked.")
            if submit
            else _("Saved as a draft."),
        )
        return redirect("market:detail", listing.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "market/listing_form.html", {"form": form, "kind": kind}, status=status)


@require("market.view_own")
def mine(request):
    """The user's own offers and needs in every state, and the connections they take part in."""
    user = request.user
    rows = Listing.objects.filter(owner=user).order_by("-created_at", "-pk")
    waiting = Connection.objects.filter(listing__owner=user, step__in=OPEN_STEPS).count()
    return render(request, "market/mine.html", {"listings": rows, "waiting": waiting})


@require("market.view_own")
def edit(request, pk):
    listing = _visible(request, pk)
    check(request, "market.edit_listing", listing)
    form = ListingForm(request.POST or None, instance=listing)
    if request.method == "POST" and form.is_valid():
        was_published = listing.status == Status.PUBLISHED
        listings.save_edit(form.save(commit=False), submit="submit" in request.POST)
        if listing.status == Status.PENDING:
            messages.success(
                request,
                _("Changes sent to DOST: the listing is back on the market once checked.")
                if was_published
                else _("Sent to DOST for moderation: it is published once checked."),
            )
        else:
            messages.success(request, _("Saved as a draft."))
        return redirect("market:detail", listing.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "kind": listing.kind, "listing": listing}
    return render(request, "market/listing_form.html", context, status=status)


def _owner_action(request, pk, form_class, act):
    listing = _visible(request, pk)
    if listing.owner_id != request.user.pk:
        raise PermissionDenied
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("market:detail", listing.pk)
    try:
        act(listing, form.cleaned_data)
    except listings.Refused as refused:
        messages.error(request, str(refused))
    return redirect("market:detail", listing.pk)


@require_POST
@require("market.view_own")
def renew(request, pk):
    def act(listing, data):
        listings.renew(listing, data["until"])
        messages.success(
            request,
            _("On the market until %(date)s.") % {"date": listing.expires_on.strftime("%d/%m/%Y")},
        )

    return _owner_action(request, pk, RenewForm, act)


@require_POST
@require("market.view_own")
def withdraw(request, pk):
    def act(listing, data):
        listings.withdraw(listing, data["reason"])
        messages.success(request, _("The listing is withdrawn from the market."))

    return _owner_action(request, pk, WithdrawForm, act)


@require_POST
@require("market.view_own")
def feedback(request, pk):
    """Mark a match of a need as useful or not (the need's owner or DOST)."""
    need = _visible(request, pk)
    check(request, "market.see_matches", need)
    form = FeedbackForm(request.POST)
    if need.kind != Kind.NEED or not form.is_valid():
        raise Http404
    offer = get_object_or_404(Listing, pk=form.cleaned_data["offer"], kind=Kind.OFFER)
    if not request.user.has_perm("market.see_listing", offer):
        raise Http404
    matching.record_feedback(need, offer, request.user, form.cleaned_data["useful"])
    if request.headers.get("HX-Request") == "true":
        context = {"need": need, "offer": offer, "useful": form.cleaned_data["useful"]}
        return render(request, "market/_feedback.html", context)
    messages.success(request, _("Thank you: your judgement of the match is kept."))
    return redirect("market:detail", need.pk)
