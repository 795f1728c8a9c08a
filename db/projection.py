"""Current state as a projection of the version set (SYNC.md).

The heads of a record are its versions that no other version names as a parent. One
head is the current value; several are a conflict, with a provisional winner, the
largest (hlc, device_id). The winner's payload is materialised in the entity's
`current_*` table (a deleted winner removes the row). `rebuild` recomputes everything
from the versions alone; a test compares it with the incrementally kept tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select, text

from db.models import (
    CurrentAdjudication,
    CurrentAdjustment,
    CurrentFinding,
    CurrentMethodScore,
    CurrentScore,
    HeadRow,
)

Row = dict[str, Any]


def _score(p: Row) -> Row:
    return {"county": p["county"], "item": p["item"], "inspector": p["inspector"], "score": p["score"], "comment": p.get("comment", "")}


def _finding(p: Row) -> Row:
    return {
        "county": p["county"], "item": p["item"], "inspector": p["inspector"], "mode": p["mode"],
        "text": p.get("text", ""), "status": p.get("status", "unchecked"), "area": p.get("area", ""),
    }


def _method_score(p: Row) -> Row:
    items = p.get("items")
    return {
        "county": p["county"], "method": p["method"], "total": p.get("total"),
        "items": json.dumps(items, ensure_ascii=False, sort_keys=True) if items is not None else None,
    }


def _adjudication(p: Row) -> Row:
    return {"county": p["county"], "item": p["item"], "score": p["score"], "reason": p["reason"]}


def _adjustment(p: Row) -> Row:
    return {"county": p["county"], "delta": p["delta"], "reason": p["reason"]}


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


# entity → (current table, payload → row)
ENTITIES: dict[str, tuple[Table, Callable[[Row], Row]]] = {
    "score": (_table(CurrentScore), _score),
    "finding": (_table(CurrentFinding), _finding),
    "method_score": (_table(CurrentMethodScore), _method_score),
    "adjudication": (_table(CurrentAdjudication), _adjudication),
    "adjustment": (_table(CurrentAdjustment), _adjustment),
}

_HEADS = text(
    "SELECT v.version_id, v.entity, v.deleted, v.payload FROM head h JOIN version v ON v.version_id = h.version_id "
    "WHERE h.record_id = :r ORDER BY v.hlc DESC, v.device_id DESC"
)


_SUPERSEDED = text("SELECT 1 FROM version_parent WHERE parent_id = :v LIMIT 1")


def head_rows(conn: Connection, record_id: str) -> list[tuple[str, str, bool, str]]:
    """The record's heads as (version_id, entity, deleted, payload), the provisional winner first."""
    return [(r[0], r[1], bool(r[2]), r[3]) for r in conn.execute(_HEADS, {"r": record_id})]


def heads(conn: Connection, record_id: str) -> list[str]:
    """The record's heads, the provisional winner first."""
    return [r[0] for r in head_rows(conn, record_id)]


def add_head(conn: Connection, record_id: str, version_id: str, parents: Iterable[str]) -> None:
    """Account for a version just inserted: it replaces its parents as a head, unless a
    version already present names it as a parent (it arrived late, in a merge)."""
    parents = list(parents)
    if parents:
        conn.execute(
            delete(_table(HeadRow)).where(
                _table(HeadRow).c.record_id == record_id, _table(HeadRow).c.version_id.in_(parents)
            )
        )
    superseded = conn.execute(_SUPERSEDED, {"v": version_id}).first()
    if superseded is None:
        conn.execute(insert(_table(HeadRow)).values(record_id=record_id, version_id=version_id))


def refresh(conn: Connection, record_id: str) -> None:
    """Rewrite the record's current row from its provisional winner."""
    winner = conn.execute(_HEADS, {"r": record_id}).first()
    if winner is None:
        return
    version_id, entity, deleted, payload = winner
    spec = ENTITIES.get(entity)
    if spec is None:
        return
    table, to_row = spec
    conn.execute(delete(table).where(table.c.record_id == record_id))
    if not deleted:
        conn.execute(insert(table).values(record_id=record_id, version_id=version_id, **to_row(json.loads(payload))))


def rebuild(conn: Connection) -> None:
    """Recompute heads and current tables from the versions alone."""
    conn.execute(delete(_table(HeadRow)))
    for table, _ in ENTITIES.values():
        conn.execute(delete(table))
    conn.execute(
        text(
            "INSERT INTO head(record_id, version_id) SELECT v.record_id, v.version_id FROM version v "
            "WHERE NOT EXISTS (SELECT 1 FROM version_parent p WHERE p.parent_id = v.version_id)"
        )
    )
    records = conn.execute(select(_table(HeadRow).c.record_id).distinct()).scalars().all()
    for record_id in records:
        refresh(conn, record_id)


def conflicted(conn: Connection) -> list[str]:
    """Records with more than one head."""
    return list(conn.execute(text("SELECT record_id FROM head GROUP BY record_id HAVING count(*) > 1")).scalars())


__all__ = ["ENTITIES", "add_head", "conflicted", "heads", "rebuild", "refresh"]
