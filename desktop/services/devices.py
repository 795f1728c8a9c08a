"""Who has synced, read from a master (SPEC §6 `devices`, the lead's 设备 tab): every
enrolled device with its exports merged, the last one's number and time, the gaps in its
numbering, and the counties and items its work names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from db import revocation, team
from desktop.core import devices
from desktop.core.campaign import County
from desktop.core.devices import DeviceRole
from desktop.services.workspace import Workspace


@dataclass(frozen=True)
class DeviceStatus:
    """One enrolled device as the master knows it."""

    device_id: str
    role: DeviceRole
    inspector: str | None  # None: a lead's desk
    fingerprint: str  # hex SHA-256 of its public key (db.keys.show_fingerprint reads it aloud)
    enrolled_at: dt.datetime | None  # local time
    exports: int  # its exports whose whole content is here (merged, or offered later and found all present)
    last_export: int | None  # the highest of them; None: none (nothing merged, or only its database as a file)
    last_merged_at: dt.datetime | None  # local time with its offset, of the latest file of it merged; None: never
    database_files: int  # its database merged as a file (no manifest, no number)
    gaps: tuple[int, ...]  # export numbers below the last one never received
    counties: tuple[County, ...]  # the counties its versions name, in the campaign's order
    items: int  # the county items its versions name
    this_device: bool  # the database's own device
    revoked: bool = False  # the lead revoked it (a lost laptop): its later files are refused, its work merged stays
    revoked_at: dt.datetime | None = None  # local time it was revoked (None: not revoked, or not known)
    revoked_after: int | None = None  # the last export number merged before the revocation: later ones are refused

    def since(self, now: dt.datetime | None = None) -> dt.timedelta | None:
        """How long ago its latest file was merged (None: never)."""
        if self.last_merged_at is None:
            return None
        return (now or dt.datetime.now(dt.UTC)) - self.last_merged_at


def device_statuses(ws: Workspace) -> list[DeviceStatus]:
    """Every enrolled device: the leads' desks first, then the laptops by inspector."""
    with ws.read() as conn:
        enrolled = team.enrolled_devices(conn)
        merged = team.merged_files(conn)
        replayed = team.replayed_exports(conn)
        work = team.device_work(conn)
        revoked = revocation.revocations(conn)
    numbers: dict[str, list[int]] = defaultdict(list)
    files: dict[str, int] = defaultdict(int)
    latest: dict[str, dt.datetime] = {}
    for f in merged:
        if f.export_number > 0:
            numbers[f.device_id].append(f.export_number)
        else:
            files[f.device_id] += 1
        when = devices.moment(f.merged_at)
        if when is not None and (f.device_id not in latest or when > latest[f.device_id]):
            latest[f.device_id] = when
    again: dict[str, list[int]] = defaultdict(list)
    for r in replayed:
        again[r.device_id].append(r.export_number)
    counties: dict[str, set[str]] = defaultdict(set)
    items: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for w in work:
        counties[w.device_id].add(w.county)
        if w.item is not None:
            items[w.device_id].add((w.county, w.item))
    campaign_counties = ws.campaign.counties
    out = []
    for d in enrolled:
        history = devices.export_history(numbers[d.id], again[d.id])
        out.append(DeviceStatus(
            d.id, DeviceRole(d.role), d.inspector, d.fingerprint, devices.moment(d.enrolled_at),
            history.exports, history.last_export, latest.get(d.id), files[d.id], history.gaps,
            tuple(c for c in campaign_counties if c.code in counties[d.id]), len(items[d.id]), d.id == ws.identity.device_id,
            *_revoked(revoked.get(d.id)),
        ))
    return sorted(out, key=lambda s: (s.role is not DeviceRole.MASTER, s.inspector or "", s.device_id))


def _revoked(found: revocation.Revocation | None) -> tuple[bool, dt.datetime | None, int | None]:
    if found is None:
        return False, None, None
    return True, devices.moment(found.at), found.last_export
