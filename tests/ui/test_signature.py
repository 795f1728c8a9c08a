"""Signing a county's record from the inspector's window: the dialog opens once the pending
edit is written, reads and writes the signatures through the window's operations (never on
the GUI thread: the guard holds it to that), and what it wrote redraws the window's
signature state; an edit after signing asks for a new signature."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDateEdit, QDialog, QLabel, QLineEdit, QMessageBox, QPushButton

from desktop.core.visits import Visit
from desktop.services import inspection, visits
from desktop.ui.dates import set_day
from desktop.ui.main_window import MainWindow
from desktop.ui.signature import PadDialog, SignDialog

# the offscreen platform says so whenever a window is shown; it is not the program's warning
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

COUNTY = "341502"


def said(source: str, context: str = "MainWindow") -> str:
    return QCoreApplication.translate(context, source)


@pytest.fixture
def pad(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pad as signed by the names given, one per signature, instead of a modal dialog."""
    names: list[str] = []

    def exec_(self: PadDialog) -> int:
        self.name.setText(names.pop(0))
        self.pad.strokes = [[(0.1, 0.5), (0.4, 0.6), (0.8, 0.4)]]
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PadDialog, "exec", exec_)
    return names


def open_signatures(qtbot, window: MainWindow) -> SignDialog:
    qtbot.waitUntil(window.settled, timeout=10000)
    window.findChild(QAction, "sign").trigger()
    qtbot.waitUntil(lambda: window.findChild(SignDialog) is not None, timeout=10000)
    dialog = window.findChild(SignDialog)
    qtbot.waitUntil(lambda: dialog._visit_read, timeout=10000)
    return dialog


def enter_visit(qtbot, dialog: SignDialog, place: str, first: dt.date = dt.date(2026, 9, 12), days: int = 1) -> None:
    """Type the place as the inspector does, pick the days, save, and wait for it to be stored."""
    field = dialog.findChild(QLineEdit, "visit-place")
    field.setText(place)
    set_day(dialog.findChild(QDateEdit, "visit-first"), first)
    set_day(dialog.findChild(QDateEdit, "visit-last"), first + dt.timedelta(days=days))
    dialog.findChild(QPushButton, "visit-save").click()
    qtbot.waitUntil(lambda: visits.visit(dialog.ws, COUNTY) == Visit(place, first, first + dt.timedelta(days=days)), timeout=10000)
    qtbot.waitUntil(lambda: dialog.findChild(QLabel, "visit-state").text() == said("Saved", "SignDialog"), timeout=10000)


def test_the_place_and_dates_are_entered_before_signing_and_undone_from_the_window(
    qtbot, window: MainWindow, pad: list[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or answers.pop(0))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *_a: told.append(text))
    dialog = open_signatures(qtbot, window)
    state = dialog.findChild(QLabel, "visit-state")
    assert state.text() == said("Not entered: the record prints 未填写", "SignDialog")
    pad.append("李四")
    dialog.findChild(QPushButton, "sign-liaison").click()  # asked, and not signed: no place yet
    assert len(asked) == 1 and "未填写" in asked[0] and pad == ["李四"]

    place = dialog.findChild(QLineEdit, "visit-place")
    place.insert("金安区政务服务中心")  # typed (Chinese does not go through the test's key clicks)
    assert state.text() == said("Not saved yet", "SignDialog")
    dialog.findChild(QPushButton, "sign-liaison").click()  # typed, not saved: save first
    assert told == [said("Save the place and dates of inspection first: the signature signs them.", "SignDialog")] and pad == ["李四"]
    # the last day before the first: said in the window's words, nothing written
    first, last = dialog.findChild(QDateEdit, "visit-first"), dialog.findChild(QDateEdit, "visit-last")
    set_day(first, dt.date(2026, 9, 13))
    set_day(last, dt.date(2026, 9, 12))
    dialog.findChild(QPushButton, "visit-save").click()
    assert state.text() == said("The last day of inspection is before the first.", "Messages")
    assert visits.visit(window.ws, COUNTY) is None
    set_day(last, dt.date(2026, 9, 14))
    dialog.findChild(QPushButton, "visit-save").click()
    expected = Visit("金安区政务服务中心", dt.date(2026, 9, 13), dt.date(2026, 9, 14))
    qtbot.waitUntil(lambda: visits.visit(window.ws, COUNTY) == expected, timeout=10000)
    qtbot.waitUntil(lambda: state.text() == said("Saved", "SignDialog"), timeout=10000)
    assert not dialog.findChild(QPushButton, "visit-save").isEnabled()

    # on the window's undo stack like every other edit: undone, the record has no place again
    qtbot.waitUntil(window.undo_stack.canUndo, timeout=10000)
    assert window.undo_stack.undoText() == said("place and dates of inspection", "SignDialog")
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: visits.visit(window.ws, COUNTY) is None, timeout=10000)
    qtbot.waitUntil(lambda: state.text() == said("Not entered: the record prints 未填写", "SignDialog"), timeout=10000)
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: visits.visit(window.ws, COUNTY) == expected, timeout=10000)
    qtbot.waitUntil(lambda: place.text() == "金安区政务服务中心", timeout=10000)

    # typed and not saved: closing asks, and No keeps the dialog and the typing
    place.end(False)
    place.insert("二楼")
    answers.append(QMessageBox.StandardButton.No)
    dialog.reject()
    assert (dialog.isVisible() and place.text() == "金安区政务服务中心二楼" and "not saved" in asked[-1].lower()) or "未保存" in asked[-1]
    answers.append(QMessageBox.StandardButton.Yes)
    dialog.reject()
    assert not dialog.isVisible()
    assert visits.visit(window.ws, COUNTY) == expected


def test_signing_goes_through_the_window_and_redraws_its_state(qtbot, window: MainWindow, pad: list[str]) -> None:
    qtbot.waitUntil(window.settled, timeout=10000)
    assert window.signature_label.text() == said("Record not signed")
    opened: list[tuple[int, bool]] = []
    open_ = SignDialog.open

    def open_now(dialog: SignDialog) -> None:
        opened.append((window.ops.pending_writes, window.dirty))
        open_(dialog)

    window.editor.score.setValue(1)
    window.editor.comment.setPlainText("签字前刚写的理由")
    qtbot.waitUntil(lambda: window.dirty)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SignDialog, "open", open_now)
        window.findChild(QAction, "sign").trigger()
        qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    assert opened == [(0, False)]  # opened once the pending edit was written
    assert inspection.item_record(window.ws, COUNTY, window.item).comment == "签字前刚写的理由"
    dialog = window.findChild(SignDialog)
    assert dialog is not None and dialog.isVisible()
    state = dialog.findChild(QLabel, "signature-state-liaison")
    qtbot.waitUntil(lambda: state.text() == said("Not signed", "SignDialog"), timeout=10000)

    enter_visit(qtbot, dialog, "金安区政务服务中心")
    # the dialog says what is being signed, and asks first when items are not scored
    summary = dialog.findChild(QLabel, "signing-summary")
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=10000)
    assert said("{0} items are not scored yet.", "SignDialog").format(33) in summary.text()
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]
    patch_question = pytest.MonkeyPatch()
    patch_question.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or answer[0])
    pad.append("李四")
    dialog.findChild(QPushButton, "sign-liaison").click()  # not yet: 33 items unscored
    assert len(asked) == 1 and "33" in asked[0] and pad == ["李四"]
    answer[0] = QMessageBox.StandardButton.Yes
    dialog.findChild(QPushButton, "sign-liaison").click()
    qtbot.waitUntil(lambda: "李四" in state.text(), timeout=10000)
    signed = inspection.signatures(window.ws, COUNTY)["liaison"]
    assert (signed.signer_name, signed.current) == ("李四", True)
    local = dt.datetime.fromisoformat(signed.signed_at).astimezone().strftime("%Y-%m-%d %H:%M")  # this computer's time, not UTC
    assert state.text() == said("Signed by {0}, {1}", "SignDialog").format("李四", local)
    qtbot.waitUntil(lambda: window.signature_label.text() == said("Partly signed"), timeout=10000)

    pad.append("张三")
    dialog.findChild(QPushButton, "sign-inspector").click()
    qtbot.waitUntil(lambda: window.signature_label.text() == said("Record signed"), timeout=10000)

    window.editor.score.setValue(2)  # an edit after signing
    window.save_now()
    qtbot.waitUntil(lambda: window.signature_label.text() == said("Changed since signed: sign again"), timeout=10000)
    dialog.refresh()
    qtbot.waitUntil(lambda: state.text() == said("Record changed since {0} signed: sign again", "SignDialog").format("李四"), timeout=10000)
    # the liaison signs again: their name is offered, as they signed here last
    offered: list[tuple[str, str]] = []
    with pytest.MonkeyPatch.context() as patch:
        def look(self: PadDialog) -> int:
            offered.append((self.name.text(), self.post.text()))
            return QDialog.DialogCode.Rejected

        patch.setattr(PadDialog, "exec", look)
        dialog.findChild(QPushButton, "sign-liaison").click()
    assert offered == [("李四", "")]
    patch_question.undo()
    dialog.done(0)
