"""A laptop's database and its private keys encrypted at rest (issue 21, points 2 and 3): what a
finder of the laptop's disk, or of a copy of its files, can and cannot read, and that nothing is
lost on the way (a plain file converted, a bare key file rewritten)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from commands import run
from sqlalchemy import text

from db import blobs, cipher, engine, integrity, keys, migrations, seal, vault
from db.errors import DatabaseCorrupt, KeyNeeded
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


@pytest.mark.parametrize("encrypt", [False, True], ids=["plain", "encrypted"])
def test_bytes_stored_whole_come_back_byte_for_byte_once(tmp_path: Path, encrypt: bool) -> None:
    """A camera photo held in memory is written into its row's zeroblob (db.blobs.put_bytes), a
    small one bound to the INSERT; either reads back as it was, and the same bytes again add no row."""
    photo, sketch = os.urandom(blobs.WRITTEN_INTO_FROM * 13 + 7), os.urandom(blobs.WRITTEN_INTO_FROM - 1)
    with create(tmp_path / "张三.db", role="field", inspector="张三", encrypt=encrypt) as ws:
        assert ws.database.encrypted == encrypt
        with ws.write() as conn:
            shas = [blobs.put_bytes(conn, data, "image/jpeg") for data in (photo, sketch, photo, sketch)]
        with ws.read() as conn:
            assert b"".join(blobs.read(conn, shas[0])) == photo and b"".join(blobs.read(conn, shas[1])) == sketch
            assert conn.execute(text("SELECT count(*) FROM blob")).scalar() == 2
    assert shas == [hashlib.sha256(photo).hexdigest(), hashlib.sha256(sketch).hexdigest()] * 2
    if encrypt:
        assert photo[1000:1040] not in on_disk(tmp_path / "张三.db")


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


def opens_with(path: Path, key: cipher.Key, hmac: str) -> bool:
    """Whether the file opens with its key and this HMAC alone, no other tried (a raw
    SQLCipher connection, as another tool would make it)."""
    conn = cipher.dbapi().connect(str(path))
    try:
        conn.execute(f"PRAGMA key = {key.pragma}")
        conn.execute(f"PRAGMA cipher_page_size = {cipher.PAGE_SIZE}")
        conn.execute(f"PRAGMA cipher_hmac_algorithm = {hmac}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    except cipher.errors("DatabaseError"):
        return False
    finally:
        conn.close()
    return True


# An encrypted file rewritten as the versions before HMAC-SHA256 wrote it: sqlcipher_export
# into a file ATTACHed with SQLCipher 4's own defaults (HMAC-SHA512), in a process of its own
# (SQLCipher's defaults are the process's, and db.cipher sets them), same key and salt.
_AS_BEFORE = """
import sys
from sqlcipher3 import dbapi2
source, target, hmac, key = sys.argv[1], sys.argv[2], sys.argv[3], sys.stdin.read()
conn = dbapi2.connect(source, isolation_level=None)
conn.execute("PRAGMA cipher_default_page_size = 65536")
conn.execute(f"PRAGMA key = {key}")
conn.execute("PRAGMA cipher_page_size = 65536")
conn.execute(f"PRAGMA cipher_hmac_algorithm = {hmac}")
numbers = [conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("application_id", "user_version")]
conn.execute(f"ATTACH DATABASE ? AS copy KEY {key}", (target,))
conn.execute("PRAGMA copy.cipher_page_size = 65536")
conn.execute("SELECT sqlcipher_export('copy')")
conn.execute(f"PRAGMA copy.application_id = {numbers[0]}")
conn.execute(f"PRAGMA copy.user_version = {numbers[1]}")
conn.execute("DETACH DATABASE copy")
conn.close()
"""


def with_sqlcipher_4_defaults(path: Path, key: cipher.Key) -> None:
    made = path.with_name(path.name + ".old")
    subprocess.run([sys.executable, "-c", _AS_BEFORE, str(path), str(made), cipher.HMAC], input=key.pragma, text=True, check=True)
    made.replace(path)
    assert opens_with(path, key, cipher.LEGACY_HMAC) and not opens_with(path, key, cipher.HMAC)


def wrong_key(key: cipher.Key) -> cipher.Key:
    return cipher.Key(bytes(b ^ 1 for b in key.raw), key.salt)


def test_new_encrypted_files_use_hmac_sha256(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = filled(tmp_path / "张三.db")  # a new laptop's database
    key = ws.database.key
    assert key is not None
    migrations.backup(ws.path, tmp_path / "backup.db", key)  # a copy made with its key
    ws.close()
    converted = filled(tmp_path / "李四.db", encrypt=False)  # a plain file converted at its next open
    converted.close()
    with open_workspace(tmp_path / "李四.db") as again:
        assert again.database.key is not None
        converted_key = again.database.key
    assert run(capsys, "init", tmp_path / "master.db", "--role", "master", "--encrypt")[0] == 0
    master_key = cipher_key(tmp_path / "master.db")
    for path, its_key in ((tmp_path / "张三.db", key), (tmp_path / "backup.db", key), (tmp_path / "李四.db", converted_key),
                          (tmp_path / "master.db", master_key)):
        assert opens_with(path, its_key, cipher.HMAC), path.name
        assert not opens_with(path, its_key, cipher.LEGACY_HMAC), path.name  # SQLCipher 4's defaults alone do not open it


def cipher_key(path: Path) -> cipher.Key:
    from db.database import file_key

    key = file_key(path, paths.keys_dir())
    assert key is not None
    return key


def test_a_file_encrypted_with_sqlcipher_4_defaults_still_opens_and_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "张三.db"
    ws = filled(path)
    key = ws.database.key
    assert key is not None
    before = contents(ws)
    ws.close()
    with_sqlcipher_4_defaults(path, key)  # as an earlier version made it
    for later in (True, False):  # the window's start (db.peek's first read), then the full open
        with open_workspace(path, later=later) as ws:
            assert ws.database.encrypted and contents(ws) == before
    with open_workspace(path) as ws:
        county = ws.campaign.counties[0].code
        with ws.write() as conn:  # written, by every connection the engine opens
            signer = ws.database.signer(paths.keys_dir(), conn)
            assert records.set_score(conn, signer, ws, county=county, item="1.1.2", inspector="张三", score=Decimal("1"), comment="新的")
        with ws.read() as conn:
            assert b"".join(blobs.read(conn, hashlib.sha256(PHOTO).hexdigest())) == PHOTO
        after = contents(ws)
        assert len(after["version"]) == len(before["version"]) + 1
        migrations.backup(path, tmp_path / "backup.db", key)  # a copy of it is made in the new format
    assert opens_with(path, key, cipher.LEGACY_HMAC) and not opens_with(path, key, cipher.HMAC)  # its pages kept their HMAC
    assert opens_with(tmp_path / "backup.db", key, cipher.HMAC)
    assert run(capsys, "verify", path)[0] == 0
    with open_workspace(path) as again:
        assert contents(again) == after


def test_a_wrong_key_is_refused_whatever_the_files_hmac(tmp_path: Path) -> None:
    new = filled(tmp_path / "张三.db")
    new_key = new.database.key
    new.close()
    old = filled(tmp_path / "李四.db")
    old_key = old.database.key
    old.close()
    assert new_key is not None and old_key is not None
    with_sqlcipher_4_defaults(tmp_path / "李四.db", old_key)
    for path, key in ((tmp_path / "张三.db", new_key), (tmp_path / "李四.db", old_key)):
        assert cipher.opens(path, key)
        assert not cipher.opens(path, wrong_key(key))
        with pytest.raises(cipher.errors("DatabaseError"), match="file is not a database"):
            cipher.connect(str(path), wrong_key(key))
        wrong = engine.sqlite_engine(path, key=wrong_key(key))
        # the engine cannot tell a wrong key from damage; the key was checked before (peek.file_key)
        with pytest.raises(DatabaseCorrupt) as refused, engine.read(wrong) as conn:
            conn.execute(text("SELECT count(*) FROM version"))
        assert "file is not a database" in str(refused.value.__cause__)
        wrong.dispose()
