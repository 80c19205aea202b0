from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.core import commands
from stihub.core.backup import check_backup, restore_from
from stihub.core.backup_crypto import BackupError, parse_keys


class Command(commands.Command):
    help = gettext_lazy(
        "Restore a backup made by `stihub backup` into an empty, migrated database: all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=gettext_lazy("the archive to restore"))
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext_lazy("replace all data of a database that is not empty"),
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=gettext_lazy("only decrypt and check the archive; write nothing"),
        )

    def handle(self, *args, file, force, check, **options):
        if not file.is_file():
            raise CommandError(_("%(path)s is not a file.") % {"path": file})
        try:
            keys = parse_keys(settings.STIHUB_BACKUP_KEY)
            manifest = check_backup(file, keys) if check else restore_from(file, keys, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        values = {
            "path": file,
            "created": date_format(
                localtime(datetime.fromisoformat(manifest["created"])), "SHORT_DATETIME_FORMAT"
            ),
            "rows": sum(table["rows"] for table in manifest["models"]),
            "models": len(manifest["models"]),
            "files": len(manifest["files"]),
        }
        if check:
            message = _(
                "%(path)s (made %(created)s) is intact: %(rows)d rows of %(models)d models; "
                "files: %(files)d. Nothing was written."
            )
        else:
            message = _(
                "Restored %(path)s (made %(created)s): %(rows)d rows of %(models)d models; "
                "files: %(files)d. Row counts and file checksums match the manifest."
            )
        self.stdout.write(message % values)
