"""Where inspectors disagree (SPEC §6 `spread`): per county and item scored by two or more,
each one's score, the spread, and a flag when it reaches the threshold; per inspector, how
far their scores sit from the others'.

A back-check comparison as survey practice makes it (IPA's bcstats, REDCap's double data
entry), for inspections: the lead reads where to look before adjudicating. Exact decimal
arithmetic throughout, as in scoring.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from desktop.core.campaign import Campaign
from desktop.core.errors import InputError
from desktop.core.indicators import IndicatorSet, Level
from desktop.core.scoring import InspectorScore

ZERO = Decimal(0)
THIRD = Decimal(3)  # the default threshold: a third of the item's points


def threshold(points: Decimal, minimum: Decimal | None = None) -> Decimal:
    """The spread at which an item is flagged: `minimum` when the lead gave one, else a
    third of the item's points (exact: 2 points → 2/3, so a spread of 0.5 is not flagged
    and one of 1 is)."""
    if minimum is not None:
        check_minimum(minimum)
        return minimum
    return points / THIRD


def check_minimum(minimum: Decimal) -> None:
    """A threshold the lead gives is a number of points from 0 up (InputError, code
    `bad_threshold`, otherwise)."""
    if not minimum.is_finite() or minimum < ZERO:
        raise InputError.single(
            "the threshold", "bad_threshold", f"a threshold is a number of points from 0 up, not {minimum}",
            params={"value": str(minimum)},
        )


@dataclass(frozen=True)
class ItemSpread:
    """One county's item scored by two or more inspectors."""

    county: str  # code
    item: str  # code
    points: Decimal
    scores: Mapping[str, Decimal]  # inspector → score, by name
    threshold: Decimal

    @property
    def spread(self) -> Decimal:
        """Highest minus lowest."""
        return max(self.scores.values()) - min(self.scores.values())

    @property
    def flagged(self) -> bool:
        """The spread reaches the threshold."""
        return self.spread >= self.threshold

    def others_mean(self, inspector: str) -> Decimal:
        """The mean of the other inspectors' scores of this item."""
        return _decimal(_others_mean(self, inspector))

    def difference(self, inspector: str) -> Decimal:
        """An inspector's score minus the mean of the others' (above 0: higher than them)."""
        return _decimal(_difference(self, inspector))


# A mean over three others is no finite decimal: the distances are worked out as fractions and
# rounded once, at the end, to Decimal's precision (a sum of rounded thirds drifts).
def _others_mean(row: ItemSpread, inspector: str) -> Fraction:
    others = [Fraction(s) for who, s in row.scores.items() if who != inspector]
    return sum(others, Fraction(0)) / len(others)


def _difference(row: ItemSpread, inspector: str) -> Fraction:
    return Fraction(row.scores[inspector]) - _others_mean(row, inspector)


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def spreads(campaign: Campaign, scores: Iterable[InspectorScore], minimum: Decimal | None = None) -> list[ItemSpread]:
    """Every county and item two or more inspectors scored, in the campaign's order of
    counties, then the indicator set's order of items. A score of a county or item the
    campaign does not hold (it has no points to measure against) is left out."""
    if minimum is not None:
        check_minimum(minimum)
    given: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    for s in scores:
        given[s.county, s.item][s.inspector] = s.score
    out = []
    for county in campaign.counties:
        for item in campaign.indicator_set.items:
            found = given.get((county.code, item.code), {})
            if len(found) >= 2:
                ordered = {who: found[who] for who in sorted(found)}
                out.append(ItemSpread(county.code, item.code, item.points, ordered, threshold(item.points, minimum)))
    return out


@dataclass(frozen=True)
class InspectorDeviation:
    """How far one inspector's scores sit from the others' on the items they scored with
    others: for each, the score minus the mean of the other inspectors' scores."""

    inspector: str
    compared: int  # county items scored with at least one other inspector
    mean_deviation: Decimal  # the mean of |own − others' mean|, in points
    mean_difference: Decimal  # the mean of (own − others' mean): above 0, scores higher than the others
    flagged: int  # of the compared items, those flagged


def deviations(rows: Iterable[ItemSpread]) -> list[InspectorDeviation]:
    """Every inspector who scored an item with others, the furthest from the others first
    (then by name)."""
    differences: dict[str, list[Fraction]] = defaultdict(list)
    flags: dict[str, int] = defaultdict(int)
    for row in rows:
        for who in row.scores:
            differences[who].append(_difference(row, who))
            flags[who] += row.flagged
    out = [
        InspectorDeviation(
            who, len(found), _decimal(sum((abs(d) for d in found), Fraction(0)) / len(found)),
            _decimal(sum(found, Fraction(0)) / len(found)), flags[who],
        )
        for who, found in differences.items()
    ]
    return sorted(out, key=lambda d: (-d.mean_deviation, d.inspector))


@dataclass(frozen=True)
class IndicatorSpread:
    """The disagreement under one first-level indicator (the tab's chart)."""

    code: str
    name: str
    compared: int  # county items scored by two or more
    flagged: int
    mean_spread: Decimal | None  # None: nothing compared
    largest: Decimal | None


def by_first_level(indicators: IndicatorSet, rows: Iterable[ItemSpread]) -> list[IndicatorSpread]:
    """The spreads gathered under each first-level indicator, in the set's order."""
    under: dict[str, list[ItemSpread]] = defaultdict(list)
    for row in rows:
        if indicators.find(row.item) is not None:
            under[indicators.ancestor(row.item, Level.FIRST).code].append(row)
    out = []
    for node in indicators.level(Level.FIRST):
        found = under.get(node.code, [])
        values = [r.spread for r in found]
        out.append(IndicatorSpread(
            node.code, node.name, len(found), sum(r.flagged for r in found),
            sum(values, ZERO) / len(values) if values else None, max(values) if values else None,
        ))
    return out
