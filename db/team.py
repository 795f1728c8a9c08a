"""The reads of what the team's devices brought to a master, as typed rows.

Who is enrolled (`device`), which of their files were merged and when (`import_log`: one
row per file merged, export number 0 for a database merged as a file), which older
exports were offered and found to hold nothing new (the kept merge reports: such a file
writes no import_log row), and which counties and items each device's versions name.
Each function takes the caller's connection and returns frozen rows with the values as
stored (times as ISO 8601 text); what they mean is the services' and the core's work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, text

from db.queries import named


@dataclass(frozen=True)
class DeviceRow:
    """An enrolled device as the registry holds it."""

    id: str
    role: str
    inspector: str | None
    fingerprint: str  # hex SHA-256 of the public key
    enrolled_at: str


@dataclass(frozen=True)
class MergedFile:
    """A file of a device merged here."""

    device_id: str
    export_number: int  # 0: a database merged as a file (no manifest, no number)
    merged_at: str


@dataclass(frozen=True)
class ReplayedExport:
    """An export of a device offered after a newer one and found to hold nothing new."""

    device_id: str
    export_number: int


@dataclass(frozen=True)
class DeviceWork:
    """A county (and item) that versions signed by a device name."""

    device_id: str
    county: str
    item: str | None  # None: a record of the whole county (an adjustment, a method's total, a signature)


_DEVICES = text("SELECT id, role, inspector, fingerprint, enrolled_at FROM device ORDER BY id")
_MERGED = text("SELECT device_id, export_number, merged_at FROM import_log ORDER BY id")
_REPORTS = text("SELECT detail FROM merge_report WHERE dry_run = :dry ORDER BY id")


def enrolled_devices(conn: Connection) -> list[DeviceRow]:
    return named(DeviceRow, conn.execute(_DEVICES))


def merged_files(conn: Connection) -> list[MergedFile]:
    """Every file merged here, in the order merged."""
    return named(MergedFile, conn.execute(_MERGED))


def replayed_exports(conn: Connection) -> list[ReplayedExport]:
    """The exports a merge (not a dry run) found to hold nothing new, by the batch reports
    kept. A report's detail another build wrote differently is skipped, as db.merge does."""
    out = []
    for (detail,) in conn.execute(_REPORTS, {"dry": False}):
        try:
            files = json.loads(detail)
            for f in files:
                number = f.get("export_number", 0)
                if f.get("status") == "nothing-new" and isinstance(number, int) and number > 0 and f.get("device_id"):
                    out.append(ReplayedExport(str(f["device_id"]), number))
        except (ValueError, TypeError, AttributeError):
            continue
    return out


def _payload_field(conn: Connection, name: str) -> str:
    # the payload is canonical JSON text on both backends (db.projection reads it so too)
    if conn.dialect.name == "postgresql":
        return f"(payload::json ->> '{name}')"
    return f"json_extract(payload, '$.{name}')"


def device_work(conn: Connection) -> list[DeviceWork]:
    """Each device's distinct (county, item) pairs over every version it signed, deleted
    ones included (a tombstone is work brought too); versions naming no county (the lead's
    campaign settings) are left out."""
    county, item = _payload_field(conn, "county"), _payload_field(conn, "item")
    return named(DeviceWork, conn.execute(text(
        f"SELECT device_id, {county} AS county, {item} AS item FROM version "
        f"WHERE {county} IS NOT NULL GROUP BY device_id, {county}, {item}"
    )))
