"""The photo inbox in the inspector's window: a camera card's folder imported on the writer
thread (its thumbnails made on the way), with the result said; a cancel writes nothing more.
The window reads the inbox again off the GUI thread (the guard holds it to that)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from desktop.services import inspection
from desktop.ui.main_window import MainWindow

# the offscreen platform says so whenever a window is shown; it is not the program's warning
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the window says in information boxes, instead of showing them."""
    messages: list[str] = []

    def information(_parent, _title, text, *_args, **_kwargs):  # type: ignore[no-untyped-def]
        messages.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "information", information)
    return messages


def imported(message: str) -> int:
    """The count in "{0} photos imported into the inbox." (in Chinese or English)."""
    found = re.search(r"\d+", message)
    assert found, message
    return int(found.group())


def card(folder: Path, photos: int) -> Path:
    folder.mkdir()
    for n in range(photos):
        exif = Image.Exif()
        exif.get_ifd(0x8769)[0x9003] = f"2018:09:12 10:{n:02d}:00"
        Image.new("RGB", (640, 480), (40 * n, 90, 160)).save(folder / f"IMG_{n:04d}.JPG", "JPEG", exif=exif)
    return folder


def test_a_card_is_imported_into_the_inbox_with_thumbnails(qtbot, window: MainWindow, told: list[str], tmp_path: Path) -> None:
    window._import_folder(card(tmp_path / "DCIM", 3))
    qtbot.waitUntil(lambda: bool(told), timeout=10000)
    assert imported(told[0]) == 3
    assert window.side.currentWidget() is window.inbox
    qtbot.waitUntil(window.settled, timeout=10000)  # the inbox, read again
    assert window.inbox.list.count() == 3
    assert [e.taken_at for e in inspection.inbox(window.ws)] == [f"2018-09-12T10:0{n}:00" for n in range(3)]
    with window.ws.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM thumbnail").scalar_one() == 3


def test_an_import_cancelled_before_it_began_writes_nothing(qtbot, window: MainWindow, told: list[str], tmp_path: Path) -> None:
    folder = card(tmp_path / "DCIM", 3)
    busy = threading.Event()
    window.ops.write(lambda: busy.wait(10))  # the writer is still at an earlier job
    window._import_folder(folder)
    progress = window.findChild(QProgressDialog)
    assert progress is not None
    progress.findChild(QPushButton).click()  # its Cancel button
    busy.set()
    qtbot.waitUntil(lambda: bool(told), timeout=10000)
    assert imported(told[0]) == 0
    assert inspection.inbox(window.ws) == ()
    qtbot.waitUntil(window.settled, timeout=10000)
    assert window.inbox.list.count() == 0
