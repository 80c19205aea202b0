"""`stihub progress RESOLUTION.yaml OBSERVATIONS.csv [--as-of YEAR] [--json]`: no database."""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from stihub.engines import progress_cli


class Command(BaseCommand):
    help = _(
        "Compute the progress of a resolution's targets from a resolution YAML file and an"
        " observations file (.csv or .xlsx), without the database."
    )
    requires_system_checks = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help)  # argparse cannot wrap a lazy string
        return parser

    def add_arguments(self, parser):
        parser.add_argument("resolution", help=_("resolution YAML file"))
        parser.add_argument("observations", help=_("observations file (.csv or .xlsx)"))
        parser.add_argument(
            "--as-of", type=int, default=None, help=_("ignore observations after this year")
        )
        parser.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))

    def handle(self, *args, **options):
        argv = [options["resolution"], options["observations"]]
        if options["as_of"] is not None:
            argv += ["--as-of", str(options["as_of"])]
        if options["json"]:
            argv.append("--json")
        status = progress_cli.main(argv, stdout=self.stdout, stderr=self.stderr)
        if status:
            sys.exit(status)
