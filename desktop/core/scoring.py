"""Scoring and grading, exactly as SPEC §3 says (decimal arithmetic throughout).

Per item and county, the inspection score is the mean of the inspectors who scored it,
unless the lead adjudicated it; a county's inspection score is the sum over the items.
The weighted total takes each method's weight from the campaign, plus any adjustment the
lead recorded. Counties are ranked on the total as printed (two places, half up), equal
totals sharing a rank, and graded by proportion or by bands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from desktop.core.campaign import BandsRule, Campaign, Grade, GradingRule, Method, MethodSource, ProportionRule
from desktop.core.indicators import Indicator, IndicatorSet
from desktop.core.numbers import decimal_of, exact, exact_sum, on_half_grid, round_count, round_half_up

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class InspectorScore:
    """One inspector's score of one item in one county (counties and items by code)."""

    county: str
    item: str
    inspector: str
    score: Decimal


@dataclass(frozen=True)
class Adjudication:
    """The lead's score of an item for a county; it replaces the inspectors' mean."""

    county: str
    item: str
    score: Decimal
    reason: str


@dataclass(frozen=True)
class MethodScore:
    """A county's score out of 100 from an imported method (self-check, third party, …)."""

    county: str
    method: str
    score: Decimal


@dataclass(frozen=True)
class Adjustment:
    """A change the lead made to a county's total, always with its reason."""

    county: str
    delta: Decimal
    reason: str


@dataclass(frozen=True)
class ItemResult:
    item: str
    score: Decimal
    scores: tuple[InspectorScore, ...]
    adjudication: Adjudication | None

    @property
    def scored(self) -> bool:
        return self.adjudication is not None or bool(self.scores)


class Standing(Enum):
    """How far a county's result has got (SPEC §3): every method's score and every item,
    some of it (the result is provisional, 暂定), or nothing at all (not started, 未开始:
    no rank, no grade, not counted among the counties graded)."""

    COMPLETE = "complete"
    PROVISIONAL = "provisional"
    NOT_STARTED = "not-started"


@dataclass(frozen=True)
class Missing:
    """What a provisional result lacks: the methods with a weight and no score (the
    inspection among them when no item was scored at all), and how many items no one
    scored when some were."""

    methods: tuple[str, ...] = ()  # method keys, in the campaign's order
    items: int = 0

    def __bool__(self) -> bool:
        return bool(self.methods or self.items)

    def codes(self) -> list[str]:
        """As the command line's JSON names them: ["self-check", "items:3"]."""
        return [*self.methods, *([f"items:{self.items}"] if self.items else [])]


@dataclass(frozen=True)
class CountyResult:
    county: str
    method_scores: Mapping[str, Decimal]  # every method; an absent one counts 0
    absent_methods: tuple[str, ...]  # methods with no score at all (whatever their weight)
    items: tuple[ItemResult, ...]
    adjustments: tuple[Adjustment, ...]
    total: Decimal
    rank: int | None  # None: not started
    grade: Grade | None  # None: not started
    missing: Missing

    @property
    def unscored_items(self) -> tuple[str, ...]:
        return tuple(r.item for r in self.items if not r.scored)

    @property
    def missing_methods(self) -> tuple[str, ...]:
        return self.missing.methods

    @property
    def standing(self) -> Standing:
        return standing(self.absent_methods, self.method_scores, self.items, self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def provisional(self) -> bool:
        return self.standing is Standing.PROVISIONAL

    @property
    def started(self) -> bool:
        return self.rank is not None

    @property
    def adjustment(self) -> Decimal:
        """The sum of the lead's adjustments to the total (0 when none)."""
        return sum((a.delta for a in self.adjustments), ZERO)

    @property
    def shown_total(self) -> Decimal:
        return round_half_up(self.total)

    def score_of(self, method: str) -> Decimal | None:
        """A method's score as the tables show it, None when the county has none."""
        return None if method in self.absent_methods else self.method_scores[method]


def standing(
    absent: tuple[str, ...], methods: Mapping[str, Decimal], items: tuple[ItemResult, ...], missing: Missing
) -> Standing:
    """SPEC §3's one rule: no method score and no item scored is not started; anything
    missing is provisional; else complete."""
    if all(key in absent for key in methods) and not any(i.scored for i in items):
        return Standing.NOT_STARTED
    return Standing.PROVISIONAL if missing else Standing.COMPLETE


class ScoreError(ValueError):
    """A score that the rules do not allow; `code` says why: out_of_range, not_half_step."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def score_problem(score: Decimal, maximum: Decimal, *, half_steps: bool = True) -> str | None:
    """SPEC §3's rule for a score: from 0 to the maximum, in steps of 0.5 where the method
    scores so. None, or why not: out_of_range, not_half_step. The one copy of the rule: the
    admission check, the window, the sheets and the lead's adjudications all come here."""
    if not score.is_finite() or not ZERO <= score <= maximum:
        return "out_of_range"
    if half_steps and not on_half_grid(score):
        return "not_half_step"
    return None


def check_inspector_score(item: Indicator, score: Decimal) -> None:
    problem = score_problem(score, item.points)
    if problem == "out_of_range":
        raise ScoreError(problem, f"score {score} for item {item.code} must be from 0 to {item.points}")
    if problem == "not_half_step":
        raise ScoreError(problem, f"score {score} for item {item.code} must be a multiple of 0.5")


def mean(values: Iterable[Decimal]) -> Decimal | None:
    """The inspectors' mean of an item (SPEC §3), None when no one scored it."""
    given = list(values)
    return sum(given, ZERO) / len(given) if given else None


def item_score(scores: Iterable[InspectorScore], adjudication: Adjudication | None) -> Decimal:
    """The score an item counts: the lead's adjudication, else the inspectors' mean, else 0."""
    if adjudication is not None:
        return adjudication.score
    counted = mean(s.score for s in scores)
    return ZERO if counted is None else counted


@dataclass(frozen=True)
class Subtotal:
    """An indicator's points so far: the sum over its scored items (None when none is)."""

    score: Decimal | None
    scored: int
    items: int

    @property
    def unscored(self) -> int:
        return self.items - self.scored


def subtotal(indicators: IndicatorSet, code: str, scores: Mapping[str, Decimal | None]) -> Subtotal:
    """The subtotal of the indicator `code` (any level) from each item's score or None.
    Every face that shows a first- or second-level score — the record, the county detail,
    the inspector's tree — asks here."""
    values = [scores.get(i.code) for i in indicators.items_under(code)]
    known = [v for v in values if v is not None]
    return Subtotal(exact_sum(known) if known else None, len(known), len(values))


def compute_results(
    campaign: Campaign,
    scores: Iterable[InspectorScore] = (),
    adjudications: Iterable[Adjudication] = (),
    method_scores: Iterable[MethodScore] = (),
    adjustments: Iterable[Adjustment] = (),
) -> list[CountyResult]:
    """Every county of the campaign with its scores, total, rank and grade, in rank order."""
    # Long on purpose: the seed's weighting, adjustment, standing, ranking and grading in the order
    # the document states them; each step is one or two lines and reads best in sequence.
    by_item: dict[tuple[str, str], list[InspectorScore]] = defaultdict(list)
    for s in scores:
        by_item[s.county, s.item].append(s)
    adjudicated = {(a.county, a.item): a for a in adjudications}
    imported = {(m.county, m.method): m.score for m in method_scores}
    adjusted: dict[str, list[Adjustment]] = defaultdict(list)
    for a in adjustments:
        adjusted[a.county].append(a)

    rows = []
    for county in campaign.counties:
        items = tuple(
            ItemResult(
                item.code,
                item_score(by_item[county.code, item.code], adjudicated.get((county.code, item.code))),
                tuple(sorted(by_item[county.code, item.code], key=lambda s: s.inspector)),
                adjudicated.get((county.code, item.code)),
            )
            for item in campaign.indicator_set.items
        )
        unscored = sum(not r.scored for r in items)
        values: dict[str, Decimal] = {}
        absent = []
        for method in campaign.methods:
            if method.source is MethodSource.INSPECTION:
                values[method.key] = exact_sum(r.score for r in items)
                present = unscored < len(items)
            else:
                present = (county.code, method.key) in imported
                values[method.key] = imported.get((county.code, method.key), ZERO)
            if not present:
                absent.append(method.key)
        weighted = {m.key for m in campaign.methods if m.weight}
        missing = Missing(
            tuple(k for k in absent if k in weighted),
            unscored if unscored < len(items) and _weighs(campaign.inspection_method) else 0,
        )
        county_adjustments = tuple(adjusted[county.code])
        inspected = sum((exact(r.score) for r in items), Fraction(0))  # (values' inspection score, as a fraction)
        exact_total = sum(
            (exact(m.weight) * (inspected if m.source is MethodSource.INSPECTION else exact(values[m.key])) for m in campaign.methods),
            Fraction(0),
        )
        exact_total += sum((exact(a.delta) for a in county_adjustments), Fraction(0))
        total = min(max(decimal_of(exact_total), ZERO), HUNDRED)
        started = standing(tuple(absent), values, items, missing) is not Standing.NOT_STARTED
        rows.append((county.code, values, tuple(absent), items, county_adjustments, total, missing, started))

    graded = [r for r in rows if r[7]]
    shown = [round_half_up(r[5]) for r in graded]
    ranks = rank(shown)
    grades = grade(campaign.grading, shown, ranks)
    placed = {r[0]: (n, g) for r, n, g in zip(graded, ranks, grades, strict=True)}
    results = []
    for code, values, without, items, adj, total, missing, _started in rows:
        place: tuple[int | None, Grade | None] = placed.get(code, (None, None))
        results.append(CountyResult(code, values, without, items, adj, total, place[0], place[1], missing))
    order = {c.code: i for i, c in enumerate(campaign.counties)}
    # ranked counties by rank, then the ones not started, each in the campaign's order
    return sorted(results, key=lambda r: (r.rank is None, r.rank or 0, order[r.county]))


def _weighs(method: Method | None) -> bool:
    return method is not None and bool(method.weight)


def rank(totals: list[Decimal]) -> list[int]:
    """Competition ranking, descending: 95, 90, 90, 80 → 1, 2, 2, 4."""
    return [1 + sum(1 for other in totals if other > total) for total in totals]


def grade(rule: GradingRule, totals: list[Decimal], ranks: list[int]) -> list[Grade]:
    if isinstance(rule, BandsRule):
        return [_band(rule, total) for total in totals]
    return by_proportion(rule, ranks)


def by_proportion(rule: ProportionRule, ranks: list[int]) -> list[Grade]:
    """The top round(n·p₁) ranks 优秀, up to round(n·(p₁+p₂)) 良好, the rest 合格.

    With competition ranks a tie at a boundary lifts every tied county: they share the
    best rank among them, so if one of them is inside a grade all of them are.
    """
    n = len(ranks)
    excellent = round_count(n * rule.excellent)
    good = round_count(n * (rule.excellent + rule.good))
    return [Grade.EXCELLENT if r <= excellent else Grade.GOOD if r <= good else Grade.PASS for r in ranks]


def _band(rule: BandsRule, total: Decimal) -> Grade:
    for band in rule.bands:
        if total >= band.minimum:
            return band.grade
    return Grade.FAIL
