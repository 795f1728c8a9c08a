"""Opening files that are not ours, too new, or half-created; durability of commits."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from dbutil import ROOT, create_db
from processes import kill, was_killed
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from db import migrations
from db.database import Database
from db.errors import DatabaseTooNew, KnownDatabaseError, NotYanshouDatabase


def test_random_bytes_are_not_a_database(tmp_path: Path) -> None:
    p = tmp_path / "junk.db"
    p.write_bytes(os.urandom(8192))
    before = p.read_bytes()
    with pytest.raises(NotYanshouDatabase):
        Database.open(p)
    assert p.read_bytes() == before


def test_short_file_and_missing_and_folder(tmp_path: Path) -> None:
    short = tmp_path / "short.db"
    short.write_bytes(b"SQLite format 3\x00")
    with pytest.raises(NotYanshouDatabase):
        Database.open(short)
    with pytest.raises(NotYanshouDatabase):
        Database.open(tmp_path / "missing.db")
    with pytest.raises(NotYanshouDatabase):
        Database.open(tmp_path)
    assert not (tmp_path / "missing.db").exists()


def test_foreign_sqlite_file(tmp_path: Path) -> None:
    p = tmp_path / "other.db"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE t(x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()
    con.close()
    before = p.read_bytes()
    with pytest.raises(NotYanshouDatabase):
        Database.open(p)
    assert p.read_bytes() == before
    assert [x.name for x in tmp_path.iterdir()] == ["other.db"]


def test_foreign_sqlite_file_with_our_user_version_zero_app_id(tmp_path: Path) -> None:
    p = tmp_path / "other.db"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE version(x)")
    con.execute("PRAGMA user_version=1")
    con.commit()
    con.close()
    with pytest.raises(NotYanshouDatabase):
        Database.open(p)


def test_too_new(field_db: Database, tmp_path: Path) -> None:
    path = field_db.path
    field_db.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version=99")
    con.close()
    assert migrations.header(path) == (migrations.APPLICATION_ID, 99)
    files = sorted(p.name for p in path.parent.iterdir())
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew):
        Database.open(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == files


def test_create_refuses_existing_file(campaign, field_db: Database, tmp_path: Path) -> None:
    path = field_db.path
    field_db.close()
    before = path.read_bytes()
    with pytest.raises(KnownDatabaseError):
        create_db(campaign, path, tmp_path / "keys2")
    assert path.read_bytes() == before
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(KnownDatabaseError):
        create_db(campaign, other, tmp_path / "keys3")
    assert other.read_text() == "hello"


def test_create_on_empty_file_works(campaign, tmp_path: Path) -> None:
    p = tmp_path / "empty.db"
    p.touch()
    db = create_db(campaign, p, tmp_path / "keys")
    try:
        assert migrations.header(p) == (migrations.APPLICATION_ID, migrations.SCHEMA_VERSION)
    finally:
        db.close()


def test_failed_create_leaves_no_file(campaign, tmp_path: Path) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text("not a folder")
    path = tmp_path / "f.db"
    with pytest.raises(FileExistsError):
        create_db(campaign, path, keys_file)
    assert not path.exists()
    assert not path.with_name("f.db-wal").exists()
    assert not path.with_name("f.db-shm").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys"]


def test_failed_create_in_reference_data_leaves_no_file(campaign, tmp_path: Path) -> None:
    """A failure inside the reference transaction (duplicate county code) also leaves nothing."""
    from db import reference

    path = tmp_path / "f.db"
    with pytest.raises(IntegrityError):
        Database.create(
            path,
            role="field",
            keys_dir=tmp_path / "keys",
            inspector="张三",
            campaign_key=campaign.id,
            campaign_name=campaign.name,
            document=campaign.to_document(),
            indicators=[
                reference.IndicatorNode(n.code, int(n.level), n.parent, n.name, str(n.points)) for n in campaign.indicator_set.nodes
            ],
            counties=[reference.CountyEntry("1", "a", ()), reference.CountyEntry("1", "b", ())],
            now="2026-11-27T00:00:00",
        )
    assert not path.exists()
    assert not path.with_name("f.db-wal").exists()


def test_schema_is_stable(field_db: Database) -> None:
    """The version-1 tables are all there."""
    with field_db.read() as conn:
        names = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars())
    assert {
        "local_state",
        "campaign",
        "indicator",
        "county",
        "device",
        "version",
        "version_parent",
        "blob",
        "head",
        "current_score",
        "current_finding",
        "current_method_score",
        "current_adjudication",
        "current_adjustment",
    } <= names


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from db import versions
    from db.database import Database
    path, keys_dir, campaign = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    db = Database.open(path)
    i = 0
    while True:
        i += 1
        with db.write() as conn:
            signer = db.signer(keys_dir, conn)
            v = versions.put(conn, signer, entity="score",
                record_id=versions.natural_id(campaign, "score", "341502", "1.1.%d" % (i % 50), "张三"),
                payload={"county": "341502", "item": "1.1.%d" % (i % 50), "inspector": "张三", "score": str(i)})
        print(v.seq, flush=True)
    """
)


def test_killed_writer_loses_nothing_reported_saved(campaign, field_db: Database, tmp_path: Path) -> None:
    path = field_db.path
    field_db.close()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(tmp_path / "keys"), campaign.id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=str(ROOT),
        text=True,
    )
    seen: list[int] = []
    try:
        assert proc.stdout is not None
        while len(seen) < 20:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(int(line))
        kill(proc)
        proc.wait(timeout=30)
        rest = proc.stdout.read()
        seen.extend(int(x) for x in rest.split())
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        stderr = proc.stderr.read() if proc.stderr else ""
        for f in (proc.stdout, proc.stderr):
            if f:
                f.close()
    assert len(seen) >= 20, stderr
    assert was_killed(proc.returncode)
    assert seen == list(range(1, len(seen) + 1))
    db = Database.open(path)  # runs quick_check
    try:
        with db.read() as conn:
            assert conn.execute(text("PRAGMA quick_check")).scalars().all() == ["ok"]
            stored = set(conn.execute(text("SELECT seq FROM version")).scalars())
            assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
        assert set(seen) <= stored
        assert stored == set(range(1, max(stored) + 1))  # no gaps either
    finally:
        db.close()


def test_too_new_in_wal_not_yet_checkpointed(field_db: Database) -> None:
    path = field_db.path
    field_db.close()
    holder = sqlite3.connect(path)  # another program with the file open: no checkpoint on close
    try:
        holder.execute("SELECT count(*) FROM version").fetchall()
        newer = sqlite3.connect(path)
        newer.execute("PRAGMA user_version=99")
        newer.close()
        assert holder.execute("PRAGMA user_version").fetchall() == [(99,)]
        try:
            db = Database.open(path)
        except DatabaseTooNew:
            return
        db.close()
        pytest.fail("a database of schema version 99 was opened")
    finally:
        holder.close()


def _shape(conn: sqlite3.Connection) -> dict[str, object]:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return {
        t: (
            [tuple(r) for r in conn.execute(f"PRAGMA table_info('{t}')")],
            sorted(
                (r[1], r[2], tuple(c[2] for c in conn.execute(f"PRAGMA index_info('{r[1]}')")))
                for r in conn.execute(f"PRAGMA index_list('{t}')")
            ),
            sorted(tuple(r) for r in conn.execute(f"PRAGMA foreign_key_list('{t}')")),
        )
        for t in tables
    }


# --- the step from version 1 to 2 (tests/data/schema_v1: files the version-1 release wrote) ---

V1_MASTER = ROOT / "tests" / "data" / "schema_v1" / "master.db"


def _v1_copy(tmp_path: Path) -> Path:
    path = tmp_path / "master.db"
    path.write_bytes(V1_MASTER.read_bytes())
    return path


def _v1_state(path: Path) -> tuple[tuple[int, int], list[tuple], list[str]]:
    """Header, local_state, tables: what must still be version 1's after a failed step."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (
            migrations.header(path),
            con.execute("SELECT key, value FROM local_state ORDER BY key").fetchall(),
            [r[0] for r in con.execute("SELECT name FROM sqlite_master ORDER BY name")],
        )
    finally:
        con.close()


def _upgrades_afterwards(path: Path, reports: int) -> None:
    db = Database.open(path)
    try:
        with db.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM merge_report")).scalar() == reports
            assert conn.execute(text("SELECT count(*) FROM local_state WHERE key LIKE 'merge_report:%'")).scalar() == 0
        assert migrations.header(path)[1] == migrations.SCHEMA_VERSION
    finally:
        db.close()


def test_a_failed_step_2_leaves_version_1_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _v1_copy(tmp_path)
    before = _v1_state(path)
    assert before[0][1] == 1 and len([k for k, _ in before[1] if k.startswith("merge_report:")]) == 3
    real = migrations.STEPS[2]

    def failing(conn: Connection) -> None:
        real(conn)  # the table made, every report moved: then the step fails
        assert conn.execute(text("SELECT count(*) FROM merge_report")).scalar() == 3
        raise OSError("the disk went away")

    monkeypatch.setitem(migrations.STEPS, 2, failing)
    with pytest.raises(OSError, match="went away"):
        Database.open(path)
    assert _v1_state(path) == before
    monkeypatch.setitem(migrations.STEPS, 2, real)
    _upgrades_afterwards(path, 3)


KILLED_IN_STEP_2 = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from sqlalchemy import text
    from db import migrations
    from db.database import Database
    from processes import kill_itself
    real = migrations.STEPS[2]
    def killed(conn):
        real(conn)
        assert conn.execute(text("SELECT count(*) FROM merge_report")).scalar() == 3
        print("moved", flush=True)
        kill_itself()  # before the version is set and the transaction commits
    migrations.STEPS[2] = killed
    Database.open(Path(sys.argv[1]))
    """
)


def test_an_upgrade_killed_inside_step_2_leaves_version_1_intact(tmp_path: Path) -> None:
    path = _v1_copy(tmp_path)
    before = _v1_state(path)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]))
    done = subprocess.run(
        [sys.executable, "-c", KILLED_IN_STEP_2, str(path)], cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )
    assert was_killed(done.returncode), done.stderr
    assert "moved" in done.stdout
    assert _v1_state(path) == before  # what the killed step wrote is in no committed transaction
    _upgrades_afterwards(path, 3)


def test_step_2_moves_what_it_can_read_and_keeps_the_rest(tmp_path: Path) -> None:
    path = _v1_copy(tmp_path)
    con = sqlite3.connect(path)
    body = json.dumps({"at": "2026-12-01T08:00:00+00:00", "dry_run": True, "files": [{"file": "/usb/x.db", "status": "refused"}]})
    con.executemany("INSERT INTO local_state(key, value) VALUES (?, ?)", [
        ("merge_report:2026-12-01T08:00:00+00:00:another-build", body),  # no number: a new id after the others
        ("merge_report:2026-12-01T09:00:00+00:00:00000002", body.replace("08:00", "09:00")),  # a number taken
        ("merge_report:2026-12-01T10:00:00+00:00:00000009", "not JSON"),  # unreadable: stays
    ])
    con.commit()
    con.close()
    db = Database.open(path)
    try:
        with db.read() as conn:
            moved = conn.execute(text("SELECT id, merged_at, dry_run, files, refused FROM merge_report ORDER BY id")).all()
            left = conn.execute(text("SELECT key, value FROM local_state WHERE key LIKE 'merge_report:%'")).all()
    finally:
        db.close()
    assert [tuple(r) for r in moved][3:] == [(4, "2026-12-01T08:00:00+00:00", 1, 1, 1), (5, "2026-12-01T09:00:00+00:00", 1, 1, 1)]
    assert [r[0] for r in moved] == [1, 2, 3, 4, 5]
    assert [tuple(r) for r in left] == [("merge_report:2026-12-01T10:00:00+00:00:00000009", "not JSON")]
