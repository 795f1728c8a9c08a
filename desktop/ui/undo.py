"""Undo for a write of one record (a delete, a caption, a problem, a decision), in either
window: the record's version before and after the write are read in the same turn of the
writer; undo writes the one before again, redo the one after (each a new version, so the
record's history keeps everything; services.history.bring_back)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack

from desktop.services.changes import Changes
from desktop.ui.operations import changes_of

if TYPE_CHECKING:
    from desktop.services.workspace import Workspace


@dataclass(frozen=True)
class Undoable:
    """A record's write as run on the writer: its result, and the record's version before and after."""

    result: Any
    record_id: str
    before: str | None
    after: str | None
    concerns: Changes | None = None

    @property
    def changes(self) -> Changes:
        return changes_of(self.result) if self.concerns is None else self.concerns

    @property
    def wrote(self) -> bool:
        return self.after is not None and self.after != self.before


def undoable(ws: Workspace, fn: Callable[[], Any], record_id: str | None, concerns: Changes | None = None) -> Callable[[], Undoable]:
    """fn as a writer's job that also notes the record's version before and after it
    (record_id None: the record fn creates, its id what fn returns)."""

    def run() -> Undoable:
        from desktop.services import history  # (on the writer, at the first undoable write: not at start)

        before = history.current_version(ws, record_id) if record_id else None
        result = fn()
        written = record_id or str(result)
        return Undoable(result, written, before, history.current_version(ws, written), concerns)

    return run


class RecordCommand(QUndoCommand):
    """One record's write on a window's undo stack. `write(job)` runs a job on the window's
    writer the way the window writes (its pending edit first, its saved label)."""

    def __init__(self, text: str, ws: Workspace, entity: str, outcome: Undoable, write: Callable[[Callable[[], Changes]], None]) -> None:
        super().__init__(text)
        self.ws, self.entity, self.write = ws, entity, write
        self.record_id, self.before, self.after = outcome.record_id, outcome.before, outcome.after
        self._first = True

    def redo(self) -> None:
        if self._first:  # the write itself, done already
            self._first = False
            return
        self.write(_bringing_back(self.ws, self.entity, self.record_id, self.after))

    def undo(self) -> None:
        self.write(_bringing_back(self.ws, self.entity, self.record_id, self.before))


def _bringing_back(ws: Workspace, entity: str, record_id: str, version: str | None) -> Callable[[], Changes]:
    def job() -> Changes:
        from desktop.services import history

        return history.bring_back(ws, entity, record_id, version)

    return job


def undo_actions(stack: QUndoStack, parent: QObject) -> tuple[QAction, QAction]:
    """Undo and redo for a toolbar. They keep their words — what they would take back is in
    the tooltip — so the buttons after them never move under the mouse as it changes."""
    undo = QAction(QCoreApplication.translate("MainWindow", "Undo"), parent)
    undo.setObjectName("undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    undo.triggered.connect(stack.undo)
    redo = QAction(QCoreApplication.translate("MainWindow", "Redo"), parent)
    redo.setObjectName("redo")
    redo.setShortcut(QKeySequence.StandardKey.Redo)
    redo.triggered.connect(stack.redo)
    for action, able, said in ((undo, stack.canUndoChanged, stack.undoTextChanged), (redo, stack.canRedoChanged, stack.redoTextChanged)):
        action.setEnabled(False)
        able.connect(action.setEnabled)
        said.connect(lambda text, a=action: a.setToolTip(text or a.text()))
    return undo, redo
