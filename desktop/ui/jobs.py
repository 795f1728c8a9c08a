"""Work off the GUI thread: a job runs a function in a thread pool and reports its result
or its exception back on the GUI thread. The writer runs jobs one at a time, in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from db.errors import KnownDatabaseError
from desktop import paths
from desktop.core.errors import InputError


class _Signals(QObject):
    finished = Signal(object)  # the job's result
    failed = Signal(object)  # the exception


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.fn, self.signals = fn, signals

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # handed to the GUI thread, which logs it and tells the user
            self._report("failed", exc)
        else:
            self._report("finished", result)

    def _report(self, signal: str, value: Any) -> None:
        try:
            getattr(self.signals, signal).emit(value)
        except RuntimeError:  # the program ended meanwhile (its QApplication gone, the signals with it): nobody waits
            if signal == "failed":  # but a bug that failed is not lost: the error log has it
                log_if_a_bug(value)


class Cancelled(Exception):
    """Raised inside long work when the user asked to stop; nothing it wrote is kept."""


def log_if_a_bug(exc: BaseException) -> None:
    """A job's failure into the error log, unless it is what the environment or the input did
    (said to the user in their words: desktop.ui.messages) or a cancel."""
    if not isinstance(exc, Cancelled | InputError | KnownDatabaseError | OSError):
        paths.log_error(exc)


# A job's signals, from its start until its result is delivered. They have no Qt parent: as a
# child of the job's `parent`, their deferred deletion released the callbacks, which may hold
# the last reference to `parent` (a dialog closed meanwhile), and so destroyed `parent` from
# inside its own child's destructor: memory corrupted, the process aborted now and then.
_pending: set[_Signals] = set()


def start(
    pool: QThreadPool,
    fn: Callable[[], Any],
    *,
    parent: QObject,
    done: Callable[[Any], object] | None = None,
    failed: Callable[[BaseException], object] | None = None,
) -> None:
    """Run fn in the pool; done(result) or failed(exception) then run on the GUI thread,
    unless `parent` has been destroyed meanwhile (then the result is dropped)."""
    signals = _Signals()
    _pending.add(signals)

    def deliver(callback: Callable[[Any], object] | None, value: Any) -> None:
        _pending.discard(signals)
        signals.deleteLater()
        if callback is not None and shiboken6.isValid(parent):
            callback(value)

    signals.finished.connect(lambda result: deliver(done, result))
    signals.failed.connect(lambda exc: deliver(failed, exc))
    pool.start(_Job(fn, signals))


class Writer(QObject):
    """One writer thread: jobs run in the order they were given."""

    saved = Signal(object)  # result
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pending = 0

    def submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None) -> None:
        self.pending += 1

        def finished(result: Any) -> None:
            self.pending -= 1
            if on_done:
                on_done(result)
            self.saved.emit(result)

        def failed(exc: BaseException) -> None:
            self.pending -= 1
            self.failed.emit(exc)

        start(self.pool, fn, parent=self, done=finished, failed=failed)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
