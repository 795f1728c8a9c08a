"""The lead's campaign settings dialog (验收设置): counties, inspectors, weights, grading
rule, timeline. Every edit is checked as it is made (desktop.core.campaign_settings); the
problems are listed under the tabs in the user's language, each naming its field, and
Save stays disabled until there are none. Save writes one signed version
(desktop.services.settings) and emits `saved`, so the desk recomputes its results.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core import campaign_settings
from desktop.core.campaign import Band, BandsRule, Campaign, County, Grade, GradingRule, Inspector, Milestone, ProportionRule
from desktop.core.campaign_settings import CampaignSettings
from desktop.core.errors import InputError, Problem
from desktop.core.numbers import canonical
from desktop.services import settings as settings_service
from desktop.services.changes import Changes
from desktop.services.workspace import Workspace
from desktop.ui.dates import day_edit, day_of, set_day
from desktop.ui.operations import Operations
from desktop.ui.screen import fit_to_screen

HUNDRED = Decimal(100)
_BAND_GRADES = (Grade.EXCELLENT, Grade.GOOD, Grade.PASS)
_DEFAULT_BANDS = {Grade.EXCELLENT: Decimal(90), Grade.GOOD: Decimal(70), Grade.PASS: Decimal(60)}
_AREAS_ROLE = Qt.ItemDataRole.UserRole
_TABS = ("counties", "inspectors", "weights", "grading", "milestones")  # the sections, in tab order
_ERROR = QColor("#fde2e1")


def _percent(share: Decimal) -> float:
    return float(share * HUNDRED)


def _share(spin: QDoubleSpinBox) -> Decimal:
    return Decimal(f"{spin.value():.2f}") / HUNDRED


def _score(spin: QDoubleSpinBox) -> Decimal:
    return Decimal(f"{spin.value():.2f}").normalize()


def _spin(name: str, *, suffix: str = " %") -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setRange(0, 100)
    spin.setDecimals(2)
    spin.setSingleStep(5)
    spin.setSuffix(suffix)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setMinimumWidth(110)
    return spin


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _form(parent: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(parent) if parent is not None else QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    return form


def _text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text().strip() if item is not None else ""


# --- what a problem says ------------------------------------------------------------------------


def section_name(section: str) -> str:
    return {
        "counties": QCoreApplication.translate("SettingsDialog", "Counties"),
        "inspectors": QCoreApplication.translate("SettingsDialog", "Inspectors"),
        "weights": QCoreApplication.translate("SettingsDialog", "Weights"),
        "grading": QCoreApplication.translate("SettingsDialog", "Grading rule"),
        "milestones": QCoreApplication.translate("SettingsDialog", "Timeline"),
    }.get(section, section)


def _column_name(problem: Problem, campaign: Campaign, settings: CampaignSettings) -> str:
    column, row = problem.column, problem.row
    if problem.node == "weights" and column:
        method = campaign.method(column)
        return method.name if method else column
    if problem.node == "grading" and row is not None and isinstance(settings.grading, BandsRule) and row <= len(settings.grading.bands):
        grade = settings.grading.bands[row - 1].grade.value
        return QCoreApplication.translate("SettingsDialog", "minimum score for {0}").format(grade)
    if problem.node == "milestones" and row is not None and row <= len(settings.milestones):
        return settings.milestones[row - 1].name
    names = {
        "code": QCoreApplication.translate("SettingsDialog", "code"),
        "name": QCoreApplication.translate("SettingsDialog", "name"),
        "pilot_areas": QCoreApplication.translate("SettingsDialog", "pilot areas"),
        "excellent": QCoreApplication.translate("SettingsDialog", "share graded 优秀"),
        "good": QCoreApplication.translate("SettingsDialog", "share graded 良好"),
    }
    return names.get(column or "", column or "")


def _reason(problem: Problem, campaign: Campaign) -> str:
    p = problem.params
    value = str(p.get("value", ""))
    if problem.code == "has_work":
        code = str(p.get("county", ""))
        named = next((c.name for c in campaign.counties if c.code == code), code)
        return QCoreApplication.translate(
            "SettingsDialog", "{0} ({1}) holds {2} records of work: it cannot be removed, nor its code changed"
        ).format(named, code, p.get("count", 0))
    if problem.code == "weights_sum":
        return QCoreApplication.translate("SettingsDialog", "the weights add up to {0} %; they must add up to 100 %").format(
            canonical(Decimal(p.get("total", 0)))
        )
    if problem.code == "proportion_sum":
        return QCoreApplication.translate("SettingsDialog", "the shares of 优秀 and 良好 add up to {0} %, more than 100 %").format(
            canonical(Decimal(p.get("total", 0)))
        )
    if problem.code == "bands_order":
        if "above" in p:
            return QCoreApplication.translate("SettingsDialog", "must be lower than the minimum for {0} ({1})").format(
                p["above"], canonical(Decimal(p["above_value"]))
            )
        return QCoreApplication.translate("SettingsDialog", "the grades run 优秀, 良好, 合格, each once")
    return {
        "missing": QCoreApplication.translate("SettingsDialog", "must not be empty"),
        "bad_code": QCoreApplication.translate("SettingsDialog", "“{0}” is not a code: letters and digits only, such as 341502"),
        "duplicate": QCoreApplication.translate("SettingsDialog", "“{0}” is used twice"),
        "unknown_area": QCoreApplication.translate("SettingsDialog", "“{0}” is not one of the campaign's pilot areas"),
        "no_counties": QCoreApplication.translate("SettingsDialog", "the campaign needs at least one county"),
        "out_of_range": QCoreApplication.translate("SettingsDialog", "must be from 0 to 100"),
        "too_precise": QCoreApplication.translate("SettingsDialog", "at most two decimal places"),
        "unknown_method": QCoreApplication.translate("SettingsDialog", "the campaign has no such method"),
        "no_bands": QCoreApplication.translate("SettingsDialog", "at least one score band is needed"),
        "bad_date": QCoreApplication.translate("SettingsDialog", "not a date of this campaign"),
        "not_master": QCoreApplication.translate("SettingsDialog", "only the lead's master database changes the campaign settings"),
    }.get(problem.code, QCoreApplication.translate("SettingsDialog", "not valid")).format(value)


def describe(problem: Problem, campaign: Campaign, settings: CampaignSettings) -> str:
    """One line naming the field: 'Counties — row 3, code: “34x” is not a code: …'."""
    where = section_name(problem.node or "")
    column = _column_name(problem, campaign, settings)
    row = problem.row if problem.node in {"counties", "inspectors"} else None
    if row is not None and column:
        part = QCoreApplication.translate("SettingsDialog", "row {0}, {1}").format(row, column)
    elif row is not None:
        part = QCoreApplication.translate("SettingsDialog", "row {0}").format(row)
    else:
        part = column
    if part:
        where = QCoreApplication.translate("SettingsDialog", "{0} — {1}").format(where, part)
    if not where:
        return _reason(problem, campaign)
    return QCoreApplication.translate("SettingsDialog", "{0}: {1}").format(where, _reason(problem, campaign))


# --- the dialog -----------------------------------------------------------------------------------


class SettingsDialog(QDialog):
    saved = Signal()
    """The settings were saved as a new signed version: the workspace's campaign changed."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None, ops: Operations | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.ops = ops if ops is not None else Operations(self)  # its window's: one writer for both
        self.campaign = ws.campaign
        self.setWindowTitle(self.tr("Campaign settings — {0}").format(ws.campaign.name))
        self.setMinimumSize(760, 480)  # within the smallest screen (desktop.ui.screen)
        fit_to_screen(self, 900, 660)
        self._loading = True
        # What a removal would orphan, read off the GUI thread (Save waits for it); the save
        # checks again in its own transaction.
        self._work: dict[str, int] | None = None
        self._saving = False
        self._refusal: list[str] = []  # the database's last refusal, shown until the next edit
        self.problems: list[Problem] = []

        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settings-tabs")
        self.tabs.addTab(self._counties_tab(), self.tr("Counties"))
        self.tabs.addTab(self._inspectors_tab(), self.tr("Inspectors"))
        self.tabs.addTab(self._weights_tab(), self.tr("Weights"))
        self.tabs.addTab(self._grading_tab(), self.tr("Grading rule"))
        self.tabs.addTab(self._timeline_tab(), self.tr("Timeline"))
        layout.addWidget(self.tabs, 1)
        self.messages = QLabel()
        self.messages.setObjectName("settings-messages")
        self.messages.setWordWrap(True)
        self.messages.setTextFormat(Qt.TextFormat.PlainText)
        self.messages.setStyleSheet("color: #b00020;")
        layout.addWidget(self.messages)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton(self.tr("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("settings-save")
        self.save_button.clicked.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self._show(settings_service.current(ws))  # the campaign in memory: no database
        self._loading = False
        self._check()
        self._read_work()

    # --- tabs ---

    def _counties_tab(self) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        left = QVBoxLayout()
        self.counties = _table("settings-counties", [self.tr("Code"), self.tr("Name"), self.tr("Pilot areas")])
        self.counties.itemChanged.connect(self._on_edited)
        self.counties.itemSelectionChanged.connect(self._on_counties_selection)
        left.addWidget(self.counties, 1)
        row = QHBoxLayout()
        add = QPushButton(self.tr("Add county"))
        add.setObjectName("settings-add-county")
        add.clicked.connect(self._on_add_county_clicked)
        self.remove_county = QPushButton(self.tr("Remove county"))
        self.remove_county.setObjectName("settings-remove-county")
        self.remove_county.clicked.connect(self._on_remove_county_clicked)
        row.addWidget(add)
        row.addWidget(self.remove_county)
        row.addStretch(1)
        left.addLayout(row)
        hint = QLabel(self.tr("A county that already has scores, findings or evidence cannot be removed, nor its code changed."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        left.addWidget(hint)
        layout.addLayout(left, 3)
        box = QGroupBox(self.tr("Pilot areas of the selected county"))
        areas_layout = QVBoxLayout(box)
        self.areas = QListWidget()
        self.areas.setObjectName("settings-areas")
        for area in self.campaign.pilot_areas:
            item = QListWidgetItem(area)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.areas.addItem(item)
        self.areas.itemChanged.connect(self._on_area_toggled)
        areas_layout.addWidget(self.areas)
        layout.addWidget(box, 2)
        return page

    def _inspectors_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.tr("The members of the working group, as their names appear on the signed records."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.inspectors = _table("settings-inspectors", [self.tr("Name"), self.tr("Unit")])
        self.inspectors.itemChanged.connect(self._on_edited)
        self.inspectors.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.inspectors.setColumnWidth(0, 220)
        layout.addWidget(self.inspectors, 1)
        row = QHBoxLayout()
        add = QPushButton(self.tr("Add inspector"))
        add.setObjectName("settings-add-inspector")
        add.clicked.connect(self._on_add_inspector_clicked)
        remove = QPushButton(self.tr("Remove inspector"))
        remove.setObjectName("settings-remove-inspector")
        remove.clicked.connect(self._on_remove_inspector_clicked)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _weights_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(
            self.tr("Each method's score (out of 100) counts in the weighted total with its weight; the weights add up to 100 %.")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = _form()
        self.weights: dict[str, QDoubleSpinBox] = {}
        for method in self.campaign.methods:
            spin = _spin(f"weight-{method.key}")
            spin.valueChanged.connect(self._on_edited)
            self.weights[method.key] = spin
            label = f"{method.name}（{method.responsible}）" if method.responsible else method.name
            form.addRow(label, spin)
        self.weights_total = QLabel()
        self.weights_total.setObjectName("weights-total")
        form.addRow(self.tr("Total"), self.weights_total)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _grading_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.by_proportion = QRadioButton(self.tr("By proportion: a share of the counties, in rank order"))
        self.by_proportion.setObjectName("grading-proportion")
        self.by_bands = QRadioButton(self.tr("By score bands: the total's minimum for each grade; below all of them 不合格"))
        self.by_bands.setObjectName("grading-bands")
        group = QButtonGroup(self)
        group.addButton(self.by_proportion)
        group.addButton(self.by_bands)
        self.by_proportion.toggled.connect(self._on_rule_toggled)

        layout.addWidget(self.by_proportion)
        self.proportion_box = QWidget()
        form = _form(self.proportion_box)
        form.setContentsMargins(24, 0, 0, 0)
        self.excellent = _spin("grading-excellent")
        self.good = _spin("grading-good")
        form.addRow(self.tr("Top share graded 优秀"), self.excellent)
        form.addRow(self.tr("Next share graded 良好"), self.good)
        rest = QLabel(self.tr("The rest are graded 合格; counties tied at a boundary all get the better grade."))
        rest.setWordWrap(True)
        rest.setStyleSheet("color: #666;")
        form.addRow(rest)
        layout.addWidget(self.proportion_box)

        layout.addWidget(self.by_bands)
        self.bands_box = QWidget()
        form = _form(self.bands_box)
        form.setContentsMargins(24, 0, 0, 0)
        self.bands: dict[Grade, QDoubleSpinBox] = {}
        for grade in _BAND_GRADES:
            spin = _spin(f"band-{grade.name.lower()}", suffix="")
            spin.setSingleStep(1)
            self.bands[grade] = spin
            form.addRow(self.tr("Minimum score for {0}").format(grade.value), spin)
        layout.addWidget(self.bands_box)
        layout.addStretch(1)
        for spin in (self.excellent, self.good, *self.bands.values()):
            spin.valueChanged.connect(self._on_edited)
        return page

    def _timeline_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.tr("What is due by when; the desk shows what is due and overdue against these dates."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = _form()
        self.dates: dict[str, QDateEdit] = {}
        for milestone in self.campaign.milestones:
            edit = day_edit(f"due-{milestone.key}")
            edit.dateChanged.connect(self._on_edited)
            self.dates[milestone.key] = edit
            form.addRow(milestone.name, edit)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    # --- settings ⇄ widgets ---

    def _show(self, settings: CampaignSettings) -> None:
        self.counties.setRowCount(0)
        for county in settings.counties:
            self._append_county(county)
        self.inspectors.setRowCount(0)
        for inspector in settings.inspectors:
            self._append_inspector(inspector)
        for key, weight in settings.weights:
            if key in self.weights:
                self.weights[key].setValue(_percent(weight))
        rule = settings.grading
        bands = {g: _DEFAULT_BANDS[g] for g in _BAND_GRADES}
        if isinstance(rule, ProportionRule):
            self.by_proportion.setChecked(True)
            self.excellent.setValue(_percent(rule.excellent))
            self.good.setValue(_percent(rule.good))
        else:
            self.by_bands.setChecked(True)
            self.excellent.setValue(30)
            self.good.setValue(40)
            bands.update({b.grade: b.minimum for b in rule.bands})
        for grade, spin in self.bands.items():
            spin.setValue(float(bands[grade]))
        self._on_rule_toggled()
        for milestone in settings.milestones:
            if milestone.key in self.dates:
                due = milestone.due
                set_day(self.dates[milestone.key], due)

    def _append_county(self, county: County) -> int:
        row = self.counties.rowCount()
        self.counties.insertRow(row)
        self.counties.setItem(row, 0, QTableWidgetItem(county.code))
        self.counties.setItem(row, 1, QTableWidgetItem(county.name))
        areas = QTableWidgetItem("、".join(county.pilot_areas))
        areas.setFlags(areas.flags() & ~Qt.ItemFlag.ItemIsEditable)  # chosen in the list beside
        areas.setData(_AREAS_ROLE, list(county.pilot_areas))
        areas.setToolTip(areas.text())
        self.counties.setItem(row, 2, areas)
        return row

    def _append_inspector(self, inspector: Inspector) -> int:
        row = self.inspectors.rowCount()
        self.inspectors.insertRow(row)
        self.inspectors.setItem(row, 0, QTableWidgetItem(inspector.name))
        self.inspectors.setItem(row, 1, QTableWidgetItem(inspector.unit))
        return row

    def settings(self) -> CampaignSettings:
        """The settings as the dialog shows them now."""
        counties = tuple(
            County(_text(self.counties, r, 0), _text(self.counties, r, 1), tuple(self._areas_of(r)))
            for r in range(self.counties.rowCount())
        )
        inspectors = tuple(
            Inspector(_text(self.inspectors, r, 0), _text(self.inspectors, r, 1)) for r in range(self.inspectors.rowCount())
        )
        weights = tuple((key, _share(spin)) for key, spin in self.weights.items())
        grading: GradingRule
        if self.by_proportion.isChecked():
            grading = ProportionRule(_share(self.excellent), _share(self.good))
        else:
            grading = BandsRule(tuple(Band(g, _score(spin)) for g, spin in self.bands.items()))
        milestones = tuple(
            Milestone(m.key, m.name, day_of(self.dates[m.key])) for m in self.campaign.milestones
        )
        return CampaignSettings(counties, inspectors, weights, grading, milestones)

    def _areas_of(self, row: int) -> list[str]:
        item = self.counties.item(row, 2)
        return list(item.data(_AREAS_ROLE) or []) if item is not None else []

    # --- checking ---

    def _read_work(self) -> None:
        ws = self.ws
        self.ops.query(lambda: settings_service.work(ws), done=self._on_work_read)

    def _on_work_read(self, work: dict[str, int]) -> None:
        self._work = work
        self._check()

    def settled(self) -> bool:
        """Nothing read or written is pending (the tests wait for this)."""
        return self._work is not None and not self._saving

    def _check(self) -> list[Problem]:
        current = self.settings()
        self.problems = campaign_settings.validate(self.ws.reference_campaign or self.campaign, current, self._work or {})
        total = sum((w for _, w in current.weights), Decimal(0)) * HUNDRED
        self.weights_total.setText(f"{canonical(total)} %")
        lines = [describe(p, self.campaign, current) for p in self.problems[:8]]
        if len(self.problems) > 8:
            lines.append(self.tr("… and {0} more").format(len(self.problems) - 8))
        lines = lines or self._refusal
        self.messages.setText("\n".join(lines))
        self.messages.setVisible(bool(lines))
        self.save_button.setEnabled(not self.problems and self.settled())
        self._mark(self.counties, "counties")
        self._mark(self.inspectors, "inspectors")
        self._mark_spins(current)
        for index, section in enumerate(_TABS):
            bad = any(p.node == section for p in self.problems)
            self.tabs.tabBar().setTabTextColor(index, QColor("#b00020") if bad else self.palette().windowText().color())
        return self.problems

    def _mark(self, table: QTableWidget, section: str) -> None:
        """Tint the cells a problem names."""
        columns = {"code": 0, "name": 0 if section == "inspectors" else 1, "pilot_areas": 2}
        bad = {(p.row - 1, columns.get(p.column or "", -1)) for p in self.problems if p.node == section and p.row is not None}
        table.blockSignals(True)
        for r in range(table.rowCount()):
            for c in range(table.columnCount()):
                item = table.item(r, c)
                if item is not None:
                    item.setData(Qt.ItemDataRole.BackgroundRole, _ERROR if (r, c) in bad else None)
        table.blockSignals(False)

    def _mark_spins(self, current: CampaignSettings) -> None:
        """Tint the spin boxes a problem names."""
        bad: set[QDoubleSpinBox] = set()
        for p in self.problems:
            if p.node == "weights":
                bad.update([self.weights[p.column]] if p.column in self.weights else self.weights.values())
            elif p.node == "grading" and p.column in {"excellent", "good"}:
                bad.add(self.excellent if p.column == "excellent" else self.good)
            elif p.node == "grading" and isinstance(current.grading, BandsRule) and p.row is not None:
                bad.add(self.bands[current.grading.bands[p.row - 1].grade])
        for spin in (*self.weights.values(), self.excellent, self.good, *self.bands.values()):
            spin.setStyleSheet("QDoubleSpinBox { background: #fde2e1; }" if spin in bad else "")

    # --- slots ---

    @Slot()
    def _on_edited(self, *_args: object) -> None:
        if not self._loading:
            self._refusal = []
            self._check()

    @Slot()
    def _on_rule_toggled(self, *_args: object) -> None:
        proportion = self.by_proportion.isChecked()
        self.proportion_box.setEnabled(proportion)
        self.bands_box.setEnabled(not proportion)
        self._on_edited()

    @Slot()
    def _on_counties_selection(self) -> None:
        row = self.counties.currentRow()
        chosen = set(self._areas_of(row)) if row >= 0 else set()
        self.areas.blockSignals(True)
        for i in range(self.areas.count()):
            item = self.areas.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in chosen else Qt.CheckState.Unchecked)
        self.areas.blockSignals(False)
        self.areas.setEnabled(row >= 0)

    @Slot(QListWidgetItem)
    def _on_area_toggled(self, _item: QListWidgetItem) -> None:
        row = self.counties.currentRow()
        if row < 0:
            return
        areas = [self.areas.item(i).text() for i in range(self.areas.count())
                 if self.areas.item(i).checkState() == Qt.CheckState.Checked]
        cell = self.counties.item(row, 2)
        if cell is None:
            return
        cell.setData(_AREAS_ROLE, areas)
        cell.setText("、".join(areas))  # itemChanged: checked again
        cell.setToolTip(cell.text())

    @Slot()
    def _on_add_county_clicked(self) -> None:
        row = self._append_county(County("", "", ()))
        self.counties.setCurrentCell(row, 0)
        self.counties.editItem(self.counties.currentItem())
        self._check()

    @Slot()
    def _on_remove_county_clicked(self) -> None:
        row = self.counties.currentRow()
        if row >= 0:
            self.counties.removeRow(row)
            self._check()

    @Slot()
    def _on_add_inspector_clicked(self) -> None:
        row = self._append_inspector(Inspector(""))
        self.inspectors.setCurrentCell(row, 0)
        self.inspectors.editItem(self.inspectors.currentItem())
        self._check()

    @Slot()
    def _on_remove_inspector_clicked(self) -> None:
        row = self.inspectors.currentRow()
        if row >= 0:
            self.inspectors.removeRow(row)
            self._check()

    @Slot()
    def _on_save_clicked(self) -> None:
        self.save()  # the dialog closes once the settings are written

    def save(self) -> bool:
        """Check, then ask for the save as one signed version (on the window's writer); False,
        with the problems shown, when a rule is broken. The dialog closes once it is written;
        a refusal from the database (a merge brought work since) is shown in it."""
        if self._check():
            first = self.problems[0].node or ""
            if first in _TABS:
                self.tabs.setCurrentIndex(_TABS.index(first))
            return False
        if not self.settled():
            return False
        current = self.settings()
        ws = self.ws
        self._saving = True
        self.save_button.setEnabled(False)

        def write() -> Changes:
            return settings_service.save(ws, current)

        self.ops.write(write, done=self._on_written, failed=lambda exc: self._on_refused(exc, current))
        return True

    def _on_written(self, changes: Changes) -> None:
        self._saving = False
        if changes:
            self.saved.emit()
        self.accept()

    def _on_refused(self, exc: BaseException, current: CampaignSettings) -> None:
        self._saving = False
        if isinstance(exc, InputError) and exc.problems:  # the database changed since the dialog opened
            self._refusal = [describe(p, self.campaign, current) for p in exc.problems[:8]]
            self._work = None
            self._check()
            self._read_work()  # Save comes back once the work as of now is known
        else:
            self.ops.show_failure(exc)
            self._check()


def open_settings(ws: Workspace, parent: QWidget, ops: Operations, saved: Callable[[], None] | None = None) -> SettingsDialog:
    """Show the settings dialog, modal to its window without a loop of its own; the window's
    views follow the save's changes (everything), and saved() runs once new settings are written."""
    dialog = SettingsDialog(ws, parent, ops)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if saved is not None:
        dialog.saved.connect(saved)
    dialog.open()
    return dialog


__all__ = ["SettingsDialog", "describe", "open_settings"]
