"""Helpers for the data-layer tests: field databases built from the built-in campaign."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from db import reference, versions
from db.database import Database
from desktop.core.campaign import Campaign, load_campaign

ROOT = Path(__file__).resolve().parents[2]
CAMPAIGN_FILE = ROOT / "resources" / "campaigns" / "luan-2018.toml"
NOW = "2026-11-27T00:00:00"


@pytest.fixture(scope="session")
def campaign() -> Campaign:
    return load_campaign(CAMPAIGN_FILE)


def create_db(c: Campaign, path: Path, keys_dir: Path, inspector: str | None = "张三", role: str = "field") -> Database:
    return Database.create(
        path,
        role=role,
        keys_dir=keys_dir,
        inspector=inspector,
        campaign_key=c.id,
        campaign_name=c.name,
        document=c.to_document(),
        indicators=[reference.IndicatorNode(n.code, int(n.level), n.parent, n.name, str(n.points)) for n in c.indicator_set.nodes],
        counties=[reference.CountyEntry(x.code, x.name, x.pilot_areas) for x in c.counties],
        now=NOW,
    )


@pytest.fixture
def make_db(campaign: Campaign, tmp_path: Path) -> Iterator[Callable[..., Database]]:
    """Create databases (field laptops unless asked) under tmp_path; every one is closed at teardown."""
    made: list[Database] = []

    def make(name: str = "f.db", keys: str = "keys", inspector: str | None = "张三", role: str = "field") -> Database:
        db = create_db(campaign, tmp_path / name, tmp_path / keys, inspector, role)
        made.append(db)
        return db

    yield make
    for db in made:
        db.close()


@pytest.fixture
def field_db(make_db: Callable[..., Database]) -> Database:
    return make_db()


def score_id(c: Campaign, county: str, item: str, inspector: str = "张三") -> str:
    return versions.natural_id(c.id, "score", county, item, inspector)


def put_score(  # noqa: PLR0917
    db: Database, keys_dir: Path, c: Campaign, county: str, item: str, score: str, *, inspector: str = "张三", deleted: bool = False
) -> versions.Version | None:
    with db.write() as conn:
        signer = db.signer(keys_dir, conn)
        return versions.put(
            conn,
            signer,
            entity="score",
            record_id=score_id(c, county, item, inspector),
            payload={"county": county, "item": item, "inspector": inspector, "score": score},
            deleted=deleted,
        )


def copy_device(src: Database, dst: Database) -> None:
    """Make dst know src's device (as enrolment would), so its versions can be inserted."""
    with src.read() as conn:
        rows = conn.execute(text("SELECT id, role, inspector, public_key, fingerprint, enrolled_at FROM device")).all()
    with dst.write() as conn:
        for r in rows:
            conn.execute(
                text(
                    "INSERT INTO device(id, role, inspector, public_key, fingerprint, enrolled_at) "
                    "VALUES (:id, :role, :i, :k, :f, :e) ON CONFLICT(id) DO NOTHING"
                ),
                {"id": r[0], "role": r[1], "i": r[2], "k": r[3], "f": r[4], "e": r[5]},
            )


def table_rows(db: Database, table: str) -> list[tuple]:
    with db.read() as conn:
        return sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {table}")).all())


def public_key(db: Database, device_id: str) -> bytes:
    with db.read() as conn:
        return bytes(conn.execute(text("SELECT public_key FROM device WHERE id = :d"), {"d": device_id}).scalar())
