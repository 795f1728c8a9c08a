"""The inspector's window on a laptop whose protected store lost its key (T2-8): it asks for
the lead's recovery code, says so when the code is mistyped or another laptop's, and opens the
laptop's database once the right one is given."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from protected_store import FileStore
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from db import vault
from desktop import paths
from desktop.services import protection, records, sync
from desktop.services.workspace import create, open_workspace
from desktop.ui import main_window
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
