"""Merging exported files into a database: the master's intake, and back to the laptops.

A file offered to merge is hostile until proven otherwise (SYNC.md):
1. it is copied to a local quarantine folder, hashed on the way (a USB stick may vanish
   or change under us; a copy we made cannot); a sealed export (db.seal) is opened on the
   way with this database's key, each chunk authenticated. A file whose exact bytes were
   merged before is "nothing new" at once;
2. its header is checked (SQLite, our application_id, our schema version), then it is
   opened read-only and immutable with hardened settings, `integrity_check`ed, and its
   schema compared with ours exactly (a view or a trigger can impersonate a table);
3. its signed manifest is checked: signature, chain, and every figure recomputed from the
   file (a removed row shows here); then the devices (enrolled? same key?), every new
   version's hash and signature, its parents, its sequence number, what a field device
   may sign, and every new blob's description; last, a device the lead revoked
   (db.revocation): its exports, and its versions, numbered after the revocation;
4. then, for the whole batch, one `BEGIN IMMEDIATE` transaction on the receiving database,
   each file in a savepoint: the union of versions, parents and blobs (set-based, from
   TEMP tables the verified rows are staged into; each new blob's bytes hashed as they are
   copied, read once, the file refused if they are not its hash's), the device enrolments,
   the manifests, the projection of the affected records, the counts checked against what
   step 3 verified, an import-log row; at the end the batch's report, then one COMMIT. A
   refusal at this step rolls its file back; a cancel, a failure or a kill -9 rolls all of
   it back.

The receiving database is backed up (backup API) before the first file of a batch that
changes anything. A dry run does steps 1–4 and rolls back: its report is exact, for the
batch as a whole (a later file's conflicts with an earlier one show).

This package is the pipeline, one module per role: `quarantine` (step 1), `verify` (steps
2 and 3, what may be added), `apply` (step 4, the batch's transaction), `reports` (what a
merge tells, kept in `merge_report`), `enrolment` (which devices are accepted). Here: the
batch as a whole, `merge()`, and the public names, re-exported.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import tempfile
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, RootTransaction, text
from sqlalchemy.exc import DBAPIError

from db import cipher, engine, files, migrations, revocation, seal, wal
from db.database import Database
from db.errors import DiskFull, KnownDatabaseError, Refused
from db.merge.apply import _transaction
from db.merge.enrolment import DeviceInfo, Enroll, Enrolment, _who, enrolment
from db.merge.quarantine import MAX_FILE_BYTES, _environment, _quarantine
from db.merge.reports import DRY_RUNS_KEPT, BatchReport, FileReport, _merged_by, _store_report, stored_reports
from db.merge.signatures import Checker
from db.merge.verify import _inspect, _Plan, expected_schema, open_hardened

# Files whose steps 1–3 run ahead (in a worker thread) while the batch's transaction takes
# the file before them. One: with two threads checking two files, their Python code and the
# merging thread's take turns at the GIL, and the merge measured slower, not quicker.
AHEAD = 1
# The batch connection's page cache (SQLite's default is 2 MB): a blob streamed in is first a
# zeroblob, whose zero pages, once they no longer fit, are written to the log and then again
# with the bytes. With room for a piece of evidence of up to this size they are overwritten in
# memory first. Measured, 200 MB of 5 MB blobs in one transaction: 630 MB written with the
# default cache, 421 MB with this one (as many as for the same bytes inserted whole).
_CACHE_KIB = 64 * 1024
# The batch's log is handed to the disk (fsync) after a file's step 4 once it has grown by this
# much since the last time: see _flush_log.
_FLUSH_EVERY_BYTES = 64 * 1024 * 1024


merged_by = _merged_by  # who runs a batch (or revokes a device) at this desk: login@computer


class Cancelled(Exception):
    """The user cancelled; the whole batch was rolled back (nothing of it was written)."""



# --- the whole -----------------------------------------------------------------------------


def _known_file(database: Database, sha: str) -> tuple[str, str | None, int] | None:
    with database.read() as conn:
        row = conn.execute(
            text("SELECT device_id, inspector, export_number FROM import_log WHERE file_sha256 = :h LIMIT 1"), {"h": sha}
        ).first()
    return (row[0], row[1], row[2]) if row else None


def _sweep(quarantine_dir: Path, older_than_s: float = 3600) -> None:
    """Remove copies left in quarantine by a merge that was killed (an hour old or more)."""
    limit = dt.datetime.now().timestamp() - older_than_s
    for leftover in quarantine_dir.glob("*.db"):
        try:
            if leftover.stat().st_mtime < limit:
                leftover.unlink()
        except OSError:
            pass


def _prune(folder: Path, stem: str, keep: int) -> None:
    old = sorted(folder.glob(f"{stem}-*.db"))[:-keep]
    for path in old:
        path.unlink(missing_ok=True)


@dataclass
class _Prepared:
    """Steps 1–3 of one file, done ahead in a worker thread."""

    report: FileReport
    quarantined: Path
    plan: _Plan | None = None  # None: refused, or nothing new
    refusal: Refused | None = None
    checked: _Plan | None = None  # steps 1–3 done but for the signatures' answer, awaited by _settle


def _prepare(
    database: Database, path: Path, quarantine_dir: Path, *, enroll: Enroll, limit: int = MAX_FILE_BYTES,
    signatures: Checker | None = None, opener: seal.Opener | None = None,
) -> _Prepared:
    """Steps 1–3 of one file (its signatures' answer awaited by _settle). The quarantined copy
    is removed here if they fail in any way that is not the file's (the environment, a bug);
    the caller removes it otherwise."""
    report = FileReport(path, "refused")
    prepared = _Prepared(report, quarantine_dir / f"{uuid.uuid4().hex}.db")
    try:
        return _prepare_steps(database, path, prepared, enroll=enroll, limit=limit, signatures=signatures, opener=opener)
    except BaseException:
        prepared.quarantined.unlink(missing_ok=True)
        raise


def _prepare_steps(
    database: Database, path: Path, prepared: _Prepared, *, enroll: Enroll, limit: int, signatures: Checker | None,
    opener: seal.Opener | None = None,
) -> _Prepared:
    report = prepared.report
    try:
        if not database.on_server and path.resolve() == database.path.resolve():
            raise Refused(path, "unreadable", "this is the database being merged into")
        taken = _quarantine(path, prepared.quarantined, limit, opener)
        report.file_sha256, report.sealed = taken.sha256, taken.sealed is not None
        known = _known_file(database, report.file_sha256)
        if known is not None:
            report.status, (report.device_id, report.inspector, report.export_number) = "nothing-new", known
            return prepared
        if signatures is not None:
            signatures.expect(nbytes=prepared.quarantined.stat().st_size)
        prepared.checked = _inspect(database, prepared.quarantined, path, enroll=enroll, signatures=signatures)
    except Refused as exc:
        if exc.code in SEAL_REFUSALS:
            report.sealed = True  # a sealed file that did not open here
        _refused(prepared, exc)
    return prepared


# The refusals of a sealed file by its seal (db.seal.SealError's codes).
SEAL_REFUSALS = frozenset({"not_for_us", "sealed_damaged", "sealed_altered", "sealed_truncated", "sealed_too_new"})


def _refused(prepared: _Prepared, exc: Refused) -> None:
    """A file refused by steps 1–3: why, and whose file it is when the file got that far."""
    report = prepared.report
    prepared.refusal = exc
    report.refused_version = getattr(exc, "version_id", "")
    report.refused_author = getattr(exc, "author", "")
    device = getattr(exc, "device", None)
    if isinstance(device, DeviceInfo):
        report.device_id, report.inspector, report.role = device.id, device.inspector, device.role


def _settle(prepared: _Prepared, revoked: dict[str, revocation.Revocation] | None = None) -> _Prepared:
    """The end of step 3 of a file prepared ahead: its signatures' answer awaited (from the
    child process, for a large file of a batch), the devices the lead revoked, then what its
    report says of it. A bad signature refuses the file as it did when it was checked in step
    3 itself."""
    plan, prepared.checked = prepared.checked, None
    if plan is None:
        return prepared
    report = prepared.report
    try:
        plan.confirm()
        _check_revoked(prepared, plan, revoked or {})
    except Refused as exc:
        _refused(prepared, exc)
        return prepared
    except BaseException:
        prepared.quarantined.unlink(missing_ok=True)
        raise
    exporter = plan.devices[plan.source]
    report.device_id, report.inspector, report.role = exporter.id, exporter.inspector, exporter.role
    report.export_number = plan.exporter.number if plan.exporter else 0
    report.versions_present = plan.present_versions
    report.older_than, report.enrolled = plan.older_than, plan.new_devices
    report.clock_ahead_ms, report.second_laptops = plan.clock_ahead_ms, list(plan.second_laptops)
    if plan.new_versions == 0 and plan.new_blobs == 0 and not plan.new_devices and plan.older_than:
        report.status = "nothing-new"  # an old export replayed after a newer one
    else:
        prepared.plan = plan
    return prepared


def _check_revoked(prepared: _Prepared, plan: _Plan, revoked: dict[str, revocation.Revocation]) -> None:
    """Refuse a file of a revoked device exported after its revocation, and a file (anyone's)
    that carries a version of a revoked device numbered after it (db.revocation says why by
    numbers, not clocks). What the device brought before stays."""
    hit = sorted(d for d in plan.devices if d in revoked)
    if not hit:
        return
    exporter = plan.devices[plan.source]

    def refuse(message: str) -> Refused:
        refused = Refused(prepared.report.file, "revoked", message)
        refused.device = exporter  # type: ignore[attr-defined]
        return refused

    own = revoked.get(plan.source)
    # an export numbered after the revocation, or a database file of the device bringing anything
    later = own is not None and (own.refuses_export(plan.exporter.number) if plan.exporter else plan.new_versions > 0)
    if own is not None and later:
        kind = f"export #{plan.exporter.number}" if plan.exporter else "its database file"
        raise refuse(
            f"from {_who(exporter)}, a device the lead revoked{_on(own)}: {kind} came after it "
            f"(the last one merged before was #{own.last_export}); nothing of it is taken, its work merged before stays"
        )
    if not plan.new_versions:
        return
    foreign = open_hardened(prepared.quarantined)
    try:
        marks = ", ".join("?" for _ in hit)
        rows = foreign.execute(f"SELECT device_id, max(seq) FROM version WHERE device_id IN ({marks}) GROUP BY device_id", hit).fetchall()
    finally:
        foreign.close()
    for device_id, top in rows:
        if revoked[device_id].refuses_seq(int(top)):
            raise refuse(
                f"it carries work of {_who(plan.devices[device_id])}, a device the lead revoked{_on(revoked[device_id])}, "
                "written after the revocation; nothing of the file is taken"
            )


def _on(revoked: revocation.Revocation) -> str:
    return f" on {revoked.at[:10]}" if revoked.at else ""


def merge(
    database: Database,
    files: Sequence[Path],
    *,
    quarantine_dir: Path,
    backup_dir: Path,
    enroll: Enroll = False,
    dry_run: bool = False,
    now: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    keep_backups: int = 10,
    max_file_bytes: int = MAX_FILE_BYTES,
    opener: seal.Opener | None = None,
) -> list[FileReport]:
    """Merge the files as one batch: one transaction, each file in a savepoint of its own; a
    refused file is reported, the others are merged. Raises `Cancelled` and the environment's
    failures (a full disk) after rolling the whole batch back: nothing of it is written. The
    batch's report is kept in the database (`stored_reports`), a dry run's too.

    Steps 1–3 of the next file (copy, hashes, signatures: mostly C code that releases the
    GIL) run in a worker thread while the current file's step 4 runs, so a batch costs
    little more than its inserts. A file checked before an earlier one of the batch was
    merged stays correct: step 4 adds only what step 3 checked, and requires that the rest
    was already here.

    `opener` holds this database's private encryption key: a sealed export for it is opened in
    quarantine (without one, a sealed file is refused, saying whom it is for).
    """
    if database.read_only and not dry_run:
        raise KnownDatabaseError(
            database.path, "the database is on a read-only disk: copy it to a folder you can write to merge (a dry run works here)"
        )
    if dry_run and database.read_only:
        return _dry_run_on_copy(
            database, files, quarantine_dir=quarantine_dir, backup_dir=backup_dir, enroll=enroll, now=now, progress=progress,
            cancelled=cancelled, max_file_bytes=max_file_bytes, opener=opener,
        )
    now = now or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    _ready(quarantine_dir)
    paths = [Path(p) for p in files]
    with database.read() as conn:  # as of the batch's start: a revocation is the lead's act at the desk, between merges
        revoked = revocation.revocations(conn)
    connection = database.engine.connect().execution_options(immediate=True, patient=True)
    # the batch's log copied into the master in the background once it has committed
    later = wal.copied_after(database.engine, connection) if not (database.on_server or dry_run) else contextlib.nullcontext()
    try:
        with later:
            return _batch(
                database, paths, connection, revoked, quarantine_dir=quarantine_dir, backup_dir=backup_dir, enroll=enroll,
                dry_run=dry_run, now=now, progress=progress, cancelled=cancelled, keep_backups=keep_backups,
                max_file_bytes=max_file_bytes, opener=opener,
            )
    finally:
        connection.close()  # (the batch closed it already, but for a copy that could not begin)


def _batch(
    database: Database, paths: Sequence[Path], connection: Connection, revoked: dict[str, revocation.Revocation], *,
    quarantine_dir: Path, backup_dir: Path, enroll: Enroll, dry_run: bool, now: str,
    progress: Callable[[int, int, str], None] | None, cancelled: Callable[[], bool], keep_backups: int, max_file_bytes: int,
    opener: seal.Opener | None,
) -> list[FileReport]:
    """merge's batch on its connection: the files checked ahead in a worker thread, merged one
    after the other in the one transaction, committed at the end. Long on purpose: each step
    is a named function; what is left is the loop over files and the one transaction's
    beginning and end."""
    reports: list[FileReport] = []
    # the signature checker outlives the worker thread, which may still be handing it a file
    with Checker(child=len(paths) > 1) as signatures, ThreadPoolExecutor(AHEAD, thread_name_prefix="yanshou-merge") as ahead, \
            connection as conn, ThreadPoolExecutor(1, thread_name_prefix="yanshou-merge-fsync") as flusher:
        # (the flusher ends first: no descriptor of the log is left open when the connection closes and deletes it)
        if not database.on_server:
            conn.connection.driver_connection.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")  # type: ignore[union-attr]
        batch = _Batch(
            database, conn, now, dry_run=dry_run, decision=enrolment(enroll), backup_dir=backup_dir, keep_backups=keep_backups,
            flusher=flusher,
        )
        prepare = functools.partial(
            _prepare, database, quarantine_dir=quarantine_dir, enroll=enroll, limit=max_file_bytes, signatures=signatures,
            opener=opener,
        )
        pending = [ahead.submit(prepare, path) for path in paths[:AHEAD]]
        _meanwhile(paths, signatures)
        try:
            for index, path in enumerate(paths):
                if progress:
                    progress(index, len(paths), str(path))
                prepared = pending.pop(0).result()
                if index + AHEAD < len(paths):
                    pending.append(ahead.submit(prepare, paths[index + AHEAD]))
                _settle(prepared, revoked)
                reports.append(prepared.report)
                _merge_file(batch, prepared, cancelled)
            if progress:
                progress(len(paths), len(paths), "")
            if cancelled():
                raise Cancelled
            _finish(batch, reports)
        finally:
            if batch.transaction is not None and batch.transaction.is_active:  # cancelled, failed: nothing of the batch stays
                batch.transaction.rollback()
            _drop(pending)
    return reports


def _meanwhile(paths: Sequence[Path], signatures: Checker) -> None:
    """While the first file is copied into quarantine, and nothing else can be done: the
    signature checker's child begun if that file is large, and the schema files are compared
    with made (once a run), so that the first file's checks find both ready."""
    try:
        signatures.expect(nbytes=paths[0].stat().st_size)
    except (OSError, IndexError):
        pass  # the worker says what is wrong with it
    expected_schema()


def _ready(quarantine_dir: Path) -> None:
    """The quarantine folder, there and swept of what a killed merge left."""
    try:
        quarantine_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _environment(exc, quarantine_dir) from exc
    _sweep(quarantine_dir)


def _dry_run_on_copy(
    database: Database, files: Sequence[Path], *, quarantine_dir: Path, backup_dir: Path, enroll: Enroll, now: str | None,
    progress: Callable[[int, int, str], None] | None, cancelled: Callable[[], bool], max_file_bytes: int,
    opener: seal.Opener | None,
) -> list[FileReport]:
    """A master on a read-only disk: the dry run works on a copy of it."""
    with tempfile.TemporaryDirectory(prefix="yanshou-dry-run-") as work:
        try:
            copy = database.copy_to(Path(work))
        except (OSError, *cipher.errors()) as exc:  # type: ignore[misc]
            raise KnownDatabaseError(database.path, f"a copy for the dry run could not be made ({exc})") from exc
        try:
            return merge(
                copy, files, quarantine_dir=quarantine_dir, backup_dir=backup_dir, enroll=enroll, dry_run=True, now=now,
                progress=progress, cancelled=cancelled, max_file_bytes=max_file_bytes, opener=opener,
            )
        finally:
            copy.close()


@dataclass
class _Batch:
    """A batch being merged: its connection, its one transaction (begun by the first file
    that may add something, None again once committed), what is done once per batch."""

    database: Database
    conn: Connection
    now: str
    dry_run: bool
    decision: Enrolment
    backup_dir: Path
    keep_backups: int
    transaction: RootTransaction | None = None
    backed_up: bool = False
    seen: set[str] = field(default_factory=set)  # the same bytes offered twice in one batch (the log is not committed yet)
    flusher: Executor | None = None  # where the log is handed to the disk (_flush_log)
    flushed: int = 0  # the log's size when it was last handed to the disk
    flushing: Future[None] | None = None


def _merge_file(batch: _Batch, prepared: _Prepared, cancelled: Callable[[], bool]) -> None:
    """Step 4 of one file whose steps 1–3 are done; its report says what became of it. A
    refusal is the file's, reported; a cancel or a full disk is the batch's, raised. The
    quarantined copy is removed either way."""
    report = prepared.report
    database = batch.database
    try:
        if cancelled():
            raise Cancelled
        if prepared.refusal is not None:
            raise prepared.refusal
        if prepared.plan is None:
            return
        if report.file_sha256 in batch.seen:
            report.status = "nothing-new"
            return
        batch.seen.add(report.file_sha256)
        if not batch.dry_run and not batch.backed_up and not database.on_server:
            # a copy as of before the batch (the batch's transaction is not visible to it);
            # a server's backups are its administrator's (pg_dump, base backups)
            _back_up(database.path, batch.backup_dir, batch.keep_backups, database.key)
            batch.backed_up = True
        if batch.transaction is None:
            batch.transaction = _begin(batch.conn, database.path)
        _transaction(batch.conn, prepared.quarantined, prepared.plan, report, batch.now, target=database.path, decision=batch.decision)
        if not database.on_server and not batch.dry_run:
            _flush_log(batch)
        if cancelled():
            raise Cancelled
        if batch.dry_run:
            report.status = "dry-run"
        elif report.versions_added == 0 and report.blobs_added == 0 and not report.enrolled:
            report.status = "nothing-new"
        else:
            report.status = "merged"
    except Refused as exc:
        report.status, report.code, report.reason = "refused", exc.code, str(exc).split(": ", 1)[-1]
    except DiskFull:
        report.status, report.code, report.reason = "refused", "disk_full", "the disk is full; the merge was rolled back"
        raise
    finally:
        prepared.quarantined.unlink(missing_ok=True)


def _flush_log(batch: _Batch) -> None:
    """Hand the batch's write-ahead log to the disk (fsync, on the batch's flusher thread) when
    it has grown by _FLUSH_EVERY_BYTES since it last was, and the last fsync is over. The
    batch is one transaction: SQLite writes its pages into the log as its cache fills, but they
    reach the disk only with the COMMIT's fsync, at the end, all at once (2 GB of evidence: some
    seconds with nothing else to do), and then the checkpoint writes them again. Flushed file by
    file, the disk writes while the next file is checked and merged. Nothing changes of what
    commits: a log without its commit record is discarded when the file is next opened.
    Measured, 10 files of 2 GB in all: 13.5 and 14.7 s against 16.0 and 16.8 s without; 10
    files of 200 MB: the merging thread waited 0.09 s for the fsyncs before they went to a
    thread of their own."""
    if batch.flusher is None or (batch.flushing is not None and not batch.flushing.done()):
        return
    master = batch.database.path
    wal = master.with_name(master.name + "-wal")
    try:
        size = wal.stat().st_size
    except OSError:
        return  # no log to flush: the COMMIT's fsync does it all
    if size - batch.flushed >= _FLUSH_EVERY_BYTES:
        batch.flushed = size
        batch.flushing = batch.flusher.submit(_fsync, wal)


def _fsync(path: Path) -> None:
    """fsync a file by a descriptor of its own; a failure leaves the work to the COMMIT's."""
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows: a handle that may flush
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _finish(batch: _Batch, reports: Sequence[FileReport]) -> None:
    """The batch's end: a merge stores its report and commits, all of it at once; a dry run
    rolls back what it did and keeps its report alone."""
    target = batch.database.path
    if batch.dry_run:
        if batch.transaction is not None:
            batch.transaction.rollback()
            batch.transaction = None
        _keep_dry_run(batch.conn, reports, batch.now, target)
        return
    if batch.transaction is None:
        batch.transaction = _begin(batch.conn, target)
    _store_report(batch.conn, reports, batch.now, dry_run=False)
    if batch.flushing is not None:
        batch.flushing.result()  # the last fsync of the log, begun beside the last file: the COMMIT's own then has less to do
    _commit(batch.transaction, target)
    batch.transaction = None


def _drop(pending: Sequence[Future[_Prepared]]) -> None:
    """A cancelled or failed batch: the file checked ahead is dropped, its copy removed."""
    for future in pending:
        future.cancel()
        if not future.cancelled():
            future.result().quarantined.unlink(missing_ok=True)


def _back_up(master: Path, backup_dir: Path, keep: int, key: cipher.Key | None = None) -> None:
    """A copy of the master as of before the batch, in the data folder's backups (an
    encrypted file's encrypted with its key)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{master.stem}-{stamp}.db"
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
        migrations.backup(master, target, key)
        _prune(backup_dir, master.stem, keep)
    except OSError as exc:
        files.discard(target)
        raise _environment(exc, backup_dir) from exc
    except cipher.errors() as exc:  # the backup's own file could not be written (a full or read-only disk)
        files.discard(target)
        raise KnownDatabaseError(backup_dir, f"the master could not be backed up before merging ({exc}); nothing was merged") from exc


def _keep_dry_run(conn: Connection, reports: Sequence[FileReport], now: str, target: Path) -> None:
    """The dry run's report, alone, in a transaction of its own. Best effort: a master that
    cannot be written just now (read-only, busy) still gets its dry run, shown, not kept."""
    try:
        transaction = _begin(conn, target)
        try:
            _store_report(conn, reports, now, dry_run=True)
            _commit(transaction, target)
        finally:
            if transaction.is_active:
                transaction.rollback()
    except (KnownDatabaseError, DBAPIError):
        return


def _begin(conn: Connection, target: Path) -> RootTransaction:
    try:
        return conn.begin()
    except DBAPIError as exc:
        engine.reraise(exc, target)


def _commit(transaction: RootTransaction, target: Path) -> None:
    try:
        transaction.commit()
    except DBAPIError as exc:
        engine.reraise(exc, target)


__all__ = [
    "DRY_RUNS_KEPT", "MAX_FILE_BYTES", "BatchReport", "Cancelled", "DeviceInfo", "Enroll", "Enrolment", "FileReport", "enrolment",
    "expected_schema", "merge", "merged_by", "open_hardened", "stored_reports",
]
