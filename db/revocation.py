"""A lost device, revoked by the lead (issue 21): its later files are refused, its merged
work stays.

Where a revocation lives: in the master's own state (`local_state`, a row per device,
`revoked:<device id>`), not as a signed version. SYNC.md makes the registry of enrolled
devices the master's own ("the master keeps a registry"; the `device` table is never a
version, never merged), and the refusal of a file happens at the master's intake, the same
place an unknown device is refused: a revocation is the inverse of an enrolment and lives
beside it. A version would travel to every laptop (which never takes a laptop's file, so has
nothing to refuse) and would need an entity, an admission rule and a projection for what is
one master's decision about its intake. What this costs: a second lead's desk on a SQLite
file of its own must revoke the device too (a PostgreSQL master is one database: every desk
on it sees the revocation at once).

What "later" means: the device's export numbers (db.manifest) and version numbers (`seq`),
not its clock. A thief holding the laptop holds its key and sets its clock as they like, but
cannot make the master forget which exports and versions it had when the lead revoked the
device. So a revocation keeps the highest export number and the highest version number of
the device held then: an export numbered above it, or a file carrying a version of the
device numbered above it (whoever exported it), is refused. An export made before the loss
but not merged yet is refused too: merge what you trust of the device before revoking it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, text

from db import local

PREFIX = "revoked:"

_ALL = text("SELECT key, value FROM local_state WHERE key LIKE :p")
_LAST_EXPORT = text("SELECT coalesce(max(number), 0) FROM manifest WHERE device_id = :d")
_LAST_SEQ = text("SELECT coalesce(max(seq), 0) FROM version WHERE device_id = :d")


@dataclass(frozen=True)
class Revocation:
    device_id: str
    at: str  # ISO 8601, UTC
    by: str | None  # the desk (login@computer) that revoked it
    last_export: int  # the device's highest export number held when it was revoked (0: none)
    last_seq: int  # its highest version number held then (0: none)

    def refuses_export(self, number: int) -> bool:
        return number > self.last_export

    def refuses_seq(self, seq: int) -> bool:
        return seq > self.last_seq


def revoke(conn: Connection, device_id: str, *, at: str, by: str | None) -> tuple[Revocation, bool]:
    """Revoke a device (in the caller's transaction): the revocation, and whether it is new
    (a device revoked before keeps its first revocation)."""
    held = revocations(conn).get(device_id)
    if held is not None:
        return held, False
    made = Revocation(
        device_id, at, by, int(conn.execute(_LAST_EXPORT, {"d": device_id}).scalar_one()),
        int(conn.execute(_LAST_SEQ, {"d": device_id}).scalar_one()),
    )
    local.put(conn, PREFIX + device_id, json.dumps(
        {"at": made.at, "by": made.by, "last_export": made.last_export, "last_seq": made.last_seq}, sort_keys=True,
    ))
    return made, True


def revocations(conn: Connection) -> dict[str, Revocation]:
    """Every revoked device of this database: device id → its revocation."""
    out = {}
    for key, value in conn.execute(_ALL, {"p": PREFIX + "%"}):
        device_id = str(key)[len(PREFIX):]
        try:
            body = json.loads(value)
            out[device_id] = Revocation(
                device_id, str(body["at"]), body.get("by"), int(body["last_export"]), int(body["last_seq"]),
            )
        except (ValueError, KeyError, TypeError):
            # a row this program did not write: the device counts as revoked from the start
            out[device_id] = Revocation(device_id, "", None, 0, 0)
    return out


__all__ = ["PREFIX", "Revocation", "revocations", "revoke"]
