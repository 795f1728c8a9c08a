"""The inspector's window: where I am (county, indicator tree), the item (modes, score,
problems), its evidence, and a status bar that says 已保存 only after the commit.

The GUI thread never touches the database: every read is a query and every write a write
of the window's one Operations (desktop.ui.operations), its dialogs' included; answers come
back on the GUI thread. An item shows at once from the records the window holds (a county's
are read ahead when it is opened) and the read of it fills in when it answers; until the
first answer the editor is greyed. An answer for an item or county no longer shown is kept
but not shown, and one older than a write of that item that finished meanwhile is dropped
(and read again while the item is shown). A write says what it changed (Changes); the tree,
the signature state, the item's problems and evidence and the photo inbox are read again
only when it concerns them — whoever wrote it, the window or one of its dialogs.

Saving: every edit restarts a 300 ms timer; when it fires, what the editor holds is
written in one transaction on the one writer (writes keep their order, the GUI thread
never waits on the disk). Moving to another item, county or closing the window saves at
once first; printing and signing wait for the pending writes (Operations.after_writes).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QFileSystemWatcher, QModelIndex, QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QKeySequence,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QTabWidget,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from db.errors import KeyNeeded, KnownDatabaseError
from desktop import paths
from desktop.core.errors import InputError
from desktop.core.indicators import Level
from desktop.core.inspection import InspectionMode
from desktop.core.problems import ProblemStatus, Refusal
from desktop.core.search import HitKind
from desktop.services.changes import NOTHING, Changes
from desktop.services.views import CountyStatus, Finding, ItemRecord
from desktop.ui import camera, files, jobs, later
from desktop.ui.evidence import EVIDENCE_MIME, EvidencePanel, InboxPanel
from desktop.ui.item_view import ItemEditor, ProblemDialog, mode_label
from desktop.ui.messages import explain, input_problem, sealing
from desktop.ui.operations import Operations, before_window, changes_of
from desktop.ui.preferences import Preferences
from desktop.ui.search import SearchBox
from desktop.ui.steps import ask_step, refused_step
from desktop.ui.tone import Tone, say
from desktop.ui.tree import CODE_ROLE, Column, Filter, IndicatorTreeModel, ItemFilter
from desktop.ui.undo import RecordCommand, Undoable, undo_actions, undoable

if TYPE_CHECKING:
    from desktop.services import inspection, records, rectification
    from desktop.services.search import Hit
    from desktop.services.workspace import Workspace
    from desktop.ui.history import HistoryDialog, RecycleBin
else:  # loaded on the first read or write, off the GUI thread: the window paints before them (issue 19)
    inspection, records, rectification = later.modules("desktop.services.inspection", "desktop.services.records",
                                                       "desktop.services.rectification")

SAVE_DELAY_MS = 300
CLOSE_WAIT_MS = 1000  # a close waits this long for the last writes, then holds in a small window (Operations.holds_close)
# Whether a camera is there is asked once the window is up: QtMultimedia is no part of the first paint.
CAMERA_CHECK_DELAY_MS = 1000

T = TypeVar("T")
ItemKey = tuple[str, str]  # (county, item)
INBOX: ItemKey = ("", "")  # the photo inbox's place in a Changes: no county, no item


def _fingerprint(ws: Workspace) -> str:
    """This laptop's key, as the lead checks it (on a reader: sync and its merge load there)."""
    from desktop.services import sync

    return sync.device_fingerprint(ws)


def open_database(path: Path | str) -> Workspace | None:
    """Open a database, or say in a dialog why it cannot be opened. Its page-by-page check
    runs after the window is up (MainWindow.check_in_background)."""
    label = QCoreApplication.translate("MainWindow", "Opening {0}…").format(path)
    while True:
        try:
            from desktop.services.workspace import open_workspace

            # a laptop's file is read at once and opened in full at the window's first read (issue 19)
            return before_window(lambda: open_workspace(path, check=False, later=True), label)
        except (KnownDatabaseError, InputError, OSError) as exc:
            if isinstance(exc, KeyNeeded) and exc.code == "store_lost":  # the lead's recovery code puts the key back (T2-8)
                from desktop.ui.unlock import recovered

                if recovered(explain(exc)):
                    continue  # and it opens
                return None
            QMessageBox.critical(None, QCoreApplication.translate("MainWindow", "Cannot open the database"), explain(exc))
            return None


@dataclass(frozen=True)
class _ItemState:
    """What the item editor holds: the unit of undo."""

    score: Decimal | None
    comment: str
    findings: tuple[Finding, ...]

    @staticmethod
    def of(record: ItemRecord) -> _ItemState:
        return _ItemState(record.score, record.comment, tuple(record.findings[m] for m in InspectionMode))

    def on(self, record: ItemRecord) -> ItemRecord:
        """The record with this state in place of its score, reasoning and findings."""
        return replace(record, score=self.score, comment=self.comment, findings={f.mode: f for f in self.findings})


def _blank(county: str, item: str) -> ItemRecord:
    """What the editor shows of an item until its record has been read."""
    return ItemRecord(county, item, None, "", {m: Finding(m) for m in InspectionMode}, (), ())


def changed(entities: Iterable[str], *places: ItemKey) -> Changes:
    """What a write of these kinds of records at these places changes (INBOX: the photo inbox;
    an item "" for a county-wide record)."""
    out = NOTHING
    for entity in entities:
        out |= Changes.of(entity, places)
    return out


class _Writes:
    """`window.writer` as the window's single writer was known before its Operations: the
    writes asked for and not yet finished, and a wait for them (the tests' fixtures and the
    scripts they run count on these)."""

    def __init__(self, ops: Operations) -> None:
        # Long on purpose: it builds the window's widgets in the order they are laid out and
        # connects them in one place (STYLE: connections made in one place).
        self._ops = ops

    @property
    def pending(self) -> int:
        return self._ops.pending_writes

    def wait(self, msecs: int = 30000) -> bool:
        return self._ops.wait(msecs)


class _EditCommand(QUndoCommand):
    """One saved edit of an item (what a debounced save wrote), undoable in the session."""

    def __init__(self, window: MainWindow, county: str, item: str, before: _ItemState, after: _ItemState) -> None:
        super().__init__(QCoreApplication.translate("MainWindow", "edit of item {0}").format(item))
        self.window, self.county, self.item, self.before, self.after = window, county, item, before, after
        self._first = True

    def redo(self) -> None:
        if self._first:  # the edit itself, already on screen
            self._first = False
            self.window._store(self.county, self.item, self.after)
        else:
            self.window._undone(self.county, self.item, self.after)

    def undo(self) -> None:
        self.window._undone(self.county, self.item, self.before)


class _ProgressBridge(QObject):
    step = Signal(int, int)


class DropTree(QTreeView):
    """The indicator tree, onto which photos from the inbox can be dropped."""

    dropped = Signal(str, list)  # item code, evidence record ids

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)

    def _code_at(self, event: QDropEvent | QDragMoveEvent) -> str | None:
        index = self.indexAt(event.position().toPoint())
        return index.data(CODE_ROLE) if index.isValid() else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(EVIDENCE_MIME):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(EVIDENCE_MIME) and self._code_at(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        code = self._code_at(event)
        data = bytes(event.mimeData().data(EVIDENCE_MIME).data()).decode()
        if code and data:
            self.dropped.emit(code, data.split("\n"))
            event.acceptProposedAction()


class MainWindow(QMainWindow):
    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws
        self.campaign = ws.campaign
        self.county: str | None = None
        self.item: str | None = None
        self.dirty = False
        self._baseline: _ItemState | None = None
        self._refreshing = False
        self._unsaved: dict[tuple[str, str], _ItemState] = {}  # handed to the writer, not yet committed
        self.undo_stack = QUndoStack(self)
        self.setWindowTitle(self.tr("Yanshou — {0} — {1}").format(self.campaign.name, ws.path.name))

        self.ops = Operations(self)
        if not ws.opened:  # a laptop's start (open_workspace(later=True)): its first read opens it, after the first frame
            self.ops.hold_until_painted(self)
        self.writer = _Writes(self.ops)
        self.pending_reads = 0  # the window's queries not answered yet
        self._records: dict[ItemKey, ItemRecord] = {}  # as last read or saved: shown at once when moving
        self._statuses: dict[str, CountyStatus] = {}  # the tree's, by county
        self._epochs: dict[ItemKey, int] = {}  # writes of an item finished so far: an answer read before one is stale
        self._generation = 0  # everything changed (a merge, a restore): every answer asked before is stale
        self._tickets: dict[str, int] = {}  # of the tree's, the signatures' and the inbox's reads: the newest is shown
        self._shown: ItemRecord | None = None  # what the editor and the evidence panel show
        self._waiting: ItemKey | None = None  # the item shown blank until its first record arrives
        self._closed = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SAVE_DELAY_MS)
        self.timer.timeout.connect(self.save_now)

        # left: where I am
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 0, 8)
        # one box over items' text, findings, problems and captions: a hit opens its record
        self.search = SearchBox(self.ops, ws, left)
        self.search.setObjectName("search")
        left_layout.addWidget(self.search)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("County")))
        self.counties = QComboBox()
        self.counties.setObjectName("county")
        for county in self.campaign.counties:
            self.counties.addItem(county.name, county.code)
        row.addWidget(self.counties, 1)
        left_layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Show")))
        self.filter = QComboBox()
        self.filter.setObjectName("filter")
        for value, label in (
            (Filter.ALL, self.tr("All items")),
            (Filter.UNSCORED, self.tr("Not scored")),
            (Filter.PROBLEMS, self.tr("With problems")),
            (Filter.NO_EVIDENCE, self.tr("Without evidence")),
        ):
            self.filter.addItem(label, int(value))
        row.addWidget(self.filter, 1)
        left_layout.addLayout(row)
        self.model = IndicatorTreeModel(self.campaign.indicator_set, self)
        self.proxy = ItemFilter(self)
        self.proxy.setSourceModel(self.model)
        self.tree = DropTree()
        self.tree.setObjectName("tree")
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        # Fixed widths measured once: columns that fit their contents re-measure every row on
        # each status change (some 100 ms per autosave on an old laptop).
        metrics = self.tree.fontMetrics()
        header.setSectionResizeMode(Column.MODES, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(Column.SCORE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(Column.MODES, metrics.horizontalAdvance("汇 材 网 实") + 16)
        header.resizeSection(Column.SCORE, metrics.horizontalAdvance("100.5/100") + 12)
        self.tree.expandAll()
        left_layout.addWidget(self.tree, 1)

        # centre and right
        self.editor = ItemEditor()
        self.evidence = EvidencePanel(ws, self.ops)
        self.inbox = InboxPanel(ws)
        self.side = QTabWidget()
        self.side.setObjectName("side")
        self.side.addTab(self.evidence, self.tr("Evidence of the item"))
        self.side.addTab(self.inbox, self.tr("Photo inbox"))
        splitter = self._splitter = QSplitter()
        splitter.setObjectName("field-split")  # kept as the inspector left it (preferences)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 0)
        splitter.setSizes([390, 640, 336])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self._toolbar()
        self.saved_label = QLabel()
        self.saved_label.setObjectName("saved")
        self.statusBar().addWidget(self.saved_label, 1)
        self.signature_label = QLabel()
        self.signature_label.setObjectName("signature-state")
        self.statusBar().addPermanentWidget(self.signature_label)
        device = ws.identity.device_id[:8]
        who = ws.identity.inspector or self.tr("(no inspector)")
        self.statusBar().addPermanentWidget(QLabel(self.tr("Device {0} · Inspector {1}").format(device, who)))
        # the lead checks this fingerprint with the inspector before accepting the laptop
        self.key_label = QLabel()
        self.key_label.setObjectName("device-key")
        self.statusBar().addPermanentWidget(self.key_label)
        self._query(lambda: _fingerprint(ws), lambda key: self.key_label.setText(self.tr("Key {0}").format(key)))
        self._show_saved(None)

        self.counties.currentIndexChanged.connect(self._county_changed)
        self.filter.currentIndexChanged.connect(self._on_filter_changed)
        self.tree.selectionModel().currentChanged.connect(self._tree_moved)
        self.editor.edited.connect(self._edited)
        # a score cut short by a refused keystroke, left as it was: said where it stays after a step to the next item
        self.editor.score.reverted.connect(lambda text: self.statusBar().showMessage(text, 15_000))
        self.editor.problem_requested.connect(self._edit_problem)
        self.editor.problem_removed.connect(self._remove_problem)
        self.editor.problem_step.connect(self._step_problem)
        self.editor.problem_history.connect(lambda p: self.show_history(p.record_id, "problem", p.description))
        self.editor.item_history.connect(self.show_item_history)
        self.search.chosen.connect(self._on_search_chosen)
        self.evidence.history_requested.connect(lambda e: self.show_history(e.record_id, "evidence", e.caption or e.name))
        self.editor.role = self.ws.identity.role
        self.evidence.attach_requested.connect(self._attach)
        self.evidence.camera_requested.connect(self._take_photo)
        self.inbox.import_requested.connect(self._import_folder)
        self.inbox.assign_requested.connect(lambda ids: self._assign(self.item, ids))
        self.inbox.removed.connect(self._on_inbox_removed)
        self.tree.dropped.connect(self._assign)
        self.evidence.removed.connect(self._on_evidence_removed)
        self.evidence.caption_changed.connect(self._on_evidence_caption_changed)
        self.ops.changed.connect(self._on_ops_changed)
        self.cameras: camera.CameraWatch | None = None  # once QtMultimedia is asked (look_for_cameras)
        self.camera_checked = False
        self._camera_loading = False
        self._devices: QFileSystemWatcher | None = None
        self._background = QThreadPool(self)
        QTimer.singleShot(CAMERA_CHECK_DELAY_MS, self, self.look_for_cameras)

    # --- toolbar and keys --------------------------------------------------------------

    def _toolbar(self) -> None:
        bar = QToolBar(self.tr("Inspection"))
        bar.setObjectName("toolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        previous = QAction(self.tr("◀ Previous item"), self)
        previous.setShortcut(QKeySequence("Ctrl+Up"))
        previous.triggered.connect(lambda: self.step(-1))
        following = QAction(self.tr("Next item ▶"), self)
        following.setShortcut(QKeySequence("Ctrl+Down"))
        following.triggered.connect(lambda: self.step(1))
        bar.addAction(previous)
        bar.addAction(following)
        bar.addSeparator()
        undo, redo = undo_actions(self.undo_stack, self)
        bar.addAction(undo)
        bar.addAction(redo)
        bar.addSeparator()
        score = QAction(self.tr("Score"), self)
        score.setShortcut(QKeySequence("Ctrl+G"))
        score.triggered.connect(lambda: (self.editor.score.setFocus(), self.editor.score.selectAll()))
        self.addAction(score)
        for number, mode in enumerate(InspectionMode, start=1):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _c=False, m=mode: self.editor.set_mode(m))
            self.addAction(action)
        sign = QAction(self.tr("Sign the record…"), self)
        sign.setObjectName("sign")
        sign.triggered.connect(self._sign)
        bar.addAction(sign)
        print_record = QAction(self.tr("Print the record…"), self)
        print_record.setObjectName("print")
        print_record.triggered.connect(self._print)
        bar.addAction(print_record)
        export = QAction(self.tr("Export to USB stick…"), self)
        export.setObjectName("export")
        export.triggered.connect(self._export)
        bar.addAction(export)
        deleted = QAction(self.tr("Deleted…"), self)
        deleted.setObjectName("deleted")
        deleted.triggered.connect(self.show_deleted)
        bar.addAction(deleted)
        bar.addSeparator()
        language = QAction(self.tr("中文 / English"), self)
        language.setObjectName("language")
        language.triggered.connect(self._switch_language)
        bar.addAction(language)

    def step(self, delta: int) -> None:
        """Go to the previous or next item (in the indicator table's order)."""
        codes = [n.code for n in self.campaign.indicator_set.items]
        if self.item not in codes:
            target = codes[0]
        else:
            target = codes[max(0, min(len(codes) - 1, codes.index(self.item) + delta))]
        self.select_item(target)

    # --- moving ------------------------------------------------------------------------

    def kept_splitters(self) -> list[QSplitter]:
        """The splitters whose sizes the next start restores (desktop.ui.preferences)."""
        return [self._splitter]

    def show_first(self) -> None:
        """The first county and its first item."""
        self.counties.setCurrentIndex(0)
        if self.county is None:
            self._county_changed(0)
        self.select_item(self.campaign.indicator_set.items[0].code)

    def show_last(self, prefs: Preferences) -> bool:
        """The county and item the inspector had open when the window last closed on this
        database; False when there is none (or it is no longer in the campaign)."""
        place = prefs.last_place(self.ws.path)
        if place is None:
            return False
        county, item = place
        index = self.counties.findData(county)
        node = self.campaign.indicator_set.find(item)
        if index < 0 or node is None or not node.is_item:
            return False
        self.counties.setCurrentIndex(index)
        if self.county is None:
            self._county_changed(index)
        self.select_item(item)
        return True

    @Slot(int)
    def _on_filter_changed(self, _index: int) -> None:
        """The inspector chose what the tree lists: if the item open is not among them, the
        first item listed opens (its edit saved first), so the editor never shows an item the
        tree does not. (An item that drops out while it is being edited — scored under 未评分
        — stays open until the inspector moves on: see _show_status.)"""
        self.proxy.set_filter(Filter(self.filter.currentData()))
        self.tree.expandAll()
        if self.item is None or self.proxy.mapFromSource(self.model.index_of(self.item)).isValid():
            return
        first = next((n.code for n in self.campaign.indicator_set.items
                      if self.proxy.mapFromSource(self.model.index_of(n.code)).isValid()), None)
        if first is None:
            self.statusBar().showMessage(self.tr("No item matches this filter."), 10_000)
            self.tree.selectionModel().clearCurrentIndex()
            return
        self.select_item(first)

    @Slot(object)
    def _on_search_chosen(self, hit: Hit) -> None:
        """Open what a search hit names: its county and item (and mode), or the photo inbox."""
        if hit.kind is HitKind.EVIDENCE and hit.county is None:
            self.side.setCurrentWidget(self.inbox)
            return
        if hit.county is not None and self.counties.findData(hit.county) >= 0:
            self.counties.setCurrentIndex(self.counties.findData(hit.county))
        if hit.item is not None:
            self.select_item(hit.item)
            if hit.mode is not None:
                self.editor.set_mode(hit.mode)
            if hit.kind is HitKind.EVIDENCE:
                self.side.setCurrentWidget(self.evidence)

    def select_item(self, code: str) -> None:
        index = self.proxy.mapFromSource(self.model.index_of(code))
        if not index.isValid():  # hidden by the filter: show everything
            self.filter.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.model.index_of(code))
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)

    def _county_changed(self, _index: int) -> None:
        self.save_now()
        first = self.county is None
        self.county = self.counties.currentData()
        self._show_status(self._statuses.get(self.county, CountyStatus()))  # what is known at once, read again below
        self._refresh_tree()
        self._read_county(self.county)
        if first:
            self._refresh_inbox()
        if self.item:
            self._load_item(self.item)

    def _tree_moved(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._refreshing:
            return
        code = current.data(CODE_ROLE)
        if code is None:
            return
        node = self.campaign.indicator_set.node(code)
        if node.level is not Level.ITEM:
            return
        self.save_now()
        self._load_item(code)

    def _key(self) -> ItemKey | None:
        return (self.county, self.item) if self.county is not None and self.item is not None else None

    @property
    def loading(self) -> bool:
        """Whether the item shown waits for its first record (the editor is greyed meanwhile)."""
        return self._waiting is not None

    def settled(self) -> bool:
        """Nothing left to do: no edit waiting for its timer, no write or read of the window
        unanswered (tests and scripts wait for this)."""
        return not self.timer.isActive() and not self.ops.pending_writes and not self.pending_reads

    def _load_item(self, code: str) -> None:
        """Show the item at once from the record held (blank and greyed when there is none
        yet), and read it: the answer fills in."""
        assert self.county is not None
        self.item = code
        key = (self.county, code)
        held = self._records.get(key)
        self._waiting = None if held is not None else key
        self._display(key, self._with_unsaved(key, held if held is not None else _blank(*key)))
        self.editor.set_loading(self._waiting is not None)
        self._read_item(key)

    def _with_unsaved(self, key: ItemKey, record: ItemRecord) -> ItemRecord:
        """Going back before the writer committed: what was typed, not what the database had."""
        pending = self._unsaved.get(key)
        return pending.on(record) if pending is not None else record

    def _display(self, key: ItemKey, record: ItemRecord) -> None:
        county, code = key
        node = self.campaign.indicator_set.node(code)
        first = self.campaign.indicator_set.ancestor(code, Level.FIRST)
        second = self.campaign.indicator_set.ancestor(code, Level.SECOND)
        place = self.campaign.county(county)
        path = f"{place.name} › {first.code} {first.name} › {second.code} {second.name}"
        areas = place.pilot_areas or self.campaign.pilot_areas
        self.editor.load(county, node, path, record, tuple(areas))
        self.evidence.show_evidence(record.evidence)
        self.dirty = False
        self._baseline = _ItemState.of(record)
        self._shown = record

    def _epoch(self, key: ItemKey) -> tuple[int, int]:
        return self._generation, self._epochs.get(key, 0)

    def _read_item(self, key: ItemKey) -> None:
        epoch = self._epoch(key)
        county, code = key
        self._query(lambda: inspection.item_record(self.ws, county, code), lambda record: self._item_arrived(key, epoch, record))

    def _reload_item(self) -> None:
        """Read the item shown again: its problems and evidence follow when the answer arrives."""
        key = self._key()
        if key is not None:
            self._read_item(key)

    def _read_county(self, county: str) -> None:
        """Every item's record of the county, read ahead: moving through it then shows each
        one at once."""
        keys = [(county, n.code) for n in self.campaign.indicator_set.items]
        if all(key in self._records for key in keys):
            return
        epochs = {key: self._epoch(key) for key in keys}

        def read_all() -> list[ItemRecord]:
            return [inspection.item_record(self.ws, c, i) for c, i in keys]

        def arrived(records: list[ItemRecord]) -> None:
            for key, record in zip(keys, records, strict=True):
                self._item_arrived(key, epochs[key], record, again=False)

        self._query(read_all, arrived)

    def _item_arrived(self, key: ItemKey, epoch: tuple[int, int], record: ItemRecord, *, again: bool = True) -> None:
        if self._epoch(key) != epoch:  # a write of the item finished meanwhile: this may be older than it
            if again and key == self._key():
                self._read_item(key)
            return
        self._records[key] = record
        if key == self._key():  # a late answer for an item or county no longer shown is only kept
            self._show_record(key, record)

    def _show_record(self, key: ItemKey, record: ItemRecord) -> None:
        """The item's record as read, on the editor showing it. What is typed and not yet
        saved stays: then only the problems and the evidence follow."""
        shown = self._with_unsaved(key, record)
        if self._waiting == key or self._shown is None:
            self._waiting = None
            self._display(key, shown)
            self.editor.set_loading(False)
        elif self.dirty or _ItemState.of(shown) == _ItemState.of(self._shown):
            if shown.problems != self._shown.problems:
                self.editor.show_problems(shown.problems)
            if shown.evidence != self._shown.evidence:
                self.evidence.show_evidence(shown.evidence)
            self._shown = replace(self._shown, problems=shown.problems, evidence=shown.evidence)
        else:
            self._display(key, shown)

    # --- reads of the tree, the signatures, the inbox -------------------------------------------

    def _query(self, fn: Callable[[], T], done: Callable[[T], None], failed: Callable[[BaseException], None] | None = None) -> None:
        """A read of the window's (counted in pending_reads); none once the window closed."""
        if self._closed:
            return
        self.pending_reads += 1

        def answered(result: T) -> None:
            self.pending_reads -= 1
            done(result)

        def refused(exc: BaseException) -> None:
            self.pending_reads -= 1
            (failed or self.ops.show_failure)(exc)

        self.ops.query(fn, done=answered, failed=refused)

    def _ticket(self, kind: str) -> Callable[[], bool]:
        """A new read of this kind; the function tells, when it answers, whether it is still the newest."""
        number = self._tickets[kind] = self._tickets.get(kind, 0) + 1
        return lambda: self._tickets[kind] == number

    def _refresh_tree(self) -> None:
        """Read the county's statuses again; the tree redraws when they arrive."""
        if self.county is None:
            return
        county, newest = self.county, self._ticket("tree")

        def arrived(status: CountyStatus) -> None:
            if newest():
                self._statuses[county] = status
                if county == self.county:
                    self._show_status(status)

        self._query(lambda: inspection.county_status(self.ws, county), arrived)
        self._refresh_signatures()

    def _show_status(self, status: CountyStatus) -> None:
        """Redraw the tree's statuses. Under a filter, rows come and go (the proxy refilters
        itself); the item being edited stays in the editor even if the filter now hides it."""
        self._refreshing = True
        try:
            self.model.update_status(status)
            if Filter(self.filter.currentData()) is not Filter.ALL:
                self.tree.expandAll()
                if self.item:
                    index = self.proxy.mapFromSource(self.model.index_of(self.item))
                    if index.isValid():
                        self.tree.setCurrentIndex(index)
                    else:
                        self.tree.selectionModel().clearCurrentIndex()
        finally:
            self._refreshing = False

    def _refresh_signatures(self) -> None:
        if self.county is None:
            return
        county, newest = self.county, self._ticket("signatures")

        def arrived(signed: dict[str, inspection.Signature]) -> None:
            if newest() and county == self.county:
                self._show_signatures(signed)

        self._query(lambda: inspection.signatures(self.ws, county), arrived)

    def _show_signatures(self, signed: dict[str, inspection.Signature]) -> None:
        if not signed:
            say(self.signature_label, self.tr("Record not signed"), Tone.QUIET)
        elif all(s.current for s in signed.values()) and len(signed) == len(inspection.SIGNER_ROLES):
            say(self.signature_label, self.tr("Record signed"), Tone.GOOD)
        elif any(not s.current for s in signed.values()):
            say(self.signature_label, self.tr("Changed since signed: sign again"), Tone.BAD)
        else:
            say(self.signature_label, self.tr("Partly signed"), Tone.WARN)

    def _refresh_inbox(self) -> None:
        newest = self._ticket("inbox")

        def arrived(photos: tuple[inspection.Evidence, ...]) -> None:
            if newest():
                self.inbox.show_inbox(photos)

        self._query(lambda: inspection.inbox(self.ws), arrived)

    @Slot(object)
    def _on_ops_changed(self, changes: Changes) -> None:
        """After every write that changed something, the window's or a dialog's: what it
        concerns is read again. A write of an item makes every answer about it asked before
        stale; its score and findings are in the editor already (the save's own), its
        problems and evidence are read again while it is shown, or forgotten."""
        if changes.everything:
            self._generation += 1
            self._records.clear()
            self._statuses.clear()
        for key in changes.items:
            self._epochs[key] = self._epochs.get(key, 0) + 1
        current = self._key()
        if changes.touches("problem", "evidence"):
            if current is not None and (changes.everything or current in changes.items):
                self._read_item(current)
            for key in changes.items - {current}:
                self._records.pop(key, None)
            if changes.everything or INBOX[0] in changes.counties:
                self._refresh_inbox()
        for county in changes.counties:
            self._statuses.pop(county, None)
        if self.county is not None and changes.touches(county=self.county):
            self._refresh_tree()  # and the signature state: any change of the county's record changes it

    def _sign(self) -> None:
        """The signatures dialog, once the pending edits are written (it signs the record as
        saved). Its writes tell the window (Changes), which redraws its signature state."""
        if self.county is None:
            return
        county, name = self.county, self.counties.currentText()
        self.save_now()
        self.ops.after_writes(lambda: self._open_signatures(county, name))

    def _open_signatures(self, county: str, name: str) -> None:
        from desktop.ui.signature import SignDialog  # (the pad and its dialog: when first signing)

        dialog = SignDialog(self, self.ws, county, name, self.ops, record=self._undoable)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal, without a loop of its own

    # --- saving ------------------------------------------------------------------------

    def _edited(self) -> None:
        if self._waiting is not None:  # greyed: nothing the user did; the record arriving replaces it
            return
        self.dirty = True
        self.saved_label.setText(self.tr("Unsaved changes…"))
        self.timer.start()

    def save_now(self) -> None:
        """Write what the editor holds, now (on the writer thread)."""
        self.timer.stop()
        if not self.dirty or self.county is None or self.item is None:
            return
        after = _ItemState(self.editor.settled_score(), self.editor.comment.toPlainText().strip(), tuple(self.editor.findings()))
        self.dirty = False
        before, self._baseline = self._baseline, after
        if self._shown is not None:  # the editor shows it: a record read with it changes nothing there
            self._shown = after.on(self._shown)
        if before is not None and before != after:
            self.undo_stack.push(_EditCommand(self, self.county, self.item, before, after))  # push runs redo(): the write
        else:
            self._store(self.county, self.item, after)

    def _store(self, county: str, item: str, state: _ItemState, then: Callable[[], None] | None = None) -> None:
        self.saved_label.setText(self.tr("Saving…"))
        key = (county, item)
        self._unsaved[key] = state

        def save() -> Changes:
            written = inspection.save_item(self.ws, county, item, score=state.score, comment=state.comment, findings=state.findings)
            return changed(("score", "finding"), key) if written else NOTHING

        def done(_changes: Changes) -> None:
            if self._unsaved.get(key) is state:
                del self._unsaved[key]
            held = self._records.get(key)
            if held is not None:  # what is stored now; its problems and evidence as they were
                self._records[key] = state.on(held)
            self._written()
            if then:
                then()

        self.ops.write(save, done=done, failed=self._failed)

    def _undone(self, county: str, item: str, state: _ItemState) -> None:
        """Undo or redo of an edit: write that state back and show it if the item is open."""
        if (county, item) == (self.county, self.item):
            self.timer.stop()
            self.dirty = False
            self._baseline = state

        def show() -> None:
            if (county, item) == (self.county, self.item):
                self._load_item(item)

        self._store(county, item, state, show)

    def _write(
        self, fn: Callable[[], T], concerns: Changes | None = None, then: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """A write of the window's other than the item editor's, after the pending edit: fn on
        the writer, then what it changed handed to the views (Operations.changed) — what the
        service says it changed (its Changes, or its report's), or, for a service that returns
        a record, what it `concerns` — then `then(result)`; a refusal is said, then `failed(exc)`."""
        self.save_now()
        self.saved_label.setText(self.tr("Saving…"))
        results: list[T] = []

        def run() -> Changes:
            result = fn()
            results.append(result)
            return changes_of(result) if concerns is None else concerns

        def done(_changes: Changes) -> None:
            self._written()
            if then:
                then(results[0])

        def refused(exc: BaseException) -> None:
            self._failed(exc)
            if failed:
                failed(exc)

        self.ops.write(run, done=done, failed=refused)

    def _undoable(
        self, fn: Callable[[], Any], text: str, *, entity: str, record_id: str | None = None, concerns: Changes | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """A write of one record that the undo stack can take back (desktop.ui.undo)."""

        def done(outcome: Undoable) -> None:
            if outcome.wrote:
                self.undo_stack.push(RecordCommand(text, self.ws, entity, outcome, self._write))

        self._write(undoable(self.ws, fn, record_id, concerns), then=done, failed=failed)

    def show_deleted(self) -> RecycleBin:
        """已删除: this laptop's deleted evidence and problems, any brought back."""
        self.save_now()
        from desktop.ui.history import RecycleBin

        dialog = RecycleBin(self, self.ws, self.ops)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_history(self, record_id: str, entity: str, title: str) -> HistoryDialog:
        self.save_now()
        from desktop.ui.history import HistoryDialog

        dialog = HistoryDialog(self, self.ws, self.ops, record_id, entity=entity, title=title)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_item_history(self, mode: InspectionMode | None) -> HistoryDialog | None:
        """The versions of the item's score and reasoning (mode None) or of its findings in a
        mode, this laptop's inspector's; an older one brought back shows in the editor."""
        key, who = self._key(), self.ws.identity.inspector
        if key is None or not who:
            return None
        county, item = key
        where = f"{self.counties.currentText()} {item}"
        if mode is None:
            dialog = self.show_history(records.score_id(self.ws, county, item, who), "score", where)
        else:
            dialog = self.show_history(records.finding_id(self.ws, county, item, who, mode), "finding", f"{where} · {mode_label(mode)}")

        def brought_back() -> None:
            self._records.pop(key, None)
            if self._key() == key:  # shown as it now is, from the database
                self._load_item(item)

        dialog.restored.connect(brought_back)
        return dialog

    def _written(self) -> None:
        if self.ops.pending_writes == 0 and not self.dirty:
            self._show_saved(dt.datetime.now())

    def _show_saved(self, when: dt.datetime | None) -> None:
        if when is None:
            self.saved_label.setText(self.tr("Saved"))
        else:
            self.saved_label.setText(self.tr("Saved {0}").format(when.strftime("%H:%M:%S")))

    def _failed(self, exc: BaseException) -> None:
        paths.log_error(exc)
        self.saved_label.setText(self.tr("NOT SAVED"))
        QMessageBox.critical(self, self.tr("Not saved"), explain(exc))

    # --- problems and evidence -----------------------------------------------------------

    def _edit_problem(self, problem: inspection.Problem | None) -> None:
        if self.county is None or self.item is None:
            return
        dialog = ProblemDialog(self, problem, inspection.default_deadline(self.ws))
        if dialog.exec() != ProblemDialog.DialogCode.Accepted:
            return
        description, severity, deadline = dialog.values()  # (a description given: the dialog's OK asks for one)
        county, item = self.county, self.item
        record_id = problem.record_id if problem else None
        self._undoable(
            lambda: inspection.save_problem(
                self.ws, county, item, description=description, severity=severity, deadline=deadline, record_id=record_id
            ),
            self.tr("edit of a problem") if problem else self.tr("new problem"), entity="problem", record_id=record_id,
            concerns=changed(("problem",), (county, item)),
        )

    def _remove_problem(self, record_id: str) -> None:
        key = self._key()
        if key is not None:  # undoable, and in 已删除 for good
            self._undoable(lambda: inspection.remove(self.ws, "problem", record_id), self.tr("deletion of a problem"),
                           entity="problem", record_id=record_id)

    def _step_problem(self, problem: inspection.Problem, status: str) -> None:
        """A step of the problem's state machine (desktop.core.problems): rectified on
        evidence or a written account, reopened with a reason. A step it refuses is said in
        the user's words and writes nothing."""
        target = ProblemStatus(status)
        given = ask_step(self, target, problem.description)
        if given is None:
            return
        record_id = problem.record_id
        key = self._key()
        if key is None:
            return

        def step() -> rectification.Entry | InputError:
            try:
                return rectification.set_status(
                    self.ws, record_id, target, evidence=given.files, account=given.account, reason=given.reason
                )
            except InputError as exc:
                if exc.problems[0].code in set(Refusal):
                    return exc  # the rule's refusal, said below; anything else is a failure
                raise

        def done(result: rectification.Entry | InputError) -> None:
            if isinstance(result, InputError):
                QMessageBox.warning(self, self.tr("Problem found"), refused_step(result))

        self._write(step, then=done)  # a step taken says what it changed (Entry.changes); a refusal, nothing

    def _attach(self, files: list[Path]) -> None:
        if self.county is None or self.item is None:
            return
        county, item, mode = self.county, self.item, self.editor.current_mode()

        def attach_all() -> list[str]:
            warnings = []
            for path in files:
                try:
                    _evidence, unreadable = inspection.attach(self.ws, path, county=county, item=item, mode=mode)
                except InputError as exc:
                    warnings.append(explain(exc))
                    continue
                if unreadable:
                    warnings.append(self.tr("{0}: not a readable picture; kept as a document").format(path.name))
            return warnings

        def done(warnings: list[str]) -> None:
            if warnings:
                QMessageBox.warning(self, self.tr("Evidence"), "\n".join(warnings))

        self._write(attach_all, changed(("evidence",), (county, item)), done)

    @Slot(str)
    def _on_evidence_removed(self, record_id: str) -> None:
        key = self._key()
        if key is not None:
            self._undoable(lambda: inspection.remove(self.ws, "evidence", record_id), self.tr("deletion of evidence"),
                           entity="evidence", record_id=record_id)

    @Slot(str, str)
    def _on_evidence_caption_changed(self, record_id: str, text: str) -> None:
        key = self._key()
        if key is not None:
            self._undoable(lambda: inspection.set_caption(self.ws, record_id, text), self.tr("caption of evidence"),
                           entity="evidence", record_id=record_id)

    @Slot(str)
    def _on_inbox_removed(self, record_id: str) -> None:
        self._undoable(lambda: inspection.remove(self.ws, "evidence", record_id), self.tr("deletion of a photo in the inbox"),
                       entity="evidence", record_id=record_id)

    def look_for_cameras(self) -> None:
        """Show 拍照 while the computer has a camera, one plugged in later included. Where there
        may be one, QtMultimedia's module loads on a worker, then CameraWatch asks it on the
        GUI thread; where there is none (Linux without /dev/video*), nothing loads until a
        device appears."""
        self.camera_checked = True
        if self.cameras is not None or self._camera_loading:
            return
        if camera.may_have_camera():
            self._camera_loading = True
            jobs.start(self._background, camera.load, parent=self, done=lambda _none: self._watch_cameras(), failed=paths.log_error)
        elif self._devices is None:
            self._devices = camera.device_watcher(self)
            self._devices.directoryChanged.connect(self._on_devices_directory_changed)

    @Slot(str)
    def _on_devices_directory_changed(self, _path: str) -> None:
        self.look_for_cameras()

    def _watch_cameras(self) -> None:
        self.cameras = camera.CameraWatch(self)
        self.cameras.changed.connect(self.evidence.set_camera_available)
        self.evidence.set_camera_available(self.cameras.available())
        if self._devices is not None:  # QtMultimedia follows the devices from here on
            self._devices.deleteLater()
            self._devices = None

    def _take_photo(self) -> None:
        if self.county is None or self.item is None:
            return
        county, item, mode = self.county, self.item, self.editor.current_mode()
        dialog = camera.CameraDialog(self, f"{self.counties.currentText()} › {item} › {mode_label(mode)}")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.captured.connect(lambda image: self.attach_camera_photo(image, county=county, item=item, mode=mode))
        dialog.open()

    def attach_camera_photo(self, image: QImage, *, county: str, item: str, mode: InspectionMode) -> None:
        """A photo from the camera dialog, stored as evidence of that item and mode like an
        attached file (encoded as JPEG on the writer thread, not the GUI's)."""
        taken = dt.datetime.now()
        stem = self.tr("camera")  # the photo's file name, as shown under its thumbnail
        name = f"{stem}-{taken:%Y%m%d-%H%M%S}.jpg"

        def store() -> Any:
            return inspection.attach_bytes(
                self.ws, camera.jpeg(image), name, county=county, item=item, mode=mode, taken_at=taken.isoformat(timespec="seconds")
            )

        self._write(store, changed(("evidence",), (county, item)))

    def _import_folder(self, folder: Path) -> None:
        """A folder of photos into the inbox, off the GUI thread, with progress and cancel."""
        dialog = QProgressDialog(self.tr("Importing photos from {0}…").format(folder), self.tr("Cancel"), 0, 0, self)
        dialog.setWindowTitle(self.tr("Photo inbox"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        bridge = _ProgressBridge(self)
        bridge.step.connect(lambda done, total: (dialog.setMaximum(total), dialog.setValue(done)))
        stop = threading.Event()  # read by the writer thread; set from the GUI's cancel button
        dialog.canceled.connect(stop.set)
        cancelled = stop.is_set

        def done(result: inspection.FolderImport) -> None:
            dialog.reset()
            self.side.setCurrentWidget(self.inbox)
            message = self.tr("{0} photos imported into the inbox.").format(result.imported)
            known = sum(code in {"already_filed", "already_in_inbox"} for _name, code in result.skipped)
            if known:  # a card imported again: said once, not file by file
                message += " " + self.tr("{0} were already among the evidence and were left out.").format(known)
            others = [(name, code) for name, code in result.skipped if code not in {"already_filed", "already_in_inbox"}]
            if others:
                lines = [self.tr("{0}: {1}").format(name, input_problem(code)) for name, code in others[:20]]
                message += "\n\n" + self.tr("Not imported:") + "\n" + "\n".join(lines)
            QMessageBox.information(self, self.tr("Photo inbox"), message)

        self._write(
            lambda: inspection.import_folder(self.ws, folder, progress=bridge.step.emit, cancelled=cancelled), then=done,
        )  # the import says what it changed: the inbox, when a photo went in

    def _assign(self, code: str | None, record_ids: list[str]) -> None:
        if not code or self.county is None or not record_ids:
            return
        if self.campaign.indicator_set.node(code).level is not Level.ITEM:
            return
        county, mode = self.county, self.editor.current_mode()
        self._write(
            lambda: inspection.assign(self.ws, record_ids, county=county, item=code, mode=mode),
        )

    def _print(self) -> None:
        """The county's 检查记录表 as saved: the dialog opens once the pending edits are
        written (the GUI does not wait for them)."""
        if self.county is None:
            return
        county = self.county

        def open_record() -> None:
            from desktop.ui.documents import RECORD, open_documents

            open_documents(self.ws, self, kind=RECORD, county=county)

        self.save_now()
        # out of the write's callback: the dialog's own loop is not run inside it
        self.ops.after_writes(lambda: QTimer.singleShot(0, self, open_record))

    def _export(self) -> None:
        self.save_now()
        target = files.export_target(self, self.ws, self.tr("Export to USB stick"))
        if target is None:
            return

        def done(snapshot: Any) -> None:
            QMessageBox.information(
                self, self.tr("Export"),
                self.tr("Exported to {0}: export no. {1}, {2} versions, {3} evidence files, read back and verified.").format(
                    snapshot.path, snapshot.manifest.number, snapshot.versions, snapshot.blobs
                ) + "\n\n" + sealing(snapshot),
            )

        from desktop.services import sync  # (the export's modules: when first exporting)

        self._write(lambda: sync.export(self.ws, target), NOTHING, done)  # the records stay as they are

    def _switch_language(self) -> None:
        prefs = Preferences()
        new = "en" if prefs.language == "zh_CN" else "zh_CN"
        prefs.language = new
        QMessageBox.information(  # in the language the window speaks now: one language at a time
            self, self.tr("Language"),
            self.tr("The window will be in English from the next start.")
            if new == "en" else self.tr("The window will be in Chinese from the next start."),
        )

    def check_in_background(self) -> None:
        """SQLite's quick check of the whole file, off the GUI thread; a damaged file is said
        at once, with what to do."""
        def damaged(exc: BaseException) -> None:
            paths.log_error(exc)
            QMessageBox.critical(self, self.tr("The database is damaged"), explain(exc))

        def check() -> None:  # the workspace's database looked up on the reader: it may still be opening (issue 19)
            self.ws.database.check()

        self._query(check, lambda _result: None, damaged)

    # --- closing -----------------------------------------------------------------------

    def wait_for_thumbnails(self, msecs: int) -> bool:
        """The reads asked so far answered and shown, then the thumbnails they started made
        (the screenshot, the bench and the tests wait for these; the window never does)."""
        deadline = time.monotonic() + msecs / 1000
        while True:
            self.ops.wait(msecs)
            QCoreApplication.processEvents()  # the answers, delivered
            if not self.pending_reads or time.monotonic() > deadline:
                break
        return self.evidence.wait(msecs) and self.inbox.wait(msecs)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.county is not None and self.item is not None:  # opened there next time
            Preferences().remember_place(self.ws.path, self.county, self.item)
        self.save_now()
        # The last edit is milliseconds of writing: waited for here. A write that takes longer (a
        # folder of photos going in, a slow or failing disk) holds the close instead, in a small
        # window that says so, rather than a window that no longer answers.
        self.ops.release()  # (a close before the first frame: what was held starts now)
        if self.ops.pending_writes and not self.ops.abandoned and self.ops.writer.waitForDone(CLOSE_WAIT_MS):
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)  # their answers, on this thread
        if self.ops.holds_close(event):
            return  # (it closes the window again once its writes are done)
        if not self.ops.abandoned:
            self.ops.wait()  # the last edit committed, whatever the window had asked finished
        self._closed = True  # and nothing more is read
        self._background.waitForDone(5000)
        self.evidence.wait(5000)
        self.inbox.wait(5000)
        super().closeEvent(event)


__all__ = ["MainWindow", "open_database"]
