from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core import commands
from stihub.core.admin_units import load_province


class Command(commands.Command):
    help = gettext_lazy(
        "Load a province and its commune-level units (2025 codes) from vietnam-provinces."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", type=int, default=40, help="official code (Nghệ An = 40)")

    def handle(self, *args, province, **options):
        try:
            with transaction.atomic():
                parent, count = load_province(province)
        except ValueError as exc:
            raise CommandError(_("Unknown province code %(code)s.") % {"code": province}) from exc
        self.stdout.write(
            _("%(province)s: %(count)s commune-level units.") % {"province": parent, "count": count}
        )
