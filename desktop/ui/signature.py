"""Signing a county's record: where and when it was inspected (检查地点, 检查日期, as the
record prints them), then a pad for pen or mouse, for the inspector and for the county's
liaison (被检查单位负责人). A signature made before the record changed shows as needing a
new one. The dialog reads and writes through its window's operations: the signatures are
read off the GUI thread, a signature is written on the window's one writer, the place and
dates as the window writes one record (on its undo stack), and what a write changed tells
the window to redraw its signature state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen, QTabletEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import KnownDatabaseError
from desktop import paths
from desktop.core import visits as visit_rules
from desktop.core.devices import shown_time
from desktop.core.errors import InputError
from desktop.core.numbers import canonical
from desktop.core.visits import Visit
from desktop.services import inspection, visits
from desktop.services.changes import Changes
from desktop.services.workspace import Workspace
from desktop.ui.dates import day_edit, day_of, set_day
from desktop.ui.messages import explain, visit_problem
from desktop.ui.operations import Operations
from desktop.ui.preferences import Preferences
from desktop.ui.tone import Tone, say

PAD_SIZE = (560, 220)


class SignaturePad(QWidget):
    """Strokes drawn with a pen (tablet) or mouse, kept as vectors in 0…1 of the pad."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature-pad")
        self.setFixedSize(*PAD_SIZE)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.strokes: list[list[tuple[float, float]]] = []
        self._drawing = False

    def clear(self) -> None:
        self.strokes.clear()
        self.update()

    def _add(self, point: QPointF, start: bool) -> None:
        x = min(1.0, max(0.0, point.x() / self.width()))
        y = min(1.0, max(0.0, point.y() / self.height()))
        if start:
            self.strokes.append([(x, y)])
        elif self.strokes:
            self.strokes[-1].append((x, y))
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._drawing = True
        self._add(event.position(), True)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drawing:
            self._add(event.position(), False)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drawing = False

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._drawing = True
            self._add(event.position(), True)
        elif kind == QTabletEvent.Type.TabletMove and self._drawing:
            self._add(event.position(), False)
        elif kind == QTabletEvent.Type.TabletRelease:
            self._drawing = False
        event.accept()

    def _paint(self, painter: QPainter, width: int, height: int) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#10306b"), max(2.0, width / 220), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        for stroke in self.strokes:
            path = QPainterPath(QPointF(stroke[0][0] * width, stroke[0][1] * height))
            for x, y in stroke[1:]:
                path.lineTo(QPointF(x * width, y * height))
            if len(stroke) == 1:
                painter.drawPoint(path.currentPosition())
            else:
                painter.drawPath(path)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QPen(QColor("#c0c0c0"), 1, Qt.PenStyle.DashLine))
        baseline = int(self.height() * 0.75)
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        self._paint(painter, self.width(), self.height())
        painter.end()

    def png(self, scale: int = 2) -> bytes:
        """The signature as a PNG, transparent background, at twice the pad's size."""
        image = QImage(self.width() * scale, self.height() * scale, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self._paint(painter, image.width(), image.height())
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())


class PadDialog(QDialog):
    def __init__(self, parent: QWidget | None, role_label: str, name: str, post: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign as {0}").format(role_label))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.name.setObjectName("signer-name")
        form.addRow(self.tr("Name"), self.name)
        self.post = QLineEdit(post or "")  # the liaison's 职务; an inspector signs as inspector
        self.post.setObjectName("signer-post")
        self.post.setPlaceholderText(self.tr("e.g. 县政府办公室副主任"))
        if post is not None:
            form.addRow(self.tr("Post"), self.post)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Sign in the box with the pen or the mouse:")))
        self.pad = SignaturePad()
        layout.addWidget(self.pad)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        clear = buttons.addButton(self.tr("Clear"), QDialogButtonBox.ButtonRole.ResetRole)
        clear.clicked.connect(self.pad.clear)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.name.text().strip():
            QMessageBox.warning(self, self.windowTitle(), self.tr("Please enter the signer's name."))
            return
        if not any(len(s) > 1 for s in self.pad.strokes):
            QMessageBox.warning(self, self.windowTitle(), self.tr("The signature box is empty."))
            return
        self.accept()


def role_label(role: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return {
        "inspector": QCoreApplication.translate("Vocabulary", "Inspector"),
        "liaison": QCoreApplication.translate("Vocabulary", "Head of the inspected unit"),
    }[role]


class SignDialog(QDialog):
    """The county's two signatures: who signed, when, and whether the record changed since."""

    def __init__(
        self, parent: QWidget | None, ws: Workspace, county: str, county_name: str, ops: Operations | None = None, *,
        record: Callable[..., None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws, self.county = ws, county
        self.ops = ops if ops is not None else Operations(self)  # the window's; a dialog of its own has its own
        self.record = record  # the window's write of one record onto its undo stack (MainWindow._undoable)
        self.ops.changed.connect(self._on_changed)
        self.setWindowTitle(self.tr("Signatures — {0}").format(county_name))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("The record of {0} is signed by the inspector and by the head of the inspected unit. "
                               "After any change it must be signed again.").format(county_name))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self._visit_box())
        # what a signature now signs, read off the GUI thread
        self.signing = QLabel(self.tr("Reading the record…"))
        self.signing.setObjectName("signing-summary")
        self.signing.setWordWrap(True)
        self.signing.setStyleSheet("padding: 6px; background: #f3f6fa;")
        layout.addWidget(self.signing)
        self.summary: inspection.RecordSummary | None = None
        self.grid = QGridLayout()
        layout.addLayout(self.grid)
        self.states: dict[str, QLabel] = {}
        for row, role in enumerate(inspection.SIGNER_ROLES):
            self.grid.addWidget(QLabel(role_label(role)), row, 0)
            state = QLabel()
            state.setWordWrap(True)
            state.setMinimumWidth(300)
            state.setObjectName(f"signature-state-{role}")
            self.states[role] = state
            self.grid.addWidget(state, row, 1)
            button = QPushButton(self.tr("Sign…"))
            button.setObjectName(f"sign-{role}")
            button.clicked.connect(lambda _c=False, r=role: self.sign(r))
            self.grid.addWidget(button, row, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    # --- where and when ----------------------------------------------------------------

    def _visit_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Place and dates of inspection (printed on the record as entered)"))
        form = QFormLayout(box)
        self.place = QLineEdit()
        self.place.setObjectName("visit-place")
        self.place.setMaxLength(visit_rules.MAX_PLACE)
        self.place.setPlaceholderText(self.tr("e.g. 金安区政务服务中心"))
        form.addRow(self.tr("Place of inspection"), self.place)
        days = QHBoxLayout()
        self.first_day, self.last_day = day_edit("visit-first"), day_edit("visit-last")
        days.addWidget(self.first_day)
        days.addWidget(QLabel(self.tr("to")))
        days.addWidget(self.last_day)
        days.addStretch(1)
        form.addRow(self.tr("Dates of inspection"), days)
        row = QHBoxLayout()
        self.visit_state = QLabel(self.tr("Reading…"))
        self.visit_state.setObjectName("visit-state")
        self.visit_state.setWordWrap(True)
        row.addWidget(self.visit_state, 1)
        self.save_visit = QPushButton(self.tr("Save place and dates"))
        self.save_visit.setObjectName("visit-save")
        self.save_visit.clicked.connect(self._save_visit)
        row.addWidget(self.save_visit)
        form.addRow(row)
        self.stored: Visit | None = None
        self._visit_read = False
        for edit in (self.place.textChanged, self.first_day.dateChanged, self.last_day.dateChanged):
            edit.connect(self._visit_edited)
        return box

    def _entered(self) -> Visit:
        return Visit(" ".join(self.place.text().split()), day_of(self.first_day), day_of(self.last_day))

    def visit_dirty(self) -> bool:
        """Typed and not saved: a place or dates other than those stored (or, with none stored, a place)."""
        if not self._visit_read:
            return False
        entered = self._entered()
        return entered != self.stored if self.stored is not None else bool(entered.place)

    def _show_visit(self, found: tuple[Visit | None, Visit]) -> None:
        if not shiboken6.isValid(self):
            return
        stored, offered = found
        if self._visit_read and self.visit_dirty():  # the inspector's typing stays
            return
        self.stored, self._visit_read = stored, True
        shown = stored or offered
        self.place.setText(shown.place)
        set_day(self.first_day, shown.first_day)
        set_day(self.last_day, shown.last_day)
        self._visit_edited()

    def _visit_edited(self) -> None:
        if not self._visit_read:
            return
        dirty = self.visit_dirty()
        self.save_visit.setEnabled(dirty)
        if dirty:
            say(self.visit_state, self.tr("Not saved yet"), Tone.WARN)
        elif self.stored is None:
            say(self.visit_state, self.tr("Not entered: the record prints 未填写"), Tone.MISSING)
        else:
            say(self.visit_state, self.tr("Saved"), Tone.GOOD)

    def _save_visit(self) -> None:
        entered = self._entered()
        wrong = visit_rules.refusal(entered.payload(self.county, self.ws.identity.inspector or ""))
        if wrong is not None:  # the one rule, asked before the write (the service and the merge ask it too)
            say(self.visit_state, visit_problem(wrong[0]), Tone.BAD)
            return
        ws, county = self.ws, self.county

        def write() -> Changes:
            return visits.save(ws, county, entered.place, entered.first_day, entered.last_day)

        before, self.stored = self.stored, entered  # on its way to the disk: read back after the write

        def refused(exc: BaseException) -> None:
            if shiboken6.isValid(self):
                self.stored = before
                self._visit_edited()

        self._visit_edited()
        if self.record is not None:  # said by the window, and undone from its stack
            who = ws.identity.inspector or ""
            self.record(
                write, self.tr("place and dates of inspection"), entity="visit", record_id=visits.visit_id(ws, county, who),
                failed=refused,
            )
        else:
            def failed(exc: BaseException) -> None:
                refused(exc)
                self._refused(exc)

            self.ops.write(write, done=lambda _changes: self._signed(), failed=failed)

    def _on_changed(self, changes: Any) -> None:
        if shiboken6.isValid(self) and changes.touches(county=self.county):
            self.refresh()

    def reject(self) -> None:
        """Close (or Esc) with a place or dates typed and not saved asks first."""
        if self.visit_dirty() and QMessageBox.question(
            self, self.windowTitle(), self.tr("The place and dates of inspection you typed are not saved. Close and discard them?"),
        ) != QMessageBox.StandardButton.Yes:
            return
        super().reject()

    # --- signatures ------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the signatures, what they would sign again and the place and dates (queries);
        the labels follow."""
        ws, county = self.ws, self.county
        self.ops.query(lambda: inspection.signatures(ws, county), done=self._show)
        self.ops.query(lambda: inspection.summary(ws, county), done=self._show_summary)
        self.ops.query(lambda: (visits.visit(ws, county), visits.suggested(ws, county)), done=self._show_visit)

    def _show_summary(self, summary: inspection.RecordSummary) -> None:
        if not shiboken6.isValid(self):
            return
        self.summary = summary
        said = self.tr("Being signed: {0} of {1} items scored, {2} of {3} points; {4} problems; {5} evidence files.").format(
            summary.scored, summary.items, canonical(summary.score) if summary.score is not None else "0", canonical(summary.points),
            summary.problems, summary.evidence,
        )
        if summary.unscored:
            said += " " + self.tr("{0} items are not scored yet.").format(summary.unscored)
        self.signing.setText(said)
        self.signing.setStyleSheet("padding: 6px; background: #fff3cd;" if summary.unscored else "padding: 6px; background: #f3f6fa;")

    def settled(self) -> bool:
        return not self.ops.busy

    def _show(self, signed: dict[str, inspection.Signature]) -> None:
        if not shiboken6.isValid(self):  # closed and gone meanwhile
            return
        for role, label in self.states.items():
            found = signed.get(role)
            if found is None:
                say(label, self.tr("Not signed"), Tone.QUIET)
            elif found.current:
                say(label, self.tr("Signed by {0}, {1}").format(found.signer_name, shown_time(found.signed_at)), Tone.GOOD)
            else:
                say(label, self.tr("Record changed since {0} signed: sign again").format(found.signer_name), Tone.BAD)

    def sign(self, role: str) -> None:
        if self.visit_dirty():
            QMessageBox.information(
                self, self.windowTitle(), self.tr("Save the place and dates of inspection first: the signature signs them."),
            )
            return
        if self._visit_read and self.stored is None and QMessageBox.question(
            self, self.windowTitle(),
            self.tr("The place and dates of inspection are not entered: the record prints 未填写. Sign all the same?"),
        ) != QMessageBox.StandardButton.Yes:
            return
        if self.summary is not None and self.summary.unscored and QMessageBox.question(
            self, self.windowTitle(),
            self.tr("{0} of the {1} items are not scored. Sign the record as it is?").format(self.summary.unscored, self.summary.items),
        ) != QMessageBox.StandardButton.Yes:
            return
        prefs = Preferences()
        if role == "inspector":
            name, post = self.ws.identity.inspector or "", None
        else:  # the liaison who signed here last, and their post, offered again
            name, post = prefs.liaison(self.ws.path, self.county)
        pad = PadDialog(self, role_label(role), name, post)
        if pad.exec() != QDialog.DialogCode.Accepted:
            return
        strokes = [[list(p) for p in stroke] for stroke in pad.pad.strokes]
        signer, png = pad.name.text().strip(), pad.pad.png()
        if role != "inspector":
            prefs.remember_liaison(self.ws.path, self.county, signer, pad.post.text().strip())
            if pad.post.text().strip():
                signer = f"{signer}（{pad.post.text().strip()}）"  # printed with the name on the record
        ws, county = self.ws, self.county

        def write() -> Changes:
            inspection.sign(ws, county, signer_role=role, signer_name=signer, strokes=strokes, png=png)
            return Changes.of("signature", [(county, "")])

        self.ops.write(write, done=lambda _changes: self._signed(), failed=self._refused)

    def _signed(self) -> None:
        if shiboken6.isValid(self):
            self.refresh()

    def _refused(self, exc: BaseException) -> None:
        """Shown, never a traceback (a bug is logged too)."""
        if not isinstance(exc, InputError | KnownDatabaseError | OSError):
            paths.log_error(exc)
        if shiboken6.isValid(self):
            QMessageBox.critical(self, self.windowTitle(), explain(exc))
