"""Exact decimal arithmetic for scores: parsing, the 0.5 grid, half-up rounding."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction

CENT = Decimal("0.01")
HALF = Decimal("0.5")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．＋－", "0123456789.+-")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)  # ASCII digits only: "١" and "１" are \d too


def parse_decimal(text: object) -> Decimal | None:
    """A plain decimal number ("3", "2.5", " 70.50 "), or None when it is not one.

    Exponents, NaN, infinities, thousands separators and digits of other scripts than ASCII
    (full width excepted) are refused: a score sheet has
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
    # full-width digits and point, as a Chinese input method types them ("８５．５"), are the
    # ASCII ones; other scripts' digits are no number here (what is stored is held to the
    # program's own spelling apart: desktop.core.validity)
    stripped = text.translate(_FULL_WIDTH).strip()
    if not _PLAIN.match(stripped):
        return None
    try:
        return Decimal(stripped)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
        return None


def on_half_grid(value: Decimal) -> bool:
    """True for 0, 0.5, 1, 1.5, … — exactly, however many digits the value has (within the
    default 28 digits of precision, 0.4999… with 30 nines rounded onto the grid)."""
    digits = len(value.as_tuple().digits)
    if digits < 27:  # (doubling is exact within the default precision: the usual case, 4 times quicker)
        doubled = value * 2
    else:
        with localcontext() as exact:
            exact.prec = digits + 2
            doubled = value * 2
    return doubled == doubled.to_integral_value()


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


# A score is a decimal of a few places (an inspector's, a sheet's, the lead's) or the mean of
# some (k / 2n for n inspectors), which a Decimal holds exactly when it ends (1.25) and only to
# 28 digits when it does not (a third). Summed as they are, means that make exactly 48 come to
# 47.99…98, and a total of exactly 64.005 printed 64.00 (a rank and a grade lost at a tie):
# sums of scores are made of the fractions the scores stand for (`exact`), once.
FRACTION_LIMIT = 10**6


def exact(value: Decimal) -> Fraction:
    """The fraction a score stands for: the score itself when it ends within six places; a mean
    a Decimal holds to 28 digits only (a third) as the fraction with a denominator of at most
    FRACTION_LIMIT nearest to it, which is the mean's own (k / 2n: any other such fraction is
    10⁻¹² away or more, the Decimal's error 10⁻²⁷ at most)."""
    return Fraction(value).limit_denominator(FRACTION_LIMIT)


def decimal_of(value: Fraction) -> Decimal:
    """A fraction as a Decimal: exact when its decimals end (64.005), else to 28 digits, which
    is never on a rounding's boundary (a value exactly on it ends)."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """The sum of scores, of the fractions they stand for (`exact`): every face that adds
    scores up (a subtotal, a record's total, a county's inspection score) adds them here."""
    return decimal_of(sum((exact(v) for v in values), Fraction(0)))
