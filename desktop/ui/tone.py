"""How a state is said in a label: its words and one colour per meaning, the same in every
window (done, wrong, needs a look, nothing yet)."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtWidgets import QLabel


class Tone(StrEnum):
    GOOD = "color: #1a7f37;"  # signed, saved: nothing to do
    BAD = "color: #c62828; font-weight: bold;"  # changed since signed, refused: do something
    WARN = "color: #b26a00;"  # partly done, not saved yet: worth a look
    QUIET = "color: #888;"  # nothing yet
    MISSING = "color: #c62828;"  # not there yet, and it should be (said, not shouted)


def say(label: QLabel, text: str, tone: Tone) -> None:
    label.setText(text)
    label.setStyleSheet(tone.value)


__all__ = ["Tone", "say"]
