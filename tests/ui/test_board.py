"""The rectification board: only the steps the state machine allows are offered (a disabled
button says why), a step asks what it needs (evidence or an account; a reason), and the
selected row shows the step's result at once — also when the desk reads the board again,
and when sorting moves the row. The status words are the documents' words in Chinese."""

from __future__ import annotations

import datetime as dt
import shutil
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QPushButton

from desktop.core import problems
from desktop.core.problems import ProblemStatus
from desktop.services import inspection, rectification, sync, workspace
from desktop.services.workspace import Workspace
from desktop.ui.board import RectificationBoard
from desktop.ui.messages import problem_status, step_refusal
from desktop.ui.steps import RectifyDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
ROOT = Path(__file__).resolve().parents[2]
JINAN, YUAN = "341502", "341503"


def tr(text: str) -> str:
    return QCoreApplication.translate("LeadWindow", text)


@pytest.fixture
def master(tmp_path: Path) -> Iterator[Workspace]:
    """A master holding three problems of 张三's laptop: 方案不完整 and 公开栏未更新 of
    金安区, 领导小组未开会 of 裕安区."""
    ws = workspace.create(tmp_path / "master.db", role="master")
    with workspace.create(tmp_path / "zhang.db", role="field", inspector="张三") as laptop:
        for county, item, text in ((JINAN, "1.2.1", "方案不完整"), (JINAN, "1.1.1", "公开栏未更新"), (YUAN, "1.1.1", "领导小组未开会")):
            inspection.save_problem(laptop, county, item, description=text, severity="minor", deadline=dt.date.today())
        sync.export(laptop, tmp_path / "zhang-export.db")
    sync.merge(ws, [tmp_path / "zhang-export.db"], enroll=True)
    yield ws
    ws.close()


@pytest.fixture
def verifying(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The lead's answer to 'Mark verified?': Yes (a test answers otherwise by setting it again);
    what was asked, kept."""
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.StandardButton.Yes)
    return asked


@pytest.fixture
def board(qtbot, master: Workspace, verifying: list[str]) -> RectificationBoard:  # type: ignore[no-untyped-def]
    """The board as the desk drives it: shown with the board read, read again after a step."""
    shown = RectificationBoard(master)
    qtbot.addWidget(shown)
    # as the desk does: what a step changed (the service's Changes) has the board read again
    shown.ops.changed.connect(lambda _c: shown.ops.query(lambda: rectification.board(master), done=shown.show_entries))
    shown.show_entries(rectification.board(master))
    shown.show()
    return shown


def step(board: RectificationBoard, status: str) -> None:
    """Click a step and wait, as the lead does, until its write has answered."""
    board.mark(status)
    for _ in range(500):
        if not board.ops.busy:
            return
        board.ops.wait(100)
        QCoreApplication.processEvents()
    raise AssertionError("the step never answered")


def select(board: RectificationBoard, description: str) -> int:
    row = next(r for r in range(board.problems.rowCount()) if board.problems.item(r, 3).text() == description)
    board.problems.setCurrentCell(row, 0)
    return row


def button(board: RectificationBoard, status: str) -> QPushButton:
    found = board.findChild(QPushButton, f"mark-{status}")
    assert found is not None
    return found


def shown_status(board: RectificationBoard) -> tuple[str, str]:
    row = board.problems.currentRow()
    return board.problems.item(row, 3).text(), board.problems.item(row, 6).text()


def rectify_with(monkeypatch: pytest.MonkeyPatch, *, files: list[Path] = (), account: str = "", accept: bool = True) -> None:  # type: ignore[assignment]
    def run(dialog: RectifyDialog) -> int:
        for f in files:
            dialog.add_file(f)
        dialog.account.setPlainText(account)
        return RectifyDialog.DialogCode.Accepted if accept else RectifyDialog.DialogCode.Rejected

    monkeypatch.setattr(RectifyDialog, "exec", run)


def test_the_buttons_follow_the_selected_problem(board: RectificationBoard, master: Workspace, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    rectify, verify, reopen = (button(board, s) for s in ("rectified", "verified", "open"))
    assert board.problems.currentRow() == -1
    assert not any(b.isEnabled() for b in (rectify, verify, reopen))
    assert rectify.toolTip() == tr("Choose a problem first.")
    select(board, "方案不完整")
    assert (rectify.isEnabled(), verify.isEnabled(), reopen.isEnabled()) == (True, False, False)
    assert verify.toolTip() == step_refusal("not_rectified")
    assert reopen.toolTip() == step_refusal("same_status")
    rectify_with(monkeypatch, account="已补充实施方案")
    step(board, "rectified")
    assert (rectify.isEnabled(), verify.isEnabled(), reopen.isEnabled()) == (False, True, True)
    assert rectify.toolTip() == step_refusal("same_status")
    select(board, "公开栏未更新")  # another problem, still open: its own steps
    assert (rectify.isEnabled(), verify.isEnabled(), reopen.isEnabled()) == (True, False, False)
    select(board, "方案不完整")
    step(board, "verified")
    assert (rectify.isEnabled(), verify.isEnabled(), reopen.isEnabled()) == (False, False, True)
    assert rectify.toolTip() == step_refusal("not_from_open")


def test_each_step_shows_at_once_on_the_selected_row(board: RectificationBoard, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The bug users saw: a step showed one action late. Sorted by status, the row moves as
    its status changes; the selection moves with it and shows the new status."""
    board.problems.sortItems(6, Qt.SortOrder.AscendingOrder)
    proof = tmp_path / "整改报告.pdf"
    proof.write_bytes(b"%PDF-1.4 rectification report")
    rectify_with(monkeypatch, files=[proof])
    select(board, "公开栏未更新")
    step(board, "rectified")
    assert shown_status(board) == ("公开栏未更新", problem_status("rectified"))
    assert board.problems.item(board.problems.currentRow(), 7).text() == tr("{0} files").format(1)
    step(board, "verified")
    assert shown_status(board) == ("公开栏未更新", problem_status("verified"))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a, **_k: ("复查发现公开栏又未更新", True))
    step(board, "open")
    assert shown_status(board) == ("公开栏未更新", problem_status("open"))
    assert board.problems.item(board.problems.currentRow(), 7).text() == tr("reopened: {0}").format("复查发现公开栏又未更新")
    steps = [board.history.item(r, 1).text() for r in range(board.history.rowCount())]
    assert steps == [tr("Found"), tr("Rectified"), tr("Verified"), tr("Reopened")]
    assert board.history.item(1, 3).text() == "整改报告.pdf"
    assert board.history.item(3, 2).text() == "组长"
    # the desk reads the board again (a merge, a refresh): the same problem stays chosen
    board.show_entries(list(reversed(rectification.board(board.ws))))
    assert shown_status(board) == ("公开栏未更新", problem_status("open"))


def test_cancelled_or_empty_asks_change_nothing(board: RectificationBoard, master: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: warned.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *_a: warned.append(text))
    changed: list[bool] = []
    board.ops.changed.connect(lambda _c: changed.append(True))
    select(board, "方案不完整")
    rectify_with(monkeypatch, account="x", accept=False)
    step(board, "rectified")
    step(board, "verified")  # not offered: said why, nothing done
    assert warned == [step_refusal("not_rectified")]
    rectify_with(monkeypatch, account="已整改")
    step(board, "rectified")
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a, **_k: ("", False))
    step(board, "open")  # cancelled
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a, **_k: ("   ", True))
    step(board, "open")  # no reason: refused by the service, in the user's words
    assert warned[-1] == step_refusal("needs_reason")
    assert [e.status for e in rectification.board(master) if e.description == "方案不完整"] == ["rectified"]
    assert changed == [True]  # one step taken, one refresh asked


def test_the_dialog_asks_for_evidence_or_an_account(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = RectifyDialog(None, "方案不完整")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled() and ok.toolTip() == step_refusal("needs_evidence")
    dialog.account.setPlainText("  ")
    assert not ok.isEnabled()
    dialog.account.setPlainText("已补充")
    assert ok.isEnabled()
    dialog.account.setPlainText("")
    dialog.add_file(tmp_path / "a.pdf")
    dialog.add_file(tmp_path / "a.pdf")
    assert ok.isEnabled() and dialog.values() == ([tmp_path / "a.pdf"], "")


def test_a_laptop_is_not_offered_the_leads_steps(qtbot, field: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    inspection.save_problem(field, JINAN, "1.2.1", description="方案不完整", severity="minor", deadline=None)
    shown = RectificationBoard(field)
    qtbot.addWidget(shown)
    shown.show_entries(rectification.board(field))
    select(shown, "方案不完整")
    rectify_with(monkeypatch, account="已补充")
    step(shown, "rectified")
    assert not button(shown, "verified").isEnabled()
    assert button(shown, "verified").toolTip() == step_refusal("lead_only")
    assert button(shown, "open").isEnabled()  # an inspector may take back their own rectification, with a reason


def test_every_refusal_has_its_own_words() -> None:
    generic = step_refusal("no such code")
    assert all(step_refusal(code) != generic for code in problems.Refusal)
    assert len({step_refusal(code) for code in problems.Refusal}) == len(problems.Refusal)


def test_the_windows_chinese_status_words_are_the_documents(tmp_path: Path) -> None:
    """The zh_CN translation (compiled from the .ts here, as `make` does) gives each status
    the word the PDFs and exports print (problems.LABELS_ZH)."""
    lrelease = shutil.which("pyside6-lrelease", path=sysconfig.get_path("scripts"))
    if lrelease is None:
        pytest.skip("pyside6-lrelease is not installed beside this Python")
    import subprocess

    qm = tmp_path / "zh.qm"
    subprocess.run([lrelease, "-silent", str(ROOT / "resources" / "translations" / "yanshou_zh_CN.ts"), "-qm", str(qm)], check=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    app = QApplication.instance()
    assert app is not None
    app.installTranslator(translator)  # the last installed is asked first
    try:
        assert {s: problem_status(s) for s in ProblemStatus} == problems.LABELS_ZH
        assert problem_status("overdue") == problems.OVERDUE_ZH == problems.label_zh("overdue")
    finally:
        app.removeTranslator(translator)


def test_the_inspectors_window_offers_the_same_steps(qtbot, window, field: Workspace, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The item editor lists its problems with their status and offers the steps the state
    machine allows a laptop: rectified (with evidence or an account), reopened (with a
    reason), never verified; each step shows on the chosen row when written."""
    county, item = window.county, window.item
    record = inspection.save_problem(field, county, item, description="公开栏未更新", severity="minor", deadline=None)
    window._reload_item()
    editor = window.editor
    qtbot.waitUntil(lambda: editor.problems.rowCount() == 1, timeout=10000)  # read again off the GUI thread
    rectify, reopen = editor.findChild(QPushButton, "problem-rectified"), editor.findChild(QPushButton, "problem-open")
    assert editor.findChild(QPushButton, "problem-verified") is None  # the lead's step: not in the inspector's window
    assert not rectify.isEnabled() and not reopen.isEnabled()  # no problem chosen yet
    editor.problems.setCurrentCell(0, 0)
    assert rectify.isEnabled() and not reopen.isEnabled()
    assert reopen.toolTip() == step_refusal("same_status")
    proof = tmp_path / "更新后的公开栏.jpg"
    proof.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    rectify_with(monkeypatch, files=[proof], account="已于当日更新")
    qtbot.mouseClick(rectify, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.problems.item(0, 3).text() == problem_status("rectified"), timeout=10000)
    assert editor.problems.currentRow() == 0
    assert not rectify.isEnabled() and reopen.isEnabled()
    entry = rectification.board(field)[0]
    assert (entry.status, entry.evidence_names, entry.account) == ("rectified", ("更新后的公开栏.jpg",), "已于当日更新")
    assert entry.stepped_by == "张三"
    # a reopening without a reason is refused, in the user's words, and writes nothing
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: warned.append(text))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a, **_k: (" ", True))
    qtbot.mouseClick(reopen, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: warned == [step_refusal("needs_reason")], timeout=10000)
    assert rectification.board(field)[0].status == "rectified"
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a, **_k: ("照片拍错了地方", True))
    qtbot.mouseClick(reopen, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.problems.item(0, 3).text() == problem_status("open"), timeout=10000)
    assert [s.kind for s in rectification.history(field, record)] == ["found", "rectified", "reopened"]


def test_a_search_hit_chooses_its_problem_even_when_the_filter_hides_it(board: RectificationBoard, master: Workspace) -> None:
    entries = rectification.board(master)
    target = entries[-1]
    board.status_filter.setCurrentIndex(board.status_filter.findData("verified"))  # a filter that hides it
    assert board.choose(target.record_id)
    assert board.selected().record_id == target.record_id and board.status_filter.currentIndex() == 0
    assert not board.choose("no-such-problem")


def test_a_verification_is_asked_first_and_no_writes_nothing(board: RectificationBoard, verifying: list[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """标记为已核实 is the problem's last step, signed, with no undo: the lead is asked first,
    the problem named; No leaves it rectified."""
    rectify_with(monkeypatch, account="已补充实施方案")
    select(board, "方案不完整")
    step(board, "rectified")
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: verifying.append(text) or QMessageBox.StandardButton.No)
    step(board, "verified")
    assert len(verifying) == 1 and "方案不完整" in verifying[0]
    assert shown_status(board) == ("方案不完整", problem_status("rectified"))
    assert [e.status for e in rectification.board(board.ws) if e.description == "方案不完整"] == ["rectified"]
