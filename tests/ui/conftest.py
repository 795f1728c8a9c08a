"""The inspector's window under pytest-qt: the application as the program makes it (its
font and, when the .qm is built, its Chinese translation), and a field database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from desktop.services import workspace
from desktop.ui import app as ui_app
from desktop.ui.app import SCREENSHOT_SIZE
from desktop.ui.main_window import MainWindow

ME = "张三"


@pytest.fixture(autouse=True)
def yanshou_app(qapp: QApplication) -> QApplication:
    """pytest-qt's QApplication, given the program's font and translators (once per run)."""
    return ui_app.application()


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
    yield shown
    shown.close()
    qtbot.waitUntil(lambda: shown.writer.pending == 0, timeout=10000)
