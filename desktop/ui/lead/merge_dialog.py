"""Merging laptops' exports on the desk: a dry run first, new devices accepted one by one
after checking their key, then the merge off the GUI thread; the per-file report."""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from db.errors import KnownDatabaseError
from db.keys import show_fingerprint
from desktop import paths
from desktop.core.errors import InputError
from desktop.services import desk, folders, sync
from desktop.services.changes import Changes
from desktop.services.workspace import Workspace
from desktop.ui import cells
from desktop.ui.messages import explain, refusal, sealed_state
from desktop.ui.operations import Operations
from desktop.ui.screen import fit_to_screen

_cell = cells.cell
_table = cells.table
_SEALED = 4  # the report's column saying whether a file came sealed


def status_text(report: sync.FileReport) -> str:
    return {
        "merged": QCoreApplication.translate("LeadWindow", "merged"),
        "nothing-new": QCoreApplication.translate("LeadWindow", "nothing new"),
        "refused": QCoreApplication.translate("LeadWindow", "refused"),
        "dry-run": QCoreApplication.translate("LeadWindow", "can be merged"),
    }.get(report.status, report.status)


def report_table() -> cells.Table:
    """A merge's report, a row per file: who, what it brought, and why a file was refused."""
    return _table(
        [
            QCoreApplication.translate("LeadWindow", "File"),
            QCoreApplication.translate("LeadWindow", "Inspector"),
            QCoreApplication.translate("LeadWindow", "Device"),
            QCoreApplication.translate("LeadWindow", "Export"),
            QCoreApplication.translate("LeadWindow", "Sealed"),
            QCoreApplication.translate("LeadWindow", "Result"),
            QCoreApplication.translate("LeadWindow", "New versions"),
            QCoreApplication.translate("LeadWindow", "Already here"),
            QCoreApplication.translate("LeadWindow", "Evidence"),
            QCoreApplication.translate("LeadWindow", "Conflicts"),
            QCoreApplication.translate("LeadWindow", "Reason"),
        ]
    )


def fill_report(table: cells.Table, reports: list[sync.FileReport], *, waiting: Collection[Path] = ()) -> None:
    """The reports, a row each; a file in `waiting` says 待接受 (its device is not accepted yet)."""
    with cells.refilling(table, len(reports)):
        for row, r in enumerate(reports):
            refused = r.status == "refused"
            export = f"#{r.export_number}" if r.export_number else QCoreApplication.translate("LeadWindow", "database file")
            values = [
                r.file.name,
                r.inspector or (QCoreApplication.translate("LeadWindow", "(master)") if r.role == "master" else ""),
                r.device_id[:8],
                "" if refused and not r.export_number else export,
                sealed_state(r.sealed),  # NOT sealed: it was readable by anyone on the way
                QCoreApplication.translate("LeadWindow", "waiting to be accepted") if r.file in waiting else status_text(r),
                # a refused file brings nothing: its counts are left empty rather than shown as 0
                "" if refused else r.versions_added,
                # a file merged before, known by its hash, is not opened again: what it holds is not counted (not "0")
                "" if refused else "—" if r.status == "nothing-new" and not r.versions_present else r.versions_present,
                "" if refused else f"{r.blobs_added} ({r.blob_bytes // 1024} KB)" if r.blobs_added else "0",
                "" if refused else r.conflicts,
                (refusal(r.code) + (f"（{r.refused_author}，{r.refused_version[:8]}）" if r.refused_version else "")) if refused else "",
            ]
            for col, value in enumerate(values):
                cell = _cell(value, right=isinstance(value, int))
                if r.status == "refused":
                    cell.setToolTip(r.reason)  # the technical detail, for whoever investigates
                    cell.setForeground(QColor("#c62828"))
                elif r.file in waiting:
                    cell.setForeground(QColor("#b26a00"))
                elif col == 0:
                    cell.setToolTip(str(r.file))
                elif col == _SEALED and r.sealed is False:
                    cell.setForeground(QColor("#b26a00"))
                    cell.setToolTip(QCoreApplication.translate(
                        "LeadWindow", "Not sealed: anyone who held the file on the way could read it (the laptop had no key of the "
                        "master yet, or an older Yanshou wrote it). Its signatures were checked as always."
                    ))
                table.setItem(row, col, cell)


# --- merging ----------------------------------------------------------------------------------


class _Progress(QObject):
    step = Signal(int, int, str)


class MergeDialog(QDialog):
    """Files → dry run (what each would bring, refusals and why, new devices to accept) →
    the merge on the desk's writer, with progress and cancel → the report of what happened.

    A file from a device not accepted yet says 待接受 until its box is ticked; Merge is on
    while a file can be merged. After a merge, a cancel or a failure, 重新检查 runs the dry
    run again over the files not merged: no state leaves the dialog with nothing to do."""

    def __init__(
        self, parent: QWidget | None, ws: Workspace, files: list[Path], *,
        ops: Operations | None = None, skipped: Sequence[folders.Skipped] = (),
    ) -> None:
        super().__init__(parent)
        self.ws, self.files = ws, files
        self.ops = ops if ops is not None else Operations(self)  # the desk's: its views follow the changes
        self.setWindowTitle(QCoreApplication.translate("LeadWindow", "Merge laptop exports"))
        fit_to_screen(self, 980, 520)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = report_table()
        self.table.setObjectName("merge-files")
        layout.addWidget(self.table, 2)
        self.skipped_label = QLabel()
        self.skipped_label.setObjectName("merge-skipped")
        self.skipped_label.setWordWrap(True)
        self.skipped_label.setStyleSheet("color: #5f6b7a;")
        self._show_skipped(skipped)
        layout.addWidget(self.skipped_label)
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
        self.check_button = self.buttons.addButton(
            QCoreApplication.translate("LeadWindow", "Check again"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.check_button.setObjectName("check-again")
        self.check_button.clicked.connect(self.check_again)
        self.check_button.setEnabled(False)  # (shown throughout, greyed while there is nothing to check again: shown only
        # after a merge, it took the place of Merge, which moved under the mouse)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reports: list[sync.FileReport] = []
        self.merged = False  # a merge (or its cancel) has ended: its report is shown
        self.running = False
        self._run(dry_run=True)

    # --- the states ------------------------------------------------------------------------

    def _run(self, *, dry_run: bool) -> None:
        # the preview shows every new laptop (a second one of an inspector too); the merge accepts
        # the ones ticked, each by its own box: the lead's explicit choice
        preview = sync.Enrolment(field=True, lead=True, same_inspector=True)
        ticked = self._ticked()
        masters = {d for d in ticked if d in self.new_masters}
        enroll: sync.Enroll = preview if dry_run else sync.Enrolment(field=frozenset(ticked - masters), lead=frozenset(masters))
        self.running = True
        self.merge_button.setEnabled(False)
        self.check_button.setEnabled(False)
        for box in self.accept_boxes.values():
            box.setEnabled(False)
        stop = threading.Event()
        progress = None
        bridge = _Progress(self)
        if dry_run:
            self.summary.setText(
                QCoreApplication.translate("LeadWindow", "Checking {0} files (nothing is written yet)…").format(len(self.files))
            )
        else:
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
        ws, files = self.ws, list(self.files)

        def run() -> _Outcome:
            reports = sync.merge(ws, files, enroll=enroll, dry_run=dry_run, progress=bridge.step.emit, cancelled=stop.is_set)
            return _Outcome(reports, desk.merge_changes(reports, dry_run=dry_run))

        self.ops.write(
            run,
            done=lambda outcome: self._done(outcome.reports, dry_run, progress),
            failed=lambda exc: self._failed(exc, progress),
        )

    def _failed(self, exc: BaseException, progress: QProgressDialog | None) -> None:
        self.running = False
        if progress:
            progress.reset()
        self.merged = True
        self.check_button.setEnabled(True)
        if isinstance(exc, sync.Cancelled):
            self.summary.setText(
                QCoreApplication.translate("LeadWindow", "Cancelled: nothing was merged; the master is exactly as it was before.")
            )
            return
        if not isinstance(exc, KnownDatabaseError | InputError | OSError):
            paths.log_error(exc)
        self.summary.setText(explain(exc))
        QMessageBox.critical(self, self.windowTitle(), explain(exc))

    def _done(self, reports: list[sync.FileReport], dry_run: bool, progress: QProgressDialog | None) -> None:
        self.running = False
        if progress:
            progress.reset()
        self.reports = reports
        if dry_run:
            self._offer_devices(reports)
            self._show_preview()
            return
        self.merged = True
        merged = [r for r in reports if r.status == "merged"]
        said = [
            QCoreApplication.translate(
                "LeadWindow", "Merged {0} files: {1} versions added; {2} refused; {3} brought nothing new."
            ).format(len(merged), sum(r.versions_added for r in merged), sum(r.status == "refused" for r in reports),
                     sum(r.status == "nothing-new" for r in reports))
        ]
        if merged and not self.ws.database.on_server:  # db.merge copies the file before the first one it merges
            said.append(QCoreApplication.translate("LeadWindow", "The master was backed up first."))
        said.append(QCoreApplication.translate("LeadWindow", "This report is kept under Merge history."))
        self.summary.setText(" ".join(said))
        fill_report(self.table, reports)
        for box in self.accept_boxes.values():
            box.setEnabled(False)
        self.files = [r.file for r in reports if r.status == "refused"]  # what a check again looks at
        self.check_button.setEnabled(bool(self.files))

    def _offer_devices(self, reports: list[sync.FileReport]) -> None:
        """A box per device not seen before, unticked: the lead checks its key with its inspector."""
        ticked = self._ticked()
        while self.devices.count():
            item = self.devices.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.accept_boxes = {}
        self.new_masters = set()
        new = {d.id: d for r in reports if r.status == "dry-run" for d in r.enrolled}
        self.devices_label.setText(
            QCoreApplication.translate(
                "LeadWindow",
                "Devices not seen before. Check each key's fingerprint with its inspector "
                "(it is shown on their laptop) before accepting it:",
            ) if new else ""
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
            box.setChecked(device.id in ticked)  # a check again keeps what the lead had ticked
            box.toggled.connect(lambda _on: self._show_preview())
            self.accept_boxes[device.id] = box
            self.devices.addWidget(box)

    def _show_preview(self) -> None:
        """The dry run's verdicts with the boxes as ticked now: a file of a device not accepted
        waits (待接受); Merge is on while a file can go in."""
        reports = self.reports
        waiting = {r.file for r in reports if self._waits(r)}
        fill_report(self.table, reports, waiting=waiting)
        ready = [r for r in reports if r.status == "dry-run" and r.file not in waiting]
        summary = QCoreApplication.translate(
            "LeadWindow", "Dry run: {0} files can be merged, {1} are refused, {2} bring nothing new. Nothing was written."
        ).format(len(ready), sum(r.status == "refused" for r in reports), sum(r.status == "nothing-new" for r in reports))
        if waiting:
            summary += " " + QCoreApplication.translate(
                "LeadWindow", "{0} wait for their device to be accepted below."
            ).format(len(waiting))
        self.summary.setText(summary)
        self.merge_button.setEnabled(bool(ready))
        for box in self.accept_boxes.values():
            box.setEnabled(True)

    def _waits(self, report: sync.FileReport) -> bool:
        return report.status == "dry-run" and bool({d.id for d in report.enrolled} - self._ticked())

    def _ticked(self) -> set[str]:
        return {d for d, box in self.accept_boxes.items() if box.isChecked()}

    def _show_skipped(self, skipped: Sequence[folders.Skipped]) -> None:
        if not skipped:
            self.skipped_label.setVisible(False)
            return
        lines = [f"{s.path.name}（{skipped_reason(s.reason)}）" for s in skipped[:12]]
        if len(skipped) > 12:
            lines.append(QCoreApplication.translate("LeadWindow", "… and {0} more").format(len(skipped) - 12))
        self.skipped_label.setText(
            QCoreApplication.translate("LeadWindow", "Left out of the folder ({0}):").format(len(skipped)) + " " + "；".join(lines)
        )
        self.skipped_label.setToolTip("\n".join(str(s.path) for s in skipped))

    # --- the buttons ----------------------------------------------------------------------

    def merge(self) -> None:
        self._run(dry_run=False)

    def check_again(self) -> None:
        """The dry run again, over the files not merged (a device accepted since, a file fixed)."""
        self.merged = False
        self.reports = []
        self._run(dry_run=True)

    def settled(self) -> bool:
        """Nothing running (the tests wait for this)."""
        return not self.running

    def closeEvent(self, event: QCloseEvent) -> None:
        self.ops.wait()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.ops.wait()  # a merge asked for ends (or rolls back) before the dialog goes
        super().done(result)


@dataclass(frozen=True)
class _Outcome:
    """A merge's or a dry run's reports and what they changed on the desk."""

    reports: list[sync.FileReport]
    changes: Changes


def skipped_reason(code: str) -> str:
    return {
        "not_export": QCoreApplication.translate("LeadWindow", "not an export"),
        "hidden": QCoreApplication.translate("LeadWindow", "hidden folder"),
        "unreadable": QCoreApplication.translate("LeadWindow", "cannot be read"),
        "too_deep": QCoreApplication.translate("LeadWindow", "folder too deep"),
        "link": QCoreApplication.translate("LeadWindow", "a link, not followed"),
    }.get(code, code)


# --- score imports ----------------------------------------------------------------------------


