"""Creating and opening a database: header, settings, reference data, device key."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from dbutil import NOW, put_score
from sqlalchemy import text

from db import keys, migrations, reference
from db.database import Database
from db.errors import DeviceKeyMissing


def test_header_application_id_and_user_version(field_db: Database) -> None:
    assert migrations.header(field_db.path) == (0x59534855, migrations.SCHEMA_VERSION)
    assert migrations.APPLICATION_ID == 0x59534855


def test_journal_mode_wal_and_pragmas(field_db: Database) -> None:
    with field_db.read() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA application_id")).scalar() == 0x59534855
        assert conn.execute(text("PRAGMA user_version")).scalar() == migrations.SCHEMA_VERSION


def test_reference_rows(field_db: Database, campaign) -> None:
    with field_db.read() as conn:
        rows = conn.execute(text("SELECT id, key, name FROM campaign")).all()
        assert rows == [(reference.campaign_id(campaign.id), campaign.id, campaign.name)]
        assert conn.execute(text("SELECT count(*) FROM indicator")).scalar() == 56
        assert conn.execute(text("SELECT count(*) FROM county")).scalar() == 7
        codes = conn.execute(text("SELECT code FROM county ORDER BY position")).scalars().all()
        assert codes == [c.code for c in campaign.counties]
        stored = reference.load(conn, reference.campaign_id(campaign.id))
    assert stored is not None and stored.document == campaign.to_document()


def test_identity(field_db: Database, campaign) -> None:
    with field_db.read() as conn:
        ident = field_db.identity(conn)
    assert ident.role == "field" and ident.inspector == "张三"
    assert ident.campaign_id == reference.campaign_id(campaign.id)


def test_reference_ids_identical_across_databases(make_db) -> None:
    a = make_db("a.db", "ka")
    b = make_db("b.db", "kb")

    def ref(db: Database):
        with db.read() as conn:
            return (
                conn.execute(text("SELECT id, code FROM county ORDER BY code")).all(),
                conn.execute(text("SELECT id, code, parent_code FROM indicator ORDER BY code")).all(),
                conn.execute(text("SELECT id, sha256, document FROM campaign")).all(),
                conn.execute(text("SELECT value FROM local_state WHERE key='device_id'")).scalar(),
            )

    ra, rb = ref(a), ref(b)
    assert ra[0] == rb[0] and len(ra[0]) == 7
    assert ra[1] == rb[1] and len(ra[1]) == 56
    assert ra[2] == rb[2]
    assert ra[3] != rb[3]  # but each file is its own device


def test_private_key_outside_database(field_db: Database, tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    with field_db.read() as conn:
        device = field_db.identity(conn).device_id
    key_file = keys.key_path(keys_dir, device)
    assert key_file.is_file()
    assert key_file.parent != field_db.path.parent
    if os.name == "posix":  # owner-only by its mode; Windows has ACLs instead (issue T2-7: not built yet)
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # a few writes, so the database file has content beyond the schema
    from dbutil import CAMPAIGN_FILE, load_campaign

    c = load_campaign(CAMPAIGN_FILE)
    for i in range(3):
        put_score(field_db, keys_dir, c, "341502", "1.1.1", f"{i}.5")
    field_db.close()
    pem = key_file.read_bytes()
    blob = b"".join(p.read_bytes() for p in field_db.path.parent.iterdir() if p.name.startswith(field_db.path.name))
    assert pem not in blob
    # nor the raw private scalar
    signer = keys.load_key(keys_dir, device, field_db.path)
    scalar = signer.private_key.private_numbers().private_value.to_bytes(32, "big")
    assert scalar not in blob
    assert b"PRIVATE KEY" not in blob
    # the public key is in the device row
    with field_db.read() as conn:
        assert bytes(conn.execute(text("SELECT public_key FROM device")).scalar()) == signer.public_der


def test_signer_without_key_raises(field_db: Database, tmp_path: Path) -> None:
    path = field_db.path
    field_db.close()
    db = Database.open(path)
    try:
        with db.read() as conn, pytest.raises(DeviceKeyMissing):
            db.signer(tmp_path / "other-keys", conn)
        with db.read() as conn:
            assert db.signer(tmp_path / "keys", conn).device_id == db.identity(conn).device_id
    finally:
        db.close()


def test_open_existing_keeps_data(field_db: Database, campaign, tmp_path: Path) -> None:
    put_score(field_db, tmp_path / "keys", campaign, "341502", "1.1.1", "2.5")
    path = field_db.path
    field_db.close()
    db = Database.open(path)
    try:
        with db.read() as conn:
            assert conn.execute(text("SELECT score FROM current_score")).scalars().all() == ["2.5"]
        assert migrations.header(path) == (0x59534855, migrations.SCHEMA_VERSION)
    finally:
        db.close()


def test_create_master_without_inspector(campaign, tmp_path: Path) -> None:
    from dbutil import create_db

    db = create_db(campaign, tmp_path / "m.db", tmp_path / "keys", inspector=None, role="master")
    try:
        with db.read() as conn:
            ident = db.identity(conn)
        assert ident.role == "master" and ident.inspector is None
    finally:
        db.close()
    assert NOW
    assert os.path.exists(tmp_path / "m.db")


def test_keys_of_an_earlier_version_move_once_to_the_local_profile(tmp_path: Path) -> None:
    from desktop import paths

    old, new = tmp_path / "Roaming" / "Yanshou" / "keys", tmp_path / "Local" / "Yanshou" / "keys"
    old.mkdir(parents=True)
    (old / "a.pem").write_bytes(b"key a")
    new.mkdir(parents=True)
    (new / "b.pem").write_bytes(b"key b, already here")
    (old / "b.pem").write_bytes(b"an older copy of b")
    paths._move_keys(old, new)
    assert (new / "a.pem").read_bytes() == b"key a"
    assert (new / "b.pem").read_bytes() == b"key b, already here"  # never overwritten
    assert not old.exists()
    if os.name == "posix":
        assert stat.S_IMODE((new / "a.pem").stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "nt", reason="Windows: the key's owner-only ACL (POSIX: its mode, tested above)")
def test_the_key_file_grants_its_owner_alone_on_windows(field_db: Database, tmp_path: Path) -> None:  # pragma: no cover
    import subprocess

    with field_db.read() as conn:
        device = field_db.identity(conn).device_id
    listed = subprocess.run(["icacls", str(keys.key_path(tmp_path / "keys", device))], capture_output=True, text=True, check=True)
    granted = [line for line in listed.stdout.splitlines()[:-2] if ":" in line]
    assert len(granted) == 1 and os.environ["USERNAME"].lower() in granted[0].lower()


def test_a_database_on_a_network_share_is_refused_pointing_to_the_server_master(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from db import files
    from db.errors import OnNetworkShare
    from desktop.services import workspace

    assert files.on_network(Path("\\\\\\\\server\\\\share\\\\master.db")) and files.on_network(Path("//server/share/master.db"))
    with workspace.create(tmp_path / "m.db", role="master"):
        pass
    monkeypatch.setattr(files, "filesystem", lambda _folder: "cifs")  # as a mapped share's mount reads
    with pytest.raises(OnNetworkShare, match="PostgreSQL"):
        workspace.open_workspace(tmp_path / "m.db")
    with pytest.raises(OnNetworkShare):
        workspace.create(tmp_path / "new.db", role="master")
    assert not (tmp_path / "new.db").exists()
