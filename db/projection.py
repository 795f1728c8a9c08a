"""Current state as a projection of the version set (SYNC.md).

The heads of a record are its versions that no other version names as a parent. One
head is the current value. Several heads are a conflict:
- "soft" when every field the heads changed (against their latest common ancestor) was
  changed one way only: the current row is the field-wise merge;
- "hard" when a field was changed two ways, or an edit meets a delete: the current row
  is the provisional winner, the largest (hlc, device_id), until a person decides.
Either kind is listed in `conflict`. The search index (db.search) follows the current rows
it is made from, in the same statements' transaction. Everything here is a pure function of
the versions: `rebuild` recomputes it from scratch and a test compares that with what the
writes and merges kept up to date. The work is set-based (a handful of statements for any number
of records) so a merge of thousands of versions costs little more than copying them.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, text

from db import canonical, peek, search


@dataclass(frozen=True)
class Column:
    name: str
    default: Any = None  # used when the payload lacks the key (None: NULL)
    required: bool = False  # a text the payload must carry (a merge refuses a version without it)
    integer: bool = False  # an INTEGER column (PostgreSQL casts what it reads from JSON as text)


def _keys(*names: str) -> tuple[Column, ...]:
    return tuple(Column(n, required=True) for n in names)


# entity → (current table, its columns: each one a payload key of the same name)
ENTITIES: dict[str, tuple[str, tuple[Column, ...]]] = {
    "score": ("current_score", (*_keys("county", "item", "inspector", "score"), Column("comment", ""))),
    "finding": (
        "current_finding",
        (*_keys("county", "item", "inspector", "mode"), Column("text", ""), Column("status", "unchecked"), Column("area", "")),
    ),
    "method_score": ("current_method_score", (*_keys("county", "method"), Column("total"), Column("items"))),
    "adjudication": ("current_adjudication", _keys("county", "item", "score", "reason")),
    "adjustment": ("current_adjustment", _keys("county", "delta", "reason")),
    "evidence": (
        "current_evidence",
        (
            *_keys("inspector", "sha256", "name", "mime"), Column("size", 0, integer=True), Column("county"), Column("item"),
            Column("mode"),
            Column("caption", ""), Column("taken_at"), Column("gps"), Column("attached_at", ""),
        ),
    ),
    "problem": (
        "current_problem",
        (
            *_keys("county", "item", "inspector", "description", "severity"), Column("deadline"), Column("created_at", ""),
            Column("status", "open"),
        ),
    ),
    "signature": (
        "current_signature",
        (
            *_keys("county", "inspector", "signer_role", "signer_name", "signed_at", "image_sha256", "record_digest"),
            Column("strokes", "[]"),
        ),
    ),
    "visit": ("current_visit", _keys("county", "inspector", "place", "first_day", "last_day")),
}

# Temporary tables are named without their schema: SQLite's `temp` and PostgreSQL's
# `pg_temp` are both searched first, and no table of the schema has these names.
AFFECTED = "projection_scope"


def missing_fields(entity: str, payload: Any) -> list[str]:
    """The required fields a payload of a projected entity lacks (or holds as non-text)."""
    spec = ENTITIES.get(entity)
    if spec is None:
        return []
    if not isinstance(payload, dict):
        return ["(not an object)"]
    return [c.name for c in spec[1] if c.required and not isinstance(payload.get(c.name), str)]


def _sql_value(col: Column, dialect: str) -> str:
    """A payload field in SQL. SQLite's json_extract gives an object as compact JSON;
    PostgreSQL's `json ->>` gives it as the payload spells it, and the payload is stored
    canonical (compact, keys sorted): the same text on both."""
    if dialect == "postgresql":
        value = f"(w.payload::json ->> '{col.name}')"
    else:
        value = f"json_extract(w.payload, '$.{col.name}')"
    if col.default is not None:
        value = f"coalesce({value}, '{col.default}')"
    if col.integer and dialect == "postgresql":
        value = f"CAST({value} AS BIGINT)"
    return value


def _py_value(col: Column, payload: dict[str, Any]) -> Any:
    value = payload.get(col.name)
    if value is None:
        return col.default
    if isinstance(value, dict | list):
        return canonical.dumps(value)  # what json_extract gives for an object: compact, keys as stored (sorted)
    return value


_WINNERS = (
    "SELECT record_id, version_id, entity, deleted, payload FROM ("
    " SELECT v.record_id, v.version_id, v.entity, v.deleted, v.payload,"
    "  row_number() OVER (PARTITION BY v.record_id ORDER BY v.hlc DESC, v.device_id DESC) AS rn"
    " FROM head h JOIN version v ON v.version_id = h.version_id WHERE h.record_id IN (SELECT record_id FROM {scope})"
    ") AS ranked WHERE rn = 1"
)


def _statements(
    scope: str, dialect: str, entities: tuple[str, ...] = tuple(ENTITIES), *, winners_table: bool = False
) -> list[str]:
    """The statements that recompute the records in `scope`. With `winners_table`, the
    provisional winners are computed once into a temporary table and each current table
    is filled from it (for many records); otherwise each reads them from a subquery."""
    out = [
        f"DELETE FROM head WHERE record_id IN (SELECT record_id FROM {scope})",
        "INSERT INTO head(record_id, version_id) SELECT v.record_id, v.version_id FROM version v "
        f"WHERE v.record_id IN (SELECT record_id FROM {scope}) "
        "AND NOT EXISTS (SELECT 1 FROM version_parent p WHERE p.parent_id = v.version_id)",
        f"DELETE FROM conflict WHERE record_id IN (SELECT record_id FROM {scope})",
    ]
    winners = f"({_WINNERS.format(scope=scope)})"
    if winners_table:
        out += [
            "CREATE TEMP TABLE IF NOT EXISTS projection_winner(record_id TEXT PRIMARY KEY, version_id TEXT, entity TEXT, "
            f"deleted BOOLEAN, payload TEXT){_kept_until_commit(dialect)}",
            "DELETE FROM projection_winner",
            f"INSERT INTO projection_winner(record_id, version_id, entity, deleted, payload) {_WINNERS.format(scope=scope)}",
        ]
        winners = "projection_winner"
    for entity in entities:
        table, cols = ENTITIES[entity]
        names = ", ".join(c.name for c in cols)
        values = ", ".join(_sql_value(c, dialect) for c in cols)
        out += [
            f"DELETE FROM {table} WHERE record_id IN (SELECT record_id FROM {scope})",
            f"INSERT INTO {table}(record_id, version_id, {names}) SELECT w.record_id, w.version_id, {values} "
            f"FROM {winners} w WHERE NOT w.deleted AND w.entity = '{entity}'",
        ]
    return out


_ONE_RECORD = "(SELECT CAST(:r AS TEXT) AS record_id) AS one_record"


@dataclass(frozen=True)
class _Compiled:
    scoped: list[Any]
    one: dict[str, list[Any]]
    other: list[Any]  # records with no current table (evidence links…)


@functools.cache
def _compiled(dialect: str) -> _Compiled:
    """The statements for one dialect, built once: building a text() costs more than running it."""
    return _Compiled(
        [text(s) for s in _statements(AFFECTED, dialect, winners_table=True)],
        {entity: [text(s) for s in _statements(_ONE_RECORD, dialect, (entity,))] for entity in ENTITIES},
        [text(s) for s in _statements(_ONE_RECORD, dialect, ())],
    )


_CONFLICTED_IN_SCOPE = text(
    f"SELECT record_id FROM head WHERE record_id IN (SELECT record_id FROM {AFFECTED}) GROUP BY record_id HAVING count(*) > 1"
)
_HEAD_COUNT = text("SELECT count(*) FROM head WHERE record_id = :r")


def _kept_until_commit(dialect: str) -> str:
    """A temporary table's rows go at COMMIT on a server, whose connections go back to a pool
    (a SQLite connection is closed after each use, its temporary tables with it)."""
    return " ON COMMIT DELETE ROWS" if dialect == "postgresql" else ""


def begin_scope(conn: Connection) -> None:
    """An empty temporary set of record ids for `refresh_scope`; fill it, then refresh."""
    conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {AFFECTED}(record_id TEXT PRIMARY KEY){_kept_until_commit(conn.dialect.name)}")
    conn.exec_driver_sql(f"DELETE FROM {AFFECTED}")


def refresh_scope(conn: Connection, entities: Sequence[str] | None = None) -> list[str]:
    """Recompute heads, current rows, conflicts and search rows of the records in the scope
    table; returns the records that are in conflict afterwards. `entities`: the records are all
    of these kinds (a batch of local writes, db.versions.put_many: admission refuses a version
    of another kind than its record's), so the other kinds' current tables are left alone."""
    conflicted_ids = _refresh_scope(conn, entities)
    search.refresh(conn, AFFECTED)
    return conflicted_ids


@functools.cache
def _scoped(dialect: str, entities: tuple[str, ...]) -> list[Any]:
    """The statements recomputing the scope's records of these kinds only, built once."""
    return [text(s) for s in _statements(AFFECTED, dialect, entities, winners_table=len(entities) > 1)]


def _refresh_scope(conn: Connection, entities: Sequence[str] | None = None) -> list[str]:
    dialect = conn.dialect.name
    kinds = None if entities is None else tuple(sorted({e for e in entities if e in ENTITIES}))
    for statement in _compiled(dialect).scoped if kinds is None else _scoped(dialect, kinds):
        conn.execute(statement)
    conflicted_ids = list(conn.execute(_CONFLICTED_IN_SCOPE).scalars())
    for record_id in conflicted_ids:
        _settle(conn, record_id)
    return conflicted_ids


def refresh(conn: Connection, record_id: str, entity: str) -> None:
    """Recompute one record of a known entity (after a local write)."""
    compiled = _compiled(conn.dialect.name)
    for statement in compiled.one.get(entity, compiled.other):
        conn.execute(statement, {"r": record_id})
    if conn.execute(_HEAD_COUNT, {"r": record_id}).scalar_one() > 1:
        _settle(conn, record_id)
    if entity in search.ENTITIES:
        search.refresh(conn, _ONE_RECORD, {"r": record_id})


def rebuild(conn: Connection) -> None:
    """Recompute heads, current tables, conflicts and the search index from the versions alone."""
    begin_scope(conn)
    conn.exec_driver_sql(f"INSERT INTO {AFFECTED}(record_id) SELECT DISTINCT record_id FROM version")
    conn.exec_driver_sql("DELETE FROM head")
    conn.exec_driver_sql("DELETE FROM conflict")
    for table, _ in ENTITIES.values():
        conn.exec_driver_sql(f"DELETE FROM {table}")
    _refresh_scope(conn)
    search.rebuild(conn)


# --- conflicts --------------------------------------------------------------------------

_HEADS = text(peek.HEADS)
_ANCESTORS = text(
    "WITH RECURSIVE up(id) AS (SELECT CAST(:v AS TEXT) UNION SELECT p.parent_id FROM version_parent p JOIN up ON p.version_id = up.id) "
    "SELECT id FROM up"
)
_BASE = text(
    "SELECT payload, deleted FROM version WHERE version_id IN :ids ORDER BY hlc DESC, device_id DESC LIMIT 1"
).bindparams(bindparam("ids", expanding=True))


@dataclass(frozen=True)
class Settlement:
    kind: str  # soft | hard
    fields: tuple[str, ...]
    merged: dict[str, Any] | None  # the field-wise merge (soft, not deleted), else None
    deleted: bool


def _classify(heads: list[tuple[dict[str, Any], bool]], base: tuple[dict[str, Any], bool] | None) -> Settlement:
    """Soft or hard, given the heads' (payload, deleted) and their latest common ancestor's."""
    deletes = {deleted for _, deleted in heads}
    if deletes == {True}:
        return Settlement("soft", (), None, True)
    if len(deletes) > 1:
        return Settlement("hard", ("deleted",), None, False)
    base_payload = base[0] if base is not None and not base[1] else {}
    keys = sorted({k for payload, _ in heads for k in payload} | set(base_payload))
    merged: dict[str, Any] = {}
    disputed, changed = [], []
    for key in keys:
        old = base_payload.get(key)
        new = {canonical.dumps(p.get(key)) for p, _ in heads if p.get(key) != old}
        if len(new) > 1:
            disputed.append(key)
        elif new:
            changed.append(key)
            merged[key] = next(p.get(key) for p, _ in heads if p.get(key) != old)
        else:
            merged[key] = old
    if disputed:
        return Settlement("hard", tuple(disputed), None, False)
    return Settlement("soft", tuple(changed), {k: v for k, v in merged.items() if v is not None}, False)


def _settlement(conn: Connection, rows: Sequence[Any]) -> Settlement:
    ancestry = [set(conn.execute(_ANCESTORS, {"v": r[0]}).scalars()) for r in rows]
    common = set.intersection(*ancestry)
    base = None
    if common:  # the latest common ancestor: what both sides started from
        found = conn.execute(_BASE, {"ids": sorted(common)}).first()
        if found is not None:
            base = (json.loads(found[0]), bool(found[1]))
    return _classify([(json.loads(r[3]), bool(r[2])) for r in rows], base)


class Current(NamedTuple):
    """What a record holds now: its payload and whether it is deleted."""

    payload: dict[str, Any]
    deleted: bool


def current(conn: Connection, record_id: str) -> Current | None:
    """What the record holds now (payload, deleted), or None for a record never written:
    the one head; for a soft conflict the field-wise merge; for a hard one the provisional
    winner. An edit starts from this, so it never undoes what a soft merge kept."""
    rows = conn.execute(_HEADS, {"r": record_id}).all()
    if len(rows) > 1:
        settlement = _settlement(conn, rows)
        if settlement.kind == "soft":
            return Current(settlement.merged or {}, settlement.deleted)
        rows = rows[:1]  # a hard conflict's provisional winner
    held = peek.one_head(rows)
    return None if held is None else Current(*held)


def _settle(conn: Connection, record_id: str) -> None:
    rows = conn.execute(_HEADS, {"r": record_id}).all()
    head_ids = sorted(r[0] for r in rows)
    settlement = _settlement(conn, rows)
    entity = rows[0][1]
    conflict_id = hashlib.sha256("\n".join(head_ids).encode()).hexdigest()[:12]
    conn.execute(
        text("INSERT INTO conflict(record_id, id, entity, kind, heads, fields) VALUES (:r, :id, :e, :k, :h, :f)"),
        {"r": record_id, "id": conflict_id, "e": entity, "k": settlement.kind, "h": canonical.dumps(head_ids),
         "f": canonical.dumps(list(settlement.fields))},
    )
    spec = ENTITIES.get(entity)
    if spec is None or settlement.kind == "hard":
        return  # the provisional winner stays
    table, cols = spec
    conn.execute(text(f"DELETE FROM {table} WHERE record_id = :r"), {"r": record_id})
    if settlement.deleted or settlement.merged is None:
        return
    names = ", ".join(c.name for c in cols)
    marks = ", ".join(f":{c.name}" for c in cols)
    conn.execute(
        text(f"INSERT INTO {table}(record_id, version_id, {names}) VALUES (:record_id, :version_id, {marks})"),
        {"record_id": record_id, "version_id": rows[0][0], **{c.name: _py_value(c, settlement.merged) for c in cols}},
    )


def head_rows(conn: Connection, record_id: str) -> list[tuple[str, str, bool, str, str]]:
    """The record's heads as (version_id, entity, deleted, payload, device_id), the
    provisional winner first."""
    return [(r[0], r[1], bool(r[2]), r[3], r[5]) for r in conn.execute(_HEADS, {"r": record_id})]


def heads(conn: Connection, record_id: str) -> list[str]:
    """The record's heads, the provisional winner first."""
    return [r[0] for r in head_rows(conn, record_id)]


def conflicted(conn: Connection) -> list[str]:
    """Records with more than one head."""
    return list(conn.execute(text("SELECT record_id FROM conflict ORDER BY record_id")).scalars())


__all__ = ["ENTITIES", "Current", "begin_scope", "conflicted", "current", "head_rows", "heads", "rebuild", "refresh", "refresh_scope"]
