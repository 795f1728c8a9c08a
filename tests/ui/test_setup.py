"""The first start: three answers, then a field database for that inspector."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop.services.workspace import open_workspace
from desktop.ui.setup import SetupDialog


def test_first_run_creates_the_inspectors_database(qtbot, tmp_path: Path) -> None:
    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    target = tmp_path / "mine.db"
    dialog.inspector.setText(" 王五 ")
    dialog.database.setText(str(target))
    dialog._accept()
    qtbot.waitUntil(dialog.settled)
    assert dialog.created == target
    with open_workspace(target) as ws:
        assert ws.identity.role == "field"
        assert ws.identity.inspector == "王五"
        assert ws.campaign.id == "luan-2018"


def test_first_run_needs_a_name_and_a_new_file(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: said.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: said.append(text))
    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    dialog.database.setText(str(tmp_path / "a.db"))
    dialog._accept()
    qtbot.waitUntil(dialog.settled)
    assert dialog.created is None and not (tmp_path / "a.db").exists() and len(said) == 1
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"something else")
    dialog.inspector.setText("王五")
    dialog.database.setText(str(taken))
    dialog._accept()
    qtbot.waitUntil(dialog.settled)
    assert dialog.created is None and taken.read_bytes() == b"something else" and len(said) == 2


def test_two_leads_set_up_one_master_on_a_server(qtbot, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first lead's desk makes the master on the server; the second's joins it (same
    device, same campaign); a laptop is refused there, and a password is never kept."""
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: said.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: said.append(text))
    field = SetupDialog()
    qtbot.addWidget(field)
    field.inspector.setText("王五")
    field.database.setText(pg_url)
    field._accept()
    qtbot.waitUntil(field.settled)
    assert field.created is None and len(said) == 1

    devices = []
    for _ in range(2):
        dialog = SetupDialog()
        qtbot.addWidget(dialog)
        dialog.as_master.setChecked(True)
        dialog.database.setText(pg_url)
        dialog._accept()
        qtbot.waitUntil(dialog.settled)
        assert dialog.created == pg_url, said
        with open_workspace(pg_url) as ws:
            assert ws.identity.role == "master" and ws.database.on_server
            devices.append(ws.identity.device_id)
    assert devices[0] == devices[1]

    from desktop.ui.app import remembered

    with_password = pg_url.replace("postgres@", "postgres:secret@")
    assert "secret" not in remembered(with_password) and remembered(with_password).startswith("postgresql+psycopg://postgres@")
