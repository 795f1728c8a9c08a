"""The search box: one line in each window. What is typed is searched a quarter of a second
after the last keystroke (desktop.services.search, through the window's Operations: never
on the GUI thread); the hits drop down under the box, best first; Enter, or a click on one,
emits `chosen` with the hit, for the window to open what it names. Enter before the hits
have come takes the first one when they do.

The drop-down is a QCompleter's popup over the hits as they are (no filtering of its own:
the service has ranked them), so the arrows, Escape and the mouse work as in any completer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QPersistentModelIndex, QRect, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLineEdit, QWidget

from desktop.core import search as rules
from desktop.core.search import HitKind
from desktop.ui import later
from desktop.ui.item_view import mode_label
from desktop.ui.operations import Operations

if TYPE_CHECKING:
    from desktop.services import search
    from desktop.services.search import Hit
    from desktop.services.workspace import Workspace
else:
    (search,) = later.modules("desktop.services.search")  # with its index, on the first search (issue 19)

DEBOUNCE_MS = 250
POPUP_WIDTH = 560  # the drop-down's least width: a hit's place and its words on one line
HIT_ROLE = Qt.ItemDataRole.UserRole  # the Hit a row shows (None for the "no match" row)

Index = QModelIndex | QPersistentModelIndex


def kind_label(kind: HitKind) -> str:
    return {
        HitKind.ITEM: QCoreApplication.translate("SearchBox", "Item"),
        HitKind.FINDING: QCoreApplication.translate("SearchBox", "Finding"),
        HitKind.PROBLEM: QCoreApplication.translate("SearchBox", "Problem"),
        HitKind.EVIDENCE: QCoreApplication.translate("SearchBox", "Evidence"),
        HitKind.INSPECTOR: QCoreApplication.translate("SearchBox", "Inspector"),
    }[kind]


def place(hit: Hit, *, show_inspector: bool = True) -> str:
    """Where a hit belongs, in a few words: county, item, inspector, mode."""
    parts = []
    if hit.kind is HitKind.EVIDENCE and hit.county is None:
        parts.append(QCoreApplication.translate("SearchBox", "photo inbox"))
    if hit.county_name:
        parts.append(hit.county_name)
    if hit.item and hit.kind is not HitKind.ITEM:
        parts.append(hit.item)
    if hit.inspector and show_inspector and hit.kind is not HitKind.INSPECTOR:
        parts.append(hit.inspector)
    if hit.mode is not None:
        parts.append(mode_label(hit.mode))
    return QCoreApplication.translate("SearchBox", " · ").join(parts)


def label(hit: Hit, *, show_inspector: bool = True) -> str:
    """A hit's line in the drop-down: what it is, where, and its words around the match."""
    if hit.kind is HitKind.ITEM:
        return QCoreApplication.translate("SearchBox", "Item {0}: {1}").format(hit.item, hit.snippet)
    where = place(hit, show_inspector=show_inspector)
    if not where:
        return QCoreApplication.translate("SearchBox", "{0}: {1}").format(kind_label(hit.kind), hit.snippet)
    return QCoreApplication.translate("SearchBox", "{0} · {1}: {2}").format(kind_label(hit.kind), where, hit.snippet)


class HitModel(QAbstractListModel):
    """The hits of the last search, as the service returned them (frozen records); with none,
    one row that says so."""

    def __init__(self, parent: QWidget | None = None, *, show_inspector: bool = True) -> None:
        super().__init__(parent)
        self.hits: list[Hit] = []
        self.query = ""
        self.show_inspector = show_inspector

    def set_hits(self, hits: list[Hit], query: str) -> None:
        self.beginResetModel()
        self.hits, self.query = list(hits), query
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        if parent.isValid():
            return 0
        return len(self.hits) if self.hits or not self.query else 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if not self.hits:
            return Qt.ItemFlag.ItemNeverHasChildren  # the "no match" row: shown, never picked
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        if not self.hits:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return QCoreApplication.translate("SearchBox", "Nothing found for “{0}”").format(self.query)
            return None
        hit = self.hits[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return label(hit, show_inspector=self.show_inspector)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.item} {hit.item_name}" if hit.item_name else None
        if role == HIT_ROLE:
            return hit
        return None


class SearchBox(QLineEdit):
    """A search line whose hits drop down under it. `ops` runs the searches (the window's
    Operations), `ws` is what they search; a laptop's box leaves its own name off the hits."""

    chosen = Signal(object)
    """The Hit (desktop.services.search.Hit) the user picked: Enter on it, or a click."""

    answered = Signal(int)
    """The hits of the latest query are shown (how many: 0 when nothing was found)."""

    def __init__(self, ops: Operations, ws: Workspace, parent: QWidget | None = None, *, limit: int | None = None) -> None:
        super().__init__(parent)
        self._ops, self._ws, self._limit = ops, ws, limit
        self._asked = 0  # queries started; an answer to an older one than the last is dropped
        self._pick_first = False  # Enter came before the hits: take the first when they come
        self.setPlaceholderText(self.tr("Search findings, problems, evidence, items, inspectors"))
        self.setClearButtonEnabled(True)
        self.model = HitModel(self, show_inspector=ws.identity.role == "master")
        self._completer = QCompleter(self.model, self)
        self._completer.setWidget(self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setMaxVisibleItems(12)
        self.popup().setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.textEdited.connect(self._on_self_text_edited)
        self.textChanged.connect(self._on_self_text_changed)
        self.returnPressed.connect(self._on_self_return_pressed)
        self._completer.activated[QModelIndex].connect(self._on_completer_activated)  # type: ignore[index]  # the index's overload

    def popup(self) -> QAbstractItemView:
        """The drop-down list of hits."""
        shown = self._completer.popup()
        assert shown is not None  # a completer always has one (the stubs say Optional)
        return shown

    def search_now(self) -> None:
        """Search for what is typed at once (the debounce cut short)."""
        self._timer.stop()
        query = self.text()
        self._asked += 1
        asked = self._asked
        if not rules.terms(query):
            self._show([], "")
            return
        ws, limit = self._ws, self._limit

        def run() -> list[Hit]:
            return search.search(ws, query, limit=search.LIMIT if limit is None else limit)

        self._ops.query(run, done=lambda hits: self._on_answer(asked, query, hits))

    def _on_answer(self, asked: int, query: str, hits: list[Hit]) -> None:
        if not shiboken6.isValid(self) or asked != self._asked:
            return  # the box is gone, or the user typed on meanwhile
        if self._pick_first and hits:
            self._pick_first = False
            self._show(hits, query, popup=False)
            self.chosen.emit(hits[0])
            return
        self._pick_first = False
        self._show(hits, query)

    def _show(self, hits: list[Hit], query: str, *, popup: bool = True) -> None:
        self.model.set_hits(hits, query)
        if popup and query and self.isVisible():
            width = max(self.width(), POPUP_WIDTH)
            self._completer.complete(QRect(0, 0, width, self.height()))
        else:
            self.popup().hide()
        self.answered.emit(len(hits))

    def _pick(self, hit: Hit) -> None:
        self.popup().hide()
        self.chosen.emit(hit)

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.search_now()

    @Slot(str)
    def _on_self_text_edited(self, _text: str) -> None:
        self._pick_first = False
        self._timer.start()

    @Slot(str)
    def _on_self_text_changed(self, text: str) -> None:
        if not text:  # cleared (the clear button, or by the window): nothing to show or wait for
            self._timer.stop()
            self._asked += 1
            self._pick_first = False
            self._show([], "")

    @Slot()
    def _on_self_return_pressed(self) -> None:
        popup = self.popup()
        if popup.isVisible() and popup.currentIndex().isValid():
            return  # the completer activates the highlighted hit (_on_completer_activated)
        if self._timer.isActive() or self.model.query != self.text():
            self._pick_first = True  # the hits of what is typed are not in yet
            self.search_now()
        elif self.model.hits:
            self._pick(self.model.hits[0])

    @Slot(QModelIndex)
    def _on_completer_activated(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if hit is not None:  # (the "no match" row holds none)
            self._pick(hit)
