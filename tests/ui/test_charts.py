"""The results' charts drawn from their bars: a county's label on the axis when the labels
fit, in the bar's tooltip (Charts.labels) when they do not (a province's 112 counties), and
each total drawn as it changes, in place; a bar says itself under the mouse after a dialog
came and went over the desk."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow

from desktop.services.results import TotalBar
from desktop.ui.charts import TotalsChart

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise")


def bars(count: int, bump: dict[int, str] | None = None) -> list[TotalBar]:
    made = []
    for n in range(count):
        total = Decimal(bump[n]) if bump and n in bump else Decimal(90) - Decimal(n) / 4
        made.append(TotalBar(f"34{n:04d}", f"县{n}", total, n + 1, "优秀", n % 5 != 0, (), 0))
    return made


def drawn_totals(chart: TotalsChart) -> list[float]:
    return [sum(chart.drawn(row)) for row in range(len(chart.labels))]


def test_the_labels_are_on_the_axis_when_they_fit(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = TotalsChart()
    qtbot.addWidget(chart)
    chart.resize(600, 400)
    chart.set_bars(bars(4))
    assert chart.categories.labelsVisible()
    assert chart.categories.categories() == list(reversed(chart.labels))  # the first bar on top
    assert chart.labels[1] == "县1  89.75"


def test_a_provinces_totals_follow_each_change_without_labels_on_the_axis(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = TotalsChart()
    qtbot.addWidget(chart)
    chart.resize(600, 400)
    chart.set_bars(bars(112))
    assert not chart.categories.labelsVisible()  # 112 lines of text do not fit: not drawn as "…"
    assert len(chart.labels) == 112 and chart.labels[3] == "县3  89.25"
    assert drawn_totals(chart) == [float(b.total) for b in bars(112)]
    changed = bars(112, {3: "95.50", 40: "12.00"})
    chart.set_bars(changed)
    assert chart.labels[3] == "县3  95.50" and chart.labels[40].startswith("县40  12.00")  # its tooltip says the new total
    assert drawn_totals(chart) == [float(b.total) for b in changed]
    assert chart.drawn(40) == (0.0, 12.0)  # 县40 provisional: drawn in the other colour
    chart.set_bars(bars(5))  # fewer bars: the labels fit again
    assert chart.categories.labelsVisible() and chart.categories.categories() == list(reversed(chart.labels))


def test_a_bar_still_says_its_county_after_a_dialog_came_and_went(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = QMainWindow()
    qtbot.addWidget(window)
    chart = TotalsChart()
    window.setCentralWidget(chart)
    window.resize(600, 400)
    window.show()
    qtbot.waitExposed(window)
    chart.set_bars(bars(112))
    said: list[int] = []
    chart.series.hovered.connect(lambda status, index, _bars: said.append(index) if status else None)

    def hover() -> None:
        said.clear()
        for y in range(60, 340, 6):
            QTest.mouseMove(chart.viewport(), QPoint(chart.viewport().width() // 3, y))
        QApplication.processEvents()

    hover()
    before = list(said)
    assert before  # the bars under the mouse said themselves
    dialog = QDialog(window)
    dialog.open()
    QApplication.processEvents()
    dialog.reject()
    QApplication.processEvents()
    hover()
    assert said == before  # the same bars said themselves again (their labels are the tooltips)
