"""The desk's import dialog under pytest-qt (SPEC §6): the method is never preselected and
Import waits for it; GBK and UTF-16 sheets preview like UTF-8 ones; the preview shows each
county's score now and after, and how many values the import replaces; the import says what
it did (`imported`). The sheet refusals' one catalogue, said in Chinese by the window and in
English by the command line; and the inspection sheet's result columns reaching the records."""

from __future__ import annotations

import ast
import codecs
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTableWidget

from desktop.cli import main as cli_main
from desktop.core import sheets
from desktop.core.errors import InputError
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.services import imports, inspection, workspace
from desktop.services import results as results_service
from desktop.services.imports import Change, MethodValue
from desktop.services.workspace import Workspace
from desktop.ui.import_dialog import ImportDialog
from desktop.ui.messages import sheet_problem

ROOT = Path(__file__).resolve().parents[2]
JINAN, YUAN, YEJI = "341502", "341503", "341504"  # 金安区, 裕安区, 叶集区
D = Decimal


def tr(text: str) -> str:
    return QCoreApplication.translate("LeadWindow", text)


@pytest.fixture
def master(tmp_path: Path) -> Iterator[Workspace]:
    ws = workspace.create(tmp_path / "master.db", role="master")
    yield ws
    ws.close()


@pytest.fixture
def dialog(qtbot, master: Workspace):  # type: ignore[no-untyped-def]
    """A dialog on a sheet, kept by qtbot (closed after the test)."""

    def make(path: Path) -> ImportDialog:
        shown = ImportDialog(None, master, path)
        qtbot.addWidget(shown)
        settle(shown)
        return shown

    return make


def sheet(path: Path, rows: list[tuple[str, ...]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    text = "".join(delimiter.join(cells) + "\r\n" for cells in rows)
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    path.write_bytes(bom + text.encode(encoding))
    return path


def headers(table: QTableWidget) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def rows(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())] for r in range(table.rowCount())]


def settle(d: ImportDialog) -> None:
    """Wait, as the lead does, until the dialog's reads and writes (off the GUI thread) answered."""
    for _ in range(500):
        QCoreApplication.processEvents()
        if not d.ops.busy:
            return
        d.ops.wait(100)
    raise AssertionError("the dialog never settled")


def choose(d: ImportDialog, method: str) -> None:
    index = d.kind.findData(method)
    assert index > 0
    d.kind.setCurrentIndex(index)
    settle(d)


def method_score(ws: Workspace, county: str, method: str) -> Decimal | None:
    result = next(r for r in results_service.results(ws) if r.county == county)
    return result.score_of(method)


SELF_CHECK = [("县区", "得分"), ("金安区", "92"), ("裕安区", "90"), ("叶集区", "78")]


# --- the method is chosen, never assumed -------------------------------------------------------


def test_the_method_starts_on_a_placeholder_and_import_waits_for_it(dialog, tmp_path: Path, master: Workspace) -> None:
    d = dialog(sheet(tmp_path / "s.csv", SELF_CHECK))
    assert d.kind.currentIndex() == 0
    assert d.kind.currentData() is None
    assert d.kind.currentText() == tr("Choose the method…")
    assert not d.import_button.isEnabled()
    # the sheet is checked and shown all the same, without a now/after it cannot know yet
    assert d.summary.text() == tr("{0} rows, all valid. Choose the method to see what the import will change.").format(3)
    assert rows(d.table) == [["金安区", "92.00"], ["裕安区", "90.00"], ["叶集区", "78.00"]]
    assert not d.replacing.isVisibleTo(d)
    choose(d, "self-check")
    assert d.import_button.isEnabled()
    assert d.replacing.isVisibleTo(d)
    d.kind.setCurrentIndex(0)  # back to the placeholder: nothing to import as
    settle(d)
    assert not d.import_button.isEnabled()
    d.import_button.click()  # a click that gets through anyway writes nothing
    assert d.result_text == ""
    assert method_score(master, JINAN, "self-check") is None


def test_a_bad_sheet_stays_refused_whatever_the_method(dialog, tmp_path: Path) -> None:
    d = dialog(sheet(tmp_path / "s.csv", [("county", "score"), ("金安区", "92"), ("裕安区", "101")]))
    for index in range(d.kind.count()):
        d.kind.setCurrentIndex(index)
        settle(d)
        assert not d.import_button.isEnabled()
        assert d.summary.text() == tr("{0} problems: nothing will be imported until they are fixed.").format(1)


# --- every encoding through the preview ---------------------------------------------------------


@pytest.mark.parametrize(("encoding", "delimiter"), [("gb18030", ","), ("gbk", ","), ("utf-16-le", "\t"), ("utf-16-be", "\t")])
def test_gbk_and_utf16_sheets_preview_like_utf8(dialog, tmp_path: Path, encoding: str, delimiter: str) -> None:
    utf8 = dialog(sheet(tmp_path / "utf8.csv", SELF_CHECK))
    other = dialog(sheet(tmp_path / f"{encoding}.csv", SELF_CHECK, encoding, delimiter))
    for d in (utf8, other):
        choose(d, "third-party")
    assert other.summary.text() == tr("{0} rows, all valid. Counties not in the sheet keep their scores.").format(3)
    assert other.import_button.isEnabled()
    assert headers(other.table) == [tr("County"), tr("Now"), tr("After the import")]
    assert rows(other.table) == rows(utf8.table) == [["金安区", "—", "92.00"], ["裕安区", "—", "90.00"], ["叶集区", "—", "78.00"]]


# --- now, after, and what is replaced ------------------------------------------------------------


def test_the_preview_shows_each_countys_value_now_and_after(dialog, tmp_path: Path, master: Workspace) -> None:
    imports.import_sheet(master, sheet(tmp_path / "before.csv", [("county", "score"), ("金安区", "92"), ("裕安区", "85.5")]), "self-check")
    imports.import_sheet(master, sheet(tmp_path / "third.csv", [("county", "score"), ("叶集区", "60")]), "third-party")
    path = sheet(tmp_path / "s.csv", SELF_CHECK, "gb18030")

    preview = imports.preview(master, path, "self-check")
    assert [(c.name, c.now, c.after, c.change) for c in preview.counties] == [
        ("金安区", MethodValue(D(92)), MethodValue(D(92)), Change.UNCHANGED),
        ("裕安区", MethodValue(D("85.5")), MethodValue(D(90)), Change.REPLACED),
        ("叶集区", None, MethodValue(D(78)), Change.NEW),  # its third-party score is another method's
    ]
    assert (preview.rows, preview.replaced, preview.count(Change.UNCHANGED), preview.count(Change.NEW)) == (3, 1, 1, 1)

    d = dialog(path)
    choose(d, "self-check")
    assert rows(d.table) == [["金安区", "92.00", "92.00"], ["裕安区", "85.50", "90.00"], ["叶集区", "—", "78.00"]]
    assert d.replacing.text() == tr("{0} values will be replaced.").format(1)
    assert [d.table.item(r, 2).font().bold() for r in range(3)] == [False, True, False]  # the replaced value stands out
    choose(d, "third-party")
    assert rows(d.table) == [["金安区", "—", "92.00"], ["裕安区", "—", "90.00"], ["叶集区", "60.00", "78.00"]]
    assert d.replacing.text() == tr("{0} values will be replaced.").format(1)
    assert method_score(master, YUAN, "self-check") == D("85.5")  # a preview writes nothing


def test_a_per_item_sheet_previews_its_item_count_and_sum(dialog, tmp_path: Path, master: Workspace) -> None:
    imports.import_sheet(master, sheet(tmp_path / "total.csv", [("county", "score"), ("金安区", "80")]), "self-check")
    imports.import_sheet(master, sheet(tmp_path / "one.csv", [("county", "item", "score"), ("裕安区", "1.1.1", "2")]), "self-check")
    path = sheet(tmp_path / "items.csv", [("county", "item", "score"), ("金安区", "1.1.1", "2"), ("金安区", "1.1.2", "3"),
                                          ("裕安区", "1.1.2", "1.5")], "utf-16-le", "\t")
    d = dialog(path)
    choose(d, "self-check")
    items = tr("{0} items, sum {1}")
    # 金安区's total gives way to its items; 裕安区's item 1.1.1 stays beside the new 1.1.2
    assert rows(d.table) == [
        ["金安区", "80.00", items.format(2, "5.00")],
        ["裕安区", items.format(1, "2.00"), items.format(2, "3.50")],
    ]
    assert d.replacing.text() == tr("{0} values will be replaced.").format(2)


# --- the import, and what it says -----------------------------------------------------------------


def test_the_import_emits_what_it_did(qtbot, dialog, tmp_path: Path, master: Workspace) -> None:
    imports.import_sheet(master, sheet(tmp_path / "before.csv", [("county", "score"), ("金安区", "92"), ("裕安区", "85.5")]), "self-check")
    d = dialog(sheet(tmp_path / "s.csv", SELF_CHECK, "utf-16-le", "\t"))
    choose(d, "self-check")
    with qtbot.waitSignal(d.imported, timeout=5000) as emitted:
        d.import_button.click()
    name = master.campaign.method("self-check").name
    expected = tr("Imported {0}: {1} rows, {2} counties — {3} values replaced, {4} unchanged, {5} new.").format(name, 3, 3, 1, 1, 1)
    assert emitted.args == [expected]
    assert d.result_text == expected
    assert d.result() == ImportDialog.DialogCode.Accepted
    assert [method_score(master, c, "self-check") for c in (JINAN, YUAN, YEJI)] == [D(92), D(90), D(78)]
    assert method_score(master, YEJI, "third-party") is None


def test_a_sheet_changed_after_the_preview_is_refused_at_import(qtbot, dialog, tmp_path: Path, master: Workspace) -> None:
    path = sheet(tmp_path / "s.csv", SELF_CHECK)
    d = dialog(path)
    choose(d, "self-check")
    assert d.import_button.isEnabled()
    sheet(path, [("county", "score"), ("金安区", "92"), ("不存在县", "80")], "gbk")
    with qtbot.assertNotEmitted(d.imported):
        d.import_button.click()
        settle(d)  # the write refused, then the sheet read again as it is now
    assert d.result_text == ""
    assert not d.import_button.isEnabled()
    assert sheet_problem("unknown_county") in rows(d.table)[1][-1]
    assert method_score(master, JINAN, "self-check") is None


# --- one catalogue of refusals: Chinese in the window, English on the command line ------------------


def _raised_codes(source: Path, function: str | None = None) -> set[str]:
    """The codes a module (or one function of it) refuses with: the literal code of every
    InputError.single(source, CODE, …), Problem(CODE, …) and fail(row, column, CODE, …) call."""
    tree: ast.AST = ast.parse(source.read_text(encoding="utf-8"))
    if function is not None:
        tree = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function)
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        position = {"single": 1, "Problem": 0, "fail": 2}.get(name)
        if position is not None and len(node.args) > position:
            code = node.args[position]
            if isinstance(code, ast.Name) and code.id == "code":
                continue  # _Rows.fail handing its own argument on
            assert isinstance(code, ast.Constant) and isinstance(code.value, str), f"{source.name}:{node.lineno}: a code not spelled out"
            found.add(code.value)
    return found


def test_every_code_a_sheet_is_refused_with_has_its_own_words() -> None:
    core = ROOT / "desktop" / "core"
    raised = _raised_codes(core / "sheets.py") | _raised_codes(core / "documents.py", "read_input")  # sheets read through it
    assert {"unknown_encoding", "damaged_text", "unknown_result", "unknown_county", "not_found", "too_large"} <= raised
    assert raised <= sheets.CODES, f"raised but missing from sheets.CODES: {sorted(raised - sheets.CODES)}"
    fallback = sheet_problem("no such code")
    assert sorted(code for code in sheets.CODES if sheet_problem(code) == fallback) == []
    for code in ("unknown_kind", "no_inspector", "not_own_inspector"):  # the import's own
        assert sheet_problem(code) != fallback, code


BAD_GBK = [("县区", "得分"), ("金安区", "92"), ("裕安区", "一百零一")]


def test_a_gbk_sheet_with_a_bad_row_in_the_window_and_on_the_command_line(dialog, tmp_path: Path, master: Workspace, capsys) -> None:
    path = sheet(tmp_path / "自查自评.csv", BAD_GBK, "gbk")
    d = dialog(path)
    choose(d, "self-check")
    assert not d.import_button.isEnabled()
    assert str(path) in d.file_label.text()
    table = rows(d.table)
    assert [r[0] for r in table] == ["2", "3"]  # the rows as numbered in the sheet
    assert table[1][1:3] == ["裕安区", "一百零一"]  # the GBK text as written
    assert sheet_problem("not_a_number") in table[1][-1] and table[0][-1] == ""
    score = headers(d.table).index(QCoreApplication.translate("Vocabulary", "Score"))
    assert d.table.item(1, score).background().color().name() == "#fdecea"  # the bad cell marked

    master.close()
    code = cli_main(["import-sheet", str(master.path), str(path), "--kind", "self-check"])
    err = capsys.readouterr().err
    assert code == 2
    assert str(path) in err and "row 3" in err and "'一百零一' is not a number" in err


# --- the inspection sheet's results reach the inspector's findings ------------------------------------


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Workspace]:
    ws = workspace.create(tmp_path / "field.db", role="field", inspector="张三")
    yield ws
    ws.close()


def findings(ws: Workspace, item: str) -> dict[str, tuple[str, str]]:
    record = inspection.item_record(ws, JINAN, item)
    return {m.value: (f.text, f.status.value) for m, f in record.findings.items() if not f.empty}


def test_result_columns_set_the_findings_status(laptop: Workspace, tmp_path: Path) -> None:
    # what the field window wrote before: 1.1.2's field check met, with its text
    inspection.save_item(laptop, JINAN, "1.1.2", score=D(2), comment="", findings=[
        inspection.Finding(InspectionMode.FIELD, "窗口规范", FindingStatus.MET),
    ])
    path = sheet(tmp_path / "inspection.csv", [
        ("县区", "指标", "得分", "听取汇报", "听取汇报结果", "查看材料", "查看材料结果", "网上检查结果", "实地核查结果"),
        ("金安区", "1.1.1", "3", "机制健全", "符合", "台账不全", "基本符合", "不符合", ""),
        ("金安区", "1.1.2", "", "", "", "", "", "", "不符合"),
    ], "gbk")
    summary = imports.import_sheet(laptop, path, imports.INSPECTION)
    assert summary.rows == 2
    assert findings(laptop, "1.1.1") == {
        "report": ("机制健全", "met"), "materials": ("台账不全", "partly-met"), "online": ("", "not-met"),
    }
    # a result alone changes the result and keeps the text the field window wrote
    assert findings(laptop, "1.1.2") == {"field": ("窗口规范", "not-met")}
    assert imports.import_sheet(laptop, path, imports.INSPECTION).changed == 0  # the same sheet again: nothing new


def test_a_sheet_without_result_columns_keeps_the_results(laptop: Workspace, tmp_path: Path) -> None:
    inspection.save_item(laptop, JINAN, "1.1.1", score=D(2), comment="", findings=[
        inspection.Finding(InspectionMode.REPORT, "汇报", FindingStatus.PARTLY_MET),
        inspection.Finding(InspectionMode.ONLINE, "网站", FindingStatus.MET),
    ])
    path = sheet(tmp_path / "inspection.csv", [("county", "item", "score", "report", "online"), ("金安区", "1.1.1", "3", "汇报更新", "")])
    imports.import_sheet(laptop, path, imports.INSPECTION)
    # the text changed, its result kept; an emptied mode was not checked
    assert findings(laptop, "1.1.1") == {"report": ("汇报更新", "partly-met")}


def test_unchecked_and_no_text_is_no_finding(laptop: Workspace, tmp_path: Path) -> None:
    inspection.save_item(laptop, JINAN, "1.1.1", score=D(2), comment="", findings=[
        inspection.Finding(InspectionMode.REPORT, "", FindingStatus.MET),
    ])
    path = sheet(tmp_path / "inspection.csv", [("county", "item", "report_result"), ("金安区", "1.1.1", "未检查")])
    with pytest.raises(InputError):  # no score column: refused, nothing written
        imports.import_sheet(laptop, path, imports.INSPECTION)
    path = sheet(tmp_path / "inspection.csv", [("county", "item", "score", "report_result"), ("金安区", "1.1.1", "", "未检查")])
    imports.import_sheet(laptop, path, imports.INSPECTION)
    assert findings(laptop, "1.1.1") == {}


def test_a_bad_result_is_refused_naming_row_and_column_and_nothing_is_written(laptop: Workspace, tmp_path: Path) -> None:
    path = sheet(tmp_path / "inspection.csv", [
        ("county", "item", "score", "report", "report_result", "field_result"),
        ("金安区", "1.1.1", "3", "机制健全", "符合", ""),
        ("金安区", "1.1.2", "3", "", "", "基本合格"),
    ], "utf-16-le", "\t")
    with pytest.raises(InputError) as exc:
        imports.import_sheet(laptop, path, imports.INSPECTION)
    assert [(p.code, p.row, p.column) for p in exc.value.problems] == [("unknown_result", 3, "field_result")]
    assert "row 3, column 'field_result'" in str(exc.value)
    assert findings(laptop, "1.1.1") == {}
