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
