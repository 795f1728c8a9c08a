"""This file's own state (`local_state`): role, device, campaign, clocks. Never merged."""

from __future__ import annotations

import time

from sqlalchemy import Connection, text

ROLE = "role"
DEVICE = "device_id"
CAMPAIGN = "campaign_id"
INSPECTOR = "inspector"
HLC = "hlc"
SEQ = "seq"


# Statements built once: building a text() clause costs more than running it.
_GET = text("SELECT value FROM local_state WHERE key = :k")
_PUT = text("INSERT INTO local_state(key, value) VALUES (:k, :v) ON CONFLICT(key) DO UPDATE SET value = excluded.value")


def get(conn: Connection, key: str) -> str | None:
    return conn.execute(_GET, {"k": key}).scalar()


def put(conn: Connection, key: str, value: str) -> None:
    conn.execute(_PUT, {"k": key, "v": value})


def next_seq(conn: Connection) -> int:
    """The device's next sequence number: 1, 2, 3… with no gaps inside one file."""
    seq = int(get(conn, SEQ) or 0) + 1
    put(conn, SEQ, str(seq))
    return seq


def tick(conn: Connection, *, now_ms: int | None = None) -> int:
    """Advance the hybrid logical clock: wall-clock milliseconds << 16 | a counter.

    It never goes backwards, even when the laptop's clock does; it orders versions for
    display and breaks ties. It never decides that two edits were concurrent: parents do.
    """
    wall = (time.time_ns() // 1_000_000 if now_ms is None else now_ms) << 16
    value = max(wall, int(get(conn, HLC) or 0) + 1)
    put(conn, HLC, str(value))
    return value


def observe(conn: Connection, seen: int) -> None:
    """Let the clock learn of a later time seen in merged versions."""
    if seen > int(get(conn, HLC) or 0):
        put(conn, HLC, str(seen))
