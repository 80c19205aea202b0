"""E-mail reminders (nhắc hạn) to agencies' reporters: a period due soon, or overdue, once each.

`send_reminders` (the command `stihub send_reminders`, run daily by cron) takes what each agency
owes (`owed.owed`): a period not yet submitted whose due date falls within `days_before` days is
due soon, one past its due date is overdue; a period already approved is owed nothing, even
while a correction is being drafted. Every active reporter of the agency who has an e-mail
address gets one message listing the items not reminded before. Each item is recorded
(`Reminder`: unique per person, period and kind) in the transaction that sends the message, so
a failed send records nothing and no run ever sends an item twice. The mail is in Vietnamese,
plain text with an HTML alternative, with links to the entry forms.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from stihub.core.choices import Role
from stihub.core.models import RoleAssignment
from stihub.monitoring.choices import Period, RevisionStatus
from stihub.monitoring.models import Observation

from .models import Reminder
from .owed import Owed, owed

logger = logging.getLogger(__name__)
DEFAULT_DAYS_BEFORE = 7


@dataclass(frozen=True)
class Item:
    """One period to remind of, and whether it is due soon or overdue."""

    owed: Owed
    kind: str  # Reminder.Kind

    def key(self, user) -> tuple:
        """The reminder's identity (`Reminder`'s unique constraint)."""
        o = self.owed
        return (user.pk, o.indicator.pk, o.year, o.period, self.kind)


@dataclass
class Summary:
    """What a run did (or, dry, would do)."""

    messages: int = 0
    overdue: int = 0
    due_soon: int = 0
    failed: int = 0  # messages that could not be sent (nothing recorded: tried again next run)
    without_email: set = field(default_factory=set)  # reporters owed a reminder, no address

    def line(self, dry_run: bool) -> str:
        text = gettext(
            "%(messages)s message(s): %(overdue)s overdue, %(due_soon)s due soon; "
            "%(failed)s failed; %(without)s reporter(s) without an e-mail address."
        ) % {
            "messages": self.messages,
            "overdue": self.overdue,
            "due_soon": self.due_soon,
            "failed": self.failed,
            "without": len(self.without_email),
        }
        return (
            gettext("Dry run, nothing sent: %(summary)s") % {"summary": text} if dry_run else text
        )


def items_by_agency(today: date, days_before: int) -> dict[int, list[Item]]:
    """{agency id: the items to remind its reporters of on `today`}."""
    horizon = today + timedelta(days=days_before)
    candidates = [
        Item(o, Reminder.Kind.OVERDUE if o.due < today else Reminder.Kind.DUE_SOON)
        for o in owed(None, today)
        if o.status != RevisionStatus.SUBMITTED and o.due <= horizon
    ]
    published = set(
        Observation.objects.published()
        .filter(indicator__in={i.owed.indicator.pk for i in candidates}, area="", is_sample=False)
        .values_list("indicator_id", "year", "period")
    )
    result = defaultdict(list)
    for item in candidates:
        o = item.owed
        if (o.indicator.pk, o.year, o.period) not in published:
            result[o.indicator.agency_id].append(item)
    return result


def send_reminders(
    today: date | None = None, days_before: int = DEFAULT_DAYS_BEFORE, dry_run: bool = False
) -> Summary:
    """Send each reporter one message with the items not reminded before; see the module."""
    today = today or timezone.localdate()
    by_agency = items_by_agency(today, days_before)
    people = defaultdict(list)  # user -> items, across the agencies they report for
    assignments = RoleAssignment.objects.filter(
        role=Role.AGENCY_REPORTER, agency_id__in=list(by_agency), user__is_active=True
    ).select_related("user")
    summary = Summary()
    for assignment in assignments.order_by("user__username", "agency__code"):
        if assignment.user.email:
            people[assignment.user].extend(by_agency[assignment.agency_id])
        else:
            summary.without_email.add(assignment.user.pk)
    sent = set(
        Reminder.objects.filter(user__in=list(people)).values_list(
            "user_id", "indicator_id", "year", "period", "kind"
        )
    )
    for user, items in people.items():
        new = [item for item in items if item.key(user) not in sent]
        if not new:
            continue
        if dry_run or _send(user, new, today):
            summary.messages += 1
            summary.overdue += sum(i.kind == Reminder.Kind.OVERDUE for i in new)
            summary.due_soon += sum(i.kind == Reminder.Kind.DUE_SOON for i in new)
        else:
            summary.failed += 1
    return summary


def _send(user, items: list[Item], today: date) -> bool:
    """Record the items and send the message in one transaction; False when either failed."""
    now = timezone.now()
    try:
        with transaction.atomic():
            Reminder.objects.bulk_create(
                Reminder(
                    user=user,
                    indicator=i.owed.indicator,
                    year=i.owed.year,
                    period=i.owed.period,
                    kind=i.kind,
                    due=i.owed.due,
                    sent_at=now,
                    email=user.email,
                )
                for i in items
            )
            message(user, items, today).send()
    except (OSError, IntegrityError):  # the mail server (smtplib's errors), or a run at once
        logger.exception("Reminder to %s not sent", user.get_username())
        return False
    return True


def message(user, items: list[Item], today: date) -> EmailMultiAlternatives:
    """The reminder to one person, in the platform's language (Vietnamese)."""
    with translation.override(settings.LANGUAGE_CODE):
        rows = [_row(item, today) for item in sorted(items, key=_order)]
        sections = [
            (kind.label.capitalize(), [r for r in rows if r["kind"] == kind])
            for kind in (Reminder.Kind.OVERDUE, Reminder.Kind.DUE_SOON)
        ]
        context = {
            "user": user,
            "sections": sections,
            "home": link(reverse("reporting:home")),
            "today": today,
        }
        count = len(items)
        subject = ngettext(
            "STI Hub: %(count)s report due or overdue",
            "STI Hub: %(count)s reports due or overdue",
            count,
        ) % {"count": count}
        text = render_to_string("reporting/email/reminder.txt", context)
        html = render_to_string("reporting/email/reminder.html", context)
    mail = EmailMultiAlternatives(subject, text, to=[user.email])
    mail.attach_alternative(html, "text/html")
    return mail


def _order(item: Item):
    return (item.owed.due, item.owed.indicator.code)


def _row(item: Item, today: date) -> dict:
    o = item.owed
    kwargs = {"indicator": o.indicator.code, "year": o.year}
    url = reverse(
        "reporting:enter_period" if o.period else "reporting:enter",
        kwargs={**kwargs, "period": o.url_period} if o.period else kwargs,
    )
    return {
        "kind": item.kind,
        "indicator": o.indicator,
        "agency": o.indicator.agency,
        "period": gettext("%(period)s %(year)s")
        % {"period": Period(o.period).label, "year": o.year},
        "when": _when(o.due, today),
        "status": RevisionStatus(o.status).label if o.status else None,
        "url": link(url),
    }


def _when(due: date, today: date) -> str:
    """The due date (dd/mm/yyyy) and how far it is: «due on 05/02/2025, in 3 days»."""
    days, params = (due - today).days, {"due": due.strftime("%d/%m/%Y")}
    if days < 0:
        params["days"] = -days
        return (
            ngettext(
                "Due on %(due)s, %(days)s day late.", "Due on %(due)s, %(days)s days late.", -days
            )
            % params
        )
    if days == 0:
        return gettext("Due today, %(due)s.") % params
    params["days"] = days
    return (
        ngettext("Due on %(due)s, in %(days)s day.", "Due on %(due)s, in %(days)s days.", days)
        % params
    )


def link(path: str) -> str:
    """An absolute link when the site's address is set (STIHUB_SITE_URL), else the path."""
    return settings.STIHUB_SITE_URL.rstrip("/") + path
