"""The desk's timeline: the campaign's milestones, how far the work has got towards each,
and what is due or overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from desktop.services import results as results_service
from desktop.ui import cells


def timeline_table() -> cells.Table:
    table = cells.table(
        [
            QCoreApplication.translate("LeadWindow", "Due"),
            QCoreApplication.translate("LeadWindow", "What"),
            QCoreApplication.translate("LeadWindow", "Progress"),
            QCoreApplication.translate("LeadWindow", "State"),
        ]
    )
    table.setObjectName("timeline")
    return table


def show_milestones(table: cells.Table, milestones: Sequence[results_service.MilestoneProgress], today: dt.date) -> None:
    with cells.refilling(table, len(milestones)):
        for r, m in enumerate(milestones):
            days = (m.due - today).days
            colour: QColor | None
            if m.finished:
                state, colour = QCoreApplication.translate("LeadWindow", "done"), QColor("#2e7d32")
            elif m.overdue(today):
                state, colour = QCoreApplication.translate("LeadWindow", "overdue by {0} days").format(-days), QColor("#c62828")
            elif days < 0:
                state, colour = QCoreApplication.translate("LeadWindow", "past, {0} days ago").format(-days), None
            elif days == 0:
                state, colour = QCoreApplication.translate("LeadWindow", "due today"), QColor("#b26a00")
            else:
                state = QCoreApplication.translate("LeadWindow", "in {0} days").format(days)
                colour = QColor("#b26a00") if days <= 3 else None
            if m.unit == "counties":
                progress = QCoreApplication.translate("LeadWindow", "{0} of {1} counties").format(m.done, m.of)
            elif m.unit == "problems":
                progress = QCoreApplication.translate("LeadWindow", "{0} of {1} problems rectified").format(m.done, m.of)
            else:
                progress = ""
            for c, value in enumerate((m.due.isoformat(), m.name, progress, state)):
                cell = cells.cell(value)
                if colour is not None:
                    cell.setForeground(colour)
                table.setItem(r, c, cell)
