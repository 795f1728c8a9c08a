"""The screens the window must fit: the smallest is 1366×768 at 125 % scaling."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

# 1366×768 at 125 % is 1092×614 logical pixels; less Windows' taskbar and a dialog's title
# bar, what a window's content may take.
SMALL_SCREEN = (1092, 540)


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Size a window or dialog as asked, or smaller where the screen is: it never opens
    larger than the screen it is on."""
    screen = widget.screen()
    if screen is not None:
        available = screen.availableGeometry()
        width, height = min(width, available.width() - 16), min(height, available.height() - 40)
    widget.resize(width, height)
