"""Backup encryption: AES-256-GCM in authenticated chunks, with keys from the environment.

Why chunks and not Fernet: Fernet encrypts and authenticates one message held in memory (and
base64-encodes it), so a large archive would need several times its size in memory. Each chunk
here is authenticated on its own, its number and "last" flag are in its nonce (the STREAM
construction of Hoang, Reyhanitabar, Rogaway and Vizár, as in Tink and age), so chunks cannot be
reordered, dropped or cut off at the end; the header is authenticated with every chunk. The key
of an archive is derived from the operator's key and a random salt (HKDF-SHA256), so nonces
never repeat across archives; a check value derived beside it tells a wrong key from a damaged
file.

    header  = MAGIC, format (1 byte), salt (16 bytes), key check (16 bytes)
    chunk i = AES-GCM(key, nonce = i as 11 bytes + last flag, 1 MiB of plaintext, header)
"""

import base64
import binascii
import hmac
import io
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.utils.translation import gettext as _

FORMAT = 1
MAGIC = b"STIHUB-BACKUP"
SALT_BYTES = CHECK_BYTES = 16
HEADER_BYTES = len(MAGIC) + 1 + SALT_BYTES + CHECK_BYTES
CHUNK_BYTES = 1 << 20
TAG_BYTES = 16


class BackupError(Exception):
    """A backup or restore refused, with a message for the operator."""


def make_key() -> str:
    """A new random 256-bit key, as 44 URL-safe base64 characters."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_keys(value: str) -> list[bytes]:
    """The keys of STIHUB_BACKUP_KEY (comma-separated; the first encrypts, any decrypts)."""
    keys = []
    for text in (part.strip() for part in value.split(",")):
        if not text:
            continue
        try:
            key = base64.b64decode(text, altchars=b"-_", validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != 32:
            raise BackupError(
                _(
                    "STIHUB_BACKUP_KEY is not a valid key: expected 44 characters as printed by "
                    "`stihub backup --make-key`."
                )
            )
        keys.append(key)
    if not keys:
        raise BackupError(
            _(
                "STIHUB_BACKUP_KEY is not set. Make a key with `stihub backup --make-key`, keep "
                "it in the environment of the backup job and in a safe place away from the "
                "archives: without it no backup can be restored."
            )
        )
    return keys


def _derive(key: bytes, salt: bytes) -> tuple[AESGCM, bytes]:
    material = HKDF(
        algorithm=SHA256(), length=32 + CHECK_BYTES, salt=salt, info=b"stihub backup 1"
    ).derive(key)
    return AESGCM(material[:32]), material[32:]


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class Encryptor:
    """A write-only stream that seals what it is given in chunks; `finish` seals the last one."""

    def __init__(self, out, key: bytes):
        salt = os.urandom(SALT_BYTES)
        self._aead, check = _derive(key, salt)
        self._header = MAGIC + bytes([FORMAT]) + salt + check
        self._out, self._buffer, self._counter = out, bytearray(), 0
        out.write(self._header)

    def write(self, data) -> int:
        self._buffer += data
        # keep at least one byte back: the last chunk, even a full one, is sealed by finish()
        while len(self._buffer) > CHUNK_BYTES:
            self._seal(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def finish(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer = bytearray()

    def _seal(self, chunk: bytes, last: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._counter, last), chunk, self._header))
        self._counter += 1


class Decryptor(io.RawIOBase):
    """A read-only stream of an archive's plaintext; every chunk is authenticated before use."""

    def __init__(self, source, keys: list[bytes]):
        header = source.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
            raise BackupError(_("This file is not a STI Hub backup."))
        if header[len(MAGIC)] != FORMAT:
            raise BackupError(_("This backup was made by another version of STI Hub."))
        salt = header[len(MAGIC) + 1 : len(MAGIC) + 1 + SALT_BYTES]
        check = header[-CHECK_BYTES:]
        for key in keys:
            aead, expected = _derive(key, salt)
            if hmac.compare_digest(expected, check):
                break
        else:
            raise BackupError(
                _(
                    "This backup was not made with the key in STIHUB_BACKUP_KEY (or its header "
                    "is damaged). Nothing was restored."
                )
            )
        self._source, self._aead, self._header = source, aead, header
        self._chunks = self._decrypted()
        self._pending = b""

    def _decrypted(self):
        counter, sealed = 0, self._source.read(CHUNK_BYTES + TAG_BYTES)
        while True:
            following = (
                self._source.read(CHUNK_BYTES + TAG_BYTES)
                if len(sealed) == CHUNK_BYTES + TAG_BYTES
                else b""
            )
            last = not following
            try:
                yield self._aead.decrypt(_nonce(counter, last), sealed, self._header)
            except InvalidTag:
                raise BackupError(
                    _("This backup is damaged or was altered. Nothing was restored.")
                ) from None
            if last:
                return
            counter, sealed = counter + 1, following

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            self._pending = next(self._chunks, None)
            if self._pending is None:
                self._pending = b""
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size], self._pending = self._pending[:size], self._pending[size:]
        return size

    def drain(self) -> None:
        """Authenticate whatever the tar reader left unread (its end padding, the last chunk)."""
        while self.read(CHUNK_BYTES):
            pass
