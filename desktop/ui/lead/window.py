"""The team lead's desk (master role): the weighted results and their charts, the county
detail, the conflicts, the rectification board, the timeline and the merge history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QThreadPool, Slot
from PySide6.QtGui import QAction, QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.errors import KnownDatabaseError
from desktop import paths
from desktop.core import scoring
from desktop.core.errors import InputError
from desktop.core.inspection import InspectionMode
from desktop.core.numbers import canonical, show, signed
from desktop.services import desk, sync, tables
from desktop.services import results as results_service
from desktop.services.changes import Changes
from desktop.services.workspace import Workspace
from desktop.ui import cells, jobs, labels
from desktop.ui.board import RectificationBoard
from desktop.ui.charts import ProfileChart, TotalsChart
from desktop.ui.import_dialog import ImportDialog
from desktop.ui.item_view import mode_label
from desktop.ui.lead.decision import DecisionDialog
from desktop.ui.lead.merge_dialog import MergeDialog, fill_report, report_table, shown_value
from desktop.ui.messages import entity_name, explain, field_name
from desktop.ui.operations import Operations

_cell = cells.cell
_table = cells.table


class LeadWindow(QMainWindow):
    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws
        self._campaign_shown = ws.campaign  # the campaign the county lists were made from
        self.setWindowTitle(
            QCoreApplication.translate("LeadWindow", "Yanshou — team lead — {0} — {1}").format(
                ws.campaign.name, ws.path if ws.database.on_server else ws.path.name
            )
        )
        self.ops = Operations(self)  # every database call of the desk and its dialogs
        self.ops.changed.connect(self._on_changed)
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        self.results = _table(self._results_headers())
        self.results.setObjectName("results")
        self.results.setSortingEnabled(True)
        self.results_view = self._results_tab()
        self.tabs.addTab(self.results_view, QCoreApplication.translate("LeadWindow", "Results"))
        self.detail_view = self._detail_tab()
        self.tabs.addTab(self.detail_view, QCoreApplication.translate("LeadWindow", "County detail"))
        self.conflicts_view = self._conflicts_tab()
        self.tabs.addTab(self.conflicts_view, QCoreApplication.translate("LeadWindow", "Conflicts"))
        self.rectification_view = self._rectification_tab()
        self.tabs.addTab(self.rectification_view, QCoreApplication.translate("LeadWindow", "Rectification"))
        self.timeline = _table(
            [
                QCoreApplication.translate("LeadWindow", "Due"),
                QCoreApplication.translate("LeadWindow", "What"),
                QCoreApplication.translate("LeadWindow", "Progress"),
                QCoreApplication.translate("LeadWindow", "State"),
            ]
        )
        self.timeline.setObjectName("timeline")
        self.tabs.addTab(self.timeline, QCoreApplication.translate("LeadWindow", "Timeline"))
        self.history_view = self._history_tab()
        self.tabs.addTab(self.history_view, QCoreApplication.translate("LeadWindow", "Merge history"))
        bar = QToolBar(QCoreApplication.translate("LeadWindow", "Desk"))
        bar.setMovable(False)
        self.addToolBar(bar)
        merge_files = QAction(QCoreApplication.translate("LeadWindow", "Merge exports…"), self)
        merge_files.setObjectName("merge-files")
        merge_files.triggered.connect(self.choose_and_merge)
        merge_folder = QAction(QCoreApplication.translate("LeadWindow", "Merge a USB folder…"), self)
        merge_folder.triggered.connect(self.choose_folder_and_merge)
        decide = QAction(QCoreApplication.translate("LeadWindow", "Adjudicate / adjust…"), self)
        decide.setObjectName("decide")
        decide.triggered.connect(self.decide)
        import_scores = QAction(QCoreApplication.translate("LeadWindow", "Import scores…"), self)
        import_scores.setObjectName("import-scores")
        import_scores.triggered.connect(self.choose_sheet)
        export_results = QAction(QCoreApplication.translate("LeadWindow", "Export results…"), self)
        export_results.triggered.connect(lambda: self.export_table("results"))
        export_problems = QAction(QCoreApplication.translate("LeadWindow", "Export problems…"), self)
        export_problems.triggered.connect(lambda: self.export_table("problems"))
        print_documents = QAction(QCoreApplication.translate("LeadWindow", "Print…"), self)
        print_documents.setObjectName("print")
        print_documents.triggered.connect(self.print_documents)
        settings = QAction(QCoreApplication.translate("LeadWindow", "Campaign settings…"), self)
        settings.setObjectName("campaign-settings")
        settings.triggered.connect(self.edit_settings)
        refresh = QAction(QCoreApplication.translate("LeadWindow", "Refresh"), self)
        refresh.triggered.connect(self.refresh_all)
        actions = (merge_files, merge_folder, import_scores, decide, print_documents, export_results, export_problems, settings, refresh)
        for action in actions:
            bar.addAction(action)
        device = ws.identity.device_id[:8]
        if ws.database.on_server:  # several leads share it: say which server this desk works on
            where = QCoreApplication.translate("LeadWindow", "Master on the server {0} · device {1}").format(ws.path, device)
        else:
            where = QCoreApplication.translate("LeadWindow", "Master database · device {0}").format(device)
        self.statusBar().addPermanentWidget(QLabel(where))
        self.state_label = QLabel()  # what the check of the current state found (set in the background)
        self.state_label.setObjectName("state-check")
        self.statusBar().addWidget(self.state_label)
        self.refresh()
        # the stored results against a rebuild from the signed versions: off the GUI thread
        self.checks = QThreadPool(self)
        self.checks.setMaxThreadCount(1)
        jobs.start(self.checks, lambda: sync.check_state(ws), parent=self, done=self._on_state_checked,
                   failed=self._on_state_check_failed)

    @Slot(object)
    def _on_state_checked(self, report: object) -> None:
        if getattr(report, "equal", False):
            self.state_label.setText(QCoreApplication.translate("LeadWindow", "Results checked against the signed versions"))
            return
        self.state_label.setStyleSheet("color: #c62828; font-weight: bold")
        self.state_label.setText(QCoreApplication.translate(
            "LeadWindow", "The stored results differ from the signed versions (edited outside Yanshou): run yanshou verify"
        ))

    @Slot(object)
    def _on_state_check_failed(self, _exc: object) -> None:
        self.state_label.setText(QCoreApplication.translate("LeadWindow", "The results could not be checked just now"))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.checks.waitForDone()
        super().closeEvent(event)

    def show_first(self) -> None:
        self.tabs.setCurrentIndex(0)

    def wait_for_thumbnails(self, _msecs: int) -> bool:
        return True

    # --- tabs ----------------------------------------------------------------------------

    def _results_tab(self) -> QWidget:
        """The results table above, the charts below: every county's total, and the profile
        of the county selected in the table."""
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("results-view")
        splitter.addWidget(self.results)
        charts = QWidget()
        row = QHBoxLayout(charts)
        row.setContentsMargins(0, 0, 0, 0)
        self.totals_chart = TotalsChart()
        self.profile_chart = ProfileChart()
        row.addWidget(self.totals_chart, 1)
        row.addWidget(self.profile_chart, 1)
        splitter.addWidget(charts)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([290, 400])  # at 1366×768 the seven counties of a campaign, all visible
        self.results.currentCellChanged.connect(lambda *_: self._refresh_profile())
        self._rows: list[Any] = []
        return splitter

    def _results_headers(self) -> list[str]:
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
        """The county of the results table's current row (the code), if any."""
        row = self.results.currentRow()
        cell = self.results.item(row, 1) if row >= 0 else None
        if cell is None:
            return None
        named = self.ws.campaign.county_named(cell.text())
        return named.code if named else None

    def _refresh_profile(self) -> None:
        if not self._rows:
            return
        county = self.selected_county() or self._rows[0].county
        name = self.ws.campaign.county(county).name
        self.profile_chart.set_profile(name, results_service.profile(self.ws, county, self._rows))

    def _history_tab(self) -> QWidget:
        """合并记录: every merge and dry run kept in the master, a row each; below, the chosen
        one's report, file by file, as the merge dialog showed it."""
        widget = QWidget()
        layout = QVBoxLayout(widget)
        hint = QLabel(
            QCoreApplication.translate(
                "LeadWindow", "Every merge and dry run is kept in the master database. Choose one to see its report."
            )
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("history-split")  # kept as the lead left it (preferences)
        self.batches = _table(
            [
                QCoreApplication.translate("LeadWindow", "When"),
                QCoreApplication.translate("LeadWindow", "Kind"),
                QCoreApplication.translate("LeadWindow", "Files"),
                QCoreApplication.translate("LeadWindow", "Merged"),
                QCoreApplication.translate("LeadWindow", "Refused"),
                QCoreApplication.translate("LeadWindow", "New versions"),
                QCoreApplication.translate("LeadWindow", "Conflicts"),
            ]
        )
        self.batches.setObjectName("merge-batches")
        self.batches.currentCellChanged.connect(lambda row, *_: self._show_batch(row))
        splitter.addWidget(self.batches)
        self.history = report_table()
        self.history.setObjectName("history")
        splitter.addWidget(self.history)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self._batches: list[sync.BatchReport] = []
        return widget

    def _conflicts_tab(self) -> QWidget:
        widget = QWidget()
        layout = QVBoxLayout(widget)
        self.conflict_hint = QLabel()
        self.conflict_hint.setWordWrap(True)
        layout.addWidget(self.conflict_hint)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("conflicts-split")  # kept as the lead left it (preferences)
        self.conflict_list = _table(
            [
                QCoreApplication.translate("LeadWindow", "Conflict"),
                QCoreApplication.translate("LeadWindow", "Kind"),
                QCoreApplication.translate("LeadWindow", "County"),
                QCoreApplication.translate("LeadWindow", "Item"),
                QCoreApplication.translate("LeadWindow", "Record"),
                QCoreApplication.translate("LeadWindow", "Fields in question"),
            ]
        )
        self.conflict_list.setObjectName("conflicts")
        self.conflict_list.currentCellChanged.connect(lambda row, *_: self._show_conflict(row))
        splitter.addWidget(self.conflict_list)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        self.versions = QTableWidget()
        self.versions.setObjectName("versions")
        self.versions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        detail_layout.addWidget(self.versions)
        self.keep_buttons = QHBoxLayout()
        detail_layout.addLayout(self.keep_buttons)
        splitter.addWidget(detail)
        layout.addWidget(splitter, 1)
        self._conflicts: list[sync.Conflict] = []
        return widget

    def _detail_tab(self) -> QWidget:
        """A county from first-level indicators down to each inspector's score and findings."""
        widget = QWidget()
        layout = QVBoxLayout(widget)
        row = QHBoxLayout()
        row.addWidget(QLabel(QCoreApplication.translate("LeadWindow", "County")))
        self.detail_county = QComboBox()
        self.detail_county.setObjectName("detail-county")
        for c in self.ws.campaign.counties:
            self.detail_county.addItem(c.name, c.code)
        self.detail_county.currentIndexChanged.connect(lambda _i: self._refresh_detail())
        row.addWidget(self.detail_county)
        row.addStretch(1)
        layout.addLayout(row)
        self.detail = QTreeWidget()
        self.detail.setObjectName("detail")
        self.detail.setColumnCount(4)
        self.detail.setHeaderLabels(
            [
                QCoreApplication.translate("LeadWindow", "Indicator / inspector"),
                QCoreApplication.translate("LeadWindow", "Counted"),
                QCoreApplication.translate("LeadWindow", "Points"),
                QCoreApplication.translate("LeadWindow", "Findings, reasoning, evidence"),
            ]
        )
        self.detail.setColumnWidth(0, 420)
        self.detail.setColumnWidth(1, 90)
        self.detail.setColumnWidth(2, 60)
        layout.addWidget(self.detail, 1)
        return widget

    def _refresh_detail(self) -> None:
        self.refresh(frozenset({desk.Part.DETAIL}))

    def _show_detail(self, detail: dict[str, results_service.ItemDetail]) -> None:
        indicators = self.ws.campaign.indicator_set
        self.detail.clear()
        nodes: dict[str, QTreeWidgetItem] = {}
        unscored = QColor("#b26a00")
        for node in indicators.nodes:
            parent = nodes.get(node.parent) if node.parent else None
            item = QTreeWidgetItem([f"{node.code}  {node.name}", "", canonical(node.points), ""])
            item.setToolTip(0, node.name)
            (parent.addChild(item) if parent else self.detail.addTopLevelItem(item))
            nodes[node.code] = item
            if not node.is_item:
                continue
            d = detail[node.code]
            counted = d.counted
            item.setText(1, show(counted) if counted is not None else QCoreApplication.translate("LeadWindow", "unscored"))
            if counted is None:
                item.setForeground(1, unscored)
            notes = []
            if d.adjudicated is not None:
                notes.append(QCoreApplication.translate("LeadWindow", "adjudicated: {0}").format(d.adjudication_reason))
            if d.problems:
                notes.append(QCoreApplication.translate("LeadWindow", "{0} problems").format(d.problems))
            item.setText(3, "；".join(notes))
            for who, work in d.by_inspector.items():
                findings = "；".join(f"{mode_label(InspectionMode(m))}：{t}" for m, t in work.findings.items())
                extra = [findings] if findings else []
                if work.comment:
                    extra.append(QCoreApplication.translate("LeadWindow", "reasoning: {0}").format(work.comment))
                if work.evidence:
                    extra.append(QCoreApplication.translate("LeadWindow", "{0} evidence").format(work.evidence))
                child = QTreeWidgetItem([who, show(work.score) if work.score is not None else "—", "", "  ".join(extra)])
                child.setToolTip(3, "\n".join(extra))
                item.addChild(child)
        for node in indicators.nodes:  # subtotals of the first two levels
            if not node.is_item:
                got = scoring.subtotal(indicators, node.code, {code: d.counted for code, d in detail.items()})
                nodes[node.code].setText(1, show(got.score) if got.score is not None else "—")
                nodes[node.code].setText(3, QCoreApplication.translate("LeadWindow", "{0}/{1} items scored").format(got.scored, got.items))
        for i in range(self.detail.topLevelItemCount()):
            self.detail.topLevelItem(i).setExpanded(True)

    def _rectification_tab(self) -> QWidget:
        self.board = RectificationBoard(self.ws, ops=self.ops)
        self.board.overdue_changed.connect(self._show_overdue)
        self.board.changed.connect(lambda: self.refresh(frozenset({desk.Part.PROBLEMS, desk.Part.DETAIL})))
        self.problems, self.problem_filter, self.problem_county = self.board.problems, self.board.status_filter, self.board.county_filter
        return self.board

    @Slot(int)
    def _show_overdue(self, overdue: int) -> None:
        self.tabs.setTabText(
            self.tabs.indexOf(self.rectification_view),
            QCoreApplication.translate("LeadWindow", "Rectification ({0} overdue)").format(overdue)
            if overdue
            else QCoreApplication.translate("LeadWindow", "Rectification"),
        )

    def _refresh_problems(self) -> None:
        self.board.show_entries(self._all_problems)

    def mark(self, status: str) -> None:
        self.board.mark(status)

    def _refresh_timeline(self) -> None:
        today = dt.date.today()
        milestones = results_service.timeline(self.ws, self._rows, self._all_problems)
        self.timeline.setRowCount(len(milestones))
        for r, m in enumerate(milestones):
            days = (m.due - today).days
            if m.finished:
                state, colour = QCoreApplication.translate("LeadWindow", "done"), QColor("#2e7d32")
            elif m.overdue(today):
                state, colour = QCoreApplication.translate("LeadWindow", "overdue by {0} days").format(-days), QColor("#c62828")
            elif days < 0:
                state, colour = QCoreApplication.translate("LeadWindow", "past, {0} days ago").format(-days), None
            elif days == 0:
                state, colour = QCoreApplication.translate("LeadWindow", "due today"), QColor("#b26a00")
            else:
                state = QCoreApplication.translate("LeadWindow", "in {0} days").format(days)
                colour = QColor("#b26a00") if days <= 3 else None
            if m.unit == "counties":
                progress = QCoreApplication.translate("LeadWindow", "{0} of {1} counties").format(m.done, m.of)
            elif m.unit == "problems":
                progress = QCoreApplication.translate("LeadWindow", "{0} of {1} problems rectified").format(m.done, m.of)
            else:
                progress = ""
            for c, value in enumerate((m.due.isoformat(), m.name, progress, state)):
                cell = _cell(value)
                if colour is not None:
                    cell.setForeground(colour)
                self.timeline.setItem(r, c, cell)

    def print_documents(self) -> None:
        from desktop.ui.documents import SUMMARY, open_documents

        open_documents(self.ws, self, kind=SUMMARY)

    def edit_settings(self) -> None:
        """The campaign's settings, saved on the desk's writer: the views follow its changes
        (everything), the county lists with them."""
        from desktop.ui.campaign_dialog import open_settings

        open_settings(self.ws, self, self.ops)

    def campaign_changed(self) -> None:
        """The lead's settings changed (here, or with a merge): county lists follow, then every view."""
        for combo, everything in ((self.detail_county, False), (self.problem_county, True)):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            if everything:
                combo.addItem(QCoreApplication.translate("LeadWindow", "All counties"), "")
            for c in self.ws.campaign.counties:
                combo.addItem(c.name, c.code)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        self.refresh()

    def refresh(self, parts: frozenset[desk.Part] = desk.EVERY_PART) -> None:
        """Read the parts asked for off the GUI thread; draw them when they arrive."""
        county = self.detail_county.currentData()
        self.ops.query(lambda: desk.read(self.ws, parts, detail_county=str(county) if county else None), done=self._show_view)

    @Slot()
    def refresh_all(self) -> None:
        self.refresh()

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        """After a write: read again only the parts it concerns."""
        parts = desk.parts_for(changes)
        if parts:
            self.refresh(parts)

    def _show_view(self, view: desk.DeskView) -> None:
        # The lead's settings may have changed since the county lists were made: on a shared
        # server master by another lead, here by a merge or a kept version. Lists first.
        if view.campaign is not self._campaign_shown:
            self._campaign_shown = view.campaign
            self.campaign_changed()
            return
        if desk.Part.RESULTS in view.parts:
            self._show_results(list(view.rows), list(view.totals))
        if desk.Part.DETAIL in view.parts and view.detail is not None and view.detail_county == self.detail_county.currentData():
            self._show_detail(view.detail)
        if desk.Part.PROBLEMS in view.parts or desk.Part.RESULTS in view.parts:
            self._all_problems = list(view.problems)
            self._refresh_problems()
            self._refresh_timeline()
        if desk.Part.CONFLICTS in view.parts:
            self._show_conflicts(list(view.conflicts))
        if desk.Part.HISTORY in view.parts:
            self._show_history(list(view.batches))

    def _show_results(self, rows: list[Any], totals: list[results_service.TotalBar]) -> None:
        campaign = self.ws.campaign
        self.results.setSortingEnabled(False)
        headers = self._results_headers()
        self.results.setColumnCount(len(headers))
        self.results.setHorizontalHeaderLabels(headers)
        self.results.setRowCount(len(rows))
        last = len(rows) + 1  # a county not started sorts after every rank
        for row, r in enumerate(rows):
            scores = [r.score_of(m.key) for m in campaign.methods]
            values: list[QTableWidgetItem] = [
                _cell(r.rank if r.started else "", right=True, sort_key=r.rank or last),
                _cell(campaign.county(r.county).name),
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
                self.results.setItem(row, col, cell)
        self.results.setSortingEnabled(True)
        if self.results.horizontalHeader().sortIndicatorSection() == 0:
            self.results.sortItems(0, Qt.SortOrder.AscendingOrder)
        self._rows = rows
        self.totals_chart.set_bars(totals)
        self._refresh_profile()

    def _show_conflicts(self, conflicts: list[sync.Conflict]) -> None:
        self._conflicts = conflicts
        names = {c.code: c.name for c in self.ws.campaign.counties}
        hard = sum(c.kind == "hard" for c in self._conflicts)
        self.conflict_hint.setText(
            QCoreApplication.translate(
                "LeadWindow",
                "{0} open conflicts, {1} of them hard. Hard: the same field was changed two ways, the later one is shown "
                "until you keep one. Soft: different fields, merged; listed so you can check.",
            ).format(len(self._conflicts), hard)
        )
        self.tabs.setTabText(
            self.tabs.indexOf(self.conflicts_view), QCoreApplication.translate("LeadWindow", "Conflicts ({0})").format(len(self._conflicts))
        )
        self.conflict_list.setRowCount(len(self._conflicts))
        for row, c in enumerate(self._conflicts):
            kind = (
                QCoreApplication.translate("LeadWindow", "hard") if c.kind == "hard" else QCoreApplication.translate("LeadWindow", "soft")
            )
            fields = "、".join(field_name(f) for f in c.fields)
            for col, value in enumerate((c.id, kind, names.get(c.county, c.county), c.item, entity_name(c.entity), fields)):
                cell = _cell(value)
                if c.kind == "hard":
                    cell.setForeground(QColor("#c62828"))
                self.conflict_list.setItem(row, col, cell)
        self._show_conflict(self.conflict_list.currentRow())

    def _show_conflict(self, row: int) -> None:
        while self.keep_buttons.count():
            item = self.keep_buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if not 0 <= row < len(self._conflicts):
            self.versions.setRowCount(0)
            self.versions.setColumnCount(0)
            return
        conflict = self._conflicts[row]
        names = {c.code: c.name for c in self.ws.campaign.counties}
        keys = sorted({k for v in conflict.versions for k in v.payload} | {"deleted"})
        self.versions.setColumnCount(len(conflict.versions))
        self.versions.setRowCount(len(keys) + 2)
        self.versions.setVerticalHeaderLabels(
            [
                QCoreApplication.translate("LeadWindow", "who"),
                QCoreApplication.translate("LeadWindow", "when"),
                *[field_name(k) for k in keys],
            ]
        )
        self.versions.setHorizontalHeaderLabels([v.version_id[:12] for v in conflict.versions])
        for col, v in enumerate(conflict.versions):
            master = QCoreApplication.translate("LeadWindow", "(master)")
            who = f"{v.inspector or master} · {v.device_id[:8]}"
            self.versions.setItem(0, col, _cell(who))
            self.versions.setItem(1, col, _cell(v.written.strftime("%Y-%m-%d %H:%M:%S UTC")))
            for r, key in enumerate(keys, start=2):
                value = v.deleted if key == "deleted" else v.payload.get(key, "")
                if key == "county":
                    value = names.get(str(value), value)
                else:
                    value = shown_value(conflict.entity, key, value)
                cell = _cell(
                    QCoreApplication.translate("LeadWindow", "yes")
                    if value is True
                    else (QCoreApplication.translate("LeadWindow", "no") if value is False else value)
                )
                if key in conflict.fields or (key == "deleted" and "deleted" in conflict.fields):
                    cell.setBackground(QColor("#fff3cd"))
                self.versions.setItem(r, col, cell)
            keep = QPushButton(QCoreApplication.translate("LeadWindow", "Keep {0}").format(v.version_id[:8]))
            keep.setObjectName(f"keep-{v.version_id}")
            keep.clicked.connect(lambda _c=False, c=conflict, vid=v.version_id: self.keep(c, vid))
            self.keep_buttons.addWidget(keep)
        self.versions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def keep(self, conflict: sync.Conflict, version_id: str) -> None:
        def resolve() -> Changes:
            sync.resolve(self.ws, conflict.id, version_id)
            return Changes(frozenset({conflict.entity}), conflicts=True)

        def refused(exc: BaseException) -> None:
            if not isinstance(exc, InputError | KnownDatabaseError):
                paths.log_error(exc)
            QMessageBox.critical(self, QCoreApplication.translate("LeadWindow", "Conflicts"), explain(exc))
            self.refresh(frozenset({desk.Part.CONFLICTS}))  # the list as it is now

        self.ops.write(resolve, failed=refused)

    def _show_history(self, batches: list[sync.BatchReport]) -> None:
        shown = self._batches[self.batches.currentRow()].key if 0 <= self.batches.currentRow() < len(self._batches) else None
        known = {b.key for b in self._batches}
        self._batches = batches
        self.batches.setRowCount(len(self._batches))
        for row, batch in enumerate(self._batches):
            try:
                when = dt.datetime.fromisoformat(batch.at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
            except ValueError:
                when = batch.at
            files = batch.files
            values = (
                when,
                QCoreApplication.translate("LeadWindow", "dry run") if batch.dry_run else QCoreApplication.translate("LeadWindow", "merge"),
                len(files),
                sum(f.status in {"merged", "dry-run"} for f in files),
                sum(f.status == "refused" for f in files),
                sum(f.versions_added for f in files),
                sum(f.conflicts for f in files),
            )
            for col, value in enumerate(values):
                cell = _cell(value, right=isinstance(value, int))
                if batch.dry_run:
                    cell.setForeground(QColor("#5f6b7a"))
                self.batches.setItem(row, col, cell)
        keys = [b.key for b in self._batches]
        # after a new merge or dry run, its report; otherwise the one the lead was looking at
        row = keys.index(shown) if shown in keys and set(keys) <= known else 0
        if keys:
            self.batches.setCurrentCell(row, 0)
        self._show_batch(row if keys else -1)

    def _show_batch(self, row: int) -> None:
        fill_report(self.history, list(self._batches[row].files) if 0 <= row < len(self._batches) else [])

    # --- merging -------------------------------------------------------------------------

    def choose_and_merge(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            QCoreApplication.translate("LeadWindow", "Laptop exports"),
            str(Path.home()),
            QCoreApplication.translate("LeadWindow", "Yanshou export (*.yanshou *.db)"),
        )
        if files:
            self.merge([Path(f) for f in files])

    def choose_folder_and_merge(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, QCoreApplication.translate("LeadWindow", "USB folder with exports"), str(Path.home())
        )
        if folder:
            files = sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() in {".yanshou", ".db"})
            if not files:
                QMessageBox.information(
                    self, self.windowTitle(),
                    QCoreApplication.translate("LeadWindow", "No exports (.yanshou or .db files) in {0}.").format(folder),
                )
                return
            self.merge(files)

    def decide(self) -> DecisionDialog:
        row = self.results.currentRow()
        county = None
        if row >= 0 and self.results.item(row, 1):
            named = self.ws.campaign.county_named(self.results.item(row, 1).text())
            county = named.code if named else None
        dialog = DecisionDialog(self, self.ws, county, ops=self.ops)  # its writes' changes reach the desk
        dialog.open()
        return dialog

    def export_table(self, which: str, target: Path | None = None) -> None:
        """The results or the problem list as XLSX or CSV, read and written off the GUI
        thread; the status bar says where it went."""
        if target is None:
            stem = tables.TABLES[which][0]
            name, _ = QFileDialog.getSaveFileName(
                self,
                QCoreApplication.translate("LeadWindow", "Export"),
                str(Path.home() / f"{stem}.xlsx"),
                QCoreApplication.translate("LeadWindow", "Excel workbook (*.xlsx);;CSV (*.csv)"),
            )
            if not name:
                return
            target = Path(name)
        chosen = target

        def saved(path: Path) -> None:
            self.statusBar().showMessage(QCoreApplication.translate("LeadWindow", "Saved {0}").format(path), 60_000)

        def refused(exc: BaseException) -> None:
            if isinstance(exc, InputError):
                QMessageBox.warning(self, QCoreApplication.translate("LeadWindow", "Export"), explain(exc))
            else:
                self.ops.show_failure(exc)

        self.ops.query(lambda: tables.export(self.ws, which, chosen), done=saved, failed=refused)

    def choose_sheet(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            QCoreApplication.translate("LeadWindow", "Score sheet"),
            str(Path.home()),
            QCoreApplication.translate("LeadWindow", "Score sheets (*.csv *.xlsx)"),
        )
        if name:
            self.import_sheet(Path(name))

    def import_sheet(self, path: Path) -> ImportDialog:
        dialog = ImportDialog(self, self.ws, path, ops=self.ops)
        dialog.imported.connect(lambda said: self.statusBar().showMessage(said, 60_000))  # what went in, said on the desk
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog

    def merge(self, files: list[Path]) -> MergeDialog:
        dialog = MergeDialog(self, self.ws, files)
        dialog.finished.connect(lambda _r: self.campaign_changed())
        dialog.open()
        return dialog


def desk_or_field(ws: Workspace) -> Any:
    """The window for a database: the lead's desk for a master, the inspector's otherwise."""
    if ws.identity.role == "master":
        return LeadWindow(ws)
    from desktop.ui.main_window import MainWindow

    return MainWindow(ws)
