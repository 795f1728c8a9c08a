"""Nothing lost, in the window: a record's history (every version, who wrote it on which
device and when, what it changed field by field, an older value brought back) and the
recycle bin (已删除: what was deleted, restorable). Both read and write through the window's
Operations; a restore is a new version and says what it changed, so the window's views follow."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.services import history
from desktop.services.changes import Changes
from desktop.services.workspace import Workspace
from desktop.ui import cells
from desktop.ui.item_view import shown_value
from desktop.ui.messages import entity_name, field_name
from desktop.ui.operations import Operations
from desktop.ui.screen import fit_to_screen

_WHEN = "%Y-%m-%d %H:%M:%S"


def _value(entity: str, key: str, value: Any) -> str:
    if value is None or value == "":
        return QCoreApplication.translate("History", "(empty)")
    if value is True:
        return QCoreApplication.translate("History", "yes")
    if value is False:
        return QCoreApplication.translate("History", "no")
    return str(shown_value(entity, key, value))


def what_changed(entity: str, view: history.VersionView) -> str:
    """A version's changes in words, a line per field: 字段：旧 → 新."""
    if view.deleted:
        return QCoreApplication.translate("History", "deleted")
    lines = [QCoreApplication.translate("History", "conflict settled by the lead: {0}").format(view.resolution)] if view.resolution else []
    for change in view.changes:
        if change.field == "deleted":
            continue
        lines.append(QCoreApplication.translate("History", "{0}: {1} → {2}").format(
            field_name(change.field), _value(entity, change.field, change.before), _value(entity, change.field, change.after)
        ))
    return "\n".join(lines) or QCoreApplication.translate("History", "(no change of content)")


def _who(inspector: str | None) -> str:
    return inspector or QCoreApplication.translate("History", "team lead")


class HistoryDialog(QDialog):
    """Every version of one record, the oldest first; an older one brought back as a new version."""

    restored = Signal()
    """A version was brought back (the window's views follow its changes)."""

    def __init__(self, parent: QWidget | None, ws: Workspace, ops: Operations, record_id: str, *, entity: str, title: str) -> None:
        super().__init__(parent)
        self.ws, self.ops, self.record_id, self.entity = ws, ops, record_id, entity
        self.setWindowTitle(QCoreApplication.translate("History", "History — {0}").format(title))
        fit_to_screen(self, 860, 480)
        layout = QVBoxLayout(self)
        hint = QLabel(QCoreApplication.translate(
            "History", "Every version of this record is kept. Bringing an older one back writes it again as a new version; nothing is lost."
        ))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = cells.table([
            QCoreApplication.translate("History", "When"), QCoreApplication.translate("History", "Who"),
            QCoreApplication.translate("History", "Device"), QCoreApplication.translate("History", "What changed"),
        ])
        self.table.setObjectName("history-versions")
        self.table.setWordWrap(True)
        self.table.currentCellChanged.connect(lambda *_: self._update())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton(QCoreApplication.translate("History", "Bring this version back…"))
        self.restore_button.setObjectName("history-restore")
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.versions: list[history.VersionView] = []
        self.reading = False
        self.reload()

    def reload(self) -> None:
        ws, record = self.ws, self.record_id
        self.reading = True
        self._update()
        self.ops.query(lambda: history.versions_of(ws, record), done=self._show)

    def _show(self, versions: list[history.VersionView]) -> None:
        self.reading = False
        self.versions = versions
        self.table.setRowCount(len(versions))
        for row, v in enumerate(versions):
            values = (v.written.strftime(_WHEN), _who(v.inspector), v.device_id[:8], what_changed(self.entity, v))
            for col, value in enumerate(values):
                cell = cells.cell(value)
                if v.current:
                    cell.setForeground(QColor("#1a7f37"))
                    cell.setToolTip(QCoreApplication.translate("History", "what the record holds now"))
                self.table.setItem(row, col, cell)
        self.table.resizeRowsToContents()
        if versions:
            self.table.setCurrentCell(len(versions) - 1, 0)
        self._update()

    def _selected(self) -> history.VersionView | None:
        row = self.table.currentRow()
        return self.versions[row] if 0 <= row < len(self.versions) else None

    def _update(self) -> None:
        chosen = self._selected()
        self.restore_button.setEnabled(not self.reading and chosen is not None and not chosen.current)

    def restore_selected(self) -> None:
        chosen = self._selected()
        if chosen is None or chosen.current:
            return
        asked = QMessageBox.question(
            self, self.windowTitle(),
            QCoreApplication.translate(
                "History", "Bring back the version of {0} by {1}? It is written as a new version; the one now is kept in the history."
            ).format(chosen.written.strftime(_WHEN), _who(chosen.inspector)),
        )
        if asked != QMessageBox.StandardButton.Yes:
            return
        ws, record, version = self.ws, self.record_id, chosen.version_id

        def done(_changes: Changes) -> None:
            self.restored.emit()
            self.reload()

        self.reading = True
        self._update()
        self.ops.write(lambda: history.restore(ws, record, version), done=done, failed=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.ops.show_failure(exc)
        self.reload()

    def settled(self) -> bool:
        return not self.reading and not self.ops.busy


class RecycleBin(QDialog):
    """已删除: the records deleted now, the latest first; any of them brought back."""

    def __init__(self, parent: QWidget | None, ws: Workspace, ops: Operations) -> None:
        super().__init__(parent)
        self.ws, self.ops = ws, ops
        self.setWindowTitle(QCoreApplication.translate("History", "Deleted"))
        fit_to_screen(self, 860, 440)
        layout = QVBoxLayout(self)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.table = cells.table([
            QCoreApplication.translate("History", "What"), QCoreApplication.translate("History", "County"),
            QCoreApplication.translate("History", "Item"), QCoreApplication.translate("History", "Content"),
            QCoreApplication.translate("History", "Deleted by"), QCoreApplication.translate("History", "Deleted at"),
        ])
        self.table.setObjectName("recycle-bin")
        self.table.currentCellChanged.connect(lambda *_: self._update())
        self.table.cellDoubleClicked.connect(lambda *_: self.show_history())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = QPushButton(QCoreApplication.translate("History", "Restore"))
        self.restore_button.setObjectName("recycle-restore")
        self.restore_button.clicked.connect(self.restore_selected)
        self.history_button = QPushButton(QCoreApplication.translate("History", "History…"))
        self.history_button.clicked.connect(self.show_history)
        for button in (self.restore_button, self.history_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.items: list[history.Deleted] = []
        self.reading = False
        self.reload()

    def reload(self) -> None:
        ws = self.ws
        self.reading = True
        self._update()
        self.ops.query(lambda: history.deleted(ws), done=self._show)

    def _show(self, items: list[history.Deleted]) -> None:
        self.reading = False
        self.items = items
        names = {c.code: c.name for c in self.ws.campaign.counties}
        self.hint.setText(
            QCoreApplication.translate("History", "{0} deleted records. Restoring one writes it again as it last was.").format(len(items))
            if items else QCoreApplication.translate("History", "Nothing has been deleted.")
        )
        self.table.setRowCount(len(items))
        for row, d in enumerate(items):
            values = (entity_name(d.entity), names.get(d.county or "", d.county or QCoreApplication.translate("History", "(inbox)")),
                      d.item or "", d.label, _who(d.deleted_by), d.deleted_at.strftime(_WHEN))
            for col, value in enumerate(values):
                self.table.setItem(row, col, cells.cell(value))
        if items:
            self.table.setCurrentCell(0, 0)
        self._update()

    def _selected(self) -> history.Deleted | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _update(self) -> None:
        chosen = self._selected() is not None and not self.reading
        self.restore_button.setEnabled(chosen)
        self.history_button.setEnabled(chosen)

    def restore_selected(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        ws, record = self.ws, chosen.record_id
        self.reading = True
        self._update()
        self.ops.write(lambda: history.restore_deleted(ws, record), done=lambda _c: self.reload(), failed=self._failed)

    def show_history(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        dialog = HistoryDialog(
            self, self.ws, self.ops, chosen.record_id, entity=chosen.entity, title=chosen.label or entity_name(chosen.entity)
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restored.connect(self.reload)
        dialog.open()

    def _failed(self, exc: BaseException) -> None:
        self.ops.show_failure(exc)
        self.reload()

    def settled(self) -> bool:
        return not self.reading and not self.ops.busy


__all__ = ["HistoryDialog", "RecycleBin", "what_changed"]
