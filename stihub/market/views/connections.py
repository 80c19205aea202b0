"""Brokerage pages (môi giới, kết nối cung cầu): expressing interest in a listing, the
connections a user started or received (DOST: all), a connection's page with its dated steps,
the contacts as the owner released them and the forms of the next steps, and DOST's report of
connections and transactions per year (also as Excel).

A connection is seen by its two parties and DOST; anyone else gets 404. A refused move is shown
on the connection's page in words (status 400) and nothing is written (`brokerage.advance`).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from stihub.core.permissions import check, require
from stihub.core.rules import is_dost
from stihub.core.spreadsheets import xlsx_book
from stihub.core.uploads import XLSX

from .. import brokerage
from ..choices import OPEN_STEPS, Step
from ..connection_forms import (
    BrokerForm,
    ConnectionFilter,
    InterestForm,
    ReportFilter,
    StepForm,
)
from ..listings import Refused, contacts_released_to, owner_label
from ..models import Connection, Listing

PAGE_SIZE = 50
# The data a step records besides its date and note.
STEP_FIELDS = {
    Step.AGREEMENT: ("agreement_kind", "agreement_value"),
    Step.CLOSED: ("closed_reason",),
}
BUTTONS = {
    Step.MEETING: gettext_lazy("Record a meeting"),
    Step.NEGOTIATION: gettext_lazy("Record that negotiation began"),
    Step.AGREEMENT: gettext_lazy("Record the agreement"),
    Step.CLOSED: gettext_lazy("Close the connection"),
}


# --- pages -------------------------------------------------------------------------------------


@require("market.view_own")
def interest(request, pk):
    """Express interest in someone else's listing on the market; then the connection's page."""
    listing = get_object_or_404(Listing, pk=pk)
    if not request.user.has_perm("market.see_listing", listing):
        raise Http404
    existing = brokerage.open_connection(listing, request.user)
    if existing is not None:
        messages.info(
            request, _("You already expressed interest in this listing: continue that connection.")
        )
        return redirect("market:connection", existing.pk)
    check(request, "market.express_interest", listing)
    form = InterestForm(
        request.POST or None,
        user=request.user,
        listing=listing,
        initial={
            "requester_name": request.user.get_full_name(),
            "source": _preselected(request.user, listing, request.GET.get("from")),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            connection = brokerage.express_interest(
                listing,
                request.user,
                data["requester_name"],
                data["message"],
                source=data["source"],
            )
        except brokerage.AlreadyConnected as refusal:
            messages.info(request, str(refusal))
            return redirect("market:connection", refusal.connection.pk)
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _(
                    "Your interest was sent. The owner decides whether to release their "
                    "contacts to you; you follow the connection here."
                ),
            )
            return redirect("market:connection", connection.pk)
    return render(
        request,
        "market/interest.html",
        {
            "listing": listing,
            "owner": owner_label(listing, request.user),
            "form": form,
            "has_sources": form.fields["source"].queryset.exists(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _preselected(user, listing, value) -> int | None:
    """The listing `?from=` names, if it is one the user may choose."""
    if not value or not str(value).isdigit():
        return None
    rows = brokerage.sources_for(user, listing).filter(pk=int(value))
    return rows.values_list("pk", flat=True).first()


@require("market.view_own")
def connections(request):
    """The connections the user started or received (DOST: every one), newest step first."""
    form = ConnectionFilter(request.GET or None)
    rows = brokerage.visible_to(request.user)
    if form.is_valid() and form.cleaned_data["step"]:
        rows = rows.filter(step=form.cleaned_data["step"])
    page = Paginator(rows.order_by("-step_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    user = request.user
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "market/connections.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "rows": [
                {
                    "connection": c,
                    "owner": owner_label(c.listing, user),
                    "started": c.requester_id == user.pk,
                    "received": c.listing.owner_id == user.pk,
                }
                for c in page
            ],
            "can_report": user.has_perm("market.report"),
        },
        status=200 if form.is_valid() or not request.GET else 400,
    )


def _visible(request, pk) -> Connection:
    connection = get_object_or_404(
        Connection.objects.select_related("listing", "source", "requester", "listing__owner"),
        pk=pk,
    )
    if not request.user.has_perm("market.see_connection", connection):
        raise Http404
    return connection


def _moves(connection, user, bound: StepForm | None = None) -> list[dict]:
    """The forms of the steps `user` may take now; the one just sent keeps what was typed."""
    owner = connection.listing.owner_id == user.pk
    moves = []
    for step in brokerage.allowed_steps(connection, user):
        step = Step(step)
        if bound is not None and bound.data.get("step") == step.value:
            form = bound
        else:
            initial = {"step": step.value, "on": timezone.localdate()}
            form = StepForm(initial=initial, auto_id=f"{step.value}-%s")
        if step == Step.CONTACT:
            if owner:
                button = _("Release my contacts to them")
            else:
                button = _("Record the owner's consent and release the contacts")
                form.fields["note"].label = _("How the owner consented")
                form.fields["note"].required = True
        else:
            button = str(BUTTONS[step])
        for key in STEP_FIELDS.get(step, ()):  # what the step needs, marked for the browser
            form.fields[key].required = True
        fields = [form["on"], *(form[k] for k in STEP_FIELDS.get(step, ())), form["note"]]
        moves.append({"step": step, "form": form, "fields": fields, "button": button})
    return moves


def _timeline(connection, user) -> list:
    """The steps with who recorded each as the viewer may know them: by name for DOST; for a
    party, the parties as they appear on the page (an anonymous owner stays hidden until the
    contacts are released) and DOST's staff as DOST."""
    events = list(connection.events.select_related("by"))
    staff = is_dost(user)
    owner = owner_label(connection.listing, user)
    for event in events:
        if staff:
            event.who = event.by.get_full_name() or event.by.username
        elif event.by_id == connection.requester_id:
            event.who = connection.requester_name
        elif event.by_id == connection.listing.owner_id:
            event.who = owner
        else:
            event.who = _("DOST")
    return events


def _page(request, connection, bound=None, error="", status=200):
    user = request.user
    listing, source = connection.listing, connection.source
    owner = listing.owner_id == user.pk
    return render(
        request,
        "market/connection.html",
        {
            "connection": connection,
            "listing": listing,
            "source": source,
            "owner": owner_label(listing, user),
            "source_owner": owner_label(source, user) if source else "",
            "is_owner": owner,
            "is_requester": connection.requester_id == user.pk,
            "show_contacts": not owner and contacts_released_to(user, listing),
            "waiting_for_contacts": connection.step == Step.INTEREST and not owner,
            "open": connection.step in OPEN_STEPS,
            "events": _timeline(connection, user),
            "moves": _moves(connection, user, bound),
            "broker_form": (
                BrokerForm(initial={"broker": connection.broker_id}, auto_id="broker-%s")
                if user.has_perm("market.assign_broker") and connection.step in OPEN_STEPS
                else None
            ),
            "error": error,
        },
        status=status,
    )


@require("market.view_own")
def connection(request, pk):
    """A connection: both listings, the dated steps, the contacts as released, the next steps."""
    return _page(request, _visible(request, pk))


def _form_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else errors[0]
    return ""


@require("market.view_own")
@require_POST
def step(request, pk):
    """Move the connection one step; a refusal re-renders its page with the reason (400)."""
    connection = _visible(request, pk)
    posted = request.POST.get("step", "")
    auto_id = f"{posted}-%s" if posted in Step.values else "step-%s"
    form = StepForm(request.POST, auto_id=auto_id)
    if not form.is_valid():
        return _page(request, connection, form, _form_error(form), status=400)
    data = form.cleaned_data
    try:
        brokerage.advance(
            connection,
            request.user,
            data["step"],
            data["on"],
            note=data["note"],
            agreement_kind=data["agreement_kind"],
            agreement_value=data["agreement_value"],
            closed_reason=data["closed_reason"],
        )
    except Refused as refusal:
        return _page(request, connection, form, str(refusal), status=400)
    messages.success(request, _("Recorded: %(step)s.") % {"step": Step(data["step"]).label})
    return redirect("market:connection", connection.pk)


@require_POST
@require("market.assign_broker")
def broker(request, pk):
    """DOST names the expert of the registry who brokers the connection (or none)."""
    connection = get_object_or_404(Connection.objects.select_related("listing"), pk=pk)
    form = BrokerForm(request.POST)
    if not form.is_valid():
        return _page(request, connection, error=_form_error(form), status=400)
    try:
        brokerage.assign_broker(connection, request.user, form.cleaned_data["broker"])
    except Refused as refused:
        return _page(request, connection, error=str(refused), status=400)
    messages.success(request, _("The connection's broker is recorded."))
    return redirect("market:connection", connection.pk)


# --- DOST's report -----------------------------------------------------------------------------


ORIGINS = {
    "province": gettext_lazy("The province"),
    "elsewhere": gettext_lazy("Elsewhere"),
    "unlisted": gettext_lazy("No offer listed"),
}


@require("market.report")
def report(request):
    """Connections and the value of technology transactions per year, by kind of agreement and
    by where the offer comes from; the connections still open by step. `?format=xlsx`: Excel."""
    years = sorted({*brokerage.report_years(), timezone.localdate().year}, reverse=True)
    form = ReportFilter(request.GET, years=years)
    valid = form.is_valid()
    year = form.cleaned_data["year"] if valid else None
    figures = brokerage.report(year)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(workbook(figures), content_type=XLSX.content_type)
        name = f"connections-{year}.xlsx" if year else "connections.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request,
        "market/report.html",
        {
            "form": form,
            "figures": figures,
            "origins": ORIGINS,
            "xlsx_query": query.urlencode(),
        },
        status=200 if valid else 400,
    )


def _number(value):
    return None if value is None else round(float(value), 1)


def workbook(figures: dict) -> bytes:
    """The report as an Excel workbook: by year (with the total), by kind of agreement, the
    agreements one by one, and the connections still open."""
    year_columns = [
        _("Year"),
        _("Interests expressed"),
        _("Contacts released"),
        _("Meetings held"),
        _("Negotiations begun"),
        _("Agreements reached"),
        _("Closed without agreement"),
        _("Agreement value (million VND)"),
        _("Agreements with an offer from the province"),
        _("Agreements with an offer from elsewhere"),
        _("Agreements with no offer listed"),
        _("Share of the province in agreements (%)"),
        _("Share of the province in value (%)"),
    ]

    def year_row(row, label):
        origin = row["origin"]
        return [
            label,
            row["interests"],
            row["contacts"],
            row["meetings"],
            row["negotiations"],
            row["agreements"],
            row["closed"],
            _number(row["value"]),
            origin["province"]["count"],
            origin["elsewhere"]["count"],
            origin["unlisted"]["count"],
            _number(row["province_share"]),
            _number(row["province_value_share"]),
        ]

    years = [year_row(row, row["year"]) for row in figures["years"]]
    if len(figures["years"]) > 1:
        years.append(year_row(figures["total"], _("Total")))
    kinds = [
        [row["year"], kind["label"], kind["count"], _number(kind["value"])]
        for row in figures["years"]
        for kind in row["by_kind"]
    ]
    deals = [
        [
            deal["event"].on.strftime("%d/%m/%Y"),
            deal["connection"].listing.code,
            deal["offer"].code if deal["offer"] else "",
            deal["offer"].region if deal["offer"] else "",
            str(ORIGINS[deal["where"]]),
            deal["connection"].requester_name,
            deal["connection"].get_agreement_kind_display(),
            _number(deal["connection"].agreement_value),
        ]
        for deal in figures["deals"]
    ]
    still_open = [[row["label"], row["count"]] for row in figures["open"]]
    return xlsx_book(
        [
            (_("By year"), year_columns, years),
            (
                _("By kind"),
                [
                    _("Year"),
                    _("Kind of agreement"),
                    _("Agreements reached"),
                    _("Agreement value (million VND)"),
                ],
                kinds,
            ),
            (
                _("Agreements"),
                [
                    _("Date"),
                    _("Listing"),
                    _("Offer"),
                    _("Offer's region"),
                    _("Offer from"),
                    _("Interested party"),
                    _("Kind of agreement"),
                    _("Agreement value (million VND)"),
                ],
                deals,
            ),
            (_("Open connections"), [_("Step"), _("Connections")], still_open),
        ]
    )
