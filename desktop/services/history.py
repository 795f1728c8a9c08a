"""Each record's history and the recycle bin (T2-4): every version of a record with who
wrote it, on which device, when (local time) and what it changed field by field; a past
value brought back as a new version; the records deleted now, restorable.

Nothing is ever lost: a delete is a tombstone version, an edit a new version, and both keep
every earlier one. A restore is one more version, written by this device and checked by the
same admission rules as any other write (a laptop restores only its inspector's records; a
problem's steps keep their order)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from db import history_queries, versions
from desktop import paths
from desktop.core.errors import InputError
from desktop.services.changes import NOTHING, Changes
from desktop.services.items import remove
from desktop.services.workspace import Workspace

# What the recycle bin lists: the records a user deletes in either window.
RESTORABLE = ("evidence", "problem", "adjudication", "adjustment")
# Fields of a payload that say where a record is, not what it holds: not listed as changes.
_PLACE = frozenset({"county", "item", "inspector", "mode", "sha256", "name", "mime", "size"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any  # None: the field was not there
    after: Any


@dataclass(frozen=True)
class VersionView:
    """One version as the history shows it."""

    version_id: str
    inspector: str | None  # None: written by a lead's master
    device_id: str
    written: dt.datetime  # local time
    deleted: bool
    changes: tuple[FieldChange, ...]  # against the version before it (its parent)
    payload: Mapping[str, Any]
    current: bool  # the record's one head: what it holds now
    resolution: str = ""  # the lead's reason, for a version that settled a conflict by keeping another


@dataclass(frozen=True)
class Deleted:
    """A record deleted now, as the recycle bin lists it."""

    record_id: str
    entity: str
    county: str | None
    item: str | None
    label: str  # what it was: a problem's description, a file's caption or name, a decision's reason
    deleted_by: str | None  # None: a lead
    deleted_at: dt.datetime


def _changes(before: Mapping[str, Any] | None, after: Mapping[str, Any], *, deleted: bool) -> tuple[FieldChange, ...]:
    if deleted:
        return (FieldChange("deleted", False, True),)
    old = before or {}
    keys = sorted(set(old) | set(after))
    first = before is None  # a record's first version: what it holds, not where it is
    return tuple(
        FieldChange(k, old.get(k), after.get(k)) for k in keys
        if _blank(old.get(k)) != _blank(after.get(k)) and not (first and k in _PLACE)
    )


def _blank(value: Any) -> Any:
    """A field not there and a field left empty read the same: neither is a change."""
    return None if value == "" else value


def versions_of(ws: Workspace, record_id: str) -> list[VersionView]:
    """Every version of the record, oldest first, each with what it changed."""
    with ws.read() as conn:
        rows = history_queries.record_versions(conn, record_id)
        notes = history_queries.resolution_notes(conn, [r.version_id for r in rows if len(r.parents) > 1])
    heads = _heads(rows)
    out = []
    before: Mapping[str, Any] | None = None  # the last value the record held, in the order written
    for r in rows:
        out.append(VersionView(
            r.version_id, r.inspector if r.role != "master" else None, r.device_id, versions.written_at(r.hlc), r.deleted,
            _changes(before, r.payload, deleted=r.deleted), r.payload,
            heads == {r.version_id}, notes.get(r.version_id, ""),
        ))
        if not r.deleted:
            before = r.payload
    return out


def restore(ws: Workspace, record_id: str, version_id: str) -> Changes:
    """Bring the record back to what that version held, as a new version (a tombstone's:
    deleted again). What it changed; nothing when the record holds that already."""
    with ws.write() as conn:
        chosen = next((r for r in history_queries.record_versions(conn, record_id) if r.version_id == version_id), None)
        if chosen is None:
            raise InputError.single("version", "unknown_version", f"{version_id} is not a version of {record_id}")
        signer = ws.database.signer(paths.keys_dir(), conn)
        if chosen.deleted:
            written = versions.withdraw(conn, signer, record_id, entity=chosen.entity)
        else:
            blobs = [chosen.payload["sha256"]] if chosen.entity == "evidence" and "sha256" in chosen.payload else []
            written = versions.put(conn, signer, entity=chosen.entity, record_id=record_id, payload=dict(chosen.payload),
                                   blob_hashes=blobs)
    return Changes.at(chosen.entity, chosen.payload) if written is not None else NOTHING


def deleted(ws: Workspace) -> list[Deleted]:
    """The records deleted now that this database may bring back, the latest first: on a
    laptop its inspector's evidence and problems; on a master those and the lead's decisions."""
    own = ws.identity.inspector if ws.identity.role == "field" else None
    entities = RESTORABLE if ws.identity.role == "master" else ("evidence", "problem")
    out = []
    with ws.read() as conn:
        filed = history_queries.filed_photos(conn)
        for tomb in history_queries.tombstones(conn, entities):
            live = history_queries.last_live(conn, tomb.record_id)
            if live is None or (own is not None and live.payload.get("inspector") != own):
                continue
            if _moved_from_inbox(live, filed):
                continue
            p = live.payload
            label = str(p.get("description") or p.get("caption") or p.get("name") or p.get("reason") or "")
            out.append(Deleted(tomb.record_id, tomb.entity, p.get("county"), p.get("item"), label,
                               tomb.inspector, versions.written_at(tomb.hlc)))
    return out


def _moved_from_inbox(live: history_queries.VersionRow, filed: set[tuple[str, str]]) -> bool:
    """A photo of the inbox that its inspector has filed under an item (evidence.assign
    withdraws the inbox's record as it files the photo): it moved, nothing was deleted, and
    bringing it back would put a second copy in the inbox."""
    p = live.payload
    return live.entity == "evidence" and p.get("county") is None and (str(p.get("inspector")), str(p.get("sha256"))) in filed


def restore_deleted(ws: Workspace, record_id: str) -> Changes:
    """Bring a deleted record back as it last was."""
    with ws.read() as conn:
        live = history_queries.last_live(conn, record_id)
    if live is None:
        raise InputError.single("record", "nothing_to_restore", f"{record_id} has no earlier value to restore")
    return restore(ws, record_id, live.version_id)


def bring_back(ws: Workspace, entity: str, record_id: str, version_id: str | None) -> Changes:
    """An undo or a redo of a record's write: that version again, as a new one; None: the
    record did not exist before the write, so it is deleted."""
    return restore(ws, record_id, version_id) if version_id is not None else remove(ws, entity, record_id)


def current_version(ws: Workspace, record_id: str) -> str | None:
    """The record's one current version (None for a record never written or in conflict):
    what an undo goes back to."""
    with ws.read() as conn:
        heads = _heads(history_queries.record_versions(conn, record_id))
    return next(iter(heads)) if len(heads) == 1 else None


def _heads(rows: list[history_queries.VersionRow]) -> set[str]:
    """The versions no other version continues: what the record holds now (two or more: a conflict)."""
    return {r.version_id for r in rows} - {p for r in rows for p in r.parents}
