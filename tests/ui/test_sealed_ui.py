"""Sealed exports and revoked devices in the windows (issue 21): the merge dialog's row says
whether a file came sealed, an export's message says for whom it is sealed or that it is in
the clear and why, and the 设备 tab revokes a lost laptop only after asking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QVBoxLayout, QWidget
from teamwork import export, laptop, merge, score

from desktop.services import sync, workspace
from desktop.services.workspace import Workspace
from desktop.ui.lead import MergeDialog
from desktop.ui.lead.devices_tab import DevicesTab
from desktop.ui.messages import refusal, sealed_state, sealing
from desktop.ui.operations import Operations

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def tr(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


@pytest.fixture
def team(tmp_path: Path) -> Iterator[tuple[Workspace, Workspace, Workspace]]:
    """A master that merged 张三's and 李四's first exports."""
    master = workspace.create(tmp_path / "master.db", role="master")
    zhang, li = laptop(tmp_path, "张三"), laptop(tmp_path, "李四")
    score(zhang, "金安区", "1.1.1", "2")
    score(li, "金安区", "1.1.1", "1")
    merge(master, [export(zhang, tmp_path), export(li, tmp_path)])
    yield master, zhang, li
    for ws in (master, zhang, li):
        ws.close()


def column(dialog: MergeDialog, header: str) -> int:
    labels = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    return labels.index(tr("LeadWindow", header))


def test_the_merge_dialog_says_which_file_came_sealed(qtbot, team, tmp_path: Path, zh: bool) -> None:  # type: ignore[no-untyped-def]
    master, zhang, li = team
    assert sync.merge(zhang, [sync.export(master, tmp_path / "master.yanshou").path], enroll=True)[0].sealed is True
    score(zhang, "金安区", "1.1.2", "1")
    score(li, "金安区", "1.1.2", "0.5")
    sealed, clear = export(zhang, tmp_path), export(li, tmp_path)  # 李四 has not taken the master's export: in the clear
    dialog = MergeDialog(None, master, [sealed, clear])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.settled() and dialog.table.rowCount() == 2, timeout=20_000)
    at = column(dialog, "Sealed")
    assert [dialog.table.item(r, at).text() for r in range(2)] == [sealed_state(True), sealed_state(False)]
    assert sealed_state(False) == ("未加密" if zh else "NOT sealed")
    assert dialog.table.item(1, at).toolTip()  # what "not sealed" means, for the lead


def test_an_exports_message_says_for_whom_or_why_not(team, tmp_path: Path, zh: bool) -> None:  # type: ignore[no-untyped-def]
    master, zhang, _li = team
    (tmp_path / "new").mkdir()
    with laptop(tmp_path / "new", "王五") as wang:  # a laptop that knows no master
        first = sync.export(wang, tmp_path / "wang.yanshou")
    said = sealing(first)
    assert said.startswith("未加密" if zh else "NOT SEALED") and ("组长汇总库" if zh else "lead's master") in said
    to_laptops = sync.export(master, tmp_path / "master.yanshou")
    assert "张三" in sealing(to_laptops) and "李四" in sealing(to_laptops)
    sync.merge(zhang, [to_laptops.path], enroll=True)
    back = sync.export(zhang, tmp_path / "zhang.yanshou")
    assert sealing(back) == tr("Messages", "Sealed for {0}: nobody else can read it.").format(tr("Messages", "the lead's master"))
    clear = sync.export(master, tmp_path / "clear.yanshou", sealed=False)
    assert sealing(clear) == tr("Messages", "NOT SEALED, as asked: anyone holding the file can read it.")
    assert refusal("revoked") != refusal("no such code") and refusal("not_for_us") != refusal("no such code")


@pytest.fixture
def tab(qtbot, team) -> DevicesTab:  # type: ignore[no-untyped-def]
    master, _zhang, _li = team
    parent = QWidget()
    qtbot.addWidget(parent)
    QVBoxLayout(parent)
    ops = Operations(parent)
    devices = DevicesTab(master, ops)
    parent.layout().addWidget(devices)
    parent.show()
    with qtbot.waitSignal(devices.counted, timeout=20_000):
        devices.refresh()
    qtbot.waitUntil(lambda: not ops.busy, timeout=20_000)
    yield devices
    qtbot.waitUntil(lambda: not ops.busy, timeout=20_000)  # its last read too, before the databases close
    ops.wait()


def row_of(tab: DevicesTab, inspector: str | None) -> int:
    return next(r for r, d in enumerate(tab.statuses) if d.inspector == inspector and not d.this_device)


def test_revoking_a_lost_laptop_asks_first(qtbot, tab: DevicesTab, team, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    master, zhang, _li = team
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.Cancel]

    def warning(_parent, _title, text, _buttons, default):  # type: ignore[no-untyped-def]
        asked.append(text)
        assert default == QMessageBox.StandardButton.Cancel  # Enter does not revoke
        return answer[0]

    monkeypatch.setattr(QMessageBox, "warning", warning)
    tab.table.selectRow(next(r for r, d in enumerate(tab.statuses) if d.this_device))
    assert not tab.revoke_button.isEnabled()  # the desk cannot revoke itself
    tab.table.selectRow(row_of(tab, "张三"))
    assert tab.revoke_button.isEnabled()
    tab.revoke_button.click()  # asked, and cancelled: nothing happens
    assert len(asked) == 1 and "张三" in asked[0] and zhang.identity.device_id[:8] in asked[0]
    assert sync.revocations(master) == {}
    answer[0] = QMessageBox.StandardButton.Yes
    tab.revoke_button.click()
    qtbot.waitUntil(lambda: any(d.revoked for d in tab.statuses), timeout=20_000)
    assert set(sync.revocations(master)) == {zhang.identity.device_id}
    row = row_of(tab, "张三")
    assert tab.table.item(row, 0).text() == tr("LeadWindow", "{0} (revoked)").format(zhang.identity.device_id[:8])
    tab.table.selectRow(row)
    assert not tab.revoke_button.isEnabled()  # revoked once: nothing more to do here
    qtbot.waitUntil(lambda: not tab.ops.busy, timeout=20_000)


def test_a_desk_closed_just_after_a_revocation_was_asked_writes_it(qtbot, team) -> None:  # type: ignore[no-untyped-def]
    """Closing the desk does not lose what the lead asked a moment before (a settlement, a
    revocation, an export of the master): the desk says it is finishing and closes once the
    write is done, before the master closes."""
    import time

    from desktop.ui.lead.window import LeadWindow

    master, zhang, _li = team
    window = LeadWindow(master)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=20_000)
    device = zhang.identity.device_id

    def slow_revoke():  # type: ignore[no-untyped-def]
        time.sleep(0.3)  # a slow disk
        return sync.revoke(master, device)

    window.ops.write(slow_revoke)
    window.close()  # asked while the write runs: the desk says it finishes, and closes once it is done
    assert window.isVisible() and window.ops._finishing is not None and window.ops._finishing.isVisible()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20_000)
    assert window.ops._finishing is None
    assert set(sync.revocations(master)) == {device}


def test_a_desk_whose_write_does_not_end_can_be_closed_after_asking(qtbot, team, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A write that does not end (a server out of reach): 不等写完 closes the desk after
    asking; No goes back to waiting."""
    import threading

    from desktop.ui.lead.window import LeadWindow

    master, _zhang, _li = team
    window = LeadWindow(master)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=20_000)
    stuck = threading.Event()
    window.ops.write(lambda: stuck.wait(20))
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or answers.pop(0))
    try:
        window.close()
        first = window.ops._finishing
        assert window.isVisible() and first is not None and first.isVisible()
        first.findChild(QPushButton).click()  # the lead: close without waiting; asked, and answers No
        assert len(asked) == 1 and window.isVisible()
        assert window.ops._finishing is not None and window.ops._finishing is not first and window.ops._finishing.isVisible()
        window.ops._finishing.findChild(QPushButton).click()  # asked again, and answers Yes: closed while the write still runs
        assert len(asked) == 2 and not window.isVisible()
    finally:
        stuck.set()
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=20_000)


CLOSED_WITHOUT_WAITING = r"""
import sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QPushButton
import desktop.ui.lead as lead
from desktop.ui import app as ui_app

STUCK_S = float(sys.argv[2])
real = lead.desk_or_field

def stuck(ws):  # a write that does not end in time (a server out of reach), its transaction begun
    with ws.write() as conn:
        conn.exec_driver_sql("INSERT INTO local_state(key, value) VALUES ('half-written', 'x')")
        time.sleep(STUCK_S)

def act(window):
    if window.ops.busy:
        QTimer.singleShot(50, lambda: act(window))
        return
    window.ops.write(lambda: stuck(window.ws))
    QMessageBox.question = staticmethod(lambda *_a: QMessageBox.StandardButton.Yes)
    QTimer.singleShot(200, lambda: (window.close(), QTimer.singleShot(100, window.ops._finishing.findChild(QPushButton).click)))

def desk(ws):
    window = real(ws)
    QTimer.singleShot(300, lambda: act(window))
    return window

lead.desk_or_field = desk
sys.exit(ui_app.run(Path(sys.argv[1])))
"""


def test_a_desk_closed_without_waiting_ends_its_process_and_its_write_is_undone(tmp_path: Path) -> None:
    """不等写完，直接关闭 ends the program then and there, its lock released, rather than leaving a
    process unseen until the write gives up (Qt's thread pool waits for it at exit); what the
    write had begun is not in the file."""
    import os
    import sqlite3
    import subprocess
    import sys
    import time

    from desktop.services.workspace import create

    path = tmp_path / "master.db"
    create(path, role="master").close()
    stuck_s = 60
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-c", CLOSED_WITHOUT_WAITING, str(path), str(stuck_s)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], env=env, timeout=stuck_s * 2, check=False)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - began < stuck_s, "the process waited for the write it was told not to wait for"
    with sqlite3.connect(path) as conn:  # (the lock file is gone too: a later start opens it)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM local_state WHERE key = 'half-written'").fetchone() == (0,)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".lock")]


def test_the_merge_button_stays_where_it_was_when_check_again_appears(qtbot, team, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """After 合并, 重新检查 appeared where 合并 had been, and 合并 moved left under the mouse."""
    master, zhang, _li = team
    score(zhang, "金安区", "1.1.2", "1")
    dialog = MergeDialog(None, master, [export(zhang, tmp_path)])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.settled, timeout=20_000)
    before = dialog.merge_button.mapTo(dialog, dialog.merge_button.rect().topLeft())
    assert dialog.check_button.isVisible() and not dialog.check_button.isEnabled()
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.settled() and not dialog.merge_button.isEnabled(), timeout=20_000)
    QCoreApplication.processEvents()
    assert dialog.merge_button.mapTo(dialog, dialog.merge_button.rect().topLeft()) == before
