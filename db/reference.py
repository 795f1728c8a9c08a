"""Reference data: the campaign, its indicator set and counties; and the lead's settings.

Identifiers derive from the campaign's key (uuid5), never from a random draw, so every
machine that starts from the same campaign file computes the same ones. The campaign is
also kept whole as canonical JSON, with its SHA-256: two databases hold the same
reference data exactly when the hashes agree.

The reference data never changes after `init`. What the lead changes later (counties,
weights, grading, timeline) is one record of the version set, `campaign_settings`, signed
by a master and merged like any work record; the application lays it over the reference.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from db import canonical, peek, projection

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://yanshou.invalid/campaign")
SETTINGS_ENTITY = peek.SETTINGS_ENTITY  # not a field laptop's to sign (db.merge refuses it from one)


def campaign_id(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, key))


def child_id(campaign: str, kind: str, code: str) -> str:
    return str(uuid.uuid5(uuid.UUID(campaign), f"{kind}:{code}"))


@dataclass(frozen=True)
class IndicatorNode:
    code: str
    level: int
    parent_code: str | None
    name: str
    points: str


@dataclass(frozen=True)
class CountyEntry:
    code: str
    name: str
    pilot_areas: tuple[str, ...]


@dataclass(frozen=True)
class StoredCampaign:
    id: str
    key: str
    name: str
    document: dict[str, Any]
    sha256: str


def store(
    conn: Connection,
    *,
    key: str,
    name: str,
    document: dict[str, Any],
    indicators: Sequence[IndicatorNode],
    counties: Sequence[CountyEntry],
) -> StoredCampaign:
    """Write (or replace) a campaign's reference data, in the caller's transaction."""
    cid = campaign_id(key)
    body = canonical.dumps(document)
    sha = canonical.digest(body.encode("utf-8"))
    conn.execute(text("DELETE FROM indicator WHERE campaign_id = :c"), {"c": cid})
    conn.execute(text("DELETE FROM county WHERE campaign_id = :c"), {"c": cid})
    conn.execute(
        text(
            "INSERT INTO campaign(id, key, name, document, sha256) VALUES (:id, :key, :name, :doc, :sha) "
            "ON CONFLICT(id) DO UPDATE SET name = excluded.name, document = excluded.document, sha256 = excluded.sha256"
        ),
        {"id": cid, "key": key, "name": name, "doc": body, "sha": sha},
    )
    if not indicators or not counties:
        raise ValueError("a campaign needs indicators and counties")
    conn.execute(
        text(
            "INSERT INTO indicator(id, campaign_id, code, level, parent_code, name, points, position) "
            "VALUES (:id, :c, :code, :level, :parent, :name, :points, :pos)"
        ),
        [
            {"id": child_id(cid, "indicator", n.code), "c": cid, "code": n.code, "level": n.level,
             "parent": n.parent_code, "name": n.name, "points": n.points, "pos": i}
            for i, n in enumerate(indicators)
        ],
    )
    conn.execute(
        text(
            "INSERT INTO county(id, campaign_id, code, name, position, pilot_areas) "
            "VALUES (:id, :c, :code, :name, :pos, :areas)"
        ),
        [
            {"id": child_id(cid, "county", c.code), "c": cid, "code": c.code, "name": c.name, "pos": i,
             "areas": json.dumps(list(c.pilot_areas), ensure_ascii=False)}
            for i, c in enumerate(counties)
        ],
    )
    return StoredCampaign(cid, key, name, document, sha)


_CAMPAIGN_ROW = text(peek.CAMPAIGN_ROW)


def load(conn: Connection, cid: str) -> StoredCampaign | None:
    row = conn.execute(_CAMPAIGN_ROW, {"c": cid}).first()
    if row is None:
        return None
    return StoredCampaign(row[0], row[1], row[2], json.loads(row[3]), row[4])


settings_id = peek.settings_id  # the one settings record of a campaign, the same on every machine


def load_settings(conn: Connection, campaign_key: str) -> dict[str, Any] | None:
    """The campaign's current settings payload (a soft conflict's field-wise merge, a hard
    one's provisional winner), or None when the lead never changed anything."""
    current = projection.current(conn, settings_id(campaign_key))
    if current is None or current.deleted:
        return None
    return current.payload
