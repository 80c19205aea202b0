"""`stihub match NEEDS.csv OFFERS.csv [--top 10] [--method hub] [--json]`: no database."""

import argparse
import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from stihub.engines import matching_cli


class Command(BaseCommand):
    help = _(
        "Rank the technology offers that would solve each need, from a needs CSV file and an"
        " offers CSV file, without the database."
    )
    requires_system_checks = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help)  # argparse cannot wrap a lazy string
        return parser

    def add_arguments(self, parser):
        matching_cli.add_arguments(parser)

    def handle(self, *args, **options):
        keys = ("needs", "offers", "top", "method", "json")
        args = argparse.Namespace(**{k: options.get(k) for k in keys})
        status = matching_cli.run(args, self.stdout, self.stderr)
        if status:
            sys.exit(status)
