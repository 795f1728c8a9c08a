"""The search box (desktop.ui.search) with pytest-qt: typing searches once, a quarter of a
second after the last key, off the GUI thread (the autouse guard watches); the hits drop down;
Enter or a click picks one and `chosen` carries it; an answer to an older query is dropped."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.core.search import HitKind
from desktop.services import inspection, search, workspace
from desktop.services.search import Hit
from desktop.ui import search as search_box
from desktop.ui.operations import Operations, on_gui_thread
from desktop.ui.search import SearchBox

COUNTY = "341502"
# the offscreen platform's, when a window and the popup show (a popup raises itself and grabs the keyboard)
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "raise", "grabbing the keyboard")


@pytest.fixture
def written(field: workspace.Workspace) -> workspace.Workspace:
    for item, words, mode in (
        ("1.1.1", "领导小组会议纪要齐全,政务公开台账不全", InspectionMode.REPORT),
        ("1.2.1", "试点方案已印发,台账待补", InspectionMode.MATERIALS),
    ):
        inspection.save_item(field, COUNTY, item, score=Decimal("1"), comment="",
                             findings=[inspection.Finding(mode, words, FindingStatus.PARTLY_MET)])
    return field


@pytest.fixture
def box(qtbot, written: workspace.Workspace) -> Iterator[SearchBox]:  # type: ignore[no-untyped-def]
    window = QWidget()
    qtbot.addWidget(window)
    ops = Operations(window)
    made = SearchBox(ops, written, window)
    QVBoxLayout(window).addWidget(made)
    window.resize(600, 80)
    window.show()
    qtbot.waitExposed(window)
    made.setFocus()
    yield made
    made.popup().hide()
    ops.wait()


def type_text(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type as the inspector does: Latin keys one by one, Chinese committed by the input method
    (QTest cannot press keys outside ASCII)."""
    for run in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        if run.isascii():
            qtbot.keyClicks(widget, run)
        else:
            for character in run:  # a character at a time, as an input method may commit them
                event = QInputMethodEvent()
                event.setCommitString(character)
                QCoreApplication.sendEvent(widget, event)


def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Each search the box asks for: its text, and whether it ran on the GUI thread."""
    asked: list[tuple[str, bool]] = []
    real = search.search

    def counted(ws: workspace.Workspace, text: str, **kw: int) -> list[Hit]:
        asked.append((text, on_gui_thread()))
        return real(ws, text, **kw)

    monkeypatch.setattr(search, "search", counted)
    return asked


def test_typing_searches_once_after_the_last_key_and_the_hits_drop_down(qtbot, box: SearchBox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked = calls(monkeypatch)
    with qtbot.waitSignal(box.answered, timeout=5000) as answered:
        type_text(qtbot, box, "台账")
    assert answered.args == [2]
    assert asked == [("台账", False)]  # one search for the two keys, on a reader thread
    qtbot.waitUntil(box.popup().isVisible)
    assert box.model.rowCount() == 2
    first = box.model.index(0).data()
    assert "台账" in first and "金安区" in first and "1.1.1" in first
    assert "张三" not in first  # a laptop's own name is not repeated on every line
    assert box.model.index(0).data(search_box.HIT_ROLE).item == "1.1.1"


def test_enter_picks_the_highlighted_hit(qtbot, box: SearchBox) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(box.answered, timeout=5000):
        type_text(qtbot, box, "台账")
    qtbot.waitUntil(box.popup().isVisible)
    popup = box.popup()
    popup.setCurrentIndex(box._completer.completionModel().index(1, 0))  # the arrows' doing
    with qtbot.waitSignal(box.chosen, timeout=5000) as chosen:
        qtbot.keyClick(popup, Qt.Key.Key_Return)  # keys go to the open popup, which hands the rest to the box
    hit = chosen.args[0]
    assert isinstance(hit, Hit) and (hit.kind, hit.item, hit.mode) == (HitKind.FINDING, "1.2.1", InspectionMode.MATERIALS)
    assert hit.record_id
    assert not popup.isVisible()


def test_a_click_picks_a_hit(qtbot, box: SearchBox) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(box.answered, timeout=5000):
        type_text(qtbot, box, "公开台账")
    qtbot.waitUntil(box.popup().isVisible)
    popup = box.popup()
    index = box._completer.completionModel().index(0, 0)
    with qtbot.waitSignal(box.chosen, timeout=5000) as chosen:
        qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualRect(index).center())
    assert chosen.args[0].snippet == "领导小组会议纪要齐全,政务公开台账不全"


def test_enter_before_the_hits_takes_the_first(qtbot, box: SearchBox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked = calls(monkeypatch)
    type_text(qtbot, box, "待补")
    with qtbot.waitSignal(box.chosen, timeout=5000) as chosen:
        qtbot.keyClick(box, Qt.Key.Key_Return)  # within the quarter second: no popup yet
    assert chosen.args[0].item == "1.2.1"
    assert asked == [("待补", False)]


def test_nothing_found_says_so_and_picks_nothing(qtbot, box: SearchBox, zh: bool) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(box.answered, timeout=5000) as answered:
        type_text(qtbot, box, "没有这些字")
    assert answered.args == [0]
    assert box.model.rowCount() == 1 and not box.model.flags(box.model.index(0)) & Qt.ItemFlag.ItemIsEnabled
    said = box.model.index(0).data()
    assert said == ("没有找到“没有这些字”" if zh else "Nothing found for “没有这些字”")
    with qtbot.assertNotEmitted(box.chosen, wait=300):
        qtbot.keyClick(box.popup(), Qt.Key.Key_Return)
    box.clear()
    assert box.model.rowCount() == 0 and not box.popup().isVisible()


def test_an_answer_to_an_older_query_is_dropped(qtbot, box: SearchBox, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    real = search.search

    def slow(ws: workspace.Workspace, text: str, **kw: int) -> list[Hit]:
        if text == "台账":
            release.wait(5)
        return real(ws, text, **kw)

    monkeypatch.setattr(search, "search", slow)
    type_text(qtbot, box, "台账")
    box.search_now()  # the first query, held back on its thread
    box.setText("纪要")
    with qtbot.waitSignal(box.answered, timeout=5000) as answered:
        box.search_now()
    assert answered.args == [1]
    with qtbot.assertNotEmitted(box.answered, wait=300):
        release.set()
        qtbot.waitUntil(lambda: not box._ops.busy, timeout=5000)
    assert [h.item for h in box.model.hits] == ["1.1.1"]


def test_the_hit_model_keeps_qts_rules(qtbot, box: SearchBox, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(box.answered, timeout=5000):
        type_text(qtbot, box, "台账")
    qtmodeltester.check(box.model)
    box.model.set_hits([], "无")
    qtmodeltester.check(box.model)


def test_the_labels_say_what_and_where(written: workspace.Workspace, zh: bool) -> None:
    [finding] = [h for h in search.search(written, "纪要") if h.kind is HitKind.FINDING]
    [item] = [h for h in search.search(written, "1.1.1") if h.kind is HitKind.ITEM]
    if zh:
        shown = search_box.label(finding, show_inspector=False)
        assert shown == "检查发现 · 金安区 · 1.1.1 · 听取汇报：领导小组会议纪要齐全,政务公开台账不全"
        assert search_box.label(finding).startswith("检查发现 · 金安区 · 1.1.1 · 张三 · 听取汇报：")
        assert search_box.label(item).startswith("指标 1.1.1：试点县区成立试点领导小组")
    else:
        shown = search_box.label(finding, show_inspector=False)
        assert shown == "Finding · 金安区 · 1.1.1 · Briefing: 领导小组会议纪要齐全,政务公开台账不全"
        assert search_box.label(finding).startswith("Finding · 金安区 · 1.1.1 · 张三 · Briefing: ")
        assert search_box.label(item).startswith("Item 1.1.1: 试点县区成立试点领导小组")
    assert QCoreApplication.translate("SearchBox", "Inspector") in {"Inspector", "检查员"}
