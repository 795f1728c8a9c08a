"""A day as the windows take it: one date field (a calendar to pick from, written
yyyy-MM-dd as the documents print it, within the years the program accepts), for a
problem's deadline, the campaign's milestones and the days of an inspection."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

from desktop.core.campaign_settings import FIRST_YEAR, LAST_YEAR


def day_edit(name: str, day: dt.date | None = None, parent: QWidget | None = None) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDateRange(QDate(FIRST_YEAR, 1, 1), QDate(LAST_YEAR, 12, 31))
    edit.setMinimumWidth(140)
    set_day(edit, day or dt.date.today())
    return edit


def set_day(edit: QDateEdit, day: dt.date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


def day_of(edit: QDateEdit) -> dt.date:
    return dt.date(*edit.date().getDate())


__all__ = ["day_edit", "day_of", "set_day"]
