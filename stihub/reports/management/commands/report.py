from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core import commands
from stihub.monitoring.models import Resolution

from ...content import build
from ...render import FORMATS, render


class Command(commands.Command):
    help = gettext_lazy(
        "Write the review report of a resolution for a year (báo cáo sơ kết, tổng kết): .docx or"
        " PDF in the administrative format of Nghị định 30/2020/NĐ-CP, or the data as .xlsx."
    )

    def add_arguments(self, parser):
        parser.add_argument("resolution", help=gettext_lazy("the resolution's code"))
        parser.add_argument(
            "--period", type=int, required=True, help=gettext_lazy("the year reviewed")
        )
        parser.add_argument("--format", required=True, help=", ".join(FORMATS))
        parser.add_argument("-o", "--output", required=True, help=gettext_lazy("the file to write"))

    def handle(self, *args, resolution, period, format, output, **options):
        found = Resolution.objects.filter(code=resolution).first()
        if found is None:
            raise CommandError(_("Unknown resolution %(code)s.") % {"code": resolution})
        if not 1900 <= period <= timezone.localdate().year:
            raise CommandError(
                _("The period %(year)s is not a year up to this one.") % {"year": period}
            )
        if format not in FORMATS:
            raise CommandError(
                _("Unknown format %(format)s; the formats are %(formats)s.")
                % {"format": format, "formats": ", ".join(FORMATS)}
            )
        try:
            body = render(build(found, period), format)
        except RuntimeError as error:  # PDF: LibreOffice missing or failing
            raise CommandError(str(error)) from error
        try:
            Path(output).write_bytes(body)
        except OSError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{output}: {len(body):,} bytes")
