"""A consistent copy of a live database, written so that a USB stick cannot fool us.

The backup API copies the file while the app may still be writing to it, into a
temporary file on the local disk; that copy is checked (`integrity_check`), switched out
of WAL so it is one self-contained file, and flushed. Only then is it copied to the
target (a `.partial` name, flushed, renamed), and read back from the target and compared
by SHA-256: USB sticks acknowledge writes they have not made.

An encrypted database (db.cipher) is copied plain into that temporary folder
(sqlcipher_export, one read transaction), where the steps below work on it as on any copy;
the folder is removed at the end, whatever happened.

The snapshot carries a signed manifest (db.manifest), numbered and chained to the
device's previous one; the source database keeps it too, so the chain continues. Given
receivers, the checked local copy is sealed for them (db.seal) before it goes to the target:
what reaches the stick is the sealed file, read back and compared like any other.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from db import canonical, cipher, engine, files, manifest, migrations, search, targets
from db import seal as sealing
from db.database import Database
from db.errors import DatabaseCorrupt, KnownDatabaseError
from db.keys import Signer

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Snapshot:
    path: Path
    size: int
    sha256: str
    versions: int
    blobs: int
    manifest: manifest.Manifest
    sealed_for: tuple[sealing.Recipient, ...] = ()  # empty: not sealed, the database in the clear


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_room(target: Path, size: int) -> None:
    folder = target.parent if target.parent.exists() else target.parent.parent
    if (problem := files.room_problem(folder, size)) is not None:
        raise KnownDatabaseError(target, f"the export does not fit: {problem}")


def _sign_manifest(
    database: Database, signer: Signer, figures: dict[str, Any], created: str, seal_key: bytes | None = None,
) -> tuple[manifest.Manifest, list[manifest.Manifest]]:
    """Number, chain, sign and keep the manifest of an export in the source database; returns
    it and the device's earlier manifests, as the source holds them now."""
    with database.write() as conn:
        last = conn.execute(
            text("SELECT hash, number FROM manifest WHERE device_id = :d ORDER BY number DESC LIMIT 1"), {"d": signer.device_id}
        ).first()
        identity = database.identity(conn)
        made = manifest.create(
            signer, number=(last[1] + 1) if last else 1, previous=last[0] if last else None, figures=figures,
            schema_version=migrations.SCHEMA_VERSION, created=created, inspector=identity.inspector, role=identity.role,
            seal_key=seal_key,
        )
        conn.execute(
            text("INSERT INTO manifest(hash, device_id, number, body, signature) VALUES (:h, :d, :n, :b, :s)"),
            {"h": made.hash, "d": made.device_id, "n": made.number, "b": canonical.dumps(made.body), "s": made.signature},
        )
        earlier = [
            manifest.Manifest(r[0], r[1], r[2], json.loads(r[3]), bytes(r[4]))
            for r in conn.execute(
                text("SELECT hash, device_id, number, body, signature FROM manifest WHERE device_id = :d AND number < :n"),
                {"d": signer.device_id, "n": made.number},
            )
        ]
    return made, earlier


def _withdraw(database: Database, made: manifest.Manifest) -> None:
    """An export that failed on its way to the stick (a full or read-only stick, a faulty one)
    gives its number back, so that the master does not report a gap, an export lost, for a
    file that never was: its manifest leaves the source, if it is still the device's last (a
    later export numbered meanwhile chains to it: then it stays, and the gap is said)."""
    try:
        with database.write() as conn:
            conn.execute(
                text("DELETE FROM manifest WHERE hash = :h AND device_id = :d "
                     "AND number = (SELECT max(number) FROM manifest WHERE device_id = :d)"),
                {"h": made.hash, "d": made.device_id},
            )
    except KnownDatabaseError:  # (the export's own failure is the one said)
        pass


def _local_copy(database: Database, local_copy: Path) -> None:
    """The whole database as one SQLite file on the local disk: the backup API for a file;
    for a master on a server, a file of our schema filled in one consistent read."""
    if database.key is not None:  # an encrypted file: its plain copy, here, to be sealed
        cipher.export_plain(database.path, database.key, local_copy)
        return
    if not database.on_server:
        migrations.backup(database.path, local_copy)
        return
    from db import postgres

    made = engine.sqlite_engine(local_copy)
    try:
        migrations.upgrade(made, local_copy)
        with engine.write(made, local_copy) as conn:  # the master's own state goes in whole, no step's marker beside it
            conn.exec_driver_sql("DELETE FROM local_state")
    finally:
        made.dispose()
    with database.read() as conn:
        postgres.export_copy(conn, local_copy, sorted(migrations.tables(migrations.SCHEMA_VERSION)))


def export(
    database: Database, signer: Signer, target: Path, *, created: str, seal_key: bytes | None = None,
    recipients: Sequence[sealing.Recipient] = (),
) -> Snapshot:
    """Write a signed, verified snapshot of `database` to `target` (e.g. on a USB stick):
    sealed for `recipients` when there are any; its manifest announcing `seal_key`, this
    device's public encryption key, when given."""
    source = database.path
    if not database.on_server:
        migrations.check_file(source, database.key)
        if target.resolve() == source.resolve():
            raise KnownDatabaseError(target, "the export would overwrite the database itself; choose another file")
    targets.check_export(target)  # never over a laptop's or the master's own database, before its number is taken
    if not database.on_server:  # the file's size now is about the export's: refused before anything is copied
        _check_room(target, sum(p.stat().st_size for p in (source, source.with_name(source.name + "-wal")) if p.exists()))
    taken: list[manifest.Manifest] = []  # the number this export took, given back if it is not written (_withdraw)
    try:
        with tempfile.TemporaryDirectory(prefix="yanshou-export-") as work:
            local_copy = Path(work) / "snapshot.db"
            _local_copy(database, local_copy)
            dst = sqlite3.connect(local_copy, isolation_level=None)
            try:
                check = dst.execute("PRAGMA integrity_check").fetchall()
                if check != [("ok",)]:
                    raise DatabaseCorrupt(source, "the snapshot failed its integrity check: " + str(check[:3]))
                made, earlier = _sign_manifest(database, signer, manifest.contents(dst, signer.device_id), created, seal_key)
                taken.append(made)
                # The kept merge reports (db/merge/reports.py) are this database's own business: they do
                # not go to the laptops. Overwritten as they are deleted, not left in free pages.
                dst.execute("PRAGMA secure_delete=ON")
                dst.execute("BEGIN")
                dst.execute("DELETE FROM merge_report")
                # The full-text index is this computer's accelerator over search_entry (db/search.py),
                # outside the versioned schema a merge compares the file with: it stays here.
                search.drop_local_index(dst)
                # a schema-1 report the upgrade could not read stays in local_state (db/migrations.py)
                dst.execute("DELETE FROM local_state WHERE key LIKE ?", (migrations.OLD_REPORT + "%",))
                # The device's whole chain: another export of the same master (a second lead's
                # desk on a server) may have been numbered after this copy was read.
                for m in earlier:
                    manifest.store(dst, m)
                manifest.store(dst, made)
                dst.execute(
                    "INSERT INTO local_state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (manifest.EXPORT_KEY, made.hash),
                )
                dst.execute("COMMIT")
                dst.execute("PRAGMA journal_mode=DELETE")
                versions = dst.execute("SELECT count(*) FROM version").fetchone()[0]
                blobs = dst.execute("SELECT count(*) FROM blob").fetchone()[0]
            finally:
                dst.close()
            if recipients:
                sealed = Path(work) / "sealed"
                sealing.seal(local_copy, sealed, recipients)
                local_copy.unlink()
                local_copy = sealed
            expected = file_sha256(local_copy)
            _check_room(target, local_copy.stat().st_size)  # the exact size, before the copy to the stick
            partial = files.partial_name(target)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                copied = files.copy(local_copy, partial)
                if copied != expected:  # the local copy is ours alone: only a failing disk changes it
                    partial.unlink(missing_ok=True)
                    raise KnownDatabaseError(target, "the copy differs from the snapshot; the disk is faulty — export again")
                files.replace(partial, target)
            except OSError as exc:
                files.discard(partial)
                raise KnownDatabaseError(target, f"writing the export failed: {exc.strerror or exc}") from exc
        written = file_sha256(target)
        if written != expected:
            raise KnownDatabaseError(target, "the export reads back different from what was written; the medium is faulty — use another")
    except BaseException:
        if taken:
            _withdraw(database, taken[0])
        raise
    return Snapshot(target, target.stat().st_size, written, versions, blobs, made, tuple(recipients))
