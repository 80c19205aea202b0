from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from stihub.core import commands
from stihub.core.demo import DEMO_PASSWORD, demo_account
from stihub.core.models import User


class Command(commands.Command):
    help = _("Load the demo: each app's demo data in turn (units, resolution, samples, accounts).")

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
        # Each app of the project may have a demo module with load(scale=, seed=) -> lines
        # and ACCOUNTS; they run in INSTALLED_APPS order, so an app's demo can use what its
        # dependencies loaded, and accounts are made last, when every agency exists; then
        # after_accounts() -> lines, for what the demo people did.
        modules = [
            import_module(f"{config.name}.demo")
            for config in apps.get_app_configs()
            if config.name.startswith("stihub.") and module_has_submodule(config.module, "demo")
        ]
        with transaction.atomic():
            for module in modules:
                for line in module.load(scale=scale, seed=seed):
                    self.stdout.write(line)
            for module in modules:
                for username, name, roles in getattr(module, "ACCOUNTS", []):
                    demo_account(username, name, roles)
            for module in modules:  # what the demo people did: needs their accounts
                for line in getattr(module, "after_accounts", list)():
                    self.stdout.write(line)
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for user in User.objects.prefetch_related("role_assignments__agency").order_by("pk"):
            self.stdout.write(f"  {user.username:10} {'; '.join(user.role_labels())}")
