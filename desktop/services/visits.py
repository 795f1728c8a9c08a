"""检查地点 and 检查日期: where and when an inspector inspected a county, entered by the
inspector for the county's record (desktop.core.visits has the rules). The printed record
prints them as entered; its signatures cover them (they are part of the record's
fingerprint, desktop.services.signatures)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from sqlalchemy import Connection

from db import inspection_queries, versions
from desktop import paths
from desktop.core import visits
from desktop.core.errors import InputError
from desktop.core.visits import Visit
from desktop.services.changes import NOTHING, Changes
from desktop.services.items import _inspector
from desktop.services.workspace import Workspace


def visit_id(ws: Workspace, county: str, inspector: str) -> str:
    return versions.natural_id(ws.campaign.id, "visit", county, inspector)


def entered(conn: Connection, county: str) -> dict[str, Visit]:
    """Every inspector's visit to the county as stored, by inspector, on the caller's connection."""
    return {r.inspector: visits.read(asdict(r)) for r in inspection_queries.visits(conn, county)}


def of_county(ws: Workspace, county: str) -> dict[str, Visit]:
    """Every inspector's visit to the county, by inspector (on a laptop: what it holds)."""
    with ws.read() as conn:
        return entered(conn, county)


def visit(ws: Workspace, county: str) -> Visit | None:
    """This laptop's inspector's visit to the county, None while not entered."""
    return of_county(ws, county).get(_inspector(ws))


def suggested(ws: Workspace, county: str, today: dt.date | None = None) -> Visit:
    """What the form offers while nothing is entered: no place (the inspector writes it), and
    the days this inspector's work on the county was written, or today."""
    who = _inspector(ws)
    with ws.read() as conn:
        span = inspection_queries.work_span(conn, county, who)
    if span is None:
        day = today or dt.date.today()
        return Visit("", day, day)
    first, last = (versions.written_at(hlc).date() for hlc in (span.earliest, span.latest))
    return Visit("", first, last)


def save(ws: Workspace, county: str, place: str, first_day: dt.date, last_day: dt.date) -> Changes:
    """Enter (or change) where and when this laptop's inspector inspected the county; what it
    changed (nothing when it was so already). Bad values are an InputError naming the field."""
    who = _inspector(ws)
    ws.campaign.county(county)
    entered = Visit(" ".join(place.split()), first_day, last_day)
    payload = entered.payload(county, who)
    refused = visits.refusal(payload)
    if refused is not None:
        raise InputError.single("visit", *refused)
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        written = versions.put(conn, signer, entity="visit", record_id=visit_id(ws, county, who), payload=payload)
    return Changes.of("visit", [(county, "")]) if written is not None else NOTHING


__all__ = ["entered", "of_county", "save", "suggested", "visit", "visit_id"]
