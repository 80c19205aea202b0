"""Supply–demand events and technology fairs (điểm kết nối cung cầu, chợ công nghệ): the list,
DOST's forms, a fair's page (exhibitors and what they show, registration, B2B meeting
requests, one's own meetings, the results), registration, the B2B schedule built by DOST and
the record of each meeting held.

An unpublished fair is DOST's alone: anyone else gets a 404. The rules are the service's
(`market.fairs`) and the engine's: these pages pass the choices on and show the refusals.
"""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from stihub.core.formatting import problem
from stihub.core.permissions import check, require

from .. import fairs as service
from ..choices import ParticipantRole
from ..fair_forms import (
    PRIORITIES,
    BoothsForm,
    FairForm,
    MeetingForm,
    MeetingRequestForm,
    RegisterForm,
)
from ..listings import live
from ..models import Fair, Meeting, MeetingRequest, Participant


def _visible(request, pk) -> Fair:
    """The fair, or 404 for a fair the user may not see (unpublished, not DOST)."""
    fair = get_object_or_404(Fair, pk=pk)
    if not request.user.has_perm("market.see_fair", fair):
        raise Http404
    return fair


def _participants(fair) -> list[Participant]:
    """The fair's participants by name, each with their live offers and needs (`on_show`)."""
    shown = Prefetch("listings", queryset=live().order_by("kind", "title", "pk"), to_attr="on_show")
    return list(fair.participants.prefetch_related(shown).order_by("name", "pk"))


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for message in errors:
            messages.error(request, f"{label}: {message}" if label else message)


def _request_rows(requests, meetings) -> list[dict]:
    """Each request with the meeting that answers it (the pair's) or why it has none."""
    by_pair = {frozenset((m.first_id, m.second_id)): m for m in meetings}
    return [
        {
            "request": r,
            "meeting": by_pair.get(frozenset((r.requester_id, r.counterpart_id))),
            "reason": service.reason_label(r.unplaced) if r.unplaced else "",
            "priority": dict(PRIORITIES).get(r.priority, r.priority),
        }
        for r in requests
    ]


def _page(request, fair, request_form=None, status=200):
    """The fair's page; `request_form` a refused meeting request to show with its errors."""
    user = request.user
    today = timezone.localdate()
    participants = _participants(fair)
    me = next((p for p in participants if p.user_id == user.pk), None)
    meetings = list(fair.meetings.select_related("first", "second"))
    requests = fair.requests.select_related("requester", "counterpart", "listing")
    context = {
        "fair": fair,
        "days": len(service.days_of(fair)),
        "manage": user.has_perm("market.manage_fairs", fair),
        "exhibitors": [p for p in participants if p.role == ParticipantRole.EXHIBITOR],
        "visitors": sum(1 for p in participants if p.role == ParticipantRole.VISITOR),
        "registration_open": today <= fair.registration_closes_on,
        "can_register": user.has_perm("market.register", fair),
        "me": me,
        "finished": fair.ends_on < today,
    }
    if me is not None:
        mine = requests.filter(Q(requester=me) | Q(counterpart=me))
        context["my_requests"] = _request_rows(mine, meetings)
        context["my_meetings"] = [
            {"meeting": m, "with": m.second if m.first_id == me.pk else m.first}
            for m in meetings
            if me.pk in (m.first_id, m.second_id)
        ]
        if user.has_perm("market.request_meeting", fair) and len(participants) > 1:
            context["request_form"] = request_form or MeetingRequestForm(
                fair=fair, me=me, participants=participants
            )
    if context["manage"]:
        context["all_requests"] = _request_rows(requests, meetings)
        context["standing"] = service.standing(fair)
        context["recorded"] = service.recorded(fair)
    if meetings or context["finished"]:
        context["results"] = service.results(fair)
    return render(request, "market/fair.html", context, status=status)


# --- pages -------------------------------------------------------------------------------------


@require("market.view_market")
def fairs(request):
    """The events and fairs: upcoming (soonest first), then past (latest first); DOST also
    sees the unpublished ones."""
    today = timezone.localdate()
    rows = Fair.objects.annotate(
        exhibitors=Count("participants", filter=Q(participants__role=ParticipantRole.EXHIBITOR)),
        visitors=Count("participants", filter=Q(participants__role=ParticipantRole.VISITOR)),
    )
    manage = request.user.has_perm("market.manage_fairs")
    if not manage:
        rows = rows.filter(published=True)
    context = {
        "upcoming": rows.filter(ends_on__gte=today).order_by("starts_on", "pk"),
        "past": rows.filter(ends_on__lt=today).order_by("-starts_on", "-pk"),
        "manage": manage,
    }
    return render(request, "market/fairs.html", context)


@require("market.manage_fairs")
def fair_new(request):
    """DOST: a new event or fair."""
    form = FairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fair = form.save()
        messages.success(request, _("The event is saved."))
        return redirect("market:fair", fair.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "market/fair_form.html", {"form": form}, status=status)


@require("market.manage_fairs")
def fair_edit(request, pk):
    """DOST: change an event or fair, and give participants their booths."""
    fair = get_object_or_404(Fair, pk=pk)
    check(request, "market.manage_fairs", fair)
    data = request.POST if request.method == "POST" else None
    form = FairForm(data, instance=fair)
    booths = BoothsForm(data, participants=fair.participants.order_by("name", "pk"))
    valid = data is not None and all([form.is_valid(), booths.is_valid()])  # errors of both
    if valid and booths.fits(form.cleaned_data["tables"]):
        with transaction.atomic():
            form.save()
            booths.save()
        messages.success(request, _("The event is saved."))
        return redirect("market:fair", fair.pk)
    context = {"form": form, "fair": fair, "booths": booths}
    return render(request, "market/fair_form.html", context, status=200 if data is None else 400)


@require("market.view_market")
def fair(request, pk):
    """A fair's page: what, when, where; the exhibitors with their offers and needs; the
    registration; a participant's requests and meetings; DOST's requests and schedule; the
    results."""
    return _page(request, _visible(request, pk))


@require("market.view_market")
def register(request, pk):
    """Register for a fair (or change one's registration) while registration is open."""
    fair = _visible(request, pk)
    check(request, "market.register", fair)
    user = request.user
    existing = fair.participants.filter(user=user).first()
    initial = {}
    if existing is None:
        has_listings = live().filter(owner=user).exists()
        initial = {
            "name": user.get_full_name() or user.get_username(),
            "role": ParticipantRole.EXHIBITOR if has_listings else ParticipantRole.VISITOR,
        }
    form = RegisterForm(
        request.POST or None,
        instance=existing,
        initial=initial,
        user=user,
        slots=service.slots_of(fair),
    )
    if request.method == "POST" and form.is_valid():
        participant = form.save(commit=False)
        if existing is None:
            participant.fair, participant.user = fair, user
        try:
            with transaction.atomic():
                participant.save()
                form.save_m2m()
        except IntegrityError:  # registered meanwhile (another tab): theirs stands
            messages.error(request, _("You are already registered for this event."))
        else:
            messages.success(
                request,
                _("Your registration is updated.")
                if existing
                else _("You are registered for this event."),
            )
        return redirect("market:fair", fair.pk)
    context = {"fair": fair, "form": form, "existing": existing}
    return render(
        request,
        "market/fair_register.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require("market.view_market")
@require_POST
def request_meeting(request, pk):
    """A participant asks to meet another participant (B2B), while registration is open."""
    fair = _visible(request, pk)
    check(request, "market.request_meeting", fair)
    participants = _participants(fair)
    me = next(p for p in participants if p.user_id == request.user.pk)
    form = MeetingRequestForm(request.POST, fair=fair, me=me, participants=participants)
    if not form.is_valid():
        return _page(request, fair, request_form=form, status=400)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            MeetingRequest.objects.create(
                fair=fair,
                requester=me,
                counterpart=data["counterpart"],
                listing_id=data["listing"],
                message=data["message"].strip(),
                priority=data["priority"],
            )
    except IntegrityError:  # the same request sent twice at once
        messages.error(
            request,
            _("You have already asked to meet %(name)s.") % {"name": data["counterpart"].name},
        )
    else:
        messages.success(
            request,
            _("Your request to meet %(name)s is recorded; the schedule is built by DOST.")
            % {"name": data["counterpart"].name},
        )
    return redirect(reverse("market:fair", args=[fair.pk]) + "#my-requests")


@require("market.view_market")
@require_http_methods(["GET", "POST"])
def schedule(request, pk):
    """The B2B schedule. GET: DOST sees the grid (slots × tables) and what was left out; a
    participant is sent to their own meetings on the fair's page. POST (DOST): build it."""
    fair = _visible(request, pk)
    user = request.user
    if request.method == "POST":
        check(request, "market.manage_fairs", fair)
        try:
            found = service.build_schedule(fair)
        except service.Refused as refused:
            messages.error(request, str(refused))
            for p in refused.problems:
                messages.error(request, problem(p))
        else:
            messages.success(
                request,
                _("The schedule is built. Meetings placed: %(meetings)s; requests not placed: "
                  "%(unplaced)s.")
                % {"meetings": found["meetings"], "unplaced": found["unplaced"]},
            )  # fmt: skip
            if found["replaced"]:
                messages.info(
                    request,
                    _("It replaces the previous schedule (%(n)s meetings).")
                    % {"n": found["replaced"]},
                )
        return redirect("market:fair_schedule", fair.pk)
    if not user.has_perm("market.manage_fairs", fair):
        if user.is_authenticated and fair.participants.filter(user=user).exists():
            return redirect(reverse("market:fair", args=[fair.pk]) + "#my-meetings")
        check(request, "market.manage_fairs", fair)  # sign-in, or 403
    meetings = fair.meetings.select_related("first", "second", "request")
    unplaced = fair.requests.exclude(unplaced="").select_related("requester", "counterpart")
    context = {
        "fair": fair,
        "grid": service.grid(fair),
        "standing": service.standing(fair),
        "results": service.results(fair),
        "recorded": service.recorded(fair),
        "unplaced": _request_rows(unplaced, []),
        "meetings": [(m, MeetingForm(instance=m, prefix=f"m{m.pk}")) for m in meetings],
    }
    return render(request, "market/fair_schedule.html", context)


@require("market.manage_fairs")
@require_POST
def meeting(request, pk):
    """DOST records whether a meeting was held and its outcome."""
    item = get_object_or_404(Meeting.objects.select_related("fair"), pk=pk)
    check(request, "market.manage_fairs", item.fair)
    form = MeetingForm(request.POST, instance=item, prefix=f"m{item.pk}")
    if form.is_valid():
        form.save()
        messages.success(
            request,
            _("Recorded: the meeting of %(first)s and %(second)s.")
            % {"first": item.first.name, "second": item.second.name},
        )
    else:
        _form_errors(request, form)
    return redirect(reverse("market:fair_schedule", args=[item.fair_id]) + f"#meeting-{item.pk}")
