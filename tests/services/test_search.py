"""Search (desktop.services.search) finds Chinese words inside longer text — two characters
(below the trigram index's three) and more — in findings, problems, rectification accounts,
evidence captions and file names, items' texts and codes, inspectors' names; a laptop sees its
own inspector's records only, a master everyone's (on a file and on a server); hits name where
to go and come best first."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from teamwork import EVERY_LAPTOP, export, laptop, merge

from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.core.search import HitKind, Rank
from desktop.services import inspection, rectification, search, sync
from desktop.services.search import Hit
from desktop.services.workspace import Workspace, create

COUNTY = "341502"  # 金安区
OTHER = "341504"  # 叶集区


def write_finding(ws: Workspace, item: str, words: str, *, county: str = COUNTY, mode: InspectionMode = InspectionMode.REPORT) -> None:
    inspection.save_item(ws, county, item, score=Decimal("1"), comment="",
                         findings=[inspection.Finding(mode, words, FindingStatus.PARTLY_MET)])


def records(hits: list[Hit]) -> list[tuple[HitKind, str, str | None]]:
    """The record hits as (kind, snippet, inspector)."""
    return [(h.kind, h.snippet, h.inspector) for h in hits if h.record_id is not None]


@pytest.fixture
def zhang(tmp_path: Path) -> Workspace:
    ws = laptop(tmp_path, "张三")
    write_finding(ws, "1.1.1", "领导小组会议纪要齐全,政务公开台账不全")
    write_finding(ws, "1.2.3", "专题栏目更新不及时", county=OTHER, mode=InspectionMode.ONLINE)
    problem = inspection.save_problem(ws, COUNTY, "1.2.1", description="公告栏信息未及时更新", severity="major", deadline=None)
    rectification.set_status(ws, problem, "rectified", account="已在公告栏张贴最新目录")
    piece, _ = inspection.attach_bytes(ws, b"%PDF-1.4 minutes", "领导小组会议纪要.pdf", county=COUNTY, item="1.1.1",
                                       mode=InspectionMode.MATERIALS)
    inspection.set_caption(ws, piece.record_id, "会议纪要扫描件")
    yield ws
    ws.close()


def test_two_character_words_are_found_inside_longer_text(zhang: Workspace) -> None:
    [hit] = search.search(zhang, "台账")
    assert (hit.kind, hit.county, hit.item, hit.inspector, hit.mode) == (HitKind.FINDING, COUNTY, "1.1.1", "张三", InspectionMode.REPORT)
    assert hit.record_id and hit.county_name == "金安区" and hit.item_name.startswith("试点县区成立试点领导小组")
    assert hit.snippet == "领导小组会议纪要齐全,政务公开台账不全"
    assert hit.snippet[hit.match[0]:hit.match[1]] == "台账"
    assert records(search.search(zhang, "公开")) == [(HitKind.FINDING, "领导小组会议纪要齐全,政务公开台账不全", "张三")]
    assert records(search.search(zhang, "栏目")) == [(HitKind.FINDING, "专题栏目更新不及时", "张三")]


def test_longer_words_too_and_several_at_once(zhang: Workspace) -> None:
    assert records(search.search(zhang, "公开台账")) == [(HitKind.FINDING, "领导小组会议纪要齐全,政务公开台账不全", "张三")]
    assert records(search.search(zhang, "政务公开台账不全")) == records(search.search(zhang, "台账 纪要"))
    assert records(search.search(zhang, "台账 目录")) == []


def test_problems_accounts_captions_and_file_names(zhang: Workspace) -> None:
    hits = search.search(zhang, "公告栏")
    assert [h.kind for h in hits] == [HitKind.ITEM, HitKind.ITEM, HitKind.PROBLEM]  # two items' texts name 公告栏 too
    problem = hits[-1]
    assert (problem.kind, problem.item, problem.mode) == (HitKind.PROBLEM, "1.2.1", None)
    assert records(search.search(zhang, "张贴")) == [(HitKind.PROBLEM, "公告栏信息未及时更新 · 已在公告栏张贴最新目录", "张三")]
    assert records(search.search(zhang, "扫描件")) == [(HitKind.EVIDENCE, "会议纪要扫描件 · 领导小组会议纪要.pdf", "张三")]
    assert records(search.search(zhang, "PDF")) == records(search.search(zhang, "扫描件"))  # Latin letters whatever their case
    # 纪要 is in the finding, and in the evidence's caption and file name
    hits = search.search(zhang, "纪要")
    assert [h.kind for h in hits] == [HitKind.FINDING, HitKind.EVIDENCE]
    assert hits[1].mode is InspectionMode.MATERIALS


def test_items_by_text_and_by_code(zhang: Workspace) -> None:
    hits = search.search(zhang, "领导小组")
    assert hits[0].kind is HitKind.ITEM and hits[0].item == "1.1.1" and hits[0].record_id is None and hits[0].county is None
    assert hits[0].snippet[hits[0].match[0]:hits[0].match[1]] == "领导小组"
    assert [h.kind for h in hits[1:]] == [HitKind.FINDING, HitKind.EVIDENCE]
    [exact] = [h for h in search.search(zhang, "1.2.3") if h.kind is HitKind.ITEM]
    assert (exact.item, exact.rank) == ("1.2.3", Rank.EXACT)
    assert [h.item for h in search.search(zhang, "1.2.") if h.kind is HitKind.ITEM] == ["1.2.1", "1.2.2", "1.2.3", "1.2.4", "1.2.5"]


def test_the_query_as_typed_comes_first_then_counties_and_items_in_order(tmp_path: Path) -> None:
    with create(tmp_path / "f.db", role="field", inspector="张三") as ws:
        write_finding(ws, "1.2.1", "缺失的台账", county=COUNTY)
        write_finding(ws, "1.1.1", "台账缺失,已补", county=OTHER)
        write_finding(ws, "1.1.2", "台账缺失", county=OTHER, mode=InspectionMode.FIELD)
        write_finding(ws, "1.1.1", "台账表格缺失", county=COUNTY)
        hits = search.search(ws, "台账缺失")
        assert [(h.snippet, h.rank) for h in hits] == [
            ("台账缺失", Rank.EXACT), ("台账缺失,已补", Rank.PHRASE),
        ]
        hits = search.search(ws, "台账 缺失")
        assert [(h.county_name, h.item) for h in hits] == [
            ("金安区", "1.1.1"), ("金安区", "1.2.1"), ("叶集区", "1.1.1"), ("叶集区", "1.1.2"),
        ]
        assert len(search.search(ws, "台账", limit=2)) == 2
        assert search.search(ws, "   ") == []


def test_a_laptop_sees_its_own_records_only_a_master_everyones(tmp_path: Path, master_location: Path | str) -> None:
    zhang, li = laptop(tmp_path, "张三"), laptop(tmp_path, "李四")
    try:
        write_finding(zhang, "1.1.1", "政务公开台账不全")
        write_finding(li, "1.1.1", "实地查看公开栏,台账基本齐全", mode=InspectionMode.FIELD)
        with create(master_location, role="master") as master:
            merge(master, [export(zhang, tmp_path), export(li, tmp_path)])
            hits = search.search(master, "台账")
            assert sorted(records(hits)) == [
                (HitKind.FINDING, "实地查看公开栏,台账基本齐全", "李四"), (HitKind.FINDING, "政务公开台账不全", "张三"),
            ]
            master_export = tmp_path / "usb" / "master.db"
            sync.export(master, master_export)
            [inspector] = [h for h in search.search(master, "李四") if h.kind is HitKind.INSPECTOR]
            assert (inspector.inspector, inspector.rank, inspector.record_id) == ("李四", Rank.EXACT, None)
        # 张三's laptop takes the master's export: it holds 李四's work now, and does not show it
        [report] = sync.merge(zhang, [master_export], enroll=EVERY_LAPTOP)
        assert report.status == "merged", report.reason
        with zhang.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM current_finding WHERE inspector = '李四'").scalar() == 1
        assert records(search.search(zhang, "台账")) == [(HitKind.FINDING, "政务公开台账不全", "张三")]
        assert records(search.search(zhang, "实地查看")) == []
        assert [h.inspector for h in search.search(zhang, "李四") if h.kind is HitKind.INSPECTOR] == []
        assert [h.inspector for h in search.search(zhang, "张三") if h.kind is HitKind.INSPECTOR] == ["张三"]
    finally:
        zhang.close()
        li.close()
