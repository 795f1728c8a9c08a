"""The lead's decisions on a master database: an item's score adjudicated for a county,
a county's total adjusted. Both need a reason, are signed by the master, and show in the
results and every report. Clearing one is a tombstone; the history keeps it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from db import queries, versions
from desktop import paths
from desktop.core.errors import InputError
from desktop.core.numbers import canonical
from desktop.services import inspection
from desktop.services.changes import NOTHING, Changes
from desktop.services.workspace import Workspace

MAX_ADJUSTMENT = Decimal(100)


def _master(ws: Workspace) -> None:
    if ws.identity.role != "master":
        raise InputError.single(ws.path, "not_master", "only the lead's master database records adjudications and adjustments")


def _number(value: str, field: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, AttributeError):
        raise InputError.single(field, "not_a_number", f"'{value}' is not a number") from None
    if not number.is_finite():
        raise InputError.single(field, "not_a_number", f"'{value}' is not a number")
    return number


def adjudication_id(ws: Workspace, county: str, item: str) -> str:
    return versions.natural_id(ws.campaign.id, "adjudication", county, item)


def adjustment_id(ws: Workspace, county: str) -> str:
    return versions.natural_id(ws.campaign.id, "adjustment", county)


def recorded(ws: Workspace, county: str, item: str | None) -> tuple[str, str] | None:
    """The decision in force: an item's adjudicated score (with `item`) or the county's
    adjustment, as (value, reason); None when there is none."""
    with ws.read() as conn:
        found = queries.adjudication(conn, county, item) if item is not None else queries.adjustment(conn, county)
    return None if found is None else (found.value, found.reason)


def adjudicate(ws: Workspace, county: str, item: str, score: str | None, reason: str) -> Changes:
    """Set (or, with score None, clear) the lead's score of an item for a county; what it
    changed (nothing when it was so already)."""
    _master(ws)
    ws.campaign.county(county)
    node = ws.campaign.indicator_set.node(item)
    record = adjudication_id(ws, county, item)
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        done = Changes.of("adjudication", [(county, item)])
        if score is None:
            return done if versions.withdraw(conn, signer, record, entity="adjudication") is not None else NOTHING
        value = inspection.check_score(ws, node.code, score)
        if value is None:
            raise InputError.single("score", "not_a_number", "the score is empty")
        if not reason.strip():
            raise InputError.single("reason", "no_reason", "an adjudication needs a reason")
        payload = {"county": county, "item": item, "score": canonical(value), "reason": reason.strip()}
        return done if versions.put(conn, signer, entity="adjudication", record_id=record, payload=payload) is not None else NOTHING


def adjust(ws: Workspace, county: str, delta: str | None, reason: str) -> Changes:
    """Set (or, with delta None, clear) the change to a county's total, e.g. from the annual
    appraisal; what it changed (nothing when it was so already)."""
    _master(ws)
    ws.campaign.county(county)
    record = adjustment_id(ws, county)
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        done = Changes.of("adjustment", [(county, "")])
        if delta is None:
            return done if versions.withdraw(conn, signer, record, entity="adjustment") is not None else NOTHING
        value = _number(delta, "delta")
        if abs(value) > MAX_ADJUSTMENT or value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise InputError.single("delta", "out_of_range", f"{delta} must be between -100 and 100 with at most 2 decimals")
        if not reason.strip():
            raise InputError.single("reason", "no_reason", "an adjustment needs a reason")
        payload = {"county": county, "delta": canonical(value), "reason": reason.strip()}
        return done if versions.put(conn, signer, entity="adjustment", record_id=record, payload=payload) is not None else NOTHING
