"""`stihub backup` and `stihub restore`: everything comes back, or nothing is written.

Expectations are taken independently of the backup code: rows are counted per table with SQL
over every table the database holds (not the backup's list of models), files are read from the
media folder with os.walk and hashed with hashlib, and sequences are read from the database.
"""

import hashlib
import io
import os
import shutil

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command, load_command_class
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse
from django.utils import translation

from stihub.core.backup import check_backup
from stihub.core.backup_crypto import (
    CHUNK_BYTES,
    BackupError,
    Decryptor,
    Encryptor,
    make_key,
    parse_keys,
)
from stihub.core.demo import DEMO_PASSWORD
from stihub.core.models import Agency, User
from stihub.innovation.models import IndexDataset

# Not data: which migrations ran (the restore requires them equal) and who is signed in.
NOT_BACKED_UP = {"django_migrations", "django_session"}


@pytest.fixture(autouse=True)
def english(client):
    """Messages in English, the source strings the tests name (Vietnamese is the default);
    pages asked for by the tests' client are English too, so they leave English active."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def key(settings):
    settings.STIHUB_BACKUP_KEY = make_key()
    return settings.STIHUB_BACKUP_KEY


def data_tables(cursor) -> list[str]:
    """The tables holding data: not SQLite's full-text indexes of the registries, which the
    restore rebuilds from the rows in a layout of their own (derived, not backed up)."""
    return [t for t in connection.introspection.table_names(cursor) if "_fts" not in t]


def rows_per_table() -> dict[str, int]:
    """Rows of every table in the database, by SQL."""
    with connection.cursor() as cursor:
        tables = sorted(set(data_tables(cursor)) - NOT_BACKED_UP)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def media_files(media_root) -> dict[str, bytes]:
    """Every file under the media folder and its bytes."""
    found = {}
    for folder, _dirs, names in os.walk(media_root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, media_root).replace(os.sep, "/")] = handle.read()
    return found


def sequences_behind() -> list[str]:
    """Tables whose next generated key would collide with a stored one."""
    behind = []
    with connection.cursor() as cursor:
        for table in data_tables(cursor):
            for sequence in connection.introspection.get_sequences(cursor, table):
                column = connection.ops.quote_name(sequence["column"])
                cursor.execute(f"SELECT MAX({column}) FROM {connection.ops.quote_name(table)}")
                largest = cursor.fetchone()[0]
                if not isinstance(largest, int):  # empty, or a text key (sessions)
                    continue
                if connection.vendor == "postgresql":
                    sequence_name = connection.ops.quote_name(sequence["name"])
                    cursor.execute(f"SELECT last_value FROM {sequence_name}")
                else:  # SQLite's AUTOINCREMENT counter
                    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                if row is None or row[0] < largest:
                    behind.append(table)
    return behind


def sign_in(client, username) -> bool:
    client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    translation.activate("en")  # the page activated its visitor's language; tests read English
    return client.session.get("_auth_user_id") == str(User.objects.get(username=username).pk)


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_finds_everything(
    settings, key, media_root, tmp_path, client
):
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())  # its sample PII 2025 stores a workbook file
    # sign-ins leave rows in whatever security tables the apps keep (attempts, event log)
    client.post(reverse("login"), {"username": "expert", "password": "a wrong password"})
    assert sign_in(client, "expert")
    client.logout()
    translation.activate("en")
    tables = rows_per_table()
    history = {table: n for table, n in tables.items() if "historical" in table}
    files = media_files(media_root)
    workbook = IndexDataset.objects.get().workbook.name
    largest_agency = Agency.objects.order_by("-pk").first().pk
    assert workbook in files and files[workbook].startswith(b"PK")  # an .xlsx is a zip
    assert tables["core_user"] >= 4 and tables["monitoring_observation"] > 1000
    assert history["monitoring_historicaltarget"] > 0 and history["core_historicaluser"] > 0

    archive = tmp_path / "backups" / "nightly.backup"
    call_command("backup", output=archive, stdout=io.StringIO())
    manifest = check_backup(archive, parse_keys(key))
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == {
        name: hashlib.sha256(data).hexdigest() for name, data in files.items()
    }
    assert {t["model"]: t["rows"] for t in manifest["models"]}["core.agency"] == (
        tables["core_agency"]
    )
    assert manifest["migrations"]["core"][0] == "0001_initial"
    assert b"Ngh" not in archive.read_bytes()  # encrypted: no Vietnamese text in clear
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    call_command("flush", interactive=False)  # an empty database, as after `migrate`
    shutil.rmtree(media_root)
    assert rows_per_table()["core_user"] == 0 and rows_per_table()["django_content_type"] > 0
    out = io.StringIO()
    call_command("restore", archive, stdout=out)

    assert "Row counts and file checksums match" in out.getvalue()
    assert rows_per_table() == tables
    assert {t: n for t, n in rows_per_table().items() if "historical" in t} == history
    assert media_files(media_root) == files
    assert IndexDataset.objects.get().workbook.read() == files[workbook]
    assert sign_in(client, "reporter")
    # new rows get new keys: every sequence is past the restored rows
    assert sequences_behind() == []
    agency = Agency.objects.create(code="NEW_AFTER_RESTORE", name="Mới", kind="department")
    assert agency.pk > largest_agency and agency.history.count() == 1
    User.objects.create_user("after-restore", password=DEMO_PASSWORD)

    # a database that is not empty is refused; --force replaces its data with the backup's
    with pytest.raises(CommandError, match="not empty.*--force"):
        call_command("restore", archive)
    assert Agency.objects.filter(code="NEW_AFTER_RESTORE").exists()
    call_command("restore", archive, force=True, stdout=io.StringIO())
    assert rows_per_table() == tables
    assert not Agency.objects.filter(code="NEW_AFTER_RESTORE").exists()


@pytest.fixture
def small_archive(db, key, tmp_path):
    """An archive of one agency and one stored file; afterwards both are gone."""
    agency = Agency.objects.create(code="SKHCN", name="Sở Khoa học và Công nghệ", kind="department")
    default_storage.save("innovation/PII/2024/pii.xlsx", ContentFile(b"workbook bytes"))
    archive = tmp_path / "small.backup"
    call_command("backup", output=archive, stdout=io.StringIO())
    agency.delete()
    default_storage.delete("innovation/PII/2024/pii.xlsx")
    return archive


def nothing_written(media_root) -> bool:
    return not Agency.objects.exists() and media_files(media_root) == {}


def test_a_wrong_key_is_refused_and_nothing_written(small_archive, settings, media_root):
    settings.STIHUB_BACKUP_KEY = make_key()
    with pytest.raises(CommandError, match="not made with the key"):
        call_command("restore", small_archive, force=True)
    assert nothing_written(media_root)


def test_an_old_key_beside_the_new_one_still_restores(small_archive, settings, key):
    settings.STIHUB_BACKUP_KEY = f"{make_key()},{key}"
    out = io.StringIO()
    call_command("restore", small_archive, check=True, stdout=out)
    assert "is intact" in out.getvalue()


@pytest.mark.parametrize("where", ["middle", "last"])  # the last byte is in the final tag
def test_an_altered_archive_is_refused_and_nothing_written(small_archive, media_root, where):
    data = bytearray(small_archive.read_bytes())
    data[len(data) // 2 if where == "middle" else len(data) - 1] ^= 0x01
    small_archive.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="damaged or was altered"):
        call_command("restore", small_archive, force=True)
    assert nothing_written(media_root)


def test_a_cut_archive_is_refused_and_nothing_written(small_archive, media_root):
    small_archive.write_bytes(small_archive.read_bytes()[:-100])
    with pytest.raises(CommandError, match="damaged or was altered"):
        call_command("restore", small_archive, force=True)
    assert nothing_written(media_root)


def test_other_migrations_are_refused(small_archive, media_root):
    MigrationRecorder(connection).migration_qs.filter(app="core").order_by("-id")[0].delete()
    with pytest.raises(CommandError, match="migrations differ.*: core"):
        call_command("restore", small_archive, force=True)
    assert nothing_written(media_root)


def test_a_different_file_in_storage_is_never_overwritten(small_archive, media_root):
    default_storage.save("innovation/PII/2024/pii.xlsx", ContentFile(b"another workbook"))
    with pytest.raises(CommandError, match="different file innovation/PII/2024/pii.xlsx"):
        call_command("restore", small_archive, force=True)
    assert media_files(media_root) == {"innovation/PII/2024/pii.xlsx": b"another workbook"}
    assert not Agency.objects.exists()


def test_backup_without_a_key_says_how_to_make_one(db, settings, tmp_path):
    settings.STIHUB_BACKUP_KEY = ""
    with pytest.raises(CommandError, match="backup --make-key"):
        call_command("backup", output=tmp_path / "x.backup")
    assert not (tmp_path / "x.backup").exists()
    settings.STIHUB_BACKUP_KEY = "not-a-key"
    with pytest.raises(CommandError, match="not a valid key"):
        call_command("backup", output=tmp_path / "x.backup")


def test_make_key_prints_a_new_256_bit_key():
    first, second = io.StringIO(), io.StringIO()
    call_command("backup", make_key=True, stdout=first)
    call_command("backup", make_key=True, stdout=second)
    assert first.getvalue() != second.getvalue()
    assert [len(k) for k in parse_keys(first.getvalue().strip())] == [32]


def test_backup_never_replaces_an_archive(db, key, tmp_path):
    archive = tmp_path / "x.backup"
    archive.write_bytes(b"an earlier archive")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=archive)
    assert archive.read_bytes() == b"an earlier archive"


def seal(plain: bytes, key: bytes) -> bytes:
    out = io.BytesIO()
    encryptor = Encryptor(out, key)
    encryptor.write(plain)
    encryptor.finish()
    return out.getvalue()


def unseal(sealed: bytes, key: bytes) -> bytes:
    return Decryptor(io.BytesIO(sealed), [key]).read()


@pytest.mark.parametrize("size", [0, 1, CHUNK_BYTES, CHUNK_BYTES + 1, 2 * CHUNK_BYTES + 5])
def test_encryption_round_trips_across_chunk_boundaries(size):
    key, plain = os.urandom(32), os.urandom(size)
    sealed = seal(plain, key)
    # header 46 bytes, then one 16-byte tag per started MiB (an empty archive has one chunk)
    assert len(sealed) == 46 + size + 16 * max(1, -(-size // CHUNK_BYTES))
    assert unseal(sealed, key) == plain


def test_chunks_cannot_be_dropped_or_swapped():
    key, plain = os.urandom(32), os.urandom(3 * CHUNK_BYTES)
    sealed = seal(plain, key)
    header, step = 46, CHUNK_BYTES + 16
    chunks = [sealed[i : i + step] for i in range(header, len(sealed), step)]
    assert len(chunks) == 3
    dropped_last = sealed[:header] + b"".join(chunks[:2])
    swapped = sealed[:header] + chunks[1] + chunks[0] + chunks[2]
    for altered in (dropped_last, swapped):
        with pytest.raises(BackupError, match="damaged or was altered"):
            unseal(altered, key)


@pytest.mark.parametrize(
    ("name", "says"), [("backup", "encrypted backup"), ("restore", "all or nothing")]
)
def test_command_help_prints(name, says):
    """`stihub help backup` once failed: argparse cannot format a lazy translation."""
    parser = load_command_class("stihub.core", name).create_parser("stihub", name)
    assert says in " ".join(parser.format_help().split())
