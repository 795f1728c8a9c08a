"""The desk's first tab: every county's weighted result in a table, the totals chart and
the profile of the county chosen in the table beneath it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QWidget

from desktop.core.numbers import show, signed
from desktop.services import results as results_service
from desktop.services.workspace import Workspace
from desktop.ui import cells, labels
from desktop.ui.charts import ProfileChart, TotalsChart

_cell = cells.Cell
_NOT_STARTED, _PROVISIONAL = QColor("#808080"), QColor("#b26a00")


class ResultsTab(QSplitter):
    """The results table above, the charts below."""

    def __init__(self, ws: Workspace, turns: Callable[[Iterable[Callable[[], None]]], None] | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.ws = ws
        self.setObjectName("results-view")
        self.table = cells.RecordTable(self.headers(), turns=turns)  # a province's 112 counties: Qt's own model
        self.table.setObjectName("results")
        self.table.setSortingEnabled(True)
        self.table.sortItems(0, Qt.SortOrder.AscendingOrder)  # by rank until the lead sorts by another column
        self.addWidget(self.table)
        charts = QWidget()
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        self.totals_chart = TotalsChart()
        self.profile_chart = ProfileChart()
        row.addWidget(self.totals_chart, 1)
        row.addWidget(self.profile_chart, 1)
        self.addWidget(charts)
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)
        self.setSizes([290, 400])  # at 1366×768 the seven counties of a campaign, all visible
        self.table.currentCellChanged.connect(lambda *_: self._refresh_profile())
        self.rows: list[Any] = []
        self._pinyin: tuple[object, dict[str, int]] = (None, {})  # (the campaign, its counties' pinyin order)

    def headers(self) -> list[str]:
        return [
            QCoreApplication.translate("LeadWindow", "Rank"),
            QCoreApplication.translate("LeadWindow", "County"),
            *[m.name for m in self.ws.campaign.methods],
            QCoreApplication.translate("LeadWindow", "Adjustment"),
            QCoreApplication.translate("LeadWindow", "Total"),
            QCoreApplication.translate("LeadWindow", "Grade"),
            QCoreApplication.translate("LeadWindow", "Data"),
        ]

    def selected_county(self) -> str | None:
        """The county of the table's current row (the code), if any."""
        row = self.table.currentRow()
        cell = self.table.item(row, 1) if row >= 0 else None
        if cell is None:
            return None
        named = self.ws.campaign.county_named(cell.text())
        return named.code if named else None

    def prepare(self, rows: list[Any], headers: list[str], order: cells.Order | None) -> cells.Built:
        """The table for these results under these headings, sorted by `order` (the table's when
        the read began): made off the GUI thread, in the desk's read."""
        return cells.build(headers, self._rows(rows), order)

    def show_results(
        self, rows: list[Any], totals: list[results_service.TotalBar], prepared: cells.Built | None = None,
    ) -> None:
        self.show_table(rows, prepared)
        self.show_totals(totals)
        self.show_profile()

    def show_table(self, rows: list[Any], prepared: cells.Built | None = None) -> None:
        """The table of the results (its rows made already when `prepared`); the charts apart."""
        campaign = self.ws.campaign
        table = self.table
        chosen = self.selected_county()
        table.set_headers(self.headers())
        self.rows = rows

        def choose_again() -> None:  # the county chosen stays chosen
            cells_shown = [table.item(r, 1) for r in range(table.rowCount())]
            names = [c.text() if c is not None else "" for c in cells_shown]
            if chosen is not None and campaign.county(chosen).name in names:
                table.blockSignals(True)
                table.setCurrentCell(names.index(campaign.county(chosen).name), 1)
                table.blockSignals(False)

        # sorted again only if the lead sorted since; a province's rows handed to Qt a part a turn
        table.set_rows(self._rows(rows) if prepared is None else prepared, then=choose_again)

    def show_totals(self, totals: list[results_service.TotalBar]) -> None:
        """The totals chart (a province's 112 bars and labels: some 15–40 ms of QtCharts' own)."""
        self.totals_chart.set_bars(totals)

    def show_profile(self) -> None:
        """The profile of the county chosen in the table as it stands."""
        self._refresh_profile()

    def _rows(self, rows: list[Any]) -> list[list[cells.Cell]]:
        campaign = self.ws.campaign
        last = len(rows) + 1  # a county not started sorts after every rank
        if self._pinyin[0] is not campaign:  # worked out once a campaign (a collator's comparisons, in Python)
            self._pinyin = (campaign, labels.pinyin_order([c.name for c in campaign.counties]))
        pinyin = self._pinyin[1]
        names = {c.code: c.name for c in campaign.counties}
        shown = []
        for r in rows:
            scores = [r.score_of(m.key) for m in campaign.methods]
            name = names[r.county]
            values = [
                _cell(r.rank if r.started else "", right=True, sort_key=r.rank or last),
                _cell(name, sort_key=pinyin.get(name)),  # in pinyin order
                *[_cell("—" if v is None else show(v), right=True, sort_key=-1 if v is None else float(v)) for v in scores],
                _cell(signed(r.adjustment) if r.adjustments else "", right=True, sort_key=float(r.adjustment)),
                _cell(show(r.total) if r.started else "", right=True, sort_key=float(r.total) if r.started else -1),
                _cell(labels.grade(r), sort_key=r.rank or last),
                _cell(labels.data(campaign, r)),
            ]
            if r.adjustments:
                values[2 + len(campaign.methods)].setToolTip("\n".join(f"{signed(a.delta)} {a.reason}" for a in r.adjustments))
            colour = _NOT_STARTED if not r.started else _PROVISIONAL if not r.complete else None
            for cell in values if colour is not None else ():
                cell.setForeground(colour)
            shown.append(values)
        return shown

    def _refresh_profile(self) -> None:
        if not self.rows:
            return
        county = self.selected_county() or self.rows[0].county
        name = self.ws.campaign.county(county).name
        self.profile_chart.set_profile(name, results_service.profile(self.ws, county, self.rows))
