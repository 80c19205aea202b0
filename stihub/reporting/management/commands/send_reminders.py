"""`stihub send_reminders [--date YYYY-MM-DD] [--days-before N] [--dry-run]`, daily from cron."""

from datetime import date

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core import commands
from stihub.reporting.reminders import DEFAULT_DAYS_BEFORE, send_reminders

MAX_DAYS_BEFORE = 366


class Command(commands.Command):
    help = gettext_lazy(
        "E-mail each agency reporter one message listing their agency's reports due soon or "
        "overdue that were not reminded before; prints a summary line. Safe to run again: "
        "nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help=gettext_lazy("the day to remind as of, YYYY-MM-DD (default: today)")
        )
        parser.add_argument(
            "--days-before",
            type=int,
            default=DEFAULT_DAYS_BEFORE,
            help=gettext_lazy("remind of periods due within this many days (default: 7)"),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("say what would be sent; send and record nothing"),
        )

    def handle(self, *args, **options):
        today = _day(options["date"]) if options["date"] else None
        days_before, dry_run = options["days_before"], options["dry_run"]
        if not 0 <= days_before <= MAX_DAYS_BEFORE:
            raise CommandError(
                _("--days-before must be a whole number from 0 to %(max)s.")
                % {"max": MAX_DAYS_BEFORE}
            )
        summary = send_reminders(today, days_before=days_before, dry_run=dry_run)
        self.stdout.write(summary.line(dry_run))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("The date %(date)s is not a day written YYYY-MM-DD.") % {"date": text}
        ) from None
