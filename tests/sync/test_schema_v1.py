"""Files of schema version 1, written by the release before schema 2 (tests/data/schema_v1,
made by its make.py from that release's code), opened and merged by this one: a master is
upgraded with its merge reports moved whole into `merge_report`, its results unchanged; a
laptop still on version 1 merges into a version-2 master as before."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from syncutil import Team, merge, score

from db import merge as merging
from db import migrations, postgres
from db.engine import file_uri
from desktop.cli import main
from desktop.services import results, sync
from desktop.services.workspace import Workspace, open_workspace

DATA = Path(__file__).resolve().parents[1] / "data" / "schema_v1"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


def as_written(batch: sync.BatchReport) -> dict[str, object]:
    """A kept report as make.py wrote it down from the version-1 program's reading."""
    files = []
    for f in batch.files:
        entry = asdict(f)
        entry["file"] = str(f.file)
        entry["enrolled"] = [{"id": d.id, "role": d.role, "inspector": d.inspector, "fingerprint": d.fingerprint} for d in f.enrolled]
        if entry["sealed"] is None:  # a report of before sealed exports says nothing of it
            del entry["sealed"]
        files.append(entry)
    return {"key": batch.key, "at": batch.at, "dry_run": batch.dry_run, "files": files}


def result_rows(ws: Workspace) -> list[list[object]]:
    """Each county's result as version 1 wrote it down, its total as a number (0 and 0.0 alike)."""
    return [[r.county, r.total, r.rank, str(r.grade) if r.grade else None] for r in results.results(ws)]


def expected_results() -> list[list[object]]:
    return [[county, Decimal(total), rank, grade] for county, total, rank, grade in EXPECTED["results"]]


def counts(ws: Workspace) -> dict[str, int]:
    with ws.read() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in sorted(migrations.tables(1))}


def read_only(path: Path) -> sqlite3.Connection:
    """A closed file read as it is, nothing made beside it (the fixture stays as committed)."""
    return sqlite3.connect(file_uri(path, "mode=ro&immutable=1"), uri=True)


def old_reports(path: Path) -> list[tuple[str, str]]:
    con = read_only(path)
    try:
        return con.execute("SELECT key, value FROM local_state WHERE key LIKE 'merge_report:%' ORDER BY key").fetchall()
    finally:
        con.close()


def copy_of(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copyfile(DATA / name, target)
    return target


def test_the_fixture_is_what_version_1_wrote() -> None:
    assert EXPECTED["schema_version"] == 1
    for name in ("master.db", "laptop-export.db"):
        assert migrations.header(DATA / name) == (migrations.APPLICATION_ID, 1)
        con = merging.open_hardened(DATA / name)
        try:  # the frozen steps up to 1 make exactly the tables the old release made
            assert tuple(merging.verify.schema_rows(con)) == merging.expected_schema(1)
        finally:
            con.close()
    assert len(old_reports(DATA / "master.db")) == len(EXPECTED["reports"]) == 3
    assert sum((DATA / n).stat().st_size for n in ("master.db", "laptop-export.db")) < 600_000
    assert sorted(p.name for p in DATA.iterdir()) == ["expected.json", "laptop-export.db", "make.py", "master.db"]


def test_a_version_1_master_opens_upgraded_with_every_report_and_its_results(tmp_path: Path) -> None:
    path = copy_of("master.db", tmp_path)
    before = old_reports(path)
    with open_workspace(path) as ws:
        assert migrations.header(path)[1] == migrations.SCHEMA_VERSION
        assert [as_written(b) for b in sync.merge_reports(ws)] == EXPECTED["reports"]
        assert result_rows(ws) == expected_results()
        assert counts(ws) == {**EXPECTED["counts"], "local_state": EXPECTED["counts"]["local_state"] - len(before)}
        with ws.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM local_state WHERE key LIKE 'merge_report:%'")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM merge_report")).scalar() == len(before)
        kept = sync.merge_reports(ws)
        for batch in kept:  # the typed columns say what the files say; the device is the master's
            assert (batch.merged, batch.refused, batch.versions_added, batch.conflicts) == (
                sum(f.status in {"merged", "dry-run"} for f in batch.files), sum(f.status == "refused" for f in batch.files),
                sum(f.versions_added for f in batch.files), sum(f.conflicts for f in batch.files),
            )
            assert batch.device_id == ws.identity.device_id and batch.merged_by is None
        assert [(b.id, b.dry_run, b.merged, b.refused) for b in kept] == [(3, False, 0, 0), (2, False, 2, 1), (1, True, 1, 0)]
    # the copy made before the step, beside the file: version 1, the reports where they were
    [backup] = tmp_path.glob("master.db.v1-*.bak")
    assert migrations.header(backup) == (migrations.APPLICATION_ID, 1)
    assert old_reports(backup) == before
    # opened again: nothing more to do, nothing moved twice
    with open_workspace(path) as ws:
        assert [as_written(b) for b in sync.merge_reports(ws)] == EXPECTED["reports"]
    assert list(tmp_path.glob("*.bak")) == [backup]


def test_verify_passes_on_a_version_1_master(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = copy_of("master.db", tmp_path)
    assert main(["verify", str(path)]) == 0
    out = capsys.readouterr().out
    assert "6 versions from 3 devices" in out and "intact: every signature verifies" in out and "equal to a rebuild" in out
    assert migrations.header(path)[1] == migrations.SCHEMA_VERSION


def test_the_upgraded_master_keeps_its_reports_and_adds_new_ones_to_the_table(tmp_path: Path) -> None:
    path = copy_of("master.db", tmp_path)
    laptop = copy_of("laptop-export.db", tmp_path)
    with open_workspace(path) as ws:
        [report] = merge(ws, [laptop], now="2026-11-28T09:00:00+00:00")
        assert (report.status, report.inspector, report.versions_added, report.blobs_added) == ("merged", "王五", 3, 1)
        kept = sync.merge_reports(ws)
        assert [as_written(b) for b in kept[1:]] == EXPECTED["reports"]
        assert kept[0].id == 4 and kept[0].key == "merge_report:2026-11-28T09:00:00+00:00:00000004"
        assert kept[0].merged == 1 and kept[0].merged_by
        assert result_rows(ws) != expected_results()  # 王五's score counts now


def test_a_version_1_laptop_export_merges_into_a_new_master(team: Team, tmp_path: Path) -> None:
    master = team.master()
    laptop = copy_of("laptop-export.db", tmp_path)
    [dry] = merge(master, [laptop], dry_run=True)
    assert dry.status == "dry-run", dry.reason
    [report] = merge(master, [laptop])
    assert (report.status, report.versions_added, report.blobs_added, report.export_number) == ("merged", 3, 1, 1), report.reason
    [again] = merge(master, [laptop])
    assert again.status == "nothing-new"
    assert sum(r.total for r in results.results(master)) > 0
    assert [b.dry_run for b in sync.merge_reports(master)] == [False, False, True]


def _with_user_version(path: Path, version: int) -> Path:
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version={version}")
    con.close()
    return path


def test_a_file_whose_header_lies_about_its_version_is_refused(team: Team, tmp_path: Path) -> None:
    master = team.master()
    laptop = team.laptop("赵六")
    assert score(laptop, "1.1.1", "2")
    as_old = _with_user_version(team.export(laptop), 1)  # version-4 tables under a version-1 header
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    as_new = _with_user_version(copy_of("laptop-export.db", tmp_path / "a"), 2)  # the reverse
    older = _with_user_version(copy_of("laptop-export.db", tmp_path / "b"), 0)  # older than any merge takes
    reports = merge(master, [as_old, as_new, older])
    assert [(r.status, r.code) for r in reports] == [("refused", "schema"), ("refused", "schema"), ("refused", "too_old")]
    assert (
        "not ours: index ix_current_visit_county, index ix_merge_report_merged_at, index ix_search_entry_inspector, "
        "index sqlite_autoindex_current_visit_1, index sqlite_autoindex_search_entry_1, "
        "table current_visit, table merge_report, table search_entry" in reports[0].reason
    )
    assert "missing: index ix_merge_report_merged_at, table merge_report" in reports[1].reason


def test_a_version_1_master_on_a_server_is_upgraded_with_every_report(pg_url: str, tmp_path: Path) -> None:
    made = postgres.engine(pg_url)
    source = read_only(DATA / "master.db")
    try:  # the master as version 1 made it on a server: version 1's DDL, the fixture's rows
        with made.begin() as conn:
            for statement in postgres.ddl(migrations.ddl(1), migrations.APPLICATION_ID, 1):
                conn.exec_driver_sql(statement)
            for table in [s.split("(")[0].split()[2].strip('"') for s in migrations.ddl(1) if s.startswith("CREATE TABLE")]:
                cursor = source.execute(f'SELECT * FROM "{table}"')
                names = [d[0] for d in cursor.description]
                rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
                for row in rows:
                    if "deleted" in row:
                        row["deleted"] = bool(row["deleted"])
                if rows:
                    columns = ", ".join(f'"{n}"' for n in names)
                    conn.execute(text(f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join(":" + n for n in names)})'), rows)
            for table in ("blob", "import_log"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        with made.connect() as conn:
            assert conn.execute(text("SELECT version FROM yanshou_schema")).scalar() == 1
    finally:
        source.close()
        made.dispose()
    with open_workspace(pg_url) as ws:
        assert [as_written(b) for b in sync.merge_reports(ws)] == EXPECTED["reports"]
        assert result_rows(ws) == expected_results()
        with ws.read() as conn:
            assert conn.execute(text("SELECT version FROM yanshou_schema")).scalar() == migrations.SCHEMA_VERSION
            assert conn.execute(text("SELECT count(*) FROM local_state WHERE key LIKE 'merge_report:%'")).scalar() == 0
        [report] = merge(ws, [copy_of("laptop-export.db", tmp_path)], now="2026-11-28T09:00:00+00:00")
        assert report.status == "merged", report.reason
        assert [b.id for b in sync.merge_reports(ws)] == [4, 3, 2, 1]
