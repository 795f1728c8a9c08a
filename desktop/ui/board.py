"""The rectification board of the lead's desk: every problem found, filtered by status and
county, overdue ones in red, the steps the selected problem may take, and its history.

The steps offered are the state machine's (desktop.core.problems.allowed_steps): a step it
refuses is a disabled button whose tooltip says why. Marking a problem rectified asks for
the rectification's evidence or a written account; reopening asks a reason (desktop.ui.steps,
which the inspector's window uses too).
After a step the board shows the problem as the service returned it, at once, on the row
that stays selected (the desk's refresh, which `changed` asks for, keeps the selection too).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractButton, QComboBox, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from desktop.core import problems
from desktop.core.errors import InputError
from desktop.core.problems import ProblemStatus
from desktop.services import rectification
from desktop.services.workspace import Workspace
from desktop.ui import cells
from desktop.ui.item_view import severity_label
from desktop.ui.messages import problem_status, step_refusal
from desktop.ui.operations import Operations
from desktop.ui.steps import ask_step, offer_steps, refused_step, step_button_text, step_label

RECORD = Qt.ItemDataRole.UserRole + 1  # a row's problem id, on every cell
_LATE = QColor("#c62828")  # an overdue problem's row


@dataclass(frozen=True)
class BoardRows:
    """The board's table made from the problems (RectificationBoard.prepare), off the GUI thread."""

    state: tuple[object, object, cells.Order | None]  # the filters and the order it was made for
    shown: list[rectification.Entry]  # the problems the filters let through
    rows: cells.Built  # their rows, sorted by the order
    overdue: int  # of every problem, those overdue


class RectificationBoard(QWidget):
    overdue_changed = Signal(int)  # how many problems of the whole board are overdue

    def __init__(self, ws: Workspace, parent: QWidget | None = None, ops: Operations | None = None) -> None:
        # Long on purpose: it builds the board's widgets in the order they are laid out.
        super().__init__(parent)
        self.ws = ws
        self.ops = ops if ops is not None else Operations(self)  # the desk's, or the board's own
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel(QCoreApplication.translate("LeadWindow", "Show")))
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("problem-filter")
        self.status_filter.addItem(QCoreApplication.translate("LeadWindow", "All problems"), "")
        for key in rectification.STATUSES:
            self.status_filter.addItem(problem_status(key), key)
        self.status_filter.currentIndexChanged.connect(lambda _i: self._show())
        row.addWidget(self.status_filter)
        self.county_filter = QComboBox()
        self.county_filter.setObjectName("problem-county")
        self.county_filter.addItem(QCoreApplication.translate("LeadWindow", "All counties"), "")
        for c in ws.campaign.counties:
            self.county_filter.addItem(c.name, c.code)
        self.county_filter.currentIndexChanged.connect(lambda _i: self._show())
        row.addWidget(self.county_filter)
        row.addStretch(1)
        self.step_buttons: dict[ProblemStatus, QAbstractButton] = {}
        for key in (ProblemStatus.RECTIFIED, ProblemStatus.VERIFIED, ProblemStatus.OPEN):
            button = QPushButton(step_button_text(key))
            button.setObjectName(f"mark-{key}")
            button.clicked.connect(lambda _c=False, k=key: self.mark(k))
            row.addWidget(button)
            self.step_buttons[key] = button
        layout.addLayout(row)
        # hundreds of problems in a province: a model, drawn as it is seen (cells.RecordTable)
        self.problems = cells.RecordTable(
            turns=self.ops.in_turns,
            headers=[
                QCoreApplication.translate("LeadWindow", "County"),
                QCoreApplication.translate("LeadWindow", "Item"),
                QCoreApplication.translate("LeadWindow", "Inspector"),
                QCoreApplication.translate("LeadWindow", "Problem"),
                QCoreApplication.translate("LeadWindow", "Severity"),
                QCoreApplication.translate("LeadWindow", "Rectify by"),
                QCoreApplication.translate("LeadWindow", "Status"),
                QCoreApplication.translate("LeadWindow", "Rectification evidence"),
            ],
            stretch=3,  # the problem's words take the room, not the evidence column (mostly empty until rectified)
        )
        self.problems.setObjectName("problems")
        self.problems.setSortingEnabled(True)
        self.problems.sortItems(0, Qt.SortOrder.AscendingOrder)  # by county, as the campaign lists them
        self.problems.currentCellChanged.connect(self._on_problems_current)
        layout.addWidget(self.problems, 3)
        self.history_title = QLabel(QCoreApplication.translate("LeadWindow", "History of the selected problem"))
        layout.addWidget(self.history_title)
        self.history = cells.table(
            [
                QCoreApplication.translate("LeadWindow", "When"),
                QCoreApplication.translate("LeadWindow", "Step"),
                QCoreApplication.translate("LeadWindow", "By"),
                QCoreApplication.translate("LeadWindow", "On what"),
            ]
        )
        self.history.setObjectName("problem-history")
        layout.addWidget(self.history, 1)
        self._shown: list[rectification.Entry] = []  # what the table shows (the board, filtered)
        self._all: list[rectification.Entry] = []  # the board as last read
        offer_steps(self.step_buttons, None, ws.identity.role)

    def show_entries(self, entries: list[rectification.Entry], prepared: BoardRows | None = None) -> None:
        """The board as read by the desk's refresh; filtering it reads nothing again. Its rows
        made already off the GUI thread (prepare, with the filters and order still shown) are
        taken as they are."""
        self._all = list(entries)
        self._show(prepared)

    def view_state(self) -> tuple[object, object, cells.Order | None]:
        """What the rows depend on besides the problems: the two filters and the table's order
        (read on the GUI thread for prepare)."""
        return self.status_filter.currentData(), self.county_filter.currentData(), self.problems.order

    def selected(self) -> rectification.Entry | None:
        """The problem of the current row, as last read."""
        row = self.problems.currentRow()
        cell = self.problems.item(row, 0) if row >= 0 else None
        if cell is None:
            return None
        record_id = cell.data(RECORD)
        return next((e for e in self._all if e.record_id == record_id), None)

    def prepare(self, entries: list[rectification.Entry], state: tuple[object, object, cells.Order | None]) -> BoardRows:
        """The table for these problems, filtered and sorted as `state` says (view_state), made
        wherever the problems were read (a province has hundreds)."""
        status, county, order = state
        names = {c.code: c.name for c in self.ws.campaign.counties}
        today = dt.date.today()
        shown = [p for p in entries if (not status or p.status == status) and (not county or p.county == county)]
        places = {c.code: i for i, c in enumerate(self.ws.campaign.counties)}
        positions = {n.code: i for i, n in enumerate(self.ws.campaign.indicator_set.nodes)}
        rows = cells.build(self.problems.headers, self._rows(shown, names, places, positions, today), order)
        return BoardRows(state, shown, rows, sum(p.overdue(today) for p in entries))  # every problem counts, whatever is shown

    def _show(self, prepared: BoardRows | None = None) -> None:
        chosen = self.selected()
        state = self.view_state()
        if prepared is None or prepared.state != state:  # the lead filtered or sorted since: made again here
            prepared = self.prepare(self._all, state)
        self._shown = prepared.shown
        self.overdue_changed.emit(prepared.overdue)
        self.problems.set_rows(prepared.rows, then=lambda: self._choose_again(chosen))

    def _choose_again(self, chosen: rectification.Entry | None) -> None:
        """The problem chosen before stays chosen, wherever sorting put its row."""
        table = self.problems
        table.blockSignals(True)  # one update of the buttons, for the row chosen at the end
        row = next((r for r in range(table.rowCount()) if chosen and table.item(r, 0).data(RECORD) == chosen.record_id), -1)
        if row >= 0:
            table.setCurrentCell(row, 0)
        else:
            table.setCurrentCell(-1, -1)
            table.clearSelection()
        table.blockSignals(False)
        self._on_problems_current(table.currentRow())

    @staticmethod
    def _rows(
        shown: list[rectification.Entry], names: dict[str, str], order: dict[str, int], positions: dict[str, int], today: dt.date,
    ) -> list[list[cells.Cell]]:
        rows = []
        for p in shown:
            values = (
                names.get(p.county, p.county),
                p.item,
                p.inspector,
                p.description,
                severity_label(p.severity),
                p.deadline.isoformat() if p.deadline else "",
                problem_status(p.shown_status(today)),  # 逾期未整改 past its deadline, as the PDFs print it
                _rectification(p),
            )
            # counties sort in the campaign's order, items in the indicator set's (1.2 before 1.10)
            keys = {0: order.get(p.county, len(order)), 1: positions.get(p.item, len(positions))}
            late = QCoreApplication.translate("LeadWindow", "Overdue since {0}").format(p.deadline) if p.overdue(today) else None
            row = []
            for c, value in enumerate(values):
                cell = cells.Cell(value, sort_key=keys.get(c))
                cell.setData(RECORD, p.record_id)
                if late is not None:
                    cell.setForeground(_LATE)
                    cell.setToolTip(late)
                row.append(cell)
            rows.append(row)
        return rows

    @Slot(int)
    def _on_problems_current(self, row: int, *_rest: int) -> None:
        entry = self.selected() if row >= 0 else None
        offer_steps(self.step_buttons, entry.status if entry else None, self.ws.identity.role)
        steps = entry.steps if entry else ()
        self.history.setRowCount(len(steps))
        for r, s in enumerate(steps):
            for c, value in enumerate((s.at.strftime("%Y-%m-%d %H:%M"), step_label(s.kind), s.by, _on_what(s))):
                self.history.setItem(r, c, cells.cell(value))

    def choose(self, record_id: str) -> bool:
        """Show and choose a problem (a search hit): every status and county listed if it is hidden."""
        if not any(e.record_id == record_id for e in self._shown):
            self.status_filter.setCurrentIndex(0)
            self.county_filter.setCurrentIndex(0)
        for row in range(self.problems.rowCount()):
            cell = self.problems.item(row, 0)
            if cell is not None and cell.data(RECORD) == record_id:
                self.problems.setCurrentCell(row, 0)
                self.problems.scrollTo(self.problems.currentIndex())
                return True
        return False

    def mark(self, status: str) -> None:
        """Move the selected problem to `status`, asking what the step needs."""
        entry = self.selected()
        if entry is None:
            return
        target = ProblemStatus(status)
        why = problems.allowed_steps(entry.status, self.ws.identity.role)[target]
        title = QCoreApplication.translate("LeadWindow", "Rectification")
        if why is not None:
            QMessageBox.information(self, title, step_refusal(why))
            return
        given = ask_step(self, target, entry.description)
        if given is None:
            return

        def refused(exc: BaseException) -> None:
            if isinstance(exc, InputError):
                QMessageBox.warning(self, title, refused_step(exc))
            else:
                self.ops.show_failure(exc)

        def stepped(now: rectification.Entry) -> None:
            # shown at once, on the row that stays chosen; the window's views follow its changes
            self._all = [now if e.record_id == now.record_id else e for e in self._all]
            self._show()

        record_id = entry.record_id
        self.ops.write(
            lambda: rectification.set_status(self.ws, record_id, target, evidence=given.files, account=given.account, reason=given.reason),
            done=stepped, failed=refused,
        )


def _rectification(entry: rectification.Entry) -> str:
    """What a problem's rectification stands on, in a word or two."""
    parts = []
    if entry.evidence_count:
        parts.append(QCoreApplication.translate("LeadWindow", "{0} files").format(entry.evidence_count))
    if entry.account:
        parts.append(QCoreApplication.translate("LeadWindow", "written account"))
    if entry.reason:
        parts.append(QCoreApplication.translate("LeadWindow", "reopened: {0}").format(entry.reason))
    return ", ".join(parts)


def _on_what(step: rectification.Step) -> str:
    parts = list(step.evidence)
    if step.account:
        parts.append(step.account)
    if step.reason:
        parts.append(step.reason)
    return "; ".join(parts)

