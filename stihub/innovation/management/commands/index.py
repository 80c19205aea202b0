"""`stihub index WORKBOOK.xlsx`: compute a composite index from a workbook, without a database."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _

from stihub.engines import composite_io


class Command(BaseCommand):
    help = _(
        "Compute a composite index (PII/GII style) from a workbook in the COINr layout and "
        "print the ranking, the scores as JSON, or every stage as a workbook."
    )
    requires_system_checks = []  # runs on files only: no database, no checks needed

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help)  # argparse formats only real strings
        return parser

    def add_arguments(self, parser):
        composite_io.add_arguments(parser, _)

    def handle(self, *args, **options):
        status = composite_io.run(options, self.stdout, self.stderr)
        if status:
            raise CommandError(_("The workbook was rejected."), returncode=status)
