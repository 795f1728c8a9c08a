"""The passphrase of this computer's Yanshou files, asked at start (issue 21): where the system
has no protected store, the key of the encrypted databases and key files comes from a
passphrase (desktop.services.protection), asked once per run of the program. The first time,
the dialog asks to choose one (twice); afterwards, to type it; a wrong one is said so, and the
user may try again or cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from db.errors import KeyNeeded, KnownDatabaseError
from desktop.services import protection
from desktop.ui import jobs
from desktop.ui.messages import explain


class UnlockDialog(QDialog):
    """Type (or, with `choose`, choose) this computer's Yanshou passphrase."""

    def __init__(self, parent: QWidget | None = None, *, choose: bool = False, where: str = "") -> None:
        super().__init__(parent)
        self._choose = choose
        self.setWindowTitle(self.tr("Yanshou passphrase"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "This computer has no protected store for Yanshou's key. Choose a passphrase: it protects this computer's "
                "databases and keys, and is asked each time Yanshou starts. Without it they cannot be opened."
            ) if choose else self.tr("The database {0} is encrypted. Type this computer's Yanshou passphrase.").format(where),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Passphrase:"), self.passphrase)
        self.again = QLineEdit(self)
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        if choose:
            form.addRow(self.tr("Again:"), self.again)
        else:
            self.again.hide()
        layout.addLayout(form)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.passphrase.setFocus()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)  # a path and a sentence on a line or two

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        self.adjustSize()  # a wrapped message's lines take room: the dialog grows, nothing is clipped
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def accept(self) -> None:
        given = self.passphrase.text()
        if self._choose:
            if protection.passphrase_problem(given) is not None:
                self._say(self.tr("A passphrase has at least 8 characters."))
                return
            if self.again.text() != given:
                self._say(self.tr("The two passphrases differ. Type them again."))
                return
        # scrypt takes half a second, on purpose: on a thread, the dialog's answer when it is
        # done (no event loop of its own inside this click), the dialog not to be pressed again meanwhile
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.setEnabled(False)
        jobs.start(QThreadPool.globalInstance(), lambda: protection.unlock(given), parent=self,
                   done=lambda _none: self._checked(None), failed=self._checked)

    def _checked(self, failure: BaseException | None) -> None:
        self.setEnabled(True)
        QApplication.restoreOverrideCursor()
        if isinstance(failure, KeyNeeded) and failure.code == "wrong_passphrase":
            self._say(self.tr("That is not this computer's Yanshou passphrase. Try again, or cancel."))
        elif isinstance(failure, KeyNeeded):  # the store or the keys folder, in its words
            self._say(explain(failure))
        elif isinstance(failure, KnownDatabaseError):
            self._say(self.tr("A passphrase has at least 8 characters."))
        elif failure is not None:
            raise failure
        else:
            super().accept()


class RecoveryDialog(QDialog):
    """Type the recovery code the lead read from this laptop's recovery file (T2-8: the
    system's store lost the key of this computer's files). Accepted once the key is back."""

    def __init__(self, why: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Recovery code"))
        layout = QVBoxLayout(self)
        intro = QLabel(why + "\n\n" + self.tr(
            "If the lead gave you this laptop's recovery code, type it here (the groups of four letters and digits, "
            "spaces or not)."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.code = QLineEdit(self)
        form.addRow(self.tr("Recovery code:"), self.code)
        layout.addLayout(form)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.code.setFocus()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)

    def accept(self) -> None:
        given = self.code.text()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.setEnabled(False)
        jobs.start(QThreadPool.globalInstance(), lambda: protection.recover(given), parent=self,
                   done=lambda _moved: self._checked(None), failed=self._checked)

    def _checked(self, failure: BaseException | None) -> None:
        self.setEnabled(True)
        QApplication.restoreOverrideCursor()
        if isinstance(failure, KnownDatabaseError):  # mistyped, another laptop's, no store to keep it in: in its words
            self.problem.setText(explain(failure).split("\n\n", 1)[-1])
            self.problem.show()
            self.adjustSize()
            self.code.selectAll()
            self.code.setFocus()
        elif failure is not None:
            raise failure
        else:
            super().accept()


def recovered(why: str, parent: QWidget | None = None) -> bool:
    """Offer to put the key back with the lead's recovery code; True when it is back."""
    return RecoveryDialog(why, parent).exec() == QDialog.DialogCode.Accepted


def unlocked(parent: QWidget | None = None, where: str = "", *, new: bool = False) -> bool:
    """Ask for the passphrase when this computer's files need it and it was not given in this
    run; with `new` (a laptop's database about to be made), also to choose one the first time on
    a computer without a store. True when they can be opened (or made protected) now, False
    when the user cancelled."""
    ask = protection.to_ask(new=new)
    if ask is None:
        return True
    return UnlockDialog(parent, choose=ask == "choose", where=where).exec() == QDialog.DialogCode.Accepted


__all__ = ["RecoveryDialog", "UnlockDialog", "recovered", "unlocked"]
