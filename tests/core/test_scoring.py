"""Scoring and grading (SPEC §3): hand-computed examples, then properties."""

from __future__ import annotations

import functools
import math
import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.campaign import Campaign, Grade, load_campaign, parse_campaign
from desktop.core.scoring import (
    Adjudication,
    Adjustment,
    InspectorScore,
    MethodScore,
    Missing,
    ScoreError,
    Standing,
    Subtotal,
    check_inspector_score,
    compute_results,
    item_score,
    mean,
    rank,
    subtotal,
)

ROOT = Path(__file__).parents[2]
CAMPAIGN_FILE = ROOT / "resources" / "campaigns" / "luan-2018.toml"
D = Decimal
GRADE_ORDER = {Grade.EXCELLENT: 0, Grade.GOOD: 1, Grade.PASS: 2, Grade.FAIL: 3}
BANDS = {"rule": "bands", "bands": [{"grade": "优秀", "min": "90"}, {"grade": "良好", "min": "70"}, {"grade": "合格", "min": "60"}]}


@functools.cache
def builtin() -> Campaign:
    return load_campaign(CAMPAIGN_FILE)


@functools.cache
def campaign_with(n: int, bands: bool = False) -> Campaign:
    """The built-in campaign with n made-up counties (and bands grading if asked)."""
    doc: dict[str, Any] = builtin().to_document()
    doc["county"] = [{"code": f"C{i:02d}", "name": f"县{i:02d}", "pilot_areas": []} for i in range(1, n + 1)]
    if bands:
        doc["grading"] = BANDS
    return parse_campaign(doc, "x.toml")


def half_up(value: Decimal) -> int:
    """round_half_up to a whole number, written independently of the code under test."""
    whole = int(value)
    return whole + 1 if value - whole >= D("0.5") else whole


def full_marks(county: str, inspector: str = "x", skip: tuple[str, ...] = ()) -> list[InspectorScore]:
    return [InspectorScore(county, i.code, inspector, i.points) for i in builtin().indicator_set.items if i.code not in skip]


def imported(county: str, self_check: str | None, third_party: str | None) -> list[MethodScore]:
    out = []
    if self_check is not None:
        out.append(MethodScore(county, "self-check", D(self_check)))
    if third_party is not None:
        out.append(MethodScore(county, "third-party", D(third_party)))
    return out


def by_county(results: list[Any]) -> dict[str, Any]:
    return {r.county: r for r in results}


def results_for_totals(campaign: Campaign, totals: list[str]) -> dict[str, Any]:
    """County i gets total totals[i]: every method scores 0 and an adjustment adds t."""
    codes = [c.code for c in campaign.counties]
    method_scores = [m for code in codes for m in imported(code, "0", "0")]
    adjustments = [Adjustment(code, D(t), "set") for code, t in zip(codes, totals, strict=True)]
    return by_county(compute_results(campaign, method_scores=method_scores, adjustments=adjustments))


# --- per item -----------------------------------------------------------------------------


def test_item_mean_of_three() -> None:
    scores = [InspectorScore("c", "1.1.1", name, D(v)) for name, v in (("a", "2"), ("b", "2.5"), ("c", "3"))]
    # (2 + 2.5 + 3) / 3 = 7.5 / 3 = 2.5
    assert item_score(scores, None) == D("2.5")


def test_item_mean_of_two() -> None:
    scores = [InspectorScore("c", "1.2.1", "a", D(1)), InspectorScore("c", "1.2.1", "b", D(2))]
    # (1 + 2) / 2 = 1.5
    assert item_score(scores, None) == D("1.5")


def test_adjudication_replaces_mean() -> None:
    scores = [InspectorScore("c", "1.1.1", "a", D(3)), InspectorScore("c", "1.1.1", "b", D(3))]
    assert item_score(scores, Adjudication("c", "1.1.1", D("0.5"), "evidence missing")) == D("0.5")


def test_no_scores_counts_zero() -> None:
    assert item_score([], None) == 0


def test_check_inspector_score() -> None:
    item = builtin().indicator_set.node("2.3.2")  # worth 3
    for ok in ("0", "0.5", "2.5", "3"):
        check_inspector_score(item, D(ok))
    for bad in ("3.5", "-0.5", "1.3", "0.25"):
        with pytest.raises(ScoreError):
            check_inspector_score(item, D(bad))
    # off the grid by less than 28 digits of precision see (0.4999… rounded onto it)
    with pytest.raises(ScoreError):
        check_inspector_score(item, D("0." + "4" + "9" * 29))


def test_only_ascii_digits_make_a_number() -> None:
    """Python's \\d matches every script's digits: "١" (Arabic-Indic one) read as a number, and
    a forged score in it was admitted. Full-width digits are a Chinese input method's ASCII."""
    from desktop.core.numbers import parse_decimal

    assert parse_decimal("1.5") == D("1.5") and parse_decimal(" 2 ") == D(2)
    assert parse_decimal("８５．５") == D("85.5")  # full width, as an input method types it: the same digits
    for text in ("١", "٣.٥", "1.५"):
        assert parse_decimal(text) is None, text


# --- county totals --------------------------------------------------------------------------


def test_county_inspection_mean_and_weighted_total() -> None:
    c = builtin()
    county = "341502"
    scores = full_marks(county, skip=("1.1.1", "1.2.1"))
    scores += [InspectorScore(county, "1.1.1", n, D(v)) for n, v in (("a", "2"), ("b", "2.5"), ("c", "3"))]
    scores += [InspectorScore(county, "1.2.1", n, D(v)) for n, v in (("a", "1"), ("b", "2"))]
    result = by_county(compute_results(c, scores, method_scores=imported(county, "80", "90")))[county]
    # inspection: 100 - 3 - 2 (the two items' points) + 2.5 + 1.5 = 99
    assert result.method_scores["inspection"] == D(99)
    # 0.1 × 80 + 0.4 × 90 + 0.5 × 99 = 8 + 36 + 49.5 = 93.5
    assert result.total == D("93.5")
    assert result.shown_total == D("93.50")
    assert result.complete
    item = next(i for i in result.items if i.item == "1.1.1")
    assert item.score == D("2.5")
    assert [s.inspector for s in item.scores] == ["a", "b", "c"]


def test_adjudicated_item_in_total() -> None:
    county = "341503"
    adjudication = Adjudication(county, "1.1.1", D(1), "no minutes of the meeting")
    result = by_county(compute_results(builtin(), full_marks(county), [adjudication], imported(county, "100", "100")))[county]
    # inspection 100 - 3 + 1 = 98; total 10 + 40 + 0.5 × 98 = 99
    assert result.method_scores["inspection"] == D(98)
    assert result.total == D(99)
    assert result.complete


def test_adjudication_without_inspector_scores_counts() -> None:
    county = "341503"
    adjudication = Adjudication(county, "2.3.2", D("1.5"), "lead's own check")
    scores = full_marks(county, skip=("2.3.2",))
    result = by_county(compute_results(builtin(), scores, [adjudication], imported(county, "0", "0")))[county]
    # 100 - 3 + 1.5 = 98.5, and nothing is unscored
    assert result.method_scores["inspection"] == D("98.5")
    assert result.unscored_items == ()
    assert result.complete


def test_unscored_item_counts_zero_and_incomplete() -> None:
    county = "341504"
    result = by_county(compute_results(builtin(), full_marks(county, skip=("2.3.2",)), method_scores=imported(county, "50", "50")))[county]
    # inspection 100 - 3 = 97; total 5 + 20 + 48.5 = 73.5
    assert result.method_scores["inspection"] == D(97)
    assert result.total == D("73.5")
    assert result.unscored_items == ("2.3.2",)
    assert not result.complete


def test_missing_method_score_incomplete() -> None:
    county = "341522"
    result = by_county(compute_results(builtin(), full_marks(county), method_scores=imported(county, None, "60")))[county]
    # self-check missing counts 0: 0 + 0.4 × 60 + 0.5 × 100 = 24 + 50 = 74
    assert result.missing_methods == ("self-check",)
    assert result.method_scores["self-check"] == 0
    assert result.total == D(74)
    assert not result.complete


def test_county_with_nothing_is_not_started() -> None:
    results = by_county(compute_results(builtin()))
    assert len(results) == 7
    r = results["341525"]
    assert r.total == 0
    assert r.missing_methods == ("self-check", "third-party", "inspection")
    assert len(r.unscored_items) == 34
    assert not r.complete and not r.provisional
    assert r.standing is Standing.NOT_STARTED
    assert {(x.rank, x.grade) for x in results.values()} == {(None, None)}  # nobody ranked first with 0.00


def test_provisional_says_what_is_missing() -> None:
    county, other = "341502", "341503"
    scores = full_marks(county, skip=("2.3.2", "1.1.1", "1.1.2"))
    results = by_county(compute_results(builtin(), scores, method_scores=imported(county, None, "80") + imported(other, "90", None)))
    r = results[county]
    assert r.standing is Standing.PROVISIONAL and r.provisional and not r.complete
    assert r.missing == Missing(("self-check",), 3)
    assert r.missing.codes() == ["self-check", "items:3"]
    only_self_check = results[other]  # one method and no item: provisional, the inspection named as missing
    assert only_self_check.standing is Standing.PROVISIONAL
    assert only_self_check.missing.codes() == ["third-party", "inspection"]
    assert r.rank is not None and only_self_check.rank is not None


def test_counties_not_started_are_not_graded_nor_counted() -> None:
    c = campaign_with(10)
    # three counties with a result; seven with nothing. n = 3: round(0.9) = 1 优秀, round(2.1) = 2 up to 良好
    method_scores = [m for code, t in (("C01", "90"), ("C02", "80"), ("C03", "70")) for m in imported(code, t, t)]
    results = compute_results(c, method_scores=method_scores)
    assert [(r.county, r.rank, r.grade) for r in results[:3]] == [("C01", 1, Grade.EXCELLENT), ("C02", 2, Grade.GOOD),
                                                                   ("C03", 3, Grade.PASS)]
    assert [(r.rank, r.grade, r.standing) for r in results[3:]] == [(None, None, Standing.NOT_STARTED)] * 7
    assert [r.county for r in results[3:]] == [f"C{i:02d}" for i in range(4, 11)]  # after the others, in the campaign's order


def test_an_adjudication_alone_starts_a_county() -> None:
    results = by_county(compute_results(builtin(), adjudications=[Adjudication("341504", "1.1.1", D(2), "复核")]))
    assert results["341504"].standing is Standing.PROVISIONAL and results["341504"].rank == 1
    assert results["341504"].missing == Missing(("self-check", "third-party"), 33)


def test_a_method_of_weight_zero_is_not_missing() -> None:
    doc: dict[str, Any] = builtin().to_document()
    for method in doc["method"]:
        if method["key"] == "self-check":
            method["weight"] = "0"
        elif method["key"] == "third-party":
            method["weight"] = "0.5"
    c = parse_campaign(doc, "x.toml")
    county = c.counties[0].code
    r = by_county(compute_results(c, full_marks(county), method_scores=imported(county, None, "80")))[county]
    assert r.complete and r.score_of("self-check") is None and r.score_of("third-party") == 80


def test_adjustments_added() -> None:
    county = "341523"
    adjustments = [Adjustment(county, D("1.5"), "annual appraisal"), Adjustment(county, D("-0.25"), "late report")]
    results = compute_results(builtin(), full_marks(county), method_scores=imported(county, "80", "70"), adjustments=adjustments)
    result = by_county(results)[county]
    # 8 + 28 + 50 = 86; + 1.5 - 0.25 = 87.25
    assert result.total == D("87.25")
    assert result.adjustments == tuple(adjustments)


def test_shown_total_rounds_half_up() -> None:
    county = "341524"
    result = by_county(compute_results(builtin(), full_marks(county), method_scores=imported(county, "0.05", "0")))[county]
    # 0.1 × 0.05 + 50 = 50.005 → shown 50.01 (half up, not half even)
    assert result.total == D("50.005")
    assert result.shown_total == D("50.01")


def test_means_that_end_a_total_on_a_rounding_boundary_round_it_as_exactly_there() -> None:
    """Three inspectors' means of a third each (0.5, 0.5, 0) come to exactly 1: summed as the
    Decimals that hold them (0.333…3), they came to 0.999…9, and a total of exactly X.xx5 was
    printed a cent lower than the same total from one inspector, ranked and graded apart."""
    c = campaign_with(2)
    items = c.indicator_set.items
    thirds, rest = items[:3], items[3:]
    three = [InspectorScore("C01", i.code, who, D(v)) for i in thirds for who, v in (("a", "0.5"), ("b", "0.5"), ("c", "0"))]
    three += [InspectorScore("C01", i.code, who, i.points) for i in rest for who in ("a", "b", "c")]
    one = [InspectorScore("C02", thirds[0].code, "x", D(1))] + [InspectorScore("C02", i.code, "x", i.points) for i in rest]
    got = by_county(compute_results(c, three + one, method_scores=imported("C01", "80.05", "80") + imported("C02", "80.05", "80")))
    # by hand, in fractions: inspection 1 + the rest's points, both counties; total 0.1 × 80.05 + 0.4 × 80 + 0.5 × it
    inspection = 1 + sum((Fraction(i.points) for i in rest), Fraction(0))
    total = Fraction(1, 10) * Fraction("80.05") + Fraction(4, 10) * 80 + Fraction(1, 2) * inspection
    assert (total * 1000).denominator == 1 and (total * 1000) % 10 == 5  # on the boundary: X.xx5
    shown = D(math.floor(total * 100 + Fraction(1, 2))) / 100  # half up
    for county in ("C01", "C02"):
        assert got[county].method_scores["inspection"] == D(inspection.numerator) / D(inspection.denominator)
        assert got[county].shown_total == shown
    assert got["C01"].rank == got["C02"].rank == 1 and got["C01"].grade == got["C02"].grade
    node = thirds[0].parent
    assert node is not None
    under = c.indicator_set.items_under(node)
    thirds_each = subtotal(c.indicator_set, node, {i.code: D(1) / 3 for i in under}).score  # a subtotal adds the same way
    assert thirds_each == D(len(under)) / 3 and len(under) > 1


# --- ranks and grades -------------------------------------------------------------------------


def test_rank_competition() -> None:
    assert rank([D(95), D(90), D(90), D(80)]) == [1, 2, 2, 4]
    assert rank([D(80), D(90), D(95), D(90)]) == [4, 2, 1, 2]
    assert rank([]) == []


def test_ranks_in_results_share_on_ties() -> None:
    c = campaign_with(4)
    results = results_for_totals(c, ["95", "90", "90", "80"])
    assert [results[k].rank for k in ("C01", "C02", "C03", "C04")] == [1, 2, 2, 4]
    ordered = compute_results(c, method_scores=[m for k in results for m in imported(k, "0", "0")],
                              adjustments=[Adjustment(k, results[k].total, "") for k in results])
    assert [r.county for r in ordered] == ["C01", "C02", "C03", "C04"]


def test_ties_are_on_shown_total() -> None:
    c = campaign_with(3)
    # 90.004 and 89.996 both show as 90.00; 90.005 shows as 90.01
    results = results_for_totals(c, ["90.004", "89.996", "90.005"])
    assert results["C03"].rank == 1
    assert results["C01"].rank == results["C02"].rank == 2


def test_proportion_grades_seven_counties() -> None:
    c = builtin()
    codes = [k.code for k in c.counties]
    results = results_for_totals(c, ["95", "90", "85", "80", "75", "70", "65"])
    # round_half_up(7 × 0.3) = round(2.1) = 2 优秀; round_half_up(7 × 0.7) = round(4.9) = 5 → ranks 3..5 良好
    assert [results[k].grade for k in codes] == [Grade.EXCELLENT] * 2 + [Grade.GOOD] * 3 + [Grade.PASS] * 2


def test_tie_at_boundary_lifts_both() -> None:
    c = builtin()
    codes = [k.code for k in c.counties]
    results = results_for_totals(c, ["95", "90", "90", "80", "70", "70", "60"])
    # ranks 1, 2, 2, 4, 5, 5, 7: both 90s share rank 2 ≤ 2 → 优秀; both 70s share rank 5 ≤ 5 → 良好
    assert [results[k].rank for k in codes] == [1, 2, 2, 4, 5, 5, 7]
    assert [results[k].grade for k in codes] == [Grade.EXCELLENT] * 3 + [Grade.GOOD] * 3 + [Grade.PASS]


def test_tie_just_past_boundary_stays_together() -> None:
    c = builtin()
    codes = [k.code for k in c.counties]
    results = results_for_totals(c, ["95", "90", "85", "85", "60", "60", "60"])
    # ranks 1, 2, 3, 3, 5, 5, 5
    assert [results[k].grade for k in codes] == [Grade.EXCELLENT] * 2 + [Grade.GOOD] * 5


def test_bands_grading() -> None:
    c = campaign_with(7, bands=True)
    codes = [k.code for k in c.counties]
    results = results_for_totals(c, ["100", "90", "89.99", "70", "69.5", "60", "59.99"])
    assert [results[k].grade for k in codes] == [
        Grade.EXCELLENT, Grade.EXCELLENT, Grade.GOOD, Grade.GOOD, Grade.PASS, Grade.PASS, Grade.FAIL,
    ]


def test_bands_grade_on_shown_total() -> None:
    c = campaign_with(2, bands=True)
    results = results_for_totals(c, ["89.995", "89.994"])
    # 89.995 shows as 90.00 → 优秀; 89.994 shows as 89.99 → 良好
    assert results["C01"].grade is Grade.EXCELLENT
    assert results["C02"].grade is Grade.GOOD


def test_total_clamped_to_0_100() -> None:
    c = campaign_with(2)
    results = results_for_totals(c, ["130", "-20"])
    assert results["C01"].total == 100
    assert results["C02"].total == 0


# --- properties ------------------------------------------------------------------------------

half_grid = st.integers(0, 200).map(lambda k: D(k) / 2)
cent_grid = st.integers(0, 10000).map(lambda k: D(k) / 100)
score = st.one_of(half_grid, cent_grid)


@st.composite
def rounds(draw: st.DrawFn) -> tuple[int, bool, list[tuple[Decimal, Decimal]]]:
    n = draw(st.integers(1, 12))
    bands = draw(st.booleans())
    pairs = draw(st.lists(st.tuples(score, score), min_size=n, max_size=n))
    return n, bands, pairs


def run(n: int, bands: bool, pairs: list[tuple[Decimal, Decimal]]) -> list[Any]:
    c = campaign_with(n, bands)
    method_scores = []
    for county, (sc, tp) in zip(c.counties, pairs, strict=True):
        method_scores += [MethodScore(county.code, "self-check", sc), MethodScore(county.code, "third-party", tp)]
    return compute_results(c, method_scores=method_scores)


@settings(max_examples=100, deadline=None)
@given(rounds())
def test_grades_monotone_and_ties_equal(case: tuple[int, bool, list[tuple[Decimal, Decimal]]]) -> None:
    results = run(*case)
    assert len(results) == case[0]
    for a in results:
        assert D(0) <= a.total <= D(100)
        for b in results:
            if a.shown_total > b.shown_total:
                assert GRADE_ORDER[a.grade] <= GRADE_ORDER[b.grade]
                assert a.rank < b.rank
            if a.shown_total == b.shown_total:
                assert a.grade == b.grade
                assert a.rank == b.rank


@settings(max_examples=100, deadline=None)
@given(rounds())
def test_totals_are_the_weighted_sum(case: tuple[int, bool, list[tuple[Decimal, Decimal]]]) -> None:
    n, bands, pairs = case
    results = {r.county: r for r in run(n, bands, pairs)}
    for i, (sc, tp) in enumerate(pairs, start=1):
        # the inspection is unscored here: counts 0
        assert results[f"C{i:02d}"].total == D("0.1") * sc + D("0.4") * tp
        assert not results[f"C{i:02d}"].complete


@settings(max_examples=100, deadline=None)
@given(rounds())
def test_proportion_counts_without_ties(case: tuple[int, bool, list[tuple[Decimal, Decimal]]]) -> None:
    n, _, pairs = case
    results = run(n, False, pairs)
    shown = [r.shown_total for r in results]
    if len(set(shown)) != len(shown):
        return
    excellent = sum(1 for r in results if r.grade is Grade.EXCELLENT)
    good = sum(1 for r in results if r.grade is Grade.GOOD)
    assert excellent == half_up(n * D("0.3"))
    assert excellent + good == half_up(n * D("0.7"))
    assert all(r.grade is not Grade.FAIL for r in results)


@settings(max_examples=100, deadline=None)
@given(rounds(), st.randoms(use_true_random=False))
def test_input_order_does_not_matter(case: tuple[int, bool, list[tuple[Decimal, Decimal]]], rnd: random.Random) -> None:
    n, bands, pairs = case
    c = campaign_with(n, bands)
    method_scores = []
    for county, (sc, tp) in zip(c.counties, pairs, strict=True):
        method_scores += [MethodScore(county.code, "self-check", sc), MethodScore(county.code, "third-party", tp)]
    shuffled = list(method_scores)
    rnd.shuffle(shuffled)
    assert compute_results(c, method_scores=shuffled) == compute_results(c, method_scores=method_scores)


def test_subtotals_count_only_what_was_scored() -> None:
    indicators = builtin().indicator_set
    under = [i.code for i in indicators.items_under("2.3")]
    got = subtotal(indicators, "2.3", {under[0]: D("1.5"), under[1]: None})
    assert got == Subtotal(D("1.5"), 1, len(under)) and got.unscored == len(under) - 1
    assert subtotal(indicators, "2.3", {}).score is None  # nothing scored is no subtotal, not a 0
    assert mean([D(1), D(2), D(2)]) == D(5) / 3 and mean([]) is None
