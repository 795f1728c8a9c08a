"""Where inspectors disagree, on a master that merged three laptops' exports (SQLite and
PostgreSQL), against a hand computation."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from teamwork import export, laptop, merge, score

from desktop.core.errors import InputError
from desktop.services import agreement, decisions, workspace

D = Decimal

# 1.1.1 has 3 points (flagged from a spread of 1), 1.2.1 and 1.2.2 have 2 (from 2/3), 2.2.1 has 5 (from 5/3)
WORK = {
    "张三": [("金安区", "1.1.1", "3"), ("金安区", "1.2.1", "1"), ("金安区", "1.2.2", "2"), ("叶集区", "1.1.1", "2")],
    "李四": [
        ("金安区", "1.1.1", "1.5"), ("金安区", "1.2.1", "1.5"), ("金安区", "1.2.2", "1"), ("裕安区", "2.2.1", "5"),
        ("叶集区", "1.1.1", "2"),
    ],
    "王五": [("金安区", "1.1.1", "2"), ("裕安区", "2.2.1", "3.5"), ("裕安区", "1.1.2", "2")],
}


@pytest.fixture
def master(tmp_path: Path, master_location: Path | str) -> Iterator[workspace.Workspace]:
    ws = workspace.create(master_location, role="master")
    files = []
    for who, scores in WORK.items():
        with laptop(tmp_path, who) as own:
            for county, item, value in scores:
                score(own, county, item, value)
            files.append(export(own, tmp_path))
    merge(ws, files)
    yield ws
    ws.close()


def test_the_rows_by_hand(master: workspace.Workspace) -> None:
    found = agreement.agreement_of(master)
    got = [(r.county_name, r.spread.item, dict(r.spread.scores), r.spread.spread, r.flagged, r.adjudicated) for r in found.rows]
    assert got == [
        ("金安区", "1.1.1", {"张三": D(3), "李四": D("1.5"), "王五": D(2)}, D("1.5"), True, None),
        ("金安区", "1.2.1", {"张三": D(1), "李四": D("1.5")}, D("0.5"), False, None),
        ("金安区", "1.2.2", {"张三": D(2), "李四": D(1)}, D(1), True, None),
        ("裕安区", "2.2.1", {"李四": D(5), "王五": D("3.5")}, D("1.5"), False, None),
        ("叶集区", "1.1.1", {"张三": D(2), "李四": D(2)}, D(0), False, None),
    ]  # 裕安区 1.1.2: 王五's alone, not listed
    assert [r.spread.item for r in found.flagged] == ["1.1.1", "1.2.2"]
    assert found.minimum is None


def test_each_inspectors_distance_by_hand(master: workspace.Workspace) -> None:
    # 张三: +1.25, -0.5, +1, 0 · 李四: -1, +0.5, -1, +1.5, 0 · 王五: -0.25, -1.5
    found = agreement.agreement_of(master)
    assert [(d.inspector, d.compared, d.mean_deviation, d.mean_difference, d.flagged) for d in found.inspectors] == [
        ("王五", 2, D("0.875"), D("-0.875"), 1),
        ("李四", 5, D("0.8"), D(0), 2),
        ("张三", 4, D("0.6875"), D("0.4375"), 2),
    ]
    assert [(i.code, i.compared, i.flagged, i.mean_spread) for i in found.indicators][:2] == [("1", 4, 2, D("0.75")), ("2", 1, 0, D("1.5"))]


def test_the_lead_sets_the_threshold(master: workspace.Workspace) -> None:
    found = agreement.agreement_of(master, D("1.5"))
    assert [(r.county_name, r.spread.item) for r in found.flagged] == [("金安区", "1.1.1"), ("裕安区", "2.2.1")]
    assert all(r.flagged for r in agreement.agreement_of(master, D(0)).rows)
    with pytest.raises(InputError, match="from 0 up"):
        agreement.agreement_of(master, D("-1"))


def test_a_row_shows_the_leads_adjudication_and_later_work(master: workspace.Workspace, tmp_path: Path) -> None:
    jinan = master.campaign.county_named("金安区")
    assert jinan is not None
    decisions.adjudicate(master, jinan.code, "1.1.1", "2", "复核：按现场材料")
    with laptop(tmp_path / "again", "王五") as late:  # 王五's second laptop, scoring 1.2.2 too
        score(late, "金安区", "1.2.2", "0")
        merge(master, [export(late, tmp_path)])
    rows = {(r.county_name, r.spread.item): r for r in agreement.agreement_of(master).rows}
    assert rows["金安区", "1.1.1"].adjudicated == D(2)
    assert dict(rows["金安区", "1.2.2"].spread.scores) == {"张三": D(2), "李四": D(1), "王五": D(0)}
    assert rows["金安区", "1.2.2"].spread.spread == D(2)


def test_a_master_with_one_inspector_lists_nothing(tmp_path: Path, master_location: Path | str) -> None:
    with workspace.create(master_location, role="master") as ws:
        with laptop(tmp_path, "张三") as own:
            score(own, "金安区", "1.1.1", "3")
            merge(ws, [export(own, tmp_path)])
        found = agreement.agreement_of(ws)
    assert found.rows == () and found.inspectors == ()
    assert all(i.compared == 0 for i in found.indicators)
