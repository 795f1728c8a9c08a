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

from db import history_queries, integrity, snapshot, sync_queries, versions
from db import merge as merging
from db.errors import KnownDatabaseError
from desktop import paths
from desktop.services.changes import Changes
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
        records = sync_queries.own_records(src, old.identity.device_id)
    new = create_for(target, old.reference_campaign, role="field", inspector=old.identity.inspector, document=stored.document)
    try:
        with old.read() as src, new.write() as dst:
            signer = new.database.signer(paths.keys_dir(), dst)
            for record in records:
                current = projection.current(src, record.record_id)
                if current is None or current.deleted:
                    continue  # deleted: nothing to carry
                hashes = sync_queries.head_blob_hashes(src, record.record_id)
                for sha in hashes:
                    mime = blobs.mime(src, sha)
                    if mime is not None:
                        blobs.put_bytes(dst, b"".join(blobs.read(src, sha)), mime, sha)
                versions.put(dst, signer, entity=record.entity, record_id=record.record_id, payload=current.payload, blob_hashes=hashes)
    except BaseException:
        new.close()
        for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return new


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
    written: dt.datetime  # from its hybrid clock, local time
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
    return versions.written_at(hlc)  # local time: the lead reads it as the clock on the wall


def conflicts(ws: Workspace) -> list[Conflict]:
    """The open conflicts, hard ones first, then by county and item."""
    out = []
    with ws.read() as conn:
        for conflict in sync_queries.conflicts(conn):
            competing = tuple(
                CompetingVersion(
                    version_id=v.version_id, device_id=v.device_id, device_role=v.role, inspector=v.inspector, written=_written(v.hlc),
                    deleted=v.deleted, payload=json.loads(v.payload),
                )
                for v in sync_queries.competing_versions(conn, conflict.heads)
            )
            sample = competing[0].payload if competing else {}
            out.append(
                Conflict(
                    id=conflict.id, record_id=conflict.record_id, entity=conflict.entity, kind=conflict.kind, fields=conflict.fields,
                    county=str(sample.get("county", "")), item=str(sample.get("item", "")), versions=competing,
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


def resolve(ws: Workspace, conflict: str, keep: str, *, reason: str = "") -> versions.Version:
    """Settle a conflict by keeping one competing version: a new version, signed by the
    master, whose parents are all the heads. The others stay in the history; the lead's
    reason is kept beside the resolution on this master (history.versions_of shows it)."""
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
        current = sync_queries.conflict_heads(conn, chosen.record_id)
        if current is None or sorted(current) != sorted(v.version_id for v in chosen.versions):
            raise SyncError(ws.path, "the conflict changed while you decided (a merge came in); look at it again", "conflict_changed")
        written = versions.put(
            conn, signer, entity=chosen.entity, record_id=chosen.record_id, payload=version.payload, deleted=version.deleted
        )
        if written is not None and reason.strip():
            history_queries.note_resolution(conn, written.version_id, kept=kept, reason=reason.strip())
    if written is None:  # cannot happen with two heads; put only skips a write on one
        raise SyncError(ws.path, "nothing to resolve", "nothing")
    ws.reload_campaign()  # the conflict may have been over the lead's settings
    return written


__all__ = [
    "BatchReport", "Cancelled", "CompetingVersion", "Conflict", "Enroll", "Enrolment", "FileReport", "SyncError", "conflicts", "export",
    "merge",
    "merge_reports", "resolve", "version_count",
]


def resolution_changes(conflict: Conflict) -> Changes:
    """What keeping a version of this conflict changes: its record, and the conflicts."""
    return Changes(frozenset({conflict.entity}), frozenset({conflict.county}) if conflict.county else frozenset(), conflicts=True)


def enrolled_device(ws: Workspace, fingerprint: str) -> tuple[str, str, str | None] | None:
    """(device id, role, inspector) of the enrolled device with this key, or None."""
    with ws.read() as conn:
        device = sync_queries.device_by_fingerprint(conn, fingerprint)
    return (device.id, device.role, device.inspector) if device else None


def version_count(ws: Workspace) -> int:
    """How many versions the workspace's database holds (what a renewal wrote anew, on its new file)."""
    with ws.read() as conn:
        return sync_queries.version_count(conn)


def device_fingerprint(ws: Workspace) -> str:
    """This device's key fingerprint as read aloud when the lead enrols it ('79C4 893A …')."""
    from db.keys import show_fingerprint

    with ws.read() as conn:
        value = sync_queries.device_fingerprint(conn, ws.identity.device_id)
    return show_fingerprint(value or "")
