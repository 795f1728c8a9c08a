"""Engines for Yanshou's SQLite files, with the settings SYNC.md asks for.

- WAL and `synchronous=FULL`: a commit that the UI calls saved survives power loss.
- `foreign_keys=ON`, `trusted_schema=OFF`, a busy timeout.
- A new file gets pages of 64 KiB (`NEW_PAGE_SIZE`): a photo of 3 MB is 48 pages rather
  than 750, so storing and reading evidence costs far fewer page writes, WAL frames and
  checksums. A file made with SQLite's default (4 KiB) keeps its pages and works as before.
- Transactions: Python's sqlite3 module is told to keep out (`isolation_level=None`) and
  SQLAlchemy emits BEGIN itself: `BEGIN IMMEDIATE` for a writer (`write()`), so two
  writers queue at the start instead of failing at the first write, plain BEGIN for reads.

- An encrypted file (issue 21; db.cipher) is opened through sqlcipher3 with its raw key and
  pages of 64 KiB (SQLCipher's page size is the file's: `cipher_page_size`, set after the key
  on every connection, with the HMAC its pages were written with: db.cipher.connect); a raw
  key skips SQLCipher's KDF, so a connection per use stays cheap (0.8 ms to open and read its
  first page, against 0.1 ms plain, on this machine). SQLAlchemy is given sqlcipher3 as its
  DB-API module, so that its errors are wrapped and translated as
  the standard module's are.

No engine exists at import time; callers create one per database file they open.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from db import cipher
from db.errors import DatabaseBusy, DatabaseCorrupt, DiskFull, KnownDatabaseError
from db.files import file_uri as file_uri  # noqa: PLC0414 (a re-export: it was defined here)

BUSY_TIMEOUT_MS = 5000
# SQLite's largest page. Measured for issue 19 on 100 camera photos (342 MB), WAL, synchronous=FULL,
# plain sqlite3: 4 KiB pages 4.4 × a durable copy of the files, 64 KiB pages 2.8 ×.
NEW_PAGE_SIZE = cipher.PAGE_SIZE
# What every connection is set to (after its page size and WAL); db.wal lends a bulk write's
# connections other values and gives these back.
SYNCHRONOUS = "synchronous=FULL"
CONNECTION_PRAGMAS = (SYNCHRONOUS, "foreign_keys=ON", "trusted_schema=OFF", f"busy_timeout={BUSY_TIMEOUT_MS}")


def sqlite_engine(
    path: Path, *, readonly: bool = False, immutable: bool = False, new: bool = False, key: cipher.Key | None = None,
) -> Engine:
    """An engine for one SQLite file. `readonly` opens it with mode=ro (never creates);
    `immutable` also tells SQLite the file cannot change (a read-only disk: no lock, no -shm
    file to make beside it). `new`: the file is being made, with pages of NEW_PAGE_SIZE (the
    size is fixed by the first write; on a file that has pages already the pragma does nothing).
    `key`: the file is encrypted (db.cipher), or is made so when `new`."""
    uri = file_uri(path, "mode=ro&immutable=1" if immutable else "mode=ro" if readonly else "")
    readonly = readonly or immutable
    options: dict[str, Any] = {}

    if key is None:
        def connect() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    else:
        options["module"] = cipher.dbapi()

        def connect() -> sqlite3.Connection:
            return cipher.connect(  # type: ignore[no-any-return]
                uri, key, uri=True, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000,
            )

    # NullPool: a connection per use, closed after; opening a SQLite file is cheap and it
    # keeps no file handle open across a backup or an export.
    engine = create_engine("sqlite://", creator=connect, poolclass=NullPool, **options)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi.cursor()
        if new and not readonly:  # before the switch to WAL, which writes the file's first page
            cursor.execute(f"PRAGMA page_size={NEW_PAGE_SIZE}")
        if not readonly:
            cursor.execute("PRAGMA journal_mode=WAL")
        for pragma in CONNECTION_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def write(engine: Engine, path: Path | str = "database") -> Iterator[Connection]:
    """One write transaction (BEGIN IMMEDIATE … COMMIT; on a server, the writer lock
    first); rolled back on any exception."""
    try:
        with engine.connect().execution_options(immediate=True) as conn, conn.begin():
            yield conn
    except DBAPIError as exc:
        reraise(exc, path)


@contextmanager
def read(engine: Engine, path: Path | str = "database") -> Iterator[Connection]:
    """One read transaction: a consistent view of the database while it lasts."""
    try:
        with engine.connect() as conn, conn.begin():
            yield conn
    except DBAPIError as exc:
        reraise(exc, path)


def reraise(exc: DBAPIError, path: Path | str) -> NoReturn:
    """Raise what `translate` makes of a failure: the known error (caused by it), or the
    failure itself when it is not one a user can act on (a bug stays a bug)."""
    known = translate(exc, path)
    if known is exc:
        raise exc
    raise known from exc


def translate(exc: DBAPIError, path: Path | str) -> Exception:
    """Turn the environment's failures (a locked or full disk, an unreachable server) into
    errors a user can act on; anything else is left as it is."""
    if type(exc.orig).__module__.startswith("psycopg"):
        from db import postgres

        return postgres.translate(exc, str(path))
    text = str(exc.orig).lower()
    if isinstance(exc, DatabaseError) and ("malformed" in text or "not a database" in text):
        # a file cut short or damaged (a copy broken off, a failing disk) found as it is read
        return DatabaseCorrupt(path, "the database file is damaged (cut short or changed): use the latest export or backup")
    if not isinstance(exc, OperationalError):
        return exc
    if "disk i/o error" in text:
        return KnownDatabaseError(path, "the disk could not be read or written (disk I/O error: a full or failing disk, "
                                        "or a USB stick removed); nothing was written")
    if "locked" in text or "busy" in text:
        return DatabaseBusy(path, "the database is in use by another program; close it and try again")
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFull(path, "the disk is full; nothing was written")
    if "readonly" in text or "read-only" in text:
        return KnownDatabaseError(path, "the file cannot be written (read-only)")
    if "unable to open database file" in text:
        return KnownDatabaseError(path, "the database cannot be opened: its folder is read-only or gone; copy it to a folder you can write")
    return exc
