"""Merge reports in their own table (schema 2): a row per batch, typed where the history lists
it, the files as JSON; nothing in local_state; never in an export, not even in its free pages."""

from __future__ import annotations

import json

from sqlalchemy import text
from syncutil import Team, inside, merge, score

from desktop.services import sync
from desktop.services.workspace import Workspace, open_workspace


def rows(ws: Workspace) -> list[tuple]:
    with ws.read() as conn:
        return [
            tuple(r) for r in conn.execute(text(
                "SELECT id, merged_at, device_id, merged_by, dry_run, files, merged, refused, versions_added, conflicts, detail "
                "FROM merge_report ORDER BY id"
            ))
        ]


def test_a_batch_is_one_row_typed_where_the_history_lists_it(team: Team) -> None:
    master = team.master()
    a, b = team.laptop("张三", "a.db"), team.laptop("张三", "b.db")
    assert score(a, "1.1.1", "2")
    assert score(b, "1.1.1", "1")
    exports = [team.export(a), team.export(b)]
    junk = exports[0].with_name("junk.db")
    junk.write_bytes(b"not a database")
    merge(master, exports[:1], dry_run=True, now="2026-09-12T09:00:00+00:00")
    made = merge(master, [*exports, junk], now="2026-09-12T10:00:00+00:00")
    assert [r.status for r in made] == ["merged", "merged", "refused"] and made[1].conflicts == 1
    [dry, real] = rows(master)
    device = master.identity.device_id
    assert dry[:3] == (1, "2026-09-12T09:00:00+00:00", device) and bool(dry[4]) and dry[5:10] == (1, 1, 0, made[0].versions_added, 0)
    assert real[:3] == (2, "2026-09-12T10:00:00+00:00", device) and not real[4]
    assert real[5:10] == (3, 2, 1, made[0].versions_added + made[1].versions_added, 1)
    assert real[3] and "@" in real[3]  # the desk that ran it
    detail = json.loads(real[10])
    assert [(f["status"], f["code"]) for f in detail] == [("merged", ""), ("merged", ""), ("refused", "not_yanshou")]
    assert detail[1]["records_in_conflict"] == made[1].records_in_conflict
    with master.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM local_state WHERE key LIKE 'merge_report:%'")).scalar() == 0
    [latest, first] = sync.merge_reports(master)
    assert (latest.key, latest.merged, latest.refused, latest.conflicts) == ("merge_report:2026-09-12T10:00:00+00:00:00000002", 2, 1, 1)
    assert first.dry_run and first.files[0].status == "dry-run"


def test_batches_of_the_same_second_keep_their_order(team: Team) -> None:
    master = team.master()
    laptop = team.laptop("张三")
    assert score(laptop, "1.1.1", "2")
    export = team.export(laptop)
    for _ in range(3):
        merge(master, [export], now="2026-09-12T10:00:00+00:00")
    assert [b.id for b in sync.merge_reports(master)] == [3, 2, 1]
    assert [f.status for b in sync.merge_reports(master) for f in b.files] == ["nothing-new", "nothing-new", "merged"]


def test_an_export_carries_no_merge_report_not_even_in_its_free_pages(team: Team) -> None:
    master = team.master()
    laptop = team.laptop("张三")
    assert score(laptop, "1.1.1", "2")
    merge(master, [team.export(laptop)])
    merge(master, [team.export(laptop, "again.db")], dry_run=True)
    assert len(rows(master)) == 2
    out = inside(laptop, team.export(master))  # sealed for the laptop: the database it opens
    data = out.read_bytes()
    assert b"records_in_conflict" not in data and b"second_laptops" not in data  # words of the reports alone
    with open_workspace(out) as exported:
        assert sync.merge_reports(exported) == [] and rows(exported) == []
    # and the master still has them
    assert len(sync.merge_reports(master)) == 2
