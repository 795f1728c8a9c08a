"""The lead's recovery of a laptop whose protected store lost its key (T2-8): a laptop that
merged the master's export keeps its secret sealed for the master alone; the lead reads a
recovery code from that file with the master's key; the code, typed on the laptop, opens its
encrypted database again. Another master, a changed byte, a mistyped or another laptop's code
are refused, and nothing changes."""

from __future__ import annotations

import base64
import io
import secrets
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from protected_store import FileStore
from sqlalchemy import text

from db import receivers, recovery, seal, vault
from db.errors import KeyNeeded, KnownDatabaseError
from db.recovery import RecoveryError
from desktop import paths
from desktop.services import protection, records, sync
from desktop.services.workspace import Workspace, create, open_workspace

FINDING = "公告栏未更新政务公开目录 recovery-finding-3Z8"


class Computers:
    """Computers of their own (a keys folder and a protection each; the store is one file per
    item, named by the protection's id): the lead's desk, laptops."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self._monkeypatch = monkeypatch

    def on(self, name: str) -> None:
        self._monkeypatch.setenv("YANSHOU_CONFIG_DIR", str(self.root / name / "config"))
        vault.forget()  # another computer: nothing had in this run


@pytest.fixture
def computers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Computers:
    return Computers(tmp_path, monkeypatch)


def master_export(computers: Computers, name: str = "lead") -> tuple[Path, Path]:
    """A lead's master (on the lead's computer) and its export for the laptops."""
    computers.on(name)
    path = computers.root / f"{name}.db"
    with create(path, role="master") as master:
        out = computers.root / "usb" / f"{name}-1.yanshou"
        sync.export(master, out)
    return path, out


def scored_laptop(computers: Computers) -> Workspace:
    computers.on("laptop")
    return scored_laptop_here(computers)


def scored_laptop_here(computers: Computers) -> Workspace:
    ws = create(computers.root / "张三.db", role="field", inspector="张三")
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        assert records.set_score(
            conn, signer, ws, county=ws.campaign.counties[0].code, item="1.1.1", inspector="张三", score=Decimal("2"),
            comment=FINDING,
        )
    return ws


def comments(ws: Workspace) -> list[str]:
    with ws.read() as conn:
        return list(conn.execute(text("SELECT payload FROM version WHERE entity = 'score'")).scalars())


def recovery_files() -> list[Path]:
    return sorted(paths.keys_dir().glob("recovery-*.bin"))


def lose_the_stores_item() -> None:
    """What an administrator's reset of the user's password does to DPAPI's secrets."""
    made = vault.protection(paths.keys_dir())
    assert made is not None and made.method == vault.STORE
    FileStore().delete_password(vault.SERVICE, f"files {made.id}")
    vault.forget()


def recovered(computers: Computers) -> tuple[Path, Path, bytes, str]:
    """A laptop with work that merged the lead's export (so holds its recovery file), the
    file as the inspector hands it to the lead, the laptop's secret, its finding's version."""
    master, out = master_export(computers)
    ws = scored_laptop(computers)
    assert recovery_files() == []  # no master's key known yet: nothing to seal for
    [report] = sync.merge(ws, [out], enroll=True)
    assert report.status == "merged", report.reason
    [held] = recovery_files()
    keys_dir = paths.keys_dir()
    secret = vault.secret(keys_dir, keys_dir / vault.FILE)
    assert secret is not None
    [finding] = comments(ws)
    ws.close()
    handed = computers.root / "usb" / held.name
    shutil.copyfile(held, handed)
    return master, handed, secret, finding


def test_a_laptop_that_merged_the_masters_export_can_be_recovered_by_the_lead(computers: Computers) -> None:
    master, handed, secret, finding = recovered(computers)
    data = handed.read_bytes()
    assert data.startswith(recovery.MAGIC)
    for clear in (secret, secret.hex().encode(), secret.hex().upper().encode(), base64.b32encode(secret)[:40],
                  base64.b64encode(secret)[:40]):
        assert clear not in data
    header = seal.read_header(io.BytesIO(data), magic=recovery.MAGIC)
    assert [a.name for a in header.recipients] == ["the lead's master"]  # for the master alone
    said = recovery.about(handed)
    assert said is not None and said.protection == vault.protection(paths.keys_dir()).id  # type: ignore[union-attr]

    lose_the_stores_item()
    with pytest.raises(KeyNeeded) as lost:
        open_workspace(computers.root / "张三.db")
    assert lost.value.code == "store_lost"

    computers.on("lead")
    with open_workspace(master) as lead:
        about, code = protection.recovery_code(lead, handed)
    assert about.laptop == said.laptop and about.fingerprint == said.fingerprint
    assert len(code.split()) == 14 and all(len(g) == 4 for g in code.split())

    computers.on("laptop")
    assert protection.recover(code.lower().replace(" ", "-")) is False  # as a person types it
    vault.forget()  # the next start of the program: the store has the key again
    with open_workspace(computers.root / "张三.db") as again:
        assert comments(again) == [finding] and FINDING in finding
        sync.export(again, computers.root / "usb" / "张三-2.yanshou")  # its key files open too (signed, sealed)
    assert recovery_files() == [paths.keys_dir() / handed.name]  # the same protection: not written again


def test_nothing_is_written_for_a_master(computers: Computers) -> None:
    master_export(computers)
    assert recovery_files() == []


def test_another_masters_key_or_a_changed_byte_does_not_open_the_recovery_file(computers: Computers) -> None:
    master, handed, _secret, _finding = recovered(computers)
    other, _out = master_export(computers, "another lead")
    with open_workspace(other) as lead, pytest.raises(RecoveryError) as refused:
        protection.recovery_code(lead, handed)
    assert refused.value.code == "not_for_us"

    computers.on("lead")
    data = handed.read_bytes()
    changed = handed.with_name("changed.bin")
    protection_id = recovery.about(handed).protection  # type: ignore[union-attr]
    where_id = data.index(protection_id.encode())
    with open_workspace(master) as lead:
        sealed_at = seal.read_header(io.BytesIO(data), magic=recovery.MAGIC).length
        for at in (where_id, len(data) // 2, sealed_at + 3, len(data) - 1):  # a clear field, the header, the sealed key, its tag
            changed.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :])
            with pytest.raises(RecoveryError) as refused:
                protection.recovery_code(lead, changed)
            assert refused.value.code == "altered", at
        changed.write_bytes(data[:-1])
        with pytest.raises(RecoveryError) as refused:
            protection.recovery_code(lead, changed)
        assert refused.value.code == "altered"
        with pytest.raises(RecoveryError) as refused:
            protection.recovery_code(lead, computers.root / "usb" / "lead-1.yanshou")  # an export is not one
        assert refused.value.code == "not_recovery"
        _about, code = protection.recovery_code(lead, handed)  # the file itself still opens
    assert code


def test_a_recovery_file_that_says_what_yanshou_never_writes_is_refused(computers: Computers) -> None:
    """Anyone holding a master's export has its public key, so can seal a recovery file for it:
    what such a file says in the clear (shown to the lead) is refused unless it is written as
    Yanshou writes it; a large file chosen by mistake is not read whole."""
    master, handed, secret, _finding = recovered(computers)
    said = recovery.about(handed)
    assert said is not None
    computers.on("laptop")
    with open_workspace(computers.root / "张三.db") as ws, ws.read() as conn:
        masters = receivers.receivers(conn, device_id=ws.identity.device_id, role="field").recipients
    fields = {"protection": said.protection, "laptop": said.laptop, "master": said.master, "fingerprint": said.fingerprint,
              "written": said.written}
    crafted = computers.root / "usb" / "recovery-crafted.bin"
    computers.on("lead")
    with open_workspace(master) as lead:
        for key, value in (("written", "<!--"), ("laptop", "<b>张三</b>"), ("protection", said.protection + "0")):
            crafted.write_bytes(seal.seal_bytes(secret, masters, magic=recovery.MAGIC, what="x", about={**fields, key: value}))
            with pytest.raises(RecoveryError) as refused:
                protection.recovery_code(lead, crafted)
            assert refused.value.code == "not_recovery", key
        crafted.write_bytes(recovery.MAGIC + bytes(recovery.MAX_FILE_BYTES))
        with pytest.raises(RecoveryError) as refused:
            protection.recovery_code(lead, crafted)
        assert refused.value.code == "not_recovery"
        crafted.write_bytes(seal.seal_bytes(secret, masters, magic=recovery.MAGIC, what="x", about=fields))
        about, code = protection.recovery_code(lead, crafted)  # written as Yanshou writes it: it opens
    assert about == said and code == recovery.code(secret)


def test_a_desk_without_the_masters_encryption_key_says_so(computers: Computers) -> None:
    """A second desk on the master (a server's, or a copy) without the master's private
    encryption key: the recovery file cannot be opened there, and the reason says where it can."""
    master, handed, _secret, _finding = recovered(computers)
    computers.on("lead")
    with open_workspace(master) as lead:
        key = seal.key_path(paths.keys_dir(), lead.identity.device_id)
        key.rename(key.with_name("elsewhere.pem"))
        with pytest.raises(RecoveryError) as refused:
            protection.recovery_code(lead, handed)
        assert refused.value.code == "no_key" and key.name in str(refused.value)
        # a file that is no recovery file at all is said to be none, key or no key (a photo, the
        # master's own export picked by mistake): "this computer does not hold the key" sent the
        # lead looking for a key that would not have opened it either
        photo = computers.root / "photo.jpg"
        photo.write_bytes(b"\xff\xd8\xff\xe0 a photo, not a recovery file")
        for offered in (photo, computers.root / "usb" / "lead-1.yanshou"):
            with pytest.raises(RecoveryError) as refused:
                protection.recovery_code(lead, offered)
            assert refused.value.code == "not_recovery", offered


def test_the_lead_is_told_whose_laptop_the_file_names_as_the_master_knows_it(computers: Computers) -> None:
    """The file's own word for its laptop is anyone's to write: what the lead is told comes
    from the master (enrolled, whose, revoked), the same for the desk and the command line."""
    master, handed, _secret, _finding = recovered(computers)
    said = recovery.about(handed)
    assert said is not None
    computers.on("laptop")
    with open_workspace(computers.root / "张三.db") as laptop:
        out = sync.export(laptop, computers.root / "usb" / "张三-back.yanshou").path
    computers.on("lead")
    with open_workspace(master) as lead:
        assert protection.recovery_laptop(lead, said.laptop) == protection.RecoveryLaptop(said.laptop, None, False, False)
        assert [r.status for r in sync.merge(lead, [out], enroll=True)] == ["merged"]
        assert protection.recovery_laptop(lead, said.laptop) == protection.RecoveryLaptop(said.laptop, "张三", True, False)
        sync.revoke(lead, said.laptop)
        assert protection.recovery_laptop(lead, said.laptop).revoked


def test_a_mistyped_or_another_laptops_code_is_refused_and_nothing_changes(computers: Computers) -> None:
    master, handed, _secret, _finding = recovered(computers)
    computers.on("lead")
    with open_workspace(master) as lead:
        _about, code = protection.recovery_code(lead, handed)
    computers.on("laptop")
    lose_the_stores_item()
    keys_dir = paths.keys_dir()
    before = {p.name: p.read_bytes() for p in keys_dir.iterdir()}
    typo = code[:5] + ("A" if code[5] != "A" else "B") + code[6:]
    with pytest.raises(RecoveryError) as mistyped:
        protection.recover(typo)
    assert mistyped.value.code == "mistyped"
    with pytest.raises(RecoveryError):
        protection.recover(code[:-5])  # a group left out
    with pytest.raises(KeyNeeded) as wrong:
        protection.recover(recovery.code(secrets.token_bytes(32)))  # a well-formed code of another laptop
    assert wrong.value.code == "wrong_recovery_code"
    assert {p.name: p.read_bytes() for p in keys_dir.iterdir()} == before
    made = vault.protection(keys_dir)
    assert made is not None and FileStore().get_password(vault.SERVICE, f"files {made.id}") is None
    with pytest.raises(KeyNeeded) as lost:
        open_workspace(computers.root / "张三.db")
    assert lost.value.code == "store_lost"


def test_a_forgotten_passphrase_is_recovered_into_a_store_only(computers: Computers, monkeypatch: pytest.MonkeyPatch) -> None:
    master, out = master_export(computers)
    computers.on("laptop")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.protected_store.NoStore")  # no store on this laptop: a passphrase
    vault.forget()
    protection.unlock("a long passphrase")
    ws = scored_laptop_here(computers)
    [report] = sync.merge(ws, [out], enroll=True)
    assert report.status == "merged", report.reason
    [held] = recovery_files()
    ws.close()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.protected_store.FileStore")
    computers.on("lead")
    with open_workspace(master) as lead:
        _about, code = protection.recovery_code(lead, held)

    computers.on("laptop")  # the passphrase forgotten
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.protected_store.NoStore")
    vault.forget()
    before = (paths.keys_dir() / vault.FILE).read_bytes()
    with pytest.raises(KnownDatabaseError, match="no protected store"):
        protection.recover(code)
    assert (paths.keys_dir() / vault.FILE).read_bytes() == before
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.protected_store.FileStore")  # the user logged in to a desktop
    vault.forget()
    assert protection.recover(code) is True
    vault.forget()
    assert protection.state().method == protection.Method.STORE
    with open_workspace(computers.root / "张三.db") as again:
        assert FINDING in comments(again)[0]


def test_a_recovery_file_that_cannot_be_written_does_not_undo_the_merge(computers: Computers, monkeypatch: pytest.MonkeyPatch) -> None:
    _master, out = master_export(computers)
    ws = scored_laptop(computers)

    def refused(*_args: object, **_kwargs: object) -> list[Path]:
        raise PermissionError(13, "Permission denied", str(paths.keys_dir() / "recovery-x.bin"))

    escrow = recovery.escrow
    monkeypatch.setattr(recovery, "escrow", refused)
    [report] = sync.merge(ws, [out], enroll=True)
    assert report.status == "merged", report.reason  # the lead's work is in, as the report says
    assert recovery_files() == []
    assert "recovery-x.bin" in (paths.data_dir() / "yanshou-error.log").read_text(encoding="utf-8")  # and why not, in the log
    monkeypatch.setattr(recovery, "escrow", escrow)
    sync.export(ws, computers.root / "usb" / "张三-1.yanshou")  # the next one writes it
    assert len(recovery_files()) == 1
    ws.close()


def test_a_laptop_encrypted_at_its_opening_keeps_its_recovery_file_at_once(computers: Computers) -> None:
    # an older version's laptop, in the clear, that merged the lead's export: the open that
    # encrypts it also writes the recovery file (not only the next export or merge)
    _master, out = master_export(computers)
    computers.on("laptop")
    path = computers.root / "张三.db"
    with create(path, role="field", inspector="张三", encrypt=False) as ws:
        assert not ws.database.encrypted
        [report] = sync.merge(ws, [out], enroll=True)
        assert report.status == "merged", report.reason
    for held in recovery_files():  # (what an older version never wrote)
        held.unlink()
    with open_workspace(path) as ws:
        assert ws.database.encrypted
        [held] = recovery_files()
    assert recovery.about(held) is not None
