"""One master, four faces: the lead's desk, the command line, the exported workbook and the
printed 汇总表 say the same of every county — rank, total, adjustment, grade, whether it is
provisional and what it lacks, or that it has not started (SPEC §3)."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QCoreApplication

from desktop.cli import main as cli_main
from desktop.services import decisions, imports, tables, workspace
from desktop.ui.lead import LeadWindow

HEADER = "county,item,score,report,materials,online,field,comment"


def sheet(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def master(tmp_path: Path):  # type: ignore[no-untyped-def]
    """金安区 complete and adjusted; 裕安区 without a self-check and with three items unscored;
    叶集区 with a third-party score only; the other four with nothing at all."""
    with workspace.create(tmp_path / "m.db", role="master") as ws:
        items = ws.campaign.indicator_set.items
        jinan = [f"金安区,{i.code},{i.points},,,,," for i in items]
        yuan = [f"裕安区,{i.code},{i.points - Decimal('0.5')},,,,," for i in items[3:]]
        imports.import_sheet(ws, sheet(tmp_path / "a.csv", HEADER, jinan + yuan), "inspection", "张三")
        imports.import_sheet(ws, sheet(tmp_path / "s.csv", "county,score", ["金安区,90"]), "self-check")
        imports.import_sheet(ws, sheet(tmp_path / "t.csv", "county,score", ["金安区,85.5", "裕安区,80", "叶集区,70"]), "third-party")
        decisions.adjust(ws, "341502", "-0.5", "年度考评扣分")
        yield ws


def face_cli(capsys, ws) -> dict[str, tuple[object, ...]]:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert cli_main(["results", str(ws.path), "--format", "json"]) == 0
    out = {}
    for r in json.loads(capsys.readouterr().out):
        if r["rank"] is None:
            out[r["county"]] = (None, "", "", "", "未开始")
            continue
        data = "完整" if r["complete"] else "缺：" + "、".join(_zh(ws, code) for code in r["missing"])
        grade = r["grade"] + ("（暂定）" if r["provisional"] else "")
        adjustment = "" if r["adjustment"] == "0.00" else r["adjustment"]
        out[r["county"]] = (r["rank"], r["total"], adjustment, grade, data)
    return out


def _zh(ws, code: str) -> str:  # type: ignore[no-untyped-def]
    if code.startswith("items:"):
        return f"{code.split(':')[1]} 项未评分"
    return ws.campaign.method(code).name


def face_desk(qtbot, ws) -> dict[str, tuple[object, ...]]:  # type: ignore[no-untyped-def]
    window = LeadWindow(ws)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.ops.busy)  # the desk reads off the GUI thread, then draws
    table = window.results
    heads = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]

    def at(row: int, head: str) -> str:
        return table.item(row, heads.index(QCoreApplication.translate("LeadWindow", head))).text()

    out = {}
    for row in range(table.rowCount()):
        rank = at(row, "Rank")
        out[at(row, "County")] = (int(rank) if rank else None, at(row, "Total"), at(row, "Adjustment"), at(row, "Grade"), at(row, "Data"))
    window.close()
    return out


def face_workbook(ws, tmp_path: Path) -> dict[str, tuple[object, ...]]:  # type: ignore[no-untyped-def]
    book = load_workbook(tables.export(ws, "results", tmp_path / "结果.xlsx"))
    rows = list(book.active.values)
    heads = list(rows[0])
    out = {}
    for values in rows[1:]:
        got = dict(zip(heads, values, strict=True))

        adjustment = got["调整"]
        out[got["县（市、区）"]] = (
            got["名次"], "" if got["加权总分"] is None else f"{got['加权总分']:.2f}",
            "" if adjustment is None else (f"+{adjustment:.2f}" if adjustment > 0 else f"{adjustment:.2f}"),
            got["等次"] or "", got["数据"],
        )
    return out


def face_summary(capsys, ws, tmp_path: Path) -> dict[str, tuple[object, ...]]:  # type: ignore[no-untyped-def]
    pdf = tmp_path / "汇总.pdf"
    assert cli_main(["report", str(ws.path), "--out", str(pdf)]) == 0
    capsys.readouterr()
    lines = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.splitlines()
    out = {}
    for county in ws.campaign.counties:
        at = next(i for i, line in enumerate(lines) if county.name in line.split())
        row = lines[at].split()
        around = "".join("".join(lines[i].split()) for i in range(at - 1, min(at + 3, len(lines))))
        if row[0] == "—":
            assert "未开始" in row
            out[county.name] = (None, "", "", "", "未开始")
            continue
        numbers = [w for w in row[2:] if w[0] in "+-0123456789" and "." in w]
        adjustment = next((w for w in numbers if w[0] in "+-"), "")
        total = [w for w in numbers if w[0] not in "+-"][-1]
        near = [w for i in range(at - 1, at + 2) for w in lines[i].split()]  # a wrapped cell spans the row's three lines
        grade = next(w for w in near if w in {"优秀", "良好", "合格", "不合格"})
        provisional = "暂定" in near
        data = "完整" if "完整" in row else "缺：" + around.split("缺：", 1)[1]
        out[county.name] = (int(row[0]), total, adjustment, grade + ("（暂定）" if provisional else ""), data)
    return out


def test_every_face_says_the_same_of_every_county(qtbot, capsys, master, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli = face_cli(capsys, master)
    assert cli["金安区"] == (1, "92.70", "-0.50", "优秀", "完整")  # 9 + 34.2 + 50 - 0.5
    assert cli["裕安区"][0] == 2 and cli["裕安区"][3:] == ("良好（暂定）", "缺：自查自评、3 项未评分")
    assert cli["叶集区"][3:] == ("合格（暂定）", "缺：自查自评、全面检查")
    assert [cli[n] for n in ("霍邱县", "舒城县", "金寨县", "霍山县")] == [(None, "", "", "", "未开始")] * 4
    assert face_desk(qtbot, master) == cli
    assert face_workbook(master, tmp_path) == cli
    summary = face_summary(capsys, master, tmp_path)
    for name, expected in cli.items():  # the PDF's cells wrap: what is missing is read from the lines around
        got = summary[name]
        assert got[:4] == expected[:4], name
        assert got[4].startswith("".join(expected[4].split())), (name, got[4], expected[4])  # pdftotext loses the spaces


def test_the_windows_words_are_the_documents_words(master) -> None:  # type: ignore[no-untyped-def]
    from desktop.core import words
    from desktop.core.scoring import Missing, Standing
    from desktop.services import results
    from desktop.ui import labels

    for standing in Standing:
        assert labels.standing(standing) == words.STANDING[standing]
    for lacks in (Missing(("self-check",), 0), Missing(("self-check", "inspection"), 0), Missing((), 3), Missing(("third-party",), 12)):
        assert labels.missing(master.campaign, lacks) == words.missing(master.campaign, lacks)
    for r in results.results(master):
        assert (labels.grade(r), labels.data(master.campaign, r)) == (words.grade(r), words.data(master.campaign, r))


def test_the_windows_vocabulary_is_the_records() -> None:
    """A mode, a finding's result and a problem's severity read the same in the Chinese window
    as on the printed record and in a sheet."""
    from desktop.core.inspection import FindingStatus, InspectionMode
    from desktop.services import rectification
    from desktop.ui.item_view import mode_label, severity_label, status_label

    assert [mode_label(m) for m in InspectionMode] == [m.label for m in InspectionMode]
    assert [status_label(s) for s in FindingStatus] == [s.label for s in FindingStatus]
    assert {k: severity_label(k) for k in rectification.SEVERITY_LABELS} == rectification.SEVERITY_LABELS
