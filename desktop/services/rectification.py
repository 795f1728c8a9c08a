"""The rectification board: every problem found, by county and indicator, with its
deadline and status; overdue against today's date. A problem's steps (open → rectified →
verified, or back to open) go through one state machine (desktop.core.problems) here, and
again in the admission check every version passes; each step is a signed version, so
`history` tells who moved a problem, when, and on what evidence."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, text

from db import versions
from desktop import paths
from desktop.core import problems, validity
from desktop.core.errors import InputError
from desktop.core.problems import ProblemStatus, Refusal, StepKind
from desktop.services import inspection
from desktop.services.workspace import Workspace

STATUSES = validity.PROBLEM_STATUSES
# What the printed problem list and the exported tables call them: one mapping, the core's.
STATUS_LABELS = problems.LABELS_ZH
SEVERITY_LABELS = {"minor": "一般", "major": "较重", "serious": "严重"}
LEAD = validity.LEAD_AUTHOR
CAPTION = "整改证明"  # the caption of evidence of a rectification


@dataclass(frozen=True)
class Step:
    """One step of a problem's history, read from its signed versions."""

    kind: StepKind  # found, rectified, verified, reopened
    status: ProblemStatus  # the status it moved to
    by: str  # the inspector whose device signed it, or 组长 for the lead's master
    device: str  # the signing device's id
    at: dt.datetime  # when, in this computer's local time (the version's clock)
    evidence: tuple[str, ...] = ()  # the rectification's evidence: file names (or ids no longer held)
    account: str = ""  # a rectification's written account
    reason: str = ""  # a reopening's reason
    version_id: str = ""


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
    # the rectification it stands on (rectified or verified; empty while open): its evidence
    # files' names and how many, its written account
    evidence_names: tuple[str, ...] = ()
    evidence_count: int = 0
    account: str = ""
    reason: str = ""  # why it was last reopened (while open again)
    stepped_by: str = ""  # who made its last step ("" for a problem never moved)
    stepped_at: dt.datetime | None = None  # when, local time
    steps: tuple[Step, ...] = ()  # its whole history, oldest first (history())

    def overdue(self, today: dt.date) -> bool:
        return self.status == "open" and self.deadline is not None and self.deadline < today


def board(ws: Workspace, *, county: str | None = None, status: str | None = None, record_id: str | None = None) -> list[Entry]:
    """Problems of every inspector (of this inspector on a laptop), by county, indicator, deadline."""
    sql = "SELECT record_id, county, item, inspector, description, severity, deadline, status FROM current_problem WHERE 1 = 1"
    args: dict[str, str] = {}
    if ws.identity.role == "field" and ws.identity.inspector:
        sql += " AND inspector = :i"
        args["i"] = ws.identity.inspector
    for column, value in (("county", county), ("status", status), ("record_id", record_id)):
        if value:
            sql += f" AND {column} = :{column}"
            args[column] = value
    with ws.read() as conn:
        rows = conn.execute(text(sql), args).all()
        steps = histories(conn, [r[0] for r in rows])
        legacy = _legacy_evidence(conn, {(r[1], r[2]) for r in rows if r[7] != ProblemStatus.OPEN})
    order = {c.code: i for i, c in enumerate(ws.campaign.counties)}
    codes = {n.code: i for i, n in enumerate(ws.campaign.indicator_set.nodes)}
    entries = [_entry(r, steps.get(r[0], ()), legacy) for r in rows]
    return sorted(entries, key=lambda e: (order.get(e.county, 99), codes.get(e.item, 999), e.deadline or dt.date.max, e.record_id))


def _entry(row: Any, steps: Sequence[Step], legacy: dict[tuple[str, str], list[str]]) -> Entry:
    record_id, county, item, inspector, description, severity, deadline, status = row
    last = steps[-1] if steps and steps[-1].kind != StepKind.FOUND else None
    names: tuple[str, ...] = ()
    account = reason = ""
    if status != ProblemStatus.OPEN:
        # the rectification it stands on: the latest rectified step
        rectified = next((s for s in reversed(steps) if s.kind == StepKind.RECTIFIED), None)
        if rectified is not None and (rectified.evidence or rectified.account):
            names, account = rectified.evidence, rectified.account
        else:  # written before a step named its evidence: the rectification's files of its item
            names = tuple(legacy.get((county, item), ()))
    elif last is not None and last.kind == StepKind.REOPENED:
        reason = last.reason
    return Entry(
        record_id, county, item, inspector, description, severity, dt.date.fromisoformat(deadline) if deadline else None, status,
        names, len(names), account, reason, last.by if last else "", last.at if last else None, tuple(steps),
    )


def _legacy_evidence(conn: Connection, places: set[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    if not places:
        return {}
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    rows = conn.execute(
        text("SELECT county, item, name FROM current_evidence WHERE caption = :cap ORDER BY attached_at, name"), {"cap": CAPTION},
    )
    for county, item, name in rows:
        if (county, item) in places:
            found[(county, item)].append(name)
    return found


def history(ws: Workspace, record_id: str) -> tuple[Step, ...]:
    """Every step of a problem, oldest first: found, rectified, verified, reopened — who
    (inspector or lead, and the device), when, on what evidence, account or reason. Edits
    of its text are not steps; a problem never written has none."""
    with ws.read() as conn:
        return tuple(histories(conn, [record_id]).get(record_id, ()))


_VERSIONS = text(
    "SELECT v.version_id, v.record_id, v.hlc, v.device_id, v.payload, d.role, d.inspector "
    "FROM version v JOIN device d ON d.id = v.device_id WHERE v.entity = 'problem' AND v.record_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_PARENTS = text(
    "SELECT p.version_id, p.parent_id FROM version_parent p JOIN version v ON v.version_id = p.version_id "
    "WHERE v.entity = 'problem' AND v.record_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_EVIDENCE_NAMES = text("SELECT record_id, name FROM current_evidence WHERE record_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def histories(conn: Connection, record_ids: Sequence[str]) -> dict[str, list[Step]]:
    """The steps of each problem, oldest first, read from its versions in the caller's read
    (a step: a version whose status is none of its parents')."""
    rows: list[Any] = []
    parents: dict[str, list[str]] = defaultdict(list)
    ids = sorted(set(record_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows += conn.execute(_VERSIONS, {"ids": chunk}).all()
        for vid, pid in conn.execute(_PARENTS, {"ids": chunk}):
            parents[vid].append(pid)
    payloads = {r[0]: json.loads(r[4]) for r in rows}
    taken: list[tuple[Any, StepKind, dict[str, Any]]] = []
    for row in sorted(rows, key=lambda r: (r[2], r[3])):  # by the versions' clock: display order only
        payload = payloads[row[0]]
        step = problems.kind(payload, [payloads[p] for p in parents.get(row[0], ()) if p in payloads])
        if step is not None:
            taken.append((row, step, payload))
    evidence_ids = sorted({e for _, _, p in taken for e in problems.evidence_of(p)})
    names: dict[str, str] = {}
    for start in range(0, len(evidence_ids), 500):
        names.update(dict(conn.execute(_EVIDENCE_NAMES, {"ids": evidence_ids[start : start + 500]}).all()))
    out: dict[str, list[Step]] = defaultdict(list)
    for (vid, record_id, hlc, device_id, _payload, role, inspector), step, payload in taken:
        status = problems.status_of(payload) or ProblemStatus.OPEN
        carried = step in {StepKind.RECTIFIED, StepKind.VERIFIED}
        out[record_id].append(Step(
            step, status, inspector or (LEAD if role == problems.LEAD_ROLE else ""), device_id, _local(hlc),
            tuple(names.get(e, e[:8]) for e in problems.evidence_of(payload)) if carried else (),
            problems.account_of(payload) if carried else "", problems.reason_of(payload) if step == StepKind.REOPENED else "",
            vid,
        ))
    return out


def _local(hlc: int) -> dt.datetime:
    """A version's clock as this computer's local time, to the second."""
    return dt.datetime.fromtimestamp((hlc >> 16) // 1000, tz=dt.UTC).astimezone()


def _refused(code: Refusal, before: str, after: str) -> InputError:
    return InputError.single("status", code.value, f"the problem cannot be {after}: {problems.says(code, before=before, after=after)}")


def set_status(
    ws: Workspace, record_id: str, status: str, *, evidence: Path | Iterable[Path] | None = None, account: str = "", reason: str = "",
) -> Entry:
    """Move a problem one step of its state machine (desktop.core.problems): rectified with
    files showing the rectification (attached to the problem's item) or a written account;
    verified by the lead, from rectified; back to open with a reason. Returns the problem as
    the board shows it now; a step the machine refuses raises InputError whose code is the
    refusal's (problems.Refusal), and writes nothing."""
    files = [evidence] if isinstance(evidence, Path) else list(evidence or ())
    if problems.status_of(status) is None:
        raise InputError.single("status", "status", f"status must be one of {', '.join(STATUSES)}")
    with ws.read() as conn:
        current = versions.current_payload(conn, record_id)
        entity = conn.execute(text("SELECT entity FROM version WHERE record_id = :r LIMIT 1"), {"r": record_id}).scalar()
    if current is None or current[1] or entity != "problem":
        raise InputError.single("problem", "missing", "no such problem")
    payload = current[0]
    before = str(problems.status_of(payload) or payload.get("status"))
    found = problems.refusal(payload, status, role=ws.identity.role, evidence_count=len(files), account=account, reason=reason)
    if found is not None:
        raise _refused(found, before, status)
    attached: list[str] = []
    if problems.ProblemStatus(status) == ProblemStatus.RECTIFIED:
        lead = None if ws.identity.inspector else LEAD  # a master has no inspector of its own
        for path in files:
            piece, _unreadable = inspection.attach(
                ws, path, county=payload["county"], item=payload["item"], mode=None, caption=CAPTION, inspector=lead,
            )
            attached.append(piece.record_id)
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        versions.put(
            conn, signer, entity="problem", record_id=record_id,
            payload=problems.stepped(payload, status, evidence=attached, account=account, reason=reason),
        )
    return board(ws, record_id=record_id)[0]
