"""The desk's conflicts: the records two laptops changed apart, the competing versions side
by side, and a button to keep one of them (on the desk's writer)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import KnownDatabaseError
from desktop import paths
from desktop.core.errors import InputError
from desktop.services import sync
from desktop.services.changes import Changes
from desktop.services.workspace import Workspace
from desktop.ui import cells
from desktop.ui.lead.merge_dialog import shown_value
from desktop.ui.messages import entity_name, explain, field_name
from desktop.ui.operations import Operations

_cell = cells.cell


class ConflictsTab(QWidget):
    counted = Signal(int)
    """How many conflicts are open (the tab's title says it)."""
    stale = Signal()
    """A resolve was refused: the list is read again as it is now."""

    def __init__(self, ws: Workspace, ops: Operations) -> None:
        super().__init__()
        self.ws, self.ops = ws, ops
        layout = QVBoxLayout(self)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("conflicts-split")  # kept as the lead left it (preferences)
        self.list = cells.table(
            [
                QCoreApplication.translate("LeadWindow", "Conflict"),
                QCoreApplication.translate("LeadWindow", "Kind"),
                QCoreApplication.translate("LeadWindow", "County"),
                QCoreApplication.translate("LeadWindow", "Item"),
                QCoreApplication.translate("LeadWindow", "Record"),
                QCoreApplication.translate("LeadWindow", "Fields in question"),
            ]
        )
        self.list.setObjectName("conflicts")
        self.list.currentCellChanged.connect(lambda row, *_: self._show_conflict(row))
        splitter.addWidget(self.list)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        self.versions = QTableWidget()
        self.versions.setObjectName("versions")
        self.versions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        detail_layout.addWidget(self.versions)
        self.keep_buttons = QHBoxLayout()
        detail_layout.addLayout(self.keep_buttons)
        splitter.addWidget(detail)
        layout.addWidget(splitter, 1)
        self.conflicts: list[sync.Conflict] = []

    def show_conflicts(self, conflicts: list[sync.Conflict]) -> None:
        self.conflicts = conflicts
        names = {c.code: c.name for c in self.ws.campaign.counties}
        hard = sum(c.kind == "hard" for c in conflicts)
        self.hint.setText(
            QCoreApplication.translate(
                "LeadWindow",
                "{0} open conflicts, {1} of them hard. Hard: the same field was changed two ways, the later one is shown "
                "until you keep one. Soft: different fields, merged; listed so you can check.",
            ).format(len(conflicts), hard)
        )
        self.counted.emit(len(conflicts))
        self.list.setRowCount(len(conflicts))
        for row, c in enumerate(conflicts):
            kind = (
                QCoreApplication.translate("LeadWindow", "hard") if c.kind == "hard" else QCoreApplication.translate("LeadWindow", "soft")
            )
            fields = "、".join(field_name(f) for f in c.fields)
            for col, value in enumerate((c.id, kind, names.get(c.county, c.county), c.item, entity_name(c.entity), fields)):
                cell = _cell(value)
                if c.kind == "hard":
                    cell.setForeground(QColor("#c62828"))
                self.list.setItem(row, col, cell)
        self._show_conflict(self.list.currentRow())

    def _show_conflict(self, row: int) -> None:
        while self.keep_buttons.count():
            item = self.keep_buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if not 0 <= row < len(self.conflicts):
            self.versions.setRowCount(0)
            self.versions.setColumnCount(0)
            return
        conflict = self.conflicts[row]
        names = {c.code: c.name for c in self.ws.campaign.counties}
        keys = sorted({k for v in conflict.versions for k in v.payload} | {"deleted"})
        self.versions.setColumnCount(len(conflict.versions))
        self.versions.setRowCount(len(keys) + 2)
        self.versions.setVerticalHeaderLabels(
            [
                QCoreApplication.translate("LeadWindow", "who"),
                QCoreApplication.translate("LeadWindow", "when"),
                *[field_name(k) for k in keys],
            ]
        )
        self.versions.setHorizontalHeaderLabels([v.version_id[:12] for v in conflict.versions])
        for col, v in enumerate(conflict.versions):
            master = QCoreApplication.translate("LeadWindow", "(master)")
            who = f"{v.inspector or master} · {v.device_id[:8]}"
            self.versions.setItem(0, col, _cell(who))
            self.versions.setItem(1, col, _cell(v.written.strftime("%Y-%m-%d %H:%M:%S UTC")))
            for r, key in enumerate(keys, start=2):
                value = v.deleted if key == "deleted" else v.payload.get(key, "")
                if key == "county":
                    value = names.get(str(value), value)
                else:
                    value = shown_value(conflict.entity, key, value)
                cell = _cell(
                    QCoreApplication.translate("LeadWindow", "yes")
                    if value is True
                    else (QCoreApplication.translate("LeadWindow", "no") if value is False else value)
                )
                if key in conflict.fields or (key == "deleted" and "deleted" in conflict.fields):
                    cell.setBackground(QColor("#fff3cd"))
                self.versions.setItem(r, col, cell)
            keep = QPushButton(QCoreApplication.translate("LeadWindow", "Keep {0}").format(v.version_id[:8]))
            keep.setObjectName(f"keep-{v.version_id}")
            keep.clicked.connect(lambda _c=False, c=conflict, vid=v.version_id: self.keep(c, vid))
            self.keep_buttons.addWidget(keep)
        self.versions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def keep(self, conflict: sync.Conflict, version_id: str) -> None:
        ws = self.ws

        def resolve() -> Changes:
            sync.resolve(ws, conflict.id, version_id)
            return Changes(frozenset({conflict.entity}), conflicts=True)

        def refused(exc: BaseException) -> None:
            if not isinstance(exc, InputError | KnownDatabaseError):
                paths.log_error(exc)
            QMessageBox.critical(self, QCoreApplication.translate("LeadWindow", "Conflicts"), explain(exc))
            self.stale.emit()

        self.ops.write(resolve, failed=refused)
