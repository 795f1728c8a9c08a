"""The desk's first tab: every county's weighted result in a table, the totals chart and
the profile of the county chosen in the table beneath it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QTableWidgetItem, QWidget

from desktop.core.numbers import show, signed
from desktop.services import results as results_service
from desktop.services.workspace import Workspace
from desktop.ui import cells, labels
from desktop.ui.charts import ProfileChart, TotalsChart

_cell = cells.cell


class ResultsTab(QSplitter):
    """The results table above, the charts below."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self.ws = ws
        self.setObjectName("results-view")
        self.table = cells.table(self.headers())
        self.table.setObjectName("results")
        self.table.setSortingEnabled(True)
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

    def show_results(self, rows: list[Any], totals: list[results_service.TotalBar]) -> None:
        campaign = self.ws.campaign
        table = self.table
        chosen = self.selected_county()
        headers = self.headers()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        with cells.refilling(table, len(rows)):
            self._fill(rows)
        if table.horizontalHeader().sortIndicatorSection() == 0:
            table.sortItems(0, Qt.SortOrder.AscendingOrder)
        names = [table.item(r, 1).text() for r in range(table.rowCount())]
        if chosen is not None and campaign.county(chosen).name in names:  # the county chosen stays chosen
            table.blockSignals(True)
            table.setCurrentCell(names.index(campaign.county(chosen).name), 1)
            table.blockSignals(False)
        self.rows = rows
        self.totals_chart.set_bars(totals)
        self._refresh_profile()

    def _fill(self, rows: list[Any]) -> None:
        campaign, table = self.ws.campaign, self.table
        last = len(rows) + 1  # a county not started sorts after every rank
        pinyin = labels.pinyin_order([c.name for c in campaign.counties])
        for row, r in enumerate(rows):
            scores = [r.score_of(m.key) for m in campaign.methods]
            values: list[QTableWidgetItem] = [
                _cell(r.rank if r.started else "", right=True, sort_key=r.rank or last),
                _cell(campaign.county(r.county).name, sort_key=pinyin.get(campaign.county(r.county).name)),  # in pinyin order
                *[_cell("—" if v is None else show(v), right=True, sort_key=-1 if v is None else float(v)) for v in scores],
                _cell(signed(r.adjustment) if r.adjustments else "", right=True, sort_key=float(r.adjustment)),
                _cell(show(r.total) if r.started else "", right=True, sort_key=float(r.total) if r.started else -1),
                _cell(labels.grade(r), sort_key=r.rank or last),
                _cell(labels.data(campaign, r)),
            ]
            reasons = "\n".join(f"{signed(a.delta)} {a.reason}" for a in r.adjustments)
            for col, cell in enumerate(values):
                if not r.started:
                    cell.setForeground(QColor("#808080"))
                elif not r.complete:
                    cell.setForeground(QColor("#b26a00"))
                if reasons and col == 2 + len(campaign.methods):
                    cell.setToolTip(reasons)
                table.setItem(row, col, cell)

    def _refresh_profile(self) -> None:
        if not self.rows:
            return
        county = self.selected_county() or self.rows[0].county
        name = self.ws.campaign.county(county).name
        self.profile_chart.set_profile(name, results_service.profile(self.ws, county, self.rows))
