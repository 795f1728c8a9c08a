"""Who has synced (SPEC §6 `devices`): a device's role, and what the export numbers the
master has received say about the ones it has not.

A device numbers its exports 1, 2, 3… (db.manifest); a number below the highest received
and never received is a gap: an export that went somewhere else, or was lost on the way.
Each export is a whole snapshot, so a later one carries what a missing one held; the gap
says that the lead never saw that file, not that work is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class DeviceRole(StrEnum):
    """What the lead enrolled a device as (SPEC §4): an inspector's laptop, or a lead's desk."""

    FIELD = "field"
    MASTER = "master"


def gaps(numbers: Iterable[int]) -> tuple[int, ...]:
    """The export numbers from 1 to the highest received that were never received
    (1, 2, 4 → (3,); none received → ()). Numbers below 1 (a database merged as a file,
    which has no number) say nothing."""
    received = {n for n in numbers if n >= 1}
    if not received:
        return ()
    return tuple(n for n in range(1, max(received) + 1) if n not in received)


@dataclass(frozen=True)
class ExportHistory:
    """What a master received of one device's exports."""

    exports: int  # distinct export numbers whose whole content is in the master
    last_export: int | None  # the highest of them; None when none (nothing, or only database files)
    gaps: tuple[int, ...]


def export_history(merged: Iterable[int], replayed: Iterable[int] = ()) -> ExportHistory:
    """From the numbers of the exports merged and of those offered later than a newer one
    and found to hold nothing new (their content was all there already: received as well)."""
    received = {n for n in (*merged, *replayed) if n >= 1}
    return ExportHistory(len(received), max(received) if received else None, gaps(received))


def shown_time(iso: str | None, *, seconds: bool = False) -> str:
    """A stored time as every face shows it: one with an offset (what the program stamps, in
    UTC) as this computer's local time, one without (a camera's clock) as it was written, to
    the minute or the second; "" for none, the text itself for text that is no time."""
    if not iso:
        return ""
    try:
        parsed = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone()
    return parsed.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def moment(iso: str | None) -> dt.datetime | None:
    """A stored ISO 8601 time (UTC, '+00:00' or 'Z') as this computer's local time with its
    offset; a time stored without an offset is taken as UTC. None for none, or for text
    that is no time (a record another build wrote: shown as unknown, not a crash)."""
    if not iso:
        return None
    try:
        parsed = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone()
