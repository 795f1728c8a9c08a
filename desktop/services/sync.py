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
from typing import TYPE_CHECKING, Any

from db import history_queries, integrity, receivers, revocation, seal, snapshot, sync_queries, team, versions
from db import merge as merging
from db.errors import KnownDatabaseError
from db.manifest import Manifest
from desktop import paths
from desktop.services import protection
from desktop.services.changes import Changes
from desktop.services.workspace import Workspace, create_for

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
    from sqlalchemy import Connection

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


@dataclass(frozen=True)
class Exported:
    """An export written: the snapshot (`sealed_for`: whom it was sealed for, empty when it is
    in the clear), why it is in the clear, and who of its receivers cannot open it."""

    snapshot: snapshot.Snapshot
    # why it went unsealed: no_master_key (a laptop that has not merged the lead's export yet),
    # no_laptop_key (a master none of whose laptops has sent its key yet), asked (written in the
    # clear by choice, for a receiver not enrolled yet); "" when sealed
    unsealed: str = ""
    without_key: tuple[str, ...] = ()  # enrolled laptops that cannot open it: their key is not known here yet
    revoked: tuple[str, ...] = ()  # revoked devices, never sealed for

    @property
    def sealed(self) -> bool:
        return bool(self.snapshot.sealed_for)

    @property
    def sealed_for(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.snapshot.sealed_for)

    # what a caller of the snapshot reads, here as well
    @property
    def path(self) -> Path:
        return self.snapshot.path

    @property
    def size(self) -> int:
        return self.snapshot.size

    @property
    def sha256(self) -> str:
        return self.snapshot.sha256

    @property
    def versions(self) -> int:
        return self.snapshot.versions

    @property
    def blobs(self) -> int:
        return self.snapshot.blobs

    @property
    def manifest(self) -> Manifest:
        return self.snapshot.manifest


def export(ws: Workspace, out: Path, *, sealed: bool = True) -> Exported:
    """A signed, verified snapshot of the workspace's database at `out`, sealed for its
    receivers (db.receivers: a laptop's for the lead's master, the master's for its enrolled
    laptops) when this database knows their keys, in the clear (and saying so) when it knows
    none. Its manifest announces this device's own encryption key, made at its first export.

    `sealed=False` writes it in the clear by choice: for a receiver no key of which is known
    here yet (a new laptop that should have the team's work before it has sent anything, a
    second lead's desk); the file says nothing of it, the result says "asked"."""
    with ws.read() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        own = _own_sealing_key(ws, conn)
        found = receivers.receivers(conn, device_id=ws.identity.device_id, role=ws.identity.role)
    made = snapshot.export(
        ws.database, signer, out, created=_now(), seal_key=seal.public_der(own), recipients=found.recipients if sealed else (),
    )
    protection.keep_recovery(ws.database, ws.identity)  # a laptop that knows the master's key keeps its recovery file (T2-8)
    if not sealed:
        unsealed = "asked"
    else:
        unsealed = "" if found.recipients else ("no_laptop_key" if ws.identity.role == "master" else "no_master_key")
    return Exported(
        made, unsealed, tuple(k.name for k in found.without_key if k.role == "field" or ws.identity.role != "master"),
        tuple(k.name for k in found.revoked),
    )


def _own_sealing_key(ws: Workspace, conn: Connection) -> EllipticCurvePrivateKey:
    """This device's private encryption key, made at its first export. A desk on a PostgreSQL
    master that lacks the key the master announced already must copy it, as it copies the
    signing key: a key of its own would leave the laptops sealing for a key this desk cannot use."""
    device = ws.identity.device_id
    key = seal.sealing_key(paths.keys_dir(), device, protect_it=not ws.database.on_server)
    if key is not None:
        return key
    if ws.database.on_server and receivers.announced_by(conn, device) is not None:
        raise SyncError(
            ws.path,
            f"this desk does not hold the master's encryption key: copy {seal.key_path(paths.keys_dir(), device).name} from the "
            f"keys folder of the desk that exported the master before into {paths.keys_dir()} (readable by you only)",
            "key_missing",
        )
    made = seal.sealing_key(paths.keys_dir(), device, create=True, protect_it=not ws.database.on_server)
    assert made is not None  # made when missing
    return made


def open_sealed(ws: Workspace, source: Path, target: Path) -> seal.Header:
    """The database inside a sealed export made for this database, written to `target` (a new
    file): what support or a test looks into. SealError when it does not open here."""
    with source.open("rb") as src, target.open("xb") as dst:
        return seal.unseal(src, dst.write, _opener(ws))


def _opener(ws: Workspace) -> seal.Opener:
    """This database's private encryption key, to open the sealed exports made for it, and
    this computer's keys folder, whose secret opens its own encrypted database files (a
    laptop's database merged as a file where it was made)."""
    try:
        key = seal.sealing_key(paths.keys_dir(), ws.identity.device_id, protect_it=not ws.database.on_server)
    except (OSError, ValueError):
        key = None  # no key of ours to be read: a sealed file is refused, saying whom it is for
    return seal.Opener((key,) if key is not None else (), paths.keys_dir())


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
        opener=_opener(ws),
    )
    if not dry_run:
        ws.reload_campaign()  # the lead's settings may have come with the master's export
        protection.keep_recovery(ws.database, ws.identity)  # and the master's key: the laptop's recovery file is written (T2-8)
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


@dataclass(frozen=True)
class StateCheck:
    """The stored state as the signed versions make it: nothing planted beside the tables (a
    trigger would rewrite what is saved next, every signature still valid), and the current
    tables equal to a rebuild from the versions alone."""

    schema: str | None  # how the file's tables differ from Yanshou's (db.integrity.check_schema), None: they do not
    projection: integrity.ProjectionReport

    @property
    def equal(self) -> bool:
        return self.schema is None and self.projection.equal


def check_state(ws: Workspace) -> StateCheck:
    """The file's schema and its stored current state, checked (db.integrity): the desk says
    the result, and a summary or scorecard is signed only on a state that passes."""
    return StateCheck(integrity.check_schema(ws.database), integrity.check_projection(ws.database))


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


@dataclass(frozen=True)
class Revoked:
    """A device revoked on this master: which, whose, and up to what its work was kept."""

    device_id: str
    role: str
    inspector: str | None
    revocation: revocation.Revocation
    new: bool  # False: it had been revoked before (the first revocation stands)


def revoke(ws: Workspace, device: str) -> Revoked:
    """Revoke an enrolled device of this master (a lost or stolen laptop), named by its id or
    its first characters (4 or more): its files exported after now are refused at the merge,
    what it brought before stays (db.revocation). The lead's act, on the master only; this
    database's own device cannot be revoked. There is no undo here: a device revoked by
    mistake is replaced by a new database on its laptop (yanshou renew) and enrolled anew."""
    if ws.identity.role != "master":
        raise SyncError(ws.path, "only the lead's master revokes devices", "not_master")
    wanted = device.strip().lower()
    if len(wanted) < 4:
        raise SyncError(ws.path, "a device is named by at least the first 4 characters of its id", "ambiguous")
    with ws.write() as conn:
        enrolled = {d.id: d for d in team.enrolled_devices(conn)}
        chosen = enrolled[_unique(wanted, sorted(enrolled), "enrolled device", ws.path)]
        if chosen.id == ws.identity.device_id:
            raise SyncError(ws.path, "this is the master's own device: it cannot revoke itself", "own_device")
        made, new = revocation.revoke(conn, chosen.id, at=_now(), by=merging.merged_by())
    return Revoked(chosen.id, chosen.role, chosen.inspector, made, new)


def revocations(ws: Workspace) -> dict[str, revocation.Revocation]:
    """The devices revoked on this database: device id → its revocation."""
    with ws.read() as conn:
        return revocation.revocations(conn)
