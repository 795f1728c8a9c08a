"""Read-only table cells, each with its number where it holds one (a RecordTable sorts by
it), and the plain tables of the desk and its dialogs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, QIdentityProxyModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QHelpEvent, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget, QTableWidgetItem, QToolTip, QWidget


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

# The roles as plain numbers, worked out once: a Qt enum's attribute and its | cost a
# microsecond or so in Python, and a province's table makes tens of thousands of cells.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_SORT = int(Qt.ItemDataRole.UserRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_RIGHT_VALUE = _RIGHT.value  # as QTableWidgetItem.setTextAlignment keeps it

Order = tuple[int, Qt.SortOrder]
"""The column a RecordTable is sorted by, and how."""


class Cell:
    """One cell of a RecordTable: what a QTableWidgetItem holds, without being a Qt object
    (thousands are made per refresh; each QTableWidgetItem set into a shown table costs).
    Plain data: a table's cells can be made off the GUI thread, in the job that read them.
    The roles a table uses are slots, any other in a dict made only when one is set: a
    province's tables hold some 40,000 cells, and every object more is one more for each of
    Python's full garbage collections to walk (the GUI thread waits meanwhile)."""

    __slots__ = ("_align", "_colour", "_key", "_other", "_text", "_tip")

    def __init__(self, value: object = "", *, right: bool = False, sort_key: object = None) -> None:
        self._text = "" if value is None else str(value)
        self._align: object = _RIGHT if right else None
        if sort_key is None and isinstance(value, int | float):
            sort_key = value
        if sort_key is None and right and isinstance(value, str):
            try:
                sort_key = float(value)
            except ValueError:
                sort_key = None
        self._key = sort_key
        self._colour: object = None
        self._tip: str | Callable[[], str] | None = None
        self._other: dict[int, object] | None = None

    def text(self) -> str:
        return self._text

    def data(self, role: int) -> object:
        key = int(role)
        if key == _DISPLAY:
            return self._text
        if key == _SORT:
            return self._key
        if key == _ALIGNMENT:
            return self._align
        if key == _FOREGROUND:
            return self._colour
        if key == _TOOLTIP:
            if callable(self._tip):  # said when first asked, then kept
                self._tip = self._tip()
            return self._tip
        return self._other.get(key) if self._other is not None else None

    def setData(self, role: int, value: object) -> None:
        key = int(role)
        if key == _DISPLAY:
            self._text = "" if value is None else str(value)
        elif key == _SORT:
            self._key = value
        elif key == _ALIGNMENT:
            self._align = value
        elif key == _FOREGROUND:
            self._colour = value
        elif key == _TOOLTIP:
            self._tip = value  # type: ignore[assignment]
        else:
            if self._other is None:
                self._other = {}
            self._other[key] = value

    def setForeground(self, colour: object) -> None:
        self._colour = colour

    def foreground(self) -> QBrush:
        """As QTableWidgetItem's: a brush (of the default colour when none was set)."""
        return QBrush(self._colour) if isinstance(self._colour, QColor) else QBrush()

    def setBackground(self, colour: object) -> None:
        self.setData(Qt.ItemDataRole.BackgroundRole, colour)

    def setToolTip(self, tip: str | Callable[[], str]) -> None:
        """A tooltip, or a function that says it when the mouse first rests on the cell: a
        table of thousands of rows then works out none of them while it is filled."""
        self._tip = tip

    def toolTip(self) -> str:
        return str(self.data(_TOOLTIP) or "")

    def setFont(self, font: object) -> None:
        self.setData(Qt.ItemDataRole.FontRole, font)

    def font(self) -> QFont:
        """As QTableWidgetItem's: the font set, or the default one."""
        font = self._other.get(_FONT) if self._other is not None else None
        return QFont(font) if isinstance(font, QFont) else QFont()

    def roles(self) -> dict[int, object]:
        """What the cell holds, by role, as a QTableWidgetItem holds it (brushes for colours,
        the alignment as a number, the tooltip said now): for a model's setItemData."""
        roles: dict[int, object] = {_DISPLAY: self._text}
        if self._align is not None:
            roles[_ALIGNMENT] = _RIGHT_VALUE if self._align is _RIGHT else self._align
        if self._key is not None:
            roles[_SORT] = self._key
        if self._colour is not None:
            roles[_FOREGROUND] = QBrush(self._colour) if isinstance(self._colour, QColor) else self._colour
        tip = self.toolTip()
        if tip:
            roles[_TOOLTIP] = tip
        for role, value in (self._other or {}).items():
            roles[role] = QBrush(value) if role == _BACKGROUND and isinstance(value, QColor) else value
        return roles


_PROTOTYPE = QTableWidgetItem()  # a table()'s cells are copies of this one, not editable
_PROTOTYPE.setFlags(_PROTOTYPE.flags() & ~Qt.ItemFlag.ItemIsEditable)


def cell(value: object, *, right: bool = False, sort_key: object = None) -> Cell:
    """A read-only cell of a table() or a RecordTable: `value`'s text, and its number (or
    `sort_key`) under UserRole."""
    return Cell(value, right=right, sort_key=sort_key)


class Table(QTableWidget):
    """A read-only table of a few hundred rows at most (a dialog's, a tab's list) whose items
    Qt makes: setItem takes a Cell and hands what it holds to the model, which makes the item,
    a copy of the table's read-only prototype. An item made in Python is Python's own subclass
    of Qt's: the first time Qt asks each such item anything (its text, to measure a column or
    draw the cell) it takes the GIL to look for a Python override, and while a read runs Python
    on another thread each of those waits its turn — the devices' 51 rows took 300 ms of the
    GUI thread so, against 12 ms for items Qt made. item() gives Qt's item: read it, or change
    it in place, while it is in the table."""

    def __init__(self, rows: int, columns: int) -> None:
        super().__init__(rows, columns)
        self.setItemPrototype(_PROTOTYPE.clone())  # made by Qt, and so are its copies

    def setItem(self, row: int, column: int, item: QTableWidgetItem | Cell) -> None:
        if isinstance(item, QTableWidgetItem):
            super().setItem(row, column, item)
            return
        if self.item(row, column) is not None:  # replaced, not merged into the one there
            self.takeItem(row, column)
        model = self.model()
        model.setItemData(model.index(row, column), item.roles())


def table(headers: list[str]) -> Table:
    table = Table(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


FIT_SAMPLE = 60  # rows measured to fit a RecordTable's columns
MAX_FIT = 320  # no column wider than this on its own (a long text is elided; whole in its tooltip)


def _sort_key(cell: Cell) -> tuple[int, object]:
    """A cell's place in its column: numbers (and number tuples) before texts."""
    key = cell._key
    if key is None:
        return (1, cell._text)
    return (0, key)


def sorted_rows(rows: list[list[Cell]], order: Order | None) -> list[list[Cell]]:
    """Rows in the order a RecordTable sorted by `order` shows them (as they are for None)."""
    if order is None:
        return rows
    column, how = order
    descending = how == Qt.SortOrder.DescendingOrder
    try:
        return sorted(rows, key=lambda r: _sort_key(r[column]), reverse=descending)
    except TypeError:  # keys of kinds that do not compare: by text
        return sorted(rows, key=lambda r: r[column].text(), reverse=descending)


_INDEX = int(Qt.ItemDataRole.UserRole) + 200  # a row's first item: the row's place in Built.cells
_RANK = int(Qt.ItemDataRole.UserRole) + 201  # every item: its row's place in its column's order (what Qt sorts by)
_OTHER_ROLES = (int(Qt.ItemDataRole.BackgroundRole), int(Qt.ItemDataRole.FontRole))


@dataclass
class Built:
    """A RecordTable's rows made ready wherever they were read (build): sorted, and each column's
    order worked out, so that the GUI thread only hands them to Qt."""

    headers: list[str]
    cells: list[list[Cell]]  # the rows, sorted by `order`
    ranks: list[list[int]]  # by column: each row's place in that column's order (what Qt sorts by)
    order: Order | None


def _ranks(rows: list[list[Cell]], column: int) -> list[int]:
    """Each row's place in the column as sorted_rows orders it, equal keys in the same place:
    Qt's own sort compares these, so that a click on a heading sorts as sorted_rows would."""
    try:
        keys: list[Any] = [_sort_key(r[column]) if column < len(r) else (1, "") for r in rows]
        by_key = sorted(range(len(rows)), key=keys.__getitem__)
    except TypeError:  # keys of kinds that do not compare: by text
        keys = [r[column].text() if column < len(r) else "" for r in rows]
        by_key = sorted(range(len(rows)), key=keys.__getitem__)
    ranks = [0] * len(rows)
    place, previous = -1, object()
    for row in by_key:
        if keys[row] != previous:
            place, previous = place + 1, keys[row]
        ranks[row] = place
    return ranks


def build(headers: list[str], rows: list[list[Cell]], order: Order | None = None) -> Built:
    """The rows sorted by `order` and each column's order, in plain Python: safe off the GUI
    thread (no Qt object is made there — a QObject made in a job's thread, holding the GIL, waited
    for a lock of Qt's that the GUI thread held while it waited for the GIL: the desk hung)."""
    rows = sorted_rows(rows, order)
    return Built(list(headers), rows, [_ranks(rows, column) for column in range(len(headers))], order)


FILL_ROWS = 100  # a table of more rows than this is handed to Qt's model over turns of the event loop (set_rows)
FILL_MS = 10  # how long one such turn fills rows at most: a row or more, then the rest in turns of their own


class RecordTable(QTableView):
    """A read-only table for many rows (the rectification board, the agreement tab, the
    results): rows of plain Cells, sorted off the GUI thread (build), handed to a model of Qt's
    own — for FILL_MS at a time, a turn of the event loop each, when the table was given its
    window's `turns` (Operations.in_turns) — and swapped in whole, so that Qt draws the rows on
    screen without asking Python anything: a model in Python was asked for every role of every
    cell it drew, each call waiting for the GIL while a job ran Python (a paint of the results
    took 10–40 ms then, 4–6 ms alone). It answers as much of QTableWidget as the desk uses
    (rowCount, item, currentRow, setCurrentCell, sortItems, currentCellChanged,
    cellDoubleClicked); item() is the Cell, with whatever data its maker gave it, and a Cell's
    tooltip is asked of it when the mouse rests on the cell."""

    currentCellChanged = Signal(int, int, int, int)
    cellDoubleClicked = Signal(int, int)

    def __init__(
        self, headers: list[str], parent: QWidget | None = None, *,
        turns: Callable[[Iterable[Callable[[], None]]], None] | None = None, stretch: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self._stretch = stretch  # the column that takes the width left (a problem's text), else the last
        self._turns = turns
        self._generation = 0  # rows asked for so far: a fill overtaken by newer rows is dropped
        self.proxy = QIdentityProxyModel(self)  # the view's model for good: the source is swapped under it
        self.setModel(self.proxy)
        self._model = self._new_model(self.headers, 0)
        self._cells: list[list[Cell]] = []  # the rows shown, by their place as built (each first item's _INDEX)
        self.proxy.setSourceModel(self._model)
        self.verticalHeader().setVisible(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        if stretch is None:
            self.horizontalHeader().setStretchLastSection(True)
        else:
            self.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self._previous = (-1, -1)
        self._fitted = False
        self.selectionModel().currentChanged.connect(self._on_current_changed)
        self.doubleClicked.connect(lambda index: self.cellDoubleClicked.emit(index.row(), index.column()))

    def _new_model(self, headers: list[str], rows: int) -> QStandardItemModel:
        model = QStandardItemModel(rows, len(headers), self)
        model.setHorizontalHeaderLabels(headers)
        model.setSortRole(_RANK)
        return model

    @property
    def order(self) -> Order | None:
        """How the table is sorted now (for a job that builds its rows off the GUI thread)."""
        header = self.horizontalHeader()
        column = header.sortIndicatorSection()
        if not self.isSortingEnabled() or not 0 <= column < len(self.headers):
            return None
        return column, header.sortIndicatorOrder()

    def set_rows(
        self, rows: list[list[Cell]] | Built, sorted_as: Order | None = None, *, then: Callable[[], None] | None = None,
    ) -> None:
        """Every row at once, in the order the lead sorted by; nothing is chosen after; then
        `then()`. Rows built already (build, by the order the table had then) are sorted again,
        by Qt, only if the lead sorted since. More than FILL_ROWS rows of a table given `turns`
        are handed over a turn at a time, shown when all are (the rows before stay till then)."""
        del sorted_as  # a Built says how it is sorted
        built = rows if isinstance(rows, Built) else build(self.headers, rows, self.order)
        self._generation += 1
        generation = self._generation
        model = self._new_model(built.headers, len(built.cells))
        if self._turns is None or len(built.cells) <= FILL_ROWS:
            self._fill_rows(model, built, 0, None)
            self._take(model, built, generation, then)
        else:
            self._turns([partial(self._fill, model, built, 0, generation, then)])

    def _fill(self, model: QStandardItemModel, built: Built, start: int, generation: int, then: Callable[[], None] | None) -> None:
        """A turn's rows from `start` into the model (not shown yet), for FILL_MS at most; the
        next turn's asked for, or the model's showing once it is full. Nothing more once newer
        rows came: they are shown instead. (A fixed number of rows a turn took 6 ms alone and
        20–47 ms while the desk's reads ran Python beside it.)"""
        if generation != self._generation:
            model.deleteLater()
            return
        assert self._turns is not None
        end = self._fill_rows(model, built, start, time.perf_counter() + FILL_MS / 1000)
        if end < len(built.cells):
            self._turns([partial(self._fill, model, built, end, generation, then)])
        else:
            self._turns([partial(self._take, model, built, generation, then)])

    def _fill_rows(self, model: QStandardItemModel, built: Built, start: int, deadline: float | None) -> int:
        """Rows from `start` into the model, until the end or past `deadline` (a row at least);
        the first row not filled."""
        index, set_data, clock = model.index, model.setData, time.perf_counter
        place = start
        while place < len(built.cells):
            row = built.cells[place]
            for column in range(min(len(row), len(built.headers))):
                cell, at = row[column], index(place, column)
                set_data(at, cell._text, _DISPLAY)
                set_data(at, built.ranks[column][place], _RANK)
                if cell._align is not None:
                    set_data(at, cell._align, _ALIGNMENT)
                if cell._colour is not None:
                    set_data(at, cell._colour, _FOREGROUND)
                if cell._other is not None:
                    for role in _OTHER_ROLES:
                        if role in cell._other:
                            set_data(at, cell._other[role], role)
            set_data(index(place, 0), place, _INDEX)
            place += 1
            if deadline is not None and clock() >= deadline:
                break
        return place

    def _take(self, model: QStandardItemModel, built: Built, generation: int, then: Callable[[], None] | None) -> None:
        """The filled model shown in place of the one before (gone in a turn of its own)."""
        if generation != self._generation:  # newer rows came: they are shown instead
            model.deleteLater()
            return
        order = self.order
        if order is not None and built.order != order:
            model.sort(*order)
        old, self._model, self._cells = self._model, model, built.cells
        self.proxy.setSourceModel(model)
        self._previous = (-1, -1)
        old.deleteLater()
        if built.cells and not self._fitted:  # once: a column the lead widened stays so
            self._fit_columns(built.cells[:FIT_SAMPLE])
            self._fitted = True
        if then is not None:
            then()

    def _fit_columns(self, sample: list[list[Cell]]) -> None:
        """Columns as wide as their heading and the widest of a few rows (measuring every row of
        thousands is what made a refresh stall)."""
        metrics = self.fontMetrics()
        header = self.horizontalHeader()
        for column, heading in enumerate(self.headers):
            if column == (len(self.headers) - 1 if self._stretch is None else self._stretch):
                continue  # it stretches
            texts = [heading, *(r[column].text() for r in sample if column < len(r))]
            header.resizeSection(column, min(max(metrics.horizontalAdvance(t) for t in texts) + 24, MAX_FIT))

    def set_headers(self, headers: list[str]) -> None:
        """Other columns (the campaign's methods changed): fitted again at the next rows."""
        if headers != self.headers:
            self.headers = list(headers)
            self.set_rows([])
            self._fitted = False

    def rowCount(self) -> int:
        return int(self._model.rowCount())

    def columnCount(self) -> int:
        return len(self.headers)

    def item(self, row: int, column: int) -> Cell | None:
        """The cell shown at this row (in the sorted order) and column."""
        model = self._model
        if not 0 <= row < model.rowCount():
            return None
        place = model.index(row, 0).data(_INDEX)
        cells = self._cells
        if not isinstance(place, int) or not 0 <= place < len(cells) or not 0 <= column < len(cells[place]):
            return None
        return cells[place][column]

    def currentRow(self) -> int:
        index = self.currentIndex()
        return index.row() if index.isValid() else -1

    def currentColumn(self) -> int:
        index = self.currentIndex()
        return index.column() if index.isValid() else -1

    def setCurrentCell(self, row: int, column: int) -> None:
        index = self.proxy.index(row, max(column, 0)) if row >= 0 else QModelIndex()
        self.setCurrentIndex(index)
        if not index.isValid():
            self.selectionModel().clearCurrentIndex()
            self.clearSelection()

    def sortItems(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sortByColumn(column, order)

    def horizontalHeaderItem(self, column: int) -> Cell:
        return Cell(self.headers[column])

    def viewportEvent(self, event: QEvent) -> bool:
        """A tooltip, asked of the Cell under the mouse (worked out then if its maker said how)."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.indexAt(event.pos())
            cell = self.item(index.row(), index.column()) if index.isValid() else None
            tip = cell.toolTip() if cell is not None else ""
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport(), self.visualRect(index))
            else:
                QToolTip.hideText()
            return True
        return bool(super().viewportEvent(event))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        before = self._previous
        self._previous = (current.row(), current.column()) if current.isValid() else (-1, -1)
        self.currentCellChanged.emit(*self._previous, *before)
