"""A consistent copy of a live database, written so that a USB stick cannot fool us.

The backup API copies the file while the app may still be writing to it, into a
temporary file on the local disk; that copy is checked (`integrity_check`), switched out
of WAL so it is one self-contained file, and flushed. Only then is it copied to the
target (a `.partial` name, flushed, renamed), and read back from the target and compared
by SHA-256: USB sticks acknowledge writes they have not made.

The signed export manifest of SYNC.md joins this with issue 2/6's merge.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from db import migrations
from db.errors import DatabaseCorrupt, KnownDatabaseError

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Snapshot:
    path: Path
    size: int
    sha256: str
    versions: int
    blobs: int


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if os.name == "posix":  # directories cannot be opened for fsync on Windows
        _fsync(path)


def export(source: Path, target: Path) -> Snapshot:
    migrations.check_file(source)
    if target.resolve() == source.resolve():
        raise KnownDatabaseError(target, "the export would overwrite the database itself; choose another file")
    with tempfile.TemporaryDirectory(prefix="yanshou-export-") as work:
        local = Path(work) / "snapshot.db"
        src = sqlite3.connect(f"file:{source.resolve().as_posix()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(local)
            try:
                src.backup(dst)
                check = dst.execute("PRAGMA integrity_check").fetchall()
                if check != [("ok",)]:
                    raise DatabaseCorrupt(source, "the snapshot failed its integrity check: " + str(check[:3]))
                dst.execute("PRAGMA journal_mode=DELETE")
                versions = dst.execute("SELECT count(*) FROM version").fetchone()[0]
                blobs = dst.execute("SELECT count(*) FROM blob").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
        _fsync(local)
        expected = file_sha256(local)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        try:
            shutil.copyfile(local, partial)
            _fsync(partial)
            os.replace(partial, target)
            _fsync_dir(target.parent)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise KnownDatabaseError(target, f"writing the export failed: {exc.strerror or exc}") from exc
    written = file_sha256(target)
    if written != expected:
        raise KnownDatabaseError(target, "the export reads back different from what was written; the medium is faulty — use another")
    return Snapshot(target, target.stat().st_size, written, versions, blobs)
