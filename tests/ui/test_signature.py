"""Signing a county's record from the inspector's window: the dialog opens once the pending
edit is written, reads and writes the signatures through the window's operations (never on
the GUI thread: the guard holds it to that), and what it wrote redraws the window's
signature state; an edit after signing asks for a new signature."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QPushButton

from desktop.services import inspection
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
    assert state.text() == said("Signed by {0}, {1}", "SignDialog").format("李四", signed.signed_at.replace("T", " ")[:16])
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
