"""Schema versions: SQLite's `user_version`, upgraded one step at a time.

Why not Alembic: the version must sit in the SQLite header (`user_version`, next to
`application_id`), where a merge can check a foreign file before it reads any table, and
our steps are few and linear. Each step runs in one transaction of its own (SQLite's DDL
is transactional), so an interrupted upgrade leaves the previous version intact; the file
is copied beside itself first (backup API) all the same.

Step 1 runs the frozen DDL of `schema_v1.sql`, not `create_all`: a merge compares a
foreign file's schema with ours text for text, so two builds of the same schema version
must write the same DDL whatever SQLAlchemy version made them. The frozen DDL is the one
description of the tables (there is no second one in classes to keep equal to it).

A step's code is frozen as its DDL is: it uses no function of the rest of the program, which
may change after it (step 2 reads version 1's merge reports with its own few lines).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from db import cipher, peek
from db.engine import file_uri, write
from db.errors import DatabaseCorrupt, DatabaseTooNew, KnownDatabaseError, NotInitialised, NotYanshouDatabase

APPLICATION_ID, SCHEMA_VERSION = peek.APPLICATION_ID, peek.SCHEMA_VERSION  # "YSHU"; (defined there: the start reads them first)
# The oldest schema whose files a merge takes. A file of version 1, 2 or 3 is merged as it is:
# step 2 only added `merge_report`, the receiver's own table, step 3 `search_entry` and step 4
# `current_visit`, both derived from the versions; a merge reads none of them from a file, and
# every table it reads is the same in all four. A step that changes one of those raises this.
MERGE_FROM = 1


def ddl(version: int) -> list[str]:
    """The frozen statements of a schema version's step."""
    source = Path(__file__).with_name(f"schema_v{version}.sql").read_text(encoding="utf-8")
    lines = [line for line in source.splitlines() if not line.startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _statements(conn: Connection, version: int) -> list[str]:
    """A step's frozen DDL in the words of the connection's database."""
    if conn.dialect.name == "postgresql":
        from db import postgres

        return postgres.translated(ddl(version))
    return ddl(version)


def _step_1(conn: Connection) -> None:
    for statement in ddl(1):
        conn.exec_driver_sql(statement)


OLD_REPORT = "merge_report:"  # version 1 kept each report in local_state under this prefix


def _step_2(conn: Connection) -> None:
    """The `merge_report` table, and version 1's reports moved into it from local_state, the
    same content (the key's number becomes the id, so a report keeps its identity and order).
    A value that cannot be read as a report (none this program wrote) stays where it was."""
    for statement in _statements(conn, 2):
        conn.exec_driver_sql(statement)
    device = conn.execute(text("SELECT value FROM local_state WHERE key = 'device_id'")).scalar() or ""
    rows = conn.execute(text("SELECT key, value FROM local_state WHERE key LIKE 'merge_report:%' ORDER BY key")).all()
    moved: list[tuple[str, int | None, dict[str, object]]] = []
    for key, value in rows:
        found = _old_report(key, value, device)
        if found is not None:
            moved.append((key, *found))
    spare = max((number for _key, number, _row in moved if number is not None), default=0) + 1
    used: set[int] = set()
    for key, suffix, row in moved:
        number = suffix
        if number is None or number in used:  # no number, or one taken (no build of ours wrote such keys)
            number, spare = spare, spare + 1
        used.add(number)
        conn.execute(
            text(
                "INSERT INTO merge_report(id, merged_at, device_id, merged_by, dry_run, files, merged, refused, versions_added, "
                "conflicts, detail) VALUES (:id, :at, :device, NULL, :dry, :files, :merged, :refused, :added, :conflicts, :detail)"
            ),
            {"id": number, **row},
        )
        conn.execute(text("DELETE FROM local_state WHERE key = :k"), {"k": key})


def _old_report(key: str, value: str, device: str) -> tuple[int | None, dict[str, object]] | None:
    """A version-1 report as a row of `merge_report` (its number, its columns); None if unreadable."""
    when, _, suffix = key[len(OLD_REPORT):].rpartition(":")
    try:
        body = json.loads(value)
        files = body["files"]
        if not isinstance(files, list) or not all(isinstance(f, dict) and "file" in f and "status" in f for f in files):
            return None
        at = body.get("at")
        row: dict[str, object] = {
            "at": at if isinstance(at, str) and at else when, "device": device, "dry": bool(body.get("dry_run")),
            "files": len(files), "merged": sum(f["status"] in {"merged", "dry-run"} for f in files),
            "refused": sum(f["status"] == "refused" for f in files),
            "added": sum(int(f.get("versions_added", 0)) for f in files), "conflicts": sum(int(f.get("conflicts", 0)) for f in files),
            "detail": json.dumps(files, ensure_ascii=False),
        }
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return (int(suffix) if suffix.isdigit() else None), row


SEARCH_STATE = "search_index"  # local_state: 'stale' while the search index is still to be built (db.search)


def _step_3(conn: Connection) -> None:
    """The search index's table, empty, marked to be built (db.search.prepare builds it from the
    current state when the program opens the file: derived data is made by the code that reads
    it, not by a frozen step). On a server, its pg_trgm index where the server allows it."""
    for statement in _statements(conn, 3):
        conn.exec_driver_sql(statement)
    if conn.dialect.name == "postgresql":
        from db import postgres

        postgres.trigram_index(conn, "search_entry", "body")
    conn.execute(
        text("INSERT INTO local_state(key, value) VALUES (:k, 'stale') ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
        {"k": SEARCH_STATE},
    )


def _step_4(conn: Connection) -> None:
    """The current state of where and when each inspector inspected a county, empty (no file
    before this version holds a visit)."""
    for statement in _statements(conn, 4):
        conn.exec_driver_sql(statement)


STEPS: dict[int, Callable[[Connection], None]] = {1: _step_1, 2: _step_2, 3: _step_3, 4: _step_4}


def header(path: Path) -> tuple[int, int]:
    """(application_id, user_version) read straight from the file's 100-byte header."""
    with path.open("rb") as f:
        head = f.read(100)
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        raise NotYanshouDatabase(path, "not a SQLite database file")
    return int.from_bytes(head[68:72], "big"), int.from_bytes(head[60:64], "big")


def check_file(path: Path, key: cipher.Key | None = None) -> int:
    """The schema version of an existing file, refusing one that is not ours or too new; an
    encrypted file's header is read with its key."""
    return _accept(path, *(cipher.header(path, key) if key is not None else header(path)))


def _accept(path: Path, app_id: int, version: int) -> int:
    if app_id != APPLICATION_ID:
        raise NotYanshouDatabase(path, "a SQLite file, but not a Yanshou database")
    if version > SCHEMA_VERSION:
        raise DatabaseTooNew(
            path, f"the database is schema version {version}, newer than this program's {SCHEMA_VERSION}; update Yanshou"
        )
    return version


def upgrade(engine: Engine, path: Path, *, target: int = SCHEMA_VERSION, key: cipher.Key | None = None) -> int:
    """Bring the file to SCHEMA_VERSION (an older `target`: what a file of that version is, for
    a merge's comparison and the tests); returns the version it had (0 for a new file). `key`:
    the file is encrypted (the engine's key; its backup is encrypted with it)."""
    if engine.dialect.name == "postgresql":
        return _upgrade_server(engine, str(path), target)
    fresh = not path.exists() or path.stat().st_size == 0
    start = 0 if fresh or key is not None else check_file(path)
    if not fresh:
        # The header on disk can lag behind a change still in the WAL: ask SQLite too.
        with engine.connect() as conn:
            app_id = conn.exec_driver_sql("PRAGMA application_id").scalar() or 0
            start = _accept(path, app_id, conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
    if start >= target:
        return start
    if start > 0:
        backup(path, backup_name(path, start), key)
    for version in range(start + 1, target + 1):
        with write(engine, path) as conn:
            if version == 1:
                if conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar():
                    raise NotYanshouDatabase(path, "the file has tables but no Yanshou header")
                conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
            STEPS[version](conn)
            conn.exec_driver_sql(f"PRAGMA user_version={version}")
    return start


def _upgrade_server(engine: Engine, where: str, target: int) -> int:
    """The same steps on a PostgreSQL master (db.postgres): the version in its own table,
    each step one transaction (PostgreSQL's DDL is transactional too), under the writer lock."""
    from db import postgres

    with engine.connect() as conn:
        start = _accept(Path(where), APPLICATION_ID, postgres.schema_version(conn, where, APPLICATION_ID))
    if start == 0:
        raise NotInitialised(where, "the database was never initialised ('yanshou init URL --role master')")
    for version in range(start + 1, target + 1):
        with write(engine, where) as conn:
            STEPS[version](conn)
            postgres.set_version(conn, version)
    return start


def create_server_schema(conn: Connection, where: str) -> None:
    """The current schema into an empty PostgreSQL database, in the caller's transaction
    (with the reference data `init` writes after it: a master exists whole or not at all)."""
    from db import postgres

    if postgres.schema_version(conn, where, APPLICATION_ID):
        raise KnownDatabaseError(where, "the database holds a Yanshou master already; open it instead")
    for statement in postgres.ddl(ddl(1), APPLICATION_ID, 1):
        conn.exec_driver_sql(statement)
    for version in range(2, SCHEMA_VERSION + 1):
        STEPS[version](conn)
        postgres.set_version(conn, version)


def quick_check(engine: Engine, path: Path) -> None:
    """SQLite's quick check, and every table of the schema present."""
    if engine.dialect.name == "postgresql":
        from db import postgres

        with engine.connect() as conn:
            present = postgres.tables(conn)
        missing = sorted(tables(SCHEMA_VERSION) - present)
        if missing:
            raise DatabaseCorrupt(path, f"the database lacks tables of its schema ({', '.join(missing)})")
        return
    with engine.connect() as conn:
        result = conn.execute(text("PRAGMA quick_check")).scalars().all()
        present = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
        # the file's own version: an older file on a read-only disk is opened as it is, not upgraded
        version = min(conn.exec_driver_sql("PRAGMA user_version").scalar() or SCHEMA_VERSION, SCHEMA_VERSION)
    if result != ["ok"]:
        raise DatabaseCorrupt(path, "the database file is damaged: " + "; ".join(result[:3]))
    missing = sorted(tables(version) - present)
    if missing:
        raise DatabaseCorrupt(path, f"the database lacks tables of its schema ({', '.join(missing)}); it is damaged or from a test build")


def tables(version: int) -> set[str]:
    """The names of the tables of a schema version (made by its step and those before it)."""
    return {
        s.split("(")[0].split()[2].strip('"') for v in range(1, version + 1) for s in ddl(v) if s.upper().startswith("CREATE TABLE")
    }


def backup_name(path: Path, version: int) -> Path:
    """Where a file is backed up beside itself before its schema is upgraded from `version`."""
    return path.with_name(f"{path.name}.v{version}-{dt.datetime.now():%Y%m%d-%H%M%S}.bak")


def backups_beside(path: Path) -> list[Path]:
    """The schema upgrades' backups of a file, beside it."""
    start = f"{path.name}.v"
    return sorted(p for p in path.parent.iterdir() if p.name.startswith(start) and p.name.endswith(".bak") and p.is_file())


def backup(source: Path, target: Path, key: cipher.Key | None = None) -> None:
    """A consistent copy of a live database (SQLite's backup API); an encrypted one's (`key`)
    encrypted with the same key."""
    if key is not None:
        cipher.backup(source, target, key)
        return
    src = sqlite3.connect(file_uri(source, "mode=ro"), uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
