"""The window's one way to the data: reads and writes off the GUI thread, writes one at a
time in order, results and failures back on the GUI thread, a barrier after the pending
writes, what a write changed handed to the views, and long work that can be cancelled."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.core.errors import InputError
from desktop.services.changes import NOTHING, Changes
from desktop.ui.jobs import Cancelled
from desktop.ui.operations import Operations, Progress, on_gui_thread


@pytest.fixture
def ops(qtbot):  # type: ignore[no-untyped-def]
    window = QWidget()
    qtbot.addWidget(window)
    operations = Operations(window)
    yield operations
    operations.wait()


def test_a_query_runs_off_the_gui_thread_and_answers_on_it(qtbot, ops: Operations) -> None:  # type: ignore[no-untyped-def]
    where: list[bool] = []
    got: list[int] = []

    def read() -> int:
        where.append(on_gui_thread())
        return 42

    def done(value: int) -> None:
        where.append(on_gui_thread())
        got.append(value)

    ops.query(read, done=done)
    qtbot.waitUntil(lambda: got == [42])
    assert where == [False, True]


def test_writes_run_one_at_a_time_in_the_order_asked(qtbot, ops: Operations) -> None:  # type: ignore[no-untyped-def]
    order: list[int] = []
    running = threading.Semaphore(1)

    def write(n: int):  # type: ignore[no-untyped-def]
        def run() -> int:
            assert running.acquire(blocking=False), "two writes at once"
            time.sleep(0.01 * (5 - n))  # the first ones slowest: order is kept all the same
            order.append(n)
            running.release()
            return n
        return run

    finished: list[int] = []
    for n in range(5):
        ops.write(write(n), done=finished.append)
    assert ops.pending_writes == 5
    qtbot.waitUntil(lambda: len(finished) == 5)
    assert order == finished == [0, 1, 2, 3, 4] and ops.pending_writes == 0


def test_the_barrier_waits_for_the_writes_asked_before_it(qtbot, ops: Operations) -> None:  # type: ignore[no-untyped-def]
    gate = threading.Event()
    said: list[str] = []
    ops.write(lambda: gate.wait(5), done=lambda _r: said.append("written"))
    ops.after_writes(lambda: said.append("after"))
    assert said == []  # the write is still pending
    gate.set()
    qtbot.waitUntil(lambda: said == ["written", "after"])
    ops.after_writes(lambda: said.append("at once"))  # nothing pending: at once
    assert said[-1] == "at once"


def test_what_a_write_changed_reaches_the_views(qtbot, ops: Operations) -> None:  # type: ignore[no-untyped-def]
    seen: list[Changes] = []
    ops.changed.connect(seen.append)
    score = Changes.of("score", [("341502", "1.1.1")])
    ops.write(lambda: score)
    ops.write(lambda: NOTHING)  # nothing changed: no view reads again
    qtbot.waitUntil(lambda: ops.pending_writes == 0)
    assert seen == [score]
    assert score.touches("score", county="341502") and not score.touches("score", county="341503")
    assert not score.touches("problem") and (score | Changes(conflicts=True)).conflicts


def test_a_report_that_says_what_it_changed_reaches_the_views_too(qtbot, ops: Operations) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Report:  # an import's or a merge's report: what happened, and what it changed
        versions: int
        changes: Changes

    seen: list[Changes] = []
    ops.changed.connect(seen.append)
    merged = Changes(everything=True)
    answers: list[Report] = []
    ops.write(lambda: Report(3, merged), done=answers.append)
    ops.write(lambda: Report(0, NOTHING))
    ops.write(lambda: 42)  # anything else says nothing
    qtbot.waitUntil(lambda: ops.pending_writes == 0)
    assert seen == [merged] and answers == [Report(3, merged)]


def test_a_failure_is_said_in_the_users_words_and_the_writer_goes_on(qtbot, ops: Operations, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: said.append(text))

    def bad() -> None:
        raise InputError.single("score", "out_of_range", "score 7 is out of range")

    ops.write(bad)
    finished: list[int] = []
    ops.write(lambda: 1, done=finished.append)
    qtbot.waitUntil(lambda: finished == [1])
    assert len(said) == 1 and "7" not in said[0] and said[0]  # the window's sentence, not the English message


def test_long_work_reports_progress_and_stops_when_asked(qtbot, ops: Operations) -> None:  # type: ignore[no-untyped-def]
    progress = Progress()
    reached: list[int] = []
    stopped: list[BaseException] = []

    def long_work() -> None:
        for n in range(1000):
            progress.report(n, 1000, "合并")
            reached.append(n)
            time.sleep(0.002)

    ops.write(long_work, failed=stopped.append)
    qtbot.waitUntil(lambda: len(reached) > 5)
    progress.cancel()
    qtbot.waitUntil(lambda: bool(stopped))
    assert isinstance(stopped[0], Cancelled) and len(reached) < 1000
    done, total, label = progress.read()
    assert total == 1000 and label == "合并" and 0 < done < 1000


def starting(qtbot) -> tuple[QWidget, Operations]:  # type: ignore[no-untyped-def]
    """A window not shown yet, whose Operations hold its work until its first frame."""
    window = QWidget()
    qtbot.addWidget(window)
    ops = Operations(window)
    ops.hold_until_painted(window)
    return window, ops


def test_a_starting_window_holds_its_work_until_its_first_frame_then_runs_it_in_order(qtbot) -> None:  # type: ignore[no-untyped-def]
    window, ops = starting(qtbot)
    ran: list[str] = []
    answered: list[str] = []
    ops.write(lambda: ran.append("write 1") or "w1", done=answered.append)
    ops.query(lambda: "read", done=answered.append)
    ops.write(lambda: ran.append("write 2") or "w2", done=answered.append)
    qtbot.wait(100)
    assert ran == [] and answered == []  # nothing starts before the window has painted
    window.show()  # its first frame
    qtbot.waitUntil(lambda: len(answered) == 3)
    assert ran == ["write 1", "write 2"]
    assert answered.index("w1") < answered.index("w2")
    ops.wait()


def test_a_window_closed_before_its_first_frame_still_writes_what_it_was_asked(qtbot) -> None:  # type: ignore[no-untyped-def]
    _window, ops = starting(qtbot)
    written: list[int] = []
    ops.write(lambda: written.append(1))
    assert ops.wait()  # the window closing: what was held is started, then waited for
    assert written == [1]


def test_an_open_before_the_window_says_so_only_when_it_takes_long(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from desktop.ui.operations import BEFORE_WINDOW_SAY_MS, before_window

    def shown() -> list[str]:
        return [w.labelText() for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]

    seen: list[list[str]] = []
    assert before_window(lambda: (time.sleep(0.05), seen.append(shown()), "quick")[-1], "打开数据库…") == "quick"
    assert seen == [[]] and shown() == []  # nothing flashed for a quick open
    from PySide6.QtCore import QTimer

    QTimer.singleShot(BEFORE_WINDOW_SAY_MS + 300, lambda: seen.append(shown()))  # in before_window's own event loop
    assert before_window(lambda: (time.sleep(BEFORE_WINDOW_SAY_MS / 1000 + 0.8), "slow")[-1], "打开数据库…") == "slow"
    assert seen[1:] == [["打开数据库…"]]  # a slow one: the small window came while it waited
    qtbot.waitUntil(lambda: shown() == [])  # and went
    with pytest.raises(InputError):
        before_window(lambda: (_ for _ in ()).throw(InputError.single("x.db", "bad", "not a database")), "打开数据库…")
