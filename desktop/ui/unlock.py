"""The passphrase of this computer's Yanshou files, asked at start (issue 21): where the system
has no protected store, the key of the encrypted databases and key files comes from a
passphrase (desktop.services.protection), asked once per run of the program. The first time,
the dialog asks to choose one (twice); afterwards, to type it; a wrong one is said so, and the
user may try again or cancel."""

from __future__ import annotations

from collections.abc import Callable

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
from desktop.ui.messages import explain, reason


class _KeyDialog(QDialog):
    """A dialog that asks for what opens this computer's files: an intro, a form of fields
    (the subclass's), a line for what was wrong, OK and Cancel. OK checks what was typed on a
    thread (scrypt takes half a second, on purpose; the store may prompt): the dialog's answer
    comes when it is done, with no event loop of its own inside the click, and the dialog cannot
    be pressed again meanwhile."""

    def __init__(self, title: str, intro: str, parent: QWidget | None, *, width_chars: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        said = QLabel(intro, self)
        said.setWordWrap(True)
        layout.addWidget(said)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * width_chars)

    def _field(self) -> QLineEdit:
        """The field typed into first (and again after a refusal)."""
        raise NotImplementedError

    def _refusal(self, failure: BaseException) -> str | None:
        """What to say of a failure of the check (None: not a refusal, raised)."""
        raise NotImplementedError

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        self.adjustSize()  # a wrapped message's lines take room: the dialog grows, nothing is clipped
        self._field().selectAll()
        self._field().setFocus()

    def _check(self, work: Callable[[], object]) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.setEnabled(False)
        jobs.start(QThreadPool.globalInstance(), work, parent=self, done=lambda _result: self._checked(None), failed=self._checked)

    def _checked(self, failure: BaseException | None) -> None:
        self.setEnabled(True)
        QApplication.restoreOverrideCursor()
        if failure is None:
            super().accept()
            return
        said = self._refusal(failure)
        if said is None:
            raise failure
        self._say(said)


class UnlockDialog(_KeyDialog):
    """Type (or, with `choose`, choose) this computer's Yanshou passphrase."""

    def __init__(self, parent: QWidget | None = None, *, choose: bool = False, where: str = "") -> None:
        super().__init__(
            self.tr("Yanshou passphrase"),
            self.tr(
                "This computer has no protected store for Yanshou's key. Choose a passphrase: it protects this computer's "
                "databases and keys, and is asked each time Yanshou starts. Without it they cannot be opened."
            # (the passphrase protects this computer's keys, and its databases where they are encrypted: a
            # master in the clear asks for it too, for its signing key; "the database is encrypted" was untrue there)
            ) if choose else self.tr("This computer's Yanshou passphrase opens {0}: its keys, and the file where it is encrypted.").format(
                where,
            ),
            parent, width_chars=60,  # a path and a sentence on a line or two
        )
        self._choose = choose
        self.passphrase = QLineEdit(self)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("Passphrase:"), self.passphrase)
        self.again = QLineEdit(self)
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        if choose:
            self.form.addRow(self.tr("Again:"), self.again)
        else:
            self.again.hide()
        self.passphrase.setFocus()

    def _field(self) -> QLineEdit:
        return self.passphrase

    def accept(self) -> None:
        given = self.passphrase.text()
        if self._choose:
            if protection.passphrase_problem(given) is not None:
                self._say(self.tr("A passphrase has at least 8 characters."))
                return
            if self.again.text() != given:
                self._say(self.tr("The two passphrases differ. Type them again."))
                return
        self._check(lambda: protection.unlock(given))

    def _refusal(self, failure: BaseException) -> str | None:
        if isinstance(failure, KeyNeeded) and failure.code == "wrong_passphrase":
            return self.tr("That is not this computer's Yanshou passphrase. Try again, or cancel.")
        if isinstance(failure, KeyNeeded):  # the store or the keys folder, in its words
            return explain(failure)
        if isinstance(failure, KnownDatabaseError):
            return self.tr("A passphrase has at least 8 characters.")
        return None


class RecoveryDialog(_KeyDialog):
    """Type the recovery code the lead read from this laptop's recovery file (T2-8: the
    system's store lost the key of this computer's files). Accepted once the key is back."""

    def __init__(self, why: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Recovery code"), why + "\n\n" + self.tr(
            "If the lead gave you this laptop's recovery code, type it here (the groups of four letters and digits, "
            "spaces or not)."), parent, width_chars=70)
        self.code = QLineEdit(self)
        self.form.addRow(self.tr("Recovery code:"), self.code)
        self.code.setFocus()

    def _field(self) -> QLineEdit:
        return self.code

    def accept(self) -> None:
        given = self.code.text()
        self._check(lambda: protection.recover(given))

    def _refusal(self, failure: BaseException) -> str | None:
        # mistyped, another laptop's, no store to keep it in: in its words (the keys folder's path is no concern of the user)
        return reason(failure) if isinstance(failure, KnownDatabaseError) else None


def recovered(why: str, parent: QWidget | None = None) -> bool:
    """Offer to put the key back with the lead's recovery code; True when it is back."""
    return RecoveryDialog(why, parent).exec() == QDialog.DialogCode.Accepted


def unlocked(parent: QWidget | None = None, where: str = "", *, new: bool = False, ask: str | None = None) -> bool:
    """Ask for the passphrase when this computer's files need it and it was not given in this
    run; with `new` (a laptop's database about to be made), also to choose one the first time on
    a computer without a store. True when they can be opened (or made protected) now, False
    when the user cancelled. `ask`: protection.to_ask's answer, where the caller has it already
    (the start: the keys folder's protection file is read once)."""
    ask = ask or protection.to_ask(new=new)
    if ask is None:
        return True
    return UnlockDialog(parent, choose=ask == "choose", where=where).exec() == QDialog.DialogCode.Accepted


__all__ = ["RecoveryDialog", "UnlockDialog", "recovered", "unlocked"]
