"""The passphrase dialog (desktop.ui.unlock; issue 21): on a computer without a protected store,
chosen once (twice typed), then asked at each start; a wrong one is said so and may be tried
again; and the window opens an encrypted laptop once it is given."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from db import vault
from db.errors import KeyNeeded
from desktop.services import protection
from desktop.services.workspace import create, open_workspace
from desktop.ui import unlock
from desktop.ui.unlock import UnlockDialog


@pytest.fixture(autouse=True)
def no_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.protected_store.NoStore")
    vault.forget()


def test_a_passphrase_is_chosen_then_asked_and_a_wrong_one_is_said(qtbot, tmp_path: Path, zh: bool) -> None:  # type: ignore[no-untyped-def]
    def accept(dialog: UnlockDialog) -> None:  # OK pressed; the passphrase is checked on a thread
        dialog.accept()
        qtbot.waitUntil(dialog.isEnabled, timeout=10000)

    choose = UnlockDialog(choose=True)
    qtbot.addWidget(choose)
    choose.passphrase.setText("短")
    choose.again.setText("短")
    accept(choose)
    assert choose.result() != QDialog.DialogCode.Accepted and "8" in choose.problem.text()
    choose.passphrase.setText("一个很长的口令啊")
    choose.again.setText("另一个很长的口令")
    accept(choose)
    assert choose.result() != QDialog.DialogCode.Accepted and choose.problem.text()
    choose.again.setText("一个很长的口令啊")
    accept(choose)
    assert choose.result() == QDialog.DialogCode.Accepted
    ws = create(tmp_path / "张三.db", role="field", inspector="张三")
    assert ws.database.encrypted
    ws.close()

    vault.forget()  # the next start
    with pytest.raises(KeyNeeded):
        open_workspace(tmp_path / "张三.db")
    asked = UnlockDialog(where=str(tmp_path / "张三.db"))
    qtbot.addWidget(asked)
    assert not asked.again.isVisible()
    asked.passphrase.setText("不是这个口令的")
    accept(asked)
    assert asked.result() != QDialog.DialogCode.Accepted
    assert asked.problem.text() == ("口令不对，不是本机的验收口令。请重试，或取消。" if zh else
                                    "That is not this computer's Yanshou passphrase. Try again, or cancel.")
    asked.passphrase.setText("一个很长的口令啊")
    accept(asked)
    assert asked.result() == QDialog.DialogCode.Accepted
    with open_workspace(tmp_path / "张三.db") as ws:
        assert ws.database.encrypted


def test_unlocked_asks_only_when_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[bool] = []
    monkeypatch.setattr(UnlockDialog, "exec", lambda self: shown.append(self._choose) or QDialog.DialogCode.Rejected)
    assert unlock.unlocked()  # opening: no passphrase chosen here, nothing encrypted with one: not asked
    assert not unlock.unlocked(new=True)  # a laptop to be made, no store, none chosen: asked to choose; cancelled
    assert shown == [True]
    protection.unlock("一个很长的口令啊")
    assert unlock.unlocked(new=True) and shown == [True]  # given in this run: not asked again
    vault.forget()
    assert not unlock.unlocked() and shown == [True, False]  # the next start: asked to type it


def test_the_window_asks_for_the_passphrase_before_it_opens_an_encrypted_laptop(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui import app as ui_app

    protection.unlock("一个很长的口令啊")  # chosen on an earlier run
    create(tmp_path / "张三.db", role="field", inspector="张三").close()
    vault.forget()  # this run: not given yet
    asked: list[str] = []

    def cancel(self: UnlockDialog) -> int:
        asked.append("asked")
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(UnlockDialog, "exec", cancel)
    opened: list[object] = []
    monkeypatch.setattr("desktop.ui.main_window.open_database", opened.append)
    assert ui_app.run(tmp_path / "张三.db") == 0
    assert asked == ["asked"] and opened == []  # cancelled: nothing opened, and no lock left behind
    assert ui_app.DatabaseLock(tmp_path / "张三.db").acquire()
