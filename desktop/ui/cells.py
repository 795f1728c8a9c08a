"""Read-only table cells that sort by number where they hold one, and the plain tables of
the desk and its dialogs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget, QTableWidgetItem, QWidget


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


@contextmanager
def refilling(table: QTableWidget, rows: int) -> Iterator[None]:
    """Fill a table again with `rows` rows. It is emptied first and nothing is measured, sorted
    or drawn while its cells are set; its columns fit their contents once, at the end. (Set
    into a shown table whose columns fit their contents, every cell had every column measured
    again: quadratic — a refresh of 582 problems froze the desk for 161 s.)"""
    header = table.horizontalHeader()
    modes = [header.sectionResizeMode(c) for c in range(header.count())]
    sorting = table.isSortingEnabled()
    table.setSortingEnabled(False)
    table.setUpdatesEnabled(False)
    for column, mode in enumerate(modes):
        if mode == QHeaderView.ResizeMode.ResizeToContents:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
    table.setRowCount(0)
    table.setRowCount(rows)
    try:
        yield
    finally:
        for column, mode in enumerate(modes[: header.count()]):
            header.setSectionResizeMode(column, mode)
        if header.count() > len(modes) and modes:  # columns added meanwhile: as the table's others
            for column in range(len(modes), header.count()):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        table.setSortingEnabled(sorting)
        table.setUpdatesEnabled(True)


# --- large tables: a model, not an item per cell ------------------------------------------------


class Cell:
    """One cell of a RecordTable: what a QTableWidgetItem holds, without being a Qt object
    (thousands are made per refresh; each QTableWidgetItem set into a shown table costs)."""

    __slots__ = ("_data",)

    def __init__(self, value: object = "", *, right: bool = False, sort_key: object = None) -> None:
        text = "" if value is None else str(value)
        self._data: dict[int, object] = {Qt.ItemDataRole.DisplayRole: text}
        if right:
            self._data[Qt.ItemDataRole.TextAlignmentRole] = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if sort_key is None and isinstance(value, int | float):
            sort_key = value
        if sort_key is None and right and isinstance(value, str):
            try:
                sort_key = float(value)
            except ValueError:
                sort_key = None
        if sort_key is not None:
            self._data[Qt.ItemDataRole.UserRole] = sort_key

    def text(self) -> str:
        return str(self._data[Qt.ItemDataRole.DisplayRole])

    def data(self, role: int) -> object:
        value = self._data.get(int(role))
        if callable(value) and role == Qt.ItemDataRole.ToolTipRole:  # said when first asked, then kept
            value = self._data[int(role)] = value()
        return value

    def setData(self, role: int, value: object) -> None:
        self._data[int(role)] = value

    def setForeground(self, colour: object) -> None:
        self._data[Qt.ItemDataRole.ForegroundRole] = colour

    def foreground(self) -> QBrush:
        """As QTableWidgetItem's: a brush (of the default colour when none was set)."""
        colour = self._data.get(Qt.ItemDataRole.ForegroundRole)
        return QBrush(colour) if isinstance(colour, QColor) else QBrush()

    def setBackground(self, colour: object) -> None:
        self._data[Qt.ItemDataRole.BackgroundRole] = colour

    def setToolTip(self, tip: str | Callable[[], str]) -> None:
        """A tooltip, or a function that says it when the mouse first rests on the cell: a
        table of thousands of rows then works out none of them while it is filled."""
        self._data[Qt.ItemDataRole.ToolTipRole] = tip

    def toolTip(self) -> str:
        return str(self.data(Qt.ItemDataRole.ToolTipRole) or "")

    def setFont(self, font: object) -> None:
        self._data[Qt.ItemDataRole.FontRole] = font


FIT_SAMPLE = 60  # rows measured to fit a RecordTable's columns
MAX_FIT = 320  # no column wider than this on its own (a long text is elided; whole in its tooltip)


def _sort_key(cell: Cell) -> tuple[int, object]:
    """A cell's place in its column: numbers (and number tuples) before texts."""
    key = cell.data(Qt.ItemDataRole.UserRole)
    if key is None:
        return (1, cell.text())
    return (0, key)


class _RowsModel(QAbstractTableModel):
    """Rows of Cells, sorted in Python (one key per row: sorting thousands of rows through
    a proxy asked Python for a value tens of thousands of times)."""

    def __init__(self, headers: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[list[Cell]] = []
        self.order: tuple[int, Qt.SortOrder] | None = None  # the column and order sorted by

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row, column = index.row(), index.column()
        if not index.isValid() or row >= len(self.rows) or column >= len(self.rows[row]):
            return None
        return self.rows[row][column].data(role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.order = (column, order)
        before = self.rows
        self.rows = self._sorted(before)
        moved = {id(r): n for n, r in enumerate(self.rows)}  # the row chosen stays chosen, wherever it went
        for index in self.persistentIndexList():
            if 0 <= index.row() < len(before):
                self.changePersistentIndex(index, self.index(moved[id(before[index.row()])], index.column()))
        self.layoutChanged.emit()

    def _sorted(self, rows: list[list[Cell]]) -> list[list[Cell]]:
        if self.order is None:
            return rows
        column, order = self.order
        try:
            return sorted(rows, key=lambda r: _sort_key(r[column]), reverse=order == Qt.SortOrder.DescendingOrder)
        except TypeError:  # keys of kinds that do not compare: by text
            return sorted(rows, key=lambda r: r[column].text(), reverse=order == Qt.SortOrder.DescendingOrder)

    def set_rows(self, rows: list[list[Cell]]) -> None:
        self.beginResetModel()
        self.rows = self._sorted(rows)
        self.endResetModel()


class RecordTable(QTableView):
    """A read-only table for many rows (the rectification board, the agreement tab): a model
    of plain Cells, so a refresh of thousands of rows is one reset and only the rows on screen
    are drawn. It answers as much of QTableWidget as the desk uses (rowCount, item, currentRow,
    setCurrentCell, sortItems, currentCellChanged, cellDoubleClicked)."""

    currentCellChanged = Signal(int, int, int, int)
    cellDoubleClicked = Signal(int, int)

    def __init__(self, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = _RowsModel(headers, self)
        self.setModel(self.source)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self._previous = (-1, -1)
        self._fitted = False
        self.selectionModel().currentChanged.connect(self._on_current_changed)
        self.doubleClicked.connect(lambda index: self.cellDoubleClicked.emit(index.row(), index.column()))

    def set_rows(self, rows: list[list[Cell]]) -> None:
        """Every row at once, in the order the lead sorted by; nothing is chosen after."""
        self.source.set_rows(rows)
        if rows and not self._fitted:  # once: a column the lead widened stays so
            self._fit_columns(rows[:FIT_SAMPLE])
            self._fitted = True

    def _fit_columns(self, sample: list[list[Cell]]) -> None:
        """Columns as wide as their heading and the widest of a few rows (measuring every row of
        thousands is what made a refresh stall)."""
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        for column, heading in enumerate(self.source.headers[:-1]):  # the last one stretches
            texts = [heading, *(r[column].text() for r in sample if column < len(r))]
            header.resizeSection(column, min(max(metrics.horizontalAdvance(t) for t in texts) + 24, MAX_FIT))

    def rowCount(self) -> int:
        return self.source.rowCount()

    def columnCount(self) -> int:
        return self.source.columnCount()

    def item(self, row: int, column: int) -> Cell | None:
        """The cell shown at this row (in the sorted order) and column."""
        rows = self.source.rows
        return rows[row][column] if 0 <= row < len(rows) and 0 <= column < len(rows[row]) else None

    def currentRow(self) -> int:
        index = self.currentIndex()
        return index.row() if index.isValid() else -1

    def currentColumn(self) -> int:
        index = self.currentIndex()
        return index.column() if index.isValid() else -1

    def setCurrentCell(self, row: int, column: int) -> None:
        index = self.source.index(row, max(column, 0)) if row >= 0 else QModelIndex()
        self.setCurrentIndex(index)
        if not index.isValid():
            self.selectionModel().clearCurrentIndex()
            self.clearSelection()

    def sortItems(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sortByColumn(column, order)

    def horizontalHeaderItem(self, column: int) -> Cell:
        return Cell(self.source.headers[column])

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        before = self._previous
        self._previous = (current.row(), current.column()) if current.isValid() else (-1, -1)
        self.currentCellChanged.emit(*self._previous, *before)
