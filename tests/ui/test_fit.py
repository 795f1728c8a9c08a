"""Every dialog and window fits the smallest screen the users have: 1366×768 at 125 %
scaling (desktop.ui.screen.SMALL_SCREEN, in logical pixels), in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from desktop.services import inspection, workspace
from desktop.ui.screen import SMALL_SCREEN


def _fits(widget) -> None:  # type: ignore[no-untyped-def]
    width, height = SMALL_SCREEN
    for name, size in (("minimum size", widget.minimumSize()), ("minimum size hint", widget.minimumSizeHint())):
        assert size.width() <= width and size.height() <= height, f"{type(widget).__name__}: {name} {size.width()}×{size.height()}"


@pytest.fixture
def master(tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = workspace.create(tmp_path / "m.db", role="master")
    yield ws
    ws.close()


def test_the_leads_dialogs_fit(qtbot, master, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.campaign_dialog import SettingsDialog
    from desktop.ui.documents import DocumentDialog
    from desktop.ui.lead import DecisionDialog, ImportDialog, LeadWindow, MergeDialog

    sheet = tmp_path / "s.csv"
    sheet.write_text("county,score\n金安区,80\n", encoding="utf-8")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not an export")
    for make in (
        lambda: LeadWindow(master), lambda: SettingsDialog(master), lambda: DocumentDialog(master),
        lambda: MergeDialog(None, master, [junk]), lambda: ImportDialog(None, master, sheet), lambda: DecisionDialog(None, master),
    ):
        widget = make()
        qtbot.addWidget(widget)
        _fits(widget)
        if hasattr(widget, "pool"):
            widget.pool.waitForDone()
        if hasattr(widget, "checks"):
            widget.checks.waitForDone()


def test_the_inspectors_dialogs_fit(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.item_view import ProblemDialog
    from desktop.ui.main_window import MainWindow
    from desktop.ui.setup import SetupDialog
    from desktop.ui.signature import PadDialog, SignDialog
    from desktop.ui.viewer import EvidenceViewer

    with workspace.create(tmp_path / "f.db", role="field", inspector="张三") as field:
        photo = tmp_path / "p.png"
        from PIL import Image

        Image.new("RGB", (3000, 2000), "white").save(photo)
        evidence, _ = inspection.attach(field, photo, county="341502", item="1.1.1", mode=None)
        county = field.campaign.counties[0]
        for make in (
            lambda: MainWindow(field), SetupDialog, lambda: ProblemDialog(None, None, None),
            lambda: SignDialog(None, field, county.code, county.name), lambda: PadDialog(None, "检查员", "张三"),
            lambda: EvidenceViewer(None, field, evidence),
        ):
            widget = make()
            qtbot.addWidget(widget)
            _fits(widget)
            if hasattr(widget, "writer"):
                widget.writer.wait()
            if hasattr(widget, "ops"):  # its reads answered before the database closes (the sign dialog's)
                widget.ops.wait()
                QCoreApplication.processEvents()
            widget.close()
