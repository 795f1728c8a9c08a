"""The inspector's record of one county, item by item: scores, findings, problems, and the
evidence listed under them; what the tree shows of each item (county_status).

Reads are cheap and whole (one query per table for a county), so the tree and the item
view are always drawn from the database as it is, never from a copy that could drift.
Every write is one transaction that the caller may report as saved once it returns;
`editing` puts several of them (a county's whole record, written at once) in one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from db import inspection_queries, versions
from db.inspection_queries import EvidenceRow
from desktop import paths
from desktop.core.errors import InputError
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.core.numbers import canonical
from desktop.core.scoring import score_problem
from desktop.services import records
from desktop.services.changes import NOTHING, Changes

# (defined there, free of the data layer: the window shows them before it has loaded)
from desktop.services.views import SEVERITIES as SEVERITIES  # noqa: PLC0414 (a re-export)
from desktop.services.views import CountyStatus as CountyStatus  # noqa: PLC0414 (a re-export)
from desktop.services.views import Evidence as Evidence  # noqa: PLC0414 (a re-export)
from desktop.services.views import Finding as Finding  # noqa: PLC0414 (a re-export)
from desktop.services.views import ItemRecord as ItemRecord  # noqa: PLC0414 (a re-export)
from desktop.services.views import ItemStatus as ItemStatus  # noqa: PLC0414 (a re-export)
from desktop.services.views import Problem as Problem  # noqa: PLC0414 (a re-export)
from desktop.services.workspace import Workspace

if TYPE_CHECKING:
    from db.keys import Signer

def _inspector(ws: Workspace) -> str:
    who = ws.identity.inspector
    if not who:
        raise InputError.single(ws.path, "no_inspector", "this database has no inspector (a master); the field workspace needs one")
    return who


def county_status(ws: Workspace, county: str) -> CountyStatus:
    who = _inspector(ws)
    status: dict[str, dict[str, Any]] = {}

    def entry(item: str) -> dict[str, Any]:
        return status.setdefault(item, {"score": None, "modes": set(), "problems": 0, "evidence": 0})

    with ws.read() as conn:
        work = inspection_queries.inspector_items(conn, county, who)
    for score in work.scores:
        entry(score.item)["score"] = Decimal(score.score)
    for finding in work.findings:
        if finding.text or finding.status != FindingStatus.UNCHECKED:
            entry(finding.item)["modes"].add(InspectionMode(finding.mode))
    for counted in work.problems:
        entry(counted.item)["problems"] = counted.count
    for counted in work.evidence:
        entry(counted.item)["evidence"] = counted.count
    return CountyStatus({
        code: ItemStatus(v["score"], frozenset(v["modes"]), v["problems"], v["evidence"])
        for code, v in status.items()
    })


def _evidence(row: EvidenceRow) -> Evidence:
    return Evidence(
        record_id=row.record_id, sha256=row.sha256, name=row.name, mime=row.mime, size=row.size,
        mode=InspectionMode(row.mode) if row.mode else None, caption=row.caption, taken_at=row.taken_at, gps=row.gps,
        attached_at=row.attached_at,
    )


def item_record(ws: Workspace, county: str, item: str) -> ItemRecord:
    who = _inspector(ws)
    with ws.read() as conn:
        work = inspection_queries.item_work(conn, county, item, who)
    findings = {mode: Finding(mode) for mode in InspectionMode}
    for f in work.findings:
        mode = InspectionMode(f.mode)
        findings[mode] = Finding(mode, f.text, FindingStatus(f.status), f.area)
    problems = tuple(
        Problem(
            record_id=p.record_id, description=p.description, severity=p.severity,
            deadline=dt.date.fromisoformat(p.deadline) if p.deadline else None, created_at=p.created_at, status=p.status,
        )
        for p in work.problems
    )
    score = work.score
    return ItemRecord(
        county, item, Decimal(score.score) if score else None, score.comment if score else "", findings, problems,
        tuple(_evidence(e) for e in work.evidence),
    )


def check_score(ws: Workspace, item: str, value: str) -> Decimal | None:
    """A score as typed: empty for none, else 0 to the item's points in steps of 0.5."""
    value = value.strip()
    if not value:
        return None
    node = ws.campaign.indicator_set.node(item)
    try:
        score = Decimal(value)
    except InvalidOperation:
        raise InputError.single("score", "not_a_number", f"'{value}' is not a number") from None
    problem = score_problem(score, node.points)
    if problem == "out_of_range":
        raise InputError.single("score", problem, f"{value} is outside 0 to {canonical(node.points)}")
    if problem == "not_half_step":
        raise InputError.single("score", problem, f"{value} is not a multiple of 0.5")
    return score


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def save_item(
    ws: Workspace, county: str, item: str, *, score: Decimal | None, comment: str, findings: Iterable[Finding]
) -> int:
    """Write what the item editor holds, in one transaction; returns the records changed
    (0 when nothing differs from what is stored, so an idle autosave writes nothing)."""
    with editing(ws) as edits:
        return edits.save_item(county, item, score=score, comment=comment, findings=findings)


def _put_finding(conn: Connection, signer, ws: Workspace, finding: Finding, *, county: str, item: str, inspector: str) -> bool:  # type: ignore[no-untyped-def]
    record = records.finding_id(ws, county, item, inspector, finding.mode)
    payload = {
        "county": county, "item": item, "inspector": inspector, "mode": finding.mode.value, "text": finding.text,
        "status": finding.status.value, "area": finding.area,
    }
    return versions.put(conn, signer, entity="finding", record_id=record, payload=payload, deleted=finding.empty) is not None


# --- problems ---------------------------------------------------------------------------------


def default_deadline(ws: Workspace) -> dt.date | None:
    """The campaign's rectification milestone, the default deadline of a problem."""
    return next((m.due for m in ws.campaign.milestones if m.key == "rectification"), None)


def save_problem(
    ws: Workspace, county: str, item: str, *, description: str, severity: str, deadline: dt.date | None, record_id: str | None = None
) -> str:
    _inspector(ws)
    _check_problem(description, severity)  # before the transaction: a refusal opens none
    with editing(ws) as edits:
        return edits.save_problem(county, item, description=description, severity=severity, deadline=deadline, record_id=record_id)


def _check_problem(description: str, severity: str) -> None:
    if not description.strip():
        raise InputError.single("problem", "empty", "a problem needs a description")
    if severity not in SEVERITIES:
        raise InputError.single("problem", "severity", f"severity must be one of {', '.join(SEVERITIES)}")


# --- several edits, one transaction -------------------------------------------------------------


class Edits:
    """Edits of the inspector's work inside one transaction (see `editing`): the very writes
    of save_item and save_problem, with one commit for the lot. A county's whole record
    written at once (the demo's laptops) costs one commit instead of one per item; an
    error anywhere rolls the lot back."""

    def __init__(self, ws: Workspace, conn: Connection, signer: Signer) -> None:
        self.ws, self.conn, self.signer = ws, conn, signer
        self.inspector = _inspector(ws)

    def save_item(self, county: str, item: str, *, score: Decimal | None, comment: str, findings: Iterable[Finding]) -> int:
        """save_item() in this transaction; returns the records changed."""
        conn, signer, ws, who = self.conn, self.signer, self.ws, self.inspector
        where = {"county": county, "item": item, "inspector": who}
        changed = 0
        if score is not None:
            changed += records.set_score(conn, signer, ws, score=score, comment=comment, **where)
        else:
            changed += versions.withdraw(conn, signer, records.score_id(ws, county, item, who), entity="score") is not None
        for finding in findings:
            changed += _put_finding(conn, signer, ws, finding, **where)
        return changed

    def save_problem(
        self, county: str, item: str, *, description: str, severity: str, deadline: dt.date | None, record_id: str | None = None
    ) -> str:
        """save_problem() in this transaction; returns the problem's id."""
        _check_problem(description, severity)
        record_id = record_id or versions.new_id()
        current = versions.current_payload(self.conn, record_id)
        previous = current.payload if current else {}
        created = previous.get("created_at")
        status = previous.get("status", "open")
        stepped: dict[str, Any] = {k: previous[k] for k in ("evidence", "account", "reason") if k in previous}
        versions.put(
            self.conn, self.signer, entity="problem", record_id=record_id,
            payload={
                "county": county, "item": item, "inspector": self.inspector, "description": description.strip(),
                "severity": severity, "deadline": deadline.isoformat() if deadline else None, "created_at": created or _now(),
                "status": status, **stepped,
            },
        )
        return record_id


@contextlib.contextmanager
def editing(ws: Workspace) -> Iterator[Edits]:
    """One write transaction for several edits (Edits), committed when the block ends."""
    with ws.write() as conn:
        yield Edits(ws, conn, ws.database.signer(paths.keys_dir(), conn))


def remove(ws: Workspace, entity: str, record_id: str) -> Changes:
    """Delete a problem or a piece of evidence (a tombstone; the history keeps it); what it
    changed (nothing for an id of another kind of record than `entity`, or one gone already)."""
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        current = versions.current_payload(conn, record_id)
        if current is None or versions.withdraw(conn, signer, record_id, entity=entity) is None:
            return NOTHING
        return Changes.at(entity, current.payload)
