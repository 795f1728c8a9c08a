"""The search index (db/search.py) follows the projection: a write, an edit, a delete and a
merge change it in their own transaction, a rebuild from the versions gives the same rows, on a
SQLite file and on a PostgreSQL master. SQLite's full-text table (FTS5, trigrams) is the file's
own: made where the library has it, never exported, let through when a laptop's database file
is merged as it is; without it (or while it is stale) every search is a LIKE over the rows."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
import rawdb
from sqlalchemy import text
from teamwork import EVERY_LAPTOP, export, laptop, merge

from db import integrity, migrations, postgres, projection, search
from db.merge import verify
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.services import inspection, rectification, sync
from desktop.services.workspace import Workspace, create, open_workspace

COUNTY = "341502"  # 金安区
OTHER = "341504"  # 叶集区


def write_finding(ws: Workspace, item: str, words: str, *, county: str = COUNTY, mode: InspectionMode = InspectionMode.REPORT) -> None:
    status = FindingStatus.PARTLY_MET if words else FindingStatus.UNCHECKED
    inspection.save_item(ws, county, item, score=Decimal("1"), comment="", findings=[inspection.Finding(mode, words, status)])


def found(ws: Workspace, *terms: str, inspector: str | None = None) -> list[tuple[str, str]]:
    """(kind, body) of every hit, in the index's order."""
    with ws.read() as conn:
        rows = search.find(conn, terms, phrase=" ".join(terms), campaign_id=ws.identity.campaign_id, inspector=inspector)
    return [(r.kind, r.body) for r in rows]


def entries(ws: Workspace) -> list[tuple]:
    with ws.read() as conn:
        return sorted(tuple(r) for r in conn.execute(text("SELECT record_id, kind, county, item, inspector, mode, body FROM search_entry")))


def objects(path: Path) -> set[str]:
    con = rawdb.connect(path, "mode=ro")
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    finally:
        con.close()


def state(ws: Workspace) -> str | None:
    with ws.read() as conn:
        return conn.execute(text("SELECT value FROM local_state WHERE key = :k"), {"k": migrations.SEARCH_STATE}).scalar()


def test_this_sqlite_has_fts5_with_trigrams() -> None:
    """The reference machine's Python (and CPython's Windows builds, SQLite ≥ 3.34 with FTS5)."""
    assert sqlite3.sqlite_version_info >= (3, 34)
    assert search.trigram_available()


def test_a_write_an_edit_and_a_delete_keep_the_index(tmp_path: Path) -> None:
    with create(tmp_path / "f.db", role="field", inspector="张三") as ws:
        assert search.FTS in objects(ws.path) and state(ws) is None
        write_finding(ws, "1.1.1", "政务公开台账不全")
        assert found(ws, "台账") == found(ws, "公开台账") == [("finding", "政务公开台账不全")]  # 2 characters: LIKE; 4: trigrams
        assert found(ws, "台") == [("finding", "政务公开台账不全")]
        write_finding(ws, "1.1.1", "公告栏已更新")  # the same finding, edited: the old words are gone from both indexes
        assert found(ws, "台账") == found(ws, "公开台账") == []
        assert found(ws, "公告栏") == [("finding", "公告栏已更新")]
        write_finding(ws, "1.1.1", "")  # emptied: the finding is deleted
        assert found(ws, "公告栏") == [] and entries(ws) == []
        problem = inspection.save_problem(ws, COUNTY, "1.2.1", description="专题栏目更新不及时", severity="major", deadline=None)
        piece, _ = inspection.attach_bytes(ws, b"%PDF-1.4 minutes", "领导小组会议纪要.pdf", county=COUNTY, item="1.1.1",
                                           mode=InspectionMode.MATERIALS)
        inspection.set_caption(ws, piece.record_id, "会议纪要扫描件")
        assert found(ws, "栏目") == [("problem", "专题栏目更新不及时")]
        assert found(ws, "纪要") == [("evidence", "会议纪要扫描件 · 领导小组会议纪要.pdf")]  # caption and file name
        assert found(ws, "扫描件") == found(ws, ".pdf") == found(ws, "领导小组") == [("evidence", "会议纪要扫描件 · 领导小组会议纪要.pdf")]
        rectification.set_status(ws, problem, "rectified", account="已在公告栏张贴最新目录")
        assert found(ws, "张贴") == [("problem", "专题栏目更新不及时 · 已在公告栏张贴最新目录")]  # the rectification's account
        inspection.remove(ws, "problem", problem)
        assert found(ws, "栏目") == found(ws, "张贴") == []
        assert integrity.check_projection(ws.database).equal


def test_terms_must_all_be_there_in_any_order(tmp_path: Path) -> None:
    with create(tmp_path / "f.db", role="field", inspector="张三") as ws:
        write_finding(ws, "1.1.1", "领导小组会议纪要齐全,政务公开台账不全")
        write_finding(ws, "1.1.2", "台账齐全", mode=InspectionMode.ONLINE)
        assert found(ws, "台账", "纪要") == [("finding", "领导小组会议纪要齐全,政务公开台账不全")]
        assert found(ws, "政务公开", "齐全") == [("finding", "领导小组会议纪要齐全,政务公开台账不全")]  # long and short terms
        assert found(ws, "台账", "缺失") == []
        assert found(ws, "100%") == found(ws, "a_b") == []  # LIKE's wildcards are plain characters


def test_the_query_as_typed_comes_first_then_the_campaigns_order(tmp_path: Path) -> None:
    with create(tmp_path / "f.db", role="field", inspector="张三") as ws:
        write_finding(ws, "1.2.1", "台账 缺失", county=COUNTY)  # the phrase as typed, later in the campaign
        write_finding(ws, "1.1.1", "缺失的台账", county=OTHER)
        write_finding(ws, "1.1.1", "台账缺失", county=COUNTY, mode=InspectionMode.FIELD)  # the whole text: exact
        write_finding(ws, "1.1.2", "缺失:台账", county=COUNTY)
        with ws.read() as conn:
            rows = search.find(conn, ["台账", "缺失"], phrase="台账缺失", campaign_id=ws.identity.campaign_id)
        assert [(r.body, r.rank) for r in rows] == [("台账缺失", 0), ("缺失:台账", 2), ("台账 缺失", 2), ("缺失的台账", 2)]
        assert [r.county for r in rows[1:]] == [COUNTY, COUNTY, OTHER]  # 金安区 (first county) before 叶集区, 1.1.2 before 1.2.1
        with ws.read() as conn:
            assert len(search.find(conn, ["台账"], phrase="台账", campaign_id=ws.identity.campaign_id, limit=2)) == 2


def test_a_merge_indexes_what_it_brings_on_both_backends(tmp_path: Path, master_location: Path | str) -> None:
    zhang, li = laptop(tmp_path, "张三"), laptop(tmp_path, "李四")
    try:
        write_finding(zhang, "1.1.1", "政务公开台账不全")
        write_finding(li, "1.1.1", "实地查看公开栏,台账基本齐全", mode=InspectionMode.FIELD)
        inspection.save_problem(li, OTHER, "2.1.1", description="公开事项目录缺失", severity="serious", deadline=None)
        with create(master_location, role="master") as master:
            merge(master, [export(zhang, tmp_path), export(li, tmp_path)])
            # the same county and item: in the inspectors' order, which is the server's collation's
            assert sorted(found(master, "台账")) == [("finding", "实地查看公开栏,台账基本齐全"), ("finding", "政务公开台账不全")]
            assert found(master, "台账", inspector="李四") == [("finding", "实地查看公开栏,台账基本齐全")]
            assert found(master, "目录缺失") == found(master, "目录") == [("problem", "公开事项目录缺失")]
            write_finding(zhang, "1.1.1", "台账已补齐")  # an edit on the laptop, merged: replaces the old words
            merge(master, [export(zhang, tmp_path)])
            assert found(master, "不全") == []
            assert found(master, "补齐") == [("finding", "台账已补齐")]
            before = entries(master)
            assert integrity.check_projection(master.database).equal  # the index compared with a rebuild, too
            with master.database.engine.connect() as conn, conn.begin() as tx:
                projection.rebuild(conn)
                rebuilt = sorted(tuple(r) for r in conn.execute(
                    text("SELECT record_id, kind, county, item, inspector, mode, body FROM search_entry")))
                assert search.intact(conn)
                tx.rollback()
            assert rebuilt == before and len(before) == 3
    finally:
        zhang.close()
        li.close()


def test_a_conflict_indexes_the_provisional_winner(tmp_path: Path) -> None:
    """Two laptops of one inspector write the same finding: one record, two heads; the index
    holds what the current row holds, and still equals a rebuild."""
    first = create(tmp_path / "a.db", role="field", inspector="张三")
    second = create(tmp_path / "b.db", role="field", inspector="张三")
    try:
        write_finding(first, "1.1.1", "第一台电脑写的台账")
        write_finding(second, "1.1.1", "第二台电脑写的台账")
        with create(tmp_path / "m.db", role="master") as master:
            merge(master, [export(first, tmp_path), export(second, tmp_path)])
            with master.read() as conn:
                current = conn.execute(text("SELECT text FROM current_finding")).scalars().all()
                assert conn.execute(text("SELECT count(*) FROM conflict WHERE entity = 'finding'")).scalar() == 1
            assert found(master, "台账") == [("finding", current[0])]
            assert integrity.check_projection(master.database).equal
    finally:
        first.close()
        second.close()


def test_a_tampered_full_text_index_shows_in_verify(tmp_path: Path) -> None:
    with create(tmp_path / "f.db", role="field", inspector="张三") as ws:
        write_finding(ws, "1.1.1", "政务公开台账不全")
        with ws.write() as conn:  # the rows changed behind the full-text index's back
            conn.exec_driver_sql("UPDATE search_entry SET body = '别的字'")
        report = integrity.check_projection(ws.database)
        assert (search.FTS, "stored", ("the full-text index differs from the search index's rows",)) in report.differences
        assert any(table == "search_entry" for table, _side, _row in report.differences)


# --- without FTS5 --------------------------------------------------------------------------------


def test_without_fts5_every_term_is_matched_with_like(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = search.trigram_available
    monkeypatch.setattr(search, "trigram_available", lambda: False)
    with create(tmp_path / "f.db", role="field", inspector="张三") as ws:
        assert search.FTS not in objects(ws.path) and state(ws) is None
        write_finding(ws, "1.1.1", "政务公开台账不全")
        assert found(ws, "台账") == found(ws, "公开台账") == found(ws, "政务", "台账不全") == [("finding", "政务公开台账不全")]
        write_finding(ws, "1.1.1", "公告栏已更新")
        assert found(ws, "公开台账") == []
        assert integrity.check_projection(ws.database).equal
        out = tmp_path / "export.db"
        sync.export(ws, out)
    monkeypatch.setattr(search, "trigram_available", real)  # not undo(): the test's folders and store stay its own
    with open_workspace(tmp_path / "f.db") as ws:  # opened where SQLite has FTS5: the full-text table made and filled
        assert search.FTS in objects(ws.path)
        assert found(ws, "公告栏") == [("finding", "公告栏已更新")]
        with ws.read() as conn:
            assert search.intact(conn)
    assert search.FTS not in objects(out)


def test_a_full_text_index_this_sqlite_cannot_write_goes_stale_then_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with a full-text table, written by a program whose SQLite lacks FTS5: the writes
    go in, the index is marked stale and not used (searches read the current tables), and a
    program with FTS5 rebuilds it at the next open."""
    with create(tmp_path / "f.db", role="field", inspector="张三") as ws:
        write_finding(ws, "1.1.1", "政务公开台账不全")
    real = search.trigram_available
    monkeypatch.setattr(search, "trigram_available", lambda: False)
    with open_workspace(tmp_path / "f.db") as ws:
        write_finding(ws, "1.1.1", "公告栏已更新")
        assert state(ws) == search.STALE
        assert found(ws, "公告栏") == [("finding", "公告栏已更新")] and found(ws, "台账") == []
        assert integrity.check_projection(ws.database).equal  # a stale index is not compared
        exported = tmp_path / "export.db"
        sync.export(ws, exported)  # this SQLite cannot drop the table: it goes along, and a merge lets it pass
        assert search.FTS in objects(exported)
    monkeypatch.setattr(search, "trigram_available", real)
    with open_workspace(tmp_path / "f.db") as ws:
        assert state(ws) is None
        assert found(ws, "公告栏") == [("finding", "公告栏已更新")] and found(ws, "公开台账") == []
        with ws.read() as conn:
            assert search.intact(conn)
    with create(tmp_path / "m.db", role="master") as master:
        [report] = sync.merge(master, [exported], enroll=EVERY_LAPTOP)
        assert report.status == "merged", report.reason
        assert found(master, "公告栏") == [("finding", "公告栏已更新")]


# --- files that leave the laptop ---------------------------------------------------------------


def test_an_export_leaves_the_full_text_index_out_and_has_our_schema(tmp_path: Path) -> None:
    with create(tmp_path / "f.db", role="field", inspector="张三") as ws:
        write_finding(ws, "1.1.1", "政务公开台账不全")
        out = tmp_path / "export.db"
        sync.export(ws, out)
    assert search.FTS in objects(tmp_path / "f.db")
    con = verify.open_hardened(out)
    try:
        assert tuple(verify.schema_rows(con)) == verify.expected_schema(migrations.SCHEMA_VERSION)
        assert con.execute("SELECT body FROM search_entry").fetchall() == [("政务公开台账不全",)]  # derived rows, as current_*
    finally:
        con.close()


def test_a_laptops_database_file_merges_as_it_is_with_its_full_text_index(tmp_path: Path) -> None:
    with create(tmp_path / "张三.db", role="field", inspector="张三") as ws:
        write_finding(ws, "1.1.1", "政务公开台账不全")
    copied = tmp_path / "usb" / "张三.db"
    copied.parent.mkdir()
    shutil.copyfile(tmp_path / "张三.db", copied)
    doctored = tmp_path / "usb" / "doctored.db"
    shutil.copyfile(copied, doctored)
    con = rawdb.connect(doctored)  # the same names, another definition: not ours
    con.execute("DROP TABLE search_fts")
    con.execute("CREATE VIRTUAL TABLE search_fts USING fts5(body, tokenize='trigram')")
    con.commit()
    con.close()
    with create(tmp_path / "m.db", role="master") as master:
        [bad] = sync.merge(master, [doctored], enroll=EVERY_LAPTOP)
        assert (bad.status, bad.code) == ("refused", "schema")
        [report] = sync.merge(master, [copied], enroll=EVERY_LAPTOP)
        assert report.status == "merged", report.reason
        assert found(master, "台账") == [("finding", "政务公开台账不全")]


# --- PostgreSQL -----------------------------------------------------------------------------------


def _trigram_indexed(ws: Workspace) -> bool:
    with ws.read() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_search_entry_body_trgm'")).scalar())


def test_a_server_master_has_a_trigram_index_and_finds_short_words(pg_url: str, tmp_path: Path) -> None:
    zhang = laptop(tmp_path, "张三")
    try:
        write_finding(zhang, "1.1.1", "政务公开台账不全")
        with create(pg_url, role="master") as master:
            assert _trigram_indexed(master) and state(master) is None
            merge(master, [export(zhang, tmp_path)])
            assert found(master, "台账") == found(master, "公开台账") == found(master, "台") == [("finding", "政务公开台账不全")]
            out = tmp_path / "master-export.db"
            sync.export(master, out, sealed=False)  # a SQLite file made afresh and filled from the server (in the clear, to read)
        con = verify.open_hardened(out)
        try:
            assert tuple(verify.schema_rows(con)) == verify.expected_schema(migrations.SCHEMA_VERSION)
            assert con.execute("SELECT body FROM search_entry").fetchall() == [("政务公开台账不全",)]
            assert con.execute("SELECT value FROM local_state WHERE key = ?", (migrations.SEARCH_STATE,)).fetchall() == []
        finally:
            con.close()
    finally:
        zhang.close()


def test_a_server_without_pg_trgm_searches_all_the_same(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "TRIGRAM_EXTENSION", "pg_trgm_not_installed_here")
    zhang = laptop(tmp_path, "张三")
    try:
        write_finding(zhang, "1.1.1", "政务公开台账不全")
        with create(pg_url, role="master") as master:  # the extension refused: the master is made without the index
            assert not _trigram_indexed(master)
            merge(master, [export(zhang, tmp_path)])
            assert found(master, "台账") == found(master, "公开台账") == [("finding", "政务公开台账不全")]
            assert integrity.check_projection(master.database).equal
    finally:
        zhang.close()
