"""This file's own state (`local_state`): role, device, campaign, clocks. Never merged."""

from __future__ import annotations

import time

from sqlalchemy import Connection, text

from db import admission, peek

Identity = peek.Identity  # who writes in this file (read first by the start: db.peek)

ROLE, DEVICE, CAMPAIGN, INSPECTOR = peek.ROLE, peek.DEVICE, peek.CAMPAIGN, peek.INSPECTOR
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


# A clock further ahead of the wall clock than this was set by a wrong clock (since
# corrected): the next stamp starts again from the wall clock.
BOUND_MS = admission.CLOCK_BOUND_MS


def identity(conn: Connection) -> Identity:
    rows = conn.execute(_IDENTITY).all()
    campaign = peek.campaign_of(rows)
    return peek.identity_of(rows, conn.execute(_CAMPAIGN_KEY, {"c": campaign}).scalar(), campaign)


_IDENTITY = text(peek.IDENTITY)
_CAMPAIGN_KEY = text(peek.CAMPAIGN_KEY)


def tick(conn: Connection, *, now_ms: int | None = None) -> int:
    """Advance the hybrid logical clock: wall-clock milliseconds << 16 | a counter.

    It never goes backwards while the laptop's clock stays within a week of it; it orders
    versions for display and breaks ties. It never decides that two edits were concurrent:
    parents do. A stored clock more than a week ahead of the wall clock came from a clock
    that was wrong and has been put right: the next stamp starts from the wall clock again,
    so the laptop's new work is not refused for the old mistake.
    """
    now = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    wall = now << 16
    stored = int(get(conn, HLC) or 0)
    value = wall if stored > (now + BOUND_MS) << 16 else max(wall, stored + 1)
    put(conn, HLC, str(value))
    return value


def observe(conn: Connection, seen: int, *, now_ms: int | None = None) -> None:
    """Let the clock learn of a later time seen in merged versions, but never of one past
    its own time plus the bound (a wrong clock elsewhere must not drag this one along)."""
    now = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    seen = min(seen, (now + BOUND_MS) << 16)
    if seen > int(get(conn, HLC) or 0):
        put(conn, HLC, str(seen))
