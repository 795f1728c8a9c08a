"""The write-ahead log of a bulk write into a SQLite file (a folder of photos): the log copied
into the file (checkpointed) after the write has reported, not on its way.

In WAL mode every byte a transaction writes goes to the disk twice: into the log, fsynced at
its COMMIT (from then on it is durable: a kill -9 or a power loss loses none of it, the next
opening reads the log back), and later into the database file by a checkpoint. Nothing the
user waits for needs the second copy, so a bulk write keeps it off its path:

- `BulkLog` holds a connection open for the whole write (an idle one: no transaction), so the
  batches' own connections, closing, are never the file's last (the last connection to close
  checkpoints the whole log and deletes it); each batch's connection runs no automatic
  checkpoint (`batch`).
- When the write is over, the log is copied into the file in the background (`settle`): a
  PASSIVE checkpoint, which neither waits for nor stops readers and writers, then a TRUNCATE
  that empties the log file if nobody is using it (else the last connection deletes it). The
  connection is then closed. `settled` waits for it; disposing of the engine (closing the
  database) does too, and so does the interpreter's exit (the thread is not a daemon).
- A write that grows the log past `CAP_BYTES` checkpoints as it goes, in the background beside
  the next batches (`committed`), and waits for that checkpoint only when the log reaches
  `HARD_BYTES`: the log file stays under 2 GiB (FAT32 holds files of 4 GiB at most), however
  many photos are imported. Once a checkpoint has copied the whole log, the next batch writes
  the log from its beginning again (`journal_size_limit` trims the file then).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

from sqlalchemy import Connection, Engine, event

CAP_BYTES = 1 << 30  # a checkpoint begins beside the write when its log holds this much
HARD_BYTES = 2 * CAP_BYTES  # and the write waits for it when the log holds this much
CATCH_UP_BYTES = 32 << 20  # what the writer copies itself to let the log start again
LOG_LIMIT_BYTES = 64 << 20  # journal_size_limit: what a restarted log file is trimmed to

_settling: weakref.WeakKeyDictionary[Engine, list[threading.Thread]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _checkpointer(keeper: Connection) -> Callable[..., bool]:
    """Checkpoints on an idle connection's driver connection (sqlite3's, or sqlcipher3's for an
    encrypted file), outside any transaction: each True when it copied the whole log. A failure
    is a cache of work left for later: the rest is copied by a later checkpoint, or by the last
    connection to close."""
    raw: Any = keeper.connection.driver_connection
    errors = keeper.dialect.loaded_dbapi.Error

    def checkpoint(mode: str = "PASSIVE") -> bool:
        try:
            busy, log, copied = raw.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        except errors:
            return False
        return not busy and log == copied

    return checkpoint


class BulkLog:
    """The log of one bulk write (see the module's docstring); `executor` runs the checkpoints
    of a write that outgrows CAP_BYTES."""

    def __init__(self, engine: Engine, executor: Executor) -> None:
        self.engine = engine
        self.executor = executor
        self.keeper: Connection | None = engine.connect()
        self.keeper.connection.driver_connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # type: ignore[union-attr]  # the log opened, and held
        self._checkpoint = _checkpointer(self.keeper)
        self.log_bytes = 0  # committed since the log last started again (an estimate: the blobs' bytes)
        self._since = 0  # committed since the running checkpoint began
        self._running: Future[bool] | None = None

    def committed(self, nbytes: int) -> None:
        """A batch of about `nbytes` committed: checkpoint beside the write once the log is
        over CAP_BYTES (see the module's docstring)."""
        self.log_bytes += nbytes
        self._since += nbytes
        running = self._running
        if running is not None:
            if not running.done() and self.log_bytes < HARD_BYTES:
                return
            running.result()
            self._running = None
            if self._since <= CATCH_UP_BYTES:  # what was written meanwhile, copied now: the log starts again
                if self._checkpoint():
                    self.log_bytes = 0
                return
        if self.log_bytes >= CAP_BYTES:
            self._since = 0
            self._running = self.executor.submit(self._checkpoint)

    def close(self) -> None:
        """The write is over: its log is copied into the file in the background (settle)."""
        if self.keeper is None:
            return
        keeper, self.keeper = self.keeper, None
        try:
            if self._running is not None:
                self._running.result()
        finally:
            settle(self.engine, keeper)


def batch(conn: Connection) -> None:
    """Settings for a batch's own connection (closed after its batch): no checkpoint at its
    COMMIT, and a log file trimmed when the log starts again."""
    conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
    conn.exec_driver_sql(f"PRAGMA journal_size_limit={LOG_LIMIT_BYTES}")


def settle(engine: Engine, keeper: Connection) -> None:
    """Copy the log into the file on a thread of its own, then close `keeper` (an idle
    connection held open so far): see the module's docstring."""
    checkpoint = _checkpointer(keeper)

    def run() -> None:
        try:
            if checkpoint():
                keeper.connection.driver_connection.execute("PRAGMA busy_timeout=100")  # type: ignore[union-attr]  # emptying the log file waits for nobody
                checkpoint("TRUNCATE")
        finally:
            keeper.close()

    thread = threading.Thread(target=run, name="yanshou-checkpoint")
    with _lock:
        if engine not in _settling:
            _settling[engine] = []
            event.listen(engine, "engine_disposed", settled)
        _settling[engine] = [t for t in _settling[engine] if t.is_alive()] + [thread]
    thread.start()


def settled(engine: Engine) -> None:
    """Wait until the logs of the bulk writes into this engine's file are copied into it."""
    with _lock:
        threads = list(_settling.get(engine, ()))
    for thread in threads:
        thread.join()
