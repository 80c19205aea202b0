"""`stihub import_registry experts|organizations|enterprises|ip|infrastructure FILE.csv|.xlsx`:
the registries' import contract on the command line. All or nothing: on any problem the exit
status is non-zero and every problem is listed on stderr as "row N, column X: reason"."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stihub.core import commands
from stihub.engines.problems import DataError
from stihub.engines.registry_io import KINDS
from stihub.registry.importing import import_registry


def describe(p) -> str:
    """A problem as one line: "sheet S, row N, column X: reason" (rows as the file numbers
    them: a CSV's lines, a workbook's rows)."""
    message = gettext(p.template) % p.params if p.params else gettext(p.template)
    where = []
    if p.sheet:
        where.append(gettext("sheet %(sheet)s") % {"sheet": p.sheet})
    if p.row is not None:
        where.append(gettext("row %(n)s") % {"n": p.row})
    if p.column:
        where.append(gettext("column %(column)s") % {"column": p.column})
    return f"{', '.join(where)}: {message}" if where else message


class Command(commands.Command):
    help = _("Import a registry from a .csv or .xlsx file; a bad file writes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("registry", choices=KINDS)
        parser.add_argument("file")

    def handle(self, *args, registry, file, **options):
        path = Path(file)
        try:
            with path.open("rb") as handle:
                result = import_registry(registry, handle, path.name)
        except OSError as error:
            raise CommandError(str(error)) from error
        except DataError as error:
            lines = [describe(p) for p in error.problems]
            raise CommandError(
                _("Nothing was imported; %(n)s problems:") % {"n": len(lines)}
                + "\n"
                + "\n".join(lines)
            ) from error
        counts = result.counts
        self.stdout.write(
            _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {k: counts[k] for k in ("created", "updated", "unchanged")}
        )
        if result.duplicates:
            self.stdout.write(
                _("%(n)s likely duplicates flagged for checking:") % {"n": len(result.duplicates)}
            )
            for new, other, reason in result.duplicates:
                self.stdout.write(f"  #{new.pk} {new} ~ #{other.pk} {other}: {reason}")
