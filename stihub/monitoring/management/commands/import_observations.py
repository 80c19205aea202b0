from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy as _

from stihub.core import commands
from stihub.core.formatting import problem
from stihub.core.models import Agency
from stihub.engines.problems import DataError
from stihub.monitoring.importing import import_observations


class Command(commands.Command):
    help = _("Import observations from a .csv or .xlsx file; a bad file writes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--agency", help="code of the reporting agency")
        parser.add_argument("--source", default="", help="where the figures come from")

    def handle(self, *args, file, agency, source, **options):
        path = Path(file)
        reporting = None
        if agency:
            reporting = Agency.objects.filter(code=agency).first()
            if reporting is None:
                raise CommandError(_("Unknown agency code: %(code)s") % {"code": agency})
        try:
            with path.open("rb") as handle:
                counts = import_observations(handle, path.name, agency=reporting, source=source)
        except OSError as error:
            raise CommandError(str(error)) from error
        except DataError as error:
            lines = [problem(p) for p in error.problems]
            raise CommandError(
                _("Nothing was imported; %(n)s problems:") % {"n": len(lines)}
                + "\n"
                + "\n".join(lines)
            ) from error
        self.stdout.write(
            _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
            % {k: counts[k] for k in ("created", "updated", "unchanged")}
        )
