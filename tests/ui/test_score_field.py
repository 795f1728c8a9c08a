"""The score field takes only scores on the grid (0 to the item's points, steps of 0.5) and
says the range and the step when it refuses a keystroke."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.ui.score_field import UNSCORED, ScoreField


@pytest.fixture
def box(qtbot):  # type: ignore[no-untyped-def]
    widget = ScoreField()
    widget.setSpecialValueText("未评分")
    widget.setRange(UNSCORED, 3.0)  # a 3-point item
    widget.setValue(UNSCORED)
    qtbot.addWidget(widget)
    widget.show()
    widget.setFocus()
    return widget


def typed(qtbot, box: ScoreField, keys: str) -> list[str]:  # type: ignore[no-untyped-def]
    said: list[str] = []
    box.refused.connect(said.append)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, keys)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    return said


@pytest.mark.parametrize(("keys", "value"), [("2.5", 2.5), ("0", 0.0), ("3", 3.0), ("1.5", 1.5)])
def test_scores_on_the_grid_are_taken(qtbot, box: ScoreField, keys: str, value: float) -> None:  # type: ignore[no-untyped-def]
    assert typed(qtbot, box, keys) == []
    assert box.value() == value


@pytest.mark.parametrize(("keys", "value"), [("1.3", 1.0), ("2.3", 2.0), ("7", UNSCORED), ("3.5", 3.0)])
def test_a_score_off_the_grid_is_refused_with_the_rule(qtbot, box: ScoreField, keys: str, value: float) -> None:  # type: ignore[no-untyped-def]
    said = typed(qtbot, box, keys)
    assert box.value() == value  # the refused keystroke never reached the field
    assert said and all("0–3，步长 0.5" in s for s in said)  # in the window's words: the range and the step


def test_a_score_cut_short_by_a_refused_keystroke_is_not_taken_and_one_made_good_is(qtbot, box: ScoreField) -> None:  # type: ignore[no-untyped-def]
    """1.3 typed shows 1. (which is 1): before it is written, the field goes back to what it held,
    and says why; a keystroke after the refusal that makes a score on the grid stands."""
    box.setValue(3.0)
    box.settled()
    told: list[str] = []
    box.reverted.connect(told.append)
    typed(qtbot, box, "1.3")
    assert box.value() == 1.0  # what the field shows meanwhile
    assert not box.settle()
    assert box.value() == 3.0 and len(told) == 1 and "1.3" in told[0] and "0–3" in told[0]
    assert box.settle()  # once said, settled
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "1.3")
    qtbot.keyClicks(box, "5")  # the inspector goes on: 1.5
    assert box.settle() and box.value() == 1.5 and len(told) == 1
