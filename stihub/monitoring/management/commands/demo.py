from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from stihub.core.choices import Role
from stihub.core.management.commands.load_admin_units import load_province
from stihub.core.models import Agency, User
from stihub.innovation.demo import build_sample_index
from stihub.monitoring.demo import build_demo

DEMO_PASSWORD = "demo-stihub-2030"
DEMO_USERS = [
    ("admin", Role.ADMIN, None, "Quản trị hệ thống"),
    ("dost", Role.DOST_OFFICER, "SKHCN", "Cán bộ Sở KH&CN"),
    ("reporter", Role.AGENCY_REPORTER, "SCT", "Cán bộ báo cáo Sở Công Thương"),
    ("expert", Role.EXPERT, None, "Chuyên gia"),
]


class Command(BaseCommand):
    help = _(
        "Load Nghệ An's units and resolution, published figures, sample data and demo accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="sample plans to generate (≥ 1)")
        parser.add_argument("--seed", type=int, default=2030)

    def handle(self, *args, scale, seed, **options):
        if not settings.DEBUG:
            raise CommandError(
                _("Demo accounts and sample data are refused in production (STIHUB_DEBUG=0).")
            )
        if scale < 1:
            raise CommandError(_("--scale must be at least 1."))
        load_province(40)
        result = build_demo(scale=scale, seed=seed)
        build_sample_index(seed=seed)
        for username, role, agency, name in DEMO_USERS:
            user, _created = User.objects.get_or_create(username=username)
            user.role, user.first_name = role, name
            user.agency = Agency.objects.filter(code=agency).first() if agency else None
            user.is_staff = user.is_superuser = role == Role.ADMIN
            user.set_password(DEMO_PASSWORD)
            user.save()
        count, resolutions = result["sample_observations"], result["resolutions"]
        self.stdout.write(f"{resolutions} resolutions, {count} sample observations.")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, role, agency, _name in DEMO_USERS:
            self.stdout.write(
                f"  {username:10} {Role(role).label}{' · ' + agency if agency else ''}"
            )
