"""The master on a PostgreSQL server: everything that differs from a SQLite file, here.

A province-wide round keeps its master on a server that several leads' desks use at once
(SPEC §4, SYNC.md "PostgreSQL later"). The logical model is the same; what differs:

- **Where it is**: a SQLAlchemy URL (`postgresql+psycopg://user@host/db`, psycopg 3)
  instead of a path. The database is made by the server's administrator; `init` writes
  the schema into it. A password in the URL is never shown (`label`); `~/.pgpass` or
  `PGPASSWORD` keep it off the command line.
- **Schema version**: no file header, so a small `yanshou_schema` table holds what the
  SQLite header holds (application id, schema version). The DDL is the frozen SQLite
  DDL translated word for word (`translated`): the same tables, columns and keys. A new
  master gets version 1 (`ddl`) and then every later step, as an upgraded one does
  (db.migrations: each step one transaction under the writer lock).
- **One writer at a time**: SQLite's `BEGIN IMMEDIATE` becomes a transaction-scoped
  advisory lock taken first thing in every write transaction (`WRITER_LOCK`). Two leads
  merging at once: the second waits for the first's COMMIT, then sees its rows (READ
  COMMITTED) and adds only what is still missing, so the result equals one merge after the
  other. Their slow part (copy, hashes, signatures) runs before the lock, side by side.
  Reads run in REPEATABLE READ: one consistent view, as a SQLite read transaction.
- **Bulk in**: a merge stages a file's verified versions with `COPY` and streams each
  new evidence blob into `bytea` through binary `COPY` in pieces (`copy_blob`), never the
  whole file in memory; reading one back goes by `substring` in pieces (storage EXTERNAL: no
  compression to undo, so a slice reads only its pages).
- **Export**: a laptop's file is a SQLite file; `export_copy` writes the whole master
  into a fresh one, in one consistent read, and the export goes on as from a SQLite master.
- **Search**: no FTS5; the search index's words carry a pg_trgm GIN index (`trigram_index`)
  when the server lets the master create the extension (it is a trusted one since PostgreSQL
  13: a database owner may), and are matched with ILIKE (`LIKE`), which that index serves;
  without it the same ILIKE reads the table through. Either way a match is a substring match,
  so two-character Chinese words are found as longer ones are.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from db.errors import DatabaseBusy, DiskFull, KnownDatabaseError, NotInitialised, NotYanshouDatabase, ServerError
from db.location import is_url, location

SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")
WRITER_LOCK = 0x59534855  # "YSHU": every write transaction holds it until COMMIT
SCHEMA_TABLE = "yanshou_schema"
CHUNK = 1024 * 1024
CONNECT_TIMEOUT_S = 10
WRITER_WAIT_S = 30  # how long an edit waits for the writer lock before "busy"


def normalise(url: str) -> str:
    """The URL with the psycopg 3 driver named (`postgresql://` alone would ask for psycopg2)."""
    url = url.strip()
    for scheme in ("postgresql://", "postgres://"):
        if url.lower().startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme):]
    return url


def label(url: str) -> str:
    """user@host:port/db, never the password: what messages and window titles show."""
    try:
        parsed = make_url(normalise(url))
        port = f":{parsed.port}" if parsed.port else ""
    except (ArgumentError, ValueError):
        return "PostgreSQL"
    host = parsed.host or "localhost"
    user = f"{parsed.username}@" if parsed.username else ""
    return f"{user}{host}{port}/{parsed.database or ''}"


def without_password(url: str) -> str:
    """The URL to remember (a desk's settings, the last database): no password in it; the
    server's password lives in ~/.pgpass (or PGPASSWORD), as for every libpq program."""
    try:
        parsed = make_url(normalise(url))
        secrets = [k for k in parsed.query if k.lower() in ("password", "sslpassword")]
        return parsed._replace(password=None).difference_update_query(secrets).render_as_string(hide_password=False)
    except (ArgumentError, ValueError):
        return label(url)


def engine(url: str) -> Engine:
    """An engine for a master on a server: a small pool, READ COMMITTED by default, the
    writer lock taken at the start of every write transaction (`immediate`)."""
    try:
        made = create_engine(
            normalise(url), pool_size=2, max_overflow=6, pool_pre_ping=True,
            connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "yanshou"},
        )
    except (ArgumentError, ImportError, ValueError) as exc:
        raise KnownDatabaseError(label(url), "not a database URL this program can use (postgresql://user@host:port/database)") from exc

    @event.listens_for(made, "begin")
    def _on_begin(conn: Connection) -> None:
        options = conn.get_execution_options()
        if options.get("immediate", False):
            # An edit waits at most WRITER_WAIT_S for another lead's write, then says the
            # database is busy (as SQLite's busy timeout does); a merge (`patient`) waits for
            # the merge before it, however long that takes.
            wait = 0 if options.get("patient", False) else int(WRITER_WAIT_S * 1000)
            # READ COMMITTED whatever the server's default: each statement after the lock
            # must see what the writer before committed (REPEATABLE READ would take its
            # snapshot at the lock's own SELECT, before the wait).
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {wait}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
        else:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    return made


def translate(exc: DBAPIError, where: str) -> Exception:
    """A server's failures a user can act on; anything else is left as it is (a bug)."""
    orig = getattr(exc, "orig", None)
    state = getattr(orig, "sqlstate", None) or ""
    said = str(orig).lower()
    if not state:  # a refused connection carries no SQLSTATE, only libpq's words
        if "password authentication failed" in said or "no password supplied" in said:
            state = "28P01"
        elif "database" in said and "does not exist" in said:
            state = "3D000"
        elif "role" in said and "does not exist" in said:
            state = "28000"
    if state == "53100":
        return DiskFull(where, "the database server's disk is full; nothing was written")
    if state in ("55P03", "40P01", "40001"):
        return DatabaseBusy(where, "the database is busy with another lead's work; try again")
    if state == "25006":
        return ServerError(where, "server_read_only", "the database server accepts no writes (read-only)")
    if state.startswith("28"):
        return ServerError(where, "server_auth", "the server refused the user name or password")
    if state == "3D000":
        return ServerError(where, "server_no_database", "the server has no such database; ask its administrator to create it")
    if state == "42501":
        return ServerError(where, "server_rights", "the database user lacks the rights this needs")
    if state.startswith("08") or (not state and (exc.connection_invalidated or "connection" in said)):
        return ServerError(where, "server_unreachable", "the database server cannot be reached (check the network and the URL)")
    return exc


# --- schema ------------------------------------------------------------------------------------

_AUTO_ID = ("CREATE TABLE blob", "CREATE TABLE import_log", "CREATE TABLE search_entry")


def translated(statements: Iterable[str]) -> list[str]:
    """Frozen SQLite DDL in PostgreSQL's words: BLOB is bytea, integers are 64-bit (the clock
    needs it), the two row-numbered tables number by identity. Every step's DDL goes through
    here (db.migrations), so a master made new and one upgraded get the same tables."""
    out = []
    for statement in statements:
        made = statement.replace(" BLOB", " BYTEA").replace(" INTEGER", " BIGINT")
        if statement.startswith(_AUTO_ID):
            made = made.replace("id BIGINT NOT NULL", "id BIGINT GENERATED BY DEFAULT AS IDENTITY", 1)
        out.append(made)
    return out


def ddl(statements: Iterable[str], application_id: int, version: int) -> list[str]:
    """Version 1's frozen DDL in PostgreSQL's words (`translated`), the storage of the blob
    tables, and the schema table that holds what a SQLite file's header holds. Later versions
    are steps on top (db.migrations.STEPS), each translated by `translated`."""
    out = translated(statements)
    out += [
        "ALTER TABLE blob ALTER COLUMN data SET STORAGE EXTERNAL",
        "ALTER TABLE thumbnail ALTER COLUMN data SET STORAGE EXTERNAL",
        f"CREATE TABLE {SCHEMA_TABLE} (application_id BIGINT NOT NULL, version BIGINT NOT NULL)",
        f"INSERT INTO {SCHEMA_TABLE} VALUES ({application_id}, {version})",
    ]
    return out


def tables(conn: Connection) -> set[str]:
    return set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")).scalars())


# What a master's schema must not hold beside its tables, each as "kind name": a trigger or rule
# rewrites what is written next (every signature still valid: the program signs before the
# server rewrites), a view hides a table, a row-security policy hides rows from the desk and
# from `verify` alike (both then agree on a smaller state), an event trigger fires on DDL.
_PLANTED = (
    "SELECT 'trigger ' || t.tgname || ' on ' || c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND n.nspname = current_schema()",
    "SELECT 'rule ' || rulename || ' on ' || tablename FROM pg_rules WHERE schemaname = current_schema()",
    "SELECT 'view ' || viewname FROM pg_views WHERE schemaname = current_schema()",
    "SELECT 'materialized view ' || matviewname FROM pg_matviews WHERE schemaname = current_schema()",
    "SELECT 'policy ' || policyname || ' on ' || tablename FROM pg_policies WHERE schemaname = current_schema()",
    "SELECT 'row security on ' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relrowsecurity AND n.nspname = current_schema()",
    "SELECT 'event trigger ' || evtname FROM pg_event_trigger",
)


def planted_and_missing(conn: Connection, expected: set[str]) -> tuple[set[str], set[str]]:
    """What a master's schema holds beside what this program makes (`expected`: the tables of
    its version, the schema table among them) — a trigger, rule, view, policy or table, each
    as "kind name" — and the tables it lacks."""
    present = tables(conn)
    planted = {f"table {t}" for t in present - expected} | {str(r) for q in _PLANTED for r in conn.exec_driver_sql(q).scalars()}
    return planted, {f"table {t}" for t in expected - present}


def schema_version(conn: Connection, where: str, application_id: int) -> int:
    """0 for an empty database; the version of ours; a refusal for anything else."""
    present = tables(conn)
    if not present:
        return 0
    if SCHEMA_TABLE not in present:
        raise NotYanshouDatabase(where, "the database holds tables, but not Yanshou's")
    row = conn.execute(text(f"SELECT application_id, version FROM {SCHEMA_TABLE}")).first()
    if row is None or row[0] != application_id:
        raise NotYanshouDatabase(where, "the database holds tables, but not Yanshou's")
    return int(row[1])


def set_version(conn: Connection, version: int) -> None:
    conn.execute(text(f"UPDATE {SCHEMA_TABLE} SET version = :v"), {"v": version})


TRIGRAM_EXTENSION = "pg_trgm"
LIKE = "ILIKE"  # a case-insensitive substring match, as SQLite's LIKE (for ASCII) and FTS5's trigrams are


def trigram_index(conn: Connection, table: str, column: str) -> bool:
    """A pg_trgm GIN index on a text column, for substring searches (LIKE '%words%'), when the
    server has the extension and lets this user create it; False (nothing changed, the
    transaction still usable) when it does not: the search then reads the table through."""
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(f"CREATE EXTENSION IF NOT EXISTS {TRIGRAM_EXTENSION}")
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_{table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)")
    except DBAPIError:
        return False
    return True


def json_text(column: str, key: str) -> str:
    """A text field of a JSON payload column, in SQL (SQLite: json_extract)."""
    return f"({column}::json ->> '{key}')"


def require_initialised(conn: Connection, where: str) -> None:
    if SCHEMA_TABLE not in tables(conn):
        raise NotInitialised(where, "the database was never initialised ('yanshou init URL --role master')")


# --- bulk in --------------------------------------------------------------------------------------


def driver(conn: Connection) -> Any:
    """The psycopg connection under a SQLAlchemy one (same transaction)."""
    return conn.connection.driver_connection


def stage(conn: Connection, table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    """Rows into a (staging) table by COPY, in the caller's transaction."""
    with driver(conn).cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# COPY's binary format (PostgreSQL manual, "COPY", Binary Format): a signature, flags and
# header extension length, then per row a field count and each field as length + bytes,
# then -1. A row's length is known before its bytes, so a blob streams through as it is.
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_BINARY_TRAILER = struct.pack("!h", -1)


def copy_blob(conn: Connection, sha: str, size: int, mime: str, pieces: Iterable[bytes]) -> int:
    """One blob into `blob`, streamed: COPY in binary format, its bytes sent a piece at a
    time as they are read (no hex, no whole file in memory). Returns the bytes sent; fewer or
    more than `size` (the file changed meanwhile) raises, and the transaction must roll back."""
    sha_bytes, mime_bytes = sha.encode("utf-8"), mime.encode("utf-8")
    sent = 0
    with driver(conn).cursor() as cur, cur.copy("COPY blob (sha256, size, mime, data) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(
            _BINARY_HEADER + struct.pack("!h", 4)
            + struct.pack("!i", len(sha_bytes)) + sha_bytes
            + struct.pack("!iq", 8, size)
            + struct.pack("!i", len(mime_bytes)) + mime_bytes
            + struct.pack("!i", size)
        )
        for piece in pieces:
            sent += len(piece)
            if sent > size:
                raise OSError("the evidence grew while it was copied")
            copy.write(piece)
        if sent != size:
            raise OSError("the evidence shrank while it was copied")
        copy.write(_BINARY_TRAILER)
    return sent


_SLICE = text("SELECT substring(data FROM :o FOR :n) FROM blob WHERE sha256 = :h")


def read_blob(conn: Connection, sha: str, size: int) -> Iterator[bytes]:
    """A blob's bytes in pieces (substring reads only the pages of its slice)."""
    offset = 0
    while offset < size:
        piece = conn.execute(_SLICE, {"o": offset + 1, "n": CHUNK, "h": sha}).scalar()
        if not piece:
            return
        yield bytes(piece)
        offset += len(piece)


# --- export ---------------------------------------------------------------------------------------


def export_copy(conn: Connection, target: Path, table_names: list[str]) -> None:
    """Every table of the master into `target`, a SQLite file made by this program's
    schema (empty, same tables), in the caller's read transaction: one consistent view.
    Blobs are copied a piece at a time (zeroblob + incremental I/O on the SQLite side)."""
    dst = sqlite3.connect(target, isolation_level=None)
    try:
        dst.execute("BEGIN")
        for table in table_names:
            if table == "blob":
                _export_blobs(conn, dst)
                continue
            result = conn.execution_options(yield_per=2000).execute(text(f'SELECT * FROM "{table}"'))
            columns = list(result.keys())
            marks = ", ".join("?" for _ in columns)
            names = ", ".join(f'"{c}"' for c in columns)
            for rows in result.partitions():
                dst.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [_sqlite_row(r) for r in rows])
        dst.execute("COMMIT")
    finally:
        dst.close()


def _sqlite_row(row: Any) -> tuple[Any, ...]:
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


def _export_blobs(conn: Connection, dst: sqlite3.Connection) -> None:
    rows = conn.execute(text("SELECT id, sha256, size, mime FROM blob ORDER BY id")).all()
    for blob_id, sha, size, mime in rows:
        dst.execute("INSERT INTO blob(id, sha256, size, mime, data) VALUES (?, ?, ?, ?, zeroblob(?))", (blob_id, sha, size, mime, size))
        if not size:
            continue
        with dst.blobopen("blob", "data", blob_id) as out:
            for piece in read_blob(conn, sha, size):
                out.write(piece)


__all__ = [
    "LIKE", "SCHEMA_TABLE", "TRIGRAM_EXTENSION", "WRITER_LOCK", "copy_blob", "ddl", "engine", "export_copy", "is_url", "json_text",
    "label", "location", "normalise", "planted_and_missing", "read_blob", "require_initialised", "schema_version", "stage",
    "translate", "translated", "trigram_index",
]
