"""One program, one window per database: a second start hands its file to the window open
on that database (a double-clicked .yanshou export reaches the open desk's merge dialog)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop.ui.app import Handover, hand_over

_SECOND_START = (
    "import sys; from pathlib import Path; from PySide6.QtCore import QCoreApplication; "
    "from desktop.ui.app import hand_over; app = QCoreApplication([]); "
    "sys.exit(0 if hand_over(Path(sys.argv[1]), Path(sys.argv[2])) else 3)"
)


def test_a_second_start_hands_its_export_to_the_open_window(qtbot, tmp_path: Path) -> None:
    database = tmp_path / "master.db"
    database.write_bytes(b"")
    export = tmp_path / "usb" / "张三-1.yanshou"
    export.parent.mkdir()
    export.write_bytes(b"")
    handover = Handover(database)
    assert handover.listening
    with qtbot.waitSignal(handover.received, timeout=20000) as received:
        second = subprocess.Popen(
            [sys.executable, "-c", _SECOND_START, str(database), str(export)], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=20000)  # the event loop answers it meanwhile
    assert second.returncode == 0  # the second start ended: the open window has the file
    assert received.args == [str(export.resolve())]
    handover.server.close()


def test_with_no_window_open_there_is_no_one_to_hand_over_to(tmp_path: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    assert not hand_over(tmp_path / "nobody-has-this.db", None, timeout_ms=300)


def test_a_second_start_waits_for_a_window_still_starting(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # the window listens a little after its own start (desktop.ui.app.HANDOVER_AFTER_MS): a double
    # click's second start, begun before that, still hands over rather than saying the file is taken
    database = tmp_path / "laptop.db"
    database.write_bytes(b"")
    export = tmp_path / "张三-2.yanshou"
    export.write_bytes(b"")
    second = subprocess.Popen(
        [sys.executable, "-c", _SECOND_START, str(database), str(export)], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    qtbot.wait(700)  # the second start is asking, and nobody listens yet
    assert second.poll() is None
    handover = Handover(database)
    assert handover.listening
    with qtbot.waitSignal(handover.received, timeout=20000) as received:
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=20000)
    assert second.returncode == 0
    assert received.args == [str(export.resolve())]
    handover.server.close()


def test_the_end_waits_for_the_last_merges_copy_into_the_file_and_says_so(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Closing the desk just after a large merge: the program waits for the merge's log to be
    copied into the master's file (db.wal) before it closes it, showing that it does, and takes
    no hand-over meanwhile (its window is gone)."""
    from PySide6.QtWidgets import QProgressDialog, QWidget
    from slow_copies import slow_copies

    from db import wal
    from desktop.services import sync, workspace
    from desktop.ui import app

    slow_copies(monkeypatch, 0.8)  # a slow disk: the next step is taken meanwhile
    shown: list[str] = []
    showing = QProgressDialog.show
    monkeypatch.setattr(QProgressDialog, "show", lambda dialog: (shown.append(dialog.labelText()), showing(dialog)))
    with workspace.create(tmp_path / "张三.db", role="field", inspector="张三") as laptop:
        export = sync.export(laptop, tmp_path / "usb" / "张三-1.yanshou").path
    ws = workspace.create(tmp_path / "master.db", role="master")
    window = QWidget()
    qtbot.addWidget(window)
    handover = Handover(ws.path, window)
    assert [r.status for r in sync.merge(ws, [export], enroll=True)] == ["merged"]
    assert wal.pending(ws.database.engine)  # the log is being copied into the file
    app._finish_writing(window, ws)
    assert not wal.pending(ws.database.engine)
    assert len(shown) == 1 and ("database file" in shown[0] or "数据库文件" in shown[0])
    assert not handover.server.isListening()
    ws.close()
