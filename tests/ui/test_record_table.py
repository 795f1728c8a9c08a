"""The desk's large tables (cells.RecordTable): rows sorted off the GUI thread and handed to
Qt's own model, a part a turn for a large table, shown whole, sorted by a click on a heading as before (numbers before texts), the
cell shown at each row after any sort, a tooltip worked out only when the mouse rests on its
cell; and the desk's drawing a part at a time (Operations.in_turns)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QWidget

from desktop.ui import cells
from desktop.ui.operations import Operations

# what the offscreen platform says of any window shown: not the program's warning
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")

HEADERS = ["County", "Score", "Note"]


def rows(asked: list[str]) -> list[list[cells.Cell]]:
    made = []
    for name, score, note in (("霍邱县", "2.5", "b"), ("金安区", "", "a"), ("裕安区", "10", "c"), ("叶集区", "3", "a")):
        row = [cells.Cell(name), cells.Cell(score, right=True), cells.Cell(note)]
        row[2].setToolTip(lambda name=name: asked.append(name) or f"{name}: why")  # type: ignore[func-returns-value]
        row[0].setData(Qt.ItemDataRole.UserRole + 1, f"id-{name}")
        made.append(row)
    return made


def shown(table: cells.RecordTable, column: int) -> list[str]:
    found = [table.item(r, column) for r in range(table.rowCount())]
    return [c.text() for c in found if c is not None]


def test_rows_built_off_the_gui_thread_are_shown_and_sort_as_before(qtbot) -> None:  # type: ignore[no-untyped-def]
    table = cells.RecordTable(HEADERS)
    qtbot.addWidget(table)
    table.setSortingEnabled(True)
    table.sortItems(1, Qt.SortOrder.AscendingOrder)
    asked: list[str] = []
    built: list[cells.Built] = []
    order = table.order
    worker = threading.Thread(target=lambda: built.append(cells.build(HEADERS, rows(asked), order)))
    worker.start()
    worker.join()
    table.set_rows(built[0])
    table.show()
    # by score: numbers (as numbers: 2.5 before 10) before the cell with no number
    assert shown(table, 1) == ["2.5", "3", "10", ""]
    assert shown(table, 0) == ["霍邱县", "叶集区", "裕安区", "金安区"]
    cell = table.item(0, 0)
    assert cell is not None and cell.data(Qt.ItemDataRole.UserRole + 1) == "id-霍邱县"  # the maker's data, on the row shown

    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # a click on the heading
    assert shown(table, 1) == ["", "10", "3", "2.5"]
    assert shown(table, 0) == ["金安区", "裕安区", "叶集区", "霍邱县"]
    table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # equal notes keep the order they had
    assert shown(table, 2) == ["a", "a", "b", "c"]
    assert shown(table, 0)[:2] == ["金安区", "叶集区"]

    # rows made while the table was sorted otherwise are sorted as it is now
    table.set_rows(cells.build(HEADERS, rows(asked), order))
    assert shown(table, 2) == ["a", "a", "b", "c"]

    # a tooltip is worked out when the mouse rests on its cell, not before
    assert asked == []
    index = table.model().index(3, 2)
    at = table.visualRect(index).center()
    QApplication.sendEvent(table.viewport(), QHelpEvent(QEvent.Type.ToolTip, at, table.viewport().mapToGlobal(at)))
    assert asked == [shown(table, 0)[3]]


def test_a_table_filled_on_the_gui_thread_takes_its_order_too(qtbot) -> None:  # type: ignore[no-untyped-def]
    table = cells.RecordTable(HEADERS)
    qtbot.addWidget(table)
    table.setSortingEnabled(True)
    table.sortItems(0, Qt.SortOrder.DescendingOrder)
    table.set_rows(rows([]))
    assert shown(table, 0) == sorted(shown(table, 0), reverse=True)
    table.set_headers(["County", "Score", "Note", "More"])  # other columns: emptied until the next rows
    assert table.rowCount() == 0 and table.horizontalHeaderItem(3).text() == "More"


def test_a_large_table_is_handed_over_a_turn_at_a_time_and_shown_whole(qtbot) -> None:  # type: ignore[no-untyped-def]
    host = QWidget()
    qtbot.addWidget(host)
    ops = Operations(host)
    table = cells.RecordTable(HEADERS, turns=ops.in_turns)
    qtbot.addWidget(table)
    table.set_rows(rows([]))  # a few rows: at once
    assert table.rowCount() == 4
    many = [[cells.Cell(f"县{n}"), cells.Cell(str(n), right=True), cells.Cell("")] for n in range(cells.FILL_ROWS * 2 + 5)]
    done: list[int] = []
    table.set_rows(many, then=lambda: done.append(table.rowCount()))
    assert table.rowCount() == 4 and ops.busy  # the rows before, until every part is in
    qtbot.waitUntil(lambda: not ops.busy)
    assert done == [len(many)] and table.rowCount() == len(many)
    assert shown(table, 0)[:2] == ["县0", "县1"]
    table.set_rows(many, then=lambda: done.append(-1))
    table.set_rows(rows([]))  # newer rows before the older were shown: only the newer are
    qtbot.waitUntil(lambda: not ops.busy)
    assert table.rowCount() == 4 and -1 not in done


def test_a_large_table_filled_slowly_lets_the_window_answer_between_its_rows(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cells, "FILL_MS", 0)  # as on a machine too busy to fill more than a row a turn
    host = QWidget()
    qtbot.addWidget(host)
    ops = Operations(host)
    table = cells.RecordTable(HEADERS, turns=ops.in_turns)
    qtbot.addWidget(table)
    many = [[cells.Cell(f"县{n}"), cells.Cell(str(n), right=True), cells.Cell("")] for n in range(cells.FILL_ROWS + 5)]
    answered: list[int] = []  # the rows shown each time the window answered a timer meanwhile
    ticks = QTimer()
    ticks.setInterval(0)
    ticks.timeout.connect(lambda: answered.append(table.rowCount()))
    ticks.start()
    table.set_rows(many)
    qtbot.waitUntil(lambda: not ops.busy)
    ticks.stop()
    assert answered.count(0) >= len(many) // 2  # it answered between the rows, the rows before shown meanwhile
    assert table.rowCount() == len(many) and shown(table, 0) == [f"县{n}" for n in range(len(many))]


def test_parts_are_drawn_one_turn_each_in_order_and_the_window_is_busy_meanwhile(qtbot) -> None:  # type: ignore[no-untyped-def]
    host = QWidget()
    qtbot.addWidget(host)
    ops = Operations(host)
    ran: list[str] = []
    between: list[str] = []  # what the event loop ran between two parts
    drawn: list[bool] = []
    ops.drawn.connect(lambda: drawn.append(ops.busy))

    def first() -> None:
        ran.append("first")
        QTimer.singleShot(0, lambda: between.append("after first"))

    def second() -> None:
        ran.append("second")
        assert ops.busy  # the third is still to come

    ops.in_turns([first, second])
    ops.in_turns([lambda: ran.append("third")])  # asked later: after the others
    assert ran == [] and ops.busy  # nothing drawn at once
    qtbot.waitUntil(lambda: not ops.busy)
    assert ran == ["first", "second", "third"]
    assert between == ["after first"]  # the window answered between the parts
    assert drawn == [False]  # said once, when the last part had run


def test_a_part_that_fails_does_not_stop_the_others(qtbot) -> None:  # type: ignore[no-untyped-def]
    host = QWidget()
    qtbot.addWidget(host)
    ops = Operations(host)
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("a bug in a view")

    with qtbot.capture_exceptions() as raised:
        ops.in_turns([broken, lambda: ran.append("next")])
        qtbot.waitUntil(lambda: not ops.busy)
    assert ran == ["next"]
    assert [str(e[1]) for e in raised] == ["a bug in a view"]  # the bug reported, not swallowed


def test_a_plain_tables_cells_are_shown_as_made_and_replaced_whole(qtbot) -> None:  # type: ignore[no-untyped-def]
    table = cells.table(HEADERS)
    qtbot.addWidget(table)
    with cells.refilling(table, 2):
        first = cells.cell("霍邱县")
        first.setToolTip("why")
        first.setForeground(QColor("#c62828"))
        first.setBackground(QColor("#fff3cd"))
        bold = first.font()
        bold.setBold(True)
        first.setFont(bold)
        table.setItem(0, 0, first)
        table.setItem(0, 1, cells.cell(2.5, right=True))
        table.setItem(1, 0, cells.cell("金安区"))
    item = table.item(0, 0)
    assert (item.text(), item.toolTip(), item.foreground().color().name(), item.background().color().name()) == (
        "霍邱县", "why", "#c62828", "#fff3cd")
    assert item.font().bold() and not item.flags() & Qt.ItemFlag.ItemIsEditable
    number = table.item(0, 1)
    assert number.text() == "2.5" and number.data(Qt.ItemDataRole.UserRole) == 2.5
    assert Qt.AlignmentFlag(number.textAlignment()) & Qt.AlignmentFlag.AlignRight
    table.setItem(0, 0, cells.cell("裕安区"))  # in place of the one there: nothing of it stays
    again = table.item(0, 0)
    assert (again.text(), again.toolTip(), again.font().bold()) == ("裕安区", "", False)
    assert again.foreground().color().name() != "#c62828"
    assert table.item(1, 0).text() == "金安区" and table.item(1, 1) is None
