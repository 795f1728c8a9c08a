"""Step 1 of a merge: a file offered to merge is copied to our own quarantine folder and
hashed on the way, before anything reads it as a database (a USB stick may vanish or change
under us; a copy we made cannot). Refused at once: a device, a pipe, a folder, a file past
the size limit or the data folder's free space, a file that grows while it is copied. This
computer's own failures (a full or read-only data folder) are told apart from the file's.

A sealed export (db.seal) is opened on the way: what lands in quarantine is the database
inside, each chunk authenticated before it is written; a file sealed for other keys, or
changed, cut short or damaged, is refused with its reason and nothing of it is kept. The
hash is of the file as offered (the sealed bytes): the same file offered again is known."""

from __future__ import annotations

import errno
import hashlib
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from db import blobs, cipher, files, migrations, seal
from db.errors import DiskFull, KnownDatabaseError, Refused

_CHUNK = 1024 * 1024

# An exported file larger than this is refused before a byte of it is copied (the lead can
# raise it: YANSHOU_MAX_IMPORT_MB, read by the services). A laptop's whole season fits well inside.
MAX_FILE_BYTES = 16 * 1024**3
_SPARE_BYTES = 64 * 1024 * 1024  # left free in the data folder after a copy


def _offered(source: Path, quarantine_dir: Path, limit: int) -> int:
    """What a file offered to merge is, before anything is read: a regular file (a device, a
    pipe or a link to one is refused at once: /dev/zero would fill the disk, a pipe hang), of
    a size within the limit and within the data folder's free space. Its size."""
    try:
        info = source.stat()  # through a link: what it points to
    except OSError as exc:
        raise _unreadable(source, exc) from exc
    if stat.S_ISDIR(info.st_mode):
        raise Refused(source, "unreadable", "this is a folder, not an exported file")
    if not stat.S_ISREG(info.st_mode):
        raise Refused(source, "unreadable", "this is a device or a pipe (or a link to one), not an exported file")
    if info.st_size > limit:
        raise Refused(source, "too_large", f"the file is {info.st_size:,} bytes; files over {limit:,} bytes are not merged")
    if (problem := files.room_problem(quarantine_dir, info.st_size + _SPARE_BYTES)) is not None:
        raise DiskFull(quarantine_dir, f"the data folder cannot take the file's copy: {problem}")
    return info.st_size


def _unreadable(source: Path, exc: OSError) -> Refused:
    """Why a file offered to merge cannot be read, for the person who offered it."""
    if isinstance(exc, FileNotFoundError):
        return Refused(source, "unreadable", "the file is not there (was the USB stick removed?)")
    if isinstance(exc, IsADirectoryError):
        return Refused(source, "unreadable", "this is a folder, not an exported file")
    if isinstance(exc, PermissionError):
        return Refused(source, "unreadable", "the file cannot be read (permission denied)")
    return Refused(source, "unreadable", f"reading the file failed: {exc.strerror or exc}")


def _copy_hashing(source: Path, target: Path, size: int) -> str:
    """Copy and hash; a file that grows past the size it had when it was offered is refused
    (a stick or a program writing it meanwhile). Read into one buffer: no piece is allocated,
    and no byte copied once more than the read and the write need."""
    digest = hashlib.sha256()
    copied = 0
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    try:
        src = source.open("rb", buffering=0)
    except OSError as exc:
        raise _unreadable(source, exc) from exc
    with src, _target(target) as dst:
        while True:
            try:
                n = src.readinto(buffer)
            except OSError as exc:
                raise _unreadable(source, exc) from exc
            if not n:
                break
            copied += n
            if copied > size:
                raise Refused(source, "unreadable", "the file grew while it was copied: another program is writing it")
            digest.update(view[:n])
            _write(dst, view[:n], target)
    return digest.hexdigest()


def _target(target: Path) -> BinaryIO:
    try:
        return target.open("wb")
    except OSError as exc:  # our own data folder: the environment's failure, not the file's
        raise _environment(exc, target) from exc


def _write(dst: BinaryIO, chunk: bytes | memoryview, target: Path) -> None:
    try:
        dst.write(chunk)  # a piece larger than the writer's buffer is written from it directly
    except OSError as exc:
        raise _environment(exc, target) from exc


def _environment(exc: OSError, where: Path) -> KnownDatabaseError:
    """A failure of this computer's disk or folders, as an error a user can act on."""
    if exc.errno == errno.ENOSPC:
        return DiskFull(where, "the disk is full; nothing was merged")
    if exc.errno == errno.EROFS:
        return KnownDatabaseError(where, "the data folder is on a read-only disk; nothing was merged")
    return KnownDatabaseError(where, f"the data folder cannot be written ({exc.strerror or exc}); nothing was merged")


@dataclass(frozen=True)
class Taken:
    """A file in quarantine: the SHA-256 of the file as offered, and its seal's header when
    it came sealed (None: it came in the clear)."""

    sha256: str
    sealed: seal.Header | None = None


def _quarantine(source: Path, target: Path, limit: int = MAX_FILE_BYTES, opener: seal.Opener | None = None) -> Taken:
    """Copy the file to our own folder and hash it; a sealed export is opened with `opener`'s
    keys on the way. A laptop's database copied as it is may hold its last commits in a WAL
    file beside it: then SQLite's backup API makes the copy, so those commits come along (the
    header is checked first)."""
    size = _offered(source, target.parent, limit)
    if seal.is_sealed(source):
        return _unseal(source, target, size, opener)
    if cipher.looks_encrypted(source):
        return _decrypt(source, target, opener)
    wal = source.with_name(source.name + "-wal")
    if not (wal.is_file() and wal.stat().st_size > 0):
        return Taken(_copy_hashing(source, target, size))
    _offered(wal, target.parent, limit)
    try:
        app_id, _ = migrations.header(source)
    except KnownDatabaseError as exc:
        raise Refused(source, "not_yanshou", "not a SQLite database file (empty, truncated or something else)") from exc
    if app_id != migrations.APPLICATION_ID:
        raise Refused(source, "not_yanshou", "a SQLite database, but not one made by Yanshou")
    try:
        migrations.backup(source, target)
    except sqlite3.Error as exc:
        raise Refused(source, "unreadable", f"the database could not be read ({exc})") from exc
    return Taken(blobs.sha256_file(target)[0])


def _decrypt(source: Path, target: Path, opener: seal.Opener | None) -> Taken:
    """A database file encrypted at rest (db.cipher) by this computer, copied plain into
    quarantine (sqlcipher_export: its WAL's commits come along), hashed as copied: a laptop's
    database merged as a file where it was made. Another computer's is refused: no key of ours
    opens it, and nothing says what it is."""
    from db.database import file_key

    try:
        key = file_key(source, opener.keys_dir if opener is not None else None)
    except KnownDatabaseError as exc:
        raise Refused(
            source, "not_yanshou", "not a SQLite database file: encrypted on another computer (a laptop's own database: export it "
            "there and merge the export), or something else",
        ) from exc
    if key is None:  # pragma: no cover - looks_encrypted said it is not plain
        raise Refused(source, "not_yanshou", "not a SQLite database file")
    try:
        cipher.export_plain(source, key, target)
    except cipher.errors() as exc:
        files.discard(target)
        raise Refused(source, "unreadable", f"the database could not be read ({exc})") from exc
    return Taken(blobs.sha256_file(target)[0])


def _unseal(source: Path, target: Path, size: int, opener: seal.Opener | None) -> Taken:
    """A sealed export opened into `target` (the database inside), hashed as offered. Its
    seal's refusal leaves nothing in quarantine; the plain copy is never larger than the file
    offered, whose size was checked against the limit and the free space."""
    digest = hashlib.sha256()
    read = 0

    def seen(data: bytes) -> None:
        nonlocal read
        read += len(data)
        if read > size:
            raise Refused(source, "unreadable", "the file grew while it was copied: another program is writing it")
        digest.update(data)

    try:
        src = source.open("rb")
    except OSError as exc:
        raise _unreadable(source, exc) from exc
    try:
        with src, _target(target) as dst:
            try:
                header = seal.unseal(src, lambda plain: _write(dst, plain, target), opener, on_bytes=seen)
            except seal.SealError as exc:
                raise Refused(source, exc.code, str(exc)) from exc
            except OSError as exc:  # reading the file offered (a write to ours raises our own error)
                raise _unreadable(source, exc) from exc
    except BaseException:
        files.discard(target)
        raise
    return Taken(digest.hexdigest(), header)
