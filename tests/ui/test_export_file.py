"""A laptop's export double-clicked (.yanshou, associated by the installer): the last
database opens and the export goes to the lead's merge dialog."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.services import inspection, sync, workspace
from desktop.ui import app as ui_app
from desktop.ui import lead

# the offscreen platform cannot size or raise a window the way the program asks
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "raise")

def test_a_double_clicked_export_opens_the_merge_dialog(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with workspace.create(tmp_path / "zhang.db", role="field", inspector="张三") as field:
        inspection.save_problem(field, "341502", "1.1.1", description="台账不全", severity="minor", deadline=None)
        export = tmp_path / "张三-20260912.yanshou"
        sync.export(field, export)
    workspace.create(tmp_path / "master.db", role="master").close()
    ui_app.settings().setValue("last_database", str(tmp_path / "master.db"))
    offered: list[list[Path]] = []
    monkeypatch.setattr(lead.LeadWindow, "merge", lambda self, files: offered.append(files))
    monkeypatch.setattr(ui_app.QApplication, "exec", lambda _app: 0)  # the event loop is the test's
    assert ui_app.run(None, merge=export) == 0
    qtbot.waitUntil(lambda: bool(offered), timeout=5000)
    assert offered == [[export]]
    # the desk run() opened goes on reading once drawn: closed here, before this test's folder goes
    for widget in ui_app.QApplication.topLevelWidgets():
        if isinstance(widget, lead.LeadWindow):
            widget.close()
            qtbot.waitUntil(lambda w=widget: not w.ops.busy, timeout=10000)
