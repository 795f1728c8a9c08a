"""The one way the window reaches the data: every database call from `desktop/ui` is an
operation run off the GUI thread, its result or failure delivered back on it.

- `query`: a read, on a small pool of reader threads; several may run at once.
- `write`: a change, on the one serial writer: writes run one at a time, in the order they
  were asked for. A write returns the service's `Changes` (or anything else); when it is
  done `changed` is emitted with what it changed, so each view refreshes only for what
  concerns it.
- `after_writes`: a barrier — the callback runs once every write asked for before it has
  finished (print after the pending saves, close after the last edit).
- `in_turns`: what arrived, drawn a part at a time, one turn of the event loop each, in the
  order asked for: the window answers between two parts of a large view.
- Long work takes a `Progress`: it reports how far it has got and sees a cancel asked from
  the window; the window shows both.

A failure reaches `failed`, or by default the window's message in the user's language
(`messages.explain`) for what the environment or the input did, and the log for a bug.

Modelled on Anki's `aqt.operations` (CollectionOp, QueryOp) and its task manager: the same
split of reads and writes, the changes handed to every view after a write.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desktop.services.changes import Changes
from desktop.ui import jobs
from desktop.ui.jobs import Cancelled

T = TypeVar("T")
READERS = 2  # the reference machine has two cores; a read is mostly waiting on the disk or the server
# How long a window's work waits for its first frame at most (hold_until_painted): a window
# never exposed (minimised at start) gets its answers all the same.
HOLD_LIMIT_MS = 1500


@dataclass
class Progress:
    """How far long work has got, and whether the user asked it to stop. Thread-safe: the
    work writes it, the GUI thread reads it."""

    done: int = 0
    total: int = 0
    label: str = ""
    _cancel: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def report(self, done: int, total: int, label: str = "") -> None:
        """Called by the work; raises Cancelled once the user asked to stop."""
        with self._lock:
            self.done, self.total, self.label = done, total, label
        if self._cancel.is_set():
            raise Cancelled

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def read(self) -> tuple[int, int, str]:
        with self._lock:
            return self.done, self.total, self.label


class Operations(QObject):
    """A window's reads and writes. One per window; its dialogs use their window's."""

    changed = Signal(object)  # Changes, after each write that changed something
    idle = Signal()  # the last pending write has finished
    drawn = Signal()  # the last part asked for with in_turns has run

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.window = parent
        self.readers = QThreadPool(self)
        self.readers.setMaxThreadCount(READERS)
        self.writer = QThreadPool(self)
        self.writer.setMaxThreadCount(1)
        self.pending_writes = 0
        self.pending_reads = 0
        self._barriers: list[tuple[int, Callable[[], None]]] = []
        self._written = 0  # writes finished so far (a barrier waits for a count)
        self._asked = 0  # writes asked for so far
        self._turns: deque[Callable[[], None]] = deque()  # parts of views still to draw (in_turns)
        self._said: BaseException | None = None  # the last failure shown
        self._held: list[Callable[[], None]] | None = None  # work asked for before the first frame (hold_until_painted)
        self.closed = False  # the window closes (close): failures are only logged, as for a window shown and closed
        self.abandoned = False  # the user closed the window without waiting for its last write (holds_close)
        self._finishing: QProgressDialog | None = None  # says the window closes once its writes are done

    # --- reads ---------------------------------------------------------------------------

    def query(
        self,
        fn: Callable[[], T],
        *,
        done: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run a read off the GUI thread; done(result) on it (dropped if the window is gone)."""
        self.pending_reads += 1

        def answered(result: T) -> None:
            self.pending_reads -= 1
            if done is not None:
                done(result)

        def refused(exc: BaseException) -> None:
            self.pending_reads -= 1
            (failed or self.show_failure)(exc)

        self._start(lambda: jobs.start(self.readers, fn, parent=self, done=answered, failed=refused))

    def _start(self, start: Callable[[], None]) -> None:
        if self._held is not None:
            self._held.append(start)
        else:
            start()

    def hold_until_painted(self, window: QWidget) -> None:
        """Start no read or write until `window` has painted its first frame (or HOLD_LIMIT_MS
        passed), then all of them in the order asked: the window's start (issue 19), whose
        first read loads the data layer and opens the database, does that after the frame rather
        than beside it on the same interpreter."""
        if self._held is not None:
            return
        self._held = []
        after_first_frame(window, self.release)
        QTimer.singleShot(HOLD_LIMIT_MS, self, self.release)

    def release(self) -> None:
        """Start what hold_until_painted kept back (nothing when nothing is held)."""
        held, self._held = self._held, None
        for start in held or ():
            start()

    @property
    def busy(self) -> bool:
        """Reads or writes asked for and not answered yet, or what they brought not all drawn
        yet (in_turns): a test waits for this to settle."""
        return bool(self.pending_reads or self.pending_writes or self._turns)

    # --- drawing what arrived ------------------------------------------------------------

    def in_turns(self, parts: Iterable[Callable[[], None]]) -> None:
        """Run each part on the GUI thread in a turn of the event loop of its own, after the
        parts asked for before (one queue: an older view's part never lands after a newer
        one's). A large view's tables, charts and trees then each keep the window waiting
        only as long as they take to fill, not all of them together."""
        idle = not self._turns
        self._turns.extend(parts)
        if idle and self._turns:
            QTimer.singleShot(0, self, self._next_turn)

    def _next_turn(self) -> None:
        part = self._turns[0]
        try:
            part()
        finally:
            self._turns.popleft()
            if self._turns:
                QTimer.singleShot(0, self, self._next_turn)
            else:
                self.drawn.emit()

    # --- writes --------------------------------------------------------------------------

    def write(
        self,
        fn: Callable[[], T],
        *,
        done: Callable[[T], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run a change on the serial writer; then `changed` (if what fn returned says it
        changed something: see changes_of), then done(result), both on the GUI thread."""
        self.pending_writes += 1
        self._asked += 1

        def finished(result: T) -> None:
            self._finish()
            changes = changes_of(result)
            if changes:
                self.changed.emit(changes)
            if done is not None:
                done(result)
            self._release()

        def refused(exc: BaseException) -> None:
            self._finish()
            (failed or self.show_failure)(exc)
            self._release()

        self._start(lambda: jobs.start(self.writer, fn, parent=self, done=finished, failed=refused))

    def after_writes(self, callback: Callable[[], None]) -> None:
        """callback() once every write asked for so far has finished (at once if none is pending)."""
        if self._written >= self._asked:
            callback()
        else:
            self._barriers.append((self._asked, callback))

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the reads and writes asked for so far are done (closing, tests): what
        hold_until_painted keeps back is started first (a window closed before its first frame
        still writes what it was asked to)."""
        self.release()
        return self.writer.waitForDone(msecs) and self.readers.waitForDone(msecs)

    def _finish(self) -> None:
        self.pending_writes -= 1
        self._written += 1

    def _release(self) -> None:
        ready = [cb for upto, cb in self._barriers if upto <= self._written]
        self._barriers = [(upto, cb) for upto, cb in self._barriers if upto > self._written]
        for callback in ready:
            callback()
        if not self.pending_writes:
            self.idle.emit()

    def close(self) -> None:
        """The window closes: what its reads and writes still bring is drawn into it unseen, and
        a failure (a read failing as the database closes) is no longer said."""
        self.closed = True

    def holds_close(self, event: QEvent) -> bool:
        """The window's closeEvent asks first: True when its close is held, because a write it
        asked for is still running (an export of a master: minutes on gigabytes). A small window
        says so, and the window closes itself once its writes are done; the user may close it
        without waiting (a server out of reach), after being asked: what was being written is
        then undone if it has not finished, nothing half-written (`abandoned` says so)."""
        if not self.pending_writes or self.abandoned:
            return False
        event.ignore()
        if self._finishing is None:
            self._finishing = busy_window(
                QCoreApplication.translate("Operations", "Finishing what is being written; the window closes by itself when it is done…"),
                self.window, cancel=QCoreApplication.translate("Operations", "Close without waiting…"),
            )
            self._finishing.setWindowModality(Qt.WindowModality.WindowModal)
            self._finishing.canceled.connect(self._close_without_waiting)
            self._finishing.show()
            self.after_writes(self._written_now_close)
        return True

    def _close_without_waiting(self) -> None:
        asked = QMessageBox.question(
            self.window, QCoreApplication.translate("Operations", "Close without waiting"),
            QCoreApplication.translate(
                "Operations",
                "What is being written now may not be kept: if it has not finished when the database closes, it is undone, "
                "and nothing is left half-written. Close the window anyway?",
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        self._put_away_finishing()
        if not self.window.isVisible():  # the write ended while the question was asked: closed already
            return
        if asked == QMessageBox.StandardButton.Yes:
            self.abandoned = True
        self.window.close()  # (No: held again, with a new small window)

    def _put_away_finishing(self) -> None:
        finishing, self._finishing = self._finishing, None
        if finishing is not None:
            finishing.canceled.disconnect(self._close_without_waiting)  # (closing a QProgressDialog says "canceled")
            finishing.hide()
            finishing.deleteLater()

    def _written_now_close(self) -> None:
        self._put_away_finishing()
        self.window.close()  # (a write asked meanwhile: held again)

    # --- failures ------------------------------------------------------------------------

    def show_failure(self, exc: BaseException) -> None:
        """What the environment or the input did, said in the user's language; a bug logged
        and said as such. Never a traceback."""
        from desktop.ui.messages import explain

        if isinstance(exc, Cancelled) or exc is self._said:  # (a workspace that could not open fails every read with one error)
            return
        self._said = exc
        jobs.log_if_a_bug(exc)
        shown_and_closed = self.window.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide) and not self.window.isVisible()
        if self.closed or shown_and_closed:
            # the window closed meanwhile (a read still under way fails as the database closes):
            # nobody to say it to. A message box over it ran an event loop of its own, in which the
            # window's deferred deletion freed the box, made on the stack: the process aborted.
            return
        QMessageBox.warning(self.window, self.window.windowTitle(), explain(exc))


class _FirstFrame(QObject):
    """Calls `then` on the turn of the event loop after the window's first paint."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._window, self._then = window, then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self._window, self._then)  # once this frame is drawn
        return False


def after_first_frame(window: QWidget, then: Callable[[], None]) -> None:
    """Call `then` on the turn of the event loop after `window` paints its first frame."""
    window.installEventFilter(_FirstFrame(window, then))


def changes_of(result: object) -> Changes:
    """What a write's result says it changed: the service's Changes, or the `changes` of the
    report it returned (an import, a merge); nothing for anything else."""
    if isinstance(result, Changes):
        return result
    changes = getattr(result, "changes", None)
    return changes if isinstance(changes, Changes) else Changes()


BEFORE_WINDOW_SAY_MS = 500  # an open before the window that takes longer is said in a small window


def before_window(fn: Callable[[], T], label: str) -> T:
    """What the program needs before it has a window (the database opened at start): fn off
    the GUI thread while the event loop turns; if it takes over half a second (a master on a
    server far away), a small window says `label`. fn's result, or its exception raised here."""
    outcome: list[tuple[bool, object]] = []
    loop = QEventLoop()
    anchor = QObject()

    def settle(ok: bool, value: object) -> None:
        outcome.append((ok, value))
        loop.quit()

    shown: list[QProgressDialog] = []

    def say() -> None:  # made only when it is needed (a few ms of a start that takes none of it)
        progress = busy_window(label)  # (no button: an open cannot be stopped half-way; it ends or fails)
        progress.show()
        shown.append(progress)

    timer = QTimer(anchor)
    timer.setSingleShot(True)
    timer.timeout.connect(say)
    timer.start(BEFORE_WINDOW_SAY_MS)
    jobs.start(QThreadPool.globalInstance(), fn, parent=anchor,
               done=lambda result: settle(True, result), failed=lambda exc: settle(False, exc))
    loop.exec()  # the answer is delivered on this thread, inside this loop
    timer.stop()
    for progress in shown:
        progress.reset()
        progress.deleteLater()
    ok, value = outcome[0]
    if not ok:
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[return-value]


def busy_window(label: str, parent: QWidget | None = None, *, cancel: str = "") -> QProgressDialog:
    """A small window that says what the program is doing, with a busy bar (it has no measure
    of how far it is); with `cancel`, a button that asks to stop, else none."""
    window = QProgressDialog(label, cancel, 0, 0, parent)
    if not cancel:
        window.setCancelButton(None)
    return window


def on_gui_thread() -> bool:
    """True on the thread that runs the event loop (the tests' guard asks this)."""
    from PySide6.QtCore import QCoreApplication, QThread

    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()

