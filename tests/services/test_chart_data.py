"""The dashboard's chart data: the totals chart says what the results say, county by county,
incomplete counties marked; a county's profile over the first-level indicators adds up to
its inspection score, and an indicator nobody scored has no bar rather than a zero."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.services import decisions, imports, inspection, results, sync, workspace
from desktop.services.workspace import Workspace

HEADER = "county,item,score,report,materials,online,field,comment"


@pytest.fixture
def master(tmp_path: Path, master_location: Path | str) -> Iterator[Workspace]:
    ws = workspace.create(master_location, role="master")
    yield ws
    ws.close()


def sheet(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def every_item(ws: Workspace, county: str, score: str = "1") -> list[str]:
    return [f"{county},{n.code},{min(Decimal(score), n.points)},,,,," for n in ws.campaign.indicator_set.items]


@pytest.fixture
def scored(master: Workspace, tmp_path: Path) -> Workspace:
    # 金安区: every item scored by two inspectors, both methods imported: complete
    # 裕安区: two items of first-level 1 only, third party missing: incomplete
    # the others: nothing at all
    imports.import_sheet(master, sheet(tmp_path / "a.csv", HEADER, every_item(master, "金安区")), "inspection", "张三")
    imports.import_sheet(master, sheet(tmp_path / "b.csv", HEADER, every_item(master, "金安区", "2")), "inspection", "李四")
    imports.import_sheet(master, sheet(tmp_path / "c.csv", HEADER, ["裕安区,1.1.1,2.5,,,,,", "裕安区,1.1.2,1,,,,,"]), "inspection", "张三")
    imports.import_sheet(master, sheet(tmp_path / "s.csv", "county,score", ["金安区,90", "裕安区,80"]), "self-check")
    imports.import_sheet(master, sheet(tmp_path / "t.csv", "county,score", ["金安区,85.5"]), "third-party")
    return master


def test_the_totals_chart_is_the_results_table(scored: Workspace) -> None:
    rows = results.results(scored)
    bars = results.totals_chart(scored)
    names = {c.code: c.name for c in scored.campaign.counties}
    assert [b.county for b in bars] == [r.county for r in rows]  # best first
    assert len(bars) == len(scored.campaign.counties) == 7
    for bar, row in zip(bars, rows, strict=True):
        assert bar.name == names[row.county]
        assert bar.total == row.shown_total
        assert str(bar.total).count(".") == 1 and len(str(bar.total).split(".")[1]) == 2
        grade = row.grade.value if row.grade else ""
        assert (bar.rank, bar.grade, bar.complete, bar.started) == (row.rank, grade, row.complete, row.started)
        assert bar.unscored_items == len(row.unscored_items)
        assert bar.missing_methods == row.missing_methods
    by_name = {b.name: b for b in bars}
    assert by_name["金安区"].complete
    assert by_name["金安区"].total > 0
    assert not by_name["裕安区"].complete
    assert by_name["裕安区"].missing_methods == ("third-party",)
    assert by_name["裕安区"].unscored_items == len(scored.campaign.indicator_set.items) - 2
    nothing = by_name["霍山县"]
    assert (nothing.total, nothing.complete, nothing.started, nothing.rank) == (Decimal("0.00"), False, False, None)  # no data
    assert set(nothing.missing_methods) == {"self-check", "third-party", "inspection"}
    assert [b.started for b in bars] == [True, True] + [False] * 5  # the two started first, ranked


def test_the_profile_adds_up_to_the_inspection_score(scored: Workspace) -> None:
    rows = {r.county: r for r in results.results(scored)}
    indicators = scored.campaign.indicator_set
    jinan = results.profile(scored, "341502")
    assert [p.name for p in jinan] == ["组织领导", "工作开展", "公开内容", "试点成效", "创新措施"]
    assert [p.code for p in jinan] == ["1", "2", "3", "4", "5"]
    assert sum(p.points for p in jinan) == indicators.total_points == 100
    assert sum(p.counted for p in jinan) == rows["341502"].method_scores["inspection"]
    for p in jinan:
        assert p.complete
        assert p.share is not None and 0 < p.share <= 1
        assert p.share == p.counted / p.points
        # each item: the mean of 张三's 1 and 李四's min(2, points)
        expected = sum(
            ((min(Decimal(1), n.points) + min(Decimal(2), n.points)) / 2 for n in indicators.items_under(p.code)), Decimal(0)
        )
        assert p.counted == expected


def test_an_indicator_nobody_scored_has_no_bar(scored: Workspace) -> None:
    yuan = results.profile(scored, "341503")
    first, *others = yuan
    assert (first.scored_items, first.counted) == (2, Decimal("3.5"))
    assert not first.complete
    assert first.share == Decimal("3.5") / first.points
    for p in others:
        assert (p.scored_items, p.share) == (0, None)
    assert all(p.share is None for p in results.profile(scored, "341525"))


def test_an_adjudication_counts_in_the_profile(scored: Workspace) -> None:
    decisions.adjudicate(scored, "341503", "2.1.1", "1.5", "复核材料后认定")
    second = results.profile(scored, "341503")[1]
    assert (second.scored_items, second.counted) == (1, Decimal("1.5"))


def test_a_county_not_in_the_campaign(scored: Workspace) -> None:
    with pytest.raises(KeyError):
        results.profile(scored, "999999")


def test_the_timeline_counts_what_each_date_asks_for(scored: Workspace, tmp_path: Path) -> None:
    steps = {m.key: m for m in results.timeline(scored)}
    assert list(steps) == ["self-check", "third-party", "inspection", "results", "rectification"]  # by date
    assert [(steps[k].unit, steps[k].done, steps[k].of) for k in steps] == [
        ("counties", 2, 7), ("counties", 1, 7), ("counties", 1, 7), ("counties", 1, 7), ("problems", 0, 0),
    ]
    today = dt.date(2018, 9, 12)
    assert steps["self-check"].overdue(today)  # due 9-8, five counties missing
    assert not steps["inspection"].overdue(today)  # due 9-15: not yet
    assert steps["rectification"].finished  # nothing found, nothing to rectify
    assert not steps["rectification"].overdue(dt.date(2030, 1, 1))
    # the complete county's result is not formed while a conflict of its records is open
    complete = next(r.county for r in results.results(scored) if r.complete)
    held = {m.key: m for m in results.timeline(scored, conflicted={complete})}
    assert (held["results"].done, held["results"].of) == (0, 7)

    field = workspace.create(tmp_path / "field.db", role="field", inspector="张三")
    try:
        inspection.save_problem(field, "341502", "1.2.1", description="方案不完整", severity="major", deadline=dt.date(2018, 9, 25))
        sync.export(field, tmp_path / "field-export.db")
        sync.merge(scored, [tmp_path / "field-export.db"], enroll=True)
    finally:
        field.close()
    rectification = {m.key: m for m in results.timeline(scored)}["rectification"]
    assert (rectification.done, rectification.of) == (0, 1)
    assert rectification.overdue(dt.date(2018, 9, 26))
