"""The results dashboard's charts (QtCharts): every county's weighted total, and one
county's profile over the first-level indicators.

Horizontal bars, names on the left: Chinese county and indicator names stay readable at
any count, where slanted labels under vertical bars would not. An incomplete county (an
item unscored, a method's score missing) is drawn in amber and hatched, and its label
says so, so that a total of 0 for lack of data never looks like a county that scored 0.
The data comes from desktop.services.results (totals_chart, profile); the window hands it
over after each change.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QEvent, QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QCursor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from desktop.core.numbers import canonical, show
from desktop.services.results import ProfileBar, TotalBar

COMPLETE = QColor("#1e6bb8")
INCOMPLETE = QColor("#e0a020")


def _font(points_delta: int = 0, *, bold: bool = False) -> QFont:
    """The application's font (the CJK font it ships with), a little smaller or larger."""
    font = QFont(QApplication.font())
    font.setPointSizeF(max(6.0, font.pointSizeF() + points_delta))
    font.setBold(bold)
    return font


def _incomplete_brush() -> QBrush:
    brush = QBrush(INCOMPLETE, Qt.BrushStyle.BDiagPattern)
    return brush


class _BarChart(QChartView):
    """Two stacked bar sets over the same categories: complete values in one, incomplete in
    the other (a category has a value in only one of them), on a 0…maximum axis."""

    def __init__(self, parent: QWidget | None, maximum: float, value_format: str, complete: str, incomplete: str) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        chart.setTitleFont(_font(1, bold=True))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.legend().setFont(_font(-1))
        self.setChart(chart)
        self.complete_set = QBarSet(complete)
        self.complete_set.setColor(COMPLETE)
        self.complete_set.setBorderColor(COMPLETE)
        self.incomplete_set = QBarSet(incomplete)
        self.incomplete_set.setBrush(_incomplete_brush())
        self.incomplete_set.setPen(QPen(INCOMPLETE.darker(130)))
        self.series = QHorizontalStackedBarSeries()
        self.series.setBarWidth(0.6)
        self.series.append(self.complete_set)
        self.series.append(self.incomplete_set)
        chart.addSeries(self.series)
        self.categories = QBarCategoryAxis()
        self.categories.setLabelsFont(_font())
        self.values = QValueAxis()
        self.values.setRange(0, maximum)
        self.values.setTickCount(6)
        self.values.setLabelFormat(value_format)
        self.values.setLabelsFont(_font(-1))
        chart.addAxis(self.categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(self.values, Qt.AlignmentFlag.AlignBottom)
        self.series.attachAxis(self.categories)
        self.series.attachAxis(self.values)
        self.labels: list[str] = []  # top to bottom, as shown
        self._drawn: list[tuple[str, float, bool]] | None = None  # the rows drawn last
        self.series.hovered.connect(self._on_series_hovered)

    def _draw(self, rows: Sequence[tuple[str, float, bool]]) -> None:
        """(label, value, complete) from top to bottom. Bars as drawn already are left alone:
        a province's 112 labels cost the axis some 15 ms and the chart a repaint."""
        if list(rows) == self._drawn:
            return
        self._drawn = list(rows)
        self.labels = [label for label, _, _ in rows]
        # a horizontal bar chart draws its first category at the bottom
        ordered = list(reversed(rows))
        # More bars than lines of text fit in the chart (a province's 112 counties): QtCharts lays
        # every label out, some 40 ms a chart, to draw it as "…"; they are not drawn then, and a
        # bar's tooltip says its label. The axis then holds a number for each bar, the same from
        # one drawing to the next: a total that changed leaves the axis alone (setting 112 labels
        # again cost 15 ms, and laying the chart out again with them 20 ms more).
        labelled = len(rows) * QFontMetrics(self.categories.labelsFont()).height() <= self.height()
        if labelled:
            categories = [label for label, _, _ in ordered] or [""]
        else:
            categories = [str(place) for place in range(1, len(ordered) + 1)]
        if self.categories.labelsVisible() != labelled:
            self.categories.setLabelsVisible(labelled)
        complete = [value if done else 0.0 for _, value, done in ordered]
        incomplete = [0.0 if done else value for _, value, done in ordered]
        if ordered and self.complete_set.count() == len(ordered):
            # as many bars as drawn: their values changed in place (a set's append or remove lays
            # every bar out again) and the labels given again only if they changed
            if self.categories.categories() != categories:
                self.categories.setCategories(categories)
            for bars, values in ((self.complete_set, complete), (self.incomplete_set, incomplete)):
                for index, value in enumerate(values):
                    if bars.at(index) != value:
                        bars.replace(index, value)
            return
        self.complete_set.remove(0, self.complete_set.count())
        self.incomplete_set.remove(0, self.incomplete_set.count())
        self.categories.setCategories(categories)
        self.complete_set.append(complete)  # one signal a set, not one a bar
        self.incomplete_set.append(incomplete)

    def event(self, event: QEvent) -> bool:
        """The window's deactivation is not passed on to the chart (a dialog opened over the desk,
        another program chosen): its scene would have every item of the chart redrawn, some 5 ms
        alone and 10–25 ms a chart while the desk's reads run beside it, for a chart that looks
        the same active or not. Its scene stays active from the first activation on."""
        if event.type() == QEvent.Type.WindowDeactivate:
            return True
        return bool(super().event(event))

    def _set_title(self, title: str) -> None:
        """The chart's title, set only when it changed: setting it lays the whole chart out again
        (some 17 ms for a province's 112 bars), even when it says the same."""
        if self.chart().title() != title:
            self.chart().setTitle(title)

    def _on_series_hovered(self, status: bool, index: int, _bars: QBarSet) -> None:
        """The bar's label as its tooltip (the only place it is said when the labels are not drawn)."""
        if status and 0 <= index < len(self.labels):
            QToolTip.showText(QCursor.pos(), self.labels[len(self.labels) - 1 - index], self)
        else:
            QToolTip.hideText()

    def drawn(self, row: int) -> tuple[float, float]:
        """The row-th bar from the top as drawn: (its complete value, its incomplete value)."""
        index = len(self.labels) - 1 - row
        return self.complete_set.at(index), self.incomplete_set.at(index)


class TotalsChart(_BarChart):
    """Every county's weighted total, best first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            100,
            "%d",
            QCoreApplication.translate("Charts", "complete"),
            QCoreApplication.translate("Charts", "provisional: items unscored or a method's score missing"),
        )
        self.setObjectName("totals-chart")
        self.chart().setTitle(QCoreApplication.translate("Charts", "Weighted totals"))
        self.bars: list[TotalBar] = []
        self.waiting: list[str] = []  # the names of the counties not started

    def set_bars(self, bars: Sequence[TotalBar]) -> None:
        """The started counties as bars (a provisional one in the second colour, marked);
        the ones not started have no bar (a 0 would read as a result): the title names them."""
        self.bars = [bar for bar in bars if bar.started]
        self.waiting = [bar.name for bar in bars if not bar.started]
        rows = []
        for bar in self.bars:
            label = f"{bar.name}  {show(bar.total)}"
            if not bar.complete:
                label = QCoreApplication.translate("Charts", "{0} (provisional)").format(label)
            rows.append((label, float(bar.total), bar.complete))
        title = html.escape(QCoreApplication.translate("Charts", "Weighted totals"))
        if self.waiting:  # a second, smaller line under the title
            waiting = QCoreApplication.translate("Charts", "Not started (no bar): {0}").format(
                QCoreApplication.translate("Labels", ", ").join(self.waiting)
            )
            title += f"<br><span style='font-size: small; font-weight: normal; color: #666666'>{html.escape(waiting)}</span>"
        self._set_title(title)
        self._draw(rows)


class ProfileChart(_BarChart):
    """One county's inspection over the first-level indicators: the points counted as a
    share of each indicator's points."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            100,
            "%d%%",
            QCoreApplication.translate("Charts", "all items scored"),
            QCoreApplication.translate("Charts", "some items unscored (counted as nothing)"),
        )
        self.setObjectName("profile-chart")
        self.bars: list[ProfileBar] = []
        self.county = ""

    def set_profile(self, county: str, bars: Sequence[ProfileBar]) -> None:
        self.county, self.bars = county, list(bars)
        self._set_title(QCoreApplication.translate("Charts", "{0}: share of each first-level indicator's points").format(county))
        rows = []
        for bar in self.bars:
            share = bar.share
            if share is None:
                label = QCoreApplication.translate("Charts", "{0}  not scored").format(bar.name)
                rows.append((label, 0.0, False))
                continue
            percent = (share * 100).quantize(Decimal(1))
            label = QCoreApplication.translate("Charts", "{0}  {1}/{2} ({3}%)").format(
                bar.name, show(bar.counted), canonical(bar.points), percent
            )
            if not bar.complete:
                label += " " + QCoreApplication.translate("Charts", "{0}/{1} items").format(bar.scored_items, bar.items)
            rows.append((label, float(share * 100), bar.complete))
        self._draw(rows)

