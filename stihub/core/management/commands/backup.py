from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core import commands
from stihub.core.backup import backup_to
from stihub.core.backup_crypto import BackupError, make_key, parse_keys


class Command(commands.Command):
    help = gettext_lazy(
        "Write an encrypted backup of the database and the uploaded files (key: STIHUB_BACKUP_KEY)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help=gettext_lazy(
                "archive to write (default: a timestamped file in STIHUB_BACKUP_DIR)"
            ),
        )
        parser.add_argument(
            "--make-key",
            dest="new_key",
            action="store_true",
            help=gettext_lazy("print a new random key for STIHUB_BACKUP_KEY and stop"),
        )

    def handle(self, *args, output, new_key, **options):
        if new_key:
            self.stdout.write(make_key())
            return
        try:
            key = parse_keys(settings.STIHUB_BACKUP_KEY)[0]
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = output or Path(settings.STIHUB_BACKUP_DIR) / f"stihub-{stamp}.backup"
            manifest = backup_to(path, key)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(table["rows"] for table in manifest["models"])
        self.stdout.write(
            _("Backed up to %(path)s: %(rows)d rows of %(models)d models; files: %(files)d.")
            % {
                "rows": rows,
                "models": len(manifest["models"]),
                "files": len(manifest["files"]),
                "path": path,
            }
        )
