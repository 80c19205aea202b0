from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _

from stihub.core import commands
from stihub.core.formatting import problem
from stihub.engines.problems import DataError
from stihub.monitoring.loading import load_resolution


class Command(commands.Command):
    help = _("Load or update a resolution from a YAML file (idempotent, all or nothing).")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            resolution, counts = load_resolution(file)
        except (DataError, OSError) as error:
            problems = getattr(error, "problems", None) or [str(error)]
            raise CommandError(
                "\n".join(problem(p) if not isinstance(p, str) else p for p in problems)
            ) from error
        summary = ", ".join(f"{key}: {value}" for key, value in sorted(counts.items()))
        self.stdout.write(f"{resolution.code}: {summary}")
