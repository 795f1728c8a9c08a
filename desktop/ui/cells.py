"""Read-only table cells that sort by number where they hold one, and the plain tables of
the desk and its dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem


class SortItem(QTableWidgetItem):
    """A cell that sorts by its number when it has one (ranks, scores), else by its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole), other.data(Qt.ItemDataRole.UserRole)
        if mine is not None and theirs is not None:
            return bool(mine < theirs)
        return self.text() < other.text()  # (not super(): PySide would call this method again)


def cell(value: object, *, right: bool = False, sort_key: object = None) -> QTableWidgetItem:
    item = SortItem("" if value is None else str(value))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if sort_key is None and isinstance(value, int | float):
        sort_key = value
    if sort_key is None and right and isinstance(value, str):
        try:
            sort_key = float(value)
        except ValueError:
            sort_key = None
    if sort_key is not None:
        item.setData(Qt.ItemDataRole.UserRole, sort_key)
    return item


def table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table
