from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core.models import SecurityEvent


class Command(BaseCommand):
    help = gettext_lazy(
        "Delete security events older than the retention period (12 months unless "
        "STIHUB_SECURITY_LOG_DAYS says otherwise); run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.STIHUB_SECURITY_LOG_DAYS)

    def handle(self, *args, days, **options):
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _per_model = SecurityEvent.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(
            _("%(count)s security events older than %(days)s days deleted.")
            % {"count": deleted, "days": days}
        )
