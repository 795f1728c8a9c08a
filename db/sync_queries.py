"""The reads of the sync's own tables as typed rows: the devices, the open conflicts and
their competing versions, and what a laptop's renewal carries (its device's records and
the blobs their heads name).

As in db.queries: each function takes the caller's connection, runs queries that work on
SQLite and PostgreSQL alike, and returns frozen rows whose fields are filled by column
name. Values are as stored, except the JSON lists of ids (a conflict's heads and fields, a
version's blob hashes), which come decoded, and the deleted flag, a bool on both backends.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, text

from db.queries import named


@dataclass(frozen=True)
class DeviceRow:
    """An enrolled device: its id, role (master or field) and inspector (none on a master)."""

    id: str
    role: str
    inspector: str | None


_DEVICE_BY_FINGERPRINT = text("SELECT id, role, inspector FROM device WHERE fingerprint = :f")
_DEVICE_BY_ID = text("SELECT id, role, inspector FROM device WHERE id = :d")
_FINGERPRINT = text("SELECT fingerprint FROM device WHERE id = :d")


def device_by_fingerprint(conn: Connection, fingerprint: str) -> DeviceRow | None:
    """The enrolled device with this key fingerprint, if any."""
    found = named(DeviceRow, conn.execute(_DEVICE_BY_FINGERPRINT, {"f": fingerprint}))
    return found[0] if found else None


def device_by_id(conn: Connection, device_id: str) -> DeviceRow | None:
    """The device enrolled here with this id, if any."""
    found = named(DeviceRow, conn.execute(_DEVICE_BY_ID, {"d": device_id}))
    return found[0] if found else None


def device_fingerprint(conn: Connection, device_id: str) -> str | None:
    """A device's key fingerprint as stored (hex), None for a device not enrolled here."""
    row = conn.execute(_FINGERPRINT, {"d": device_id}).first()
    return None if row is None else str(row.fingerprint)


@dataclass(frozen=True)
class ConflictRow:
    """An open conflict over a record: soft (merged field by field) or hard (a person decides)."""

    id: str
    record_id: str
    entity: str
    kind: str
    heads: tuple[str, ...]  # the competing versions' ids
    fields: tuple[str, ...]  # the fields they disagree on


_CONFLICTS = text("SELECT id, record_id, entity, kind, heads, fields FROM conflict")
_CONFLICT_HEADS = text("SELECT heads FROM conflict WHERE record_id = :r")


def conflicts(conn: Connection) -> list[ConflictRow]:
    """Every open conflict, in no particular order."""
    return [
        ConflictRow(r.id, r.record_id, r.entity, r.kind, tuple(json.loads(r.heads)), tuple(json.loads(r.fields)))
        for r in conn.execute(_CONFLICTS)
    ]


def conflict_heads(conn: Connection, record_id: str) -> tuple[str, ...] | None:
    """The competing versions of a record's open conflict as they are now; None when it has none."""
    heads = conn.execute(_CONFLICT_HEADS, {"r": record_id}).scalar()
    return None if heads is None else tuple(json.loads(heads))


@dataclass(frozen=True)
class CompetingRow:
    """A version in a conflict, with the role and inspector of the device that signed it."""

    version_id: str
    device_id: str
    role: str
    inspector: str | None
    hlc: int
    deleted: bool
    payload: str  # canonical JSON


_COMPETING = text(
    "SELECT v.version_id, v.device_id, d.role, d.inspector, v.hlc, v.deleted, v.payload FROM version v "
    "JOIN device d ON d.id = v.device_id WHERE v.version_id IN :ids ORDER BY v.hlc DESC, v.device_id DESC"
).bindparams(bindparam("ids", expanding=True))


def competing_versions(conn: Connection, version_ids: Sequence[str]) -> list[CompetingRow]:
    """These versions (a conflict's few heads), the latest first by hybrid clock, then device: the
    provisional winner first."""
    rows = conn.execute(_COMPETING, {"ids": list(version_ids)})
    return [CompetingRow(r.version_id, r.device_id, r.role, r.inspector, int(r.hlc), bool(r.deleted), r.payload) for r in rows]


@dataclass(frozen=True)
class OwnRecord:
    record_id: str
    entity: str


_OWN_RECORDS = text("SELECT DISTINCT record_id, entity FROM version WHERE device_id = :d ORDER BY record_id")
_HEAD_BLOBS = text(
    "SELECT v.blob_hashes FROM head h JOIN version v ON v.version_id = h.version_id WHERE h.record_id = :r "
    "ORDER BY v.hlc DESC, v.device_id DESC LIMIT 1"
)


def version_count(conn: Connection) -> int:
    """How many versions the database holds, of every device."""
    return int(conn.execute(text("SELECT count(*) FROM version")).scalar_one())


def own_records(conn: Connection, device_id: str) -> list[OwnRecord]:
    """Every record a device wrote a version of, by record id."""
    return named(OwnRecord, conn.execute(_OWN_RECORDS, {"d": device_id}))


def head_blob_hashes(conn: Connection, record_id: str) -> list[str]:
    """The blobs the record's latest head names (none for a record never written)."""
    hashes = conn.execute(_HEAD_BLOBS, {"r": record_id}).scalar()
    return list(json.loads(hashes)) if hashes else []
