"""The desk's conflicts: the records two laptops changed apart, the competing versions side
by side — each named by its inspector, device and local time — and, for the one the lead
chose, a button per version to keep it: asked first, with a reason the resolution keeps."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.errors import KnownDatabaseError
from desktop import paths
from desktop.core.errors import InputError
from desktop.core.inspection import InspectionMode
from desktop.services import sync
from desktop.services.changes import Changes
from desktop.services.workspace import Workspace
from desktop.ui import cells
from desktop.ui.item_view import mode_label, shown_value
from desktop.ui.messages import entity_name, explain, field_name
from desktop.ui.operations import Operations

_cell = cells.cell
_WHEN = "%m-%d %H:%M"


def version_name(v: sync.CompetingVersion) -> str:
    """A competing version as the lead tells it apart: whose, on which laptop, when (local)."""
    who = v.inspector or QCoreApplication.translate("LeadWindow", "(master)")
    return f"{who} · {v.device_id[:8]} · {v.written.strftime(_WHEN)}"


def _mode(conflict: sync.Conflict) -> str:
    modes = {str(v.payload.get("mode")) for v in conflict.versions if v.payload.get("mode")}
    return "、".join(mode_label(InspectionMode(m)) for m in sorted(modes) if m in {x.value for x in InspectionMode})


def _inspectors(conflict: sync.Conflict) -> str:
    owners = {str(v.payload.get("inspector")) for v in conflict.versions if v.payload.get("inspector")}
    writers = {v.inspector or QCoreApplication.translate("LeadWindow", "(master)") for v in conflict.versions}
    return "、".join(sorted(owners or writers))


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
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("conflicts-split")  # kept as the lead left it (preferences; LeadWindow.kept_splitters)
        self.list = cells.table(
            [
                QCoreApplication.translate("LeadWindow", "Conflict"),
                QCoreApplication.translate("LeadWindow", "Kind"),
                QCoreApplication.translate("LeadWindow", "County"),
                QCoreApplication.translate("LeadWindow", "Item"),
                QCoreApplication.translate("LeadWindow", "Mode"),
                QCoreApplication.translate("LeadWindow", "Inspector"),
                QCoreApplication.translate("LeadWindow", "Record"),
                QCoreApplication.translate("LeadWindow", "Fields in question"),
            ]
        )
        self.list.setObjectName("conflicts")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.currentCellChanged.connect(lambda row, *_: self._show_conflict(row))
        splitter.addWidget(self.list)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        self.chosen = QLabel()
        self.chosen.setObjectName("conflict-chosen")
        self.chosen.setStyleSheet("font-weight: bold;")
        detail_layout.addWidget(self.chosen)
        self.versions = cells.Table(0, 0)
        self.versions.setObjectName("versions")
        self.versions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        detail_layout.addWidget(self.versions)
        self.keep_buttons = QHBoxLayout()
        detail_layout.addLayout(self.keep_buttons)
        splitter.addWidget(detail)
        layout.addWidget(splitter, 1)
        self.conflicts: list[sync.Conflict] = []
        self.shown: sync.Conflict | None = None  # the conflict whose versions are shown: always the row chosen

    def show_conflicts(self, conflicts: list[sync.Conflict]) -> None:
        """The open conflicts; the one chosen stays chosen while it is open. Another is never
        chosen for the lead: after a resolve the detail is empty until the lead picks one."""
        before = self.shown.id if self.shown is not None else None
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
        self.list.blockSignals(True)
        with cells.refilling(self.list, len(conflicts)):
            for row, c in enumerate(conflicts):
                hard_kind = QCoreApplication.translate("LeadWindow", "hard")
                kind = hard_kind if c.kind == "hard" else QCoreApplication.translate("LeadWindow", "soft")
                fields = "、".join(field_name(f) for f in c.fields)
                values = (c.id, kind, names.get(c.county, c.county), c.item, _mode(c), _inspectors(c), entity_name(c.entity), fields)
                for col, value in enumerate(values):
                    cell = _cell(value)
                    if c.kind == "hard":
                        cell.setForeground(QColor("#c62828"))
                    self.list.setItem(row, col, cell)
        ids = [c.id for c in conflicts]
        row = ids.index(before) if before in ids else -1
        if row >= 0:
            self.list.setCurrentCell(row, 0)
        else:
            self.list.clearSelection()
            self.list.setCurrentCell(-1, -1)
        self.list.blockSignals(False)
        self._show_conflict(row)

    def _show_conflict(self, row: int) -> None:
        while self.keep_buttons.count():
            item = self.keep_buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if not 0 <= row < len(self.conflicts):
            self.shown = None
            self.chosen.setText(
                QCoreApplication.translate("LeadWindow", "Choose a conflict above to see its versions.") if self.conflicts else ""
            )
            self.versions.setRowCount(0)
            self.versions.setColumnCount(0)
            return
        conflict = self.shown = self.conflicts[row]
        names = {c.code: c.name for c in self.ws.campaign.counties}
        self.chosen.setText(
            QCoreApplication.translate("LeadWindow", "{0} {1}, {2}: {3} versions").format(
                names.get(conflict.county, conflict.county), conflict.item, entity_name(conflict.entity), len(conflict.versions)
            )
        )
        keys = sorted({k for v in conflict.versions for k in v.payload} | {"deleted"})
        self.versions.setColumnCount(len(conflict.versions))
        self.versions.setRowCount(len(keys))
        self.versions.setVerticalHeaderLabels([field_name(k) for k in keys])
        self.versions.setHorizontalHeaderLabels([version_name(v) for v in conflict.versions])
        for col, v in enumerate(conflict.versions):
            for r, key in enumerate(keys):
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
            keep = QPushButton(QCoreApplication.translate("LeadWindow", "Keep {0}'s…").format(version_name(v)))
            keep.setObjectName(f"keep-{v.version_id}")
            keep.clicked.connect(lambda _c=False, c=conflict, vid=v.version_id: self.ask_keep(c, vid))
            self.keep_buttons.addWidget(keep)
        self.versions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def ask_keep(self, conflict: sync.Conflict, version_id: str) -> None:
        """Keeping a version settles the conflict for every laptop: the lead says why first."""
        version = next(v for v in conflict.versions if v.version_id == version_id)
        county = next((c.name for c in self.ws.campaign.counties if c.code == conflict.county), conflict.county)
        reason, ok = QInputDialog.getMultiLineText(
            self,
            QCoreApplication.translate("LeadWindow", "Keep this version"),
            QCoreApplication.translate(
                "LeadWindow", "Keep the version of {0} for {1} {2}? The other versions stay in the record's history.\n\nWhy this one:"
            ).format(version_name(version), county, conflict.item),
        )
        if not ok:
            return
        if not reason.strip():
            QMessageBox.warning(self, QCoreApplication.translate("LeadWindow", "Conflicts"),
                                QCoreApplication.translate("LeadWindow", "A resolution needs a reason."))
            return
        self.keep(conflict, version_id, reason.strip())

    def keep(self, conflict: sync.Conflict, version_id: str, reason: str) -> None:
        ws = self.ws

        def refused(exc: BaseException) -> None:
            if not isinstance(exc, InputError | KnownDatabaseError):
                paths.log_error(exc)
            QMessageBox.critical(self, QCoreApplication.translate("LeadWindow", "Conflicts"), explain(exc))
            self.stale.emit()

        def resolve() -> Changes:
            sync.resolve(ws, conflict.id, version_id, reason=reason)
            return sync.resolution_changes(conflict)

        self.shown = None  # resolved: no other conflict takes its place in the detail
        self.ops.write(resolve, failed=refused)
