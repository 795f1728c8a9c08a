"""The desk's 一致性 tab: where the inspectors disagree. Every county item scored by two or
more inspectors with their scores side by side and the spread, flagged at the lead's
threshold; how far each inspector sits from the others; the spread under each first-level
indicator as a chart; and, from a row, the adjudication of that item (the decision dialog,
on the desk's writer). The numbers are desktop.services.agreement's; this module draws them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalStackedBarSeries, QValueAxis
from PySide6.QtCore import QCoreApplication, QMargins, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.core.agreement import IndicatorSpread
from desktop.core.numbers import canonical, round_half_up, show, signed
from desktop.services import agreement
from desktop.services.agreement import Agreement, SpreadRow
from desktop.services.changes import Changes
from desktop.services.workspace import Workspace
from desktop.ui import cells
from desktop.ui.lead.decision import DecisionDialog
from desktop.ui.operations import Operations

HARD = QColor("#c62828")  # flagged, not settled: as the conflicts tab's hard conflicts
WARNING = QColor("#b26a00")  # flagged and adjudicated: settled, still worth seeing
MEAN = QColor("#1e6bb8")  # the results' charts' blue
DEFAULT = -0.5  # the spin box's value for "a third of each item's points" (its special text)
_POSITION = Qt.ItemDataRole.UserRole + 1  # a table row's index in the rows shown (the table sorts)


def points(value: Decimal) -> str:
    """A spread, a threshold or a mean as the tab shows it: two places at most ("0.67", "1.5", "2")."""
    return canonical(round_half_up(value))


class SpreadChart(QChartView):
    """The mean spread under each first-level indicator as horizontal bars (names on the
    left, as the results' charts), the set's first indicator at the top; red where an item
    under it is flagged. Each label says how many items were compared, flagged, and the
    largest spread, so no legend takes the height the five names need."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spread-chart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        font = QFont(QApplication.font())
        title = QFont(font)
        title.setBold(True)
        small = QFont(font)
        small.setPointSizeF(max(6.0, font.pointSizeF() - 1))
        chart.setTitleFont(title)
        chart.setTitle(QCoreApplication.translate("LeadWindow", "Mean spread by first-level indicator (points)"))
        chart.legend().setVisible(False)
        self.setChart(chart)
        # two sets stacked, a category's bar in one of them only: its colour says whether it has a flagged item
        self.calm_set = QBarSet("")
        self.calm_set.setColor(MEAN)
        self.calm_set.setBorderColor(MEAN)
        self.flagged_set = QBarSet("")
        self.flagged_set.setColor(HARD)
        self.flagged_set.setBorderColor(HARD)
        self.series = QHorizontalStackedBarSeries()
        self.series.setBarWidth(0.6)
        self.series.append(self.calm_set)
        self.series.append(self.flagged_set)
        chart.addSeries(self.series)
        self.categories = QBarCategoryAxis()
        self.categories.setLabelsFont(font)
        self.values = QValueAxis()
        self.values.setLabelFormat("%.1f")
        self.values.setLabelsFont(small)
        chart.addAxis(self.categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(self.values, Qt.AlignmentFlag.AlignBottom)
        self.series.attachAxis(self.categories)
        self.series.attachAxis(self.values)
        self.labels: list[str] = []  # top to bottom, as shown
        self.setMinimumHeight(200)  # below it, QtCharts leaves the five indicators' names out

    def set_indicators(self, indicators: tuple[IndicatorSpread, ...]) -> None:
        self.labels = []
        for i in indicators:
            if not i.compared or i.largest is None:
                self.labels.append(QCoreApplication.translate("LeadWindow", "{0}  nothing compared").format(i.name))
            elif i.flagged:
                self.labels.append(QCoreApplication.translate("LeadWindow", "{0}  {1} items, {2} flagged, largest {3}").format(
                    i.name, i.compared, i.flagged, canonical(i.largest)))
            else:
                self.labels.append(QCoreApplication.translate("LeadWindow", "{0}  {1} items, largest {2}").format(
                    i.name, i.compared, canonical(i.largest)))
        ordered = list(reversed(indicators))  # a horizontal bar chart draws its first category at the bottom
        self.calm_set.remove(0, self.calm_set.count())
        self.flagged_set.remove(0, self.flagged_set.count())
        self.categories.clear()
        self.categories.append(list(reversed(self.labels)) or [""])
        for i in ordered:
            mean = float(i.mean_spread or 0)
            self.calm_set.append(0.0 if i.flagged else mean)
            self.flagged_set.append(mean if i.flagged else 0.0)
        top = max((float(i.mean_spread) for i in indicators if i.mean_spread is not None), default=0.0)
        self.values.setRange(0, max(1, math.ceil(top)))
        self.values.setTickCount(max(2, min(6, math.ceil(top) + 1)))

    def drawn(self, row: int) -> tuple[float, bool]:
        """The row-th indicator from the top as drawn: (its mean spread, whether its bar is red)."""
        index = len(self.labels) - 1 - row
        calm, flagged = self.calm_set.at(index), self.flagged_set.at(index)
        return calm + flagged, bool(flagged)


def _against_all(row: SpreadRow) -> str:
    """A row's scores each against the mean of the others' (the Scores cell's tooltip)."""
    return "\n".join(_against_others(row, who) for who in row.spread.scores)


def _against_others(row: SpreadRow, who: str) -> str:
    difference = row.spread.difference(who)
    return QCoreApplication.translate("LeadWindow", "{0} {1}: {2} against the others' mean of {3}").format(
        who, canonical(row.spread.scores[who]), signed(difference), points(row.spread.others_mean(who)))


@dataclass(frozen=True)
class _Drawn:
    """The agreement and the table's rows made from it, off the GUI thread."""

    found: Agreement
    rows: cells.Built | None  # the table, sorted as it was when made; None: the agreement is as shown
    flagged: int
    settled: int  # of the flagged, those adjudicated
    base: Agreement | None = None  # the agreement shown, when this one equals it


class AgreementTab(QWidget):
    """The rows above; each inspector's distance and the chart below."""

    counted = Signal(int)
    """How many county items are flagged at the threshold shown (the tab's title says it)."""

    def __init__(self, ws: Workspace, ops: Operations) -> None:
        # Long on purpose: it builds the tab's widgets in the order they are laid out.
        super().__init__()
        self.ws, self.ops = ws, ops
        self.undo: QUndoStack | None = None  # the desk's: an adjudication made here can be taken back
        self.setObjectName("agreement-view")
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.hint = QLabel()
        self.hint.setObjectName("agreement-hint")
        self.hint.setWordWrap(True)
        bar.addWidget(self.hint, 1)
        bar.addWidget(QLabel(QCoreApplication.translate("LeadWindow", "Flag a spread of")))
        self.threshold = QDoubleSpinBox()
        self.threshold.setObjectName("agreement-threshold")
        self.threshold.setDecimals(1)
        self.threshold.setSingleStep(0.5)
        self.threshold.setRange(DEFAULT, 100.0)
        self.threshold.setSpecialValueText(QCoreApplication.translate("LeadWindow", "a third of the item's points"))
        self.threshold.setSuffix(QCoreApplication.translate("LeadWindow", " points"))
        self.threshold.setValue(DEFAULT)
        self.threshold.setToolTip(QCoreApplication.translate(
            "LeadWindow", "A row is flagged when its spread (highest score minus lowest) reaches this. "
            "Stepped below 0, the default: a third of each item's points."))
        bar.addWidget(self.threshold)
        self.adjudicate_button = QPushButton(QCoreApplication.translate("LeadWindow", "Adjudicate…"))
        self.adjudicate_button.setObjectName("agreement-adjudicate")
        self.adjudicate_button.setEnabled(False)
        bar.addWidget(self.adjudicate_button)
        layout.addLayout(bar)
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("agreement-split")  # kept as the lead left it (preferences; LeadWindow.kept_splitters)
        # a province's counties × items: thousands of rows, a model drawn as it is seen
        self.table = cells.RecordTable(
            turns=ops.in_turns,
            headers=[
                QCoreApplication.translate("LeadWindow", "County"),
                QCoreApplication.translate("LeadWindow", "Item"),
                QCoreApplication.translate("LeadWindow", "Points"),
                QCoreApplication.translate("LeadWindow", "Scores"),
                QCoreApplication.translate("LeadWindow", "Spread"),
                QCoreApplication.translate("LeadWindow", "Flag at"),
                QCoreApplication.translate("LeadWindow", "Status"),
                QCoreApplication.translate("LeadWindow", "Adjudicated"),
            ]
        )
        self.table.setObjectName("agreement")
        self.table.setSortingEnabled(True)
        self.table.sortItems(0, Qt.SortOrder.AscendingOrder)  # the campaign's order until the lead sorts by another column
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the item's text takes what the numbers leave
        splitter.addWidget(self.table)
        below = QWidget()
        row = QHBoxLayout(below)
        row.setContentsMargins(0, 0, 0, 0)
        people = QWidget()
        people_layout = QVBoxLayout(people)
        people_layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(QCoreApplication.translate(
            "LeadWindow", "How far each inspector's scores sit from the others' mean (difference above 0: higher than the others)"))
        caption.setWordWrap(True)
        people_layout.addWidget(caption)
        self.inspectors = cells.table(
            [
                QCoreApplication.translate("LeadWindow", "Inspector"),
                QCoreApplication.translate("LeadWindow", "Items compared"),
                QCoreApplication.translate("LeadWindow", "Mean distance"),
                QCoreApplication.translate("LeadWindow", "Mean difference"),
                QCoreApplication.translate("LeadWindow", "Flagged"),
            ]
        )
        self.inspectors.setObjectName("agreement-inspectors")
        self.inspectors.horizontalHeader().setStretchLastSection(False)
        self.inspectors.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        people_layout.addWidget(self.inspectors, 1)
        row.addWidget(people, 2)
        self.chart = SpreadChart()
        row.addWidget(self.chart, 3)  # its labels are long: the inspectors need less
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([250, 240])  # in the desk at 1366×768: six rows above, the chart's five indicators readable below
        layout.addWidget(splitter, 1)
        self.shown: Agreement | None = None
        self.threshold.valueChanged.connect(self._on_threshold_changed)
        self.adjudicate_button.clicked.connect(self._on_adjudicate_clicked)
        self.table.cellDoubleClicked.connect(self._on_table_double_clicked)
        self.table.currentCellChanged.connect(self._on_table_current_changed)
        # when to read again after a write: at once, or as the desk says (after its own view is drawn)
        self.later: Callable[[Callable[[], None]], None] = lambda read: read()
        self.ops.changed.connect(self._on_ops_changed)

    # --- reading -------------------------------------------------------------------------

    def minimum(self) -> Decimal | None:
        """The threshold the lead set, in points; None: a third of each item's points."""
        value = self.threshold.value()
        return None if value < 0 else Decimal(str(value))

    def refresh(self) -> None:
        """Read the agreement at the threshold shown and make the table's rows, sorted as the
        table is, off the GUI thread (a province has thousands); shown when they arrive."""
        ws, minimum, order, shown = self.ws, self.minimum(), self.table.order, self.shown
        self.ops.query(lambda: self._drawn(agreement.agreement_of(ws, minimum), order, shown), done=self._show_drawn)

    @Slot(float)
    def _on_threshold_changed(self, _value: float) -> None:
        self.refresh()

    @Slot(object)
    def _on_ops_changed(self, changes: Changes) -> None:
        """A score or an adjudication written (here, by a merge, a kept version): read again."""
        if changes.touches("score", "adjudication") or changes.conflicts:
            self.later(self.refresh)

    # --- drawing -------------------------------------------------------------------------

    def show_agreement(self, found: Agreement) -> None:
        """The agreement as read (its rows made here, on the GUI thread: a refresh makes
        them in its job)."""
        self._show_drawn(self._drawn(found, self.table.order))

    def _drawn(self, found: Agreement, order: cells.Order | None, shown: Agreement | None = None) -> _Drawn:
        """What the tab shows of the agreement, made off the GUI thread: the table's rows, sorted
        by `order` (the table's when the read began), and the counts the hint says; nothing
        when it equals what was `shown` then."""
        if shown is not None and found == shown:
            return _Drawn(found, None, 0, 0, base=shown)
        flagged = found.flagged
        return _Drawn(found, cells.build(self.table.headers, self._rows(found.rows), order), len(flagged),
                      sum(r.adjudicated is not None for r in flagged))

    def _show_drawn(self, drawn: _Drawn) -> None:
        found = drawn.found
        if found.minimum != self.minimum():  # the lead moved the threshold since: its own answer follows
            return
        if drawn.rows is None:  # as shown: nothing to draw while it is still what is shown
            if drawn.base is self.shown:
                return
            drawn = self._drawn(found, self.table.order)
        assert drawn.rows is not None
        chosen = self.chosen()
        keep = (chosen.spread.county, chosen.spread.item) if chosen is not None else None
        self.shown = found
        if not found.rows:
            self.hint.setText(QCoreApplication.translate("LeadWindow", "No item of any county is scored by two or more inspectors yet."))
        else:
            self.hint.setText(QCoreApplication.translate(
                "LeadWindow", "{0} county items scored by two or more inspectors; {1} flagged, {2} of them adjudicated."
            ).format(len(found.rows), drawn.flagged, drawn.settled))
        self.counted.emit(drawn.flagged)

        def shown() -> None:  # once the table holds them: the row chosen again, then the rest, a turn each
            self._choose(found.rows, keep)
            self.ops.in_turns([lambda: self._fill_inspectors(found), lambda: self.chart.set_indicators(found.indicators)])

        self.table.set_rows(drawn.rows, then=shown)  # sorted again only if the lead sorted meanwhile

    def _rows(self, rows: tuple[SpreadRow, ...]) -> list[list[cells.Cell]]:
        """The table's rows: plain cells, made wherever the agreement was read."""
        indicators = self.ws.campaign.indicator_set
        shown: list[list[cells.Cell]] = []
        for n, r in enumerate(rows):
            s = r.spread
            node = indicators.find(s.item)
            name = node.name if node is not None else ""
            flagged = r.flagged
            if flagged and r.adjudicated is not None:
                status = QCoreApplication.translate("LeadWindow", "flagged, adjudicated")
            elif flagged:
                status = QCoreApplication.translate("LeadWindow", "flagged")
            else:
                status = ""
            values = [
                cells.Cell(r.county_name, sort_key=n),  # by code, the order of the campaign
                cells.Cell(f"{s.item}  {name}", sort_key=n),  # elided to the column; whole in the tooltip
                cells.Cell(canonical(s.points), right=True, sort_key=float(s.points)),
                cells.Cell("　".join(f"{who} {canonical(score)}" for who, score in s.scores.items())),
                cells.Cell(canonical(s.spread), right=True, sort_key=float(s.spread)),
                cells.Cell(points(s.threshold), right=True, sort_key=float(s.threshold)),
                cells.Cell(status, sort_key=(0 if flagged and r.adjudicated is None else 1 if flagged else 2, n)),
                cells.Cell("" if r.adjudicated is None else canonical(r.adjudicated), right=True,
                           sort_key=-1.0 if r.adjudicated is None else float(r.adjudicated)),
            ]
            values[0].setData(_POSITION, n)
            values[1].setToolTip(f"{s.item} {name}")
            values[3].setToolTip(partial(_against_all, r))  # worked out when the mouse rests on it
            if flagged:
                colour = HARD if r.adjudicated is None else WARNING
                for cell in values:
                    cell.setForeground(colour)
            shown.append(values)
        return shown

    def _choose(self, rows: tuple[SpreadRow, ...], keep: tuple[str, str] | None) -> None:
        """The row the lead had chosen, chosen again after a refresh (the table may have moved)."""
        for visual in range(self.table.rowCount() if keep is not None else 0):
            cell = self.table.item(visual, 0)
            position = cell.data(_POSITION) if cell is not None else None
            if isinstance(position, int) and (rows[position].spread.county, rows[position].spread.item) == keep:
                self.table.setCurrentCell(visual, self.table.currentColumn() if self.table.currentColumn() >= 0 else 0)
                break
        else:
            self.table.setCurrentCell(-1, -1)
        self._on_table_current_changed(self.table.currentRow())

    def _fill_inspectors(self, found: Agreement) -> None:
        table = self.inspectors
        with cells.refilling(table, len(found.inspectors)):
            for n, d in enumerate(found.inspectors):
                values = [
                    cells.cell(d.inspector),
                    cells.cell(d.compared, right=True),
                    cells.cell(show(d.mean_deviation), right=True),
                    cells.cell(signed(d.mean_difference), right=True),
                    cells.cell(d.flagged, right=True),
                ]
                for col, cell in enumerate(values):
                    table.setItem(n, col, cell)

    # --- adjudicating --------------------------------------------------------------------

    def chosen(self) -> SpreadRow | None:
        """The row of the table's current line, if any."""
        return self._row_at(self.table.currentRow())

    def _row_at(self, visual: int) -> SpreadRow | None:
        cell = self.table.item(visual, 0) if visual >= 0 else None
        if cell is None or self.shown is None:
            return None
        position = cell.data(_POSITION)
        return self.shown.rows[position] if isinstance(position, int) and position < len(self.shown.rows) else None

    @Slot(int, int, int, int)
    def _on_table_current_changed(self, row: int, *_: int) -> None:
        self.adjudicate_button.setEnabled(self._row_at(row) is not None)

    @Slot(int, int)
    def _on_table_double_clicked(self, row: int, _column: int) -> None:
        self.adjudicate(row)

    @Slot()
    def _on_adjudicate_clicked(self) -> None:
        self.adjudicate()

    def adjudicate(self, row: int | None = None) -> DecisionDialog | None:
        """The decision dialog for the county and item of a table row (the current one by
        default), on the desk's operations: its write's changes reach this tab and the desk."""
        found = self._row_at(self.table.currentRow() if row is None else row)
        if found is None:
            return None
        dialog = DecisionDialog(self, self.ws, found.spread.county, ops=self.ops, item=found.spread.item, undo=self.undo)
        dialog.open()
        return dialog
