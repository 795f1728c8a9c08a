"""The inspector's window on a laptop whose protected store lost its key (T2-8): it asks for
the lead's recovery code, says so when the code is mistyped or another laptop's, and opens the
laptop's database once the right one is given. The lead's desk reads that code from the
laptop's recovery file (设备 tab, 恢复码…), and says why a file that is none gives no code."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from protected_store import FileStore
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QVBoxLayout, QWidget

from db import vault
from desktop import paths
from desktop.services import protection, records, sync
from desktop.services.workspace import create, open_workspace
from desktop.ui import main_window
from desktop.ui.lead import devices_tab
from desktop.ui.operations import Operations
from desktop.ui.unlock import RecoveryDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's, as the dialog grows to say why


def on(monkeypatch: pytest.MonkeyPatch, root: Path, name: str) -> None:
    monkeypatch.setenv("YANSHOU_CONFIG_DIR", str(root / name / "config"))
    vault.forget()  # another computer: nothing had in this run


def test_the_window_asks_for_the_leads_recovery_code_and_then_opens(qtbot, tmp_path: Path, monkeypatch, zh: bool) -> None:  # type: ignore[no-untyped-def]
    on(monkeypatch, tmp_path, "lead")
    with create(tmp_path / "master.db", role="master") as master:
        sync.export(master, tmp_path / "lead-1.yanshou")
    on(monkeypatch, tmp_path, "laptop")
    laptop = tmp_path / "张三.db"
    with create(laptop, role="field", inspector="张三") as ws:
        with ws.write() as conn:
            records.set_score(conn, ws.database.signer(paths.keys_dir(), conn), ws, county=ws.campaign.counties[0].code,
                              item="1.1.1", inspector="张三", score=Decimal("2"), comment="公告栏未更新")
        sync.merge(ws, [tmp_path / "lead-1.yanshou"], enroll=True)
    [held] = paths.keys_dir().glob("recovery-*.bin")
    made = vault.protection(paths.keys_dir())
    assert made is not None
    FileStore().delete_password(vault.SERVICE, f"files {made.id}")  # an administrator's password reset
    vault.forget()
    on(monkeypatch, tmp_path, "lead")
    with open_workspace(tmp_path / "master.db") as master:
        _about, code = protection.recovery_code(master, held)
    on(monkeypatch, tmp_path, "laptop")

    said: list[str] = []
    tries = iter(["ABCD " * 14, code])  # first a code with a typing mistake, then the lead's

    def answer() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, RecoveryDialog) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(50, answer)
            return
        if not dialog.isEnabled():  # the last code still being checked
            QTimer.singleShot(50, answer)
            return
        if dialog.problem.isVisible():
            said.append(dialog.problem.text())
        try:
            dialog.code.setText(next(tries))
        except StopIteration:
            dialog.reject()
            return
        dialog.accept()
        QTimer.singleShot(50, answer)

    QTimer.singleShot(0, answer)
    ws = main_window.open_database(laptop)
    assert ws is not None  # opened: the key is back in the store
    mistyped = "恢复码有输入错误，请核对后重新输入。" if zh else "That recovery code has a typing mistake. Check it and type it again."
    assert said == [mistyped]
    with ws.read() as conn:
        assert ws.identity.inspector == "张三" and conn is not None
    ws.close()


def test_the_desk_reads_a_laptops_recovery_code_from_its_file(qtbot, tmp_path: Path, monkeypatch, zh: bool) -> None:  # type: ignore[no-untyped-def]
    on(monkeypatch, tmp_path, "lead")
    with create(tmp_path / "master.db", role="master") as master:
        sync.export(master, tmp_path / "lead-1.yanshou")
    on(monkeypatch, tmp_path, "laptop")
    with create(tmp_path / "张三.db", role="field", inspector="张三") as ws:
        sync.merge(ws, [tmp_path / "lead-1.yanshou"], enroll=True)
        back = sync.export(ws, tmp_path / "zhang-1.yanshou").path
        laptop_id = ws.identity.device_id
    [held] = paths.keys_dir().glob("recovery-*.bin")
    junk = tmp_path / "recovery-junk.bin"
    junk.write_bytes(b"not a recovery file at all")
    on(monkeypatch, tmp_path, "lead")
    master = open_workspace(tmp_path / "master.db")
    sync.merge(master, [back], enroll=True)
    _about, code = protection.recovery_code(master, held)  # what the command line prints

    parent = QWidget()
    qtbot.addWidget(parent)
    QVBoxLayout(parent)
    ops = Operations(parent)
    tab = devices_tab.DevicesTab(master, ops)
    parent.layout().addWidget(tab)
    parent.show()
    with qtbot.waitSignal(tab.counted, timeout=20_000):
        tab.refresh()
    shown: list[str] = []
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(f"{box.text()}\n{box.informativeText()}") or 0)
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *args: warned.append(text))
    chosen = iter([str(held), str(junk), ""])  # the file dialog's answers ("": cancelled)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (next(chosen), ""))

    tab.recovery_button.click()
    qtbot.waitUntil(lambda: bool(shown) and tab.recovery_button.isEnabled(), timeout=20_000)
    [text] = shown
    assert code in text and "张三" in text and laptop_id[:8] in text
    tab.recovery_button.click()  # a file that is no recovery file: why, naming it
    qtbot.waitUntil(lambda: bool(warned), timeout=20_000)
    not_recovery = QCoreApplication.translate(
        "Messages", "This is not a Yanshou recovery file (a laptop keeps one as keys\\recovery-….bin).")
    assert warned == [f"{junk}\n\n{not_recovery}"]
    assert ("不是验收软件的恢复文件" in not_recovery) if zh else not_recovery.startswith("This is not")
    tab.recovery_button.click()  # the file dialog cancelled: nothing
    assert len(shown) == 1 and len(warned) == 1
    qtbot.waitUntil(lambda: not ops.busy, timeout=20_000)
    ops.wait()
    master.close()
