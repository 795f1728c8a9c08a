"""The built-in indicator set (附件1) and the checks that refuse a bad one."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desktop.core.errors import InputError
from desktop.core.indicators import IndicatorSet, Level, load_indicator_set, parse_indicator_set
from desktop.core.numbers import canonical

ROOT = Path(__file__).parents[2]
SET_FILE = ROOT / "resources" / "indicator_sets" / "luan-2018.toml"
SEED = Path(__file__).parents[3] / "shared" / "seed" / "000_1bd760a45e34c827.txt"

# The 分值 column of the seed, per second-level indicator, by positional code.
GROUP_POINTS = {
    "1.1": ("组织保障", 6),
    "1.2": ("工作推进方式", 10),
    "2.1": ("梳理政务公开事项", 6),
    "2.2": ("编制政务公开事项标准", 5),
    "2.3": ("规范政务公开工作流程", 15),
    "2.4": ("完善政务公开方式", 8),
    "3.1": ("公开事项及标准", 3),
    "3.2": ("试点领域具体公开的内容", 5),
    "3.3": ("公开内容与业务工作的结合情况", 10),
    "3.4": ("试点前后公开内容改进情况", 4),
    "4.1": ("促进优化政务服务", 5),
    "4.2": ("推动实际业务工作", 4),
    "4.3": ("提升群众满意度", 4),
    "4.4": ("推进工作常态化", 4),
    "5.1": ("创新可考核、可操作的政务公开标准规范", 3),
    "5.2": ("创新政务公开模式,扩大公众互动参与", 4),
    "5.3": ("其他成效显著和有推广价值的创新措施", 4),
}
# First-level: the sum of its groups' seed points.
FIRST_LEVEL = {
    "1": ("组织领导", 6 + 10),
    "2": ("工作开展", 6 + 5 + 15 + 8),
    "3": ("公开内容", 3 + 5 + 10 + 4),
    "4": ("试点成效", 5 + 4 + 4 + 4),
    "5": ("创新措施", 3 + 4 + 4),
}


@pytest.fixture(scope="module")
def builtin() -> IndicatorSet:
    return load_indicator_set(SET_FILE)


def small_set() -> dict[str, Any]:
    """A valid minimal set: two first-level nodes, 100 points."""
    return {
        "id": "t",
        "name": "test set",
        "indicator": [
            {
                "name": "A",
                "group": [
                    {"name": "A1", "points": "60", "item": [{"name": "a", "points": "40"}, {"name": "b", "points": "20"}]},
                ],
            },
            {
                "name": "B",
                "points": "40",
                "group": [{"name": "B1", "item": [{"name": "c", "points": "40"}]}],
            },
        ],
    }


def problems_of(exc: pytest.ExceptionInfo[InputError]) -> list[tuple[str, str | None]]:
    return [(p.code, p.node) for p in exc.value.problems]


# --- the built-in set -------------------------------------------------------------------


def test_builtin_counts(builtin: IndicatorSet) -> None:
    assert len(builtin.nodes) == 56
    assert len(builtin.level(Level.FIRST)) == 5
    assert len(builtin.level(Level.SECOND)) == 17
    assert len(builtin.level(Level.ITEM)) == 34
    assert len(builtin.items) == 34
    assert builtin.total_points == Decimal(100)


def test_group_points_match_seed(builtin: IndicatorSet) -> None:
    groups = builtin.level(Level.SECOND)
    assert [g.code for g in groups] == list(GROUP_POINTS)
    for group in groups:
        name, points = GROUP_POINTS[group.code]
        assert group.name == name
        assert group.points == Decimal(points), group.code
        items = [builtin.node(c) for c in group.children]
        assert group.points == sum((i.points for i in items), Decimal(0))


def test_first_level_points_are_sum_of_groups(builtin: IndicatorSet) -> None:
    firsts = builtin.level(Level.FIRST)
    assert [f.code for f in firsts] == list(FIRST_LEVEL)
    for first in firsts:
        name, points = FIRST_LEVEL[first.code]
        assert first.name == name
        assert first.points == Decimal(points)
        assert first.points == sum((builtin.node(c).points for c in first.children), Decimal(0))
    assert sum(p for _, p in FIRST_LEVEL.values()) == 100


def test_item_2_3_2(builtin: IndicatorSet) -> None:
    item = builtin.node("2.3.2")
    assert item.is_item
    assert item.level is Level.ITEM
    assert item.points == Decimal(3)
    assert item.name.startswith("“五公开”纳入公文办理")
    assert item.parent == "2.3"
    assert builtin.ancestor("2.3.2", Level.FIRST).code == "2"


def test_codes_are_positional(builtin: IndicatorSet) -> None:
    for a, first in enumerate(builtin.level(Level.FIRST), start=1):
        assert first.code == str(a)
        assert first.parent is None
        for b, group_code in enumerate(first.children, start=1):
            group = builtin.node(group_code)
            assert group.code == f"{a}.{b}"
            assert group.parent == first.code
            for c, item_code in enumerate(group.children, start=1):
                assert item_code == f"{a}.{b}.{c}"
                assert builtin.node(item_code).parent == group.code
                assert builtin.node(item_code).children == ()


@pytest.mark.skipif(not SEED.exists(), reason="the seed text is not present beside the project")
def test_every_item_text_is_verbatim_in_seed(builtin: IndicatorSet) -> None:
    seed = SEED.read_text(encoding="utf-8")
    missing = [i.code for i in builtin.items if f"{i.name}({canonical(i.points)})" not in seed]
    assert missing == []


def test_to_document_round_trips(builtin: IndicatorSet) -> None:
    again = parse_indicator_set(builtin.to_document(), "db")
    assert again == builtin
    assert again.to_document() == builtin.to_document()


def test_small_set_parses() -> None:
    s = parse_indicator_set(small_set(), "x.toml")
    assert [n.code for n in s.nodes] == ["1", "1.1", "1.1.1", "1.1.2", "2", "2.1", "2.1.1"]
    assert s.node("1").points == Decimal(60)
    assert s.node("2.1").points == Decimal(40)


def test_explicit_codes_are_used() -> None:
    doc = small_set()
    doc["indicator"][0]["code"] = "A"
    s = parse_indicator_set(doc, "x.toml")
    assert s.node("A").children == ("A.1",)
    assert s.node("A.1.2").name == "b"


# --- bad sets ---------------------------------------------------------------------------


def test_group_points_not_sum_refused() -> None:
    doc = small_set()
    doc["indicator"][0]["group"][0]["points"] = "61"
    with pytest.raises(InputError) as exc:
        parse_indicator_set(doc, "x.toml")
    assert ("points_not_sum", "indicator 1.1") in problems_of(exc)
    assert "indicator 1.1" in str(exc.value)
    assert "x.toml" in str(exc.value)


def test_builtin_with_wrong_group_points_refused(builtin: IndicatorSet) -> None:
    doc = builtin.to_document()
    doc["indicator"][0]["group"][0]["points"] = "7"
    with pytest.raises(InputError) as exc:
        parse_indicator_set(doc, "x.toml")
    assert ("points_not_sum", "indicator 1.1") in problems_of(exc)


def test_first_level_points_not_sum_refused() -> None:
    doc = small_set()
    doc["indicator"][1]["points"] = "41"
    with pytest.raises(InputError) as exc:
        parse_indicator_set(doc, "x.toml")
    assert ("points_not_sum", "indicator 2") in problems_of(exc)


def test_duplicate_explicit_code_refused() -> None:
    doc = small_set()
    doc["indicator"][0]["group"][0]["item"][0]["code"] = "X"
    doc["indicator"][1]["group"][0]["item"][0]["code"] = "X"
    with pytest.raises(InputError) as exc:
        parse_indicator_set(doc, "x.toml")
    assert ("duplicate_code", "indicator X") in problems_of(exc)


@pytest.mark.parametrize("points", ["0", "-5"])
def test_non_positive_points_refused(points: str) -> None:
    doc = small_set()
    doc["indicator"][0]["group"][0]["item"][1]["points"] = points
    with pytest.raises(InputError) as exc:
        parse_indicator_set(doc, "x.toml")
    assert ("points_not_positive", "indicator 1.1.2") in problems_of(exc)


def test_missing_name_refused() -> None:
    doc = small_set()
    del doc["indicator"][0]["group"][0]["item"][0]["name"]
    with pytest.raises(InputError) as exc:
        parse_indicator_set(doc, "x.toml")
    assert ("missing", "indicator 1.1.1") in problems_of(exc)
    assert "'name' is missing" in str(exc.value)


def test_unknown_key_refused() -> None:
    doc = small_set()
    item = doc["indicator"][1]["group"][0]["item"][0]
    item["point"] = item.pop("points")
    with pytest.raises(InputError) as exc:
        parse_indicator_set(doc, "x.toml")
    codes = problems_of(exc)
    assert ("unknown_key", "indicator 2.1.1") in codes
    assert "'point'" in str(exc.value)


def test_total_not_100_refused() -> None:
    doc = small_set()
    doc["indicator"][1]["points"] = "30"
    doc["indicator"][1]["group"][0]["item"][0]["points"] = "30"
    with pytest.raises(InputError) as exc:
        parse_indicator_set(doc, "x.toml")
    assert problems_of(exc) == [("total_not_100", "the set")]
    assert "90" in str(exc.value)


def test_item_missing_points_refused() -> None:
    doc = small_set()
    del doc["indicator"][0]["group"][0]["item"][1]["points"]
    with pytest.raises(InputError) as exc:
        parse_indicator_set(doc, "x.toml")
    assert ("missing", "indicator 1.1.2") in problems_of(exc)
    assert "'points' is missing" in str(exc.value)


def test_every_problem_is_reported() -> None:
    doc = copy.deepcopy(small_set())
    del doc["indicator"][0]["group"][0]["item"][0]["name"]
    doc["indicator"][1]["group"][0]["item"][0]["points"] = "0"
    with pytest.raises(InputError) as exc:
        parse_indicator_set(doc, "x.toml")
    codes = problems_of(exc)
    assert ("missing", "indicator 1.1.1") in codes
    assert ("points_not_positive", "indicator 2.1.1") in codes


def test_non_utf8_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "set.toml"
    path.write_bytes('id = "t"\nname = "指标"\n'.encode("gbk"))
    with pytest.raises(InputError) as exc:
        load_indicator_set(path)
    assert [p.code for p in exc.value.problems] == ["not_utf8"]
    assert str(path) in str(exc.value)


def test_invalid_toml_refused(tmp_path: Path) -> None:
    path = tmp_path / "set.toml"
    path.write_text('id = "t"\nname = \n[[indicator]\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_indicator_set(path)
    assert [p.code for p in exc.value.problems] == ["bad_toml"]


def test_missing_file_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        load_indicator_set(tmp_path / "nope.toml")
    assert [p.code for p in exc.value.problems] == ["not_found"]


def test_builtin_file_with_bom_loads(tmp_path: Path, builtin: IndicatorSet) -> None:
    path = tmp_path / "set.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SET_FILE.read_bytes())
    assert load_indicator_set(path) == builtin


def test_items_under_a_node() -> None:
    indicators = load_indicator_set(SET_FILE)
    assert [n.code for n in indicators.items_under("1.1")] == ["1.1.1", "1.1.2"]
    assert len(indicators.items_under("1")) == 7
    assert [n.code for n in indicators.items_under("2.2.1")] == ["2.2.1"]
    assert sum(len(indicators.items_under(n.code)) for n in indicators.level(Level.FIRST)) == 34
