"""The results table and the problem list as XLSX and CSV: the same numbers as the results."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.core.errors import InputError
from desktop.core.numbers import show
from desktop.services import decisions, inspection, results, tables, workspace


def test_results_and_problems_written_as_xlsx_and_csv(tmp_path: Path) -> None:
    with workspace.create(tmp_path / "f.db", role="field", inspector="张三") as field:
        inspection.save_item(field, "341502", "1.1.1", score=Decimal("2.5"), comment="", findings=[])
        inspection.save_problem(field, "341502", "1.1.1", description="会议纪要缺失", severity="serious", deadline=dt.date(2018, 9, 25))
        header, rows = tables.results_table(field)
        expected = {r.county: r for r in results.results(field)}
        assert header[:2] == ["排名", "县区"] and header[2].startswith("自查自评")
        by_name = {field.campaign.county(c).name: r for c, r in expected.items()}
        for row in rows:
            assert row[-3] == show(by_name[row[1]].total)
            assert row[0] == by_name[row[1]].rank
        xlsx = tables.write(tmp_path / "结果.xlsx", header, rows, title="results")
        got = list(load_workbook(xlsx, read_only=True).active.values)
        assert list(got[0]) == header and len(got) == len(rows) + 1
        out = tables.write(tmp_path / "结果.csv", header, rows)
        with out.open(encoding="utf-8-sig") as f:
            assert next(csv.reader(f)) == header
        p_header, p_rows = tables.problems_table(field)
        assert p_rows == [["金安区", "1.1.1", "张三", "会议纪要缺失", "严重", "2018-09-25", "待整改"]]
        assert p_header[3] == "问题描述"


def test_a_bad_target_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        tables.write(tmp_path / "x.txt", ["a"], [[1]])
    with pytest.raises(InputError):
        tables.write(tmp_path / "missing-folder" / "x.csv", ["a"], [[1]])
    assert list(tmp_path.iterdir()) == []


def test_adjustments_show_in_the_exported_totals(tmp_path: Path) -> None:
    with workspace.create(tmp_path / "m.db", role="master") as master:
        decisions.adjudicate(master, "341502", "1.1.1", "3", "现场复核")
        _header, before = tables.results_table(master)
        decisions.adjust(master, "341502", "2", "年度考核")
        _header, after = tables.results_table(master)
        total = {r[1]: Decimal(r[-3]) for r in before}["金安区"]
        assert {r[1]: Decimal(r[-3]) for r in after}["金安区"] == total + 2


@pytest.mark.parametrize("description", ['=HYPERLINK("http://evil.invalid","点我")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1)"])
def test_no_exported_cell_is_a_live_formula(tmp_path: Path, description: str) -> None:
    with workspace.create(tmp_path / "f.db", role="field", inspector="张三") as field:
        inspection.save_problem(field, "341502", "1.1.1", description=description, severity="serious", deadline=None)
        header, rows = tables.problems_table(field)
        xlsx = tables.write(tmp_path / "问题.xlsx", header, rows, title="problems")
        cells = [c for row in load_workbook(xlsx).active.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert "'" + description in [c.value for c in cells]  # the text kept, marked as text
        out = tables.write(tmp_path / "问题.csv", header, rows)
        with out.open(encoding="utf-8-sig", newline="") as f:
            written = [cell for row in csv.reader(f) for cell in row]
        assert "'" + description in written and description not in written


def test_numbers_and_plain_text_are_left_as_they_are() -> None:
    assert tables.formula_safe("-0.50") == "-0.50"
    assert tables.formula_safe(-2) == -2
    assert tables.formula_safe("会议纪要缺失") == "会议纪要缺失"
    assert [tables.formula_safe(v) for v in ("=1", "\t=1", "\r=1")] == ["'=1", "'\t=1", "'\r=1"]
