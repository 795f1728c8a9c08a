"""Export for the USB stick, merge into the master (and back), conflicts and their resolution.

The data layer (db.snapshot, db.merge, db.projection) does the work; this module adds
where things live on this computer (keys, quarantine, backups), who may do what, and
the conflicts as a person reads them: which record, whose versions, when, what values.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, text

from db import integrity, snapshot, versions
from db import merge as merging
from db.errors import KnownDatabaseError
from desktop import paths
from desktop.services.workspace import Workspace, create_for

Cancelled = merging.Cancelled
FileReport = merging.FileReport
BatchReport = merging.BatchReport
Enrolment = merging.Enrolment
Enroll = merging.Enroll


class SyncError(KnownDatabaseError):
    """A request the database cannot carry out as asked; `code` says which, for the GUI:
    unknown (no such conflict or version), ambiguous (a prefix naming several), not_master,
    conflict_changed (a merge came in while the lead decided), nothing."""

    def __init__(self, path: str | Path, message: str, code: str = "unknown") -> None:
        self.code = code
        super().__init__(path, message)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def export(ws: Workspace, out: Path) -> snapshot.Snapshot:
    """A signed, verified snapshot of the workspace's database at `out`."""
    with ws.read() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
    return snapshot.export(ws.database, signer, out, created=_now())


def merge(
    ws: Workspace,
    files: Sequence[Path],
    *,
    enroll: merging.Enroll = False,
    dry_run: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    now: str | None = None,
) -> list[FileReport]:
    """Merge exported files into the workspace's database as one batch; see db.merge.

    `cancelled()` turning true at any point before the end rolls the whole batch back:
    `Cancelled` is raised and the database is exactly as it was (versions, blobs, devices,
    import log, the kept reports). The batch's report is kept (`merge_reports`)."""
    reports = merging.merge(
        ws.database,
        files,
        max_file_bytes=_max_import_bytes(),
        quarantine_dir=paths.data_dir() / "quarantine",
        backup_dir=paths.data_dir() / "backups",
        enroll=enroll,
        dry_run=dry_run,
        progress=progress,
        cancelled=cancelled,
        now=now,
    )
    if not dry_run:
        ws.reload_campaign()  # the lead's settings may have come with the master's export
    return reports


def _max_import_bytes() -> int:
    """The largest file merged: YANSHOU_MAX_IMPORT_MB, else the data layer's default."""
    given = os.environ.get("YANSHOU_MAX_IMPORT_MB", "").strip()
    return int(given) * 1024 * 1024 if given.isdigit() and int(given) > 0 else merging.MAX_FILE_BYTES


def renew(old: Workspace, target: Path) -> Workspace:
    """A new database for this laptop, from a new device, carrying its inspector's current
    work written anew: stamped by this computer's clock (which must now be right) and signed
    by the new key. The way out for a laptop whose clock was wrong when it wrote (the master
    refuses versions stamped over a week ahead, and every export carries them): the old file
    is kept as it was; the new one is exported and accepted as the inspector's laptop."""
    from db import blobs, projection, reference

    if old.identity.role != "field" or not old.identity.inspector:
        raise SyncError(old.path, "only a field laptop's database is renewed", "not_field")
    with old.read() as src:
        stored = reference.load(src, old.identity.campaign_id)
        assert stored is not None and old.reference_campaign is not None
        rows = src.execute(_OWN_RECORDS, {"d": old.identity.device_id}).all()
    new = create_for(target, old.reference_campaign, role="field", inspector=old.identity.inspector, document=stored.document)
    try:
        with old.read() as src, new.write() as dst:
            signer = new.database.signer(paths.keys_dir(), dst)
            for record_id, entity in rows:
                current = projection.current(src, record_id)
                if current is None or current[1]:
                    continue  # deleted: nothing to carry
                hashes = json.loads(src.execute(_HEAD_BLOBS, {"r": record_id}).scalar() or "[]")
                for sha in hashes:
                    mime = src.execute(text("SELECT mime FROM blob WHERE sha256 = :h"), {"h": sha}).scalar()
                    if mime is not None:
                        blobs.put_bytes(dst, b"".join(blobs.read(src, sha)), mime, sha)
                versions.put(dst, signer, entity=entity, record_id=record_id, payload=current[0], blob_hashes=hashes)
    except BaseException:
        new.close()
        for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return new


_OWN_RECORDS = text("SELECT DISTINCT record_id, entity FROM version WHERE device_id = :d ORDER BY record_id")
_HEAD_BLOBS = text(
    "SELECT v.blob_hashes FROM head h JOIN version v ON v.version_id = h.version_id WHERE h.record_id = :r "
    "ORDER BY v.hlc DESC, v.device_id DESC LIMIT 1"
)


def check_state(ws: Workspace) -> integrity.ProjectionReport:
    """The stored current state against a rebuild from the versions alone (db.integrity)."""
    return integrity.check_projection(ws.database)


def merge_reports(ws: Workspace) -> list[BatchReport]:
    """The reports of past merges and dry runs kept in the database (its `merge_report`
    table), the latest first; those of a version-1 file too, moved there by its upgrade."""
    return merging.stored_reports(ws.database)


@dataclass(frozen=True)
class CompetingVersion:
    version_id: str
    device_id: str
    device_role: str
    inspector: str | None  # of the device that signed it
    written: dt.datetime  # from its hybrid clock, UTC
    deleted: bool
    payload: dict[str, Any]


@dataclass(frozen=True)
class Conflict:
    id: str
    record_id: str
    entity: str
    kind: str  # soft: merged field by field, still listed; hard: a person decides
    fields: tuple[str, ...]
    county: str
    item: str
    versions: tuple[CompetingVersion, ...]  # the provisional winner first


def _written(hlc: int) -> dt.datetime:
    return dt.datetime.fromtimestamp((hlc >> 16) / 1000, dt.UTC)


_COMPETING = text(
    "SELECT v.version_id, v.device_id, d.role, d.inspector, v.hlc, v.deleted, v.payload FROM version v "
    "JOIN device d ON d.id = v.device_id WHERE v.version_id IN :h ORDER BY v.hlc DESC, v.device_id DESC"
).bindparams(bindparam("h", expanding=True))


def conflicts(ws: Workspace) -> list[Conflict]:
    """The open conflicts, hard ones first, then by county and item."""
    out = []
    with ws.read() as conn:
        rows = conn.execute(text("SELECT id, record_id, entity, kind, heads, fields FROM conflict")).all()
        for cid, record_id, entity, kind, heads, fields in rows:
            competing = []
            for r in conn.execute(_COMPETING, {"h": json.loads(heads)}):
                competing.append(CompetingVersion(r[0], r[1], r[2], r[3], _written(r[4]), bool(r[5]), json.loads(r[6])))
            sample = competing[0].payload if competing else {}
            out.append(
                Conflict(
                    cid, record_id, entity, kind, tuple(json.loads(fields)), str(sample.get("county", "")), str(sample.get("item", "")),
                    tuple(competing),
                )
            )
    order = {c.code: i for i, c in enumerate(ws.campaign.counties)}
    return sorted(out, key=lambda c: (c.kind != "hard", order.get(c.county, len(order)), c.item, c.entity, c.id))


def _unique(prefix: str, candidates: Sequence[str], what: str, path: Path) -> str:
    prefix = prefix.strip().lower()
    found = [c for c in candidates if c.startswith(prefix)] if prefix else []
    if not found:
        raise SyncError(path, f"no {what} starts with {prefix!r}")
    if len(found) > 1:
        raise SyncError(path, f"{prefix!r} names {len(found)} {what}s; give more characters", "ambiguous")
    return found[0]


def resolve(ws: Workspace, conflict: str, keep: str) -> versions.Version:
    """Settle a conflict by keeping one competing version: a new version, signed by the
    master, whose parents are all the heads. The others stay in the history."""
    if ws.identity.role != "master":
        raise SyncError(
            ws.path, "only the lead's master database resolves conflicts; on a laptop, edit the record to settle it", "not_master"
        )
    open_ = {c.id: c for c in conflicts(ws)}
    chosen = open_[_unique(conflict, sorted(open_), "open conflict", ws.path)]
    kept = _unique(keep, [v.version_id for v in chosen.versions], "competing version of this conflict", ws.path)
    version = next(v for v in chosen.versions if v.version_id == kept)
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        current = conn.execute(text("SELECT heads FROM conflict WHERE record_id = :r"), {"r": chosen.record_id}).scalar()
        if current is None or sorted(json.loads(current)) != sorted(v.version_id for v in chosen.versions):
            raise SyncError(ws.path, "the conflict changed while you decided (a merge came in); look at it again", "conflict_changed")
        written = versions.put(
            conn, signer, entity=chosen.entity, record_id=chosen.record_id, payload=version.payload, deleted=version.deleted
        )
    if written is None:  # cannot happen with two heads; put only skips a write on one
        raise SyncError(ws.path, "nothing to resolve", "nothing")
    ws.reload_campaign()  # the conflict may have been over the lead's settings
    return written


__all__ = [
    "BatchReport", "Cancelled", "CompetingVersion", "Conflict", "Enroll", "Enrolment", "FileReport", "SyncError", "conflicts", "export",
    "merge",
    "merge_reports", "resolve",
]


def enrolled_device(ws: Workspace, fingerprint: str) -> tuple[str, str, str | None] | None:
    """(device id, role, inspector) of the enrolled device with this key, or None."""
    with ws.read() as conn:
        row = conn.execute(text("SELECT id, role, inspector FROM device WHERE fingerprint = :f"), {"f": fingerprint}).first()
    return (row[0], row[1], row[2]) if row else None


def device_fingerprint(ws: Workspace) -> str:
    """This device's key fingerprint as read aloud when the lead enrols it ('79C4 893A …')."""
    from db.keys import show_fingerprint

    with ws.read() as conn:
        value = conn.execute(text("SELECT fingerprint FROM device WHERE id = :d"), {"d": ws.identity.device_id}).scalar()
    return show_fingerprint(value or "")
