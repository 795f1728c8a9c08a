"""Files of schema version 2, written by the release before the search index
(tests/data/schema_v2, made by its make.py from that release's code): a master is upgraded to
version 3 with its index built from its current state, on a file and on a server; a step 3
that fails leaves version 2 whole; a laptop still on version 2 merges into a version-3 master
and its words are found; a version-2 file on a read-only disk is searched as it is."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from teamwork import EVERY_LAPTOP

from db import database, migrations, postgres, search
from db.database import Database
from db.engine import file_uri
from db.merge import verify
from desktop.services import sync
from desktop.services.workspace import Workspace, create, open_workspace

DATA = Path(__file__).resolve().parents[1] / "data" / "schema_v2"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


def body(kind: str, words: list[str | None]) -> str:
    """What the index says of a record's words (db/search.py): a problem's account and a piece
    of evidence's file name after a middle dot."""
    if kind == "finding":
        return str(words[0])
    first, second = words
    if kind == "problem":
        return str(first) if not second else f"{first} · {second}"
    return str(second) if not first else f"{first} · {second}"


EXPECTED_ENTRIES = sorted((r[1], r[0], r[2], r[3], r[4], r[5], body(r[0], r[6:])) for r in EXPECTED["words"])


def copy_of(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copyfile(DATA / name, target)
    return target


def entries(ws: Workspace) -> list[tuple]:
    with ws.read() as conn:
        return sorted(tuple(r) for r in conn.execute(text("SELECT record_id, kind, county, item, inspector, mode, body FROM search_entry")))


def found(ws: Workspace, *terms: str) -> list[str]:
    with ws.read() as conn:
        return sorted(r.body for r in search.find(conn, terms, phrase=" ".join(terms), campaign_id=ws.identity.campaign_id))


def counts(ws: Workspace) -> dict[str, int]:
    with ws.read() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in sorted(migrations.tables(2))}


def test_the_fixture_is_what_version_2_wrote() -> None:
    assert EXPECTED["schema_version"] == 2
    for name in ("master.db", "laptop-export.db"):
        assert migrations.header(DATA / name) == (migrations.APPLICATION_ID, 2)
        con = verify.open_hardened(DATA / name)
        try:  # the frozen steps up to 2 make exactly the tables the old release made
            assert tuple(verify.schema_rows(con)) == verify.expected_schema(2)
        finally:
            con.close()
    assert {r[0] for r in EXPECTED["words"]} == {"finding", "problem", "evidence"}
    assert sum((DATA / n).stat().st_size for n in ("master.db", "laptop-export.db")) < 600_000
    assert sorted(p.name for p in DATA.iterdir()) == ["expected.json", "laptop-export.db", "make.py", "master.db"]


def test_a_version_2_master_opens_upgraded_with_its_index_built(tmp_path: Path) -> None:
    path = copy_of("master.db", tmp_path)
    with open_workspace(path) as ws:
        assert migrations.header(path)[1] == migrations.SCHEMA_VERSION
        assert entries(ws) == EXPECTED_ENTRIES
        assert counts(ws) == EXPECTED["counts"]  # nothing else changed (the step's marker is gone again)
        assert found(ws, "台账") == ["实地查看公开栏,台账基本齐全", "领导小组会议纪要齐全,政务公开台账不全"]
        assert found(ws, "公告栏") == ["公告栏信息未及时更新 · 已在公告栏张贴最新目录"]
        assert found(ws, "纪要扫描") == ["会议纪要扫描件 · 领导小组会议纪要.pdf"]
        with ws.read() as conn:
            assert search.intact(conn) and not search.stale(conn)
    [backup] = tmp_path.glob("master.db.v2-*.bak")
    assert migrations.header(backup) == (migrations.APPLICATION_ID, 2)
    with open_workspace(path) as ws:  # again: nothing to do
        assert entries(ws) == EXPECTED_ENTRIES
    assert list(tmp_path.glob("*.bak")) == [backup]


def test_a_failed_step_3_leaves_version_2_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy_of("master.db", tmp_path)
    real = migrations.STEPS[3]

    def failing(conn: Connection) -> None:
        real(conn)
        raise OSError("the disk went away")

    monkeypatch.setitem(migrations.STEPS, 3, failing)
    with pytest.raises(OSError, match="went away"):
        Database.open(path)
    con = sqlite3.connect(file_uri(path, "mode=ro"), uri=True)
    try:
        assert not con.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'search%'").fetchone()[0]
        assert not con.execute("SELECT count(*) FROM local_state WHERE key = ?", (migrations.SEARCH_STATE,)).fetchone()[0]
    finally:
        con.close()
    assert migrations.header(path)[1] == 2
    monkeypatch.setitem(migrations.STEPS, 3, real)
    with open_workspace(path) as ws:
        assert entries(ws) == EXPECTED_ENTRIES


def test_a_version_2_laptop_export_merges_into_a_version_3_master(tmp_path: Path, master_location: Path | str) -> None:
    laptop = copy_of("laptop-export.db", tmp_path)
    with create(master_location, role="master") as master:
        [report] = sync.merge(master, [laptop], enroll=EVERY_LAPTOP)
        assert (report.status, report.inspector) == ("merged", "王五"), report.reason
        assert found(master, "台账") == ["试点方案已印发,台账待补"]
        assert found(master, "方案已印发") == ["试点方案已印发,台账待补"]


def test_a_version_2_master_on_a_server_is_upgraded_with_its_index_built(pg_url: str) -> None:
    made = postgres.engine(pg_url)
    source = sqlite3.connect(file_uri(DATA / "master.db", "mode=ro&immutable=1"), uri=True)
    try:  # the master as version 2 made it on a server: version 1's DDL and step 2, the fixture's rows
        with made.begin() as conn:
            for statement in postgres.ddl(migrations.ddl(1), migrations.APPLICATION_ID, 1):
                conn.exec_driver_sql(statement)
            for statement in postgres.translated(migrations.ddl(2)):
                conn.exec_driver_sql(statement)
            postgres.set_version(conn, 2)
            in_order = [s.split("(")[0].split()[2].strip('"') for v in (1, 2) for s in migrations.ddl(v) if s.startswith("CREATE TABLE")]
            for table in in_order:  # referenced tables first
                cursor = source.execute(f'SELECT * FROM "{table}"')
                names = [d[0] for d in cursor.description]
                rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
                for row in rows:
                    for flag in ("deleted", "dry_run"):
                        if flag in row:
                            row[flag] = bool(row[flag])
                if rows:
                    columns = ", ".join(f'"{n}"' for n in names)
                    conn.execute(text(f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join(":" + n for n in names)})'), rows)
            for table in ("blob", "import_log"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    finally:
        source.close()
        made.dispose()
    with open_workspace(pg_url) as ws:
        with ws.read() as conn:
            assert conn.execute(text("SELECT version FROM yanshou_schema")).scalar() == migrations.SCHEMA_VERSION
            assert conn.execute(text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_search_entry_body_trgm'")).scalar() == 1
            assert not search.stale(conn)
        assert entries(ws) == EXPECTED_ENTRIES
        assert found(ws, "台账") == ["实地查看公开栏,台账基本齐全", "领导小组会议纪要齐全,政务公开台账不全"]


def test_a_version_2_file_on_a_read_only_disk_is_searched_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy_of("master.db", tmp_path)
    monkeypatch.setattr(database, "writable", lambda _p: False)
    with open_workspace(path) as ws:  # not upgraded (it cannot be): the current tables are searched themselves
        assert ws.database.read_only and migrations.header(path)[1] == 2
        assert found(ws, "台账") == ["实地查看公开栏,台账基本齐全", "领导小组会议纪要齐全,政务公开台账不全"]
        assert found(ws, "张贴") == ["公告栏信息未及时更新 · 已在公告栏张贴最新目录"]
    assert (DATA / "master.db").read_bytes() == path.read_bytes()
