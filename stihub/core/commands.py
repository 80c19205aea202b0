"""The base of the project's management commands."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """A command whose help texts may be lazy translations: argparse needs plain strings, so
    they are made so (in the active language) when the parser is built."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        for action in parser._actions:
            if action.help is not None:
                action.help = str(action.help)
        return parser
