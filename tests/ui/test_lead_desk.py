"""The team lead's desk under pytest-qt: three laptops' exports and a junk file merged through
the dialog (the dry run writes nothing, new devices are accepted one by one by their key),
a conflict settled with its Keep button, the results table against `yanshou results`,
cancelling a merge, the window a master opens with, and its headless screenshot."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QAction, QColor, QImage
from PySide6.QtWidgets import QCheckBox, QFileDialog, QInputDialog, QMessageBox, QProgressDialog, QPushButton, QTableWidget
from sqlalchemy import text

from db.errors import KnownDatabaseError
from desktop.cli import main as cli_main
from desktop.core.numbers import show
from desktop.services import imports, inspection, rectification, sync, workspace
from desktop.services import results as results_service
from desktop.services.workspace import Workspace
from desktop.ui.app import SCREENSHOT_SIZE
from desktop.ui.lead import LeadWindow, MergeDialog, desk_or_field
from desktop.ui.main_window import MainWindow
from desktop.ui.messages import explain, problem_status, refusal, sheet_problem

# the offscreen platform says so whenever a window is shown; it is not the program's warning
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

ROOT = Path(__file__).resolve().parents[2]
YANSHOU = ROOT / ".venv" / "bin" / "yanshou"
JINAN = "341502"  # 金安区
HEADER = "county,item,score,report,materials,online,field,comment"


# Inspection sheets as the laptops import them. 张三's two laptops score 金安区 1.1.1 differently
# (the same record: one hard conflict); everything else is written on one laptop only.
SHEETS = {
    "zhang-a": ("张三", [
        "金安区,1.1.1,2.5,,,,,基本到位",
        "金安区,1.1.2,3,听取汇报：机制健全,,,,",
        "裕安区,1.2.1,2,,查看材料：台账齐全,,,",
    ]),
    "li": ("李四", [
        "金安区,1.1.1,3,,,,,",
        "霍邱县,2.1.1,2.5,,,网上检查：栏目更新及时,,",
    ]),
    "zhang-b": ("张三", [
        "金安区,1.1.1,2,,,,,材料不全",
        "叶集区,1.1.1,3,,,,实地核查：两处窗口,",
    ]),
}


@dataclass
class Desk:
    """A master database and, on the USB stick, its laptops' exports and a junk file."""

    master: Workspace
    master_path: Path | str  # a file, or a PostgreSQL URL (the `backend` fixture)
    laptops: dict[str, Path] = field(default_factory=dict)  # laptop → its database file
    exports: dict[str, Path] = field(default_factory=dict)
    devices: dict[str, str] = field(default_factory=dict)  # laptop → device id
    fingerprints: dict[str, str] = field(default_factory=dict)  # laptop → key fingerprint as shown
    versions: dict[str, int] = field(default_factory=dict)  # laptop → versions it wrote
    junk: Path = Path()


def count(ws: Workspace, sql: str) -> int:
    with ws.read() as conn:
        return int(conn.exec_driver_sql(sql).scalar_one())


def version_count(ws: Workspace) -> int:
    return count(ws, "SELECT count(*) FROM version")


def current_score(ws: Workspace, county: str, item: str, inspector: str) -> str:
    with ws.read() as conn:
        return str(
            conn.execute(
                text("SELECT score FROM current_score WHERE county = :c AND item = :i AND inspector = :n"),
                {"c": county, "i": item, "n": inspector},
            ).scalar_one()
        )


def tr(text: str) -> str:
    return QCoreApplication.translate("LeadWindow", text)


@pytest.fixture
def desk(tmp_path: Path, master_location: Path | str) -> Iterator[Desk]:
    """The lead's desk on a SQLite master and on a PostgreSQL one: the same screens."""
    master_path = master_location
    d = Desk(workspace.create(master_path, role="master"), master_path)
    usb = tmp_path / "usb"
    for name, (inspector, rows) in SHEETS.items():
        sheet = tmp_path / f"{name}.csv"
        sheet.write_text("\ufeff" + "\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        d.laptops[name] = tmp_path / f"{name}.db"
        with workspace.create(d.laptops[name], role="field", inspector=inspector) as laptop:
            imports.import_sheet(laptop, sheet, imports.INSPECTION)
            d.devices[name] = laptop.identity.device_id
            d.fingerprints[name] = sync.device_fingerprint(laptop)
            d.versions[name] = version_count(laptop)
            d.exports[name] = usb / f"{name}-export.db"
            sync.export(laptop, d.exports[name])
    d.junk = usb / "junk.db"
    d.junk.write_bytes(random.Random(11).randbytes(48 * 1024))
    yield d
    d.master.close()


def rescore(desk: Desk, name: str, rows: list[str]) -> Path:
    """The laptop's inspector imports another sheet; its next export, on the USB stick."""
    sheet = desk.laptops[name].with_suffix(".again.csv")
    sheet.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    out = desk.exports[name].with_name(f"{name}-export-2.db")
    with workspace.open_workspace(desk.laptops[name]) as laptop:
        imports.import_sheet(laptop, sheet, imports.INSPECTION)
        sync.export(laptop, out)
    return out


def files(desk: Desk) -> list[Path]:
    return [desk.exports["zhang-a"], desk.exports["li"], desk.exports["zhang-b"], desk.junk]


def merged(desk: Desk, names: tuple[str, ...] = ("zhang-a", "zhang-b")) -> list[sync.FileReport]:
    """The named laptops merged as the command line merges them (their devices enrolled)."""
    reports = sync.merge(desk.master, [desk.exports[n] for n in names], enroll=sync.merging.Enrolment(field=True, same_inspector=True))
    assert [r.status for r in reports] == ["merged"] * len(names), [r.reason for r in reports]
    return reports


@pytest.fixture
def lead(qtbot) -> Iterator:  # type: ignore[no-untyped-def]
    """Lead windows on a workspace, shown at the screenshot size; closed before the workspace."""
    windows: list[LeadWindow] = []

    def make(ws: Workspace) -> LeadWindow:
        window = LeadWindow(ws)
        qtbot.addWidget(window)
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        window.show_first()
        windows.append(window)
        settle(qtbot, window)
        return window

    yield make
    for window in windows:
        window.close()


def settle(qtbot, window: LeadWindow) -> None:  # type: ignore[no-untyped-def]
    """Wait, as the lead would, until the desk has read and drawn what it asked for."""
    qtbot.waitUntil(lambda: not window.ops.busy, timeout=20_000)


def column(table: QTableWidget, header: str) -> int:
    """A column by its heading (the English source string, translated as the window shows it)."""
    labels = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    return labels.index(tr(header))


def cell(table: QTableWidget, row: int, header: str) -> str:
    return table.item(row, column(table, header)).text()


def conflicts_tab(window: LeadWindow) -> str:
    """The conflicts tab's title, wherever the tab is."""
    return window.tabs.tabText(window.tabs.indexOf(window.conflicts_view))


def row_of(dialog: MergeDialog, path: Path) -> int:
    names = [cell(dialog.table, r, "File") for r in range(dialog.table.rowCount())]
    return names.index(path.name)


def click_box(qtbot, box: QCheckBox) -> None:  # type: ignore[no-untyped-def]
    """A click on the box's indicator (its centre may lie past the end of its label)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


# --- 1. merging through the dialog ------------------------------------------------------------


def test_merge_three_laptops_and_a_junk_file(qtbot, desk: Desk, lead, zh: bool) -> None:
    master = desk.master
    before = version_count(master)
    window = lead(master)
    assert window.results.rowCount() == len(master.campaign.counties)
    assert window.conflict_list.rowCount() == 0

    dialog = window.merge(files(desk))
    qtbot.waitUntil(lambda: bool(dialog.reports), timeout=15000)

    # the dry run: nothing written, each file's verdict
    assert version_count(master) == before
    assert count(master, "SELECT count(*) FROM import_log") == 0
    assert len(dialog.reports) == 4
    assert dialog.table.rowCount() == 4
    junk = row_of(dialog, desk.junk)
    assert dialog.reports[junk].status == "refused"
    assert dialog.reports[junk].code == "not_yanshou"
    assert cell(dialog.table, junk, "Result") == ("已拒绝" if zh else "refused")
    reason = cell(dialog.table, junk, "Reason")
    assert reason == refusal("not_yanshou")
    if zh:
        assert "不是验收软件的文件" in reason
    else:
        assert reason.startswith("not a Yanshou file")
    for name in ("zhang-a", "li", "zhang-b"):  # each from a device not accepted yet: it waits, it is not 可合并
        row = row_of(dialog, desk.exports[name])
        assert dialog.reports[row].status == "dry-run", dialog.reports[row].reason
        assert cell(dialog.table, row, "Result") == ("待接受" if zh else "waiting to be accepted")
        assert cell(dialog.table, row, "Inspector") == SHEETS[name][0]
        assert cell(dialog.table, row, "New versions") == str(desk.versions[name])
        assert cell(dialog.table, row, "Reason") == ""
    assert not dialog.merge_button.isEnabled()  # nothing can go in before a device is accepted
    assert dialog.summary.text() == tr(
        "Dry run: {0} files can be merged, {1} are refused, {2} bring nothing new. Nothing was written."
    ).format(0, 1, 0) + " " + tr("{0} wait for their device to be accepted below.").format(3)

    # one box per new device, naming its inspector and its key as the laptop shows it
    assert set(dialog.accept_boxes) == set(desk.devices.values())
    for name, device in desk.devices.items():
        box = dialog.accept_boxes[device]
        assert box.objectName() == f"accept-{device}"
        assert SHEETS[name][0] in box.text()
        assert desk.fingerprints[name] in box.text()
        assert desk.fingerprints[name].count(" ") == 3  # 'XXXX XXXX XXXX XXXX'
        assert not box.isChecked()

    # accept 张三's two laptops, not 李四's, and merge
    for name in ("zhang-a", "zhang-b"):
        box = dialog.accept_boxes[desk.devices[name]]
        click_box(qtbot, box)
        assert box.isChecked()
        assert cell(dialog.table, row_of(dialog, desk.exports[name]), "Result") == ("可合并" if zh else "can be merged")
    assert not dialog.accept_boxes[desk.devices["li"]].isChecked()
    assert cell(dialog.table, row_of(dialog, desk.exports["li"]), "Result") == ("待接受" if zh else "waiting to be accepted")
    assert dialog.merge_button.isEnabled()
    assert ("2 个文件可合并" if zh else "2 files can be merged") in dialog.summary.text()
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: dialog.merged, timeout=15000)

    by_file = {r.file: r for r in dialog.reports}
    assert by_file[desk.exports["zhang-a"]].status == "merged"
    assert by_file[desk.exports["zhang-b"]].status == "merged"
    assert (by_file[desk.exports["li"]].status, by_file[desk.exports["li"]].code) == ("refused", "not_enrolled")
    assert (by_file[desk.junk].status, by_file[desk.junk].code) == ("refused", "not_yanshou")
    li = row_of(dialog, desk.exports["li"])
    assert cell(dialog.table, li, "Reason") == refusal("not_enrolled")
    assert version_count(master) == before + desk.versions["zhang-a"] + desk.versions["zhang-b"]
    assert count(master, f"SELECT count(*) FROM version WHERE device_id = '{desk.devices['li']}'") == 0
    assert len(sync.conflicts(master)) == 1
    assert not dialog.merge_button.isEnabled()
    assert not any(box.isEnabled() for box in dialog.accept_boxes.values())
    added = desk.versions["zhang-a"] + desk.versions["zhang-b"]
    said = [tr("Merged {0} files: {1} versions added; {2} refused; {3} brought nothing new.").format(2, added, 2, 0)]
    if not master.database.on_server:  # a server's backups are its administrator's: not claimed
        said.append(tr("The master was backed up first."))
    assert dialog.summary.text() == " ".join([*said, tr("This report is kept under Merge history.")])
    # not a dead end: 李四's laptop, refused because it was not accepted, can be checked again
    assert dialog.check_button.isEnabled()
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.settled, timeout=15000)
    li = row_of(dialog, desk.exports["li"])
    assert {r.file for r in dialog.reports} == {desk.exports["li"], desk.junk}
    assert cell(dialog.table, li, "Result") == ("待接受" if zh else "waiting to be accepted")
    assert set(dialog.accept_boxes) == {desk.devices["li"]} and dialog.accept_boxes[desk.devices["li"]].isEnabled()

    # closed: the desk shows what came in
    dialog.reject()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: window.conflict_list.rowCount() == 1)
    assert "1" in conflicts_tab(window)
    assert conflicts_tab(window) == tr("Conflicts ({0})").format(1)
    assert re.findall(r"\d+", window.conflicts_view.hint.text())[:2] == ["1", "1"]  # 1 open conflict, 1 of them hard
    # the merge history: the dry run, the merge and the check again, the latest first, each's report file by file
    assert window.batches.rowCount() == 3
    assert [cell(window.batches, r, "Kind") for r in range(3)] == [tr("dry run"), tr("merge"), tr("dry run")]
    assert [cell(window.batches, 1, h) for h in ("Files", "Merged", "Refused", "Conflicts")] == ["4", "2", "2", "1"]
    window.batches.setCurrentCell(1, 0)
    assert window.history.rowCount() == 4
    history = {(cell(window.history, r, "File"), cell(window.history, r, "Inspector"), cell(window.history, r, "Result"))
               for r in range(4)}
    assert history == {
        (desk.exports["zhang-a"].name, "张三", tr("merged")), (desk.exports["zhang-b"].name, "张三", tr("merged")),
        (desk.exports["li"].name, "李四", tr("refused")), (desk.junk.name, "", tr("refused")),
    }
    assert [cell(window.conflict_list, 0, h) for h in ("Kind", "County", "Item")] == [tr("hard"), "金安区", "1.1.1"]
    expected = {r.county: r for r in results_service.results(master)}
    jinan = master.campaign.county(JINAN).name
    rows = {cell(window.results, r, "County"): r for r in range(window.results.rowCount())}
    inspection = next(m.name for m in master.campaign.methods if m.key == "inspection")
    shown = window.results.item(rows[jinan], column(window.results, inspection)).text()
    assert Decimal(shown) > 0
    assert Decimal(shown) == expected[JINAN].method_scores["inspection"].quantize(Decimal("0.01"))


def test_a_known_laptops_next_export_needs_no_accepting(qtbot, desk: Desk, lead, zh: bool) -> None:
    master = desk.master
    merged(desk, ("zhang-a",))
    again = rescore(desk, "zhang-a", ["裕安区,1.2.2,1.5,,,,,"])
    before = version_count(master)
    window = lead(master)
    dialog = window.merge([desk.exports["zhang-a"], again, desk.junk])
    qtbot.waitUntil(lambda: bool(dialog.reports), timeout=15000)
    assert [r.status for r in dialog.reports] == ["nothing-new", "dry-run", "refused"]
    assert cell(dialog.table, 0, "Result") == ("无新内容" if zh else "nothing new")
    assert cell(dialog.table, 1, "New versions") == "1"
    assert dialog.accept_boxes == {}
    assert dialog.devices_label.text() == ""
    assert version_count(master) == before
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: dialog.merged, timeout=15000)
    assert [r.status for r in dialog.reports] == ["nothing-new", "merged", "refused"]
    assert version_count(master) == before + 1
    dialog.reject()
    settle(qtbot, window)
    assert window.batches.rowCount() == 3  # the first merge, the dry run, this merge
    assert window.history.rowCount() == 3
    assert [cell(window.history, r, "Result") for r in range(3)] == [tr("nothing new"), tr("merged"), tr("refused")]


def test_nothing_to_merge_leaves_the_button_off(qtbot, desk: Desk, lead) -> None:
    merged(desk, ("zhang-a",))
    window = lead(desk.master)
    dialog = window.merge([desk.exports["zhang-a"], desk.junk])
    qtbot.waitUntil(lambda: bool(dialog.reports), timeout=15000)
    assert [r.status for r in dialog.reports] == ["nothing-new", "refused"]
    assert not dialog.merge_button.isEnabled()
    assert dialog.summary.text() == tr(
        "Dry run: {0} files can be merged, {1} are refused, {2} bring nothing new. Nothing was written."
    ).format(0, 1, 1)
    dialog.reject()
    settle(qtbot, window)


# --- 2. settling the conflict -----------------------------------------------------------------


def test_keep_a_version_in_the_conflicts_tab(qtbot, desk: Desk, lead, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    master = desk.master
    merged(desk)
    window = lead(master)
    window.tabs.setCurrentWidget(window.conflicts_view)
    assert window.conflict_list.rowCount() == 1
    window.conflict_list.setCurrentCell(0, 0)
    settle(qtbot, window)
    conflict = window._conflicts[0]
    assert conflict.kind == "hard"
    assert (conflict.county, conflict.item, conflict.entity) == (JINAN, "1.1.1", "score")
    assert len(conflict.versions) == 2
    winner, other = conflict.versions
    assert current_score(master, JINAN, "1.1.1", "张三") == winner.payload["score"]
    assert {winner.payload["score"], other.payload["score"]} == {"2.5", "2"}
    assert window.versions.columnCount() == 2

    # each version named by whose, which laptop and when (local time), not by a hash
    headers = [window.versions.horizontalHeaderItem(c).text() for c in range(2)]
    assert all(h.startswith(("张三 · ", "李四 · ")) and v.device_id[:8] in h for h, v in zip(headers, conflict.versions, strict=True))
    assert cell(window.conflict_list, 0, "Inspector") == "张三"

    buttons = [window.keep_buttons.itemAt(i).widget() for i in range(window.keep_buttons.count())]
    assert {b.objectName() for b in buttons} == {f"keep-{v.version_id}" for v in conflict.versions}
    keep = next(b for b in buttons if b.objectName() == f"keep-{other.version_id}")
    assert isinstance(keep, QPushButton)
    answers = iter([("", False), ("   ", True), ("现场复核以2分为准", True)])  # cancelled; no reason; then a reason
    asked: list[str] = []
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda _p, _t, text, *_a, **_k: asked.append(text) or next(answers))
    monkeypatch.setattr(QMessageBox, "warning", lambda *_a: None)
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)  # asked first: cancelled, nothing settled
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)  # an empty reason: nothing settled
    settle(qtbot, window)
    assert len(sync.conflicts(master)) == 1 and "金安区" in asked[0]
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    settle(qtbot, window)

    assert sync.conflicts(master) == []
    assert window.conflict_list.rowCount() == 0
    assert conflicts_tab(window) == tr("Conflicts ({0})").format(0)
    assert window.keep_buttons.count() == 0
    assert current_score(master, JINAN, "1.1.1", "张三") == other.payload["score"]
    # the resolution keeps its reason: the record's history says why
    from desktop.services import history

    settled = history.versions_of(master, conflict.record_id)[-1]
    assert settled.resolution == "现场复核以2分为准" and settled.inspector is None
    # revisited from the county detail: the score's history, the lost version there to bring back
    dialog = window.show_score_history(JINAN, "1.1.1", "张三")
    qtbot.waitUntil(dialog.settled)
    assert dialog.table.rowCount() == len(history.versions_of(master, conflict.record_id)) >= 3
    assert "现场复核以2分为准" in dialog.table.item(dialog.table.rowCount() - 1, 3).text()
    dialog.close()
    # the dashboard follows: 金安区's inspection score is the one kept
    expected = {r.county: r for r in results_service.results(master)}
    rows = {cell(window.results, r, "County"): r for r in range(window.results.rowCount())}
    assert cell(window.results, rows[master.campaign.county(JINAN).name], "Total") == show(expected[JINAN].total)


def stale_keep(qtbot, desk: Desk, lead, monkeypatch) -> tuple[LeadWindow, list[str], sync.CompetingVersion, Path]:  # type: ignore[no-untyped-def]
    """The lead looks at the conflict; meanwhile another merge (`yanshou merge` in a terminal)
    brings the provisional winner's laptop's new score; the lead then clicks Keep on the other
    version in the view that has not changed."""
    master = desk.master
    merged(desk)
    window = lead(master)
    window.tabs.setCurrentWidget(window.conflicts_view)
    window.conflict_list.setCurrentCell(0, 0)
    settle(qtbot, window)
    winner, other = window._conflicts[0].versions
    laptop = next(n for n, d in desk.devices.items() if d == winner.device_id)
    again = rescore(desk, laptop, ["金安区,1.1.1,1.5,,,,,整改后复核"])
    assert [r.status for r in sync.merge(master, [again])] == ["merged"]
    changed = sync.conflicts(master)
    assert len(changed) == 1 and changed[0].id != window._conflicts[0].id
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, message, *_a: said.append(message))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *_a, **_k: ("以此为准", True))
    keep = window.findChild(QPushButton, f"keep-{other.version_id}")
    assert keep is not None
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    return window, said, other, again


def test_a_keep_on_a_conflict_that_changed_settles_nothing(qtbot, desk: Desk, lead, monkeypatch) -> None:
    window, said, other, _ = stale_keep(qtbot, desk, lead, monkeypatch)
    master = desk.master
    open_ = sync.conflicts(master)
    assert len(open_) == 1  # the lead never saw 1.5: nothing is decided for them
    assert other.version_id in {v.version_id for v in open_[0].versions}
    assert "1.5" in {v.payload["score"] for v in open_[0].versions}
    assert len(said) == 1
    # the window shows the conflict as it is now, with a Keep button for the new version
    assert window.conflict_list.rowCount() == 1
    assert window._conflicts[0].id == open_[0].id
    # another conflict is never chosen for the lead: the detail waits for a choice
    assert window.keep_buttons.count() == 0 and window.versions.columnCount() == 0
    assert window.conflicts_view.chosen.text() == tr("Choose a conflict above to see its versions.")
    window.conflict_list.setCurrentCell(0, 0)
    assert {window.keep_buttons.itemAt(i).widget().objectName() for i in range(window.keep_buttons.count())} == {
        f"keep-{v.version_id}" for v in open_[0].versions
    }


def test_a_keep_on_a_conflict_that_changed_says_so(qtbot, desk: Desk, lead, monkeypatch) -> None:
    _, said, _, _ = stale_keep(qtbot, desk, lead, monkeypatch)
    assert len(said) == 1
    generic = explain(KnownDatabaseError(desk.master_path, "anything"))
    assert said[0] != generic
    assert tr("The database cannot be used.") not in said[0]
    assert QCoreApplication.translate("Messages", "The database cannot be used.") not in said[0]


# --- 3. the dashboard against the command line ------------------------------------------------


def method_sheet(path: Path, rows: dict[str, str]) -> Path:
    path.write_text("\ufeffcounty,score\n" + "".join(f"{c},{s}\n" for c, s in rows.items()), encoding="utf-8")
    return path


def test_dashboard_numbers_equal_the_command_line(qtbot, desk: Desk, lead, tmp_path: Path, capsys) -> None:
    master = desk.master
    merged(desk, ("zhang-a", "li", "zhang-b"))
    window = lead(master)
    imports.import_sheet(
        master, method_sheet(tmp_path / "self.csv", {"金安区": "92", "裕安区": "85.5", "叶集区": "78", "霍邱县": "88.25"}), "self-check"
    )
    imports.import_sheet(
        master,
        method_sheet(tmp_path / "third.csv", {"金安区": "81.5", "裕安区": "90", "叶集区": "70.75", "霍邱县": "66", "舒城县": "73"}),
        "third-party",
    )
    window.refresh()
    settle(qtbot, window)

    assert cli_main(["results", str(desk.master_path), "--format", "json"]) == 0
    cli = {r["county"]: r for r in json.loads(capsys.readouterr().out)}
    assert window.results.rowCount() == len(cli) == 7
    seen = set()
    for row in range(window.results.rowCount()):
        name = cell(window.results, row, "County")
        seen.add(name)
        expected = cli[name]
        if expected["rank"] is None:  # not started: listed, with no rank, total or grade
            assert expected["grade"] is None and not expected["provisional"]
            assert [cell(window.results, row, h) for h in ("Rank", "Total", "Grade")] == ["", "", ""]
            assert cell(window.results, row, "Data") == "未开始"
            continue
        assert cell(window.results, row, "Total") == expected["total"], name
        grade = cell(window.results, row, "Grade")
        assert grade == (f"{expected['grade']}（暂定）" if expected["provisional"] else expected["grade"]), name
        assert expected["grade"] in {"优秀", "良好", "合格"}
        assert cell(window.results, row, "Rank") == str(expected["rank"]), name
        for method in master.campaign.methods:  # headed by their names, from the campaign
            assert cell(window.results, row, method.name) == (expected[method.key.replace("-", "_")] or "—"), (name, method.key)
        assert (cell(window.results, row, "Data") == "完整") == expected["complete"]
        assert cell(window.results, row, "Data").startswith("缺：") == expected["provisional"]
        assert cell(window.results, row, "Adjustment") == ("" if expected["adjustment"] == "0.00" else expected["adjustment"])
        assert len(expected["total"].rsplit(".", 1)[-1]) == 2
    assert seen == set(cli)
    assert cli["金安区"]["total"] != "0.00"


def test_results_are_listed_best_first(desk: Desk, lead, tmp_path: Path) -> None:
    master = desk.master
    imports.import_sheet(master, method_sheet(tmp_path / "third.csv", {"金安区": "60", "裕安区": "90", "叶集区": "75"}), "third-party")
    window = lead(master)
    ranks = [cell(window.results, r, "Rank") for r in range(window.results.rowCount())]
    assert ranks == ["1", "2", "3", "", "", "", ""]  # the four with nothing at all last, unranked
    assert cell(window.results, 0, "County") == "裕安区"


def test_sorting_by_total_sorts_by_number(desk: Desk, lead, tmp_path: Path) -> None:
    master = desk.master
    # totals 36.00, 24.00, 8.00 and 0.00: as text, "8.00" sorts above "36.00"
    imports.import_sheet(master, method_sheet(tmp_path / "third.csv", {"金安区": "60", "裕安区": "90", "叶集区": "20", "霍邱县": "0"}),
                         "third-party")
    window = lead(master)
    window.results.sortByColumn(column(window.results, "Total"), Qt.SortOrder.DescendingOrder)
    totals = [cell(window.results, r, "Total") for r in range(window.results.rowCount())]
    assert totals == ["36.00", "24.00", "8.00", "0.00", "", "", ""]  # a 0 is a result; not started is none
    window.results.sortByColumn(column(window.results, "Total"), Qt.SortOrder.AscendingOrder)
    assert [cell(window.results, r, "Total") for r in range(window.results.rowCount())][-4:] == ["0.00", "8.00", "24.00", "36.00"]


# --- 4. cancelling ----------------------------------------------------------------------------


def test_a_cancelled_merge_writes_nothing(desk: Desk) -> None:
    master = desk.master
    before = version_count(master)
    with pytest.raises(sync.Cancelled):
        sync.merge(master, files(desk), enroll=sync.merging.Enrolment(field=True, same_inspector=True), cancelled=lambda: True)
    assert version_count(master) == before
    assert count(master, "SELECT count(*) FROM import_log") == 0
    assert count(master, "SELECT count(*) FROM device") == 1
    quarantine = Path(os.environ["YANSHOU_DATA_DIR"]) / "quarantine"
    assert not list(quarantine.glob("*.db"))  # neither the file being merged nor the one checked ahead


def test_cancelling_after_the_first_file_writes_nothing(desk: Desk) -> None:
    master = desk.master
    before = version_count(master)
    stop = []
    with pytest.raises(sync.Cancelled):
        sync.merge(
            master, [desk.exports["zhang-a"], desk.exports["zhang-b"]], enroll=sync.merging.Enrolment(field=True, same_inspector=True),
            progress=lambda done, _total, _name: stop.append(True) if done == 1 else None, cancelled=lambda: bool(stop),
        )
    assert version_count(master) == before
    assert count(master, "SELECT count(*) FROM import_log") == 0
    assert count(master, "SELECT count(*) FROM device") == 1
    assert sync.merge_reports(master) == []


CANCELLED = "Cancelled: nothing was merged; the master is exactly as it was before."


def test_the_cancel_button_stops_the_merge_after_the_first_file(qtbot, desk: Desk, lead, monkeypatch, zh: bool) -> None:
    """The lead presses the progress dialog's Cancel while the second file is about to be
    merged: nothing of the batch is written, the first file neither, and the dialog says so."""
    master = desk.master
    before = version_count(master)
    window = lead(master)
    real = sync.merge
    reached, go = threading.Event(), threading.Event()

    def held_merge(ws, paths, **kw):  # type: ignore[no-untyped-def]
        if not kw.get("dry_run"):
            shown = kw["progress"]

            def progress(done: int, total: int, name: str) -> None:
                shown(done, total, name)
                if done == 1:  # the first file is merged, the second next: wait for the lead
                    reached.set()
                    go.wait(15)

            kw["progress"] = progress
        return real(ws, paths, **kw)

    monkeypatch.setattr(sync, "merge", held_merge)
    dialog = window.merge([desk.exports["zhang-a"], desk.exports["zhang-b"]])
    qtbot.waitUntil(lambda: bool(dialog.reports), timeout=15000)
    for box in dialog.accept_boxes.values():
        click_box(qtbot, box)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)  # on the desk's writer, held below
    try:
        qtbot.waitUntil(reached.is_set, timeout=15000)
        progress = dialog.findChild(QProgressDialog)
        assert progress is not None
        qtbot.waitUntil(progress.isVisible)
        cancel = progress.findChild(QPushButton)
        assert cancel is not None
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        assert progress.wasCanceled()
    finally:
        go.set()
    qtbot.waitUntil(lambda: dialog.merged, timeout=15000)
    assert dialog.summary.text() == tr(CANCELLED)
    if zh and tr(CANCELLED) != CANCELLED:
        assert dialog.summary.text().startswith("已取消")
    assert version_count(master) == before
    assert count(master, "SELECT count(*) FROM import_log") == 0
    assert count(master, "SELECT count(*) FROM device") == 1
    dialog.reject()
    settle(qtbot, window)
    assert window.batches.rowCount() == 1  # the dry run's report alone
    assert cell(window.batches, 0, "Kind") == tr("dry run")


def test_the_dialog_says_a_merge_was_cancelled(qtbot, desk: Desk, lead) -> None:
    window = lead(desk.master)
    dialog = window.merge([desk.exports["li"]])
    qtbot.waitUntil(lambda: bool(dialog.reports), timeout=15000)
    dialog._failed(sync.Cancelled(), None)
    assert dialog.summary.text() == tr(CANCELLED)
    assert dialog.merged
    dialog.reject()
    settle(qtbot, window)


# --- 5. which window ----------------------------------------------------------------------------


def test_a_master_opens_on_the_desk_a_laptop_on_the_inspectors_window(qtbot, desk: Desk, field) -> None:
    lead_window = desk_or_field(desk.master)
    qtbot.addWidget(lead_window)
    assert isinstance(lead_window, LeadWindow)
    field_window = desk_or_field(field)
    qtbot.addWidget(field_window)
    assert isinstance(field_window, MainWindow)
    assert not isinstance(field_window, LeadWindow)
    field_window.close()
    qtbot.waitUntil(lambda: field_window.writer.pending == 0)


# --- 6. the headless screenshot ---------------------------------------------------------------


def test_screenshot_of_a_master(desk: Desk, tmp_path: Path) -> None:
    merged(desk)
    desk.master.close()
    out = tmp_path / "desk.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [str(YANSHOU), "gui", str(desk.master_path), "--screenshot", str(out)],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert not image.isNull()
    assert (image.width(), image.height()) == SCREENSHOT_SIZE
    assert len({image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)}) > 3  # not blank


# --- 7. score imports through the dialog ------------------------------------------------------


def results_by_name(window: LeadWindow) -> dict[str, int]:
    return {cell(window.results, r, "County"): r for r in range(window.results.rowCount())}


def test_import_both_score_sheets_through_the_dialog(qtbot, desk: Desk, lead, tmp_path: Path, capsys) -> None:
    master = desk.master
    merged(desk, ("zhang-a", "li", "zhang-b"))
    window = lead(master)
    methods = {m.key: m for m in master.campaign.methods}

    # a self-check sheet with a bad row: marked in the preview, nothing imported
    bad = method_sheet(tmp_path / "self-bad.csv", {"金安区": "92", "不存在县": "80", "裕安区": "101"})
    dialog = window.import_sheet(bad)
    settle(qtbot, window)
    assert dialog.kind.currentData() is None  # the method is never preselected
    dialog.kind.setCurrentIndex(dialog.kind.findData("self-check"))
    settle(qtbot, window)
    assert not dialog.import_button.isEnabled()
    # every row of the sheet as read, each bad one in red with its reason
    assert dialog.table.rowCount() == 3
    assert [cell(dialog.table, r, "Row") for r in range(3)] == ["2", "3", "4"]
    reasons = [cell(dialog.table, r, "Problem") for r in range(3)]
    assert reasons[0] == ""
    assert sheet_problem("unknown_county") in reasons[1]
    assert sheet_problem("score_range") in reasons[2]
    red = QColor("#c62828")
    assert [dialog.table.item(r, 0).foreground().color() == red for r in range(3)] == [False, True, True]
    assert [dialog.table.item(r, c).text() for r in (1, 2) for c in (1, 2)] == ["不存在县", "80", "裕安区", "101"]
    assert dialog.summary.text() == tr("{0} problems: nothing will be imported until they are fixed.").format(2)
    dialog.reject()
    settle(qtbot, window)
    assert count(master, "SELECT count(*) FROM current_method_score") == 0

    # the self-check sheet, corrected
    good = method_sheet(tmp_path / "self.csv", {"金安区": "92", "裕安区": "85.5", "叶集区": "78"})
    dialog = window.import_sheet(good)
    settle(qtbot, window)
    assert not dialog.import_button.isEnabled()  # until the method is chosen
    dialog.kind.setCurrentIndex(dialog.kind.findData("self-check"))
    settle(qtbot, window)
    assert dialog.import_button.isEnabled()
    assert dialog.table.rowCount() == 3
    assert dialog.summary.text() == tr("{0} rows, all valid. Counties not in the sheet keep their scores.").format(3)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert dialog.result_text and window.statusBar().currentMessage() == dialog.result_text  # the desk says what went in
    rows = results_by_name(window)
    assert cell(window.results, rows["金安区"], methods["self-check"].name) == "92.00"
    assert cell(window.results, rows["霍山县"], methods["self-check"].name) == "—"  # not in the sheet: still none

    # the third-party sheet, per item: chosen in the dialog's method list
    third = tmp_path / "third.csv"
    third.write_text("county,item,score\n金安区,1.1.1,2\n金安区,1.1.2,3\n霍邱县,1.1.1,1.5\n", encoding="utf-8")
    dialog = window.import_sheet(third)
    settle(qtbot, window)
    dialog.kind.setCurrentIndex(dialog.kind.findData("third-party"))
    settle(qtbot, window)
    assert dialog.import_button.isEnabled()
    assert cell(dialog.table, 0, "County") == "金安区"
    assert cell(dialog.table, 0, "After the import") == tr("{0} items, sum {1}").format(2, "5.00")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert dialog.result_text

    # the dashboard, the chart and the command line agree
    assert cli_main(["results", str(desk.master_path), "--format", "json"]) == 0
    cli = {r["county"]: r for r in json.loads(capsys.readouterr().out)}
    rows = results_by_name(window)
    for name, expected in cli.items():
        assert cell(window.results, rows[name], methods["self-check"].name) == (expected["self_check"] or "—")
        assert cell(window.results, rows[name], methods["third-party"].name) == (expected["third_party"] or "—")
        assert cell(window.results, rows[name], "Total") == ("" if expected["rank"] is None else expected["total"])  # not started: none
    assert cli["金安区"]["third_party"] == "5.00"
    assert cli["霍邱县"]["self_check"] is None  # in neither self-check sheet
    drawn = {bar.name: bar for bar in window.totals_chart.bars}
    assert {name: show(bar.total) for name, bar in drawn.items()} == {name: r["total"] for name, r in cli.items() if r["rank"] is not None}


def test_a_sheet_that_cannot_be_read_is_refused_in_the_preview(qtbot, desk: Desk, lead, tmp_path: Path) -> None:
    window = lead(desk.master)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    dialog = window.import_sheet(broken)
    settle(qtbot, window)
    assert not dialog.import_button.isEnabled()
    assert dialog.table.rowCount() >= 1
    assert cell(dialog.table, 0, "Problem") == sheet_problem("bad_xlsx")
    dialog.reject()
    settle(qtbot, window)
    assert count(desk.master, "SELECT count(*) FROM current_method_score") == 0


# --- 8. the charts against the results --------------------------------------------------------


def test_the_charts_draw_the_results(qtbot, desk: Desk, lead, tmp_path: Path, capsys) -> None:
    master = desk.master
    merged(desk, ("zhang-a", "li", "zhang-b"))
    imports.import_sheet(master, method_sheet(tmp_path / "self.csv", {"金安区": "92", "裕安区": "85.5"}), "self-check")
    imports.import_sheet(master, method_sheet(tmp_path / "third.csv", {"金安区": "81.5", "裕安区": "90"}), "third-party")
    # 金安区 complete: every item scored
    every = [f"金安区,{n.code},{n.points},,,,," for n in master.campaign.indicator_set.items]
    full = tmp_path / "full.csv"
    full.write_text("\n".join([HEADER, *every]) + "\n", encoding="utf-8")
    imports.import_sheet(master, full, imports.INSPECTION, "王五")
    window = lead(master)

    assert cli_main(["results", str(desk.master_path), "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    chart = window.totals_chart
    started = [r for r in cli if r["rank"] is not None]
    assert [bar.name for bar in chart.bars] == [r["county"] for r in started]  # best first, as ranked
    assert len(chart.labels) == len(started) == 4 and len(cli) == 7
    waiting = [r["county"] for r in cli if r["rank"] is None]
    assert chart.waiting == waiting  # not started: no bar, named in the title
    assert tr_chart("Not started (no bar): {0}").format("、".join(waiting)) in chart.chart().title()  # its second line
    for row, expected in enumerate(started):
        label = chart.labels[row]
        assert label.startswith(f"{expected['county']}  {expected['total']}")
        complete_value, incomplete_value = chart.drawn(row)
        if expected["complete"]:
            assert (complete_value, incomplete_value) == (float(expected["total"]), 0.0)
            assert label == f"{expected['county']}  {expected['total']}"
        else:  # never drawn as a complete county: in the other set, and said in its label
            assert (complete_value, incomplete_value) == (0.0, float(expected["total"]))
            assert label == tr_chart("{0} (provisional)").format(f"{expected['county']}  {expected['total']}")
    assert cli[0]["county"] == "金安区" and cli[0]["complete"]

    # the profile follows the county chosen in the table
    rows = results_by_name(window)
    for name in ("金安区", "裕安区"):
        window.results.setCurrentCell(rows[name], 1)
        settle(qtbot, window)
        code = master.campaign.county_named(name).code
        expected = results_service.profile(master, code)
        profile = window.profile_chart
        assert profile.county == name
        assert profile.bars == expected
        assert [label.split("  ")[0] for label in profile.labels] == ["组织领导", "工作开展", "公开内容", "试点成效", "创新措施"]
        for row, bar in enumerate(expected):
            complete_value, incomplete_value = profile.drawn(row)
            if bar.share is None:
                assert (complete_value, incomplete_value) == (0.0, 0.0)
                assert profile.labels[row] == tr_chart("{0}  not scored").format(bar.name)
            else:
                assert complete_value + incomplete_value == pytest.approx(float(bar.share * 100))
                assert (complete_value > 0 or bar.share == 0) if bar.complete else (incomplete_value > 0 or bar.share == 0)
    jinan = results_service.profile(master, master.campaign.county_named("金安区").code)
    assert all(p.complete for p in jinan)
    assert show(sum(p.counted for p in jinan)) == next(r for r in cli if r["county"] == "金安区")["inspection"]


def test_the_charts_follow_a_change(qtbot, desk: Desk, lead, tmp_path: Path) -> None:
    master = desk.master
    window = lead(master)
    assert window.totals_chart.bars == [] and len(window.totals_chart.waiting) == 7  # nothing started yet
    dialog = window.import_sheet(method_sheet(tmp_path / "third.csv", {"叶集区": "80"}))
    settle(qtbot, window)
    dialog.kind.setCurrentIndex(dialog.kind.findData("third-party"))
    settle(qtbot, window)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    first = window.totals_chart.bars[0]
    assert (first.name, show(first.total)) == ("叶集区", "32.00")
    assert window.totals_chart.labels == [tr_chart("{0} (provisional)").format("叶集区  32.00")]


def tr_chart(text: str) -> str:
    return QCoreApplication.translate("Charts", text)


# --- 9. the rectification board ---------------------------------------------------------------


def test_rectify_a_problem_through_the_board(qtbot, desk: Desk, lead, tmp_path: Path, monkeypatch) -> None:
    master = desk.master
    with workspace.open_workspace(desk.laptops["zhang-a"]) as laptop:
        late = inspection.save_problem(laptop, JINAN, "1.2.1", description="方案不完整", severity="major",
                                       deadline=dt.date.today() - dt.timedelta(days=3))
        inspection.save_problem(laptop, "341503", "1.1.1", description="领导小组未开会", severity="minor",
                                deadline=dt.date.today() + dt.timedelta(days=5))
        sync.export(laptop, desk.exports["zhang-a"])
    merged(desk, ("zhang-a",))
    window = lead(master)
    window.tabs.setCurrentWidget(window.rectification_view)
    board = window.problems
    assert board.rowCount() == 2
    assert window.tabs.tabText(window.tabs.indexOf(window.rectification_view)) == tr("Rectification ({0} overdue)").format(1)
    row = next(r for r in range(2) if cell(board, r, "Problem") == "方案不完整")
    assert board.item(row, 0).foreground().color() == QColor("#c62828")  # overdue, in red
    assert cell(board, row, "Status") == problem_status("overdue")  # in the problem list's word (逾期未整改), not 待整改
    on_time = next(r for r in range(2) if cell(board, r, "Problem") == "领导小组未开会")
    assert cell(board, on_time, "Status") == problem_status("open")

    # only the steps the state machine allows are offered: verifying needs a rectification first
    from desktop.ui.messages import step_refusal
    from desktop.ui.steps import RectifyDialog

    board.setCurrentCell(row, 0)
    settle(qtbot, window)
    rectify, verify = window.findChild(QPushButton, "mark-rectified"), window.findChild(QPushButton, "mark-verified")
    assert rectify.isEnabled() and not verify.isEnabled()
    assert verify.toolTip() == step_refusal("not_rectified")

    # marking it rectified asks for evidence or an account; cancelled, nothing changes
    asked: list[str] = []
    proof = tmp_path / "整改报告.pdf"
    proof.write_bytes(b"%PDF-1.4 rectification report")
    answers = iter([False, True])

    def choose(_parent, title, *_a, **_k):  # type: ignore[no-untyped-def]
        asked.append(title)
        return str(proof), ""

    def run(dialog: RectifyDialog) -> int:
        if not next(answers):
            return RectifyDialog.DialogCode.Rejected
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()  # nothing given yet
        qtbot.mouseClick(dialog.findChild(QPushButton, "rectify-add"), Qt.MouseButton.LeftButton)
        settle(qtbot, window)
        assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        return RectifyDialog.DialogCode.Accepted

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    monkeypatch.setattr(RectifyDialog, "exec", run)
    qtbot.mouseClick(rectify, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert asked == []
    assert {e.record_id: e.status for e in rectification.board(master)}[late] == "open"

    row = next(r for r in range(board.rowCount()) if cell(board, r, "Problem") == "方案不完整")
    board.setCurrentCell(row, 0)
    settle(qtbot, window)
    qtbot.mouseClick(rectify, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert asked == [tr("Evidence of the rectification")]
    assert {e.record_id: e.status for e in rectification.board(master)}[late] == "rectified"
    assert count(master, "SELECT count(*) FROM current_evidence WHERE county = '341502' AND item = '1.2.1'") == 1
    # at once, on the row still selected: the new status, its evidence, and the next steps offered
    row = board.currentRow()
    assert cell(board, row, "Problem") == "方案不完整"
    assert cell(board, row, "Status") == problem_status("rectified")
    assert cell(board, row, "Rectification evidence") == tr("{0} files").format(1)
    assert verify.isEnabled() and not rectify.isEnabled()
    assert board.item(row, 0).foreground().color() != QColor("#c62828")  # no longer overdue
    assert window.tabs.tabText(window.tabs.indexOf(window.rectification_view)) == tr("Rectification")

    # the lead verifies it, asked first; the filter shows what is left to do
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(verify, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "方案不完整" in asked[0]
    settle(qtbot, window)
    assert {e.record_id: e.status for e in rectification.board(master)}[late] == "verified"
    assert cell(board, board.currentRow(), "Status") == problem_status("verified")
    history = window.findChild(QTableWidget, "problem-history")
    assert [history.item(r, 1).text() for r in range(history.rowCount())] == [tr("Found"), tr("Rectified"), tr("Verified")]
    window.problem_filter.setCurrentIndex(window.problem_filter.findData("open"))
    settle(qtbot, window)
    assert board.rowCount() == 1
    assert cell(board, 0, "Problem") == "领导小组未开会"
    window.problem_filter.setCurrentIndex(0)
    settle(qtbot, window)
    window.problem_county.setCurrentIndex(window.problem_county.findData(JINAN))
    settle(qtbot, window)
    assert [cell(board, r, "Problem") for r in range(board.rowCount())] == ["方案不完整"]
    assert cell(board, 0, "Status") == problem_status("verified")


# --- 10. the merge history, after the program was closed ----------------------------------------


def test_a_merge_report_reopens_after_the_program_was_closed(qtbot, desk: Desk, lead) -> None:
    window = lead(desk.master)
    dialog = window.merge(files(desk))
    qtbot.waitUntil(lambda: bool(dialog.reports), timeout=15000)
    click_box(qtbot, dialog.accept_boxes[desk.devices["li"]])
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: dialog.merged, timeout=15000)
    dialog.reject()
    settle(qtbot, window)
    window.close()
    desk.master.close()

    with workspace.open_workspace(desk.master_path) as reopened:
        window = lead(reopened)
        window.tabs.setCurrentWidget(window.history_view)
        assert window.batches.rowCount() == 2
        assert [cell(window.batches, r, "Kind") for r in range(2)] == [tr("merge"), tr("dry run")]
        shown = {cell(window.history, r, "File"): r for r in range(window.history.rowCount())}
        assert set(shown) == {p.name for p in files(desk)}
        li = shown[desk.exports["li"].name]
        assert (cell(window.history, li, "Inspector"), cell(window.history, li, "Result")) == ("李四", tr("merged"))
        assert cell(window.history, li, "New versions") == str(desk.versions["li"])
        for name in ("zhang-a", "zhang-b"):  # not accepted: refused, and why
            row = shown[desk.exports[name].name]
            assert (cell(window.history, row, "Inspector"), cell(window.history, row, "Result")) == ("张三", tr("refused"))
            assert cell(window.history, row, "Reason") == refusal("not_enrolled")
            assert cell(window.history, row, "New versions") == ""
        assert cell(window.history, shown[desk.junk.name], "Reason") == refusal("not_yanshou")

        # the dry run before it, reopened by choosing it
        window.batches.setCurrentCell(1, 0)
        settle(qtbot, window)
        assert {cell(window.history, r, "Result") for r in range(window.history.rowCount())} == {
            tr("can be merged"), tr("refused"),
        }
        window.close()


# --- 11. the timeline -------------------------------------------------------------------------


def test_the_timeline_says_what_is_done_and_overdue(desk: Desk, lead, tmp_path: Path) -> None:
    master = desk.master
    imports.import_sheet(master, method_sheet(tmp_path / "self.csv", {c.name: "90" for c in master.campaign.counties}), "self-check")
    imports.import_sheet(master, method_sheet(tmp_path / "third.csv", {"金安区": "80"}), "third-party")
    window = lead(master)
    table = window.timeline
    steps = {m.key: m for m in results_service.timeline(master)}
    by_name = {cell(table, r, "What"): r for r in range(table.rowCount())}
    assert len(by_name) == len(steps) == 5
    today = dt.date.today()
    for step in steps.values():
        row = by_name[step.name]
        assert cell(table, row, "Due") == step.due.isoformat()
        days = (today - step.due).days
        if step.finished:
            assert cell(table, row, "State") == tr("done")
        elif step.overdue(today):
            assert cell(table, row, "State") == tr("overdue by {0} days").format(days)
            assert table.item(row, 0).foreground().color() == QColor("#c62828")
    assert cell(table, by_name[steps["self-check"].name], "Progress") == tr("{0} of {1} counties").format(7, 7)
    assert cell(table, by_name[steps["self-check"].name], "State") == tr("done")
    assert cell(table, by_name[steps["third-party"].name], "Progress") == tr("{0} of {1} counties").format(1, 7)


# --- campaign settings and printing from the desk ---------------------------------------------


def test_a_new_grading_rule_regrades_the_dashboard(qtbot, desk: Desk, lead) -> None:  # type: ignore[no-untyped-def]
    from desktop.core.campaign import Grade
    from desktop.ui.campaign_dialog import SettingsDialog

    master = desk.master
    merged(desk, ("zhang-a", "li"))
    window = lead(master)
    before = {cell(window.results, r, "County"): cell(window.results, r, "Grade") for r in range(window.results.rowCount())}
    assert "不合格" not in before.values()  # by proportion nobody fails
    window.findChild(QAction, "campaign-settings").trigger()
    dialog = window.findChild(SettingsDialog)
    qtbot.waitUntil(dialog.settled)  # its reads and the save are off the GUI thread (the guard holds)
    dialog.by_bands.setChecked(True)
    for grade, minimum in ((Grade.EXCELLENT, 99), (Grade.GOOD, 98), (Grade.PASS, 97)):
        dialog.bands[grade].setValue(minimum)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    after = {cell(window.results, r, "County"): cell(window.results, r, "Grade") for r in range(window.results.rowCount())}
    started = {name for name, grade in before.items() if grade}
    assert {after[name] for name in started} == {"不合格（暂定）"}  # nobody reaches 97 with two laptops' work and no method scores
    assert {grade for name, grade in after.items() if name not in started} == {""}  # the others have not started


def test_the_print_action_opens_the_summary(qtbot, desk: Desk, lead, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui import documents

    window = lead(desk.master)
    opened = []
    monkeypatch.setattr(documents, "open_documents", lambda ws, parent, kind, county=None: opened.append((ws, kind)))
    window.findChild(QAction, "print").trigger()
    settle(qtbot, window)
    assert opened == [(desk.master, documents.SUMMARY)]


def test_the_desk_checks_the_stored_results_when_it_opens(qtbot, tmp_path: Path) -> None:
    """A current score edited by hand in the master's file: the desk, on opening, says the
    stored results differ from the signed versions; an untouched master is said to agree."""
    from desktop.services import decisions, workspace
    from desktop.ui.lead import LeadWindow

    ws = workspace.create(tmp_path / "m.db", role="master")
    assert decisions.adjust(ws, ws.campaign.counties[0].code, "1", "年度考核")
    window = LeadWindow(ws)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.state_label.text() != "")
    assert "checked" in window.state_label.text() or "核对一致" in window.state_label.text()
    window.close()
    with ws.write() as conn:
        conn.exec_driver_sql("UPDATE current_adjustment SET delta = '30'")
    again = LeadWindow(ws)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.state_label.text() != "")
    assert "verify" in again.state_label.text()
    again.close()
    with ws.write() as conn:  # the row put right, and a trigger planted instead: said as such
        conn.exec_driver_sql("UPDATE current_adjustment SET delta = '1'")
        conn.exec_driver_sql("CREATE TRIGGER later AFTER INSERT ON current_score BEGIN DELETE FROM current_score; END")
    third = LeadWindow(ws)
    qtbot.addWidget(third)
    qtbot.waitUntil(lambda: third.state_label.text() != "")
    assert third.state_label.text() == tr("The database holds what Yanshou did not make (edited outside Yanshou): run yanshou verify")
    third.close()
    ws.close()


def test_another_master_is_accepted_only_by_its_own_warned_box(qtbot, desk: Desk, lead, tmp_path: Path) -> None:
    """A second lead's desk offered to merge: its box says it gets the lead's powers; left
    unticked it is refused, ticked it is enrolled as a master."""
    from desktop.services import decisions

    other = workspace.create(tmp_path / "other-master.db", role="master")
    assert decisions.adjust(other, other.campaign.counties[0].code, "1", "另一位组长")
    export = tmp_path / "usb" / "other-master.db"
    sync.export(other, export)
    other.close()
    window = lead(desk.master)
    dialog = window.merge([export])
    qtbot.waitUntil(lambda: bool(dialog.reports), timeout=15000)
    assert dialog.reports[0].status == "dry-run", dialog.reports[0].reason
    [device] = dialog.accept_boxes
    box = dialog.accept_boxes[device]
    assert device in dialog.new_masters
    assert tr("ANOTHER MASTER: it will have the lead's powers (scores, decisions, settings)") in box.text()
    assert not box.isChecked()
    click_box(qtbot, box)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: dialog.merged, timeout=15000)
    assert dialog.reports[0].status == "merged", dialog.reports[0].reason
    assert [d.role for d in dialog.reports[0].enrolled] == ["master"]


def test_a_decision_made_in_its_dialog_shows_in_the_results(qtbot, desk: Desk, lead, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    master = desk.master
    imports.import_sheet(master, method_sheet(tmp_path / "third.csv", {"金安区": "80"}), "third-party")
    window = lead(master)
    rows = results_by_name(window)
    window.results.setCurrentCell(rows["金安区"], 1)
    dialog = window.decide()
    assert dialog.county.currentText() == "金安区"
    qtbot.waitUntil(lambda: dialog.current.text() == tr("No decision recorded yet."))
    dialog.kind.setCurrentIndex(dialog.kind.findData("adjustment"))
    dialog.value.setText("1.5")
    dialog.reason.setText("年度考评加分")
    qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert dialog.current.text() == tr("Recorded now: {0} — {1}").format("1.5", "年度考评加分")
    rows = results_by_name(window)
    assert cell(window.results, rows["金安区"], "Adjustment") == "+1.50"  # the desk read it again by itself
    assert cell(window.results, rows["金安区"], "Total") == "33.50"  # 0.4 × 80 + 1.5
    dialog.value.setText("7x")  # refused in the lead's words; nothing changes
    messages: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(QMessageBox, "warning", lambda _parent, _title, text: messages.append(text))
        qtbot.mouseClick(dialog.save, Qt.MouseButton.LeftButton)
        settle(qtbot, window)
    assert messages and cell(window.results, results_by_name(window)["金安区"], "Total") == "33.50"
    # withdrawn at once, and taken back: the desk's undo, then its recycle bin
    qtbot.mouseClick(dialog.clear, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert cell(window.results, results_by_name(window)["金安区"], "Total") == "32.00"
    undo = window.findChild(QAction, "undo")
    assert undo.isEnabled()
    undo.trigger()
    settle(qtbot, window)
    assert cell(window.results, results_by_name(window)["金安区"], "Total") == "33.50"
    window.findChild(QAction, "redo").trigger()
    settle(qtbot, window)
    assert cell(window.results, results_by_name(window)["金安区"], "Total") == "32.00"
    bin_ = window.show_deleted()
    qtbot.waitUntil(lambda: bin_.settled() and bin_.table.rowCount() == 1)
    assert bin_.table.item(0, 3).text() == "年度考评加分"
    bin_.restore_button.click()
    qtbot.waitUntil(lambda: bin_.settled() and bin_.table.rowCount() == 0)
    settle(qtbot, window)
    assert cell(window.results, results_by_name(window)["金安区"], "Total") == "33.50"
    bin_.close()
    dialog.reject()


def test_the_tables_are_exported_off_the_gui_thread(qtbot, desk: Desk, lead, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    window = lead(desk.master)
    target = tmp_path / "结果.xlsx"
    window.export_table("results", target)
    settle(qtbot, window)
    assert load_workbook(target).sheetnames == ["验收结果"]
    assert window.statusBar().currentMessage() == tr("Saved {0}").format(target)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    window.export_table("problems", tmp_path / "问题.txt")  # not a table's suffix: said, nothing written
    settle(qtbot, window)
    assert warned and not (tmp_path / "问题.txt").exists()


def test_a_folder_merge_looks_in_subfolders_and_says_what_it_left_out(qtbot, desk: Desk, lead, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    stick = tmp_path / "stick"
    (stick / "张三").mkdir(parents=True)
    shutil.copy(desk.exports["zhang-a"], stick / "张三" / desk.exports["zhang-a"].name)
    (stick / "说明.docx").write_bytes(b"not an export")
    window = lead(desk.master)
    dialog = window.merge_folder(stick)
    assert dialog is not None
    qtbot.waitUntil(dialog.settled, timeout=15000)
    assert [r.file.name for r in dialog.reports] == [desk.exports["zhang-a"].name]
    assert dialog.skipped_label.isVisibleTo(dialog) and "说明.docx" in dialog.skipped_label.text()
    assert tr("not an export") in dialog.skipped_label.text()
    dialog.reject()
    settle(qtbot, window)


def test_the_desk_shows_where_inspectors_disagree_and_who_has_synced(qtbot, desk: Desk, lead) -> None:  # type: ignore[no-untyped-def]
    from desktop.services import agreement, devices

    merged(desk)
    window = lead(desk.master)
    settle(qtbot, window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert any(t.startswith(tr("Agreement")) for t in titles) and any(t.startswith(tr("Devices")) for t in titles)
    expected = agreement.agreement_of(desk.master)
    assert window.agreement_view.table.rowCount() == len(expected.rows)
    flagged = len(expected.flagged)
    shown = window.tabs.tabText(window.tabs.indexOf(window.agreement_view))
    assert shown == (tr("Agreement ({0} flagged)").format(flagged) if flagged else tr("Agreement"))
    assert window.devices_view.table.rowCount() == len(devices.device_statuses(desk.master))


def test_a_record_printed_while_its_county_has_conflicts_says_so(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    import subprocess as sp

    from desktop.services import documents
    from desktop.ui.documents import RECORD, DocumentDialog

    merged(desk)  # 张三's two laptops disagree on 金安区 1.1.1
    master = desk.master
    dialog = DocumentDialog(master, kind=RECORD, county=JINAN)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.warning.isVisibleTo(dialog), timeout=10000)
    assert "1" in dialog.warning.text()
    record = documents.inspection_record(master, master.campaign.county(JINAN))
    assert record.conflicts == 1
    pdf = documents.produce(master, record, signed=False)
    text = sp.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "冲突未解决" in text
    dialog.reject()


def test_a_search_hit_on_the_desk_opens_the_county_detail_at_its_item(qtbot, desk: Desk, lead) -> None:  # type: ignore[no-untyped-def]
    from desktop.core.search import HitKind
    from desktop.services import search

    merged(desk)
    window = lead(desk.master)
    settle(qtbot, window)
    hit = next(h for h in search.search(desk.master, "1.2.1") if h.kind is HitKind.ITEM)
    window.search.chosen.emit(hit)  # what Enter or a click on the hit does
    settle(qtbot, window)
    assert window.tabs.currentWidget() is window.detail_view
    assert window.detail.currentItem().text(0).startswith("1.2.1 ")


def test_a_countys_scorecard_opens_from_the_desk(qtbot, desk: Desk, lead) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.documents import SCORECARD, DocumentDialog

    merged(desk)
    window = lead(desk.master)
    settle(qtbot, window)
    rows = {cell(window.results, r, "County"): r for r in range(window.results.rowCount())}
    jinan = desk.master.campaign.county(JINAN).name
    window.results.setCurrentCell(rows[jinan], 1)
    window.findChild(QAction, "scorecard").trigger()
    dialog = window.findChild(DocumentDialog)
    assert dialog.kind.currentData() == SCORECARD and dialog.county.currentData() == JINAN
    qtbot.waitUntil(lambda: dialog.pdf is not None, timeout=30000)
    assert "验收成绩单" in dialog.name and jinan in dialog.name
    dialog.reject()


def test_the_county_detail_marks_the_items_in_conflict_and_the_timeline_waits_for_them(qtbot, desk: Desk, lead) -> None:  # type: ignore[no-untyped-def]
    merged(desk)  # 张三's two laptops disagree on 金安区 1.1.1
    window = lead(desk.master)
    settle(qtbot, window)
    window.detail_county.setCurrentIndex(window.detail_county.findData(JINAN))
    settle(qtbot, window)
    (row,) = window.detail.findItems("1.1.1 ", Qt.MatchFlag.MatchStartsWith | Qt.MatchFlag.MatchRecursive, 0)
    assert row.text(3).startswith(tr("in conflict: see Conflicts"))
    (other,) = window.detail.findItems("1.1.2 ", Qt.MatchFlag.MatchStartsWith | Qt.MatchFlag.MatchRecursive, 0)
    assert tr("in conflict: see Conflicts") not in other.text(3)


def test_the_desk_exports_the_master_for_the_laptops(qtbot, desk: Desk, lead, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui import files

    merged(desk, ("zhang-a",))
    window = lead(desk.master)
    settle(qtbot, window)
    target = tmp_path / "主库-导出.yanshou"
    asked: list[str] = []
    monkeypatch.setattr(files, "export_target", lambda _parent, _ws, title: asked.append(title) or target)
    window.findChild(QAction, "export-master").trigger()  # the tool bar's button: where to, asked first
    settle(qtbot, window)
    assert asked == [QCoreApplication.translate("LeadWindow", "Export for the laptops")]
    assert target.exists() and str(target) in window.statusBar().currentMessage()
    assert "张三" in window.statusBar().currentMessage()  # whom it is sealed for, said where it went
    assert window.findChild(QMessageBox, "export-sealing") is None  # sealed for every laptop: nothing to warn of
    # sealed for the enrolled laptop, which takes it (the reverse merge); a laptop the master has
    # never heard of sees only whom it is for
    with workspace.open_workspace(desk.laptops["zhang-a"]) as laptop:
        assert [(r.status, r.sealed) for r in sync.merge(laptop, [target], enroll=True)] == [("merged", True)]
    laptop = workspace.create(tmp_path / "new-laptop.db", role="field", inspector="李四")
    try:
        [refused] = sync.merge(laptop, [target], enroll=True)
        assert (refused.status, refused.code) == ("refused", "not_for_us") and "张三" in refused.reason
    finally:
        laptop.close()


def test_the_desks_export_warns_when_a_laptop_cannot_open_it(qtbot, tmp_path: Path, lead) -> None:  # type: ignore[no-untyped-def]
    """A master none of whose laptops has sent its key yet writes in the clear: the desk says so
    in a box of its own, not only in the status bar."""
    master = workspace.create(tmp_path / "empty-master.db", role="master")
    try:
        window = lead(master)
        settle(qtbot, window)
        window.export_master_to(tmp_path / "主库.yanshou")
        settle(qtbot, window)
        qtbot.waitUntil(lambda: window.findChild(QMessageBox, "export-sealing") is not None, timeout=10000)
        box = window.findChild(QMessageBox, "export-sealing")
        assert box.text() == QCoreApplication.translate(
            "Messages",
            "NOT SEALED: no enrolled laptop has sent its key yet, so anyone holding the file can read it. "
            "Each laptop's next export merged here brings its key.",
        )
        box.close()
    finally:
        window.close()
        master.close()


def test_the_county_detail_lists_an_items_evidence_and_opens_it(qtbot, desk: Desk, lead, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image
    from PySide6.QtGui import QDesktopServices

    from desktop.core.inspection import InspectionMode
    from desktop.services import handoff
    from desktop.ui.item_view import mode_label
    from desktop.ui.lead import detail_tab
    from desktop.ui.viewer import EvidenceViewer

    photo = tmp_path / "公开栏.jpg"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(photo, "JPEG")
    notes = tmp_path / "座谈记录.docx"
    notes.write_bytes(b"PK\x03\x04" + random.Random(5).randbytes(2000))
    with workspace.open_workspace(desk.laptops["zhang-a"]) as laptop:  # 张三 attaches two files to 金安区 1.1.1
        inspection.attach(laptop, photo, county=JINAN, item="1.1.1", mode=InspectionMode.FIELD)
        document, _ = inspection.attach(laptop, notes, county=JINAN, item="1.1.1", mode=InspectionMode.MATERIALS)
        inspection.set_caption(laptop, document.record_id, "座谈会记录")
        desk.exports["zhang-a"] = desk.exports["zhang-a"].with_name("zhang-a-export-2.db")
        sync.export(laptop, desk.exports["zhang-a"])
    merged(desk)
    window = lead(desk.master)
    window.tabs.setCurrentWidget(window.detail_view)
    window.detail_county.setCurrentIndex(window.detail_county.findData(JINAN))
    settle(qtbot, window)
    (item,) = window.detail.findItems("1.1.1 ", Qt.MatchFlag.MatchStartsWith | Qt.MatchFlag.MatchRecursive, 0)
    zhang = next(item.child(i) for i in range(item.childCount()) if item.child(i).text(0) == "张三")
    assert tr("{0} evidence").format(2) in zhang.text(3)

    # the inspector's row chosen: the item's evidence below, with its file, caption, inspector and mode
    window.detail.setCurrentItem(zhang)
    listed = window.detail_view.evidence
    rows = {listed.topLevelItem(i).text(0): listed.topLevelItem(i) for i in range(listed.topLevelItemCount())}
    assert set(rows) == {"公开栏.jpg", "座谈记录.docx"}
    assert [rows["座谈记录.docx"].text(c) for c in (1, 2, 3)] == ["座谈会记录", "张三", mode_label(InspectionMode.MATERIALS)]
    assert [rows["公开栏.jpg"].text(c) for c in (2, 3)] == ["张三", mode_label(InspectionMode.FIELD)]

    def viewer_of(opened: list[EvidenceViewer]) -> EvidenceViewer:
        qtbot.waitUntil(lambda: bool(opened) and not opened[-1].loading, timeout=10000)  # read off the GUI thread
        return opened[-1]

    # a double-click on the photo: the program's own viewer, holding the photo's bytes
    shown: list[EvidenceViewer] = []
    real_open = detail_tab.open_evidence

    def opening(*args):  # type: ignore[no-untyped-def]
        viewer = real_open(*args)
        shown.extend([viewer] if viewer is not None else [])
        return viewer

    monkeypatch.setattr(detail_tab, "open_evidence", opening)
    at = listed.visualItemRect(rows["公开栏.jpg"]).center()
    qtbot.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=at)  # a double-click's first click
    qtbot.mouseDClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=at)
    viewer = viewer_of(shown)
    assert len(shown) == 1  # one viewer, however many times the click says so
    assert viewer.evidence.name == "公开栏.jpg"
    assert viewer._file is not None and viewer._file.read_bytes() == photo.read_bytes()
    assert not viewer.original.isNull()
    viewer.done(0)

    # Enter on the photo: the same
    listed.setCurrentItem(rows["公开栏.jpg"])
    qtbot.keyClick(listed, Qt.Key.Key_Return)
    viewer = viewer_of(shown[1:])
    assert viewer._file is not None and viewer._file.read_bytes() == photo.read_bytes()
    viewer.done(0)

    # the document, with Open: a copy for the system's program, read off the GUI thread too
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: urls.append(url.toLocalFile()))
    monkeypatch.setattr(handoff, "SESSION", handoff.Handoff(tmp_path))
    listed.setCurrentItem(rows["座谈记录.docx"])
    qtbot.mouseClick(window.detail_view.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(urls), timeout=10000)
    assert Path(urls[0]).name == "座谈记录.docx" and Path(urls[0]).read_bytes() == notes.read_bytes()
    assert len(shown) == 2  # no viewer for a document
    handoff.SESSION.clear()

    # a refresh keeps the row chosen, and its item's evidence listed
    window.refresh_all()
    settle(qtbot, window)
    assert window.detail.currentItem().text(0) == "张三" and window.detail.currentItem().parent().text(0).startswith("1.1.1 ")
    assert window.detail_view.evidence.topLevelItemCount() == 2
