"""Bad files offered to the master: each one refused with a reason a person can read,
and the master exactly as it was — its version set, its projection, and its ledger
(import log, enrolled devices, manifests). Nothing is left in the quarantine folder.

Also what is not a refusal but must not harm either: an old export replayed, an
unenrolled device merged with consent, a file on a read-only medium, a dry run; and
the environment failing under a merge (a full disk, a kill -9)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from forge import forge
from processes import kill, was_killed
from sqlalchemy import event, text
from syncutil import Team, county, evidence, intact, merge, raw, rebuilt, score, sqlite_only, state

from db import canonical, migrations, versions
from db.errors import DiskFull
from desktop import paths
from desktop.core.errors import InputError
from desktop.services import records, sync
from desktop.services.workspace import Workspace, create, open_workspace

LEDGER_TABLES = ("import_log", "device", "manifest")
REPO = Path(__file__).resolve().parents[2]


# --- helpers ---------------------------------------------------------------------------------


def ledger(ws: Workspace) -> dict[str, list[tuple]]:
    """The master's own bookkeeping of merges: what a refused file must not touch either."""
    with ws.read() as conn:
        return {t: sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {t}")).all()) for t in LEDGER_TABLES}


def everything(ws: Workspace) -> tuple[dict[str, list[tuple]], dict[str, list[tuple]]]:
    return state(ws), ledger(ws)


def quarantine_is_empty() -> None:
    folder = paths.data_dir() / "quarantine"
    assert not folder.exists() or list(folder.iterdir()) == []


def assert_readable(reason: str, path: Path) -> None:
    """A sentence for a person: words, not a path, a traceback or a raw SQLite message."""
    assert reason, "no reason given"
    assert reason == reason.strip()
    assert len(reason.split()) >= 4, reason
    assert reason[0].isalpha(), reason
    assert str(path) not in reason, reason
    for noise in ("Traceback", "sqlite3.", "Error(", "OperationalError", "\n"):
        assert noise not in reason, reason


def refused(master: Workspace, path: Path, code: str | set[str], **kw: bool) -> sync.FileReport:
    """Merge one bad file; it is refused with `code`, and the master is untouched."""
    before = everything(master)
    [report] = sync.merge(master, [path], **kw)
    codes = {code} if isinstance(code, str) else code
    assert report.status == "refused", report
    assert report.code in codes, (report.code, report.reason)
    assert report.versions_added == 0 and report.blobs_added == 0
    assert_readable(report.reason, path)
    assert everything(master) == before
    quarantine_is_empty()
    return report


def seeded(team: Team) -> tuple[Workspace, Workspace, Path]:
    """A master that has merged 张三's first export, and 张三's second export with new work
    (a score and a piece of evidence) not yet merged."""
    master = team.master()
    laptop = team.laptop("张三")
    assert score(laptop, "1.1.1", "2")
    first = team.export(laptop, "zhang-1.db")
    assert [r.status for r in merge(master, [first])] == ["merged"]
    assert score(laptop, "1.1.2", "1.5")
    evidence(laptop, b"\xff\xd8 a photo of the notice board " * 50, item="1.1.2")
    return master, laptop, team.export(laptop, "zhang-2.db")


def tampered(source: Path, name: str) -> Path:
    out = source.with_name(name)
    shutil.copyfile(source, out)
    return out


def newest_version(path: Path, entity: str) -> tuple[str, str]:
    """(version_id, payload) of the file's last version of an entity."""
    conn = raw(path)
    try:
        return conn.execute("SELECT version_id, payload FROM version WHERE entity = ? ORDER BY seq DESC LIMIT 1", (entity,)).fetchone()
    finally:
        conn.close()


# --- 1–5: not a Yanshou export at all --------------------------------------------------------


def test_random_bytes(team: Team) -> None:
    master, _, good = seeded(team)
    bad = good.with_name("random.db")
    bad.write_bytes(os.urandom(64 * 1024))
    refused(master, bad, "not_yanshou")


def test_truncated_export(team: Team) -> None:
    master, _, good = seeded(team)
    data = good.read_bytes()
    bad = good.with_name("truncated.db")
    bad.write_bytes(data[: len(data) // 2])
    refused(master, bad, "corrupt")


def test_empty_file(team: Team) -> None:
    master, _, good = seeded(team)
    bad = good.with_name("empty.db")
    bad.write_bytes(b"")
    refused(master, bad, "not_yanshou")


def test_a_laptops_file_with_its_full_text_data_garbled_merges_unread(team: Team) -> None:
    """A laptop's database file merged as it is carries its full-text index, which the file's
    owner can write anything into: the merge checks the versioned tables and never parses that
    index (SQLite's whole-file integrity check does from 3.44 on, as Windows' Python has it, and
    reports this file corrupt), and what it brings is the versions."""
    master = team.master()
    laptop = team.laptop("张三")
    assert score(laptop, "1.1.1", "2")
    laptop.close()
    copy = tampered(laptop.path, "zhang-laptop.db")
    conn = raw(copy)
    try:
        assert conn.execute("SELECT count(*) FROM search_fts_data").fetchone()[0] > 0
        conn.execute("UPDATE search_fts_data SET block = randomblob(length(block) + 40)")
    finally:
        conn.close()
    [report] = sync.merge(master, [copy], enroll=True)
    assert report.status == "merged", report
    assert report.versions_added > 0
    assert intact(master)
    quarantine_is_empty()


def test_another_programs_sqlite_database(team: Team) -> None:
    master, _, good = seeded(team)
    bad = good.with_name("firefox-places.sqlite")
    conn = sqlite3.connect(bad)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places(url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    refused(master, bad, "not_yanshou")


def test_newer_schema(team: Team) -> None:
    master, _, good = seeded(team)
    bad = tampered(good, "newer.db")
    conn = raw(bad)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    assert migrations.header(bad) == (migrations.APPLICATION_ID, 99)
    report = refused(master, bad, "too_new")
    assert "newer" in report.reason


# --- 6: a schema changed to do something on the master ----------------------------------------


@pytest.mark.parametrize(
    ("name", "ddl"),
    [
        ("trigger", "CREATE TRIGGER wipe AFTER INSERT ON version BEGIN DELETE FROM blob; END"),
        ("view", "CREATE VIEW totals AS SELECT record_id, count(*) AS n FROM version GROUP BY record_id"),
    ],
)
def test_schema_with_something_added(team: Team, name: str, ddl: str) -> None:
    master, _, good = seeded(team)
    bad = tampered(good, f"with-{name}.db")
    conn = raw(bad)
    conn.execute(ddl)
    conn.close()
    report = refused(master, bad, "schema")
    assert name in report.reason


# --- 7: contents edited outside the app -------------------------------------------------------


def test_payload_edited(team: Team) -> None:
    master, _, good = seeded(team)
    bad = tampered(good, "payload-edited.db")
    version_id, payload = newest_version(bad, "score")
    edited = {**json.loads(payload), "score": "2"}  # 1.5 → 2: the kind of edit someone would want
    conn = raw(bad)
    assert conn.execute("UPDATE version SET payload = ? WHERE version_id = ?", (canonical.dumps(edited), version_id)).rowcount == 1
    conn.close()
    report = refused(master, bad, "signature")
    assert "signature" in report.reason


def test_blob_bytes_edited(team: Team) -> None:
    master, _, good = seeded(team)
    bad = tampered(good, "blob-edited.db")
    conn = raw(bad)
    rowid, data = conn.execute("SELECT id, data FROM blob").fetchone()
    flipped = bytes(data[:10]) + bytes([data[10] ^ 0xFF]) + bytes(data[11:])
    assert len(flipped) == len(data)
    conn.execute("UPDATE blob SET data = ? WHERE id = ?", (flipped, rowid))
    conn.close()
    report = refused(master, bad, "blob")  # its bytes hashed as they are copied, the copy rolled back
    assert "do not match its hash" in report.reason


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param("UPDATE blob SET size = size + 1", id="longer-than-its-bytes"),
        pytest.param("UPDATE blob SET data = substr(data, 1, length(data) - 1)", id="bytes-cut-short"),
        pytest.param("UPDATE blob SET size = 1000000000000", id="a-terabyte"),
        pytest.param("UPDATE blob SET size = -1", id="negative"),
        pytest.param("UPDATE blob SET data = CAST(data AS TEXT)", id="bytes-as-text"),
        pytest.param("UPDATE blob SET data = 42", id="a-number"),
    ],
)
def test_blob_described_otherwise_than_its_bytes(team: Team, edit: str) -> None:
    """A blob whose size, type or length is not what its bytes are is refused by the manifest's
    figures or its own description, before a byte of it is copied (a size past the bytes would
    have the master write that much first), and never fails the batch instead of the file."""
    master, _, good = seeded(team)
    bad = tampered(good, "blob-described.db")
    conn = raw(bad)
    assert conn.execute(edit).rowcount == 1
    conn.close()
    refused(master, bad, {"blob", "contents"})




@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(
            "UPDATE manifest SET body = substr(body, 2)", id="manifest-body-not-json",
        ),
        pytest.param(
            "UPDATE version SET payload = CAST(x'7b22ff7d' AS TEXT) WHERE seq = (SELECT max(seq) FROM version)",
            id="payload-not-utf8",
        ),
        pytest.param(
            "UPDATE device SET inspector = CAST(x'ff' AS TEXT)", id="device-inspector-not-utf8",
        ),
    ],
)
def test_text_edited_into_garbage(team: Team, edit: str) -> None:
    """Like the edits above, but leaving a cell that cannot even be read: refused all the same."""
    master, _, good = seeded(team)
    bad = tampered(good, "garbage.db")
    conn = raw(bad)
    assert conn.execute(edit).rowcount >= 1
    conn.close()
    refused(master, bad, {"manifest", "signature", "device_key", "corrupt", "contents"})


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        # mime is not signed: an edit that leaves text is taken, one that leaves bytes is not
        pytest.param("UPDATE blob SET mime = CAST('image/jpeg' AS BLOB)", "blob", id="mime-bytes"),
        pytest.param("UPDATE blob SET mime = 'image/' || char(0) || 'jpeg'", "blob", id="mime-nul"),
        # `deleted` is signed as a truth value: 'yes' would sign as true and project as false
        pytest.param("UPDATE version SET deleted = 'yes' WHERE deleted = 1", "contents", id="deleted-not-0-or-1"),
    ],
)
def test_values_no_yanshou_writes_are_refused(team: Team, edit: str, code: str) -> None:
    """Cells this program never writes (bytes for a text, a NUL, a truth value spelt as text)
    refuse the file on a SQLite master and on a server alike, before anything is written:
    a server would otherwise fail the whole batch on them, or show a deleted record as live."""
    master, laptop, _ = seeded(team)
    with laptop.write() as conn:  # a deleted score in the next export
        signer = laptop.database.signer(paths.keys_dir(), conn)
        assert versions.withdraw(conn, signer, records.score_id(laptop, county(laptop), "1.1.2", "张三"), entity="score")
    bad = tampered(team.export(laptop, "zhang-3.db"), "odd-values.db")
    conn = raw(bad)
    assert conn.execute(edit).rowcount >= 1
    conn.close()
    refused(master, bad, code)


def test_a_nul_in_an_inspectors_name_refuses_the_file(team: Team) -> None:
    master = team.master()
    with pytest.raises(InputError, match="U\\+0000"):  # this program refuses such a name at init …
        team.laptop("张\x00三", "odd.db")
    laptop = team.laptop("张三", "odd.db")
    assert score(laptop, "1.1.1", "2")
    forge(laptop, entity="score", record_id=records.score_id(laptop, county(laptop), "1.1.1", "张\x00三"),
          payload={"county": county(laptop), "item": "1.1.1", "inspector": "张\x00三", "score": "2", "comment": ""})
    path = team.export(laptop)
    conn = raw(path)  # … and a file whose device and version name one is refused
    try:
        conn.execute("UPDATE device SET inspector = '张' || char(0) || '三' WHERE id = ?", (laptop.identity.device_id,))
    finally:
        conn.close()
    report = refused(master, path, "contents", enroll=True)
    assert "no Yanshou writes" in report.reason


# --- 8: a row removed -------------------------------------------------------------------------


def test_version_deleted(team: Team) -> None:
    master, _, good = seeded(team)
    bad = tampered(good, "row-deleted.db")
    version_id, _ = newest_version(bad, "score")
    conn = raw(bad)
    conn.execute("DELETE FROM version_parent WHERE version_id = ?", (version_id,))
    assert conn.execute("DELETE FROM version WHERE version_id = ?", (version_id,)).rowcount == 1
    conn.close()
    refused(master, bad, "contents")


# --- 9: an old export replayed after a newer one ----------------------------------------------


def test_old_export_replayed_after_newer(team: Team) -> None:
    master = team.master()
    laptop = team.laptop("张三")
    assert score(laptop, "1.1.1", "2")
    first = team.export(laptop, "zhang-1.db")
    assert score(laptop, "1.1.1", "1")  # changed its mind: export #1 holds a stale value
    assert score(laptop, "1.1.2", "1.5")
    second = team.export(laptop, "zhang-2.db")
    [report] = merge(master, [second])
    assert report.status == "merged" and report.export_number == 2
    before = everything(master)
    [again] = merge(master, [first])
    assert again.status == "nothing-new", again
    assert again.code == "" and again.export_number == 1 and again.older_than == 2
    assert everything(master) == before
    quarantine_is_empty()
    with master.read() as conn:
        current = sorted(tuple(r) for r in conn.execute(text("SELECT item, score FROM current_score")))
    assert current == [("1.1.1", "1"), ("1.1.2", "1.5")]


# --- 10: a device never enrolled --------------------------------------------------------------


def test_device_not_enrolled(team: Team) -> None:
    master = team.master()
    laptop = team.laptop("张三")
    assert score(laptop, "1.1.1", "2")
    path = team.export(laptop)
    report = refused(master, path, "not_enrolled", enroll=False)
    assert "张三" in report.reason and "enroll" in report.reason
    with master.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM device WHERE id = :d"), {"d": laptop.identity.device_id}).scalar() == 0
    [ok] = sync.merge(master, [path], enroll=True)
    assert ok.status == "merged" and ok.versions_added == 1
    assert [d.id for d in ok.enrolled] == [laptop.identity.device_id]
    with master.read() as conn:
        row = conn.execute(text("SELECT role, inspector FROM device WHERE id = :d"), {"d": laptop.identity.device_id}).one()
    assert tuple(row) == ("field", "张三")


# --- 11–12: where the file is -----------------------------------------------------------------


def test_vanished_path_and_folder(team: Team) -> None:
    master, _, good = seeded(team)
    gone = good.with_name("gone.db")
    assert not gone.exists()
    refused(master, gone, "unreadable")
    folder = good.with_name("a-folder.db")
    folder.mkdir()
    refused(master, folder, "unreadable")


def test_read_only_path_merges(team: Team) -> None:
    master, _, good = seeded(team)
    medium = good.parent / "write-protected"
    medium.mkdir()
    path = medium / "zhang-2.db"
    shutil.copyfile(good, path)
    os.chmod(path, 0o444)
    os.chmod(medium, 0o555)
    try:
        [report] = merge(master, [path])
        assert report.status == "merged", report
        assert report.versions_added == 2 and report.blobs_added == 1
        assert sorted(p.name for p in medium.iterdir()) == ["zhang-2.db"]  # no -wal, -shm or journal beside it
    finally:
        os.chmod(medium, 0o755)
        os.chmod(path, 0o644)
    quarantine_is_empty()


# --- 13–14: the environment fails under a merge -----------------------------------------------


def test_disk_full_during_merge_rolls_back(team: Team) -> None:
    master = team.master()
    laptop = team.laptop("张三")
    assert score(laptop, "1.1.1", "2")
    for i in range(2):
        evidence(laptop, os.urandom(1024 * 1024), item=f"1.1.{i + 1}")
    sqlite_only(master, "a full disk is made by capping the file's pages; a server's (SQLSTATE 53100) is tested in tests/db")
    path = team.export(laptop)
    before = everything(master)
    with master.read() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    def small_disk(dbapi: sqlite3.Connection, _record: object) -> None:
        dbapi.execute(f"PRAGMA max_page_count = {pages + 5}")

    event.listen(master.database.engine, "connect", small_disk)
    try:
        with pytest.raises(DiskFull) as full:
            merge(master, [path])
        assert full.value.path == str(master.path)
    finally:
        event.remove(master.database.engine, "connect", small_disk)
    assert everything(master) == before
    quarantine_is_empty()
    assert intact(master)
    [report] = merge(master, [path])  # with room again, the same file merges
    assert report.status == "merged" and report.blobs_added == 2


_KILLED_MERGE = """
import sys
from pathlib import Path
from desktop.services import sync
from desktop.services.workspace import open_workspace
from db.location import location
ws = open_workspace(location(sys.argv[1]))
print("start", flush=True)
sync.merge(ws, [Path(sys.argv[2])], enroll=True)
print("done", flush=True)
"""


def _size(path: Path) -> int:
    """A file's size, 0 when it is not there: the log may be deleted between a look and a stat
    (the last connection to close checkpoints it and removes it)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def test_kill_during_merge_leaves_master_as_it_was(team: Team) -> None:
    master, _, _ = seeded(team)
    big = team.laptop("李四")
    assert score(big, "1.1.1", "1")
    for i in range(30):
        evidence(big, os.urandom(1024 * 1024), item=f"1.2.{i % 5 + 1}")
    sqlite_only(master, "the kill is timed by the file's WAL growing; on a server, test_batch kills a merge mid-batch")
    path = team.export(big)
    before = everything(master)
    wal = master.path.with_name(master.path.name + "-wal")
    start_size = _size(wal)
    with subprocess.Popen(
        [sys.executable, "-c", _KILLED_MERGE, str(master.path), str(path)],
        cwd=REPO, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stderr is not None
            assert proc.stdout.readline().strip() == "start", proc.stderr.read()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and proc.poll() is None:
                if _size(wal) > start_size + 2 * 1024 * 1024:
                    break  # the merge transaction is writing the blobs
                time.sleep(0.002)
            if proc.poll() is not None:
                pytest.skip("the merge finished before it could be killed")
            kill(proc)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                kill(proc)
                proc.wait(10)
    assert was_killed(proc.returncode)
    with master.read() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
    after = everything(master)
    if after != before:
        # killed between the commit and the exit: then the merge must be whole
        assert len(after[1]["import_log"]) == len(before[1]["import_log"]) + 1
        assert rebuilt(master) == {k: v for k, v in after[0].items() if k != "blob"}
        assert [r.status for r in merge(master, [path])] == ["nothing-new"]
        return
    assert after == before
    # the interrupted merge left nothing behind that stops it from being done again
    [report] = merge(master, [path])
    assert report.status == "merged" and report.blobs_added == 30


# --- 15–17: files the checks must catch -------------------------------------------------------


def test_file_from_a_different_campaign(team: Team, tmp_path: Path) -> None:
    master, _, _ = seeded(team)
    source = paths.builtin_campaign().read_text(encoding="utf-8")
    other = tmp_path / "campaigns" / "luan-2018.toml"
    other.parent.mkdir()
    lines = source.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("name = "))
    lines[index] = 'name = "六安市试点验收（另一轮）"'
    other.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stranger = create(tmp_path / "other-campaign.db", role="field", campaign_file=other, inspector="王五")
    team.opened.append(stranger)
    assert score(stranger, "1.1.1", "2")
    report = refused(master, team.export(stranger), "campaign", enroll=True)
    assert "campaign" in report.reason


def test_laptop_restored_from_an_old_copy(team: Team) -> None:
    master = team.master()
    laptop = team.laptop("张三")
    assert score(laptop, "1.1.1", "2")
    copy_path = team.root / "张三-restored.db"
    migrations.backup(laptop.path, copy_path, laptop.database.key)  # the inspector's backup, taken now
    restored = open_workspace(copy_path)
    team.opened.append(restored)
    assert restored.identity.device_id == laptop.identity.device_id
    assert score(laptop, "1.1.2", "1")
    original = team.export(laptop, "zhang-original-1.db")
    assert score(restored, "1.2.1", "0.5")  # work done after the old copy was put back
    fork = team.export(restored, "zhang-restored-1.db")
    [first] = merge(master, [original])
    assert first.status == "merged" and first.export_number == 1
    report = refused(master, fork, {"fork", "sequence"}, enroll=True)
    assert report.export_number in (0, 1)


@pytest.mark.parametrize(
    "device_row",
    [
        pytest.param(None, id="as-exported"),
        pytest.param(
            "UPDATE device SET inspector = '李四' WHERE id = ?", id="device-row-names-李四",
        ),
        pytest.param(
            "UPDATE device SET role = 'master' WHERE id = ?", id="device-row-says-master",
        ),
    ],
)
def test_field_laptop_signs_another_inspectors_score(team: Team, device_row: str | None) -> None:
    master, laptop, honest = seeded(team)
    assert [r.status for r in merge(master, [honest])] == ["merged"]  # all of 张三's own work is in
    code = county(laptop)
    forge(laptop, entity="score", record_id=records.score_id(laptop, code, "1.2.1", "李四"),
          payload={"county": code, "item": "1.2.1", "inspector": "李四", "score": "0", "comment": "写在张三的电脑上"})
    path = team.export(laptop, "zhang-forged.db")
    if device_row:  # the inspector also edits the one row of his export that no signature covers
        conn = raw(path)
        assert conn.execute(device_row, (laptop.identity.device_id,)).rowcount == 1
        conn.close()
    if device_row is None:
        report = refused(master, path, "owner")
        assert "李四's score" in report.reason and report.refused_author == "张三"
    else:
        # the master trusts the role and inspector it enrolled, not the file's device table, and
        # the signed manifest covers that table: the edit is caught either way
        refused(master, path, {"owner", "contents"})


# --- 18: a dry run ----------------------------------------------------------------------------


def test_dry_run_writes_nothing(team: Team) -> None:
    master = team.master()
    laptop = team.laptop("张三")
    assert score(laptop, "1.1.1", "2")
    assert score(laptop, "1.1.2", "1.5")
    photo = b"\xff\xd8 a scan " * 1000
    evidence(laptop, photo)
    path = team.export(laptop)
    before = everything(master)
    [dry] = sync.merge(master, [path], enroll=True, dry_run=True)
    assert dry.status == "dry-run", dry
    assert (dry.versions_added, dry.versions_present, dry.blobs_added, dry.blob_bytes) == (3, 0, 1, len(photo))
    assert [d.id for d in dry.enrolled] == [laptop.identity.device_id]
    assert everything(master) == before
    backups = paths.data_dir() / "backups"
    assert not backups.exists() or list(backups.iterdir()) == []
    quarantine_is_empty()
    [real] = sync.merge(master, [path], enroll=True)  # the dry run's report was exact
    assert real.status == "merged"
    assert (real.versions_added, real.blobs_added, real.blob_bytes, real.conflicts) == (
        dry.versions_added, dry.blobs_added, dry.blob_bytes, dry.conflicts,
    )


# --- hostile files and environments -------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX: a named pipe and /dev/zero (Windows has neither in its file system)")
def test_a_device_or_a_pipe_is_refused_at_once(team: Team) -> None:
    master, _, _ = seeded(team)
    zero = team.root / "usb" / "zero.db"
    zero.symlink_to("/dev/zero")
    fifo = team.root / "usb" / "pipe.db"
    os.mkfifo(fifo)
    for path in (zero, fifo):
        report = refused(master, path, "unreadable")
        assert "device or a pipe" in report.reason


def test_a_file_over_the_limit_is_refused_before_it_is_copied(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    master, _, good = seeded(team)
    monkeypatch.setenv("YANSHOU_MAX_IMPORT_MB", "1")
    big = good.with_name("big.db")
    with big.open("wb") as f:
        f.truncate(2 * 1024 * 1024)
    report = refused(master, big, "too_large")
    assert "not merged" in report.reason


def test_a_full_data_folder_is_said_before_a_byte_is_copied(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    from collections import namedtuple

    from db import files

    master, _, good = seeded(team)
    before = everything(master)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(files.shutil, "disk_usage", lambda _p: usage(10**9, 10**9, 1024))
    with pytest.raises(DiskFull, match="free some space"):
        sync.merge(master, [good], enroll=True)
    assert everything(master) == before
    quarantine_is_empty()


def test_a_manifest_nested_too_deep_refuses_its_file_not_the_batch(team: Team) -> None:
    master, _, good = seeded(team)
    other = team.laptop("李四")
    assert score(other, "1.1.1", "1")
    fine = team.export(other)
    deep = tampered(good, "deep.db")
    conn = raw(deep)
    try:
        conn.execute("UPDATE manifest SET body = ?", ("[" * 50_000 + "]" * 50_000,))
    finally:
        conn.close()
    reports = sync.merge(master, [deep, fine], enroll=True)
    assert [r.status for r in reports] == ["refused", "merged"]
    quarantine_is_empty()


def test_a_master_on_a_read_only_disk_is_read_checked_and_dry_run(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file cannot be written (a read-only disk, simulated: as root a chmod would not stop
    SQLite): it opens as it is, its results and checks work, a dry run works on a copy, a merge
    says why it cannot, and the file is not touched."""
    from db import database, integrity
    from db.errors import KnownDatabaseError

    master, _, newer = seeded(team)
    sqlite_only(master, "a read-only disk is a file's")
    path = master.path
    master.close()
    before = path.read_bytes()
    monkeypatch.setattr(database, "writable", lambda _p: False)
    with open_workspace(path) as ro:
        assert ro.database.read_only
        assert integrity.check_projection(ro.database).equal
        [dry] = sync.merge(ro, [newer], enroll=True, dry_run=True)
        assert dry.status == "dry-run" and dry.versions_added == 2, dry
        with pytest.raises(KnownDatabaseError, match="read-only disk"):
            sync.merge(ro, [newer], enroll=True)
    assert path.read_bytes() == before
    quarantine_is_empty()
