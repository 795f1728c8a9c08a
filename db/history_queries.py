"""The reads of a record's history: every version of a record with who wrote it, and the
records whose current version is a tombstone (the recycle bin). Typed rows with named
fields, on SQLite and PostgreSQL alike; the payloads decoded."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, text

from db import canonical, local, queries


@dataclass(frozen=True)
class VersionRow:
    """One version of a record, with the device that signed it."""

    version_id: str
    record_id: str
    entity: str
    device_id: str
    role: str
    inspector: str | None
    hlc: int
    deleted: bool
    payload: dict[str, Any]
    parents: tuple[str, ...]


@dataclass(frozen=True)
class TombstoneRow:
    """A record whose one current version deletes it."""

    record_id: str
    entity: str
    version_id: str  # the tombstone
    device_id: str
    inspector: str | None  # who deleted it (the device's inspector; None: the lead)
    hlc: int


_VERSIONS = text(
    "SELECT v.version_id, v.record_id, v.entity, v.device_id, d.role, d.inspector, v.hlc, v.deleted, v.payload "
    "FROM version v JOIN device d ON d.id = v.device_id WHERE v.record_id = :r ORDER BY v.hlc, v.device_id"
)
_PARENTS = text(
    "SELECT p.version_id, p.parent_id FROM version_parent p JOIN version v ON v.version_id = p.version_id "
    "WHERE v.record_id = :r ORDER BY p.parent_id"
)
_TOMBSTONES = text(
    "SELECT h.record_id, v.entity, v.version_id, v.device_id, d.inspector, v.hlc FROM head h "
    "JOIN version v ON v.version_id = h.version_id JOIN device d ON d.id = v.device_id "
    "WHERE v.deleted = :yes AND v.entity IN :entities "
    "AND NOT EXISTS (SELECT 1 FROM head o WHERE o.record_id = h.record_id AND o.version_id <> h.version_id) "
    "ORDER BY v.hlc DESC"
).bindparams(bindparam("entities", expanding=True))


def record_versions(conn: Connection, record_id: str) -> list[VersionRow]:
    """Every version of the record, oldest first (by hybrid logical clock)."""
    parents: dict[str, list[str]] = {}
    for row in conn.execute(_PARENTS, {"r": record_id}):
        parents.setdefault(row.version_id, []).append(row.parent_id)
    return [
        VersionRow(
            r.version_id, r.record_id, r.entity, r.device_id, r.role, r.inspector, int(r.hlc), bool(r.deleted),
            json.loads(r.payload), tuple(parents.get(r.version_id, ())),
        )
        for r in conn.execute(_VERSIONS, {"r": record_id})
    ]


def tombstones(conn: Connection, entities: Sequence[str]) -> list[TombstoneRow]:
    """The records of these kinds deleted now (their one head a tombstone), the latest first."""
    return queries.named(TombstoneRow, conn.execute(_TOMBSTONES, {"yes": True, "entities": list(entities)}))


# A conflict's resolution is a version like any other (signed, merged everywhere); the lead's
# reason for it is this master's note beside it, under a key of the file's own state.
_NOTE = "resolution:"


def note_resolution(conn: Connection, version_id: str, *, kept: str, reason: str) -> None:
    local.put(conn, _NOTE + version_id, canonical.dumps({"kept": kept, "reason": reason}))


def resolution_notes(conn: Connection, version_ids: Sequence[str]) -> dict[str, str]:
    """The lead's reasons for the resolutions among these versions, by version."""
    notes = {}
    for version_id in version_ids:
        found = local.get(conn, _NOTE + version_id)
        if found:
            notes[version_id] = str(json.loads(found).get("reason", ""))
    return notes


_FILED = text("SELECT DISTINCT inspector, sha256 FROM current_evidence WHERE county IS NOT NULL")


def filed_photos(conn: Connection) -> set[tuple[str, str]]:
    """(inspector, sha256) of every file filed under an item now (the inbox's are under none)."""
    return {(r.inspector, r.sha256) for r in conn.execute(_FILED)}


def last_live(conn: Connection, record_id: str) -> VersionRow | None:
    """The latest version of the record that does not delete it (what a restore brings back)."""
    live = [v for v in record_versions(conn, record_id) if not v.deleted]
    return live[-1] if live else None
