"""The rectification board of the lead's desk: every problem found, filtered by status and
county, overdue ones in red, and the steps a problem may take from its row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from db.errors import KnownDatabaseError
from desktop.core.errors import InputError
from desktop.services import rectification
from desktop.services.workspace import Workspace
from desktop.ui import cells
from desktop.ui.item_view import severity_label
from desktop.ui.messages import explain, problem_status


class RectificationBoard(QWidget):
    overdue_changed = Signal(int)  # how many problems of the whole board are overdue
    changed = Signal()  # a problem took a step: what shows it must be read again

    def __init__(self, ws: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
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
        for key in rectification.STATUSES:
            button = QPushButton(QCoreApplication.translate("LeadWindow", "Mark {0}").format(problem_status(key)))
            button.setObjectName(f"mark-{key}")
            button.clicked.connect(lambda _c=False, k=key: self.mark(k))
            row.addWidget(button)
        layout.addLayout(row)
        self.problems = cells.table(
            [
                QCoreApplication.translate("LeadWindow", "County"),
                QCoreApplication.translate("LeadWindow", "Item"),
                QCoreApplication.translate("LeadWindow", "Inspector"),
                QCoreApplication.translate("LeadWindow", "Problem"),
                QCoreApplication.translate("LeadWindow", "Severity"),
                QCoreApplication.translate("LeadWindow", "Rectify by"),
                QCoreApplication.translate("LeadWindow", "Status"),
            ]
        )
        self.problems.setObjectName("problems")
        self.problems.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # by county, as the campaign lists them
        self.problems.setSortingEnabled(True)
        layout.addWidget(self.problems, 1)
        self._shown: list[rectification.Entry] = []  # what the table shows (the board, filtered)
        self._all: list[rectification.Entry] = []  # the board as last read

    def show_entries(self, entries: list[rectification.Entry]) -> None:
        """The board as read by the desk's refresh; filtering it reads nothing again."""
        self._all = list(entries)
        self._show()

    def _show(self) -> None:
        names = {c.code: c.name for c in self.ws.campaign.counties}
        today = dt.date.today()
        status, county = self.status_filter.currentData(), self.county_filter.currentData()
        self._shown = [p for p in self._all if (not status or p.status == status) and (not county or p.county == county)]
        self.overdue_changed.emit(sum(p.overdue(today) for p in self._all))  # every problem counts, whatever is shown
        order = {c.code: i for i, c in enumerate(self.ws.campaign.counties)}
        positions = {n.code: i for i, n in enumerate(self.ws.campaign.indicator_set.nodes)}
        self.problems.setSortingEnabled(False)
        self.problems.setRowCount(len(self._shown))
        for r, p in enumerate(self._shown):
            values = (
                names.get(p.county, p.county),
                p.item,
                p.inspector,
                p.description,
                severity_label(p.severity),
                p.deadline.isoformat() if p.deadline else "",
                problem_status(p.status),
            )
            # counties sort in the campaign's order, items in the indicator set's (1.2 before 1.10)
            keys = {0: order.get(p.county, len(order)), 1: positions.get(p.item, len(positions))}
            for c, value in enumerate(values):
                cell = cells.cell(value, sort_key=keys.get(c))
                cell.setData(Qt.ItemDataRole.UserRole + 1, p.record_id)
                if p.overdue(today):
                    cell.setForeground(QColor("#c62828"))
                    cell.setToolTip(QCoreApplication.translate("LeadWindow", "Overdue since {0}").format(p.deadline))
                self.problems.setItem(r, c, cell)
        self.problems.setSortingEnabled(True)

    def mark(self, status: str) -> None:
        row = self.problems.currentRow()
        cell = self.problems.item(row, 0) if row >= 0 else None
        if cell is None:
            return
        record_id = cell.data(Qt.ItemDataRole.UserRole + 1)
        evidence = None
        if status == "rectified":
            name, _ = QFileDialog.getOpenFileName(
                self, QCoreApplication.translate("LeadWindow", "Evidence of the rectification"), str(Path.home())
            )
            if not name:
                return
            evidence = Path(name)
        try:
            rectification.set_status(self.ws, record_id, status, evidence=evidence)
        except (InputError, KnownDatabaseError) as exc:
            QMessageBox.warning(self, QCoreApplication.translate("LeadWindow", "Rectification"), explain(exc))
        self.changed.emit()
