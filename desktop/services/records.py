"""Writing work records: scores, findings, imported method scores.

Each write is a signed version (db.versions). A record with a natural key takes its id
from it, so the same inspector's score of the same item meets itself on every laptop.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from db import versions
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.core.numbers import canonical
from desktop.services.workspace import Workspace

if TYPE_CHECKING:
    from db.keys import Signer


def score_id(ws: Workspace, county: str, item: str, inspector: str) -> str:
    return versions.natural_id(ws.campaign.id, "score", county, item, inspector)


def finding_id(ws: Workspace, county: str, item: str, inspector: str, mode: InspectionMode) -> str:
    return versions.natural_id(ws.campaign.id, "finding", county, item, inspector, mode.value)


def method_score_id(ws: Workspace, county: str, method: str) -> str:
    return versions.natural_id(ws.campaign.id, "method_score", county, method)


def set_score(
    conn: Connection, signer: Signer, ws: Workspace, *, county: str, item: str, inspector: str, score: Decimal, comment: str
) -> bool:
    payload = {"county": county, "item": item, "inspector": inspector, "score": canonical(score), "comment": comment}
    return versions.put(conn, signer, entity="score", record_id=score_id(ws, county, item, inspector), payload=payload) is not None


def set_comment(conn: Connection, signer: Signer, ws: Workspace, *, county: str, item: str, inspector: str, comment: str) -> bool:
    """Change the reasoning of an existing score; nothing to do when there is no score."""
    record = score_id(ws, county, item, inspector)
    current = versions.current_payload(conn, record)
    if current is None or current.deleted:
        return False
    payload = {**current.payload, "comment": comment}
    return versions.put(conn, signer, entity="score", record_id=record, payload=payload) is not None


def set_finding(
    conn: Connection,
    signer: Signer,
    ws: Workspace,
    *,
    county: str,
    item: str,
    inspector: str,
    mode: InspectionMode,
    text: str | None,
    status: FindingStatus | None = None,
) -> bool:
    """Set a mode's findings text, its result (符合 …), or both; what is given as None stays
    as it was. An empty text with no result given means the mode was not checked, and a
    finding with neither a text nor a result is no finding (the field window's rule,
    `inspection.Finding.empty`)."""
    record = finding_id(ws, county, item, inspector, mode)
    current = versions.current_payload(conn, record)
    previous = current.payload if current and not current.deleted else {}
    body = previous.get("text", "") if text is None else text
    if status is None:
        status = FindingStatus(previous.get("status", FindingStatus.UNCHECKED.value)) if body else FindingStatus.UNCHECKED
    payload = {
        "county": county, "item": item, "inspector": inspector, "mode": mode.value, "text": body,
        "status": status.value, "area": previous.get("area", ""),
    }
    deleted = not body and status is FindingStatus.UNCHECKED
    version = versions.put(conn, signer, entity="finding", record_id=record, payload=payload, deleted=deleted)
    return version is not None


def current_method_payload(conn: Connection, ws: Workspace, *, county: str, method: str) -> dict[str, Any] | None:
    """A county's stored score for an imported method (a total or per-item scores), None when it has none."""
    current = versions.current_payload(conn, method_score_id(ws, county, method))
    return None if current is None or current.deleted else current.payload


def method_total_payload(*, county: str, method: str, total: Decimal) -> dict[str, Any]:
    """What a county's method score becomes with a total: it replaces earlier per-item scores."""
    return {"county": county, "method": method, "total": canonical(total), "items": None}


def method_items_payload(previous: dict[str, Any] | None, *, county: str, method: str, items: dict[str, Decimal]) -> dict[str, Any]:
    """What a county's method score becomes with per-item scores: they replace an earlier
    total, and update the named items of earlier per-item scores, leaving the others as they were."""
    merged: dict[str, str] = {}
    if previous is not None and previous.get("items") is not None:
        merged.update(previous["items"])
    merged.update({code: canonical(score) for code, score in items.items()})
    return {"county": county, "method": method, "total": None, "items": merged}


def set_method_total(conn: Connection, signer: Signer, ws: Workspace, *, county: str, method: str, total: Decimal) -> bool:
    """A county's total for an imported method; it replaces earlier per-item scores."""
    payload = method_total_payload(county=county, method=method, total=total)
    return versions.put(conn, signer, entity="method_score", record_id=method_score_id(ws, county, method), payload=payload) is not None


def set_method_items(
    conn: Connection, signer: Signer, ws: Workspace, *, county: str, method: str, items: dict[str, Decimal]
) -> bool:
    """Per-item scores for an imported method (see `method_items_payload`)."""
    previous = current_method_payload(conn, ws, county=county, method=method)
    payload = method_items_payload(previous, county=county, method=method, items=items)
    return versions.put(conn, signer, entity="method_score", record_id=method_score_id(ws, county, method), payload=payload) is not None
