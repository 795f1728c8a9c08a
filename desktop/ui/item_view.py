"""The centre of the window: one item of one county — its text and points, the four
inspection modes (findings, status, pilot area), the score with its reasoning, and the
problems found. Every change emits `edited`; the window saves (debounced). While the
window waits for the item's record (`set_loading`), nothing can be typed that the record
would then overwrite."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.indicators import Indicator
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.core.numbers import canonical
from desktop.core.problems import ProblemStatus, shown_status
from desktop.services.views import SEVERITIES, Finding, ItemRecord, Problem
from desktop.ui import score_field
from desktop.ui.dates import day_edit, day_of
from desktop.ui.messages import problem_status
from desktop.ui.score_field import ScoreField
from desktop.ui.steps import offer_steps, step_button_text

UNSCORED = score_field.UNSCORED  # the spin box's value that shows as "not scored"


def mode_label(mode: InspectionMode) -> str:
    return {
        InspectionMode.REPORT: QCoreApplication.translate("Vocabulary", "Briefing"),
        InspectionMode.MATERIALS: QCoreApplication.translate("Vocabulary", "Materials"),
        InspectionMode.ONLINE: QCoreApplication.translate("Vocabulary", "Website"),
        InspectionMode.FIELD: QCoreApplication.translate("Vocabulary", "On site"),
    }[mode]


def status_label(status: FindingStatus) -> str:
    return {
        FindingStatus.MET: QCoreApplication.translate("Vocabulary", "Met"),
        FindingStatus.PARTLY_MET: QCoreApplication.translate("Vocabulary", "Partly met"),
        FindingStatus.NOT_MET: QCoreApplication.translate("Vocabulary", "Not met"),
        FindingStatus.UNCHECKED: QCoreApplication.translate("Vocabulary", "Not checked"),
    }[status]


def severity_label(severity: str) -> str:
    return {
        "minor": QCoreApplication.translate("Vocabulary", "Minor"),
        "major": QCoreApplication.translate("Vocabulary", "Major"),
        "serious": QCoreApplication.translate("Vocabulary", "Serious"),
    }.get(severity, severity)


def shown_value(entity: str, key: str, value: object) -> object:
    """A stored code (a mode, a finding's result, a severity, a problem's status) in words."""
    if not isinstance(value, str) or not value:
        return value
    if key == "mode" and value in {m.value for m in InspectionMode}:
        return mode_label(InspectionMode(value))
    if key == "status" and entity == "finding" and value in {f.value for f in FindingStatus}:
        return status_label(FindingStatus(value))
    if key == "status" and entity == "problem":
        return problem_status(value)
    if key == "severity":
        return severity_label(value)
    return value


class ModePage(QWidget):
    """One inspection mode of the item: status, pilot area, findings."""

    edited = Signal()

    def __init__(self, mode: InspectionMode, parent: QWidget | None = None) -> None:
        # Long on purpose: it builds the editor's widgets in the order they are laid out (path,
        # score, reasoning, the four modes, problems).
        super().__init__(parent)
        self.mode = mode
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Result:")))
        self.status_group = QButtonGroup(self)
        self.status_buttons: dict[FindingStatus, QRadioButton] = {}
        for status in (FindingStatus.MET, FindingStatus.PARTLY_MET, FindingStatus.NOT_MET, FindingStatus.UNCHECKED):
            button = QRadioButton(status_label(status))
            button.setObjectName(f"status-{mode.value}-{status.value}")
            self.status_group.addButton(button)
            self.status_buttons[status] = button
            row.addWidget(button)
        row.addSpacing(16)
        row.addWidget(QLabel(self.tr("Pilot area:")))
        self.area = QComboBox()
        self.area.setEditable(True)
        self.area.setMinimumWidth(140)
        self.area.setObjectName(f"area-{mode.value}")
        row.addWidget(self.area)
        row.addStretch(1)
        layout.addLayout(row)
        self.text = QPlainTextEdit()
        self.text.setObjectName(f"findings-{mode.value}")
        self.text.setPlaceholderText(self.tr("What was found in this mode: what was seen, heard or checked, and where."))
        layout.addWidget(self.text, 1)
        self.status_group.buttonToggled.connect(lambda _b, on: on and self.edited.emit())
        self.area.currentTextChanged.connect(lambda _t: self.edited.emit())
        self.text.textChanged.connect(self.edited.emit)

    def set_areas(self, areas: tuple[str, ...]) -> None:
        self.area.blockSignals(True)
        self.area.clear()
        self.area.addItem("")
        self.area.addItems(list(areas))
        self.area.blockSignals(False)

    def load(self, finding: Finding) -> None:
        for widget in (self.status_group, self.area, self.text):
            widget.blockSignals(True)
        self.status_buttons[finding.status].setChecked(True)
        self.area.setCurrentText(finding.area)
        self.text.setPlainText(finding.text)
        for widget in (self.status_group, self.area, self.text):
            widget.blockSignals(False)

    def finding(self) -> Finding:
        checked = next((s for s, b in self.status_buttons.items() if b.isChecked()), FindingStatus.UNCHECKED)
        return Finding(self.mode, self.text.toPlainText().strip(), checked, self.area.currentText().strip())


class ProblemDialog(QDialog):
    def __init__(self, parent: QWidget | None, problem: Problem | None, default_deadline: dt.date | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Problem found"))
        form = QFormLayout(self)
        self.description = QPlainTextEdit(problem.description if problem else "")
        self.description.setPlaceholderText(self.tr("What is wrong, and what must be rectified"))
        self.description.setMinimumSize(420, 110)
        self.severity = QComboBox()
        for key in SEVERITIES:
            self.severity.addItem(severity_label(key), key)
        if problem:
            self.severity.setCurrentIndex(SEVERITIES.index(problem.severity))
        self.deadline = day_edit("deadline", problem.deadline if problem else default_deadline)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Severity"), self.severity)
        form.addRow(self.tr("Rectify by"), self.deadline)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._opened_with = self._entered()

    def values(self) -> tuple[str, str, dt.date]:
        """The description, severity and deadline as entered."""
        return self._entered()

    def _entered(self) -> tuple[str, str, dt.date]:
        return self.description.toPlainText().strip(), str(self.severity.currentData()), day_of(self.deadline)

    def accept(self) -> None:
        """OK with no description says so and stays open: the severity and the deadline chosen
        are not thrown away (the dialog closed, and they were lost)."""
        if not self.description.toPlainText().strip():
            QMessageBox.warning(self, self.windowTitle(), QCoreApplication.translate("MainWindow", "A problem needs a description."))
            self.description.setFocus()
            return
        super().accept()

    def reject(self) -> None:
        """Cancel (or Esc, or the window's close box) throws away what was typed only when
        the inspector says so."""
        if self._entered() != self._opened_with and QMessageBox.question(
            self, self.windowTitle(), self.tr("Discard what you have written about this problem?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel,
        ) != QMessageBox.StandardButton.Discard:
            return
        super().reject()


class ItemEditor(QWidget):
    edited = Signal()
    problem_requested = Signal(object)  # a Problem to edit, or None for a new one
    problem_removed = Signal(str)  # record id
    problem_step = Signal(object, str)  # a Problem and the status it is to move to (desktop.core.problems)
    problem_history = Signal(object)  # a Problem whose versions are to be shown
    item_history = Signal(object)  # the versions of the item's score (None) or of its findings in a mode (InspectionMode)
    mode_changed = Signal(object)  # InspectionMode

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.county: str | None = None
        self.item: Indicator | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(8)

        self.title = QLabel()
        self.title.setObjectName("item-title")
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.text = QLabel()
        self.text.setObjectName("item-text")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.path = QLabel()
        self.path.setStyleSheet("color: #666;")
        self.path.setWordWrap(True)
        layout.addWidget(self.path)
        layout.addWidget(self.title)
        layout.addWidget(self.text)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("modes")
        self.pages: dict[InspectionMode, ModePage] = {}
        for mode in InspectionMode:
            page = ModePage(mode)
            page.edited.connect(self._changed)
            self.pages[mode] = page
            self.tabs.addTab(page, mode_label(mode))
        self.tabs.currentChanged.connect(lambda i: self.mode_changed.emit(list(InspectionMode)[i]))
        layout.addWidget(self.tabs, 3)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)

        score_row = QHBoxLayout()
        label = QLabel(self.tr("Score"))
        label.setStyleSheet("font-weight: bold;")
        score_row.addWidget(label)
        self.score = ScoreField()
        self.score.setObjectName("score")
        self.score.setSpecialValueText(self.tr("Not scored"))
        self.score.setMinimumWidth(110)
        self.score.valueChanged.connect(self._changed)
        self.score.valueChanged.connect(self._score_set)
        label.setBuddy(self.score)
        score_row.addWidget(self.score)
        self.points = QLabel()
        score_row.addWidget(self.points)
        # every version of the score and reasoning, or of one mode's findings: who, when, what changed
        self.history_button = QPushButton(self.tr("History"))  # a menu of its own: its arrow drawn beside the word
        self.history_button.setObjectName("item-history")
        self.history_button.setToolTip(self.tr("Every version of this item's score and of its findings in each mode"))
        history_menu = QMenu(self.history_button)
        score_history = history_menu.addAction(self.tr("Score and reasoning"))
        score_history.setObjectName("history-score")
        score_history.triggered.connect(lambda: self.item_history.emit(None))
        history_menu.addSeparator()
        for mode in InspectionMode:
            action = history_menu.addAction(self.tr("Findings · {0}").format(mode_label(mode)))
            action.setObjectName(f"history-finding-{mode.value}")
            action.triggered.connect(lambda _c=False, m=mode: self.item_history.emit(m))
        self.history_button.setMenu(history_menu)
        score_row.addWidget(self.history_button)
        self.score_hint = QLabel()  # why a keystroke was refused, until the next accepted one
        self.score_hint.setObjectName("score-hint")
        self.score_hint.setStyleSheet("color: #b26a00;")
        self.score.refused.connect(self.score_hint.setText)
        self.score.reverted.connect(self.score_hint.setText)
        self.score.valueChanged.connect(lambda _v: self.score_hint.clear())
        score_row.addSpacing(16)
        score_row.addWidget(QLabel(self.tr("Reasoning")))
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("comment")
        self.comment.setPlaceholderText(self.tr("Why this score: which requirement was met or missed"))
        self.comment.setFixedHeight(56)
        self.comment.textChanged.connect(self._changed)
        score_row.addWidget(self.comment, 1)
        layout.addLayout(score_row)
        # below the row, its height kept when empty: nothing beside the score moves when it speaks
        self.score_hint.setFixedHeight(self.score_hint.fontMetrics().height())
        layout.addWidget(self.score_hint)

        problems_head = QHBoxLayout()
        problems_label = QLabel(self.tr("Problems found"))
        problems_label.setStyleSheet("font-weight: bold;")
        problems_head.addWidget(problems_label)
        problems_head.addStretch(1)
        self.add_problem = QPushButton(self.tr("Add problem…"))
        self.add_problem.setObjectName("add-problem")
        self.add_problem.clicked.connect(lambda: self.problem_requested.emit(None))
        self.remove_problem = QPushButton(self.tr("Remove"))
        self.remove_problem.clicked.connect(self._remove_problem)
        problems_head.addWidget(self.add_problem)
        problems_head.addWidget(self.remove_problem)
        # the steps the state machine allows the selected problem here (desktop.ui.steps)
        self.step_buttons: dict[ProblemStatus, QAbstractButton] = {}
        for target in (ProblemStatus.RECTIFIED, ProblemStatus.OPEN):
            button = QPushButton(step_button_text(target))
            button.setObjectName(f"problem-{target}")
            button.clicked.connect(lambda _c=False, t=target: self._step(t))
            problems_head.addWidget(button)
            self.step_buttons[target] = button
        self.role = "field"  # whose window: the steps offered are this role's
        layout.addLayout(problems_head)
        self.problems = QTableWidget(0, 4)
        self.problems.setObjectName("problems")
        self.problems.setHorizontalHeaderLabels([self.tr("Description"), self.tr("Severity"), self.tr("Rectify by"), self.tr("Status")])
        self.problems.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.problems.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.problems.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.problems.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.problems.currentCellChanged.connect(lambda row, *_: self._offer_steps(row))
        self.problems.verticalHeader().setVisible(False)
        self.problems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setFixedHeight(96)
        self.problems.cellDoubleClicked.connect(lambda row, _c: self.problem_requested.emit(self._problems[row]))
        # a problem's history from its row's menu (the row of buttons above is full at 1366×768)
        self.problem_history_action = QAction(self.tr("History…"), self.problems)
        self.problem_history_action.setObjectName("problem-history")
        self.problem_history_action.setToolTip(self.tr("Every version of the problem chosen: who changed what, and when"))
        self.problem_history_action.triggered.connect(self._show_problem_history)
        self.problems.addAction(self.problem_history_action)
        self.problems.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        layout.addWidget(self.problems)
        self._problems: list[Problem] = []
        self._loading = False
        self.waiting = False  # for the item's record (set_loading)
        self._focus: QWidget | None = None

    def _changed(self) -> None:
        if not self._loading:
            self.edited.emit()

    def _score_set(self, value: float) -> None:
        """The reasoning belongs to a score: it is written with it, so it waits for one."""
        scored = value > UNSCORED
        self.comment.setEnabled(scored)
        self.comment.setPlaceholderText(
            self.tr("Why this score: which requirement was met or missed") if scored else self.tr("Give a score first, then the reasoning")
        )

    def _remove_problem(self) -> None:
        row = self.problems.currentRow()
        if 0 <= row < len(self._problems):
            self.problem_removed.emit(self._problems[row].record_id)

    def _show_problem_history(self) -> None:
        row = self.problems.currentRow()
        if 0 <= row < len(self._problems):
            self.problem_history.emit(self._problems[row])

    def _offer_steps(self, row: int) -> None:
        chosen = self._problems[row] if 0 <= row < len(self._problems) else None
        offer_steps(self.step_buttons, chosen.status if chosen else None, self.role)

    def _step(self, target: ProblemStatus) -> None:
        row = self.problems.currentRow()
        if 0 <= row < len(self._problems):
            self.problem_step.emit(self._problems[row], target.value)

    def load(self, county: str, item: Indicator, path: str, record: ItemRecord, areas: tuple[str, ...]) -> None:
        self._loading = True
        self.county, self.item = county, item
        self.path.setText(path)
        self.title.setText(self.tr("Item {0}  ({1} points)").format(item.code, canonical(item.points)))
        self.text.setText(item.name)
        for mode, page in self.pages.items():
            page.set_areas(areas)
            page.load(record.findings[mode])
        self.score.setRange(UNSCORED, float(item.points))
        self.score.setValue(float(record.score) if record.score is not None else UNSCORED)
        self.score.settled()
        self._score_set(self.score.value())
        self.points.setText(self.tr("of {0}").format(canonical(item.points)))
        self.comment.setPlainText(record.comment)
        self.show_problems(record.problems)
        self._loading = False

    def set_loading(self, waiting: bool) -> None:
        """Greyed while the window waits for the item's record (a few milliseconds; the
        record then fills the editor); the field that had the focus gets it back."""
        if waiting == self.waiting:
            return
        self.waiting = waiting
        if waiting:
            focus = QApplication.focusWidget()
            self._focus = focus if focus is not None and self.isAncestorOf(focus) else None
            self.setEnabled(False)
        else:
            self.setEnabled(True)
            if self._focus is not None:
                self._focus.setFocus()
                self._focus = None

    def show_problems(self, problems: tuple[Problem, ...]) -> None:
        chosen = self._problems[self.problems.currentRow()].record_id if 0 <= self.problems.currentRow() < len(self._problems) else None
        self._problems = list(problems)
        self.problems.blockSignals(True)
        self.problems.setRowCount(len(problems))
        today = dt.date.today()
        for row, problem in enumerate(problems):
            cells = (
                problem.description, severity_label(problem.severity), problem.deadline.isoformat() if problem.deadline else "",
                problem_status(shown_status(problem.status, problem.deadline, today)),
            )
            for col, value in enumerate(cells):
                cell = QTableWidgetItem(value)
                cell.setToolTip(problem.description)
                self.problems.setItem(row, col, cell)
        # the problem chosen before stays chosen (a step shows on its row at once)
        row = next((r for r, p in enumerate(problems) if p.record_id == chosen), -1)
        self.problems.setCurrentCell(row, 0 if row >= 0 else -1)
        self.problems.blockSignals(False)
        self._offer_steps(row)

    def settled_score(self) -> Decimal | None:
        """The score to write: the field's, unless a refused keystroke cut it short (ScoreField.settle)."""
        self.score.settle()
        return self.score_value()

    def score_value(self) -> Decimal | None:
        value = self.score.value()
        return None if value <= UNSCORED else Decimal(str(value)).quantize(Decimal("0.1")).normalize()

    def findings(self) -> list[Finding]:
        return [page.finding() for page in self.pages.values()]

    def current_mode(self) -> InspectionMode:
        return list(InspectionMode)[self.tabs.currentIndex()]

    def set_mode(self, mode: InspectionMode) -> None:
        self.tabs.setCurrentIndex(list(InspectionMode).index(mode))
        self.pages[mode].text.setFocus()
