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
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from db.engine import file_uri, write
from db.errors import DatabaseCorrupt, DatabaseTooNew, KnownDatabaseError, NotInitialised, NotYanshouDatabase

APPLICATION_ID = 0x59534855  # "YSHU"
SCHEMA_VERSION = 1


def ddl(version: int) -> list[str]:
    """The frozen statements of a schema version's step."""
    source = Path(__file__).with_name(f"schema_v{version}.sql").read_text(encoding="utf-8")
    lines = [line for line in source.splitlines() if not line.startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _step_1(conn: Connection) -> None:
    for statement in ddl(1):
        conn.exec_driver_sql(statement)


STEPS: dict[int, Callable[[Connection], None]] = {1: _step_1}


def header(path: Path) -> tuple[int, int]:
    """(application_id, user_version) read straight from the file's 100-byte header."""
    with path.open("rb") as f:
        head = f.read(100)
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        raise NotYanshouDatabase(path, "not a SQLite database file")
    return int.from_bytes(head[68:72], "big"), int.from_bytes(head[60:64], "big")


def check_file(path: Path) -> int:
    """The schema version of an existing file, refusing one that is not ours or too new."""
    return _accept(path, *header(path))


def _accept(path: Path, app_id: int, version: int) -> int:
    if app_id != APPLICATION_ID:
        raise NotYanshouDatabase(path, "a SQLite file, but not a Yanshou database")
    if version > SCHEMA_VERSION:
        raise DatabaseTooNew(
            path, f"the database is schema version {version}, newer than this program's {SCHEMA_VERSION}; update Yanshou"
        )
    return version


def upgrade(engine: Engine, path: Path) -> int:
    """Bring the file to SCHEMA_VERSION; returns the version it had (0 for a new file)."""
    if engine.dialect.name == "postgresql":
        return _upgrade_server(engine, str(path))
    fresh = not path.exists() or path.stat().st_size == 0
    start = 0 if fresh else check_file(path)
    if not fresh:
        # The header on disk can lag behind a change still in the WAL: ask SQLite too.
        with engine.connect() as conn:
            app_id = conn.exec_driver_sql("PRAGMA application_id").scalar() or 0
            start = _accept(path, app_id, conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
    if start == SCHEMA_VERSION:
        return start
    if start > 0:
        backup(path, path.with_name(f"{path.name}.v{start}-{dt.datetime.now():%Y%m%d-%H%M%S}.bak"))
    for version in range(start + 1, SCHEMA_VERSION + 1):
        with write(engine, path) as conn:
            if version == 1:
                if conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar():
                    raise NotYanshouDatabase(path, "the file has tables but no Yanshou header")
                conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
            STEPS[version](conn)
            conn.exec_driver_sql(f"PRAGMA user_version={version}")
    return start


def _upgrade_server(engine: Engine, where: str) -> int:
    """The same steps on a PostgreSQL master (db.postgres): the version in its own table,
    each step one transaction (PostgreSQL's DDL is transactional too), under the writer lock."""
    from db import postgres

    with engine.connect() as conn:
        start = _accept(Path(where), APPLICATION_ID, postgres.schema_version(conn, where, APPLICATION_ID))
    if start == 0:
        raise NotInitialised(where, "the database was never initialised ('yanshou init URL --role master')")
    for version in range(start + 1, SCHEMA_VERSION + 1):
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
    if result != ["ok"]:
        raise DatabaseCorrupt(path, "the database file is damaged: " + "; ".join(result[:3]))
    missing = sorted(tables(SCHEMA_VERSION) - present)
    if missing:
        raise DatabaseCorrupt(path, f"the database lacks tables of its schema ({', '.join(missing)}); it is damaged or from a test build")


def tables(version: int) -> set[str]:
    """The names of a schema version's tables."""
    return {s.split("(")[0].split()[2].strip('"') for s in ddl(version) if s.upper().startswith("CREATE TABLE")}


def backup(source: Path, target: Path) -> None:
    """A consistent copy of a live database (SQLite's backup API)."""
    src = sqlite3.connect(file_uri(source, "mode=ro"), uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
