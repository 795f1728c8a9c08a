"""Step 4 of a merge: one transaction for the batch, each file in a savepoint of its own.
The versions step 3 (db.merge.verify) read and checked of a file are staged, as it read
them, into TEMP tables and added by set-based statements: the union of versions,
parents and blobs, the device enrolments, the manifests, the projection of the affected
records, the counts checked against what step 3 verified, an import-log row. A file refused
here is rolled back alone; the batch's one COMMIT is db.merge's."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from db import canonical, cipher, engine, local, projection
from db.errors import KnownDatabaseError, Refused
from db.merge.enrolment import DeviceInfo, Enrolment, _not_enrolled
from db.merge.reports import FileReport
from db.merge.verify import _FORK, BLOB_PIECE, ROW_COLUMNS, _Plan, _unstorable, altered_blob, open_hardened

# --- step 4: one transaction for the batch --------------------------------------------------
#
# A batch of files is merged in ONE `BEGIN IMMEDIATE` transaction on the receiving database,
# each file inside a SAVEPOINT of its own (a file refused at this step is rolled back alone,
# the others stay in the batch). Cancel, a full disk, a crash or a `kill -9` anywhere before
# the single COMMIT leave the database exactly as it was: SQLite discards a transaction that
# was never committed (the WAL frames without a commit record are ignored when the file is
# next opened). Two alternatives were rejected:
# - a transaction per file, with the pre-batch backup restored on cancel: a kill -9 between
#   two files (or during the restore) leaves half a batch, and a restore would erase what
#   another writer (`yanshou resolve` in a terminal) committed between two files; here the
#   write lock is held for the whole batch, so no one writes in between;
# - ATTACHing each file to the batch's connection: SQLite cannot DETACH a database that the
#   open transaction has read ("database is locked"), and it attaches at most 10, so a USB
#   folder of 11 laptops would not fit in one transaction.
# So each file's new versions, as step 3 read and verified them (their hashes and signatures),
# are staged into TEMP tables of the batch's connection, and its new blobs are streamed
# (blobopen) from the file's own hardened read-only connection into the receiving blob table.

# The staging tables, per connection (TEMP: never in the file or the server's schema).
# Named without a schema: SQLite's `temp` and PostgreSQL's `pg_temp` are searched first.
_STAGING = [
    "CREATE TEMP TABLE IF NOT EXISTS merge_incoming(version_id TEXT PRIMARY KEY, record_id TEXT, entity TEXT, "
    "device_id TEXT, seq BIGINT, hlc BIGINT, deleted BOOLEAN, payload TEXT, blob_hashes TEXT, signature {binary}){keep}",
    "CREATE TEMP TABLE IF NOT EXISTS merge_incoming_parent(version_id TEXT, parent_id TEXT){keep}",
    "CREATE TEMP TABLE IF NOT EXISTS merge_file_version(version_id TEXT PRIMARY KEY){keep}",
    "CREATE TEMP TABLE IF NOT EXISTS merge_file_blob(sha256 TEXT PRIMARY KEY){keep}",
    "CREATE TEMP TABLE IF NOT EXISTS merge_new(version_id TEXT PRIMARY KEY){keep}",
    "DELETE FROM merge_incoming",
    "DELETE FROM merge_incoming_parent",
    "DELETE FROM merge_file_version",
    "DELETE FROM merge_file_blob",
    "DELETE FROM merge_new",
]
# On a server the connection goes back to a pool: the rows go at COMMIT, not with the connection.
_UNION = {
    "sqlite": [s.format(binary="BLOB", keep="") for s in _STAGING],
    "postgresql": [s.format(binary="BYTEA", keep=" ON COMMIT DELETE ROWS") for s in _STAGING],
}
_INCOMING = ROW_COLUMNS  # plan.rows, as step 3 read them
# The versions to add: checked by step 3, not here yet. Step 3 may have run while an earlier
# file of the batch was being merged; what it did not check was here then.
_NEW = (
    "INSERT INTO merge_new(version_id) SELECT i.version_id FROM merge_incoming i "
    "WHERE NOT EXISTS (SELECT 1 FROM version v WHERE v.version_id = i.version_id)"
)
_SCOPE = (
    "INSERT INTO {scope}(record_id) "
    "SELECT DISTINCT i.record_id FROM merge_incoming i JOIN merge_new n ON n.version_id = i.version_id"
)
_INSERT_VERSIONS = (
    "INSERT INTO version(version_id, record_id, entity, device_id, seq, hlc, deleted, payload, blob_hashes, signature) "
    "SELECT i.version_id, i.record_id, i.entity, i.device_id, i.seq, i.hlc, i.deleted, i.payload, i.blob_hashes, i.signature "
    "FROM merge_incoming i JOIN merge_new n ON n.version_id = i.version_id"
)
_INSERT_PARENTS = (
    "INSERT INTO version_parent(version_id, parent_id) SELECT p.version_id, p.parent_id "
    "FROM merge_incoming_parent p JOIN merge_new n ON n.version_id = p.version_id"
)
# Afterwards everything the file held in step 3 must be here: a version or blob neither added
# nor already present would mean a blob changed in the file under us, or a bug.
_LEFT_OUT = (
    "SELECT (SELECT count(*) FROM merge_file_version i "
    "WHERE NOT EXISTS (SELECT 1 FROM version v WHERE v.version_id = i.version_id))"
    " + (SELECT count(*) FROM merge_file_blob i WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE b.sha256 = i.sha256))"
)
_STORED_CHAIN = text("SELECT number, hash FROM manifest WHERE device_id = :d")
_ENROLL = text(
    "INSERT INTO device(id, role, inspector, public_key, fingerprint, enrolled_at) VALUES (:i, :r, :n, :k, :f, :t) "
    "ON CONFLICT(id) DO NOTHING"
)


def _stage(conn: Connection, plan: _Plan) -> None:
    """The file's new versions and parents, as step 3 read and checked them, into the staging
    tables; every id and hash it holds. On a server by COPY (db.postgres), in SQLite by
    executemany."""
    tables: list[tuple[str, tuple[str, ...], Iterable[Any]]] = [
        ("merge_file_version", ("version_id",), [(v,) for v in plan.file_versions]),
        ("merge_file_blob", ("sha256",), [(b,) for b in plan.file_blobs]),
    ]
    if plan.rows:
        tables += [
            ("merge_incoming", _INCOMING, plan.rows),
            ("merge_incoming_parent", ("version_id", "parent_id"), plan.parent_rows),
        ]
    if conn.dialect.name == "postgresql":
        from db import postgres

        for table, columns, rows in tables:
            postgres.stage(conn, table, columns, rows)
        return
    raw: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
    for table, columns, rows in tables:
        raw.executemany(f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", rows)


def _hashed(src: sqlite3.Blob, sha: str, file: Path) -> Iterator[bytes]:
    """A blob's bytes in pieces, hashed as they go: at its end, if they are not those of its
    hash, the file is refused (the blob's copy is rolled back with the file's savepoint). What
    is copied is what was hashed, read once."""
    digest = hashlib.sha256()
    while chunk := src.read(BLOB_PIECE):
        digest.update(chunk)
        yield chunk
    if digest.hexdigest() != sha:
        raise Refused(file, "blob", altered_blob(sha))


def _copy_blobs(conn: Connection, foreign: sqlite3.Connection, plan: _Plan, file: Path) -> tuple[int, int]:
    """Stream the new blobs not here yet, hashed on the way; (count, bytes)."""
    server = conn.dialect.name == "postgresql"
    raw: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
    count = size_total = 0
    for sha in plan.new_blob_list:
        if conn.execute(text("SELECT 1 FROM blob WHERE sha256 = :h"), {"h": sha}).first():
            continue  # an earlier file of the batch (or another lead, on a server) brought it
        found = foreign.execute("SELECT id, size, mime FROM blob WHERE sha256 = ?", (sha,)).fetchone()
        if found is None:
            continue  # _LEFT_OUT names it
        rowid, size, mime = found
        with foreign.blobopen("blob", "data", rowid, readonly=True) as src:
            if len(src) != size:  # step 3 found them equal: the file changed
                raise KnownDatabaseError(plan.source, "the file changed between its checks and the merge; nothing was merged")
            if server:
                from db import postgres

                try:
                    postgres.copy_blob(conn, sha, size, mime, _hashed(src, sha, file))
                except OSError as exc:
                    raise KnownDatabaseError(plan.source, "the file changed between its checks and the merge; nothing was merged") from exc
            else:
                target = raw.execute(
                    "INSERT INTO blob(sha256, size, mime, data) VALUES (?, ?, ?, zeroblob(?))", (sha, size, mime, size)
                ).lastrowid
                assert target is not None  # an INSERT's row
                with raw.blobopen("blob", "data", target, readonly=False, name="main") as dst:
                    for chunk in _hashed(src, sha, file):
                        dst.write(chunk)
        count += 1
        size_total += size
    return count, size_total


_SAME_INSPECTOR = text("SELECT 1 FROM device WHERE role = 'field' AND inspector = :n AND id <> :i")


def _apply(
    conn: Connection, foreign: sqlite3.Connection, plan: _Plan, report: FileReport, now: str, *, decision: Enrolment,
) -> None:
    if plan.exporter is not None:  # again, as of now: an earlier file of the batch may have brought the device's manifests
        stored: dict[int, str] = {int(r[0]): str(r[1]) for r in conn.execute(_STORED_CHAIN, {"d": plan.exporter.device_id})}
        if any(stored.get(m.number, m.hash) != m.hash for m in plan.chain):
            raise Refused(report.file, "fork", _FORK)
        report.older_than = max((n for n in stored if n > plan.exporter.number), default=0)
    report.enrolled = _enrol(conn, plan, report.file, now, decision=decision)
    for statement in _UNION[conn.dialect.name]:
        conn.exec_driver_sql(statement)
    _stage(conn, plan)
    conn.exec_driver_sql(_NEW)
    projection.begin_scope(conn)
    conn.exec_driver_sql(_SCOPE.format(scope=projection.AFFECTED))
    added = conn.exec_driver_sql(_INSERT_VERSIONS).rowcount
    conn.exec_driver_sql(_INSERT_PARENTS)
    blobs, blob_bytes = _copy_blobs(conn, foreign, plan, report.file)
    if conn.exec_driver_sql(_LEFT_OUT).scalar():
        raise KnownDatabaseError(report.file, "the file changed between its checks and the merge; nothing was merged")
    for m in plan.chain:
        conn.execute(
            text("INSERT INTO manifest(hash, device_id, number, body, signature) VALUES (:h, :d, :n, :b, :s) ON CONFLICT(hash) DO NOTHING"),
            {"h": m.hash, "d": m.device_id, "n": m.number, "b": canonical.dumps(m.body), "s": m.signature},
        )
    if plan.max_hlc:
        local.observe(conn, plan.max_hlc)
    conflicted = projection.refresh_scope(conn)
    report.versions_added, report.blobs_added, report.blob_bytes = added, blobs, blob_bytes
    report.conflicts, report.records_in_conflict = len(conflicted), conflicted
    conn.execute(
        text(
            "INSERT INTO import_log(merged_at, file_name, file_sha256, device_id, inspector, manifest_hash, export_number, "
            "versions_added, versions_present, blobs_added, blob_bytes, conflicts) "
            "VALUES (:t, :f, :h, :d, :i, :m, :n, :va, :vp, :ba, :bb, :c)"
        ),
        {
            "t": now, "f": report.file.name, "h": report.file_sha256, "d": report.device_id, "i": report.inspector,
            "m": plan.exporter.hash if plan.exporter else "",
            "n": plan.exporter.number if plan.exporter else 0, "va": added, "vp": plan.present_versions, "ba": blobs,
            "bb": report.blob_bytes, "c": len(conflicted),
        },
    )


def _enrol(conn: Connection, plan: _Plan, file: Path, now: str, *, decision: Enrolment) -> list[DeviceInfo]:
    """The file's new devices into the device table, as of now; those it enrolled (another
    file of the batch, or another lead on a server, may have enrolled one meanwhile)."""
    enrolled = []
    for device in plan.new_devices:
        # again, as of now: an earlier file of the batch may have enrolled the inspector's first laptop
        taken = (
            device.id == plan.source and device.role == "field" and local.get(conn, local.ROLE) == "master"
            and conn.execute(_SAME_INSPECTOR, {"n": device.inspector, "i": device.id}).first() is not None
        )
        if taken and not decision.accepts(device, receiver_role="master", taken=True) and decision.field is not False:
            raise Refused(file, "not_enrolled", _not_enrolled(device, "master", True))
        if conn.execute(_ENROLL, {"i": device.id, "r": device.role, "n": device.inspector, "k": device.public_key,
                                  "f": device.fingerprint, "t": now}).rowcount:
            enrolled.append(device)
        elif conn.execute(text("SELECT fingerprint FROM device WHERE id = :i"), {"i": device.id}).scalar() != device.fingerprint:
            raise Refused(file, "device_key", f"device {device.id[:8]} was enrolled meanwhile with another key")
    return enrolled


def _transaction(
    conn: Connection, quarantined: Path, plan: _Plan, report: FileReport, now: str, *, target: Path, decision: Enrolment,
) -> None:
    """Step 4 of one file, in a SAVEPOINT of the batch's transaction: a file refused here is
    rolled back alone."""
    try:
        foreign = open_hardened(quarantined)
    except sqlite3.Error as exc:
        raise Refused(report.file, "unreadable", f"the file could not be read again ({exc})") from exc
    try:
        # a savepoint of our own (SQLAlchemy's would try to roll back to it after SQLite has
        # already rolled the whole transaction back, as it does on a full disk)
        conn.exec_driver_sql("SAVEPOINT merge_file")
        try:
            _apply(conn, foreign, plan, report, now, decision=decision)
        except BaseException:
            if _in_transaction(conn):
                conn.exec_driver_sql("ROLLBACK TO merge_file")
                conn.exec_driver_sql("RELEASE merge_file")
            raise
        conn.exec_driver_sql("RELEASE merge_file")
    except IntegrityError as exc:
        raise Refused(report.file, "contents", f"the file's versions cannot be stored beside those already here ({exc.orig})") from exc
    except DBAPIError as exc:
        if exc.orig is not None and _unstorable(exc.orig):
            raise Refused(report.file, "contents", f"the file holds values the master cannot store ({exc.orig})") from exc
        engine.reraise(exc, target)
    except cipher.errors("OperationalError") as exc:  # from the raw staging and blob streams (either driver's)
        engine.reraise(OperationalError(str(exc), None, exc), target)
    except Exception as exc:
        if not type(exc).__module__.startswith("psycopg"):
            raise
        if _unstorable(exc):  # from COPY on a server
            raise Refused(report.file, "contents", f"the file holds values the master cannot store ({exc})") from exc
        engine.reraise(OperationalError(str(exc), None, exc), target)
    finally:
        foreign.close()


def _in_transaction(conn: Connection) -> bool:
    """Whether the batch's transaction is still open: SQLite rolls all of it back by itself
    on some failures (a full disk); PostgreSQL keeps it, aborted until a ROLLBACK TO."""
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        return bool(raw.info.transaction_status != 0)  # type: ignore[union-attr]  # 0: idle
    return bool(raw.in_transaction)  # type: ignore[union-attr]
