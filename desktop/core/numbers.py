"""Exact decimal arithmetic for scores: parsing, the 0.5 grid, half-up rounding."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
HALF = Decimal("0.5")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_decimal(text: object) -> Decimal | None:
    """A plain decimal number ("3", "2.5", " 70.50 "), or None when it is not one.

    Exponents, NaN, infinities and thousands separators are refused: a score sheet has
    no business writing them, and accepting "1e1" would hide a typing mistake.
    Integers and floats (from a spreadsheet cell) are taken by their shortest text.
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        text = repr(text)
    if not isinstance(text, str):
        return None
    stripped = text.strip()
    if not _PLAIN.match(stripped):
        return None
    try:
        return Decimal(stripped)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
        return None


def on_half_grid(value: Decimal) -> bool:
    """True for 0, 0.5, 1, 1.5, …"""
    return (value / HALF) == (value / HALF).to_integral_value()


def places(value: Decimal) -> int:
    """How many digits `value` has after the point, as written ("2.50" has 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def round_half_up(value: Decimal, quantum: Decimal = CENT) -> Decimal:
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def round_count(value: Decimal) -> int:
    """Round a count half up to a whole number (2.5 counties → 3)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def show(value: Decimal) -> str:
    """The displayed form of a score: two places, half up ("85.125" → "85.13")."""
    return str(round_half_up(value))


def canonical(value: Decimal) -> str:
    """A decimal's canonical text: no exponent, no trailing zeros ("2.50" → "2.5")."""
    normal = value.normalize()
    if normal == 0:
        return "0"
    text = format(normal, "f")
    return text


def signed(value: Decimal) -> str:
    """A change as shown beside a total: its sign always written ("+0.50", "-1.00", "0.00")."""
    shown = round_half_up(value)
    return f"+{shown}" if shown > 0 else str(shown)
