"""Sealed exports and lost devices (issue 21): an export on a USB stick is encrypted for its
receivers (a laptop's for the lead's master, the master's for its enrolled laptops), so a
finder reads only whom it is for; the receiver merges it as any export; another key cannot
open it; a changed byte, a cut or a reordering is refused with its reason and nothing left
behind. A laptop that has no receiver's key yet writes in the clear, and says so, and its
file still merges. A device the lead revokes has its later files refused, its work kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import text
from syncutil import Team, evidence, merge, raw, score, state

from db import canonical, keys, manifest, seal
from desktop import paths
from desktop.cli import main
from desktop.services import devices, sync
from desktop.services.workspace import Workspace

FINDING = "公开栏未更新，群众无从查阅 sealed-finding-7Q2"
SECOND_FINDING = "政务公开台账缺少2018年第三季度 sealed-finding-9K4"
LEDGER = ("import_log", "device", "manifest")


def everything(ws: Workspace) -> tuple[dict[str, list[tuple]], dict[str, list[tuple]]]:
    with ws.read() as conn:
        ledger = {t: sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {t}")).all()) for t in LEDGER}
    return state(ws), ledger


def quarantine_is_empty() -> None:
    folder = paths.data_dir() / "quarantine"
    assert not folder.exists() or list(folder.iterdir()) == []


def photo(size: int, seed: int) -> bytes:
    """Bytes no compression or chance reproduces: a photo's, for the search in a file."""
    import random

    return random.Random(seed).randbytes(size)


def pieces(data: bytes, count: int = 8, length: int = 48) -> list[bytes]:
    step = max((len(data) - length) // count, 1)
    return [data[i : i + length] for i in range(0, len(data) - length, step)][:count]


def holds_none_of(path: Path, *secrets: bytes) -> bool:
    data = path.read_bytes()
    return not any(s in data for s in secrets)


def blob_held(ws: Workspace, data: bytes) -> bool:
    import hashlib

    with ws.read() as conn:
        found = conn.execute(text("SELECT 1 FROM blob WHERE sha256 = :h"), {"h": hashlib.sha256(data).hexdigest()}).first()
    return found is not None


def comments(ws: Workspace) -> set[str]:
    with ws.read() as conn:
        payloads = conn.execute(text("SELECT payload FROM version WHERE entity = 'score'")).scalars().all()
    return {json.loads(p).get("comment", "") for p in payloads}


def statuses(reports: list[sync.FileReport]) -> list[tuple[str, bool | None]]:
    return [(r.status, r.sealed) for r in reports]


def own_seal_fingerprint(ws: Workspace) -> str:
    key = seal.sealing_key(paths.keys_dir(), ws.identity.device_id)
    assert key is not None
    return keys.fingerprint(seal.public_der(key))


def paired(team: Team, photo_bytes: bytes) -> tuple[Workspace, Workspace, Path]:
    """A master and 张三's laptop that know each other's keys (the laptop's first export,
    in the clear; the master's export back), and the laptop's second export with new work,
    sealed for the master."""
    master, zhang = team.master(), team.laptop("张三")
    assert score(zhang, "1.1.1", "2", comment=FINDING)
    assert statuses(merge(master, [team.export(zhang, "zhang-1.db")])) == [("merged", False)]
    assert statuses(sync.merge(zhang, [team.export(master, "master-1.yanshou")], enroll=True)) == [("merged", True)]
    assert score(zhang, "1.1.2", "1.5", comment=SECOND_FINDING)
    evidence(zhang, photo_bytes, item="1.1.2")
    out = team.root / "usb" / "zhang-2.yanshou"
    made = sync.export(zhang, out)
    assert made.sealed and made.sealed_for == ("the lead's master",) and made.unsealed == ""
    return master, zhang, out


# --- sealed, opened by its receiver ----------------------------------------------------------


def test_a_laptops_export_is_sealed_for_the_master_which_merges_it(team: Team) -> None:
    picture = photo(300_000, 1)
    master, _zhang, sealed = paired(team, picture)
    assert sealed.read_bytes().startswith(seal.MAGIC)
    assert holds_none_of(sealed, FINDING.encode(), SECOND_FINDING.encode(), "张三".encode(), b"SQLite format 3", *pieces(picture))
    header = seal.describe(sealed)  # all a finder reads: what it is, the format, for whom
    assert header.format == seal.FORMAT
    assert [(a.name, a.fingerprint) for a in header.recipients] == [("the lead's master", own_seal_fingerprint(master))]
    assert own_seal_fingerprint(master) != keys.fingerprint(master_signing_key(master))  # a key of its own, not the signing key

    [report] = merge(master, [sealed])
    assert (report.status, report.sealed, report.inspector) == ("merged", True, "张三"), report.reason
    assert SECOND_FINDING in comments(master) and blob_held(master, picture)
    assert sync.merge_reports(master)[0].files[0].sealed is True  # the kept report says so too
    quarantine_is_empty()
    assert statuses(merge(master, [sealed])) == [("nothing-new", True)]  # the same file again


def master_signing_key(master: Workspace) -> bytes:
    with master.read() as conn:
        return bytes(conn.execute(text("SELECT public_key FROM device WHERE id = :d"), {"d": master.identity.device_id}).scalar_one())


def test_the_masters_export_is_sealed_for_each_enrolled_laptop_and_names_who_cannot_open_it(team: Team) -> None:
    master, zhang, li, wang = team.master(), team.laptop("张三"), team.laptop("李四"), team.laptop("王五")
    assert score(zhang, "1.1.1", "2", comment=FINDING)
    assert score(li, "1.1.1", "1")
    wang.close()  # 王五's database itself is brought (no export, so no key of it)
    merge(master, [team.export(zhang, "zhang-1.db"), team.export(li, "li-1.db"), wang.path])
    out = team.root / "usb" / "master.yanshou"
    made = sync.export(master, out)
    assert set(made.sealed_for) == {"张三", "李四"} and made.without_key == ("王五",)
    assert holds_none_of(out, FINDING.encode(), b"SQLite format 3")
    assert {a.name for a in seal.describe(out).recipients} == {"张三", "李四"}
    for laptop in (zhang, li):
        assert statuses(sync.merge(laptop, [out], enroll=True)) == [("merged", True)]
    assert FINDING in comments(li)  # the team's work reached the other laptop
    stranger = team.laptop("赵六")
    before = everything(stranger)
    [refused] = sync.merge(stranger, [out], enroll=True)
    assert (refused.status, refused.code) == ("refused", "not_for_us")
    assert "张三" in refused.reason and "李四" in refused.reason and "not for this database" in refused.reason
    assert everything(stranger) == before
    quarantine_is_empty()


def test_another_key_cannot_open_it(team: Team, tmp_path: Path) -> None:
    _master, _zhang, sealed = paired(team, photo(10_000, 2))
    other = team.master("other.db")
    sync.export(other, tmp_path / "other-first.yanshou")  # the other master has a key of its own now
    before = everything(other)
    [report] = merge(other, [sealed])
    assert (report.status, report.code) == ("refused", "not_for_us")
    assert "the lead's master" in report.reason and report.versions_added == 0
    assert everything(other) == before
    quarantine_is_empty()
    # the seal itself: a file opens with the key it was sealed for, and with no other
    plain = tmp_path / "plain.bin"
    plain.write_bytes(os.urandom(3 * seal.CHUNK + 17))
    mine, theirs = seal.sealing_key(tmp_path, "mine", create=True), seal.sealing_key(tmp_path, "theirs", create=True)
    assert mine is not None and theirs is not None
    seal.seal(plain, tmp_path / "sealed.bin", [seal.Recipient("me", "mine", seal.public_der(mine))])
    opened = bytearray()
    with (tmp_path / "sealed.bin").open("rb") as f:
        seal.unseal(f, opened.extend, seal.Opener((mine,)))
    assert bytes(opened) == plain.read_bytes()
    with (tmp_path / "sealed.bin").open("rb") as f, pytest.raises(seal.SealError) as caught:
        seal.unseal(f, lambda _b: None, seal.Opener((theirs,)))
    assert caught.value.code == "not_for_us"
    assert (tmp_path / "mine.seal.pem").stat().st_mode & 0o077 == 0  # owner-only, as the device key


def _damaged(data: bytes, start: int, how: str) -> bytes:
    """A sealed file's bytes damaged one way; `start`: where its first chunk begins."""
    block = seal.CHUNK + 16
    flip = lambda at: data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]  # noqa: E731
    return {
        "header": flip(len(seal.MAGIC) + 30),  # a letter of the clear header (its "what")
        "first chunk": flip(start + 1000),
        "last byte": flip(len(data) - 1),
        "cut at a chunk's end": data[: start + block],
        "cut inside a chunk": data[: start + block + 5000],
        "bytes appended": data + b"\x00" * 40,
        "chunks swapped": data[:start] + data[start + block : start + 2 * block] + data[start : start + block] + data[start + 2 * block :],
        "a chunk dropped": data[:start] + data[start + block :],
    }[how]


def test_a_changed_byte_a_cut_or_a_reordering_is_refused_and_nothing_is_left(team: Team) -> None:
    master, _zhang, sealed = paired(team, photo(int(2.5 * seal.CHUNK), 3))  # three chunks and more
    data = sealed.read_bytes()
    start = seal.describe(sealed).length
    assert len(data) > start + 3 * (seal.CHUNK + 16)
    before = everything(master)
    for how in ("header", "first chunk", "last byte", "cut at a chunk's end", "cut inside a chunk", "bytes appended",
                "chunks swapped", "a chunk dropped"):
        bad = sealed.with_name(f"damaged-{how.replace(' ', '-')}.yanshou")
        bad.write_bytes(_damaged(data, start, how))
        [report] = merge(master, [bad])
        assert report.status == "refused", how
        assert report.code in {"sealed_altered", "sealed_truncated"}, (how, report.code, report.reason)
        assert "sealed file" in report.reason and str(bad) not in report.reason, report.reason
        assert report.sealed is True  # refused, but known for a sealed file
        assert everything(master) == before, how
        quarantine_is_empty()
    assert merge(master, [sealed])[0].status == "merged"  # the file as it was still merges


def test_a_header_no_yanshou_writes_is_refused(team: Team) -> None:
    master, _zhang, sealed = paired(team, photo(1000, 4))
    for name, body in (("junk", b"{not json\n"), ("long", b"x" * 70_000), ("newer", b'{"format": 9}\n')):
        bad = sealed.with_name(f"{name}.yanshou")
        bad.write_bytes(seal.MAGIC + body)
        [report] = merge(master, [bad])
        assert (report.status, report.code) == ("refused", "sealed_too_new" if name == "newer" else "sealed_damaged"), report.reason
    quarantine_is_empty()


# --- in the clear: said, marked, still merged ------------------------------------------------


def test_a_laptop_without_the_masters_key_writes_in_the_clear_and_says_so(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    master, zhang = team.master(), team.laptop("张三")
    assert score(zhang, "1.1.1", "2", comment=FINDING)
    out = team.root / "usb" / "zhang-1.yanshou"
    assert main(["export", str(zhang.path), str(out)]) == 0
    said = capsys.readouterr().out
    assert "NOT SEALED" in said and "no key of the lead's master yet" in said
    assert out.read_bytes().startswith(b"SQLite format 3")
    [report] = merge(master, [out])
    assert (report.status, report.sealed) == ("merged", False)
    assert sync.merge_reports(master)[0].files[0].sealed is False
    assert FINDING in comments(master)
    again = sync.export(zhang, team.root / "usb" / "zhang-1b.yanshou")
    assert (again.sealed, again.unsealed) == (False, "no_master_key")


def test_the_merge_command_marks_each_file(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    master, zhang, sealed = paired(team, photo(5000, 5))
    if master.database.on_server:
        pytest.skip("the command line is tested on a file; the service on both backends")
    clear = team.export(zhang, "zhang-3.db", sealed=False)
    assert main(["merge", str(master.path), str(sealed), str(clear)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "(sealed)" in next(line for line in lines if str(sealed) in line)
    assert "(NOT sealed" in next(line for line in lines if str(clear) in line)


def test_a_key_slipped_into_a_laptops_database_is_not_used(team: Team) -> None:
    """The master's key is taken only from a manifest its signature vouches for: a key
    written into the laptop's file by someone else is ignored (the export goes in the clear,
    saying so), never sealed for."""
    master, zhang, _sealed = paired(team, photo(1000, 6))
    thief = seal.sealing_key(team.root / "thief", "thief", create=True)
    assert thief is not None
    con = raw(zhang.path)
    try:
        number, body = con.execute(
            "SELECT number, body FROM manifest WHERE device_id = ? ORDER BY number DESC LIMIT 1", (master.identity.device_id,)
        ).fetchone()
        changed = canonical.loads(body)
        changed[manifest.SEAL_KEY] = __import__("base64").b64encode(seal.public_der(thief)).decode()
        con.execute("UPDATE manifest SET body = ? WHERE device_id = ? AND number = ?",
                    (canonical.dumps(changed), master.identity.device_id, number))
    finally:
        con.close()
    made = sync.export(zhang, team.root / "usb" / "zhang-after.yanshou")
    assert (made.sealed, made.unsealed) == (False, "no_master_key")


# --- a lost device ---------------------------------------------------------------------------


def test_a_revoked_devices_next_file_is_refused_and_its_earlier_work_stays(team: Team) -> None:
    master, zhang, li = team.master(), team.laptop("张三"), team.laptop("李四")
    assert score(zhang, "1.1.1", "2", comment=FINDING)
    assert score(li, "1.1.1", "1")
    assert [r.status for r in merge(master, [team.export(zhang, "zhang-1.db"), team.export(li, "li-1.db")])] == ["merged"] * 2
    done = sync.revoke(master, zhang.identity.device_id[:6])
    assert done.new and done.inspector == "张三" and done.revocation.last_export == 1
    assert not sync.revoke(master, zhang.identity.device_id).new  # the first revocation stands

    assert score(zhang, "1.1.2", "0", comment=SECOND_FINDING)  # the finder's work, or the thief's
    later = team.export(zhang, "zhang-2.db")
    before = everything(master)
    [report] = merge(master, [later])
    assert (report.status, report.code, report.inspector) == ("refused", "revoked", "张三")
    assert "revoked" in report.reason and "export #2" in report.reason and "stays" in report.reason
    assert everything(master) == before
    assert FINDING in comments(master) and SECOND_FINDING not in comments(master)  # what it brought before stays
    quarantine_is_empty()

    status = next(d for d in devices.device_statuses(master) if d.device_id == zhang.identity.device_id)
    assert status.revoked and status.revoked_at is not None and status.revoked_after == 1
    made = sync.export(master, team.root / "usb" / "master.yanshou")  # never sealed for the revoked laptop again
    assert made.sealed_for == ("李四",) and made.revoked == ("张三",)
    assert sync.merge(zhang, [made.path], enroll=True)[0].code == "not_for_us"


def test_a_revoked_devices_later_work_carried_by_another_master_is_refused(team: Team) -> None:
    """A revocation counts the device's own version numbers: its work written after it, in
    whoever's file, is refused (here a second lead's desk that merged the laptop's later export)."""
    master, zhang = team.master(), team.laptop("张三")
    assert score(zhang, "1.1.1", "2")
    first = team.export(zhang, "zhang-1.db")
    merge(master, [first])
    sync.revoke(master, zhang.identity.device_id)
    assert score(zhang, "1.1.2", "1", comment=SECOND_FINDING)
    second_desk = team.master("second.db")
    merge(second_desk, [first, team.export(zhang, "zhang-2.db")])
    carried = team.export(second_desk, "second-desk.db", sealed=False)  # the desks do not know each other's keys
    before = everything(master)
    [report] = merge(master, [carried])
    assert (report.status, report.code) == ("refused", "revoked"), report.reason
    assert "carries work of 张三" in report.reason
    assert everything(master) == before


def test_revoking_on_the_command_line(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    master, zhang = team.master(), team.laptop("张三")
    if master.database.on_server:
        pytest.skip("the command line is tested on a file; the service on both backends")
    merge(master, [team.export(zhang, "zhang-1.db")])
    device = zhang.identity.device_id
    assert main(["devices", str(master.path), "--revoke", device[:8]]) == 0
    said = capsys.readouterr().out
    assert f"revoked device {device}" in said and "export #1" in said
    assert main(["devices", str(master.path), "--format", "json"]) == 0
    listed = {d["device"]: d for d in json.loads(capsys.readouterr().out)}
    assert listed[device]["revoked"] is True and listed[device]["revoked_at"]
    assert listed[master.identity.device_id]["revoked"] is False
    assert main(["devices", str(master.path)]) == 0
    assert "REVOKED" in capsys.readouterr().out
    # bad input: a device not enrolled, too short a name, the master itself, a laptop's database
    for argv in (
        ["devices", str(master.path), "--revoke", "ffffffff"],
        ["devices", str(master.path), "--revoke", "ab"],
        ["devices", str(master.path), "--revoke", master.identity.device_id],
        ["devices", str(zhang.path), "--revoke", device],
    ):
        assert main(argv) == 2, argv
        assert capsys.readouterr().err.startswith("error: ")
