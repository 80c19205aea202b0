"""`stihub council suggest PROPOSAL.yaml EXPERTS.csv [--size 7] [--json]`: no database."""

import argparse
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from stihub.engines import council_cli


class Command(BaseCommand):
    help = _(
        "Suggest a council for a proposal from a proposal YAML file and an experts CSV file,"
        " excluding conflicts of interest, without the database."
    )
    requires_system_checks = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help)  # argparse cannot wrap a lazy string
        return parser

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        council_cli.add_suggest_arguments(
            actions.add_parser("suggest", help=str(_("suggest a council for a proposal")))
        )

    def handle(self, *args, **options):
        keys = ("proposal", "experts", "size", "years", "on", "json")
        args = argparse.Namespace(**{k: options.get(k) for k in keys})
        status = council_cli.run_suggest(args, self.stdout, self.stderr)
        if status:
            sys.exit(status)
