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

from sqlalchemy import Connection

from db import queries, versions
from desktop import paths
from desktop.core import problems, validity
from desktop.core.errors import InputError
from desktop.core.problems import ProblemStatus, Refusal, StepKind
from desktop.services import inspection
from desktop.services.changes import Changes
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
        return problems.is_overdue(self.status, self.deadline, today)

    def shown_status(self, today: dt.date) -> str:
        """Its status as every face shows it (problems.shown_status: "overdue" when open past its deadline)."""
        return problems.shown_status(self.status, self.deadline, today)

    @property
    def changes(self) -> Changes:
        """What the step set_status returned this entry for changed: the problem of its county
        and item, and the evidence filed there (a rectification's files are evidence of it)."""
        place = [(self.county, self.item)]
        return Changes.of("problem", place) | Changes.of("evidence", place)


def board(ws: Workspace, *, county: str | None = None, status: str | None = None, record_id: str | None = None) -> list[Entry]:
    """Problems of every inspector (of this inspector on a laptop), by county, indicator, deadline."""
    inspector = ws.identity.inspector if ws.identity.role == "field" else None
    with ws.read() as conn:
        rows = queries.problems(conn, inspector=inspector, county=county, status=status, record_id=record_id)
        steps = histories(conn, [r.record_id for r in rows])
        legacy = _legacy_evidence(conn, {(r.county, r.item) for r in rows if r.status != ProblemStatus.OPEN})
    order = {c.code: i for i, c in enumerate(ws.campaign.counties)}
    codes = {n.code: i for i, n in enumerate(ws.campaign.indicator_set.nodes)}
    entries = [_entry(r, steps.get(r.record_id, ()), legacy) for r in rows]
    return sorted(entries, key=lambda e: (order.get(e.county, 99), codes.get(e.item, 999), e.deadline or dt.date.max, e.record_id))


def _entry(row: queries.ProblemRow, steps: Sequence[Step], legacy: dict[tuple[str, str], list[str]]) -> Entry:
    status = row.status
    last = steps[-1] if steps and steps[-1].kind != StepKind.FOUND else None
    names: tuple[str, ...] = ()
    account = reason = ""
    if status != ProblemStatus.OPEN:
        # the rectification it stands on: the latest rectified step
        rectified = next((s for s in reversed(steps) if s.kind == StepKind.RECTIFIED), None)
        if rectified is not None and (rectified.evidence or rectified.account):
            names, account = rectified.evidence, rectified.account
        else:  # written before a step named its evidence: the rectification's files of its item
            names = tuple(legacy.get((row.county, row.item), ()))
    elif last is not None and last.kind == StepKind.REOPENED:
        reason = last.reason
    return Entry(
        row.record_id, row.county, row.item, row.inspector, row.description, row.severity,
        dt.date.fromisoformat(row.deadline) if row.deadline else None, status,
        names, len(names), account, reason, last.by if last else "", last.at if last else None, tuple(steps),
    )


def _legacy_evidence(conn: Connection, places: set[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    if not places:
        return {}
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for piece in queries.captioned_evidence(conn, CAPTION):
        if piece.county is not None and piece.item is not None and (piece.county, piece.item) in places:
            found[(piece.county, piece.item)].append(piece.name)
    return found


def history(ws: Workspace, record_id: str) -> tuple[Step, ...]:
    """Every step of a problem, oldest first: found, rectified, verified, reopened — who
    (inspector or lead, and the device), when, on what evidence, account or reason. Edits
    of its text are not steps; a problem never written has none."""
    with ws.read() as conn:
        return tuple(histories(conn, [record_id]).get(record_id, ()))


def histories(conn: Connection, record_ids: Sequence[str]) -> dict[str, list[Step]]:
    """The steps of each problem, oldest first, read from its versions in the caller's read
    (a step: a version whose status is none of its parents')."""
    rows, links = queries.problem_versions(conn, record_ids)
    parents: dict[str, list[str]] = defaultdict(list)
    for link in links:
        parents[link.version_id].append(link.parent_id)
    payloads = {r.version_id: json.loads(r.payload) for r in rows}
    taken: list[tuple[queries.ProblemVersion, StepKind, dict[str, Any]]] = []
    for row in sorted(rows, key=lambda r: (r.hlc, r.device_id)):  # by the versions' clock: display order only
        payload = payloads[row.version_id]
        step = problems.kind(payload, [payloads[p] for p in parents.get(row.version_id, ()) if p in payloads])
        if step is not None:
            taken.append((row, step, payload))
    names = queries.evidence_names(conn, sorted({e for _, _, p in taken for e in problems.evidence_of(p)}))
    out: dict[str, list[Step]] = defaultdict(list)
    for row, step, payload in taken:
        status = problems.status_of(payload) or ProblemStatus.OPEN
        carried = step in {StepKind.RECTIFIED, StepKind.VERIFIED}
        out[row.record_id].append(Step(
            step, status, row.inspector or (LEAD if row.role == problems.LEAD_ROLE else ""), row.device_id, _local(row.hlc),
            _evidence_shown(names, payload) if carried else (),
            problems.account_of(payload) if carried else "", problems.reason_of(payload) if step == StepKind.REOPENED else "",
            row.version_id,
        ))
    return out


def _evidence_shown(held: dict[str, queries.EvidencePlace], payload: dict[str, Any]) -> tuple[str, ...]:
    """The files a step names that are evidence of this problem's county and item as held here:
    an id naming nothing, or evidence filed elsewhere (another county's, another item's),
    proves nothing of this rectification and is not counted."""
    shown = []
    for record_id in problems.evidence_of(payload):
        place = held.get(record_id)
        if place is not None and (place.county, place.item) == (payload.get("county"), payload.get("item")):
            shown.append(place.name)
    return tuple(shown)


def _local(hlc: int) -> dt.datetime:
    """A version's clock as this computer's local time, to the second."""
    return versions.written_at(hlc)


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
        entity = queries.record_entity(conn, record_id)
    if current is None or current.deleted or entity != "problem":
        raise InputError.single("problem", "missing", "no such problem")
    payload = current.payload
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
