"""Checking a database: every version against its device's public key, and the current
state against a rebuild from the versions alone."""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from db import engine, projection, search, versions
from db.database import Database


@dataclass(frozen=True)
class SignatureReport:
    checked: int
    devices: int
    bad: tuple[str, ...] = field(default=())  # version ids whose hash or signature fails
    unknown_device: tuple[str, ...] = field(default=())  # versions from a device the file does not know

    @property
    def intact(self) -> bool:
        return not self.bad and not self.unknown_device


def check_signatures(conn: Connection) -> SignatureReport:
    keys = {d: bytes(k) for d, k in conn.execute(text("SELECT id, public_key FROM device"))}
    bad: list[str] = []
    unknown: list[str] = []
    loaded = versions.load(conn)
    for version in loaded:
        key = keys.get(version.device_id)
        if key is None:
            unknown.append(version.version_id)
        elif not version.verify(key):
            bad.append(version.version_id)
    return SignatureReport(len(loaded), len(keys), tuple(bad), tuple(unknown))


# --- the schema: nothing planted beside the tables (a trigger fires on the next write) --------


def check_schema(database: Database) -> str | None:
    """How this database's schema differs from the one this program makes at its version, or
    None when it is exactly ours: a file's catalogue by db.merge.verify.schema_differences (a
    trigger, view or table not ours, one missing, a definition changed), a server's by
    db.postgres.planted_and_missing (triggers, rules, views, row-security policies, tables)."""
    from db.merge.verify import differences_said, schema_differences, schema_rows  # (the merge's own check, loaded with it)

    with database.read() as conn:
        if database.on_server:
            from db import migrations, postgres

            version = postgres.schema_version(conn, str(database.path), migrations.APPLICATION_ID)
            return differences_said(*postgres.planted_and_missing(conn, migrations.tables(version) | {postgres.SCHEMA_TABLE}))
        raw: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
        version = int(raw.execute("PRAGMA user_version").fetchone()[0])
        rows = schema_rows(raw)
    return schema_differences(rows, version)


# --- the projection: the stored current state against a rebuild from the versions alone ------

_DERIVED = ("head", "conflict", *(table for table, _ in projection.ENTITIES.values()))
# the search index's rows by what they say: their numbers are the full-text index's rowids,
# given afresh by a rebuild
_SEARCH = (search.TABLE, "record_id, kind, county, item, inspector, mode, body")


@dataclass(frozen=True)
class ProjectionReport:
    tables: int
    differences: tuple[tuple[str, str, tuple[object, ...]], ...] = ()  # (table, "stored"|"rebuilt", row)

    @property
    def equal(self) -> bool:
        return not self.differences


def check_projection(database: Database, *, limit: int = 20) -> ProjectionReport:
    """Rebuild the current state from the versions in a transaction that is always rolled
    back, and compare it with what is stored, table by table, set against set (a row edited
    by hand in a `current_*` table shows here). The first `limit` differences are named."""
    if database.read_only:  # the rebuild is written (then rolled back): on a copy, for a file on a read-only disk
        with tempfile.TemporaryDirectory(prefix="yanshou-verify-") as work:
            copy = database.copy_to(Path(work))
            try:
                return check_projection(copy, limit=limit)
            finally:
                copy.close()
    differences: list[tuple[str, str, tuple[object, ...]]] = []
    keep = " ON COMMIT DROP" if database.engine.dialect.name == "postgresql" else ""
    try:
        with database.engine.connect().execution_options(immediate=True) as conn:
            transaction = conn.begin()
            try:
                # a stale search index is in no use (db.search), to be rebuilt: nothing to compare
                compared = [(table, "*") for table in _DERIVED] + ([] if search.stale(conn) else [_SEARCH])
                if not search.intact(conn):
                    differences.append((search.FTS, "stored", ("the full-text index differs from the search index's rows",)))
                for table, columns in compared:
                    conn.exec_driver_sql(f"CREATE TEMP TABLE stored_{table}{keep} AS SELECT {columns} FROM {table}")
                projection.rebuild(conn)
                for table, columns in compared:
                    for side, query in (
                        ("stored", f"SELECT * FROM stored_{table} EXCEPT SELECT {columns} FROM {table}"),
                        ("rebuilt", f"SELECT {columns} FROM {table} EXCEPT SELECT * FROM stored_{table}"),
                    ):
                        for row in conn.exec_driver_sql(f"{query} LIMIT {limit + 1}"):
                            differences.append((table, side, tuple(row)))
                            if len(differences) > limit:
                                break
                        if len(differences) > limit:
                            break
            finally:
                transaction.rollback()  # the rebuild and the copies go with it
    except DBAPIError as exc:
        engine.reraise(exc, database.path)
    return ProjectionReport(len(compared), tuple(differences[:limit]))
