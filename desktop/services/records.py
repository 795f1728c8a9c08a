"""Writing work records: scores, findings, imported method scores.

Each write is a signed version (db.versions). A record with a natural key takes its id
from it, so the same inspector's score of the same item meets itself on every laptop.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection

from db import versions
from db.keys import Signer
from desktop.core.inspection import InspectionMode
from desktop.core.numbers import canonical
from desktop.services.workspace import Workspace


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
    if current is None or current[1]:
        return False
    payload = {**current[0], "comment": comment}
    return versions.put(conn, signer, entity="score", record_id=record, payload=payload) is not None


def set_finding(
    conn: Connection, signer: Signer, ws: Workspace, *, county: str, item: str, inspector: str, mode: InspectionMode, text: str
) -> bool:
    """Set a mode's findings text; an empty text means the mode was not checked."""
    record = finding_id(ws, county, item, inspector, mode)
    current = versions.current_payload(conn, record)
    previous = current[0] if current and not current[1] else {}
    payload = {
        "county": county, "item": item, "inspector": inspector, "mode": mode.value, "text": text,
        "status": previous.get("status", "unchecked"), "area": previous.get("area", ""),
    }
    version = versions.put(conn, signer, entity="finding", record_id=record, payload=payload, deleted=not text)
    return version is not None


def set_method_total(conn: Connection, signer: Signer, ws: Workspace, *, county: str, method: str, total: Decimal) -> bool:
    """A county's total for an imported method; it replaces earlier per-item scores."""
    payload = {"county": county, "method": method, "total": canonical(total), "items": None}
    return versions.put(conn, signer, entity="method_score", record_id=method_score_id(ws, county, method), payload=payload) is not None


def set_method_items(
    conn: Connection, signer: Signer, ws: Workspace, *, county: str, method: str, items: dict[str, Decimal]
) -> bool:
    """Per-item scores for an imported method: they replace an earlier total, and
    update the named items of earlier per-item scores, leaving the others as they were."""
    record = method_score_id(ws, county, method)
    current = versions.current_payload(conn, record)
    merged: dict[str, str] = {}
    if current and not current[1] and current[0].get("items") is not None:
        merged.update(current[0]["items"])
    merged.update({code: canonical(score) for code, score in items.items()})
    payload = {"county": county, "method": method, "total": None, "items": merged}
    return versions.put(conn, signer, entity="method_score", record_id=record, payload=payload) is not None
