"""The team lead's desk (master role): a window of tabs — the weighted results and their
charts, the county detail, the conflicts, the rectification board, the timeline and the
merge history, each a module of its own beside this one — with the toolbar's work (merge,
import, adjudicate, print, export, settings) and the one place that reads the desk's data
(`refresh`, after a write only the parts its changes concern)."""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QThreadPool, Slot
from PySide6.QtGui import QAction, QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolBar,
    QWidget,
)

from desktop.core.errors import InputError
from desktop.core.search import HitKind
from desktop.services import desk, folders, records, sync, tables
from desktop.services import results as results_service
from desktop.services.changes import Changes
from desktop.services.search import Hit
from desktop.services.workspace import Workspace
from desktop.ui import cells, files, jobs, messages
from desktop.ui.board import BoardRows, RectificationBoard
from desktop.ui.history import HistoryDialog, RecycleBin
from desktop.ui.import_dialog import ImportDialog
from desktop.ui.lead.agreement_tab import AgreementTab
from desktop.ui.lead.conflicts_tab import ConflictsTab
from desktop.ui.lead.decision import DecisionDialog
from desktop.ui.lead.detail_tab import DetailTab
from desktop.ui.lead.devices_tab import DevicesTab
from desktop.ui.lead.history_tab import HistoryTab
from desktop.ui.lead.merge_dialog import MergeDialog
from desktop.ui.lead.results_tab import ResultsTab
from desktop.ui.lead.timeline_tab import show_milestones, timeline_table
from desktop.ui.messages import explain
from desktop.ui.operations import Operations
from desktop.ui.search import SearchBox
from desktop.ui.undo import undo_actions


@dataclass(frozen=True)
class _Read:
    """A read of the desk and what was made of it off the GUI thread (LeadWindow._made)."""

    view: desk.DeskView
    data: dict[desk.Part, object]  # each part read, as the desk keeps what it shows (_parts_of)
    base: dict[desk.Part, object]  # what was shown of each when the read began
    same: frozenset[desk.Part]  # the parts equal to it: nothing to draw, if it is still what is shown
    results: cells.Built | None  # the results table, if they changed
    board: BoardRows | None  # the board's, if the problems changed


def _parts_of(view: desk.DeskView, conflicts: Sequence[sync.Conflict]) -> dict[desk.Part, object]:
    """What each part of the view shows, in a form that compares: two reads that give equal
    values draw the same. The detail's items in conflict come from `conflicts`."""
    parts = view.parts
    data: dict[desk.Part, object] = {}
    if desk.Part.RESULTS in parts:
        data[desk.Part.RESULTS] = (view.rows, view.totals)
    if desk.Part.DETAIL in parts and view.detail is not None:
        county = view.detail_county
        data[desk.Part.DETAIL] = (county, view.detail, frozenset(c.item for c in conflicts if c.county == county))
    if desk.Part.PROBLEMS in parts or desk.Part.RESULTS in parts:
        data[desk.Part.PROBLEMS] = view.problems
    if desk.Part.CONFLICTS in parts:
        data[desk.Part.CONFLICTS] = view.conflicts
    if desk.Part.HISTORY in parts:
        data[desk.Part.HISTORY] = view.batches
    return data


class LeadWindow(QMainWindow):
    def __init__(self, ws: Workspace) -> None:
        # Long on purpose: it builds the desk — its tabs, toolbar and status bar — in the order they
        # are laid out; each tab is a module of its own.
        super().__init__()
        self.ws = ws
        self._campaign_shown = ws.campaign  # the campaign the county lists were made from
        self._drawn_once = False  # drawn once: the reads after the first drawing begun (_on_drawn)
        self._shown: dict[desk.Part, object] = {}  # what each part shows now (_parts_of): a read equal to it draws nothing
        self._reading = 0  # the desk's own reads under way (refresh)
        self._waiting: dict[Callable[[], None], None] = {}  # tabs' reads to begin once those are drawn (_after_view)
        self.setWindowTitle(
            QCoreApplication.translate("LeadWindow", "Yanshou — team lead — {0} — {1}").format(
                ws.campaign.name, ws.path if ws.database.on_server else ws.path.name
            )
        )
        self.ops = Operations(self)  # every database call of the desk and its dialogs
        self.ops.changed.connect(self._on_changed)
        self.ops.drawn.connect(self._on_drawn)
        self.undo_stack = QUndoStack(self)  # the lead's decisions, written or withdrawn, taken back
        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        # one box over items' text, findings, problems, captions and inspectors, beside the tabs
        self.search = SearchBox(self.ops, ws, self.tabs)
        self.search.setObjectName("search")
        self.search.setFixedWidth(260)  # at the toolbar's end, whole at 1366×768
        self.search.chosen.connect(self._on_search_chosen)
        self.results_view = ResultsTab(ws, turns=self.ops.in_turns)
        self.tabs.addTab(self.results_view, QCoreApplication.translate("LeadWindow", "Results"))
        self.detail_view = DetailTab(ws, self.ops)
        self.detail_view.county_chosen.connect(lambda: self.refresh(frozenset({desk.Part.DETAIL})))
        self.detail_view.history_requested.connect(self.show_score_history)
        self.tabs.addTab(self.detail_view, QCoreApplication.translate("LeadWindow", "County detail"))
        # where the inspectors disagree (一致性) and who has synced (设备): each reads what its
        # own changes concern, through the desk's operations
        self.agreement_view = AgreementTab(ws, self.ops)
        self.agreement_view.undo = self.undo_stack
        self.agreement_view.counted.connect(self._show_flagged)
        self.tabs.addTab(self.agreement_view, QCoreApplication.translate("LeadWindow", "Agreement"))
        self.conflicts_view = ConflictsTab(ws, self.ops)
        self.conflicts_view.counted.connect(self._show_conflict_count)
        self.conflicts_view.stale.connect(lambda: self.refresh(frozenset({desk.Part.CONFLICTS})))
        self.tabs.addTab(self.conflicts_view, QCoreApplication.translate("LeadWindow", "Conflicts"))
        self.board = RectificationBoard(ws, ops=self.ops)
        self.board.overdue_changed.connect(self._show_overdue)
        self.rectification_view = self.board
        self.tabs.addTab(self.board, QCoreApplication.translate("LeadWindow", "Rectification"))
        self.devices_view = DevicesTab(ws, self.ops)
        self.devices_view.counted.connect(self._show_gaps)
        self.agreement_view.later = self.devices_view.later = self._after_view
        self.tabs.addTab(self.devices_view, QCoreApplication.translate("LeadWindow", "Devices"))
        self.timeline = timeline_table()
        self.tabs.addTab(self.timeline, QCoreApplication.translate("LeadWindow", "Timeline"))
        self.history_view = HistoryTab()
        self.tabs.addTab(self.history_view, QCoreApplication.translate("LeadWindow", "Merge history"))
        # The tabs' parts by the names the scripts and tests know them by.
        self.results, self.totals_chart = self.results_view.table, self.results_view.totals_chart
        self.profile_chart = self.results_view.profile_chart
        self.detail_county, self.detail = self.detail_view.county, self.detail_view.tree
        self.conflict_list, self.versions = self.conflicts_view.list, self.conflicts_view.versions
        self.keep_buttons = self.conflicts_view.keep_buttons
        self.problems, self.problem_filter, self.problem_county = self.board.problems, self.board.status_filter, self.board.county_filter
        self.batches, self.history = self.history_view.batches, self.history_view.report
        self._all_problems: list[Any] = []
        bar = QToolBar(QCoreApplication.translate("LeadWindow", "Desk"))
        bar.setMovable(False)
        self.addToolBar(bar)
        undo, redo = undo_actions(self.undo_stack, self)
        deleted = QAction(QCoreApplication.translate("LeadWindow", "Deleted…"), self)
        deleted.setObjectName("deleted")
        deleted.triggered.connect(self.show_deleted)
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
        export_master = QAction(QCoreApplication.translate("LeadWindow", "Export for the laptops…"), self)
        export_master.setObjectName("export-master")
        export_master.setToolTip(QCoreApplication.translate(
            "LeadWindow", "The master as one signed file for the laptops to merge: the lead's settings, decisions and every laptop's work"
        ))
        export_master.triggered.connect(self.export_master)
        scorecard = QAction(QCoreApplication.translate("LeadWindow", "Scorecard…"), self)
        scorecard.setObjectName("scorecard")
        scorecard.setToolTip(
            QCoreApplication.translate("LeadWindow", "The county chosen in the results on one page: also by a double-click on its row")
        )
        scorecard.triggered.connect(lambda: self.show_scorecard(self.selected_county()))
        self.results.cellDoubleClicked.connect(lambda *_: self.show_scorecard(self.selected_county()))
        settings = QAction(QCoreApplication.translate("LeadWindow", "Campaign settings…"), self)
        settings.setObjectName("campaign-settings")
        settings.triggered.connect(self.edit_settings)
        refresh = QAction(QCoreApplication.translate("LeadWindow", "Refresh"), self)
        refresh.triggered.connect(self.refresh_all)
        actions = (
            merge_files, merge_folder, import_scores, decide, undo, redo, print_documents, scorecard,
            export_results, export_problems, export_master, settings, deleted, refresh,
        )
        for action in actions:
            bar.addAction(action)
        spacer = QWidget()  # the search box at the toolbar's right end
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addWidget(self.search)
        device = ws.identity.device_id[:8]
        if ws.database.on_server:  # several leads share it: say which server this desk works on
            where = QCoreApplication.translate("LeadWindow", "Master on the server {0} · device {1}").format(ws.path, device)
        else:
            where = QCoreApplication.translate("LeadWindow", "Master database · device {0}").format(device)
        self.statusBar().addPermanentWidget(QLabel(where))
        self.state_label = QLabel()  # what the check of the current state found (set in the background)
        self.state_label.setObjectName("state-check")
        self.statusBar().addWidget(self.state_label)
        # What the program holds once the desk is built (its modules, the workspace, the campaign, the
        # window's wrappers) left out of Python's garbage collections before its first reads, as
        # after each drawing (_on_drawn): a full collection in the first read's job walked all of
        # it, 60–90 ms with every other thread waiting, the GUI thread too.
        gc.freeze()
        self.refresh()  # the agreement, the devices and the check of the stored results once it is drawn (_first_drawn)
        # the stored results against a rebuild from the signed versions: off the GUI thread
        self.checks = QThreadPool(self)
        self.checks.setMaxThreadCount(1)

    @Slot(object)
    def _on_state_checked(self, report: sync.StateCheck) -> None:
        if report.equal:
            self.state_label.setText(QCoreApplication.translate("LeadWindow", "Results checked against the signed versions"))
            return
        self.state_label.setStyleSheet("color: #c62828; font-weight: bold")
        if report.schema is not None:  # a trigger, a view, a policy or a table planted in the database
            self.state_label.setText(QCoreApplication.translate(
                "LeadWindow", "The database holds what Yanshou did not make (edited outside Yanshou): run yanshou verify"
            ))
            return
        self.state_label.setText(QCoreApplication.translate(
            "LeadWindow", "The stored results differ from the signed versions (edited outside Yanshou): run yanshou verify"
        ))

    @Slot(object)
    def _on_state_check_failed(self, _exc: object) -> None:
        self.state_label.setText(QCoreApplication.translate("LeadWindow", "The results could not be checked just now"))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.ops.holds_close(event):  # an export of the master, a settlement: closed once it is written
            return
        if not self.ops.abandoned:  # (abandoned: the write is not waited for)
            self.ops.wait()  # the reads asked meanwhile, before the master closes
        self.ops.close()
        self.checks.waitForDone()
        super().closeEvent(event)

    def show_first(self) -> None:
        self.tabs.setCurrentIndex(0)

    def kept_splitters(self) -> list[QSplitter]:
        """The splitters whose sizes the next start restores (desktop.ui.preferences)."""
        return [self.results_view, self.agreement_view.splitter, self.conflicts_view.splitter, self.history_view.splitter]

    def wait_for_thumbnails(self, msecs: int) -> bool:
        """Until what the desk asked for is read and drawn (a screenshot waits for it), at most msecs."""
        deadline = time.monotonic() + msecs / 1000
        while self.ops.busy and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.005)
        return not self.ops.busy

    # --- tabs ----------------------------------------------------------------------------

    @property
    def _conflicts(self) -> list[sync.Conflict]:
        conflicts: list[sync.Conflict] = self.conflicts_view.conflicts
        return conflicts

    def selected_county(self) -> str | None:
        """The county of the results table's current row (the code), if any."""
        county: str | None = self.results_view.selected_county()
        return county

    @Slot(int)
    def _show_conflict_count(self, count: int) -> None:
        self.tabs.setTabText(
            self.tabs.indexOf(self.conflicts_view), QCoreApplication.translate("LeadWindow", "Conflicts ({0})").format(count)
        )

    @Slot(int)
    def _show_flagged(self, flagged: int) -> None:
        self.tabs.setTabText(
            self.tabs.indexOf(self.agreement_view),
            QCoreApplication.translate("LeadWindow", "Agreement ({0} flagged)").format(flagged)
            if flagged
            else QCoreApplication.translate("LeadWindow", "Agreement"),
        )

    @Slot(int)
    def _show_gaps(self, gapped: int) -> None:
        self.tabs.setTabText(
            self.tabs.indexOf(self.devices_view),
            QCoreApplication.translate("LeadWindow", "Devices ({0} with gaps)").format(gapped)
            if gapped
            else QCoreApplication.translate("LeadWindow", "Devices"),
        )

    @Slot(int)
    def _show_overdue(self, overdue: int) -> None:
        self.tabs.setTabText(
            self.tabs.indexOf(self.rectification_view),
            QCoreApplication.translate("LeadWindow", "Rectification ({0} overdue)").format(overdue)
            if overdue
            else QCoreApplication.translate("LeadWindow", "Rectification"),
        )

    @Slot(object)
    def _on_search_chosen(self, hit: Hit) -> None:
        """Open what a search hit names: a problem on the board; anything else of a county in
        its detail, at the item; an inspector where the inspectors are compared."""
        if hit.kind is HitKind.PROBLEM and hit.record_id is not None:
            self.tabs.setCurrentWidget(self.board)
            self.board.choose(hit.record_id)
        elif hit.kind is HitKind.INSPECTOR:
            self.tabs.setCurrentWidget(self.agreement_view)
        elif hit.county is not None and hit.item is not None:
            self.tabs.setCurrentWidget(self.detail_view)
            self.detail_view.show_item(hit.county, hit.item)
        elif hit.item is not None:  # an item of the table: where it stands in the county shown
            self.tabs.setCurrentWidget(self.detail_view)
            self.detail_view.show_item(str(self.detail_view.chosen()), hit.item)

    def mark(self, status: str) -> None:
        self.board.mark(status)

    def _refresh_timeline(self) -> None:
        conflicted = {c.county for c in self.conflicts_view.conflicts}
        milestones = results_service.timeline(self.ws, self.results_view.rows, self._all_problems, conflicted)
        show_milestones(self.timeline, milestones, dt.date.today())

    def show_score_history(self, county: str, item: str, inspector: str) -> HistoryDialog:
        """Every version of an inspector's score of an item: a conflict's resolution revisited,
        an earlier value brought back."""
        record = records.score_id(self.ws, county, item, inspector)
        title = f"{self.ws.campaign.county(county).name} {item} · {inspector}"
        dialog = HistoryDialog(self, self.ws, self.ops, record, entity="score", title=title)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def export_master(self) -> None:
        """The tool bar's 导出给笔记本: where to, asked, then export_master_to. (No argument: the
        action's `triggered` hands its slot `checked`, which was taken for a target.)"""
        target = files.export_target(self, self.ws, QCoreApplication.translate("LeadWindow", "Export for the laptops"))
        if target is not None:
            self.export_master_to(target)

    def export_master_to(self, target: Path) -> None:
        """The master's export for the laptops (the reverse merge) at `target`, written off the
        GUI thread; the status bar says where it went."""
        chosen, ws = target, self.ws

        def done(exported: Any) -> None:
            sealing = messages.sealing(exported)
            self.statusBar().showMessage(QCoreApplication.translate(
                "LeadWindow", "Exported to {0}: {1} versions, {2} evidence files, read back and verified."
            ).format(exported.path, exported.versions, exported.blobs) + " " + sealing, 60_000)
            if not exported.sealed or exported.without_key:  # who cannot open it, or that anyone can: said, not only shown
                box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("LeadWindow", "Export"), sealing, parent=self)
                box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                box.setObjectName("export-sealing")
                box.open()

        self.ops.write(lambda: sync.export(ws, chosen), done=done)

    def show_deleted(self) -> RecycleBin:
        """已删除: the decisions withdrawn and the problems and files deleted, any brought back."""
        dialog = RecycleBin(self, self.ws, self.ops)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_scorecard(self, county: str | None) -> None:
        """The county's scorecard (验收成绩单) in the documents dialog, made at once."""
        from desktop.ui.documents import SCORECARD, DocumentDialog

        dialog = DocumentDialog(self.ws, self, kind=SCORECARD, county=county or self.ws.campaign.counties[0].code)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        dialog.make()

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
        self._shown.clear()  # every part drawn again, under the campaign's columns and names
        self.refresh()

    def refresh(self, parts: frozenset[desk.Part] = desk.EVERY_PART) -> None:
        """Read the parts asked for off the GUI thread, and there too see which of them are as
        shown already and make the rows of the large tables; draw the rest when they arrive."""
        ws, county = self.ws, self.detail_view.chosen()
        shown = dict(self._shown)  # what is drawn now, by part: the read compares with it
        conflicts = tuple(self.conflicts_view.conflicts)  # the detail's marks when the conflicts are not read
        results_order, board_state = self.results_view.table.order, self.board.view_state()
        headers = self.results_view.headers()

        def read() -> _Read:
            view = desk.read(ws, parts, detail_county=county)
            return self._made(view, shown, conflicts, (headers, results_order), board_state)

        def refused(exc: BaseException) -> None:
            self._reading -= 1
            self.ops.in_turns([self._after_drawing])
            self.ops.show_failure(exc)

        self._reading += 1
        self.ops.query(read, done=self._show_view, failed=refused)

    def _after_view(self, read: Callable[[], None]) -> None:
        """A tab's read after a write (the agreement's, the devices'): once the desk's own reads
        under way are drawn, so that their jobs' Python does not slow the drawing of what the
        lead looks at (each is hundreds of milliseconds of it at a province); at once if none is."""
        if self._reading:
            self._waiting[read] = None
        else:
            read()

    def _after_drawing(self) -> None:
        """The tabs' reads that waited for the desk's (_after_view), now that its reads are drawn."""
        if self._reading:
            return
        waiting, self._waiting = list(self._waiting), {}
        for read in waiting:
            read()

    def _made(
        self, view: desk.DeskView, shown: dict[desk.Part, object], conflicts: tuple[sync.Conflict, ...],
        results_table: tuple[list[str], cells.Order | None], board_state: tuple[object, object, cells.Order | None],
    ) -> _Read:
        """Off the GUI thread: each part's data as the desk keeps it, the parts equal to what was
        shown when the read began, and the rows of the tables that changed."""
        data = _parts_of(view, view.conflicts if desk.Part.CONFLICTS in view.parts else conflicts)
        same = frozenset(part for part, value in data.items() if part in shown and shown[part] == value)
        changed = set(data) - same
        return _Read(
            view, data, {part: shown.get(part) for part in data}, same,
            self.results_view.prepare(list(view.rows), *results_table) if desk.Part.RESULTS in changed else None,
            self.board.prepare(list(view.problems), board_state) if desk.Part.PROBLEMS in changed else None,
        )

    @Slot()
    def refresh_all(self) -> None:
        self.refresh()
        self.agreement_view.refresh()
        self.devices_view.refresh()

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        """After a write: read again only the parts it concerns."""
        parts = desk.parts_for(changes)
        if parts:
            self.refresh(parts)

    def _show_view(self, read: _Read) -> None:
        """Draw the parts that changed, one a turn of the event loop (a province's results, board
        and agreement each take a while to fill; all at once the desk stood still)."""
        self._reading -= 1
        view = read.view
        # The lead's settings may have changed since the county lists were made: on a shared
        # server master by another lead, here by a merge or a kept version. Lists first.
        if view.campaign is not self._campaign_shown:
            self._campaign_shown = view.campaign
            self.campaign_changed()
            return
        drawn: list[desk.Part] = []  # the parts drawn (the timeline follows three of them)

        def turn(part: desk.Part, draw: Callable[[], object]) -> Callable[[], None]:
            def run() -> None:
                # as shown already, and still what the read compared with: nothing to draw
                if part in read.same and self._shown.get(part) is read.base[part]:
                    return
                if draw() is not False:  # False: not drawn after all (another county chosen since)
                    self._shown[part] = read.data[part]
                    drawn.append(part)
            return run

        turns: list[Callable[[], None]] = []
        if desk.Part.RESULTS in read.data:  # the table, then each chart: a turn each
            turns.append(turn(desk.Part.RESULTS, lambda: self.results_view.show_table(list(view.rows), read.results)))
            turns.append(lambda: self.results_view.show_totals(list(view.totals)) if desk.Part.RESULTS in drawn else None)
            turns.append(lambda: self.results_view.show_profile() if desk.Part.RESULTS in drawn else None)
        if desk.Part.DETAIL in read.data:
            turns.append(turn(desk.Part.DETAIL, lambda: self._show_detail(read)))
        if desk.Part.PROBLEMS in read.data:
            turns.append(turn(desk.Part.PROBLEMS, lambda: self._show_problems(read)))
        if desk.Part.CONFLICTS in read.data:
            turns.append(turn(desk.Part.CONFLICTS, lambda: self.conflicts_view.show_conflicts(list(view.conflicts))))
        if desk.Part.HISTORY in read.data:
            turns.append(turn(desk.Part.HISTORY, lambda: self.history_view.show_batches(list(view.batches))))
        # a result is not formed while its county's conflicts are open, nor its problems unsettled
        timeline = {desk.Part.RESULTS, desk.Part.PROBLEMS, desk.Part.CONFLICTS}
        turns.append(lambda: self._refresh_timeline() if timeline & set(drawn) else None)
        turns.append(self._after_drawing)
        self.ops.in_turns(turns)

    def _show_detail(self, read: _Read) -> bool:
        """The county detail read, unless another county was chosen since (False: its own read follows)."""
        view = read.view
        if view.detail is None or view.detail_county != self.detail_view.chosen():
            return False
        shown: tuple[str, dict[str, results_service.ItemDetail], frozenset[str]] = read.data[desk.Part.DETAIL]  # type: ignore[assignment]
        self.detail_view.show_detail(shown[1], shown[2])
        return True

    def _show_problems(self, read: _Read) -> None:
        self._all_problems = list(read.view.problems)
        self.board.show_entries(self._all_problems, read.board)

    @Slot()
    def _on_drawn(self) -> None:
        """What was read is drawn. What the program holds now — its modules, Qt's wrappers, the
        campaign, the view just drawn — is left out of Python's garbage collections (gc.freeze):
        a full collection walks every object it tracks, every thread waiting, and on a
        province's desk took 40–140 ms; now it walks only what the reads since made (8–26 ms).
        What it sets aside for good is what was garbage in a cycle at that moment: about a
        hundred objects over the province bench's whole run. The first time, the agreement,
        the devices and the check of the stored results are read, after the first drawing."""
        gc.freeze()
        if self._drawn_once:
            return
        self._drawn_once = True
        self._first_drawn()

    def _first_drawn(self) -> None:
        """The reads begun once the desk first stands drawn: each job's Python competes with the
        GUI thread's for the interpreter, so the first drawing had one job beside it, not four
        (the check of the stored results is seconds of it)."""
        self.agreement_view.refresh()
        self.devices_view.refresh()
        ws = self.ws
        jobs.start(self.checks, lambda: sync.check_state(ws), parent=self, done=self._on_state_checked,
                   failed=self._on_state_check_failed)

    # --- merging -------------------------------------------------------------------------

    def choose_and_merge(self) -> None:
        chosen = files.open_files(
            self,
            "merge",
            QCoreApplication.translate("LeadWindow", "Laptop exports"),
            QCoreApplication.translate("LeadWindow", "Yanshou export (*.yanshou *.db)"),
        )
        if chosen:
            self.merge(chosen)

    def choose_folder_and_merge(self) -> None:
        folder = files.folder(self, "merge", QCoreApplication.translate("LeadWindow", "USB folder with exports"))
        if folder is not None:
            self.merge_folder(folder)

    def merge_folder(self, folder: Path) -> MergeDialog | None:
        """Every export in the folder and its subfolders; what else is there is listed in the
        dialog with the reason it was left out."""
        scan = folders.exports_in(folder)
        if not scan.exports:
            QMessageBox.information(
                self, self.windowTitle(),
                QCoreApplication.translate("LeadWindow", "No exports (.yanshou or .db files) in {0} or its subfolders.").format(folder),
            )
            return None
        return self.merge(list(scan.exports), skipped=scan.skipped)

    def decide(self) -> DecisionDialog:
        dialog = DecisionDialog(self, self.ws, self.selected_county(), ops=self.ops, undo=self.undo_stack)  # changes reach the desk
        dialog.open()
        return dialog

    def export_table(self, which: str, target: Path | None = None) -> None:
        """The results or the problem list as XLSX or CSV, read and written off the GUI
        thread; the status bar says where it went."""
        if target is None:
            stem = tables.TABLES[which][0]
            target = files.save_file(
                self,
                "tables",
                QCoreApplication.translate("LeadWindow", "Export"),
                f"{stem}-{dt.date.today():%Y%m%d}.xlsx",
                QCoreApplication.translate("LeadWindow", "Excel workbook (*.xlsx);;CSV (*.csv)"),
                extension=".xlsx",
            )
            if target is None:
                return
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
        name = files.open_file(
            self, "sheets", QCoreApplication.translate("LeadWindow", "Score sheet"),
            QCoreApplication.translate("LeadWindow", "Score sheets (*.csv *.xlsx)"),
        )
        if name is not None:
            self.import_sheet(name)

    def import_sheet(self, path: Path) -> ImportDialog:
        dialog = ImportDialog(self, self.ws, path, ops=self.ops)
        dialog.imported.connect(lambda said: self.statusBar().showMessage(said, 60_000))  # what went in, said on the desk
        dialog.open()
        return dialog

    def merge(self, files: list[Path], skipped: Sequence[folders.Skipped] = ()) -> MergeDialog:
        dialog = MergeDialog(self, self.ws, files, ops=self.ops, skipped=skipped)  # its changes reach the desk's views
        dialog.open()
        return dialog


def desk_or_field(ws: Workspace) -> Any:
    """The window for a database: the lead's desk for a master, the inspector's otherwise."""
    if ws.identity.role == "master":
        return LeadWindow(ws)
    from desktop.ui.main_window import MainWindow

    return MainWindow(ws)
