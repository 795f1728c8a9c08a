"""The search index: the inspectors' written words, found by any part of them.

What is indexed, one `search_entry` row per record that has words (schema_v3.sql): a
finding's text, a problem's description and rectification account, a piece of evidence's
caption and file name; each row names where its record belongs (county, item, inspector,
mode), so a hit can open it. Items' texts (reference data) and inspectors' names are not
here: the services search those in the campaign they hold.

The index is part of the projection: db.projection calls `refresh` over the records it has
just recomputed, in the same transaction, after a local write and after a merge, and
`rebuild` after its own rebuild from the versions.

Chinese has no spaces, so a match is a substring match:
- SQLite: an FTS5 table over `body` with the trigram tokenizer (`search_fts`, external
  content: it holds the index only). A trigram is three characters, so the terms of one or
  two (台账, 公开 — most Chinese words) are matched with LIKE on the rows the longer terms
  found, or on the whole table when every term is short (a laptop's few thousand rows: a
  millisecond or two). FTS5 and its trigram tokenizer need SQLite 3.34 built with FTS5, as
  CPython's Windows builds are; where the library lacks them every term is matched with LIKE.
  The FTS table is this file's own accelerator, made outside the versioned schema
  (`prepare`): an export leaves it out (`drop_local_index`) and a merge that takes a laptop's
  database file as it is lets it pass (`without_local_index`).
- PostgreSQL: ILIKE over `body`, served by a pg_trgm index where the server has one
  (db.postgres.trigram_index).

A marker in local_state says the index is stale: after the schema step that made its table
(never built yet), or after writes by a program whose SQLite could not keep up the FTS table
the file holds. Searches then read the current tables themselves (the same words, slower),
and the next writable open rebuilds the index (`prepare`).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from db import queries
from db.migrations import SEARCH_STATE

TABLE = "search_entry"
FTS = "search_fts"
FTS_DDL = f"CREATE VIRTUAL TABLE {FTS} USING fts5(body, content='{TABLE}', content_rowid='id', tokenize='trigram')"
_FTS_TABLES = (FTS, *(f"{FTS}_{part}" for part in ("data", "idx", "content", "docsize", "config")))
ENTITIES = frozenset({"finding", "problem", "evidence"})  # the entities whose records have words
TRIGRAM = 3  # the shortest term the trigram index can find; shorter ones are matched with LIKE
STALE = "stale"


@functools.cache
def trigram_available() -> bool:
    """Whether this process's SQLite has FTS5 with the trigram tokenizer (3.34 and later)."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(body, tokenize='trigram')")
    except sqlite3.Error:
        return False
    finally:
        probe.close()
    return True


# --- what is indexed --------------------------------------------------------------------------


def _entries(dialect: str, scope: str | None) -> str:
    """The index's rows as a query over the current tables: those of the records in `scope`
    (a table or subquery with a record_id column), or all. A problem's account is in its
    payload only (the step that rectified it), read from the version the current row names."""
    if dialect == "postgresql":
        from db import postgres  # (a server's master only: a laptop's start does not load it)

        account = postgres.json_text("v.payload", "account")
    else:
        account = "json_extract(v.payload, '$.account')"

    def within(alias: str) -> str:
        return f" AND {alias}.record_id IN (SELECT record_id FROM {scope})" if scope else ""

    return (
        "SELECT f.record_id, 'finding' AS kind, f.county, f.item, f.inspector, f.mode, f.text AS body "
        f"FROM current_finding f WHERE f.text <> ''{within('f')} "
        "UNION ALL SELECT p.record_id, 'problem', p.county, p.item, p.inspector, NULL, "
        f"CASE WHEN coalesce({account}, '') = '' THEN p.description ELSE p.description || ' · ' || {account} END "
        f"FROM current_problem p JOIN version v ON v.version_id = p.version_id WHERE 1 = 1{within('p')} "
        "UNION ALL SELECT e.record_id, 'evidence', e.county, e.item, e.inspector, e.mode, "
        "CASE WHEN e.caption = '' THEN e.name ELSE e.caption || ' · ' || e.name END "
        f"FROM current_evidence e WHERE 1 = 1{within('e')}"
    )


_COLUMNS = "record_id, kind, county, item, inspector, mode, body"


def _refresh_statements(dialect: str, scope: str, fts: bool) -> list[str]:
    """Replace the index rows of the records in `scope` by what the current tables say now;
    with `fts`, the full-text index follows (external content: the old words are told to it
    before the rows go, the new rows after they come)."""
    scoped = f"WHERE record_id IN (SELECT record_id FROM {scope})"
    out = [f"INSERT INTO {FTS}({FTS}, rowid, body) SELECT 'delete', id, body FROM {TABLE} {scoped}"] if fts else []
    out += [f"DELETE FROM {TABLE} {scoped}", f"INSERT INTO {TABLE}({_COLUMNS}) {_entries(dialect, scope)}"]
    if fts:
        out.append(f"INSERT INTO {FTS}(rowid, body) SELECT id, body FROM {TABLE} {scoped}")
    return out


@functools.cache
def _compiled(dialect: str, scope: str, fts: bool) -> list[Any]:
    return [text(s) for s in _refresh_statements(dialect, scope, fts)]


# --- its state ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    table: bool  # search_entry exists (a file of schema 3 or later)
    fts: bool  # the full-text table exists in the file
    stale: bool  # the marker: nothing of the index is to be trusted until it is rebuilt

    def usable_fts(self) -> bool:
        return self.table and self.fts and not self.stale and trigram_available()


_SQLITE_STATE = text(
    "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :t), "
    "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :f), "
    "(SELECT value FROM local_state WHERE key = :k)"
)
_MARKER = text("SELECT value FROM local_state WHERE key = :k")
_MARK = text("INSERT INTO local_state(key, value) VALUES (:k, :v) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
_UNMARK = text("DELETE FROM local_state WHERE key = :k")


def _state(conn: Connection) -> _State:
    if conn.dialect.name == "postgresql":
        from db import postgres

        return _State(TABLE in postgres.tables(conn), False, conn.execute(_MARKER, {"k": SEARCH_STATE}).scalar() == STALE)
    table, fts, marker = conn.execute(_SQLITE_STATE, {"t": TABLE, "f": FTS, "k": SEARCH_STATE}).one()
    return _State(bool(table), bool(fts), marker == STALE)


# --- kept up to date ------------------------------------------------------------------------------


def refresh(conn: Connection, scope: str, params: dict[str, Any] | None = None) -> None:
    """Recompute the index rows of the records in `scope` from the current tables, in the
    caller's transaction (db.projection, after it recomputed them). A stale index is left to
    its rebuild; a full-text table this SQLite cannot write makes it stale."""
    state = _state(conn)
    if not state.table or state.stale:
        return
    if state.fts and not trigram_available():
        conn.execute(_MARK, {"k": SEARCH_STATE, "v": STALE})
        return
    for statement in _compiled(conn.dialect.name, scope, state.fts):
        conn.execute(statement, params or {})


def rebuild(conn: Connection) -> None:
    """The whole index from the current tables (after db.projection rebuilt them); no longer
    stale, unless the file holds a full-text table this SQLite cannot write."""
    state = _state(conn)
    if not state.table:
        return
    conn.exec_driver_sql(f"DELETE FROM {TABLE}")
    conn.exec_driver_sql(f"INSERT INTO {TABLE}({_COLUMNS}) {_entries(conn.dialect.name, None)}")
    if state.fts and not trigram_available():
        conn.execute(_MARK, {"k": SEARCH_STATE, "v": STALE})
        return
    if state.fts:
        conn.exec_driver_sql(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    conn.execute(_UNMARK, {"k": SEARCH_STATE})


def needs_preparing(conn: Connection) -> bool:
    """Whether `prepare` has work: a stale index, or a full-text table this SQLite could make."""
    state = _state(conn)
    if not state.table:
        return False
    return state.stale or (conn.dialect.name == "sqlite" and not state.fts and trigram_available())


def prepare(conn: Connection) -> None:
    """Make the index ready, in a write transaction (db.database, when it opens or creates a
    writable database): the full-text table where this SQLite has FTS5 and the file lacks it,
    then the whole index rebuilt if it is stale or the table new."""
    if not needs_preparing(conn):
        return
    if conn.dialect.name == "sqlite" and trigram_available() and not _state(conn).fts:
        conn.exec_driver_sql(FTS_DDL)
    rebuild(conn)


def intact(conn: Connection) -> bool:
    """Whether the full-text index holds exactly the words of `search_entry` (FTS5's own
    check against its content table); True where there is none in use."""
    if conn.dialect.name != "sqlite" or not _state(conn).usable_fts():
        return True
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(f"INSERT INTO {FTS}({FTS}, rank) VALUES ('integrity-check', 1)")
    except DBAPIError:
        return False
    return True


def stale(conn: Connection) -> bool:
    """Whether the index is stale (or absent): what it holds is not to be compared or used."""
    state = _state(conn)
    return not state.table or state.stale


# --- files that leave this computer -------------------------------------------------------------


def drop_local_index(copy: sqlite3.Connection) -> None:
    """Leave the full-text table out of an export (a copy of the database on this disk). Only
    this SQLite's FTS5 can drop it; one it cannot stays, and the merge lets it pass."""
    if trigram_available():
        copy.execute(f"DROP TABLE IF EXISTS {FTS}")


Row = tuple[str, str, str, str | None]  # sqlite_master's type, name, tbl_name, sql


def without_local_index(rows: Sequence[Row]) -> list[Row]:
    """A foreign file's schema rows without this program's full-text table and FTS5's own
    tables behind it, when the file holds exactly that table (a laptop's database file merged
    as it is); anything else under those names stays, for the schema check to refuse."""
    ours = any(r[0] == "table" and r[1] == FTS and r[3] == FTS_DDL for r in rows)
    return [r for r in rows if not (ours and r[2] in _FTS_TABLES)]


# --- searching ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchRow:
    """A record whose words hold every term of a search, with where it belongs."""

    kind: str  # finding | problem | evidence
    record_id: str
    county: str | None  # None: evidence in the inbox, not filed yet
    item: str | None
    inspector: str
    mode: str | None
    body: str  # the indexed words (evidence: "caption · file name"; a problem: "description · account")
    rank: int  # 0: the words are the query; 1: they hold it as typed; 2: they hold each of its terms
    county_position: int | None
    item_position: int | None


def _like(term: str) -> str:
    """A LIKE pattern finding `term` anywhere, its wildcards taken literally (ESCAPE '\\')."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _match(terms: Sequence[str]) -> str:
    """An FTS5 query: each term a quoted string (with the trigram tokenizer, a substring)."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def find(
    conn: Connection, terms: Sequence[str], *, phrase: str, campaign_id: str, inspector: str | None = None, limit: int = 50,
) -> list[SearchRow]:
    """The records whose words hold every term (case aside for Latin letters), `inspector`'s
    only if given; the query as typed (`phrase`) first, then in the campaign's order of
    counties and items (evidence not filed yet last), problems before findings before
    evidence. At most `limit`."""
    if not terms:
        return []
    dialect = conn.dialect.name
    like = "LIKE"
    if dialect == "postgresql":
        from db import postgres

        like = postgres.LIKE
    state = _state(conn)
    source = f"{TABLE} e" if state.table and not state.stale else f"({_entries(dialect, None)}) e"
    params: dict[str, Any] = {"phrase": phrase, "phrase_like": _like(phrase), "campaign": campaign_id, "limit": limit}
    where = []
    long = [t for t in terms if len(t) >= TRIGRAM] if state.usable_fts() else []
    if long:
        where.append(f"e.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH :match)")
        params["match"] = _match(long)
    for n, term in enumerate(t for t in terms if t not in long):
        where.append(f"e.body {like} :t{n} ESCAPE '\\'")
        params[f"t{n}"] = _like(term)
    if inspector is not None:
        where.append("e.inspector = :inspector")
        params["inspector"] = inspector
    sql = (
        "SELECT e.kind, e.record_id, e.county, e.item, e.inspector, e.mode, e.body, "
        f"CASE WHEN lower(e.body) = lower(:phrase) THEN 0 WHEN e.body {like} :phrase_like ESCAPE '\\' THEN 1 ELSE 2 END AS rank, "
        "c.position AS county_position, i.position AS item_position "
        f"FROM {source} "
        "LEFT JOIN county c ON c.code = e.county AND c.campaign_id = :campaign "
        "LEFT JOIN indicator i ON i.code = e.item AND i.campaign_id = :campaign "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY rank, CASE WHEN c.position IS NULL THEN 1 ELSE 0 END, c.position, "
        "CASE WHEN i.position IS NULL THEN 1 ELSE 0 END, i.position, "
        "CASE e.kind WHEN 'problem' THEN 0 WHEN 'finding' THEN 1 ELSE 2 END, e.inspector, e.record_id "
        "LIMIT :limit"
    )
    return queries.named(SearchRow, conn.execute(text(sql), params))


_INSPECTORS = text("SELECT DISTINCT inspector FROM device WHERE inspector IS NOT NULL ORDER BY inspector")


def inspectors(conn: Connection) -> list[str]:
    """The inspectors this database knows: its own and every enrolled laptop's."""
    return [str(name) for name in conn.execute(_INSPECTORS).scalars()]


__all__ = [
    "ENTITIES", "FTS", "FTS_DDL", "TABLE", "TRIGRAM", "SearchRow", "drop_local_index", "find", "inspectors", "intact",
    "needs_preparing", "prepare", "rebuild", "refresh", "stale", "trigram_available", "without_local_index",
]
