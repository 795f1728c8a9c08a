"""A problem's steps as the windows offer them: the buttons of the steps the state machine
(desktop.core.problems) allows, a disabled one saying why; what a step asks for — the
rectification's evidence or a written account (`RectifyDialog`), a reopening's reason
(`ask_reason`) — and a refused step in the user's words. The lead's board and the
inspector's item editor both use these."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import problems
from desktop.core.errors import InputError
from desktop.core.problems import ProblemStatus, Refusal, StepKind
from desktop.ui import files
from desktop.ui.messages import explain, step_refusal


def step_label(kind: StepKind) -> str:
    return {
        StepKind.FOUND: QCoreApplication.translate("LeadWindow", "Found"),
        StepKind.RECTIFIED: QCoreApplication.translate("LeadWindow", "Rectified"),
        StepKind.VERIFIED: QCoreApplication.translate("LeadWindow", "Verified"),
        StepKind.REOPENED: QCoreApplication.translate("LeadWindow", "Reopened"),
    }[kind]


def step_button_text(status: ProblemStatus) -> str:
    return {
        ProblemStatus.OPEN: QCoreApplication.translate("LeadWindow", "Reopen…"),
        ProblemStatus.RECTIFIED: QCoreApplication.translate("LeadWindow", "Mark rectified…"),
        ProblemStatus.VERIFIED: QCoreApplication.translate("LeadWindow", "Mark verified"),
    }[status]


def offer_steps(buttons: dict[ProblemStatus, QAbstractButton], status: str | None, role: str) -> None:
    """Enable the buttons of the steps a problem in `status` may take here (None: no problem
    chosen); a disabled one says why in its tooltip."""
    allowed = problems.allowed_steps(status, role) if status is not None else None
    for target, button in buttons.items():
        why = allowed[target] if allowed is not None else None
        button.setEnabled(allowed is not None and why is None)
        if allowed is None:
            button.setToolTip(QCoreApplication.translate("LeadWindow", "Choose a problem first."))
        elif why is not None:
            button.setToolTip(step_refusal(why))
        else:
            button.setToolTip({
                ProblemStatus.OPEN: QCoreApplication.translate("LeadWindow", "Reopen the problem: asks for the reason."),
                ProblemStatus.RECTIFIED: QCoreApplication.translate(
                    "LeadWindow", "Mark it rectified: asks for the evidence (files) or a written account."
                ),
                ProblemStatus.VERIFIED: QCoreApplication.translate("LeadWindow", "Verify the rectification."),
            }[target])


class RectifyDialog(QDialog):
    """What a rectification stands on: files showing it, or a written account, or both."""

    def __init__(self, parent: QWidget | None, description: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("LeadWindow", "Mark rectified"))
        layout = QVBoxLayout(self)
        about = QLabel(description)
        about.setWordWrap(True)
        layout.addWidget(about)
        layout.addWidget(QLabel(QCoreApplication.translate("LeadWindow", "Evidence of the rectification (files):")))
        self.files = QListWidget()
        self.files.setObjectName("rectify-files")
        self.files.setMaximumHeight(90)
        layout.addWidget(self.files)
        row = QHBoxLayout()
        add = QPushButton(QCoreApplication.translate("LeadWindow", "Add file…"))
        add.setObjectName("rectify-add")
        add.clicked.connect(self._choose)
        remove = QPushButton(QCoreApplication.translate("LeadWindow", "Remove"))
        remove.clicked.connect(self._remove)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(QLabel(QCoreApplication.translate("LeadWindow", "Or a written account of the rectification:")))
        self.account = QPlainTextEdit()
        self.account.setObjectName("rectify-account")
        self.account.setPlaceholderText(QCoreApplication.translate("LeadWindow", "What was done, by whom, and when"))
        self.account.setMinimumSize(380, 90)
        self.account.textChanged.connect(self._update)
        layout.addWidget(self.account)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def _choose(self) -> None:
        name = files.open_file(self, "evidence", QCoreApplication.translate("LeadWindow", "Evidence of the rectification"), "")
        if name is not None:
            self.add_file(name)

    def add_file(self, path: Path) -> None:
        if path not in self.paths():
            item = QListWidgetItem(path.name)
            item.setToolTip(str(path))
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.files.addItem(item)
        self._update()

    def _remove(self) -> None:
        self.files.takeItem(self.files.currentRow())
        self._update()

    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.files.count())]

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ready = bool(self.paths()) or bool(self.account.toPlainText().strip())
        ok.setEnabled(ready)
        ok.setToolTip("" if ready else step_refusal(Refusal.NEEDS_EVIDENCE))

    def values(self) -> tuple[list[Path], str]:
        return self.paths(), self.account.toPlainText().strip()


def ask_rectification(parent: QWidget, description: str) -> tuple[list[Path], str] | None:
    """The evidence files and written account of a rectification, or None when cancelled."""
    dialog = RectifyDialog(parent, description)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.values()


def ask_reason(parent: QWidget, description: str) -> str | None:
    """Why a problem is reopened, or None when cancelled."""
    text, ok = QInputDialog.getMultiLineText(
        parent, QCoreApplication.translate("LeadWindow", "Reopen the problem"),
        QCoreApplication.translate("LeadWindow", "Why is it reopened? ({0})").format(description[:60]),
    )
    return text.strip() if ok else None


@dataclass(frozen=True)
class StepInput:
    """What the user gave for a step: the rectification's files and account, a reopening's reason."""

    files: tuple[Path, ...] = ()
    account: str = ""
    reason: str = ""


def ask_step(parent: QWidget, target: ProblemStatus, description: str) -> StepInput | None:
    """Ask what a step to `target` needs (files or an account to rectify, a reason to reopen;
    nothing to verify); None when the user cancelled."""
    if target == ProblemStatus.RECTIFIED:
        asked = ask_rectification(parent, description)
        return None if asked is None else StepInput(tuple(asked[0]), asked[1])
    if target == ProblemStatus.OPEN:
        given = ask_reason(parent, description)
        return None if given is None else StepInput(reason=given)
    return StepInput() if confirm_verified(parent, description) else None


def confirm_verified(parent: QWidget, description: str) -> bool:
    """The lead's verification is the problem's last step, signed, and has no undo (a verified
    problem is only reopened, with a reason): asked first, No by default."""
    asked = QMessageBox.question(
        parent, QCoreApplication.translate("LeadWindow", "Mark verified"),
        QCoreApplication.translate(
            "LeadWindow", "{0}\n\nMark the rectification of this problem verified? It is the problem's last step, written under "
            "your signature; afterwards the problem can only be reopened, with a reason.",
        ).format(description),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
    )
    return asked == QMessageBox.StandardButton.Yes


def refused_step(exc: InputError) -> str:
    """A refused step in the user's words (explain() for any other refusal)."""
    code = exc.problems[0].code
    return step_refusal(code) if code in set(Refusal) else explain(exc)
