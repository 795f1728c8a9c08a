"""The desk's 一致性 and 设备 tabs under pytest-qt, on a master that merged three laptops'
real exports (tests/teamwork.py): the rows, flags, each inspector's distance and the chart
against a hand computation (the same scores as tests/services/test_agreement.py), the
threshold moved, an adjudication made from a flagged row; the devices with their exports,
the time since in words, a gap in red, the desk's own row; both tabs at the desk's size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableWidget, QVBoxLayout, QWidget
from teamwork import export, laptop, merge, score

from desktop.services import decisions, workspace
from desktop.services.workspace import Workspace
from desktop.ui.lead import agreement_tab as agreement_module
from desktop.ui.lead.agreement_tab import AgreementTab
from desktop.ui.lead.devices_tab import DevicesTab, ago
from desktop.ui.operations import Operations
from desktop.ui.screen import SMALL_SCREEN

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's, on show()

DESK_SIZE = (1058, 572)  # the desk window's size at 1366×768 without a window manager's frame
DESK_FRAME = 100  # the desk's toolbar, tabs' bar and status bar, over a tab (82 at the app's font)
HARD, WARNING = QColor("#c62828"), QColor("#b26a00")
JINAN = "341502"  # 金安区

# Who scored what (as tests/services/test_agreement.py): 1.1.1 has 3 points (flagged from a spread
# of 1), 1.2.1 and 1.2.2 have 2 (from 2/3), 2.2.1 has 5 (from 5/3). Each laptop's work is split
# in two: what its first export carries, and what only its second one does.
FIRST = {
    "张三": [("金安区", "1.1.1", "3"), ("金安区", "1.2.1", "1"), ("金安区", "1.2.2", "2")],
    "李四": [("金安区", "1.1.1", "1.5"), ("金安区", "1.2.1", "1.5"), ("金安区", "1.2.2", "1")],
    "王五": [("金安区", "1.1.1", "2"), ("裕安区", "2.2.1", "3.5"), ("裕安区", "1.1.2", "2")],
}
LATER = {"张三": [("叶集区", "1.1.1", "2")], "李四": [("裕安区", "2.2.1", "5"), ("叶集区", "1.1.1", "2")]}
# When the master merged: 王五's one export two days before NOW; 张三's third (his second never
# reached the master: a gap) three hours before; 李四's second twenty minutes before.
MONDAY = "2026-11-26T03:00:00+00:00"
THURSDAY = "2026-11-28T01:30:00+00:00"
LATE = "2026-11-28T04:10:00+00:00"
NOW = dt.datetime.fromisoformat("2026-11-28T04:30:00+00:00")


def tr(text: str) -> str:
    return QCoreApplication.translate("LeadWindow", text)


def build_team(root: Path) -> Workspace:
    """The master, with every laptop's exports merged as the lead would have over three days."""
    master = workspace.create(root / "master.db", role="master")
    first, second = [], {}
    for who, scores in FIRST.items():
        with laptop(root, who) as own:
            for county, item, value in scores:
                score(own, county, item, value)
            first.append(export(own, root))
            if who == "张三":
                export(own, root)  # his no. 2: left on another stick
            for county, item, value in LATER.get(who, []):
                score(own, county, item, value)
            if who in LATER:
                second[who] = export(own, root)
    merge(master, first, now=MONDAY)
    merge(master, [second["张三"]], now=THURSDAY)
    merge(master, [second["李四"]], now=LATE)
    return master


@pytest.fixture
def master(tmp_path: Path) -> Iterator[Workspace]:
    ws = build_team(tmp_path)
    yield ws
    ws.close()


@pytest.fixture
def desk(qtbot) -> Iterator[tuple[QWidget, Operations]]:  # type: ignore[no-untyped-def]
    """A parent widget at the desk's tab size and its operations (as the desk window's)."""
    parent = QWidget()
    qtbot.addWidget(parent)
    QVBoxLayout(parent).setContentsMargins(0, 0, 0, 0)
    parent.resize(*DESK_SIZE)
    ops = Operations(parent)
    yield parent, ops
    ops.wait()


def place(parent: QWidget, tab: QWidget) -> None:
    parent.layout().addWidget(tab)
    parent.show()


def settle(qtbot, ops: Operations) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not ops.busy, timeout=20_000)


def texts(table: QTableWidget, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def colour(table: QTableWidget, row: int, column: int = 0) -> QColor:
    return table.item(row, column).foreground().color()


# --- 一致性 ---------------------------------------------------------------------------------


@pytest.fixture
def agreement(qtbot, master: Workspace, desk) -> AgreementTab:  # type: ignore[no-untyped-def]
    parent, ops = desk
    tab = AgreementTab(master, ops)
    place(parent, tab)
    with qtbot.waitSignal(tab.counted, timeout=20_000) as counted:
        tab.refresh()
    settle(qtbot, ops)
    assert counted.args == [2]
    return tab


def test_the_rows_flags_and_distances_by_hand(agreement: AgreementTab) -> None:
    rows = [texts(agreement.table, r)[:6] + texts(agreement.table, r)[7:] for r in range(agreement.table.rowCount())]
    assert [[r[0], r[1].split()[0], *r[2:]] for r in rows] == [
        ["金安区", "1.1.1", "3", "张三 3　李四 1.5　王五 2", "1.5", "1", ""],
        ["金安区", "1.2.1", "2", "张三 1　李四 1.5", "0.5", "0.67", ""],
        ["金安区", "1.2.2", "2", "张三 2　李四 1", "1", "0.67", ""],
        ["裕安区", "2.2.1", "5", "李四 5　王五 3.5", "1.5", "1.67", ""],
        ["叶集区", "1.1.1", "3", "张三 2　李四 2", "0", "1", ""],
    ]  # 裕安区 1.1.2: 王五's alone, not listed
    status = [agreement.table.item(r, 6).text() for r in range(5)]
    assert status == [tr("flagged"), "", tr("flagged"), "", ""]
    assert [colour(agreement.table, r) == HARD for r in range(5)] == [True, False, True, False, False]
    assert agreement.table.item(0, 1).toolTip().startswith("1.1.1 试点县区成立试点领导小组")
    # 张三 3 against the mean of 1.5 and 2: +1.25
    assert tr("{0} {1}: {2} against the others' mean of {3}").format("张三", "3", "+1.25", "1.75") in agreement.table.item(0, 3).toolTip()
    assert agreement.hint.text() == tr(
        "{0} county items scored by two or more inspectors; {1} flagged, {2} of them adjudicated."
    ).format(5, 2, 0)
    # 张三: +1.25, -0.5, +1, 0 · 李四: -1, +0.5, -1, +1.5, 0 · 王五: -0.25, -1.5
    people = agreement.inspectors
    assert [texts(people, r) for r in range(people.rowCount())] == [
        ["王五", "2", "0.88", "-0.88", "1"],
        ["李四", "5", "0.80", "0.00", "2"],
        ["张三", "4", "0.69", "+0.44", "2"],
    ]


def test_the_chart_by_first_level_indicator(agreement: AgreementTab) -> None:
    chart = agreement.chart
    assert chart.labels[:3] == [
        tr("{0}  {1} items, {2} flagged, largest {3}").format("组织领导", 4, 2, "1.5"),  # spreads 1.5, 0.5, 1, 0
        tr("{0}  {1} items, largest {2}").format("工作开展", 1, "1.5"),
        tr("{0}  nothing compared").format("公开内容"),
    ]
    assert len(chart.labels) == 5
    assert [chart.drawn(r) for r in range(5)] == [(0.75, True), (1.5, False), (0.0, False), (0.0, False), (0.0, False)]
    assert chart.values.max() == 2


def test_the_lead_moves_the_threshold(qtbot, agreement: AgreementTab) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(agreement.counted, timeout=20_000) as counted:
        agreement.threshold.setValue(1.5)
    settle(qtbot, agreement.ops)
    assert counted.args == [2]
    flagged = [(agreement.table.item(r, 0).text(), agreement.table.item(r, 1).text().split()[0])
               for r in range(5) if colour(agreement.table, r) == HARD]
    assert flagged == [("金安区", "1.1.1"), ("裕安区", "2.2.1")]
    assert {agreement.table.item(r, 5).text() for r in range(5)} == {"1.5"}
    # two steps at once: the answer of the first is dropped, the second one's drawn
    agreement.threshold.stepDown()
    agreement.threshold.stepDown()
    settle(qtbot, agreement.ops)
    assert agreement.minimum() == Decimal("0.5")
    assert [colour(agreement.table, r) == HARD for r in range(5)] == [True, True, True, True, False]
    agreement.threshold.setValue(0)
    settle(qtbot, agreement.ops)
    assert all(colour(agreement.table, r) == HARD for r in range(5))  # 叶集区's 0 reaches 0
    agreement.threshold.stepDown()  # below 0: the default again
    settle(qtbot, agreement.ops)
    assert agreement.minimum() is None
    assert agreement.threshold.text() == tr("a third of the item's points")
    assert [colour(agreement.table, r) == HARD for r in range(5)] == [True, False, True, False, False]


def test_adjudicating_a_flagged_row_in_place(qtbot, agreement: AgreementTab, master: Workspace) -> None:  # type: ignore[no-untyped-def]
    table = agreement.table
    assert not agreement.adjudicate_button.isEnabled()
    table.sortItems(4, Qt.SortOrder.DescendingOrder)  # the largest spread first: the table's order is not the rows'
    top = [table.item(r, 0).text() + " " + table.item(r, 1).text().split()[0] for r in range(2)]
    assert sorted(top) == ["裕安区 2.2.1", "金安区 1.1.1"]
    row = top.index("金安区 1.1.1")
    table.setCurrentCell(row, 3)
    assert agreement.adjudicate_button.isEnabled()
    agreement.adjudicate_button.click()
    dialog = agreement.findChild(agreement_module.DecisionDialog)
    assert dialog is not None and dialog.isVisible()
    assert (dialog.county.currentData(), dialog.kind.currentData(), dialog.item.currentData()) == (JINAN, "adjudication", "1.1.1")
    settle(qtbot, agreement.ops)
    dialog.value.setText("2")
    dialog.reason.setText("复核：按现场材料")
    with qtbot.waitSignal(agreement.counted, timeout=20_000):  # the write's changes: the tab reads again
        dialog.save.click()
    settle(qtbot, agreement.ops)
    assert decisions.recorded(master, JINAN, "1.1.1") == ("2", "复核：按现场材料")
    rows = {(table.item(r, 0).text(), table.item(r, 1).text().split()[0]): r for r in range(table.rowCount())}
    settled = rows["金安区", "1.1.1"]
    assert (table.item(settled, 6).text(), table.item(settled, 7).text()) == (tr("flagged, adjudicated"), "2")
    assert colour(table, settled) == WARNING and colour(table, rows["金安区", "1.2.2"]) == HARD
    assert table.currentRow() == settled  # the lead's row stays chosen
    assert agreement.hint.text() == tr(
        "{0} county items scored by two or more inspectors; {1} flagged, {2} of them adjudicated.").format(5, 2, 1)
    dialog.reject()


def test_a_double_click_opens_the_dialog_for_that_row(agreement: AgreementTab, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[str | None, str | None]] = []

    class Dialog:
        def __init__(self, _parent: QWidget, _ws: Workspace, county: str | None = None, ops: Operations | None = None,
                     item: str | None = None, *, undo: object = None) -> None:
            assert ops is agreement.ops  # the desk's writer: its changes reach every view
            opened.append((county, item))

        def open(self) -> None:
            pass

    monkeypatch.setattr(agreement_module, "DecisionDialog", Dialog)
    agreement.table.cellDoubleClicked.emit(3, 2)
    assert opened == [("341503", "2.2.1")]  # 裕安区


def test_nothing_to_compare(qtbot, tmp_path: Path, desk) -> None:  # type: ignore[no-untyped-def]
    parent, ops = desk
    with workspace.create(tmp_path / "alone.db", role="master") as ws:
        tab = AgreementTab(ws, ops)
        place(parent, tab)
        with qtbot.waitSignal(tab.counted, timeout=20_000) as counted:
            tab.refresh()
        settle(qtbot, ops)
        assert counted.args == [0] and tab.table.rowCount() == 0 and tab.inspectors.rowCount() == 0
        assert tab.hint.text() == tr("No item of any county is scored by two or more inspectors yet.")
        assert tab.chart.labels[0] == tr("{0}  nothing compared").format("组织领导")
        tab.setParent(None)
        tab.deleteLater()


# --- 设备 -----------------------------------------------------------------------------------


@pytest.fixture
def devices(qtbot, master: Workspace, desk) -> DevicesTab:  # type: ignore[no-untyped-def]
    parent, ops = desk
    tab = DevicesTab(master, ops)
    tab.clock = lambda: NOW
    place(parent, tab)
    with qtbot.waitSignal(tab.counted, timeout=20_000) as counted:
        tab.refresh()
    settle(qtbot, ops)
    assert counted.args == [1]
    return tab


def local(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")


def test_the_devices_by_hand(devices: DevicesTab, master: Workspace) -> None:
    table = devices.table
    got = [texts(table, r)[1:] for r in range(table.rowCount())]
    assert got == [
        [tr("lead's desk"), "—", "0", "—", "—", "—", "", "0", "—"],
        [tr("inspector's laptop"), "张三", "2", tr("no. {0}").format(3), local(THURSDAY), tr("{0} hours ago").format(3),
         tr("missing no. {0}").format("2"), "4", "金安区、叶集区"],
        [tr("inspector's laptop"), "李四", "2", tr("no. {0}").format(2), local(LATE), tr("{0} minutes ago").format(20),
         "", "5", "金安区、裕安区、叶集区"],
        [tr("inspector's laptop"), "王五", "1", tr("no. {0}").format(1), local(MONDAY), tr("{0} days ago").format(2),
         "", "3", "金安区、裕安区"],
    ]
    assert table.item(0, 0).text() == tr("{0} (this desk)").format(master.identity.device_id[:8])
    assert table.item(0, 0).font().bold() and not table.item(1, 0).font().bold()
    assert table.item(1, 7).foreground().color() == HARD
    assert table.item(3, 6).foreground().color() == WARNING  # nothing from 王五 for two days
    assert table.item(1, 6).foreground().color() != WARNING
    assert devices.hint.text() == (tr(
        "{0} enrolled devices. {1} of them have exports this master never received (in red): the file went "
        "elsewhere or was lost. A later export carries everything before it: no work is missing.").format(4, 1))


def test_the_time_since_moves_on_without_reading_again(devices: DevicesTab) -> None:
    devices.clock = lambda: NOW + dt.timedelta(hours=22)
    devices.ticker.timeout.emit()
    assert not devices.ops.busy
    assert [devices.table.item(r, 6).text() for r in range(1, 4)] == [
        tr("{0} hours ago").format(25), tr("{0} hours ago").format(22),
        tr("{0} days ago").format(2),
    ]
    assert devices.table.item(1, 6).foreground().color() == WARNING  # a day without a merge


def test_the_devices_follow_the_desks_writes(qtbot, devices: DevicesTab, master: Workspace) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(devices.counted, timeout=20_000):
        devices.ops.write(lambda: decisions.adjudicate(master, JINAN, "1.1.1", "2", "复核"))
    settle(qtbot, devices.ops)
    assert (devices.table.item(0, 8).text(), devices.table.item(0, 9).text()) == ("1", "金安区")  # the desk's own work


def test_a_master_alone(qtbot, tmp_path: Path, desk) -> None:  # type: ignore[no-untyped-def]
    parent, ops = desk
    with workspace.create(tmp_path / "alone.db", role="master") as ws:
        tab = DevicesTab(ws, ops)
        place(parent, tab)
        with qtbot.waitSignal(tab.counted, timeout=20_000) as counted:
            tab.refresh()
        settle(qtbot, ops)
        assert counted.args == [0] and tab.table.rowCount() == 1
        assert tab.hint.text() == tr("{0} enrolled devices.").format(1)
        assert tab.table.item(0, 0).text() == tr("{0} (this desk)").format(ws.identity.device_id[:8])
        tab.setParent(None)
        tab.deleteLater()


@pytest.mark.parametrize(("minutes", "said"), [
    (0, ("just now",)), (59, ("{0} minutes ago", 59)), (60, ("{0} hours ago", 1)), (47 * 60 + 59, ("{0} hours ago", 47)),
    (48 * 60, ("{0} days ago", 2)), (-5, ("just now",)),
])
def test_time_since_in_words(minutes: int, said: tuple[str, ...]) -> None:
    text, *args = said
    assert ago(dt.timedelta(minutes=minutes)) == tr(text).format(*args)


# --- at the desk's size ------------------------------------------------------------------------


def test_both_tabs_fit_the_desk(qtbot, agreement: AgreementTab, master: Workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    devices = DevicesTab(master, agreement.ops)
    devices.clock = lambda: NOW
    qtbot.addWidget(devices)
    devices.resize(*DESK_SIZE)
    devices.show()
    devices.refresh()
    settle(qtbot, agreement.ops)
    width, height = SMALL_SCREEN
    for tab in (agreement, devices):
        hint = tab.minimumSizeHint()  # in the desk: under its toolbar, its tabs' bar and its status bar
        assert hint.width() <= width and hint.height() <= height - DESK_FRAME, (type(tab).__name__, hint)
        for table in tab.findChildren(QTableWidget):
            header = table.horizontalHeader()
            used = sum(header.sectionSize(c) for c in range(table.columnCount() - 1))
            assert used <= table.viewport().width(), (table.objectName(), used, table.viewport().width())
        assert tab.grab().save(str(tmp_path / f"{tab.objectName()}.png"))
