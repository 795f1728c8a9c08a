"""The rectification board: every problem found, by county and indicator, with its
deadline and status (open → rectified → verified); overdue against today's date.
Marking a problem rectified needs evidence of the rectification."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from db import versions
from desktop import paths
from desktop.core.errors import InputError
from desktop.services import inspection
from desktop.services.workspace import Workspace

STATUSES = ("open", "rectified", "verified")


@dataclass(frozen=True)
class Entry:
    record_id: str
    county: str
    item: str
    inspector: str
    description: str
    severity: str
    deadline: dt.date | None
    status: str

    def overdue(self, today: dt.date) -> bool:
        return self.status == "open" and self.deadline is not None and self.deadline < today


def board(ws: Workspace, *, county: str | None = None, status: str | None = None) -> list[Entry]:
    """Problems of every inspector (of this inspector on a laptop), by county, indicator, deadline."""
    sql = "SELECT record_id, county, item, inspector, description, severity, deadline, status FROM current_problem WHERE 1 = 1"
    args: dict[str, str] = {}
    if ws.identity.role == "field" and ws.identity.inspector:
        sql += " AND inspector = :i"
        args["i"] = ws.identity.inspector
    if county:
        sql += " AND county = :c"
        args["c"] = county
    if status:
        sql += " AND status = :s"
        args["s"] = status
    with ws.read() as conn:
        rows = conn.execute(text(sql), args).all()
    order = {c.code: i for i, c in enumerate(ws.campaign.counties)}
    codes = {n.code: i for i, n in enumerate(ws.campaign.indicator_set.nodes)}
    entries = [
        Entry(r[0], r[1], r[2], r[3], r[4], r[5], dt.date.fromisoformat(r[6]) if r[6] else None, r[7]) for r in rows
    ]
    return sorted(entries, key=lambda e: (order.get(e.county, 99), codes.get(e.item, 999), e.deadline or dt.date.max, e.record_id))


def set_status(ws: Workspace, record_id: str, status: str, *, evidence: Path | None = None) -> bool:
    """Move a problem along open → rectified → verified (or back). Rectified needs a file
    showing the rectification, attached to the problem's item; verifying is the lead's."""
    if status not in STATUSES:
        raise InputError.single("status", "status", f"status must be one of {', '.join(STATUSES)}")
    if status == "verified" and ws.identity.role != "master":
        raise InputError.single("status", "not_master", "only the lead verifies a rectification")
    with ws.read() as conn:
        current = versions.current_payload(conn, record_id)
    if current is None or current[1]:
        raise InputError.single("problem", "missing", "no such problem")
    payload = current[0]
    if payload.get("status", "open") == status:
        return False
    if status == "rectified":
        if evidence is None:
            raise InputError.single("evidence", "no_evidence", "marking a problem rectified needs evidence of the rectification")
        if ws.identity.role == "field":
            inspection.attach(ws, evidence, county=payload["county"], item=payload["item"], mode=None)
        else:
            _attach_as_master(ws, evidence, payload)
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        written = versions.put(conn, signer, entity="problem", record_id=record_id, payload={**payload, "status": status})
    return written is not None


def _attach_as_master(ws: Workspace, path: Path, problem: dict) -> None:  # type: ignore[type-arg]
    """The lead's evidence of a rectification: stored like an inspector's, under the lead's name."""
    from db import blobs

    facts = inspection.photo_facts(path)
    if not path.is_file():
        raise InputError.single(path, "missing", "the file is not there")
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        sha = blobs.put_file(conn, path, facts.mime)
        versions.put(
            conn, signer, entity="evidence", record_id=versions.new_id(), blob_hashes=[sha],
            payload={
                "county": problem["county"], "item": problem["item"], "mode": None, "inspector": "组长", "sha256": sha,
                "name": path.name, "mime": facts.mime, "size": path.stat().st_size, "caption": "整改证明",
                "taken_at": facts.taken_at, "gps": facts.gps, "attached_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            },
        )
