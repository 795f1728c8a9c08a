"""Export: a consistent, self-contained, verified copy of a database that is in use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db import versions
from db.database import Database
from db.errors import KnownDatabaseError, NotYanshouDatabase
from db.snapshot import Snapshot, file_sha256
from db.snapshot import export as export_db


def export(db: Database | Path, target: Path) -> Snapshot:
    """Export with the field database's key (the tests keep keys under tmp_path/keys)."""
    if isinstance(db, Path):
        db = Database.open(db)
    keys_dir = db.path.parent / "keys"
    with db.read() as conn:
        signer = db.signer(keys_dir, conn)
    return export_db(db, signer, target, created="2026-11-27T00:00:00+00:00")


def _score(db, keys_dir: Path, campaign, value: str) -> None:
    with db.write() as conn:
        signer = db.signer(keys_dir, conn)
        versions.put(
            conn, signer, entity="score",
            record_id=versions.natural_id(campaign.id, "score", "341502", "1.1.1", "张三"),
            payload={"county": "341502", "item": "1.1.1", "inspector": "张三", "score": value},
        )


def test_export_while_open_is_whole_and_self_contained(field_db, campaign, tmp_path: Path) -> None:
    app = sqlite3.connect(field_db.path)  # the app holds the file open: the next commit stays in the WAL
    try:
        app.execute("SELECT count(*) FROM version").fetchone()
        _score(field_db, tmp_path / "keys", campaign, "2")
        assert Path(str(field_db.path) + "-wal").stat().st_size > 0
        out = export(field_db, tmp_path / "stick" / "export.db")
    finally:
        app.close()
    assert out.versions == 1
    assert out.sha256 == file_sha256(out.path)
    assert not Path(str(out.path) + "-wal").exists()
    assert not Path(str(out.path) + ".partial").exists()
    copy = sqlite3.connect(out.path)
    try:
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert copy.execute("SELECT score FROM current_score").fetchone()[0] == "2"
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        copy.close()


def test_export_refuses_a_foreign_file_and_itself(field_db, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(NotYanshouDatabase):
        export(junk, tmp_path / "out.db")
    assert not (tmp_path / "out.db").exists()
    with pytest.raises(KnownDatabaseError):
        export(field_db, field_db.path)


def test_a_medium_that_lies_is_caught(field_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from db import snapshot

    real_copy = snapshot.files.copy

    def lying_copy(src: Path, dst: Path) -> str:
        digest = real_copy(src, dst)  # what was handed to the stick
        with open(dst, "r+b") as f:  # a stick that flips a byte on the way
            f.seek(200)
            byte = f.read(1)
            f.seek(200)
            f.write(bytes([byte[0] ^ 0xFF]))
        return digest

    monkeypatch.setattr(snapshot.files, "copy", lying_copy)
    with pytest.raises(KnownDatabaseError, match="reads back different"):
        export(field_db, tmp_path / "out.db")
