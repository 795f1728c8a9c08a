"""A laptop's database and its private keys encrypted at rest (issue 21, points 2 and 3): what a
finder of the laptop's disk, or of a copy of its files, can and cannot read, and that nothing is
lost on the way (a plain file converted, a bare key file rewritten)."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from commands import run
from sqlalchemy import text

from db import blobs, cipher, integrity, keys, migrations, seal, vault
from db.errors import KeyNeeded
from desktop import paths
from desktop.services import protection, records
from desktop.services.workspace import Workspace, create, open_workspace

FINDING = "公告栏未更新政务公开目录"
PHOTO = b"\xff\xd8\xff\xe0 a photo of a notice board " * 2000


def filled(path: Path, *, encrypt: bool | None = None) -> Workspace:
    ws = create(path, role="field", inspector="张三", encrypt=encrypt)
    county = ws.campaign.counties[0].code
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        assert records.set_score(conn, signer, ws, county=county, item="1.1.1", inspector="张三", score=Decimal("2"), comment=FINDING)
        photo = path.with_name("photo.jpg")
        photo.write_bytes(PHOTO)
        blobs.put_file(conn, photo, "image/jpeg")  # streamed in (blobopen), as the photo import does
    return ws


def contents(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    with ws.read() as conn:
        return {
            table: sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {table}")))
            for table in ("version", "version_parent", "device", "blob", "current_score", "local_state", "manifest")
        }


def on_disk(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name))


def test_a_laptops_database_is_encrypted_and_opens_with_its_key_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = filled(tmp_path / "张三.db")
    assert ws.database.encrypted
    before = contents(ws)
    ws.close()
    data = on_disk(tmp_path / "张三.db")  # the file, its WAL
    assert not data.startswith(cipher.PLAIN_MAGIC)
    for clear in (FINDING.encode(), PHOTO[:40], "张三".encode(), b"CREATE TABLE"):
        assert clear not in data
    with pytest.raises(sqlite3.DatabaseError):  # a SQLite tool sees no database
        sqlite3.connect(tmp_path / "张三.db").execute("SELECT * FROM sqlite_master").fetchall()
    with open_workspace(tmp_path / "张三.db") as again:  # with its key (this computer's store)
        assert contents(again) == before
    # the same file on another computer (another keys folder, another store's item)
    vault.forget()
    other = tmp_path / "elsewhere"
    shutil.copytree(paths.keys_dir(), other / "keys")  # even with the keys folder: its key is in this computer's store
    shutil.rmtree(paths.config_dir())
    code, out, err = run(capsys, "results", tmp_path / "张三.db")
    assert code == 2 and out == ""
    assert str(tmp_path / "张三.db") in err and "encrypted" in err and "Traceback" not in err


def test_a_store_that_lost_the_key_is_said_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    filled(tmp_path / "张三.db").close()
    vault.forget()
    store = Path(__import__("os").environ["YANSHOU_TEST_KEYRING"])
    shutil.rmtree(store)
    with pytest.raises(KeyNeeded) as lost:
        open_workspace(tmp_path / "张三.db")
    assert lost.value.code == "store_lost"
    code, _out, err = run(capsys, "verify", tmp_path / "张三.db")
    assert code == 2 and "protected store" in err and "Traceback" not in err


@pytest.fixture
def no_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """A computer without a protected store (a Linux with no desktop keyring)."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.protected_store.NoStore")
    vault.forget()


@pytest.mark.usefixtures("no_store")
def test_without_a_store_a_passphrase_protects_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert protection.must_choose_passphrase()
    code, out, _ = run(capsys, "init", tmp_path / "plain.db", "--role", "field", "--inspector", "李四")
    assert code == 0 and "NOT ENCRYPTED" in out  # no store, no passphrase: in the clear, and said so
    assert not cipher.is_encrypted(tmp_path / "plain.db")
    protection.unlock("a long passphrase")  # chosen (the window's dialog, the terminal's prompt)
    assert vault.protection(paths.keys_dir()).method == vault.PASSPHRASE
    ws = filled(tmp_path / "张三.db")
    assert ws.database.encrypted and keys.is_protected(keys.key_path(paths.keys_dir(), ws.identity.device_id))
    before = contents(ws)
    ws.close()
    vault.forget()  # the next run of the program
    assert protection.needs_passphrase()
    with pytest.raises(KeyNeeded) as needed:
        open_workspace(tmp_path / "张三.db")
    assert needed.value.code == "passphrase_needed" and str(tmp_path / "张三.db") in str(needed.value)
    code, _out, err = run(capsys, "results", tmp_path / "张三.db")
    assert code == 2 and "passphrase" in err and "YANSHOU_PASSPHRASE" in err and "Traceback" not in err
    with pytest.raises(KeyNeeded) as wrong:
        protection.unlock("not the passphrase")
    assert wrong.value.code == "wrong_passphrase"
    protection.unlock("a long passphrase")
    with open_workspace(tmp_path / "张三.db") as again:
        assert contents(again) == before
    vault.forget()
    __import__("os").environ[vault.PASSPHRASE_VARIABLE] = "a long passphrase"  # a script's
    try:
        assert run(capsys, "verify", tmp_path / "张三.db")[0] == 0
    finally:
        del __import__("os").environ[vault.PASSPHRASE_VARIABLE]


def test_a_plain_laptop_database_is_converted_once_losing_nothing(tmp_path: Path) -> None:
    path = tmp_path / "张三.db"
    ws = filled(path, encrypt=False)  # as an older version made it
    assert not ws.database.encrypted
    before = contents(ws)
    ws.close()
    old_backup = migrations.backup_name(path, 3)
    migrations.backup(path, old_backup)  # a schema upgrade's backup beside it, plain too
    with open_workspace(path) as ws:
        assert ws.database.encrypted
        assert contents(ws) == before  # every record, blob and manifest
        with ws.read() as conn:
            report = integrity.check_signatures(conn)
        assert report.intact and report.checked == len(before["version"]) > 0
        assert integrity.check_projection(ws.database).equal
        with ws.read() as conn:
            assert b"".join(blobs.read(conn, hashlib.sha256(PHOTO).hexdigest())) == PHOTO
    assert cipher.is_encrypted(path) and cipher.is_encrypted(old_backup)
    assert FINDING.encode() not in on_disk(path) and FINDING.encode() not in old_backup.read_bytes()
    assert not cipher.encrypted_name(path).exists()


def test_a_conversion_that_fails_leaves_the_plain_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "张三.db"
    ws = filled(path, encrypt=False)
    before = contents(ws)
    ws.close()
    from db import files

    def fail(_partial: Path, _target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "replace", fail)  # the last step, the switch, fails
    with open_workspace(path) as ws:  # opened in the clear, as it was, to be converted at a later open
        assert not ws.database.encrypted and contents(ws) == before
    assert not cipher.encrypted_name(path).exists()
    monkeypatch.undo()


def test_a_master_is_encrypted_by_choice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    master = tmp_path / "master.db"
    assert run(capsys, "init", master, "--role", "master")[0] == 0
    assert not cipher.is_encrypted(master)  # a master stays in the clear unless asked
    code, out, _ = run(capsys, "encrypt", master)
    assert code == 0 and "encrypted" in out and cipher.is_encrypted(master)
    code, out, _ = run(capsys, "init", tmp_path / "m2.db", "--role", "master", "--encrypt")
    assert code == 0 and "encrypted at rest" in out and cipher.is_encrypted(tmp_path / "m2.db")
    assert run(capsys, "verify", master)[0] == 0


def test_the_device_key_file_holds_no_private_key_in_the_clear(tmp_path: Path) -> None:
    ws = filled(tmp_path / "张三.db")
    device = ws.identity.device_id
    key_file = keys.key_path(paths.keys_dir(), device)
    data = key_file.read_bytes()
    assert data.startswith(keys.ENCRYPTED_PEM) and b"BEGIN PRIVATE KEY" not in data
    from cryptography.hazmat.primitives import serialization

    with pytest.raises(TypeError):  # no password, no key
        serialization.load_pem_private_key(data, password=None)
    sealing = seal.sealing_key(paths.keys_dir(), device, create=True)
    assert sealing is not None and keys.is_protected(seal.key_path(paths.keys_dir(), device))
    with ws.write() as conn:  # and the program signs with it
        ws.database.signer(paths.keys_dir(), conn)
    ws.close()


def test_an_old_bare_key_file_is_converted_once(tmp_path: Path) -> None:
    ws = filled(tmp_path / "张三.db")
    device = ws.identity.device_id
    key_file = keys.key_path(paths.keys_dir(), device)
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
    from cryptography.hazmat.primitives import serialization

    bare = signer.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    key_file.write_bytes(bare)  # as an older version wrote it
    with ws.write() as conn:
        again = ws.database.signer(paths.keys_dir(), conn)  # still signs: the same key
    assert again.public_der == signer.public_der
    assert keys.is_protected(key_file) and b"BEGIN PRIVATE KEY" not in key_file.read_bytes()
    assert key_file.stat().st_mode & 0o077 == 0 or __import__("os").name == "nt"
    ws.close()
