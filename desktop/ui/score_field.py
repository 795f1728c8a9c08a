"""The inspector's score field: it takes only a score the rules allow (SPEC §3, from 0 to the
item's points in steps of 0.5 — the core's one check), and says the range and the step when
it refuses a keystroke, instead of taking 1.3 or swallowing a 7 without a word."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtGui import QFocusEvent, QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

from desktop.core.numbers import canonical, parse_decimal
from desktop.core.scoring import score_problem

UNSCORED = -0.5  # the value that shows as "not scored" (the special value text)


class ScoreField(QDoubleSpinBox):
    refused = Signal(str)  # a keystroke was refused: why (the range and the step)
    reverted = Signal(str)  # a score cut short by a refused keystroke was not taken (settle): what happened

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(1)
        self.setSingleStep(0.5)
        self.setMinimum(UNSCORED)
        self.setKeyboardTracking(True)
        self._typing_from = UNSCORED  # the value before the keystrokes since the field was last settled
        self._refused: str | None = None  # the text a refused keystroke would have made, until one made good
        self.lineEdit().textEdited.connect(self._made_good)  # (the user's keystrokes taken: not a text set, not Return's)

    def _made_good(self, text: str) -> None:
        """A keystroke after a refusal that leaves a score the rules allow (1.5 after 1.3): it stands."""
        value = parse_decimal(text.strip())
        if value is not None and not text.strip().endswith(".") and score_problem(value, self.points) is None:
            self._refused = None

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.settled()
        super().focusInEvent(event)

    def settled(self) -> None:
        """What the field holds now (a record shown, a score written) is where typing starts from."""
        self._typing_from, self._refused = self.value(), None

    def settle(self) -> bool:
        """Before the field's value is written: after a refused keystroke not made good by the
        next ones, what the field shows is a number cut short (1.3 typed on a 3-point item shows
        1., which is 1), not the score the inspector meant; the score is left as it was, and
        `reverted` says so. True when the value stands."""
        typed = self._refused
        if typed is None:
            return True
        self.setValue(self._typing_from)
        self.settled()
        self.reverted.emit(self.tr("{0} is not a score here ({1}): the score was left as it was").format(typed, self.rule()))
        return False

    @property
    def points(self) -> Decimal:
        return Decimal(str(self.maximum()))

    def rule(self) -> str:
        """The field's range and step in the user's words: "0–3, in steps of 0.5"."""
        return self.tr("{0}–{1}, in steps of 0.5").format(0, canonical(self.points))

    def validate(self, text: str, pos: int) -> object:
        typed = text.strip()
        if typed == self.specialValueText() or typed == "":
            return QValidator.State.Intermediate if typed == "" else QValidator.State.Acceptable
        value = parse_decimal(typed)
        if value is None:
            state = QValidator.State.Intermediate if typed in {".", "-"} else QValidator.State.Invalid
        elif typed.endswith(".") and value <= self.points:
            state = QValidator.State.Intermediate  # "2." on the way to "2.5"
        elif score_problem(value, self.points) is None:
            state = QValidator.State.Acceptable
        else:
            state = QValidator.State.Invalid
        if state is QValidator.State.Invalid:
            self._refused = typed
            self._refuse()
        return state

    def _refuse(self) -> None:
        self.refused.emit(self.tr("Scores here are {0}").format(self.rule()))
