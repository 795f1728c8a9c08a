"""Screenshots of every screen of the lead's desk, from a realistic master, for the README and
for looking at (clipped text, English left in the Chinese UI, tables that do not fit).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/lead_screenshots.py [OUT_DIR]

Writes lead-*.png (1366×768) into OUT_DIR (default resources/screenshots). Everything is
made in a temporary folder (data, keys and databases); the real home is not touched.
Six laptops' work goes through the same services as the window's (desktop.services.sample):
five counties scored whole, one in part, one not at all; 张三 worked on two laptops (one
conflict); the self-check and third-party scores imported; an adjudication; problems,
one rectified.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(out: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="yanshou-shots-"))
    os.environ["YANSHOU_DATA_DIR"] = str(work / "data")
    os.environ["YANSHOU_CONFIG_DIR"] = str(work / "config")
    sys.path.insert(0, str(ROOT))

    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QColor, QPainter, QPixmap
    from PySide6.QtWidgets import QDialog, QWidget

    from desktop.core.inspection import FindingStatus, InspectionMode
    from desktop.services import decisions, imports, inspection, rectification, sample, sync, workspace
    from desktop.ui import app as ui_app
    from desktop.ui.app import SCREENSHOT_SIZE
    from desktop.ui.lead import LeadWindow

    qapp = ui_app.application()
    master = workspace.create(work / "master.db", role="master")
    usb = work / "usb"
    # who inspected which counties (codes); 霍山县 (341525) waits for its inspection
    teams = {"张三": ["341502"], "李四": ["341503", "341504"], "王五": ["341522"], "赵六": ["341523"], "孙七": ["341502", "341524"]}
    exports = []
    for n, (name, counties) in enumerate(teams.items()):
        with workspace.create(work / f"{name}.db", role="field", inspector=name) as laptop:
            sample.fill(laptop, counties, work / "photos", seed=n + 3, photos_per_county=2, sign=False)
            exports.append(usb / f"{name}-export.db")
            sync.export(laptop, exports[-1])
    # 张三's second laptop: 金安区 1.1.1 scored again, differently (a hard conflict), and half of 金寨县
    with workspace.create(work / "张三-2.db", role="field", inspector="张三") as laptop:
        items = laptop.campaign.indicator_set.items
        inspection.save_item(laptop, "341502", "1.1.1", score=items[0].points / 2, comment="会议记录不全，扣一半。", findings=[
            inspection.Finding(InspectionMode.MATERIALS, "会议记录仅见两次，未见主要领导签批", FindingStatus.PARTLY_MET)])
        for item in items[:9]:
            inspection.save_item(laptop, "341525", item.code, score=item.points, comment="", findings=[])
        exports.append(usb / "张三-笔记本2-export.db")
        sync.export(laptop, exports[-1])
    reports = sync.merge(master, exports, enroll=sync.merging.Enrolment(field=True, same_inspector=True))
    assert all(r.status == "merged" for r in reports), [(r.file.name, r.reason) for r in reports]

    sheets = work / "sheets"
    sheets.mkdir()
    (sheets / "自查自评.csv").write_text(
        "\ufeff县区,得分\n金安区,93\n裕安区,88.5\n叶集区,85\n霍邱县,90\n舒城县,86.5\n金寨县,91\n霍山县,84\n", encoding="utf-8")
    (sheets / "专业机构测评.csv").write_text(
        "\ufeff县区,得分\n金安区,86.25\n裕安区,81\n叶集区,78.5\n霍邱县,84.75\n舒城县,80\n金寨县,83.5\n", encoding="utf-8")
    imports.import_sheet(master, sheets / "自查自评.csv", "self-check")
    imports.import_sheet(master, sheets / "专业机构测评.csv", "third-party")
    decisions.adjudicate(master, "341503", "2.1.1", "2", "两位检查员评分相差较大，组长复核台账后认定")
    decisions.adjust(master, "341522", "1", "结合政务公开年度考评情况加1分")
    proof = work / "整改报告.pdf"
    proof.write_bytes(b"%PDF-1.4 rectification report of the county")
    board = rectification.board(master)
    rectification.set_status(master, board[0].record_id, "rectified", evidence=proof)
    rectification.set_status(master, board[1].record_id, "rectified", evidence=proof)
    rectification.set_status(master, board[1].record_id, "verified")

    # for the merge dialog's dry run: a new laptop, 李四's next export, and a damaged file
    with workspace.create(work / "周八.db", role="field", inspector="周八") as laptop:
        sample.fill(laptop, ["341525"], work / "photos", seed=11, photos_per_county=1, sign=False)
        new = usb / "周八-export.db"
        sync.export(laptop, new)
    with workspace.open_workspace(work / "李四.db") as laptop:
        inspection.save_item(laptop, "341503", "1.2.1", score=Decimal(1), comment="补充材料后复核", findings=[])
        again = usb / "李四-export-2.db"
        sync.export(laptop, again)
    damaged = usb / "王五-export-损坏.db"
    damaged.write_bytes(exports[2].read_bytes()[: 64 * 1024])
    # a bad self-check sheet for the import preview
    (sheets / "自查自评-有误.csv").write_text(
        "\ufeff县区,得分\n金安区,93\n裕安县,88.5\n叶集区,105\n霍邱县,九十\n舒城县,86.5\n", encoding="utf-8")

    window = LeadWindow(master)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    window.show_first()

    def settle() -> None:
        """Until the desk's reads and writes (off the GUI thread) have answered and are drawn."""
        deadline = dt.datetime.now() + dt.timedelta(seconds=60)
        while window.ops.busy and dt.datetime.now() < deadline:
            qapp.processEvents()
        for _ in range(5):
            qapp.processEvents()

    def save(name: str, dialog: QWidget | None = None) -> None:
        settle()
        shot = window.grab()
        if dialog is not None:  # the dialog over the window, centred, with a plain title bar (offscreen has no frames)
            top = dialog.grab()
            bar = 26
            x, y = (shot.width() - top.width()) // 2, (shot.height() - top.height() - bar) // 2
            painter = QPainter(shot)
            painter.fillRect(shot.rect(), QColor(0, 0, 0, 60))
            painter.fillRect(x - 1, y - 1, top.width() + 2, top.height() + bar + 2, QColor("#8a8f96"))
            painter.fillRect(x, y, top.width(), bar, QColor("#dfe3e8"))
            painter.setFont(qapp.font())
            painter.drawText(x + 10, y, top.width() - 20, bar, int(Qt.AlignmentFlag.AlignVCenter), dialog.windowTitle())
            painter.drawPixmap(QPoint(x, y + bar), top)
            painter.end()
        target = out / f"lead-{name}.png"
        assert isinstance(shot, QPixmap) and shot.save(str(target)), target
        print(target)

    settle()
    rows = {window.results.item(r, 1).text(): r for r in range(window.results.rowCount())}
    window.results.setCurrentCell(rows["金安区"], 1)
    save("desk")
    window.tabs.setCurrentWidget(window.detail_view)
    window.detail_county.setCurrentIndex(window.detail_county.findData("341503"))
    settle()
    for top in (0, 2):  # 组织领导 and 公开内容 folded; 工作开展's first indicator open to the inspectors
        window.detail.topLevelItem(top).setExpanded(False)
    second = window.detail.topLevelItem(1).child(0)
    second.setExpanded(True)
    for i in range(second.childCount()):
        second.child(i).setExpanded(True)
    save("county")
    window.tabs.setCurrentWidget(window.conflicts_view)
    window.conflict_list.setCurrentCell(0, 0)
    save("conflicts")
    # kept with a reason; the score's history shows every version and why
    from PySide6.QtWidgets import QInputDialog

    from desktop.services import decisions

    conflict = next(c for c in window._conflicts if c.entity == "score")
    QInputDialog.getMultiLineText = staticmethod(lambda *_a, **_k: ("现场复核：以第二台笔记本的评分为准", True))  # type: ignore[method-assign]
    window.conflicts_view.ask_keep(conflict, conflict.versions[-1].version_id)
    settle()
    who = str(conflict.versions[-1].payload.get("inspector"))
    history = window.show_score_history(conflict.county, conflict.item, who)
    settle()
    save("score-history", history)
    history.close()
    # a decision withdrawn, waiting in 已删除
    decisions.adjudicate(master, "341503", "1.2.1", "2", "现场复核，方案已印发")
    decisions.adjudicate(master, "341503", "1.2.1", None, "")
    deleted = window.show_deleted()
    settle()
    save("deleted", deleted)
    deleted.close()
    window.tabs.setCurrentWidget(window.rectification_view)
    save("rectification")
    window.tabs.setCurrentWidget(window.timeline)
    save("timeline")

    window.tabs.setCurrentIndex(0)
    dialog = window.merge([new, again, exports[0], damaged])
    deadline = dt.datetime.now() + dt.timedelta(seconds=60)
    while not dialog.reports and dt.datetime.now() < deadline:
        qapp.processEvents()
    settle()
    save("merge", dialog)
    dialog.reject()
    window.tabs.setCurrentWidget(window.history_view)
    save("history")

    window.tabs.setCurrentIndex(0)
    importer = window.import_sheet(sheets / "自查自评-有误.csv")
    save("import", importer)
    importer.reject()
    assert isinstance(importer, QDialog)
    window.close()
    master.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "resources" / "screenshots")
