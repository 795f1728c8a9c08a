"""Opening and creating databases: the campaign a database holds and who writes in it."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from db import reference
from db.database import Database, Identity
from db.errors import KnownDatabaseError
from desktop import paths
from desktop.core.campaign import Campaign, load_campaign, parse_campaign
from desktop.core.indicators import load_indicator_set

ROLES = ("field", "master")


@dataclass
class Workspace:
    """An open database with its campaign, parsed once from the reference data it holds."""

    database: Database
    campaign: Campaign
    identity: Identity

    @property
    def path(self) -> Path:
        return self.database.path

    def write(self) -> AbstractContextManager[Connection]:
        return self.database.write()

    def read(self) -> AbstractContextManager[Connection]:
        return self.database.read()

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def load_campaign_file(path: Path | None) -> Campaign:
    """A campaign file, its indicator set looked up beside it, then among the built-in ones."""
    if path is None:
        path = paths.builtin_campaign()

    def resolve(name: str):  # type: ignore[no-untyped-def]
        beside = path.parent.parent / "indicator_sets" / f"{name}.toml"
        return load_indicator_set(beside if beside.exists() else paths.indicator_set_file(name))

    return load_campaign(path, resolve)


def create(path: Path, *, role: str, campaign_file: Path | None = None, inspector: str | None = None) -> Workspace:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    campaign = load_campaign_file(campaign_file)
    database = Database.create(
        path,
        role=role,
        keys_dir=paths.keys_dir(),
        inspector=inspector.strip() if inspector else None,
        campaign_key=campaign.id,
        campaign_name=campaign.name,
        document=campaign.to_document(),
        indicators=[
            reference.IndicatorNode(n.code, int(n.level), n.parent, n.name, str(n.points)) for n in campaign.indicator_set.nodes
        ],
        counties=[reference.CountyEntry(c.code, c.name, c.pilot_areas) for c in campaign.counties],
        now=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    with database.read() as conn:
        identity = database.identity(conn)
    return Workspace(database, campaign, identity)


def open_workspace(path: Path, *, check: bool = True) -> Workspace:
    database = Database.open(path, check=check)
    try:
        with database.read() as conn:
            identity = database.identity(conn)
            stored = reference.load(conn, identity.campaign_id)
        if stored is None:
            raise KnownDatabaseError(path, "the database holds no campaign")
        campaign = parse_campaign(stored.document, f"{path} (campaign)")
    except BaseException:
        database.close()
        raise
    return Workspace(database, campaign, identity)
