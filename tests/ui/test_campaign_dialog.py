"""The campaign settings dialog under pytest-qt: a bad value is named under the tabs and
nothing is saved; a good edit is one signed version the results use at once; a county
with work stays; and the first start takes another city's campaign file."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from desktop import paths
from desktop.core.campaign import BandsRule, Grade
from desktop.services import records, results, workspace
from desktop.services.workspace import Workspace
from desktop.ui import campaign_dialog as settings_ui
from desktop.ui.campaign_dialog import SettingsDialog, open_settings
from desktop.ui.setup import SetupDialog

# the offscreen platform says so whenever a window is shown; it is not the program's warning
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def master(tmp_path: Path) -> Iterator[Workspace]:
    ws = workspace.create(tmp_path / "master.db", role="master")
    yield ws
    ws.close()


@pytest.fixture
def dialog(qtbot, master: Workspace) -> SettingsDialog:
    d = SettingsDialog(master)
    qtbot.addWidget(d)
    qtbot.waitUntil(d.settled)  # the work each county holds, read off the GUI thread
    return d


def saved(qtbot, dialog: SettingsDialog) -> bool:  # type: ignore[no-untyped-def]
    """Save as the button does; True when the dialog closed with the settings written."""
    if not dialog.save():
        return False
    qtbot.waitUntil(dialog.settled)
    return dialog.result() == SettingsDialog.DialogCode.Accepted


def tr(source: str) -> str:
    return QCoreApplication.translate("SettingsDialog", source)


def saved_versions(ws: Workspace) -> int:
    with ws.read() as conn:
        return int(conn.execute(text("SELECT count(*) FROM version WHERE entity = 'campaign_settings'")).scalar_one())


def test_a_weight_that_breaks_the_sum_is_named_and_nothing_is_saved(qtbot, dialog: SettingsDialog, master: Workspace) -> None:
    assert dialog.save_button.isEnabled() and not dialog.messages.text()
    dialog.weights["self-check"].setValue(20)
    message = dialog.messages.text()
    assert tr("Weights") in message and "110 %" in message  # the field, and what is wrong with it
    assert not dialog.save_button.isEnabled()
    assert dialog.weights_total.text() == "110 %"
    assert not saved(qtbot, dialog)
    assert dialog.tabs.currentIndex() == 2  # the tab of the first problem is shown
    assert saved_versions(master) == 0
    assert master.campaign.method("self-check").weight == Decimal("0.10")  # type: ignore[union-attr]


def test_a_valid_edit_is_saved_as_one_version_and_the_results_use_it(qtbot, dialog: SettingsDialog, master: Workspace) -> None:
    dialog.weights["self-check"].setValue(20)
    dialog.weights["third-party"].setValue(30)
    dialog.by_bands.setChecked(True)
    dialog.bands[Grade.GOOD].setValue(75)
    dialog.dates["results"].setDate(dialog.dates["results"].date().addDays(3))
    assert not dialog.messages.text()
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved_versions(master) == 1
    campaign = master.campaign
    assert [m.weight for m in campaign.methods] == [Decimal("0.2"), Decimal("0.3"), Decimal("0.5")]
    assert isinstance(campaign.grading, BandsRule)
    assert [(b.grade, b.minimum) for b in campaign.grading.bands] == [(Grade.EXCELLENT, 90), (Grade.GOOD, 75), (Grade.PASS, 60)]
    assert next(m.due for m in campaign.milestones if m.key == "results").isoformat() == "2018-09-23"
    assert {r.grade for r in results.results(master)} == {None}  # nothing scored yet: no county started, none graded
    with workspace.open_workspace(master.path) as again:
        assert again.campaign == campaign


def test_counties_are_added_with_their_pilot_areas_and_a_bad_code_is_named(qtbot, dialog: SettingsDialog, master: Workspace) -> None:
    qtbot.mouseClick(dialog.findChild(type(dialog.save_button), "settings-add-county"), Qt.MouseButton.LeftButton)
    row = dialog.counties.rowCount() - 1
    assert tr("row {0}").format(row + 1) in dialog.messages.text()  # the empty row: its code and name are missing
    dialog.counties.item(row, 0).setText("34 15")
    dialog.counties.item(row, 1).setText("六安经开区")
    assert "“34 15”" in dialog.messages.text() and not dialog.save_button.isEnabled()
    dialog.counties.item(row, 0).setText("341598")
    dialog.counties.setCurrentCell(row, 1)
    for i in range(dialog.areas.count()):
        if dialog.areas.item(i).text() in {"就业", "社会保险"}:
            dialog.areas.item(i).setCheckState(Qt.CheckState.Checked)
    assert dialog.counties.item(row, 2).text() == "就业、社会保险"
    assert saved(qtbot, dialog)
    added = master.campaign.county_named("六安经开区")
    assert added is not None and (added.code, added.pilot_areas) == ("341598", ("就业", "社会保险"))
    assert [r.county for r in results.results(master)].count("341598") == 1


def test_a_county_with_work_cannot_be_removed(qtbot, master: Workspace) -> None:
    with master.write() as conn:
        signer = master.database.signer(paths.keys_dir(), conn)
        records.set_score(conn, signer, master, county="341502", item="1.1.1", inspector="张三", score=Decimal(3), comment="")
    dialog = SettingsDialog(master)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.settled)
    dialog.counties.setCurrentCell(0, 0)
    dialog.remove_county.click()
    assert "金安区" in dialog.messages.text() and "341502" in dialog.messages.text()
    assert not saved(qtbot, dialog)
    assert saved_versions(master) == 0 and master.campaign.county_named("金安区") is not None


def test_open_settings_is_modal_to_its_window_and_says_when_something_was_saved(qtbot, master: Workspace) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    from desktop.ui.operations import Operations

    window = QWidget()
    qtbot.addWidget(window)
    ops = Operations(window)
    changes = []
    ops.changed.connect(changes.append)
    said = []
    dialog = open_settings(master, window, ops, saved=lambda: said.append(True))
    assert dialog.isVisible() and dialog.windowModality() == Qt.WindowModality.WindowModal  # open(): no loop of its own
    qtbot.waitUntil(dialog.settled)
    dialog.inspectors.insertRow(0)
    dialog.inspectors.setItem(0, 0, settings_ui.QTableWidgetItem("王五"))
    dialog._on_save_clicked()
    qtbot.waitUntil(lambda: bool(said))
    assert said == [True] and [c.everything for c in changes] == [True]  # every view of the window reads again
    assert [i.name for i in master.campaign.inspectors] == ["王五"]


def test_the_dialog_fits_its_tables_and_texts(qtbot, dialog: SettingsDialog, tmp_path: Path) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        assert not dialog.grab().isNull()
    table = dialog.counties
    width = sum(table.columnWidth(c) for c in range(table.columnCount()))
    assert width <= table.viewport().width() + 1  # no horizontal scrolling for the seven counties
    for c in range(2):
        assert table.columnWidth(c) >= table.horizontalHeader().sectionSizeHint(c)


# Another city's campaign in one file, its reduced indicator set inside it.
HEFEI = """
id = "hefei-2019"
name = "合肥市基层政务公开标准化规范化试点验收"
pilot_areas = ["就业"]

[[method]]
key = "self-check"
name = "自查自评"
weight = "0.2"
source = "import"

[[method]]
key = "inspection"
name = "全面检查"
weight = "0.8"
source = "inspection"

[grading]
rule = "proportion"
excellent = "0.5"
good = "0.5"

[[county]]
code = "340102"
name = "瑶海区"

[[county]]
code = "340103"
name = "庐阳区"

[indicator_set]
id = "hefei-2019"
name = "合肥市试点验收指标（精简）"

[[indicator_set.indicator]]
name = "组织领导"
  [[indicator_set.indicator.group]]
  name = "组织保障"
    [[indicator_set.indicator.group.item]]
    name = "成立试点领导小组。"
    points = "60"
    [[indicator_set.indicator.group.item]]
    name = "出台试点方案。"
    points = "40"
"""


def test_the_first_start_takes_another_citys_campaign(qtbot, tmp_path: Path) -> None:
    campaign = tmp_path / "from-the-lead" / "hefei.toml"
    campaign.parent.mkdir()
    campaign.write_text(HEFEI, encoding="utf-8")
    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    dialog.inspector.setText("王五")
    dialog.from_file.setChecked(True)
    dialog.campaign_file.setText(str(campaign))
    dialog.database.setText(str(tmp_path / "hefei.db"))
    dialog._accept()
    qtbot.waitUntil(dialog.settled)
    assert dialog.created == tmp_path / "hefei.db"
    with workspace.open_workspace(tmp_path / "hefei.db") as ws:
        assert ws.campaign.id == "hefei-2019" and [c.name for c in ws.campaign.counties] == ["瑶海区", "庐阳区"]
        assert [n.code for n in ws.campaign.indicator_set.items] == ["1.1.1", "1.1.2"]


def test_the_first_start_can_make_the_leads_master_for_a_campaign_file(qtbot, tmp_path: Path) -> None:
    campaign = tmp_path / "hefei.toml"
    campaign.write_text(HEFEI, encoding="utf-8")
    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    dialog.as_master.setChecked(True)
    assert not dialog.inspector.isEnabled() and dialog.builtin.isChecked()  # the two choices do not exclude each other
    dialog.from_file.setChecked(True)
    assert dialog.as_master.isChecked()
    dialog.campaign_file.setText(str(campaign))
    dialog.database.setText(str(tmp_path / "master.db"))
    dialog._accept()  # no inspector's name needed
    qtbot.waitUntil(dialog.settled)
    with workspace.open_workspace(tmp_path / "master.db") as ws:
        assert (ws.identity.role, ws.identity.inspector, ws.campaign.id) == ("master", None, "hefei-2019")


def test_on_a_laptop_the_settings_are_not_saved(qtbot, field: Workspace) -> None:
    dialog = SettingsDialog(field)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.settled)
    dialog.weights["self-check"].setValue(0)
    dialog.weights["third-party"].setValue(50)
    assert dialog.save_button.isEnabled()  # valid settings …
    assert not saved(qtbot, dialog)  # … that only the lead's master may sign
    assert tr("only the lead's master database changes the campaign settings") in dialog.messages.text()
    assert saved_versions(field) == 0
