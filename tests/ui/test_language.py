"""The window speaks one language at a time: Qt's own words (file dialogs, the calendar's
months) in Chinese with ours, and the language switch says what it does in the language
the window speaks now."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QMessageBox

from desktop.ui.app import application


def test_qts_own_dialogs_and_calendar_speak_chinese(qtbot) -> None:  # type: ignore[no-untyped-def]
    application()
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    # the labels the file dialog shows carry accelerators, which Qt's own Chinese file lacks
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "查找范围(&L)："
    assert QCoreApplication.translate("QFileDialog", "Files of &type:") == "文件类型(&T)："
    assert QLocale().monthName(9) == "九月"  # the date picker's "September 2018"


def test_the_language_switch_says_it_in_one_language(qtbot, field, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QAction

    from desktop.ui.main_window import MainWindow
    from desktop.ui.preferences import Preferences

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, title, text, *a: said.append(title + text))
    window = MainWindow(field)
    qtbot.addWidget(window)
    window.findChild(QAction, "language").trigger()
    assert Preferences().language == "en"
    (message,) = said
    assert "英文" in message and not re.search(r"[A-Za-z]", message)
    qtbot.waitUntil(window.settled)


def test_counties_sort_in_pinyin_order(qtbot) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.labels import pinyin_order

    order = pinyin_order(["裕安区", "金安区", "霍邱县", "叶集区", "舒城县"])
    assert sorted(order, key=order.__getitem__) == ["霍邱县", "金安区", "舒城县", "叶集区", "裕安区"]
