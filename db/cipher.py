"""SQLite files encrypted at rest with SQLCipher (issue 21, point 2): the one place that knows
SQLCipher.

An encrypted file is a SQLCipher 4 database (AES-256 in CBC mode per page, through the
`sqlcipher3` wheels, which carry their own SQLite with FTS5 and JSON): every page is
encrypted, the WAL's too; only the first 16 bytes, the file's random salt, are clear. The key
is raw (db.vault derives it from this computer's secret and the salt), given with the salt
(`x'KEY SALT'`), so a copy made by the backup API keeps the salt and with it the key. Pages of
64 KiB (db.engine.NEW_PAGE_SIZE) as for a plain file; SQLCipher's temporary files stay in
memory (its SQLite is built with TEMP_STORE=2).

Each page is authenticated by an HMAC. A file made now uses HMAC-SHA256 (`HMAC`; T2-8: on
100 camera photos, 340 MB, the writer's CPU is mostly SQLCipher's per-page work, and SHA-256
costs less than SQLCipher 4's default, SHA-512, on a processor with SHA instructions). A
file made before (`LEGACY_HMAC`, SQLCipher 4's defaults) keeps its pages, opens and is
written as before. Nothing in the file says which one it is (all but the salt is
encrypted), so a connection tries the one that opened the file's salt last, new format
first, then the other (`connect`): a wrong setting, like a wrong key, fails the first page's
HMAC ("file is not a database"). A file with no page yet is made in the new format, a copy
of an old file too (the backup API and sqlcipher_export encrypt its pages anew; the backup
API keeps the 80 bytes the old format reserves at each page's end, of which SHA-256's HMAC
and the IV use 48). SQLCipher's
memory security (every allocation wiped and locked in memory; the keys it wipes anyway) is
off (`MEMORY_SECURITY`).

What is plain on disk, and where: a plain file converted (`encrypt`) stays as it was until
its encrypted copy is verified row for row, then is removed (its bytes remain in the disk's
free space, as any deleted file's). An export (db.snapshot) is written plain to a temporary
folder of this computer, then sealed (db.seal) or written plain as asked; a merge opens each
file into the quarantine folder plain (db.merge.quarantine); both are removed after.

`sqlcipher3` is imported when an encrypted file is opened, never at start.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from db.files import file_uri

PLAIN_MAGIC = b"SQLite format 3\x00"
SALT_BYTES = 16
PAGE_SIZE = 65536  # db.engine.NEW_PAGE_SIZE: one page size for every encrypted file
# Each page's HMAC: a file made now (and every copy made with a key), then SQLCipher 4's
# default, which the files made before use. 100 inserts of 3.4 MB into a WAL file of 64 KiB
# pages, synchronous=FULL, then its checkpoint (a processor with SHA instructions): 2.0-2.2 s
# of CPU with SHA-512, 1.6-1.7 s with SHA-256, 1.3-1.4 s plain; AES-256-CBC and HMAC-SHA256
# of 340 MB alone, through OpenSSL: 0.35 s and 0.29 s.
HMAC = "HMAC_SHA256"
LEGACY_HMAC = "HMAC_SHA512"
# Off, as SQLCipher has it by default since 4.5; set, so that a wheel changing the default
# does not change it. ON wipes (and locks in memory) every allocation SQLite frees, not only
# SQLCipher's keys and contexts, which it wipes anyway: decrypted pages then never linger in
# freed memory, but the same 100 inserts took 3.1-3.3 s of CPU against 1.6-1.7 s. (Once ON it
# cannot be turned OFF in the process.)
MEMORY_SECURITY = "OFF"
_NOT_A_DATABASE = 26  # SQLITE_NOTADB: a wrong key or a wrong setting (the first page's HMAC fails)


@dataclass(frozen=True)
class Key:
    """A database's raw key and its salt (the file's first 16 bytes)."""

    raw: bytes
    salt: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != 32 or len(self.salt) != SALT_BYTES:
            raise ValueError("a SQLCipher key is 32 bytes and its salt 16")

    @property
    def pragma(self) -> str:
        """What PRAGMA key is given: the raw key with its salt, in SQLCipher's blob form."""
        return f"\"x'{self.raw.hex()}{self.salt.hex()}'\""

    def __repr__(self) -> str:  # never the key itself in a log or a traceback
        return f"Key(salt={self.salt.hex()})"


def is_encrypted(path: Path) -> bool:
    """Whether the file is not a plain SQLite file (an encrypted one, or not a database at all:
    opening it with a key tells). An empty or missing file is neither."""
    try:
        with path.open("rb") as f:
            head = f.read(len(PLAIN_MAGIC))
    except OSError:
        return False
    return len(head) > 0 and head != PLAIN_MAGIC


def looks_encrypted(path: Path) -> bool:
    """Whether the file could be one SQLCipher wrote: not plain, and a whole number of its
    pages (a text, an image or a truncated copy rarely is)."""
    try:
        return is_encrypted(path) and path.stat().st_size % PAGE_SIZE == 0
    except OSError:
        return False


def salt_of(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(SALT_BYTES)


_defaults_lock = threading.Lock()  # SQLCipher's defaults (cipher_default_*) are the process's, not a connection's
_defaults_set: list[bool] = []


def dbapi() -> ModuleType:
    """sqlcipher3's DB-API module, imported on first use, with SQLCipher's defaults set for
    this process: what an ATTACHed file gets (an ATTACH reads its first page at once, before
    a pragma could name its settings; a connection's own file is given them after its key)."""
    from sqlcipher3 import dbapi2

    if not _defaults_set:
        with _defaults_lock:
            if not _defaults_set:
                with closing(dbapi2.connect(":memory:")) as conn:
                    conn.execute("PRAGMA cipher_log_level = NONE")  # its own log goes to stderr: our errors say it
                    conn.execute(f"PRAGMA cipher_default_page_size = {PAGE_SIZE}")
                    conn.execute(f"PRAGMA cipher_default_hmac_algorithm = {HMAC}")
                    conn.execute(f"PRAGMA cipher_memory_security = {MEMORY_SECURITY}")
                _defaults_set.append(True)
    return dbapi2  # type: ignore[no-any-return]


def errors(name: str = "Error") -> tuple[type[Exception], ...]:
    """The DB-API error class `name` of both drivers: the standard sqlite3's, and
    sqlcipher3's once it is loaded (a raw connection to an encrypted file raises those)."""
    found: tuple[type[Exception], ...] = (getattr(sqlite3, name),)
    loaded = sys.modules.get("sqlcipher3.dbapi2")
    if loaded is not None:
        found += (getattr(loaded, name),)
    return found


class _Blob:
    """sqlcipher3's incremental blob with the standard module's face (a context manager)."""

    def __init__(self, blob: Any) -> None:
        self._blob = blob

    def read(self, length: int = -1) -> bytes:
        return bytes(self._blob.read(length) if length >= 0 else self._blob.read())

    def write(self, data: bytes) -> None:
        self._blob.write(data)

    def seek(self, offset: int, origin: int = os.SEEK_SET) -> None:
        self._blob.seek(offset, origin)

    def tell(self) -> int:
        return int(self._blob.tell())

    def close(self) -> None:
        self._blob.close()

    def __enter__(self) -> _Blob:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


_factory: list[type] = []


def _connection_class() -> type:
    """sqlcipher3's connection with the standard sqlite3 module's `blobopen` (db.blobs, the
    merge and the exports stream evidence through it)."""
    if not _factory:
        base = dbapi().Connection

        class Connection(base):  # type: ignore[misc, valid-type]
            def blobopen(self, table: str, column: str, row: int, /, *, readonly: bool = False, name: str = "main") -> _Blob:
                return _Blob(self.open_blob(table, column, row, readonly=readonly, dbname=name))

        _factory.append(Connection)
    return _factory[0]


# The HMAC that last opened a file, by the file's salt (a backup keeps the salt): what each
# connection to it tries first (SQLAlchemy opens one per use). A hint only: the other is tried
# when it fails, so a file replaced by another of the same salt still opens.
_hmac_of: dict[bytes, str] = {}


def _not_a_database(exc: BaseException) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == _NOT_A_DATABASE


def _order(key: Key) -> list[str]:
    """The HMACs to try for a file of this key: the one that opened its salt last, then the other."""
    first = _hmac_of.get(key.salt, HMAC)
    return [first, *(h for h in (HMAC, LEGACY_HMAC) if h != first)]


def _connect(target: str, key: Key | None, hmac: str, uri: bool, options: dict[str, Any]) -> Any:
    conn = dbapi().connect(target, uri=uri, factory=_connection_class(), **options)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # its own log goes to stderr: our errors say it
        if key is not None:
            conn.execute(f"PRAGMA key = {key.pragma}")
            conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
            conn.execute(f"PRAGMA cipher_hmac_algorithm = {hmac}")
    except BaseException:
        conn.close()
        raise
    return conn


def connect(target: str, key: Key | None, *, uri: bool = False, **options: Any) -> Any:
    """A sqlcipher3 connection to `target` (a path or, with `uri`, a file URI), keyed when
    `key` is given (a plain file is opened without one), its pages of PAGE_SIZE with the HMAC
    they were written with (see the module's docstring): the first page is read to tell, and
    a key that opens neither way raises the driver's DatabaseError, "file is not a database".
    A file with no page yet is made with HMAC."""
    if key is None:
        return _connect(target, None, HMAC, uri, options)
    order = _order(key)
    for tried, hmac in enumerate(order, 1):
        conn = _connect(target, key, hmac, uri, options)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()  # the first page decrypts and authenticates
            empty = conn.execute("PRAGMA page_count").fetchone()[0] == 0
        except BaseException as exc:
            conn.close()
            if tried == len(order) or not _not_a_database(exc):
                raise
            continue
        if empty and hmac != HMAC:  # no page yet (any HMAC "opens" it): a new file, made in the new format
            conn.close()
            conn = _connect(target, key, HMAC, uri, options)
        _hmac_of[key.salt] = HMAC if empty else hmac
        return conn
    raise AssertionError("unreachable")


def opens(path: Path, key: Key) -> bool:
    """Whether `key` opens the encrypted file (its first page decrypts and authenticates)."""
    try:
        with closing(connect(file_uri(path, "mode=ro"), key, uri=True)) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except errors("DatabaseError"):
        return False
    return True


def header(path: Path, key: Key) -> tuple[int, int]:
    """(application_id, user_version) of an encrypted file, as migrations.header reads a plain one's."""
    with closing(connect(file_uri(path, "mode=ro"), key, uri=True)) as conn:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    return int(app_id), int(version)


def backup(source: Path, target: Path, key: Key) -> None:
    """A consistent copy of a live encrypted database, encrypted with the same key and salt
    (SQLite's backup API: the WAL's commits come along)."""
    with closing(connect(file_uri(source, "mode=ro"), key, uri=True)) as src, closing(connect(str(target), key)) as dst:
        src.backup(dst)


def attach(conn: Any, target: Path, key: Key | None, schema: str = "copy") -> None:
    """ATTACH a file to a sqlcipher3 connection as `schema`, with its own key (None: a plain
    file; SQLCipher would give it the main file's). A new file is made with PAGE_SIZE and, keyed,
    HMAC; an old encrypted file (LEGACY_HMAC) is attached with SQLCipher's defaults set to its
    HMAC for the moment of the ATTACH, which reads its first page."""
    clause = f"ATTACH DATABASE ? AS {schema} KEY " + (key.pragma if key is not None else "''")
    if key is None:
        conn.execute(clause, (str(target),))
        conn.execute(f"PRAGMA {schema}.page_size = {PAGE_SIZE}")
        return
    order = _order(key)
    with _defaults_lock:
        try:
            for tried, hmac in enumerate(order, 1):
                conn.execute(f"PRAGMA cipher_default_hmac_algorithm = {hmac}")
                try:
                    conn.execute(clause, (str(target),))
                except BaseException as exc:
                    if tried == len(order) or not _not_a_database(exc):
                        raise
                    continue
                if hmac != HMAC and conn.execute(f"PRAGMA {schema}.page_count").fetchone()[0] == 0:
                    conn.execute(f"DETACH DATABASE {schema}")  # no page yet: made in the new format
                    conn.execute(f"PRAGMA cipher_default_hmac_algorithm = {HMAC}")
                    conn.execute(clause, (str(target),))
                _hmac_of[key.salt] = conn.execute(f"PRAGMA {schema}.cipher_hmac_algorithm").fetchone()[0]
                break
        finally:
            conn.execute(f"PRAGMA cipher_default_hmac_algorithm = {HMAC}")
    conn.execute(f"PRAGMA {schema}.cipher_page_size = {PAGE_SIZE}")


def _export(conn: Any) -> None:
    """sqlcipher_export of `main` into the attached `copy`, with the header's two numbers
    (sqlcipher_export copies the schema and the rows, not application_id and user_version)."""
    app_id = int(conn.execute("PRAGMA main.application_id").fetchone()[0])
    version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
    conn.execute("SELECT sqlcipher_export('copy')")
    conn.execute(f"PRAGMA copy.application_id = {app_id}")
    conn.execute(f"PRAGMA copy.user_version = {version}")


def export_plain(source: Path, key: Key, target: Path) -> None:
    """A plain copy of an encrypted database, taken in one read transaction (a consistent view
    while the program may be writing): what an export seals, on this computer's disk."""
    with closing(connect(file_uri(source, "mode=ro"), key, uri=True, isolation_level=None)) as conn:
        attach(conn, target, None)
        conn.execute("BEGIN")
        try:
            _export(conn)
        finally:
            conn.execute("COMMIT")
        conn.execute("DETACH DATABASE copy")


def _tables(conn: Any, schema: str) -> list[tuple[str, str, str, str | None]]:
    return [tuple(r) for r in conn.execute(f"SELECT type, name, tbl_name, sql FROM {schema}.sqlite_master ORDER BY type, name")]


def _rows(conn: Any, schema: str, table: str, rowid: bool) -> Iterator[tuple[Any, ...]]:
    order = " ORDER BY rowid" if rowid else ""
    yield from conn.execute(f'SELECT * FROM {schema}."{table}"{order}')


def differences(conn: Any) -> list[str]:
    """What the attached `copy` lacks or holds otherwise than `main`: its catalogue, then every
    table's rows in order, blobs and all (empty: the copy is the same database)."""
    found: list[str] = []
    main, copy = _tables(conn, "main"), _tables(conn, "copy")
    if main != copy:
        found.append("the tables' definitions")
    for kind, name, _table, sql in main:
        if kind != "table" or (sql or "").upper().startswith("CREATE VIRTUAL TABLE"):
            continue  # a virtual table's rows are its shadow tables', compared as tables
        rowid = "WITHOUT ROWID" not in (sql or "").upper()
        for a, b in zip(_rows(conn, "main", name, rowid), _rows(conn, "copy", name, rowid), strict=False):
            if a != b:
                found.append(f"a row of {name}")
                break
        else:
            counts = [conn.execute(f'SELECT count(*) FROM {s}."{name}"').fetchone()[0] for s in ("main", "copy")]
            if counts[0] != counts[1]:
                found.append(f"the rows of {name} ({counts[0]} against {counts[1]})")
    for pragma in ("application_id", "user_version"):
        if conn.execute(f"PRAGMA main.{pragma}").fetchone() != conn.execute(f"PRAGMA copy.{pragma}").fetchone():
            found.append(pragma)
    return found


def encrypted_name(path: Path) -> Path:
    """Where a plain file's encrypted copy is made before it takes the file's place."""
    return path.with_name(path.name + ".encrypting")


class NotConverted(Exception):
    """The encrypted copy of a plain file differs from it: the plain file was left as it was."""


class InUse(NotConverted):
    """Another program has the plain file open: it is converted when it is opened alone."""


def encrypt(path: Path, key: Key) -> None:
    """Convert a plain database into an encrypted one in its place, losing nothing.

    The plain file is left as it was until its encrypted copy (sqlcipher_export, beside it)
    is verified against it row for row, blobs and all, with no writer between (the copy and
    the check are made in one write transaction of the plain file); then the copy takes its
    place and the plain file is removed, its WAL and shared memory with it. Raises NotConverted
    (the copy removed, the file untouched) or the driver's error."""
    from db import files

    made = encrypted_name(path)
    for leftover in (made, made.with_name(made.name + "-journal")):
        leftover.unlink(missing_ok=True)
    try:
        with closing(connect(str(path), None, isolation_level=None)) as conn:
            attach(conn, made, key)
            conn.execute("BEGIN IMMEDIATE")  # no writer between the copy, its check and the switch
            try:
                _export(conn)
                conn.execute("COMMIT")  # the copy's own transaction; the plain file is not written
                conn.execute("BEGIN IMMEDIATE")
                wrong = differences(conn)
                if wrong:
                    raise NotConverted(f"its encrypted copy differs in {', '.join(wrong[:3])}")
                check = conn.execute("PRAGMA copy.quick_check").fetchall()
                if check != [("ok",)]:
                    raise NotConverted(f"its encrypted copy fails its check ({check[:3]})")
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            conn.execute("DETACH DATABASE copy")
            # everything in the plain file itself, so that no WAL of it is left beside the new one
            busy, log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy or log > 0:
                raise InUse("another program has the database open")
        for side in ("-wal", "-shm"):
            path.with_name(path.name + side).unlink(missing_ok=True)
        files.flush_path(made)
        files.replace(made, path)
    except BaseException:
        made.unlink(missing_ok=True)
        raise


__all__ = [
    "HMAC", "LEGACY_HMAC", "MEMORY_SECURITY", "PAGE_SIZE", "PLAIN_MAGIC", "InUse", "Key", "NotConverted", "attach", "backup", "connect",
    "differences", "encrypt", "encrypted_name", "errors", "export_plain", "header", "is_encrypted", "looks_encrypted", "opens",
    "salt_of",
]
