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
from desktop.core import validity
from desktop.core.errors import InputError
from desktop.services import inspection
from desktop.services.workspace import Workspace

STATUSES = validity.PROBLEM_STATUSES
# What the printed problem list and the exported tables call them (the GUI's words, in Chinese).
STATUS_LABELS = {"open": "待整改", "rectified": "已整改", "verified": "已核实"}
SEVERITY_LABELS = {"minor": "一般", "major": "较重", "serious": "严重"}
LEAD = validity.LEAD_AUTHOR
CAPTION = "整改证明"  # the caption of evidence of a rectification


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
    entries = [Entry(r[0], r[1], r[2], r[3], r[4], r[5], dt.date.fromisoformat(r[6]) if r[6] else None, r[7]) for r in rows]
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
        lead = None if ws.identity.inspector else LEAD  # a master has no inspector of its own
        inspection.attach(ws, evidence, county=payload["county"], item=payload["item"], mode=None, caption=CAPTION, inspector=lead)
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        written = versions.put(conn, signer, entity="problem", record_id=record_id, payload={**payload, "status": status})
    return written is not None
