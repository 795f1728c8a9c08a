"""The write-ahead log of a bulk write into a SQLite file (a folder of photos): the log copied
into the file (checkpointed) after the write has reported, not on its way.

In WAL mode every byte a transaction writes goes to the disk twice: into the log, fsynced
(from then on it is durable: a kill -9 or a power loss loses none of it, the next opening reads
the log back), and later into the database file by a checkpoint. Nothing the
user waits for needs the second copy, so a bulk write keeps it off its path:

- `BulkLog` holds a connection open for the whole write (an idle one: no transaction), so the
  batches' own connections, closing, are never the file's last (the last connection to close
  checkpoints the whole log and deletes it); each batch's connection runs no automatic
  checkpoint (`BulkLog.batch`).
- When the write is over, the log is copied into the file in the background (`settle`): a
  PASSIVE checkpoint, which neither waits for nor stops readers and writers, then a TRUNCATE
  that empties the log file if nobody is using it (else the last connection deletes it). The
  connection is then closed. `settled` waits for it; disposing of the engine (closing the
  database) does too, and so does the interpreter's exit (the thread is not a daemon).
- The batches' COMMITs do not fsync the log themselves (`synchronous=NORMAL` on their own
  connections, `BulkLog.batch`): `committed` hands the log to the disk (fsync) on a helper
  thread while the next batch is written, and the Future it returns says when the batch is
  durable. A writer
  reports a batch only then, so what it reports is as durable as with synchronous=FULL, whose
  one difference in WAL mode is that fsync, at the COMMIT (SQLite's checkpoints fsync the log
  before copying it either way); a kill -9 loses nothing committed in any case (the page
  cache is the kernel's). The log is one file for as long as a connection holds it open, so
  an fsync of its own descriptor is an fsync of SQLite's log; its folder is fsynced once, for
  a log file just made.
- A write that grows the log past `CAP_BYTES` checkpoints as it goes, in the background beside
  the next batches (`committed`), and waits for that checkpoint only when the log reaches
  `HARD_BYTES`: the log file stays under 2 GiB and a batch (FAT32 holds files of 4 GiB at most),
  however many photos are imported (100 camera photos with a cap of 100 MB: the log file at
  61-216 MB, then 64 MB once it started again). Once a checkpoint has copied the whole log, the next batch writes
  the log from its beginning again (`journal_size_limit` trims the file then).
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event

from db import cipher
from db.engine import SYNCHRONOUS

CAP_BYTES = 1 << 30  # a checkpoint begins beside the write when its log holds this much
HARD_BYTES = 2 * CAP_BYTES  # and the write waits for it when the log holds this much
CATCH_UP_BYTES = 32 << 20  # what the writer copies itself to let the log start again
LOG_LIMIT_BYTES = 64 << 20  # journal_size_limit: what a restarted log file is trimmed to

_settling: weakref.WeakKeyDictionary[Engine, list[threading.Thread]] = weakref.WeakKeyDictionary()
_listening: weakref.WeakSet[Engine] = weakref.WeakSet()
_lock = threading.Lock()


def _checkpointer(keeper: Connection) -> Callable[..., bool]:
    """Checkpoints on an idle connection's driver connection (sqlite3's, or sqlcipher3's for an
    encrypted file), outside any transaction: each True when it copied the whole log; with
    `busy_ms`, the connection waits that long for others first. A failure, the standard
    module's error or SQLCipher's (db.cipher.errors: a raw connection to an encrypted file
    raises sqlcipher3's, which are not sqlite3's), is a cache of work left for later: the rest
    is copied by a later checkpoint, or by the last connection to close."""
    raw: Any = keeper.connection.driver_connection

    def checkpoint(mode: str = "PASSIVE", busy_ms: int | None = None) -> bool:
        try:
            if busy_ms is not None:
                raw.execute(f"PRAGMA busy_timeout={busy_ms}")
            busy, log, copied = raw.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        except cipher.errors():
            return False
        return not busy and log == copied

    return checkpoint


class BulkLog:
    """The log of one bulk write (see the module's docstring); `executor` runs its fsyncs, and
    the checkpoints of a write that outgrows CAP_BYTES."""

    def __init__(self, engine: Engine, executor: Executor) -> None:
        self.engine = engine
        self.executor = executor
        settled(engine)  # an earlier write's copy first (copied_after's reason)
        self.keeper: Connection | None = _keeper(engine)
        try:
            raw: Any = self.keeper.connection.driver_connection
            self._checkpoint = _checkpointer(self.keeper)
            path = Path(next(row[2] for row in raw.execute("PRAGMA database_list") if row[1] == "main"))
            if os.name == "posix":  # the log file's name, when it was just made (Windows has no folder to fsync)
                folder = os.open(path.parent, os.O_RDONLY)
                try:
                    os.fsync(folder)
                finally:
                    os.close(folder)
            self._log = os.open(f"{path}-wal", os.O_RDWR | getattr(os, "O_BINARY", 0))
        except BaseException:
            self.keeper.close()
            raise
        self._since = 0  # committed since the running checkpoint began (an estimate: the files' bytes)
        self._running: Future[bool] | None = None

    def committed(self, nbytes: int) -> Future[None]:
        """A batch of about `nbytes` committed: its log handed to the disk beside the next
        batch; done when it is durable. The log checkpointed beside the write once it is over
        CAP_BYTES (see the module's docstring)."""
        synced = self.executor.submit(os.fsync, self._log)
        self._limit(nbytes)
        return synced

    def _limit(self, nbytes: int) -> None:
        # The log file's size: a log written again from its start is trimmed at its first
        # COMMIT (journal_size_limit), one that could not start again (a reader was using
        # it) still counts whole.
        size = os.fstat(self._log).st_size
        self._since += nbytes
        running = self._running
        if running is not None:
            if not running.done() and size < HARD_BYTES:
                return
            running.result()
            self._running = None
            if self._since <= CATCH_UP_BYTES:  # what was written meanwhile, copied now: the log starts again
                self._checkpoint()
                return
        if size >= CAP_BYTES:
            self._since = 0
            self._running = self.executor.submit(self._checkpoint)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """The connections this thread takes meanwhile (a batch's ws.write()) run no checkpoint
        and no fsync at their COMMIT (committed's fsync, beside the next batch), and trim a
        log file when the log starts again."""
        with _lock:
            if self.engine not in _listening:
                _listening.add(self.engine)
                event.listen(self.engine, "checkout", _on_checkout)
                event.listen(self.engine, "checkin", _on_checkin)
        _batching.log = self
        try:
            yield
        finally:
            _batching.log = None

    def close(self) -> None:
        """The write is over: its log is copied into the file in the background (settle)."""
        if self.keeper is None:
            return
        keeper, self.keeper = self.keeper, None
        try:
            if self._running is not None:
                self._running.result()
        finally:
            os.close(self._log)
            settle(self.engine, keeper)


_batching = threading.local()  # the BulkLog whose batch this thread is writing, if any
# A batch's page cache holds a camera photo or two (SQLite's default is 2 MB): the zero pages
# a photo is first written as (db.blobs.put_bytes) are overwritten in memory, not written to
# the log and then again.
BATCH_CACHE_KIB = 16 * 1024
BATCH_PRAGMAS = ("wal_autocheckpoint=0", "synchronous=NORMAL", f"journal_size_limit={LOG_LIMIT_BYTES}", f"cache_size=-{BATCH_CACHE_KIB}")
# SQLite's defaults, and db.engine's
RESTORED_PRAGMAS = ("wal_autocheckpoint=1000", SYNCHRONOUS, "journal_size_limit=-1", "cache_size=-2000")


def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """A connection taken in a batch (BulkLog.batch) gets the batch's settings before its
    BEGIN (the safety level cannot change inside a transaction)."""
    if getattr(_batching, "log", None) is None:
        return
    for pragma in BATCH_PRAGMAS:
        dbapi_connection.execute(f"PRAGMA {pragma}")
    record.info["yanshou.batch"] = True


def _on_checkin(dbapi_connection: Any, record: Any) -> None:
    """A batch's connection is not handed on with the batch's settings (NullPool closes it
    anyway; a pool that kept it would not)."""
    if record.info.pop("yanshou.batch", False) and dbapi_connection is not None:
        for pragma in RESTORED_PRAGMAS:
            dbapi_connection.execute(f"PRAGMA {pragma}")


def _keeper(engine: Engine) -> Connection:
    """An idle connection to the file that holds its log open (made, if there was none):
    while it is open, no other connection's closing is the file's last."""
    keeper = engine.connect()
    try:
        keeper.connection.driver_connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # type: ignore[union-attr]
    except BaseException:
        keeper.close()
        raise
    return keeper


@contextmanager
def copied_after(engine: Engine, writer: Connection) -> Iterator[None]:
    """One large transaction, on `writer`, whose log is copied into the file after it, in the
    background (settle), not at its COMMIT nor at its connection's closing: `writer` runs no
    automatic checkpoint, and an idle connection held meanwhile keeps its closing from being
    the file's last. Its COMMIT fsyncs the log (db.engine's SYNCHRONOUS, set here again: what
    it commits is durable when it returns, whatever the thread's BulkLog batch would say). A merge of 2 GB of
    evidence: the checkpoint was 6.3 of its 14.1 s (the log copied into the file and fsynced
    again, with nothing else to do); the SPEC's raw baseline pays its own as it goes, file by
    file (bench.merge shows both ways). The copy of an earlier such write still under way is
    waited for first: SQLite starts its log again only once the whole of it is copied, so a
    second 2 GB batch begun meanwhile would grow the log file past FAT32's 4 GiB."""
    settled(engine)  # an earlier write's copy first: else the log grows on past it instead of starting again
    raw: Any = writer.connection.driver_connection
    raw.execute("PRAGMA wal_autocheckpoint=0")
    raw.execute(f"PRAGMA {SYNCHRONOUS}")
    keeper = _keeper(engine)
    try:
        yield
    finally:
        try:
            settle(engine, keeper)
        except BaseException:  # no thread to copy it (cannot start one): the last connection to close does
            keeper.close()
            raise


def settle(engine: Engine, keeper: Connection) -> None:
    """Copy the log into the file on a thread of its own, then close `keeper` (an idle
    connection held open so far): see the module's docstring."""
    checkpoint = _checkpointer(keeper)

    def run() -> None:
        try:
            if checkpoint():
                checkpoint("TRUNCATE", busy_ms=100)  # emptying the log file waits for nobody
        finally:
            keeper.close()

    thread = threading.Thread(target=run, name="yanshou-checkpoint")
    with _lock:  # started and listed at once: whoever waits for the copies finds it running, or not at all
        if engine not in _settling:
            _settling[engine] = []
            event.listen(engine, "engine_disposed", settled)
        thread.start()
        _settling[engine] = [t for t in _settling[engine] if t.is_alive()] + [thread]


def _before_fork() -> None:
    """A process forked while a log is being copied (a process pool's worker, where processes
    fork: Linux) would inherit SQLite's state of that file, the copy's connection and its
    locks included, and its own connections to the file then fail ("locking protocol"): the
    fork waits for the copies first. (Windows and macOS spawn their workers: nothing is
    inherited there.)"""
    with _lock:
        threads = [thread for threads in _settling.values() for thread in threads]
    for thread in threads:
        thread.join()


def _in_child() -> None:
    """The forked process: no copy of its own runs, and the lock is its own (another thread of
    the parent may have held it at the fork)."""
    if _lock.locked():  # (a plain Lock: any thread may release it, and this one is now the only one)
        _lock.release()
    _settling.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_child=_in_child)


def pending(engine: Engine) -> bool:
    """Whether a log of a bulk write into this engine's file is still being copied into it."""
    with _lock:
        return any(t.is_alive() for t in _settling.get(engine, ()))


def settled(engine: Engine) -> None:
    """Wait until the logs of the bulk writes into this engine's file are copied into it."""
    with _lock:
        threads = list(_settling.get(engine, ()))
    for thread in threads:
        thread.join()
