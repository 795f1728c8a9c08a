"""The desk's 设备 tab: who has synced. Every device enrolled in the master — its inspector
and role, the exports merged, the last one's number and when it came, how long ago that
is, the counties and items its work names — with a gap in its export numbering flagged
(an export the master never received). The statuses are desktop.services.devices'; this
module draws them and keeps "how long ago" current without reading again. 吊销设备… revokes
a lost or stolen laptop after asking (desktop.services.sync.revoke): its later files are
refused, its work merged before stays. 恢复码… opens a laptop's recovery file, brought on a
stick, with the master's key and shows the code that puts that laptop's key back when its
system's store lost it (desktop.services.protection.recovery_code, T2-8); nothing of it is kept.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from db.keys import show_fingerprint
from desktop.core.devices import DeviceRole
from desktop.services import devices, sync
from desktop.services.changes import Changes
from desktop.services.devices import DeviceStatus
from desktop.services.workspace import Workspace
from desktop.ui import cells, files, messages
from desktop.ui.operations import Operations

if TYPE_CHECKING:
    from db.recovery import About
    from desktop.services.protection import RecoveryLaptop

HARD = QColor("#c62828")  # a gap: an export the master never received
WARNING = QColor("#b26a00")  # nothing merged from it for a day or more
REVOKED = QColor("#7a7a7a")  # revoked by the lead: its later files are refused
COUNTIES_SHOWN = 8  # county names in the cell (a city's campaign: all of them; the column has the room); all in its tooltip
SINCE_COLUMN = 6
LATE = dt.timedelta(days=1)


def role_name(role: DeviceRole) -> str:
    return {
        DeviceRole.FIELD: QCoreApplication.translate("LeadWindow", "inspector's laptop"),
        DeviceRole.MASTER: QCoreApplication.translate("LeadWindow", "lead's desk"),
    }[role]


def ago(since: dt.timedelta) -> str:
    """How long ago, in words: minutes within the hour, hours within two days, then days."""
    minutes = max(int(since.total_seconds() // 60), 0)
    if minutes < 1:
        return QCoreApplication.translate("LeadWindow", "just now")
    if minutes < 60:
        return QCoreApplication.translate("LeadWindow", "{0} minutes ago").format(minutes)
    if minutes < 48 * 60:
        return QCoreApplication.translate("LeadWindow", "{0} hours ago").format(minutes // 60)
    return QCoreApplication.translate("LeadWindow", "{0} days ago").format(minutes // (24 * 60))


def missing(gaps: tuple[int, ...]) -> str:
    """The export numbers never received, as the gap cell says them ("" for none)."""
    if not gaps:
        return ""
    return QCoreApplication.translate("LeadWindow", "missing no. {0}").format("、".join(str(n) for n in gaps))


class DevicesTab(QWidget):
    """A hint above, the devices' table below."""

    counted = Signal(int)
    """How many devices have a gap in their export numbering (the tab's title says it)."""

    def __init__(self, ws: Workspace, ops: Operations) -> None:
        super().__init__()
        self.ws, self.ops = ws, ops
        self.setObjectName("devices-view")
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)  # a test sets its own
        layout = QVBoxLayout(self)
        self.hint = QLabel()
        self.hint.setObjectName("devices-hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.table = cells.table(
            [
                QCoreApplication.translate("LeadWindow", "Device"),
                QCoreApplication.translate("LeadWindow", "Role"),
                QCoreApplication.translate("LeadWindow", "Inspector"),
                QCoreApplication.translate("LeadWindow", "Exports merged"),
                QCoreApplication.translate("LeadWindow", "Last export"),
                QCoreApplication.translate("LeadWindow", "Last merged"),
                QCoreApplication.translate("LeadWindow", "Since"),
                QCoreApplication.translate("LeadWindow", "Gaps"),
                QCoreApplication.translate("LeadWindow", "Items"),
                QCoreApplication.translate("LeadWindow", "Counties"),
            ]
        )
        self.table.setObjectName("devices")
        layout.addWidget(self.table, 1)
        below = QHBoxLayout()
        self.recovery_button = QPushButton(QCoreApplication.translate("LeadWindow", "Recovery code…"))
        self.recovery_button.setObjectName("recovery-code")
        self.recovery_button.setToolTip(QCoreApplication.translate(
            "LeadWindow", "A laptop whose system's store lost the key of its files: open its recovery file (keys\\recovery-….bin, "
            "brought on a USB stick) to read the code that opens them again"))
        self.recovery_button.clicked.connect(self._on_recovery_button_clicked)
        below.addWidget(self.recovery_button)
        below.addStretch(1)
        self.revoke_button = QPushButton(QCoreApplication.translate("LeadWindow", "Revoke device…"))
        self.revoke_button.setObjectName("revoke-device")
        self.revoke_button.setToolTip(QCoreApplication.translate(
            "LeadWindow", "For a lost or stolen laptop: its files exported from now on are refused; what it brought before stays"))
        self.revoke_button.setEnabled(False)
        self.revoke_button.clicked.connect(self._on_revoke_button_clicked)
        below.addWidget(self.revoke_button)
        layout.addLayout(below)
        self.table.itemSelectionChanged.connect(self._on_table_itemSelectionChanged)
        self.statuses: list[DeviceStatus] = []
        self._shown: list[DeviceStatus] | None = None  # the statuses drawn (none yet)
        self.ticker = QTimer(self)  # "3 hours ago" stays true while the tab is open
        self.ticker.setInterval(60_000)
        self.ticker.timeout.connect(self._on_ticker_timeout)
        self.ticker.start()
        # when to read again after a write: at once, or as the desk says (after its own view is drawn)
        self.later: Callable[[Callable[[], None]], None] = lambda read: read()
        self.ops.changed.connect(self._on_ops_changed)

    def refresh(self) -> None:
        """Read the devices off the GUI thread; drawn when they arrive."""
        ws, shown = self.ws, self._shown

        def read() -> tuple[list[DeviceStatus], bool]:
            statuses = devices.device_statuses(ws)
            return statuses, statuses == shown  # compared off the GUI thread: as shown, nothing to draw

        self.ops.query(read, done=lambda found: None if found[1] and self._shown is shown else self.show_devices(found[0]))

    @Slot(object)
    def _on_ops_changed(self, changes: Changes) -> None:
        """A merge (or anything the desk wrote: its own device's work) changes what is known."""
        if changes:
            self.later(self.refresh)

    def show_devices(self, statuses: list[DeviceStatus]) -> None:
        self.statuses = self._shown = statuses
        gapped = [d for d in statuses if d.gaps]
        if gapped:
            self.hint.setText(QCoreApplication.translate(
                "LeadWindow", "{0} enrolled devices. {1} of them have exports this master never received (in red): the file went "
                "elsewhere or was lost. A later export carries everything before it: no work is missing.",
            ).format(len(statuses), len(gapped)))
        else:
            self.hint.setText(QCoreApplication.translate("LeadWindow", "{0} enrolled devices.").format(len(statuses)))
        self.counted.emit(len(gapped))
        table = self.table
        with cells.refilling(table, len(statuses)):
            for row, d in enumerate(statuses):
                for col, cell in enumerate(self._cells(d)):
                    if d.this_device:
                        font = QFont(cell.font())
                        font.setBold(True)
                        cell.setFont(font)
                    table.setItem(row, col, cell)
        self._show_since()
        self._on_table_itemSelectionChanged()

    def _cells(self, d: DeviceStatus) -> list[cells.Cell]:
        device = d.device_id[:8]
        if d.this_device:
            device = QCoreApplication.translate("LeadWindow", "{0} (this desk)").format(device)
        elif d.revoked:
            device = QCoreApplication.translate("LeadWindow", "{0} (revoked)").format(device)
        exports = str(d.exports)
        if d.database_files:
            exports = QCoreApplication.translate("LeadWindow", "{0} + {1} database file").format(d.exports, d.database_files)
        names = [c.name for c in d.counties]
        shown = "、".join(names[:COUNTIES_SHOWN])
        if len(names) > COUNTIES_SHOWN:
            shown = QCoreApplication.translate("LeadWindow", "{0} and {1} more").format(shown, len(names) - COUNTIES_SHOWN)
        values = [
            cells.cell(device),
            cells.cell(role_name(d.role)),
            cells.cell(d.inspector or "—"),
            cells.cell(exports, right=True),
            cells.cell("—" if d.last_export is None else QCoreApplication.translate("LeadWindow", "no. {0}").format(d.last_export),
                       right=True),
            cells.cell("—" if d.last_merged_at is None else d.last_merged_at.strftime("%Y-%m-%d %H:%M")),
            cells.cell(""),  # _show_since
            cells.cell(missing(d.gaps)),
            cells.cell(d.items, right=True),
            cells.cell(shown or "—"),
        ]
        values[0].setToolTip(QCoreApplication.translate("LeadWindow", "Device {0}, key {1}").format(
            d.device_id, show_fingerprint(d.fingerprint)))
        values[9].setToolTip("、".join(names))
        if d.gaps:
            values[7].setForeground(HARD)
            values[7].setToolTip(QCoreApplication.translate(
                "LeadWindow", "Exports numbered below the last one received that never reached this master"))
        if d.revoked:
            for value in values:
                value.setForeground(REVOKED)
            values[0].setToolTip(QCoreApplication.translate(
                "LeadWindow", "Revoked {0}: its exports after no. {1} are refused; its work merged before stays"
            ).format("" if d.revoked_at is None else d.revoked_at.strftime("%Y-%m-%d %H:%M"), d.revoked_after or 0))
        return values

    def selected(self) -> DeviceStatus | None:
        rows = {i.row() for i in self.table.selectedItems()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self.statuses[row] if 0 <= row < len(self.statuses) else None

    @Slot()
    def _on_table_itemSelectionChanged(self) -> None:
        chosen = self.selected()
        self.revoke_button.setEnabled(chosen is not None and not chosen.this_device and not chosen.revoked)

    @Slot()
    def _on_revoke_button_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen.this_device or chosen.revoked:
            return
        who = chosen.inspector or role_name(chosen.role)
        asked = QMessageBox.warning(
            self, QCoreApplication.translate("LeadWindow", "Revoke device"),
            QCoreApplication.translate(
                "LeadWindow",
                "Revoke the device of {0} ({1}, key {2})?\n\nDo this for a lost or stolen laptop. Every file it exports "
                "after its last one merged here (no. {3}) will be refused, and the exports for the laptops are no longer "
                "sealed for it; what it brought before stays. This is not undone here: the inspector's next laptop is a new "
                "database, enrolled anew.",
            ).format(who, chosen.device_id[:8], show_fingerprint(chosen.fingerprint), chosen.last_export or 0),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel,
        )
        if asked != QMessageBox.StandardButton.Yes:
            return
        ws, device = self.ws, chosen.device_id
        self.revoke_button.setEnabled(False)
        self.ops.write(lambda: sync.revoke(ws, device), done=lambda _done: self.refresh())

    @Slot()
    def _on_recovery_button_clicked(self) -> None:
        chosen = files.open_file(
            self, "recovery", QCoreApplication.translate("LeadWindow", "A laptop's recovery file"),
            QCoreApplication.translate("LeadWindow", "Recovery files (recovery-*.bin);;All files (*)"),
        )
        if chosen is None:
            return
        from desktop.services import protection

        ws = self.ws
        self.recovery_button.setEnabled(False)

        def read() -> tuple[About, str, RecoveryLaptop]:
            about, code = protection.recovery_code(ws, chosen)
            return about, code, protection.recovery_laptop(ws, about.laptop)  # as the master knows it, as of now

        def shown(found: tuple[About, str, RecoveryLaptop]) -> None:
            self.recovery_button.setEnabled(True)
            if not self.ops.closed:  # (a box over a desk closing meanwhile: see Operations.show_failure)
                self.show_recovery_code(*found)

        def refused(exc: BaseException) -> None:
            self.recovery_button.setEnabled(True)
            self.ops.show_failure(exc)  # the file and why it gives no code (messages.reason); a bug logged

        self.ops.query(read, done=shown, failed=refused)

    def show_recovery_code(self, about: About, code: str, laptop: RecoveryLaptop) -> None:
        """The code, large and selectable, with whose laptop it opens and how to give it."""
        box = QMessageBox(QMessageBox.Icon.Information, QCoreApplication.translate("LeadWindow", "Recovery code"), "", parent=self)
        box.setObjectName("recovery-code-box")
        box.setTextFormat(Qt.TextFormat.RichText)
        fixed = html.escape(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family(), quote=True)
        box.setText(
            html.escape(QCoreApplication.translate("LeadWindow", "The recovery code of {0}'s laptop (device {1}, written {2}):")).format(
                html.escape(laptop.inspector or about.laptop[:8]), html.escape(about.laptop[:8]), html.escape(about.written[:10])
            )
            + f'<p style="font-family:\'{fixed}\'; font-size:15pt; font-weight:bold">{code}</p>'
        )
        said = QCoreApplication.translate(
            "LeadWindow",
            "This code opens that laptop's encrypted Yanshou files. Give it to its inspector only, in person or by telephone, "
            "to type when the laptop asks for the recovery code. Do not write it down or keep it: this window does not keep it.",
        )
        if (warning := messages.recovery_laptop_warning(laptop)) is not None:
            box.setIcon(QMessageBox.Icon.Warning)
            box.setText(f"{box.text()}<p><b>{html.escape(warning)}</b></p>")  # (a paragraph of its own, in bold)
        box.setInformativeText(said)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()

    def _show_since(self) -> None:
        now = self.clock()
        for row, d in enumerate(self.statuses):
            cell = self.table.item(row, SINCE_COLUMN)
            since = d.since(now)
            if since is None:
                cell.setText(QCoreApplication.translate("LeadWindow", "never") if d.role is DeviceRole.FIELD else "—")
            else:
                cell.setText(ago(since))
            late = d.role is DeviceRole.FIELD and (since is None or since >= LATE)
            cell.setForeground(WARNING if late else self.table.palette().text().color())

    @Slot()
    def _on_ticker_timeout(self) -> None:
        self._show_since()

