"""The results table and the problem list as XLSX and CSV: the same numbers as the results."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.core.errors import InputError
from desktop.services import decisions, inspection, results, tables, workspace


def test_results_and_problems_written_as_xlsx_and_csv(tmp_path: Path) -> None:
    with workspace.create(tmp_path / "f.db", role="field", inspector="张三") as field:
        inspection.save_item(field, "341502", "1.1.1", score=Decimal("2.5"), comment="", findings=[])
        inspection.save_problem(field, "341502", "1.1.1", description="会议纪要缺失", severity="serious", deadline=dt.date(2018, 9, 25))
        header, rows = tables.results_table(field)
        assert header[:2] == ["名次", "县（市、区）"] and header[2].startswith("自查自评")
        assert header[-4:] == ["调整", "加权总分", "等次", "数据"]
        by_name = {field.campaign.county(r.county).name: r for r in results.results(field)}
        assert [row[1] for row in rows] == [field.campaign.county(r.county).name for r in results.results(field)]
        jinan = rows[0]
        assert jinan[:2] == [1, "金安区"]
        assert jinan[-4:] == [None, Decimal("1.25"), "良好（暂定）", "缺：自查自评、专业机构测评、33 项未评分"]
        assert jinan[-4] is None and by_name["金安区"].shown_total == jinan[-3]
        assert rows[1][:2] == [None, "裕安区"] and rows[1][-3:] == [None, "", "未开始"]  # not started: no rank, total or grade
        xlsx = tables.export(field, "results", tmp_path / "结果.xlsx")
        book = load_workbook(xlsx)
        assert book.sheetnames == ["验收结果"]
        sheet = book.active
        assert [c.value for c in sheet[1]] == header
        assert sheet["A2"].value == 1 and sheet["A2"].data_type == "n"
        total = sheet.cell(row=2, column=len(header) - 2)
        assert (total.value, total.data_type, total.number_format) == (1.25, "n", "0.00")  # a number Excel sums, shown 1.25
        assert len(list(sheet.values)) == len(rows) + 1
        out = tables.export(field, "results", tmp_path / "结果.csv")
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel on a Chinese Windows reads it as UTF-8
        with out.open(encoding="utf-8-sig", newline="") as f:
            table = list(csv.reader(f))
        assert table[0] == header and table[1][:2] == ["1", "金安区"] and table[1][-3] == "1.25"
        assert b',1.25,' in raw and b'"\xe9\x87\x91' in raw  # numbers bare, text quoted
        p_header, p_rows = tables.problems_table(field)
        # 2018 is past: overdue, in the word the PDFs and the board say
        assert p_rows == [["金安区", "1.1.1", "张三", "会议纪要缺失", "严重", "2018-09-25", "逾期未整改", 0, "", "逾期"]]
        assert p_header[3] == "问题描述" and p_header[-3:] == ["整改佐证（份）", "书面说明", "是否逾期"]
        assert load_workbook(tables.export(field, "problems", tmp_path / "问题.xlsx")).sheetnames == ["问题清单"]


def test_a_bad_target_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        tables.write(tmp_path / "x.txt", ["a"], [[1]], title="t")
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(InputError):
        tables.write(tmp_path / "a-file" / "x.csv", ["a"], [[1]], title="t")
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]


def test_never_written_over_a_database(tmp_path: Path) -> None:
    with workspace.create(tmp_path / "m.db", role="master") as master:
        disguised = tmp_path / "结果.csv"  # a database someone named .csv
        disguised.write_bytes(master.path.read_bytes())
        with pytest.raises(InputError) as caught:
            tables.export(master, "results", disguised)
        assert caught.value.problems[0].code == "is_database"
        assert disguised.read_bytes() == master.path.read_bytes()


def test_adjustments_show_in_the_exported_totals(tmp_path: Path) -> None:
    with workspace.create(tmp_path / "m.db", role="master") as master:
        decisions.adjudicate(master, "341502", "1.1.1", "3", "现场复核")
        header, before = tables.results_table(master)
        decisions.adjust(master, "341502", "2", "年度考核")
        _header, after = tables.results_table(master)
        total, adjustment = header.index("加权总分"), header.index("调整")
        assert {r[1]: r[adjustment] for r in before}["金安区"] is None
        assert {r[1]: r[adjustment] for r in after}["金安区"] == Decimal("2.00")
        assert {r[1]: r[total] for r in after}["金安区"] == {r[1]: r[total] for r in before}["金安区"] + 2


@pytest.mark.parametrize("description", ['=HYPERLINK("http://evil.invalid","点我")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1)"])
def test_no_exported_cell_is_a_live_formula(tmp_path: Path, description: str) -> None:
    with workspace.create(tmp_path / "f.db", role="field", inspector="张三") as field:
        inspection.save_problem(field, "341502", "1.1.1", description=description, severity="serious", deadline=None)
        header, rows = tables.problems_table(field)
        xlsx = tables.write(tmp_path / "问题.xlsx", header, rows, title="问题清单")
        cells = [c for row in load_workbook(xlsx).active.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert "'" + description in [c.value for c in cells]  # the text kept, marked as text
        out = tables.write(tmp_path / "问题.csv", header, rows, title="问题清单")
        with out.open(encoding="utf-8-sig", newline="") as f:
            written = [cell for row in csv.reader(f) for cell in row]
        assert "'" + description in written and description not in written


def test_numbers_and_plain_text_are_left_as_they_are() -> None:
    assert tables.formula_safe("-0.50") == "-0.50"
    assert tables.formula_safe(-2) == -2
    assert tables.formula_safe("会议纪要缺失") == "会议纪要缺失"
    assert [tables.formula_safe(v) for v in ("=1", "\t=1", "\r=1")] == ["'=1", "'\t=1", "'\r=1"]


def test_the_problem_export_shows_each_rectifications_evidence(tmp_path: Path) -> None:
    from desktop.services import rectification

    with workspace.create(tmp_path / "f.db", role="field", inspector="张三") as field:
        first = inspection.save_problem(field, "341502", "1.1.1", description="台账不全", severity="minor", deadline=None)
        second = inspection.save_problem(field, "341502", "1.1.2", description="栏目空白", severity="major",
                                         deadline=dt.date.today() + dt.timedelta(days=3))
        photo = tmp_path / "整改后.jpg"
        photo.write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 64)
        rectification.set_status(field, first, "rectified", evidence=[photo])
        rectification.set_status(field, second, "rectified", account="已在网站补齐栏目内容")
        _header, rows = tables.problems_table(field)
        by_text = {r[3]: r for r in rows}
        assert by_text["台账不全"][6:] == ["已整改", 1, "", ""]
        assert by_text["栏目空白"][6:] == ["已整改", 0, "已在网站补齐栏目内容", ""]
