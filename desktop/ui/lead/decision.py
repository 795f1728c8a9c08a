"""The lead's decisions: adjudicating an item's score, adjusting a county's total."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.services import decisions
from desktop.services.changes import Changes
from desktop.services.workspace import Workspace
from desktop.ui import cells
from desktop.ui.operations import Operations
from desktop.ui.undo import RecordCommand, Undoable, undoable

_cell = cells.cell
_table = cells.table


class DecisionDialog(QDialog):
    """Adjudicate an item's score for a county, or adjust a county's total; each with a
    reason, signed by the master, shown in the results and every report."""

    def __init__(
        self, parent: QWidget | None, ws: Workspace, county: str | None = None, ops: Operations | None = None, item: str | None = None,
        *, undo: QUndoStack | None = None,
    ) -> None:
        """`county` (a code) chosen; with `item` (a code) too, the adjudication of that item.
        Each decision written (or withdrawn) goes on `undo`, the desk's undo stack."""
        super().__init__(parent)
        self.ws = ws
        self.undo = undo
        self.ops = ops if ops is not None else Operations(self)  # the desk's: its writes, then the desk reads again
        self.setWindowTitle(QCoreApplication.translate("LeadWindow", "Adjudication and adjustment"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.county = QComboBox()
        self.county.setObjectName("decision-county")
        for c in ws.campaign.counties:
            self.county.addItem(c.name, c.code)
        if county:
            self.county.setCurrentIndex(max(0, self.county.findData(county)))
        form.addRow(QCoreApplication.translate("LeadWindow", "County"), self.county)
        self.kind = QComboBox()
        self.kind.setObjectName("decision-kind")
        self.kind.addItem(QCoreApplication.translate("LeadWindow", "Adjudicate an item's score"), "adjudication")
        self.kind.addItem(QCoreApplication.translate("LeadWindow", "Adjust the county's total"), "adjustment")
        form.addRow(QCoreApplication.translate("LeadWindow", "Decision"), self.kind)
        self.item = QComboBox()
        self.item.setObjectName("decision-item")
        for node in ws.campaign.indicator_set.items:
            self.item.addItem(f"{node.code}  {node.name[:30]}", node.code)
        if item:
            self.item.setCurrentIndex(max(0, self.item.findData(item)))
        form.addRow(QCoreApplication.translate("LeadWindow", "Item"), self.item)
        self.value = QLineEdit()
        self.value.setObjectName("decision-value")
        form.addRow(QCoreApplication.translate("LeadWindow", "Score or change"), self.value)
        self.reason = QLineEdit()
        self.reason.setObjectName("decision-reason")
        self.reason.setPlaceholderText(QCoreApplication.translate("LeadWindow", "Why (it is printed with the result)"))
        form.addRow(QCoreApplication.translate("LeadWindow", "Reason"), self.reason)
        layout.addLayout(form)
        self.current = QLabel()
        self.current.setWordWrap(True)
        layout.addWidget(self.current)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save = buttons.addButton(QCoreApplication.translate("LeadWindow", "Save"), QDialogButtonBox.ButtonRole.ApplyRole)
        self.save.setObjectName("decision-save")
        self.clear = buttons.addButton(QCoreApplication.translate("LeadWindow", "Withdraw"), QDialogButtonBox.ButtonRole.ResetRole)
        self.save.clicked.connect(lambda: self._apply(withdraw=False))
        self.clear.clicked.connect(lambda: self._apply(withdraw=True))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for combo in (self.county, self.kind, self.item):
            combo.currentIndexChanged.connect(self._show_current)
        self._show_current()

    def _show_current(self) -> None:
        adjudication = self.kind.currentData() == "adjudication"
        self.item.setEnabled(adjudication)
        county, item = str(self.county.currentData()), str(self.item.currentData())
        asked = (county, item if adjudication else None)

        def show(row: tuple[str, str] | None) -> None:
            now = (str(self.county.currentData()), str(self.item.currentData()) if self.kind.currentData() == "adjudication" else None)
            if now != asked:  # the lead chose another meanwhile: its own answer follows
                return
            if row is None:
                self.current.setText(QCoreApplication.translate("LeadWindow", "No decision recorded yet."))
            else:
                self.current.setText(QCoreApplication.translate("LeadWindow", "Recorded now: {0} — {1}").format(row[0], row[1]))

        self.ops.query(lambda: decisions.recorded(self.ws, *asked), done=show)

    def _apply(self, *, withdraw: bool) -> None:
        county, item = str(self.county.currentData()), str(self.item.currentData())
        value = None if withdraw else self.value.text()
        reason, adjudication = self.reason.text(), self.kind.currentData() == "adjudication"

        ws = self.ws

        def decide() -> Changes:
            if adjudication:
                return decisions.adjudicate(ws, county, item, value, reason)
            return decisions.adjust(ws, county, value, reason)

        entity = "adjudication" if adjudication else "adjustment"
        record = decisions.adjudication_id(ws, county, item) if adjudication else decisions.adjustment_id(ws, county)
        if withdraw:
            text = QCoreApplication.translate("LeadWindow", "withdrawal of a decision")
        else:
            text = QCoreApplication.translate("LeadWindow", "decision for {0}").format(self.county.currentText())

        def done(outcome: Undoable) -> None:
            if self.undo is not None and outcome.wrote:
                self.undo.push(RecordCommand(text, ws, entity, outcome, self.ops.write))
            self._show_current()

        self.ops.write(undoable(ws, decide, record), done=done)  # a refusal: said in the lead's words


