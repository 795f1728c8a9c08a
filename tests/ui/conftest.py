"""The inspector's window under pytest-qt: the application as the program makes it (its
font and, when the .qm is built, its Chinese translation), a field database, and a guard
that fails a test whose window touches the database on the GUI thread."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication
from sqlalchemy import event
from sqlalchemy.pool import Pool

from desktop.services import workspace
from desktop.ui import app as ui_app
from desktop.ui.app import SCREENSHOT_SIZE
from desktop.ui.main_window import MainWindow
from desktop.ui.operations import on_gui_thread

ME = "张三"


@pytest.fixture(autouse=True)
def yanshou_app(qapp: QApplication) -> QApplication:
    """pytest-qt's QApplication, given the program's font and translators (once per run)."""
    return ui_app.application()


@pytest.fixture(autouse=True)
def no_unexpected_message_box(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message box no test asked for fails the test that showed it, saying what it said,
    instead of waiting for a click that never comes (offscreen, it would hang the run). A test
    that expects one patches the function itself, which replaces this for that test."""
    from PySide6.QtWidgets import QMessageBox

    def unexpected(kind: str):  # type: ignore[no-untyped-def]
        def show(_parent, title, text, *_a, **_k):  # type: ignore[no-untyped-def]
            raise AssertionError(f"an unexpected message box ({kind}): {title}: {text}")

        return show

    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, unexpected(kind))


@pytest.fixture
def zh(yanshou_app: QApplication) -> bool:
    """Whether the window speaks Chinese: the translation is installed when the .qm was built
    (`make test` builds it); the English source strings are asserted otherwise."""
    return QCoreApplication.translate("MainWindow", "Saved") == "已保存"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "f.db"


@pytest.fixture
def field(db_path: Path) -> Iterator[workspace.Workspace]:
    ws = workspace.create(db_path, role="field", inspector=ME)
    yield ws
    ws.close()


@pytest.fixture
def window(qtbot, field: workspace.Workspace) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """The field database's window, shown at the screenshot size; closed after the test,
    once its writer has saved everything."""
    shown = MainWindow(field)
    qtbot.addWidget(shown)
    shown.resize(*SCREENSHOT_SIZE)
    shown.show()
    shown.show_first()
    qtbot.waitUntil(shown.settled, timeout=10000)  # its first reads answered, as a user would wait
    yield shown
    shown.close()
    qtbot.waitUntil(lambda: shown.writer.pending == 0, timeout=10000)


# --- the GUI thread never touches the database ---------------------------------------------------

UI_SOURCES = str(Path(ui_app.__file__).resolve().parent) + os.sep
PROJECT = str(Path(ui_app.__file__).resolve().parents[2]) + os.sep


class GuiThreadGuard:
    """What `gui_thread_guard` found: each connection the program's window code checked out
    on the GUI thread, with the stack that did it (the project's frames)."""

    def __init__(self) -> None:
        self.offences: list[str] = []

    def checkout(self, _dbapi: object, _record: object, _proxy: object) -> None:
        if not on_gui_thread():
            return
        frame = sys._getframe(1)
        while frame is not None and not frame.f_code.co_filename.startswith(UI_SOURCES):
            frame = frame.f_back
        if frame is None:
            return  # the test's own call (set-up, an assertion on what is stored), not the window's
        stack = traceback.extract_stack()
        ours = [
            f for f in stack if f.filename.startswith(PROJECT) and f"{os.sep}.venv{os.sep}" not in f.filename and f.filename != __file__
        ]
        self.offences.append("".join(traceback.format_list(ours)))


@pytest.fixture(autouse=True)
def gui_thread_guard() -> Iterator[GuiThreadGuard]:
    """Fails the test when the program's GUI code reaches the database on the GUI thread.

    What counts: a connection checked out of any engine's pool (SQLAlchemy's Pool "checkout"
    event, listened to class-wide) on the thread of the event loop
    (desktop.ui.operations.on_gui_thread) while a function of desktop/ui is on the stack — a
    window, a dialog or a panel reading or writing itself instead of through its Operations.
    What does not: the test's own service calls on the main thread (set-up before a window
    opens, assertions on what is stored while it is open: no desktop/ui frame), and all the
    work on the operations' threads. It watches from the start of the test until its end,
    windows closing included; the offenders, with their stacks, fail the test at teardown.
    """
    guard = GuiThreadGuard()
    event.listen(Pool, "checkout", guard.checkout)
    try:
        yield guard
    finally:
        event.remove(Pool, "checkout", guard.checkout)
    if guard.offences:
        pytest.fail(
            f"{len(guard.offences)} database connection(s) checked out on the GUI thread by desktop/ui:\n\n"
            + "\n".join(guard.offences[:3]),
            pytrace=False,
        )
