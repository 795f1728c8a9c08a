"""Merging laptops' exports on the desk: a dry run first, new devices accepted one by one
after checking their key, then the merge off the GUI thread; the per-file report."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from db.keys import show_fingerprint
from desktop import paths
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.services import sync
from desktop.services.workspace import Workspace
from desktop.ui import cells, jobs
from desktop.ui.item_view import mode_label, severity_label, status_label
from desktop.ui.messages import explain, problem_status, refusal
from desktop.ui.screen import fit_to_screen

_cell = cells.cell
_table = cells.table


def status_text(report: sync.FileReport) -> str:
    return {
        "merged": QCoreApplication.translate("LeadWindow", "merged"),
        "nothing-new": QCoreApplication.translate("LeadWindow", "nothing new"),
        "refused": QCoreApplication.translate("LeadWindow", "refused"),
        "dry-run": QCoreApplication.translate("LeadWindow", "can be merged"),
    }.get(report.status, report.status)


def shown_value(entity: str, key: str, value: object) -> object:
    """A stored code (a mode, a finding's result, a severity, a problem's status) in words."""
    if not isinstance(value, str) or not value:
        return value
    if key == "mode" and value in {m.value for m in InspectionMode}:
        return mode_label(InspectionMode(value))
    if key == "status" and entity == "finding" and value in {f.value for f in FindingStatus}:
        return status_label(FindingStatus(value))
    if key == "status" and entity == "problem":
        return problem_status(value)
    if key == "severity":
        return severity_label(value)
    return value


def report_table() -> QTableWidget:
    """A merge's report, a row per file: who, what it brought, and why a file was refused."""
    return _table(
        [
            QCoreApplication.translate("LeadWindow", "File"),
            QCoreApplication.translate("LeadWindow", "Inspector"),
            QCoreApplication.translate("LeadWindow", "Device"),
            QCoreApplication.translate("LeadWindow", "Export"),
            QCoreApplication.translate("LeadWindow", "Result"),
            QCoreApplication.translate("LeadWindow", "New versions"),
            QCoreApplication.translate("LeadWindow", "Already here"),
            QCoreApplication.translate("LeadWindow", "Evidence"),
            QCoreApplication.translate("LeadWindow", "Conflicts"),
            QCoreApplication.translate("LeadWindow", "Reason"),
        ]
    )


def fill_report(table: QTableWidget, reports: list[sync.FileReport]) -> None:
    table.setRowCount(len(reports))
    for row, r in enumerate(reports):
        refused = r.status == "refused"
        export = f"#{r.export_number}" if r.export_number else QCoreApplication.translate("LeadWindow", "database file")
        values = [
            r.file.name,
            r.inspector or (QCoreApplication.translate("LeadWindow", "(master)") if r.role == "master" else ""),
            r.device_id[:8],
            "" if refused and not r.export_number else export,
            status_text(r),
            # a refused file brings nothing: its counts are left empty rather than shown as 0
            "" if refused else r.versions_added,
            "" if refused else r.versions_present,
            "" if refused else f"{r.blobs_added} ({r.blob_bytes // 1024} KB)" if r.blobs_added else "0",
            "" if refused else r.conflicts,
            (refusal(r.code) + (f"（{r.refused_author}，{r.refused_version[:8]}）" if r.refused_version else "")) if refused else "",
        ]
        for col, value in enumerate(values):
            cell = _cell(value, right=isinstance(value, int))
            if r.status == "refused":
                cell.setToolTip(r.reason)  # the technical detail, for whoever investigates
                cell.setForeground(QColor("#c62828"))
            elif col == 0:
                cell.setToolTip(str(r.file))
            table.setItem(row, col, cell)


# --- merging ----------------------------------------------------------------------------------


class _Progress(QObject):
    step = Signal(int, int, str)


class MergeDialog(QDialog):
    """Files → dry run (what each would bring, refusals and why, new devices to accept) →
    the merge, off the GUI thread, with progress and cancel → the report."""

    def __init__(self, parent: QWidget | None, ws: Workspace, files: list[Path]) -> None:
        super().__init__(parent)
        self.ws, self.files = ws, files
        self.setWindowTitle(QCoreApplication.translate("LeadWindow", "Merge laptop exports"))
        fit_to_screen(self, 980, 520)
        layout = QVBoxLayout(self)
        self.summary = QLabel(QCoreApplication.translate("LeadWindow", "Checking {0} files (nothing is written yet)…").format(len(files)))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = report_table()
        self.table.setObjectName("merge-files")
        layout.addWidget(self.table, 2)
        self.devices_label = QLabel()
        self.devices_label.setWordWrap(True)
        layout.addWidget(self.devices_label)
        self.devices = QVBoxLayout()
        layout.addLayout(self.devices)
        self.accept_boxes: dict[str, QCheckBox] = {}
        self.new_masters: set[str] = set()  # new devices that are another lead's master: accepted apart
        self.buttons = QDialogButtonBox()
        self.merge_button = self.buttons.addButton(
            QCoreApplication.translate("LeadWindow", "Merge"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.merge_button.setObjectName("merge")
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.reports: list[sync.FileReport] = []
        self.merged = False
        self._run(dry_run=True)

    def _run(self, *, dry_run: bool) -> None:
        # the preview shows every new laptop (a second one of an inspector too); the merge accepts
        # the ones ticked, each by its own box: the lead's explicit choice
        preview = sync.Enrolment(field=True, lead=True, same_inspector=True)
        ticked = {d for d, box in self.accept_boxes.items() if box.isChecked()}
        masters = {d for d in ticked if d in self.new_masters}
        enroll: sync.Enroll = preview if dry_run else sync.Enrolment(
            field=frozenset(ticked - masters), lead=frozenset(masters)
        )
        stop = threading.Event()
        progress = None
        bridge = _Progress(self)
        if not dry_run:
            progress = QProgressDialog(
                QCoreApplication.translate("LeadWindow", "Merging…"),
                QCoreApplication.translate("LeadWindow", "Cancel"),
                0,
                len(self.files),
                self,
            )
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(0)
            progress.canceled.connect(stop.set)
            dialog = progress

            def step(done: int, total: int, name: str) -> None:
                dialog.setMaximum(total)
                dialog.setValue(done)
                dialog.setLabelText(QCoreApplication.translate("LeadWindow", "Merging {0}…").format(Path(name).name) if name else "")

            bridge.step.connect(step)
        jobs.start(
            self.pool,
            lambda: sync.merge(self.ws, self.files, enroll=enroll, dry_run=dry_run, progress=bridge.step.emit, cancelled=stop.is_set),
            parent=self,
            done=lambda reports: self._done(reports, dry_run, progress),
            failed=lambda exc: self._failed(exc, progress),
        )

    def _failed(self, exc: BaseException, progress: QProgressDialog | None) -> None:
        if progress:
            progress.reset()
        if isinstance(exc, sync.Cancelled):
            self.summary.setText(
                QCoreApplication.translate(
                    "LeadWindow", "Cancelled: nothing was merged; the master is exactly as it was before."
                )
            )
            self.merged = True
            return
        paths.log_error(exc)
        QMessageBox.critical(self, self.windowTitle(), explain(exc))

    def _done(self, reports: list[sync.FileReport], dry_run: bool, progress: QProgressDialog | None) -> None:
        if progress:
            progress.reset()
        self.reports = reports
        fill_report(self.table, reports)
        new = {d.id: d for r in reports if r.status == "dry-run" for d in r.enrolled}
        if dry_run:
            refused = sum(r.status == "refused" for r in reports)
            ready = [r for r in reports if r.status == "dry-run"]
            self.summary.setText(
                QCoreApplication.translate(
                    "LeadWindow", "Dry run: {0} files can be merged, {1} are refused, {2} bring nothing new. Nothing was written."
                ).format(len(ready), refused, sum(r.status == "nothing-new" for r in reports))
            )
            if new:
                self.devices_label.setText(
                    QCoreApplication.translate(
                        "LeadWindow",
                        "Devices not seen before. Check each key's fingerprint with its inspector "
                        "(it is shown on their laptop) before accepting it:",
                    )
                )
                second = {d for r in reports for d in r.second_laptops}
                for device in new.values():
                    text = QCoreApplication.translate("LeadWindow", "Accept {0} — device {1}, key {2}").format(
                        device.inspector or QCoreApplication.translate("LeadWindow", "(master)"),
                        device.id[:8],
                        show_fingerprint(device.fingerprint),
                    )
                    box = QCheckBox()
                    if device.role == "master":  # another lead's desk: the lead's powers, its own choice
                        self.new_masters.add(device.id)
                        text += " — " + QCoreApplication.translate(
                            "LeadWindow", "ANOTHER MASTER: it will have the lead's powers (scores, decisions, settings)"
                        )
                        box.setStyleSheet("color: #c62828; font-weight: bold")
                    elif device.id in second:
                        text += " — " + QCoreApplication.translate(
                            "LeadWindow", "a second laptop of this inspector: check with them that it is theirs"
                        )
                        box.setStyleSheet("color: #b26a00")
                    box.setText(text)
                    box.setObjectName(f"accept-{device.id}")
                    self.accept_boxes[device.id] = box
                    self.devices.addWidget(box)
            self.merge_button.setEnabled(bool(ready))
        else:
            self.merged = True
            added = sum(r.versions_added for r in reports)
            self.summary.setText(
                QCoreApplication.translate(
                    "LeadWindow", "Merged: {0} versions added; {1} files refused. The master was backed up first."
                ).format(added, sum(r.status == "refused" for r in reports))
                + " "
                + QCoreApplication.translate("LeadWindow", "This report is kept under Merge history.")
            )
            self.merge_button.setEnabled(False)
            for box in self.accept_boxes.values():
                box.setEnabled(False)

    def merge(self) -> None:
        self.merge_button.setEnabled(False)
        self._run(dry_run=False)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.pool.waitForDone()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.pool.waitForDone()
        super().done(result)


# --- score imports ----------------------------------------------------------------------------


