"""Backups of the whole platform: every installed app's rows and every stored file.

An archive (encrypted by `backup_crypto`) is a gzipped tar of:

    db/NNNN-<app.model>-NNNN.jsonl   rows in Django's JSON Lines format, a model after the models
                                     it refers to (change history tables are models like any other)
    files/<storage name>             every file in default_storage
    manifest.json                    written last: time, versions, migrations, rows per model,
                                     files with size and sha256

A restore reads the archive twice: first to decrypt and authenticate every byte and check the
files against the manifest (nothing is written), then to load the rows in one transaction and
write the files; any failure rolls the rows back and deletes the files it wrote.
"""

import contextlib
import hashlib
import io
import json
import os
import platform
import posixpath
import tarfile
import time
import zlib
from collections import defaultdict
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from .backup_crypto import FORMAT, BackupError, Decryptor, Encryptor

MEMBER_CHARS = 8 << 20  # rows of a model are cut into tar members of about this size
# Sign-ins are not data: a restored session would revive a sign-in (a restore signs everyone out).
EXCLUDED = {"sessions.session"}
# Rows that `migrate` itself creates; a database holding only these counts as empty.
MADE_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
MANIFEST = "manifest.json"


# What is backed up -----------------------------------------------------------------------------


def backed_up_models() -> list:
    """Every concrete model of every installed app, each after the models it refers to."""
    candidates = [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in EXCLUDED
    ]
    included, order, seen = set(candidates), [], set()

    def visit(model):
        if model in seen:
            return
        seen.add(model)  # before the dependencies: a cycle is cut here (constraints are deferred)
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            target = field.related_model
            if target in included and target is not model:
                visit(target)
        order.append(model)

    for model in candidates:
        visit(model)
    return order


def _links(models) -> list:
    """The many-to-many tables Django made for these models (their rows travel with the owner)."""
    return [
        field.remote_field.through
        for model in models
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]


def stored_files(storage=default_storage, folder: str = ""):
    """Every file name in the storage, folder by folder."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a storage folder not made yet holds nothing
        return
    for name in sorted(files):
        yield posixpath.join(folder, name)
    for name in sorted(folders):
        yield from stored_files(storage, posixpath.join(folder, name))


def _versions() -> dict:
    """Python's version and that of each distribution providing an installed app."""
    found = {"python": platform.python_version()}
    providers = metadata.packages_distributions()
    for top in sorted({config.name.split(".")[0] for config in apps.get_app_configs()}):
        for name in providers.get(top, [top]):
            with contextlib.suppress(metadata.PackageNotFoundError):
                found[name] = metadata.version(name)
    return found


def _migrations(connection) -> dict:
    applied = defaultdict(list)
    for app_label, name in MigrationRecorder(connection).applied_migrations():
        applied[app_label].append(name)
    return {app_label: sorted(names) for app_label, names in sorted(applied.items())}


# Backup ----------------------------------------------------------------------------------------


class _Hashing:
    """Reads through to a file while hashing what was read."""

    def __init__(self, handle):
        self._handle, self.sha256 = handle, hashlib.sha256()

    def read(self, size=-1):
        data = self._handle.read(size)
        self.sha256.update(data)
        return data


def _add_bytes(tar, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_rows(tar, model, position: int, using: str) -> dict:
    label = model._meta.label_lower
    queryset = model._base_manager.using(using).order_by("pk")
    links = [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
    if links:
        queryset = queryset.prefetch_related(*links)
    serializer = serializers.get_serializer("jsonl")()
    members, rows, buffer = [], 0, io.StringIO()

    def flush():
        name = f"db/{position:04d}-{label}-{len(members) + 1:04d}.jsonl"
        _add_bytes(tar, name, buffer.getvalue().encode())
        members.append(name)
        buffer.seek(0)
        buffer.truncate()

    for row in queryset.iterator(chunk_size=1000):
        serializer.serialize([row], stream=buffer)
        rows += 1
        if buffer.tell() >= MEMBER_CHARS:
            flush()
    if buffer.tell():
        flush()
    return {"model": label, "rows": rows, "members": members}


def _add_files(tar, storage) -> list[dict]:
    listed = []
    for name in stored_files(storage):
        size = storage.size(name)
        with storage.open(name, "rb") as handle:
            reader = _Hashing(handle)
            info = tarfile.TarInfo(f"files/{name}")
            info.size, info.mtime, info.mode = size, int(time.time()), 0o600
            tar.addfile(info, reader)
        listed.append({"name": name, "size": size, "sha256": reader.sha256.hexdigest()})
    return listed


def write_backup(out, key: bytes, *, storage=default_storage, using=DEFAULT_DB_ALIAS) -> dict:
    """Write an encrypted archive of the database and the storage to `out`; return its manifest."""
    connection = connections[using]
    encryptor = Encryptor(out, key)
    with tarfile.open(fileobj=encryptor, mode="w|gz") as tar:
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=using):
            if outermost and connection.vendor == "postgresql":
                # one snapshot for every table, so rows refer only to rows in the archive
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            models = backed_up_models()
            tables = [_add_rows(tar, model, i, using) for i, model in enumerate(models, start=1)]
            links = {
                t._meta.label_lower: t._base_manager.using(using).count() for t in _links(models)
            }
            migrations = _migrations(connection)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
            "versions": _versions(),
            "migrations": migrations,
            "models": tables,
            "links": links,
            "files": _add_files(tar, storage),
        }
        _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    encryptor.finish()
    return manifest


def backup_to(path: Path, key: bytes, **options) -> dict:
    """Write the archive to `path` (never replaced): made as a hidden part, renamed when done."""
    if path.exists():
        raise BackupError(_("%(path)s already exists; choose another name.") % {"path": path})
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.part")
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            manifest = write_backup(out, key, **options)
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return manifest


# Restore ---------------------------------------------------------------------------------------


def _damaged(exc: Exception) -> BackupError:
    return BackupError(
        _("This backup could not be read (%(error)s). Nothing was restored.") % {"error": exc}
    )


def check_backup(path: Path, keys: list[bytes]) -> dict:
    """Decrypt and authenticate the whole archive and check its files; return its manifest.

    Writes nothing: this is the first pass of a restore and `stihub restore --check`.
    """
    manifest, hashes = None, {}
    try:
        with open(path, "rb") as source:
            plain = Decryptor(source, keys)
            with tarfile.open(fileobj=plain, mode="r|gz") as tar:
                for member in tar:
                    handle = tar.extractfile(member)
                    if member.name == MANIFEST:
                        manifest = json.loads(handle.read())
                    elif member.name.startswith("files/"):
                        digest = hashlib.file_digest(handle, "sha256")
                        hashes[member.name.removeprefix("files/")] = digest.hexdigest()
            plain.drain()
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as exc:
        raise _damaged(exc) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(_("no manifest"))
    listed = {item["name"]: item["sha256"] for item in manifest["files"]}
    if listed != hashes:
        raise _damaged(_("its files differ from its manifest"))
    return manifest


def _refusals(manifest: dict, force: bool, storage, using: str) -> None:
    connection = connections[using]
    present = _migrations(connection)
    differing = sorted(
        app
        for app in {*present, *manifest["migrations"]}
        if present.get(app) != manifest["migrations"].get(app)
    )
    if differing:
        raise BackupError(
            _(
                "The database's migrations differ from the backup's for: %(apps)s. Restore with "
                "the version of STI Hub that made the backup (%(version)s) into a database "
                "migrated by it, then upgrade and migrate."
            )
            % {
                "apps": ", ".join(differing),
                "version": manifest["versions"].get("stihub", "?"),
            }
        )
    if not force:
        filled = [
            model._meta.label_lower
            for model in backed_up_models()
            if model._meta.label_lower not in MADE_BY_MIGRATE
            and model._base_manager.using(using).exists()
        ]
        if filled:
            raise BackupError(
                _(
                    "The database is not empty (%(tables)s…). Restore into a new database after "
                    "`stihub migrate`, or add --force to replace all its data with the backup's."
                )
                % {"tables": ", ".join(filled[:5])}
            )
    for item in manifest["files"]:
        if storage.exists(item["name"]) and _sha256(storage, item["name"]) != item["sha256"]:
            raise BackupError(
                _(
                    "The storage already holds a different file %(name)s; move it away first "
                    "(a restore never overwrites a file)."
                )
                % {"name": item["name"]}
            )


def _sha256(storage, name: str) -> str:
    with storage.open(name, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _empty_tables(connection) -> None:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables):
            cursor.execute(sql)


def _write_file(storage, name: str, handle, size: int, written: list) -> None:
    if storage.exists(name):  # the same bytes, checked before anything was written
        return
    content = File(handle, name=name)
    content.size = size
    saved = storage.save(name, content)
    written.append(saved)
    if saved != name:
        raise BackupError(_("The storage saved %(name)s under another name.") % {"name": name})


def _verify(manifest: dict, storage, using: str) -> None:
    """The restored rows and files are those the manifest lists, counted and hashed anew."""
    expected = {table["model"]: table["rows"] for table in manifest["models"]}
    expected.update(manifest["links"])
    for label, rows in expected.items():
        found = apps.get_model(label)._base_manager.using(using).count()
        if found != rows:
            raise BackupError(
                _("After restoring, %(model)s has %(found)d rows instead of %(rows)d.")
                % {"model": label, "found": found, "rows": rows}
            )
    for item in manifest["files"]:
        if _sha256(storage, item["name"]) != item["sha256"]:
            raise BackupError(
                _("After restoring, the file %(name)s differs from the backup's.")
                % {"name": item["name"]}
            )


def restore_from(
    path: Path, keys: list[bytes], *, force=False, storage=default_storage, using=DEFAULT_DB_ALIAS
) -> dict:
    """Restore the archive at `path`: all rows in one transaction, then the files; all or nothing.

    Refused, writing nothing, for a wrong key, a damaged or altered archive, other migrations, a
    database that is not empty (without `force`) or a different file already in storage.
    """
    manifest = check_backup(path, keys)
    _refusals(manifest, force, storage, using)
    connection, written = connections[using], []
    models = [*backed_up_models(), *_links(backed_up_models())]
    try:
        with transaction.atomic(using=using), open(path, "rb") as source:
            _empty_tables(connection)
            plain = Decryptor(source, keys)
            with tarfile.open(fileobj=plain, mode="r|gz") as tar:
                for member in tar:
                    handle = tar.extractfile(member)
                    if member.name.startswith("db/"):
                        for item in serializers.deserialize("jsonl", handle, using=using):
                            item.save(using=using, force_insert=True)
                    elif member.name.startswith("files/"):
                        name = member.name.removeprefix("files/")
                        _write_file(storage, name, handle, member.size, written)
            plain.drain()
            # rows came with their primary keys: move each sequence past the largest
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
            connection.check_constraints()
            _verify(manifest, storage, using)
    except (DeserializationError, DatabaseError) as exc:
        _delete(storage, written)
        raise BackupError(
            _("The backup could not be loaded (%(error)s). Nothing was restored.") % {"error": exc}
        ) from exc
    except BaseException:
        _delete(storage, written)
        raise
    finally:  # the cache may hold content types of rows loaded, or rolled back, here
        apps.get_model("contenttypes", "ContentType").objects.clear_cache()
    return manifest


def _delete(storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)
