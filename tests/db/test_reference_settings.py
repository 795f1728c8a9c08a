"""The campaign's settings record: one id per campaign on every machine, its current payload
read through the projection, withdrawn like any record, and the reference data untouched
(so a laptop and the master still hold the same campaign by its hash)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from db import projection, reference, versions
from db.database import Database

WEIGHTS = {"weights": {"self-check": "0.2", "third-party": "0.3", "inspection": "0.5"}}


def campaign_row(db: Database) -> tuple:
    with db.read() as conn:
        return tuple(conn.execute(text("SELECT id, key, document, sha256 FROM campaign")).one())


def test_one_settings_record_per_campaign_everywhere() -> None:
    assert reference.settings_id("luan-2018") == reference.settings_id("luan-2018")
    assert reference.settings_id("luan-2018") != reference.settings_id("hefei-2019")
    assert reference.settings_id("luan-2018") != versions.natural_id("luan-2018", "score", "341502", "1.1.1", "张三")


def test_settings_are_read_through_the_projection(make_db, campaign, tmp_path: Path) -> None:
    field_db = make_db("m.db", inspector=None, role="master")  # the lead's settings: a master's to write
    before = campaign_row(field_db)
    record = reference.settings_id(campaign.id)
    with field_db.read() as conn:
        assert reference.load_settings(conn, campaign.id) is None
    with field_db.write() as conn:
        signer = field_db.signer(tmp_path / "keys", conn)
        versions.put(conn, signer, entity=reference.SETTINGS_ENTITY, record_id=record, payload=WEIGHTS)
    with field_db.read() as conn:
        assert reference.load_settings(conn, campaign.id) == WEIGHTS
    with field_db.engine.connect() as conn, conn.begin() as tx:  # rebuilt from the versions alone: the same
        projection.rebuild(conn)
        assert reference.load_settings(conn, campaign.id) == WEIGHTS
        tx.rollback()
    with field_db.write() as conn:
        signer = field_db.signer(tmp_path / "keys", conn)
        assert versions.withdraw(conn, signer, record, entity=reference.SETTINGS_ENTITY) is not None
    with field_db.read() as conn:
        assert reference.load_settings(conn, campaign.id) is None  # back to the campaign file's settings
    assert campaign_row(field_db) == before  # the reference data never changes
