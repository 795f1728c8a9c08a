"""Where inspectors disagree (desktop.core.agreement), against hand-computed figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core import agreement
from desktop.core.errors import InputError
from desktop.core.scoring import InspectorScore
from desktop.services.workspace import load_campaign_file

CAMPAIGN = load_campaign_file(None)
JINAN, YUAN, YEJI = (CAMPAIGN.county_named(n).code for n in ("金安区", "裕安区", "叶集区"))  # type: ignore[union-attr]
D = Decimal


def s(county: str, item: str, who: str, value: str) -> InspectorScore:
    return InspectorScore(county, item, who, D(value))


# 1.1.1 has 3 points (threshold 1), 1.2.1 and 1.2.2 have 2 (threshold 2/3), 2.2.1 has 5 (5/3)
TEAM = [
    s(JINAN, "1.1.1", "张三", "3"), s(JINAN, "1.1.1", "李四", "1.5"), s(JINAN, "1.1.1", "王五", "2"),
    s(JINAN, "1.2.1", "张三", "1"), s(JINAN, "1.2.1", "李四", "1.5"),
    s(JINAN, "1.2.2", "李四", "1"), s(JINAN, "1.2.2", "张三", "2"),
    s(YUAN, "2.2.1", "李四", "5"), s(YUAN, "2.2.1", "王五", "3.5"),
    s(YUAN, "1.1.2", "王五", "2"),  # one inspector only: not compared
    s(YEJI, "1.1.1", "张三", "2"), s(YEJI, "1.1.1", "李四", "2"),
]


def test_the_default_threshold_is_a_third_of_the_points_exactly() -> None:
    assert agreement.threshold(D(3)) == D(1)
    assert agreement.threshold(D(2)) == D(2) / 3
    assert agreement.threshold(D(2), D("0.5")) == D("0.5")
    assert agreement.threshold(D(2), D(0)) == D(0)


@pytest.mark.parametrize("bad", ["-0.5", "Infinity", "NaN"])
def test_a_threshold_below_zero_or_not_finite_is_refused(bad: str) -> None:
    with pytest.raises(InputError) as caught:
        agreement.spreads(CAMPAIGN, TEAM, D(bad))
    assert caught.value.problems[0].code == "bad_threshold"


def test_spreads_by_hand() -> None:
    rows = agreement.spreads(CAMPAIGN, TEAM)
    got = [(r.county, r.item, r.points, dict(r.scores), r.spread, r.flagged) for r in rows]
    assert got == [
        (JINAN, "1.1.1", D(3), {"张三": D(3), "李四": D("1.5"), "王五": D(2)}, D("1.5"), True),
        (JINAN, "1.2.1", D(2), {"张三": D(1), "李四": D("1.5")}, D("0.5"), False),  # 0.5 < 2/3
        (JINAN, "1.2.2", D(2), {"张三": D(2), "李四": D(1)}, D(1), True),  # 1 ≥ 2/3
        (YUAN, "2.2.1", D(5), {"李四": D(5), "王五": D("3.5")}, D("1.5"), False),  # 1.5 < 5/3
        (YEJI, "1.1.1", D(3), {"张三": D(2), "李四": D(2)}, D(0), False),
    ]
    assert list(rows[0].scores) == ["张三", "李四", "王五"]  # by name, as sorted


def test_a_given_minimum_flags_what_reaches_it() -> None:
    rows = agreement.spreads(CAMPAIGN, TEAM, D("1.5"))
    assert [(r.item, r.flagged) for r in rows] == [("1.1.1", True), ("1.2.1", False), ("1.2.2", False), ("2.2.1", True), ("1.1.1", False)]
    assert all(r.flagged for r in agreement.spreads(CAMPAIGN, TEAM, D(0)))


def test_a_score_of_an_item_or_county_the_campaign_does_not_hold_is_left_out() -> None:
    stray = [
        s(JINAN, "9.9.9", "张三", "1"), s(JINAN, "9.9.9", "李四", "0"),
        s("000000", "1.1.1", "张三", "1"), s("000000", "1.1.1", "李四", "0"),
    ]
    assert agreement.spreads(CAMPAIGN, stray) == []


def test_a_mean_over_three_others_is_rounded_once() -> None:
    row = agreement.spreads(CAMPAIGN, [s(JINAN, "1.1.1", w, v) for w, v in (("甲", "0"), ("乙", "0"), ("丙", "0"), ("丁", "0.5"))])[0]
    assert row.others_mean("甲") == D("0.5") / 3
    assert row.difference("丁") == D("0.5")
    assert row.difference("甲") == -D("0.5") / 3
    got = {d.inspector: d for d in agreement.deviations([row])}
    assert got["甲"].mean_difference == -D("0.5") / 3 and got["丁"].mean_deviation == D("0.5")


def test_each_inspectors_distance_from_the_others_by_hand() -> None:
    # 张三: +1.25 (3 against 1.75), -0.5, +1, 0   李四: -1, +0.5, -1, +1.5, 0   王五: -0.25, -1.5
    got = agreement.deviations(agreement.spreads(CAMPAIGN, TEAM))
    assert [(d.inspector, d.compared, d.mean_deviation, d.mean_difference, d.flagged) for d in got] == [
        ("王五", 2, D("0.875"), D("-0.875"), 1),
        ("李四", 5, D("0.8"), D(0), 2),
        ("张三", 4, D("0.6875"), D("0.4375"), 2),
    ]


def test_the_spread_under_each_first_level_indicator() -> None:
    got = agreement.by_first_level(CAMPAIGN.indicator_set, agreement.spreads(CAMPAIGN, TEAM))
    assert [(g.code, g.compared, g.flagged, g.mean_spread, g.largest) for g in got] == [
        ("1", 4, 2, D("0.75"), D("1.5")),
        ("2", 1, 0, D("1.5"), D("1.5")),
        ("3", 0, 0, None, None), ("4", 0, 0, None, None), ("5", 0, 0, None, None),
    ]


ITEMS = [i for i in CAMPAIGN.indicator_set.items if i.code in {"1.1.1", "1.2.1", "2.2.1"}]


@st.composite
def team_scores(draw: st.DrawFn) -> list[InspectorScore]:
    out = []
    for item in ITEMS:
        for who in draw(st.lists(st.sampled_from(["甲", "乙", "丙", "丁"]), unique=True, max_size=4)):
            out.append(InspectorScore(JINAN, item.code, who, D(draw(st.integers(0, int(item.points * 2)))) / 2))
    return out


@given(team_scores())
def test_distances_agree_with_the_spreads(scores: list[InspectorScore]) -> None:
    rows = agreement.spreads(CAMPAIGN, scores)
    for row in rows:
        assert len(row.scores) >= 2
        assert row.spread == max(row.scores.values()) - min(row.scores.values()) >= 0
        if len(row.scores) == 2:
            low, high = sorted(row.scores, key=lambda who: row.scores[who])
            assert row.difference(high) == -row.difference(low) == row.spread
    found = agreement.deviations(rows)
    for d in found:
        assert d.mean_deviation >= abs(d.mean_difference)
        assert d.compared == sum(d.inspector in r.scores for r in rows)
    assert sum(d.compared for d in found) == sum(len(r.scores) for r in rows)
    # each score against the others' mean: over a row the differences sum to nothing, so over everyone too
    assert abs(sum(d.compared * d.mean_difference for d in found)) < D("1e-24")
