"""Screenshots of the desk's 一致性 and 设备 tabs, from the master of tests/ui/test_team_tabs.py
(three laptops' real exports merged over three days, one export never received), with the
application's font and translation, for the README and for looking at.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/team_screenshots.py [OUT_DIR]

Writes agreement-tab.png and devices-tab.png (1058×572, the desk window's size at 1366×768
without a window manager) into OUT_DIR (default docs). Everything is made in a temporary
folder; the real home is not touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(out: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="yanshou-team-shots-"))
    os.environ["YANSHOU_DATA_DIR"] = str(work / "data")
    os.environ["YANSHOU_CONFIG_DIR"] = str(work / "config")
    sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "ui")]

    from test_team_tabs import DESK_SIZE, NOW, build_team

    from desktop.services import decisions
    from desktop.ui import app as ui_app
    from desktop.ui.lead.agreement_tab import AgreementTab
    from desktop.ui.lead.devices_tab import DevicesTab
    from desktop.ui.operations import Operations

    qapp = ui_app.application()
    master = build_team(work)
    decisions.adjudicate(master, "341502", "1.1.1", "2", "复核台账后认定")  # one flagged row settled: drawn amber
    from PySide6.QtWidgets import QWidget

    anchor = QWidget()
    ops = Operations(anchor)
    agreement = AgreementTab(master, ops)
    devices = DevicesTab(master, ops)
    devices.clock = lambda: NOW
    for tab in (agreement, devices):
        tab.resize(*DESK_SIZE)
        tab.show()
        tab.refresh()
    while ops.busy:
        qapp.processEvents()
    agreement.table.setCurrentCell(1, 0)  # a row not flagged: the flagged ones keep their colour
    for _ in range(5):
        qapp.processEvents()
    out.mkdir(parents=True, exist_ok=True)
    for tab, name in ((agreement, "agreement-tab"), (devices, "devices-tab")):
        target = out / f"{name}.png"
        assert tab.grab().save(str(target)), target
        print(target)
    ops.wait()
    master.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
