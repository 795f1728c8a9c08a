"""The team lead's desk under pytest-qt: three laptops' exports and a junk file merged through
the dialog (the dry run writes nothing, new devices are accepted one by one by their key),
a conflict settled with its Keep button, the results table against `yanshou results`,
cancelling a merge, the window a master opens with, and its headless screenshot."""

from __future__ import annotations

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
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QCheckBox, QMessageBox, QProgressDialog, QPushButton, QTableWidget

from db.errors import KnownDatabaseError
from desktop.cli import main as cli_main
from desktop.core.numbers import show
from desktop.services import imports, sync, workspace
from desktop.services import results as results_service
from desktop.services.workspace import Workspace
from desktop.ui.app import SCREENSHOT_SIZE
from desktop.ui.lead import LeadWindow, MergeDialog, desk_or_field
from desktop.ui.main_window import MainWindow
from desktop.ui.messages import explain, refusal

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
    master_path: Path
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
            conn.exec_driver_sql(
                "SELECT score FROM current_score WHERE county = ? AND item = ? AND inspector = ?", (county, item, inspector)
            ).scalar_one()
        )


def tr(text: str) -> str:
    return QCoreApplication.translate("LeadWindow", text)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    master_path = tmp_path / "m.db"
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
    reports = sync.merge(desk.master, [desk.exports[n] for n in names], enroll=True)
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
        return window

    yield make
    for window in windows:
        window.close()


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
    for name in ("zhang-a", "li", "zhang-b"):
        row = row_of(dialog, desk.exports[name])
        assert dialog.reports[row].status == "dry-run", dialog.reports[row].reason
        assert cell(dialog.table, row, "Result") == ("可合并" if zh else "can be merged")
        assert cell(dialog.table, row, "Inspector") == SHEETS[name][0]
        assert cell(dialog.table, row, "New versions") == str(desk.versions[name])
        assert cell(dialog.table, row, "Reason") == ""
    assert dialog.merge_button.isEnabled()
    assert ("3 个文件可合并" if zh else "3 files can be merged") in dialog.summary.text()
    assert dialog.summary.text() == tr(
        "Dry run: {0} files can be merged, {1} are refused, {2} bring nothing new. Nothing was written."
    ).format(3, 1, 0)

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
    assert not dialog.accept_boxes[desk.devices["li"]].isChecked()
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
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
    assert dialog.summary.text() == tr("Merged: {0} versions added; {1} files refused. The master was backed up first.").format(added, 2)

    # closed: the desk shows what came in
    dialog.reject()
    qtbot.waitUntil(lambda: window.conflict_list.rowCount() == 1)
    assert "1" in conflicts_tab(window)
    assert conflicts_tab(window) == tr("Conflicts ({0})").format(1)
    assert re.findall(r"\d+", window.conflict_hint.text())[:2] == ["1", "1"]  # 1 open conflict, 1 of them hard
    assert window.history.rowCount() == 2
    history = {(cell(window.history, r, "File"), cell(window.history, r, "Inspector")) for r in range(2)}
    assert history == {(desk.exports["zhang-a"].name, "张三"), (desk.exports["zhang-b"].name, "张三")}
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
    qtbot.waitUntil(lambda: dialog.merged, timeout=15000)
    assert [r.status for r in dialog.reports] == ["nothing-new", "merged", "refused"]
    assert version_count(master) == before + 1
    dialog.reject()
    assert window.history.rowCount() == 2


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


# --- 2. settling the conflict -----------------------------------------------------------------


def test_keep_a_version_in_the_conflicts_tab(qtbot, desk: Desk, lead) -> None:
    master = desk.master
    merged(desk)
    window = lead(master)
    window.tabs.setCurrentWidget(window.conflicts_view)
    assert window.conflict_list.rowCount() == 1
    window.conflict_list.setCurrentCell(0, 0)
    conflict = window._conflicts[0]
    assert conflict.kind == "hard"
    assert (conflict.county, conflict.item, conflict.entity) == (JINAN, "1.1.1", "score")
    assert len(conflict.versions) == 2
    winner, other = conflict.versions
    assert current_score(master, JINAN, "1.1.1", "张三") == winner.payload["score"]
    assert {winner.payload["score"], other.payload["score"]} == {"2.5", "2"}
    assert window.versions.columnCount() == 2

    buttons = [window.keep_buttons.itemAt(i).widget() for i in range(window.keep_buttons.count())]
    assert {b.objectName() for b in buttons} == {f"keep-{v.version_id}" for v in conflict.versions}
    keep = next(b for b in buttons if b.objectName() == f"keep-{other.version_id}")
    assert isinstance(keep, QPushButton)
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)

    assert sync.conflicts(master) == []
    assert window.conflict_list.rowCount() == 0
    assert conflicts_tab(window) == tr("Conflicts ({0})").format(0)
    assert window.keep_buttons.count() == 0
    assert current_score(master, JINAN, "1.1.1", "张三") == other.payload["score"]
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
    winner, other = window._conflicts[0].versions
    laptop = next(n for n, d in desk.devices.items() if d == winner.device_id)
    again = rescore(desk, laptop, ["金安区,1.1.1,1.5,,,,,整改后复核"])
    assert [r.status for r in sync.merge(master, [again])] == ["merged"]
    changed = sync.conflicts(master)
    assert len(changed) == 1 and changed[0].id != window._conflicts[0].id
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, message, *_a: said.append(message))
    keep = window.findChild(QPushButton, f"keep-{other.version_id}")
    assert keep is not None
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
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

    assert cli_main(["results", str(desk.master_path), "--format", "json"]) == 0
    cli = {r["county"]: r for r in json.loads(capsys.readouterr().out)}
    assert window.results.rowCount() == len(cli) == 7
    seen = set()
    for row in range(window.results.rowCount()):
        name = cell(window.results, row, "County")
        seen.add(name)
        expected = cli[name]
        assert cell(window.results, row, "Total") == expected["total"], name
        assert cell(window.results, row, "Grade") == expected["grade"], name
        assert expected["grade"] in {"优秀", "良好", "合格"}
        assert cell(window.results, row, "Rank") == str(expected["rank"]), name
        for method in master.campaign.methods:  # headed by their names, from the campaign
            assert cell(window.results, row, method.name) == expected[method.key.replace("-", "_")], (name, method.key)
        assert (cell(window.results, row, "Complete") == tr("yes")) == expected["complete"]
        assert len(expected["total"].rsplit(".", 1)[-1]) == 2
    assert seen == set(cli)
    assert cli["金安区"]["total"] != "0.00"


def test_results_are_listed_best_first(desk: Desk, lead, tmp_path: Path) -> None:
    master = desk.master
    imports.import_sheet(master, method_sheet(tmp_path / "third.csv", {"金安区": "60", "裕安区": "90", "叶集区": "75"}), "third-party")
    window = lead(master)
    ranks = [int(cell(window.results, r, "Rank")) for r in range(window.results.rowCount())]
    assert ranks == sorted(ranks)
    assert cell(window.results, 0, "County") == "裕安区"


def test_sorting_by_total_sorts_by_number(desk: Desk, lead, tmp_path: Path) -> None:
    master = desk.master
    # totals 36.00, 24.00, 8.00 and 0.00: as text, "8.00" sorts above "36.00"
    imports.import_sheet(master, method_sheet(tmp_path / "third.csv", {"金安区": "60", "裕安区": "90", "叶集区": "20"}), "third-party")
    window = lead(master)
    window.results.sortByColumn(column(window.results, "Total"), Qt.SortOrder.DescendingOrder)
    totals = [Decimal(cell(window.results, r, "Total")) for r in range(window.results.rowCount())]
    assert totals[:3] == [Decimal("36.00"), Decimal("24.00"), Decimal("8.00")]
    assert totals == sorted(totals, reverse=True)


# --- 4. cancelling ----------------------------------------------------------------------------


def test_a_cancelled_merge_writes_nothing(desk: Desk) -> None:
    master = desk.master
    before = version_count(master)
    with pytest.raises(sync.Cancelled):
        sync.merge(master, files(desk), enroll=True, cancelled=lambda: True)
    assert version_count(master) == before
    assert count(master, "SELECT count(*) FROM import_log") == 0
    assert count(master, "SELECT count(*) FROM device") == 1
    quarantine = Path(os.environ["YANSHOU_DATA_DIR"]) / "quarantine"
    assert not list(quarantine.glob("*.db"))  # neither the file being merged nor the one checked ahead


def test_cancelling_the_second_file_keeps_the_first(desk: Desk) -> None:
    master = desk.master
    before = version_count(master)
    stop = []
    with pytest.raises(sync.Cancelled):
        sync.merge(
            master, [desk.exports["zhang-a"], desk.exports["zhang-b"]], enroll=True,
            progress=lambda done, _total, _name: stop.append(True) if done == 1 else None, cancelled=lambda: bool(stop),
        )
    assert version_count(master) == before + desk.versions["zhang-a"]
    assert count(master, "SELECT count(*) FROM import_log") == 1
    assert sync.conflicts(master) == []


CANCELLED = "Cancelled: the file being merged was rolled back; files merged before it stay merged."


def test_the_cancel_button_stops_the_merge_after_the_first_file(qtbot, desk: Desk, lead, monkeypatch, zh: bool) -> None:
    """The lead presses the progress dialog's Cancel while the second file is about to be
    merged: the first stays merged, the second is not, and the dialog says so."""
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
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
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
    if zh:
        assert dialog.summary.text().startswith("已取消")
    assert version_count(master) == before + desk.versions["zhang-a"]
    assert sync.conflicts(master) == []
    dialog.reject()
    assert window.history.rowCount() == 1
    assert cell(window.history, 0, "File") == desk.exports["zhang-a"].name


def test_the_dialog_says_a_merge_was_cancelled(qtbot, desk: Desk, lead) -> None:
    window = lead(desk.master)
    dialog = window.merge([desk.exports["li"]])
    qtbot.waitUntil(lambda: bool(dialog.reports), timeout=15000)
    dialog._failed(sync.Cancelled(), None)
    assert dialog.summary.text() == tr(CANCELLED)
    assert dialog.merged
    dialog.reject()


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
