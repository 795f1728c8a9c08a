"""The built-in campaign (luan-2018) and the checks that refuse a bad one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desktop.core.campaign import (
    BandsRule,
    Campaign,
    Grade,
    MethodSource,
    ProportionRule,
    load_campaign,
    parse_campaign,
)
from desktop.core.errors import InputError

ROOT = Path(__file__).parents[2]
CAMPAIGN_FILE = ROOT / "resources" / "campaigns" / "luan-2018.toml"

COUNTIES = [
    ("341502", "金安区"),
    ("341503", "裕安区"),
    ("341504", "叶集区"),
    ("341522", "霍邱县"),
    ("341523", "舒城县"),
    ("341524", "金寨县"),
    ("341525", "霍山县"),
]


@pytest.fixture(scope="module")
def builtin() -> Campaign:
    return load_campaign(CAMPAIGN_FILE)


@pytest.fixture
def doc(builtin: Campaign) -> dict[str, Any]:
    return builtin.to_document()


def refused(doc: dict[str, Any]) -> list[tuple[str, str | None]]:
    with pytest.raises(InputError) as exc:
        parse_campaign(doc, "x.toml")
    assert "x.toml" in str(exc.value)
    return [(p.code, p.node) for p in exc.value.problems]


# --- the built-in campaign --------------------------------------------------------------


def test_builtin_identity(builtin: Campaign) -> None:
    assert builtin.id == "luan-2018"
    assert builtin.document_number == "六政办秘〔2018〕177号"
    assert builtin.year == 2018
    assert builtin.indicator_set.id == "luan-2018"
    assert len(builtin.indicator_set.items) == 34


def test_builtin_counties(builtin: Campaign) -> None:
    assert [(c.code, c.name) for c in builtin.counties] == COUNTIES
    assert builtin.county_named("霍山县").code == "341525"
    assert builtin.county("341504").name == "叶集区"
    assert builtin.county_named("六安市") is None


def test_builtin_methods_and_weights(builtin: Campaign) -> None:
    assert [(m.key, m.weight, m.source) for m in builtin.methods] == [
        ("self-check", Decimal("0.10"), MethodSource.IMPORT),
        ("third-party", Decimal("0.40"), MethodSource.IMPORT),
        ("inspection", Decimal("0.50"), MethodSource.INSPECTION),
    ]
    assert sum(m.weight for m in builtin.methods) == 1
    assert builtin.inspection_method is not None
    assert builtin.inspection_method.key == "inspection"
    assert builtin.method("third-party").name == "专业机构测评"
    assert builtin.method("nope") is None


def test_builtin_grading(builtin: Campaign) -> None:
    assert builtin.grading == ProportionRule(Decimal("0.30"), Decimal("0.40"))


def test_builtin_milestones(builtin: Campaign) -> None:
    dues = [m.due for m in builtin.milestones]
    assert len(dues) == 5
    assert dues == [
        dt.date(2018, 9, 8),
        dt.date(2018, 9, 10),
        dt.date(2018, 9, 15),
        dt.date(2018, 9, 20),
        dt.date(2018, 9, 25),
    ]
    assert dues == sorted(dues)


def test_builtin_pilot_areas(builtin: Campaign) -> None:
    assert "城乡规划" in builtin.pilot_areas
    assert "保障性住房" in builtin.pilot_areas
    assert len(builtin.pilot_areas) == 25


def test_to_document_round_trips(builtin: Campaign, doc: dict[str, Any]) -> None:
    again = parse_campaign(doc, "db")
    assert again == builtin
    assert again.to_document() == doc


def test_bands_round_trip(doc: dict[str, Any]) -> None:
    doc["grading"] = {
        "rule": "bands",
        "bands": [{"grade": "优秀", "min": "90"}, {"grade": "良好", "min": "70"}, {"grade": "合格", "min": "60"}],
    }
    campaign = parse_campaign(doc, "x.toml")
    assert isinstance(campaign.grading, BandsRule)
    assert [(b.grade, b.minimum) for b in campaign.grading.bands] == [
        (Grade.EXCELLENT, Decimal(90)), (Grade.GOOD, Decimal(70)), (Grade.PASS, Decimal(60)),
    ]
    assert parse_campaign(campaign.to_document(), "db") == campaign


def test_county_pilot_areas_kept(doc: dict[str, Any]) -> None:
    doc["county"][0]["pilot_areas"] = ["城乡规划", "就业"]
    campaign = parse_campaign(doc, "x.toml")
    assert campaign.counties[0].pilot_areas == ("城乡规划", "就业")
    assert parse_campaign(campaign.to_document(), "db") == campaign


# --- bad campaigns ----------------------------------------------------------------------


def test_weights_not_one_refused(doc: dict[str, Any]) -> None:
    doc["method"][0]["weight"] = "0.20"
    assert ("weights_not_one", "the campaign") in refused(doc)


def test_weight_out_of_range_refused(doc: dict[str, Any]) -> None:
    doc["method"][0]["weight"] = "1.5"
    assert ("weight_range", "method self-check") in refused(doc)


def test_duplicate_county_code_refused(doc: dict[str, Any]) -> None:
    doc["county"][1]["code"] = "341502"
    assert ("duplicate_county", "county 341502") in refused(doc)


def test_duplicate_county_name_refused(doc: dict[str, Any]) -> None:
    doc["county"][1]["name"] = "金安区"
    assert ("duplicate_county", "county 金安区") in refused(doc)


def test_unknown_grading_rule_refused(doc: dict[str, Any]) -> None:
    doc["grading"] = {"rule": "curve"}
    assert ("bad_rule", "grading") in refused(doc)


def test_proportions_over_one_refused(doc: dict[str, Any]) -> None:
    doc["grading"] = {"rule": "proportion", "excellent": "0.6", "good": "0.5"}
    assert ("bad_proportion", "grading") in refused(doc)


def test_negative_proportion_refused(doc: dict[str, Any]) -> None:
    doc["grading"] = {"rule": "proportion", "excellent": "-0.1", "good": "0.5"}
    assert ("bad_proportion", "grading") in refused(doc)


def test_bad_band_grade_refused(doc: dict[str, Any]) -> None:
    doc["grading"] = {"rule": "bands", "bands": [{"grade": "很好", "min": "90"}]}
    assert ("bad_grade", "grading band 1") in refused(doc)


def test_bands_minimums_out_of_order_refused(doc: dict[str, Any]) -> None:
    doc["grading"] = {"rule": "bands", "bands": [{"grade": "优秀", "min": "70"}, {"grade": "良好", "min": "90"}]}
    assert ("bands_order", "grading") in refused(doc)


def test_bands_grades_out_of_order_refused(doc: dict[str, Any]) -> None:
    doc["grading"] = {"rule": "bands", "bands": [{"grade": "良好", "min": "90"}, {"grade": "优秀", "min": "70"}]}
    assert ("bands_order", "grading") in refused(doc)


def test_band_min_out_of_range_refused(doc: dict[str, Any]) -> None:
    doc["grading"] = {"rule": "bands", "bands": [{"grade": "优秀", "min": "120"}]}
    assert ("band_range", "grading band 1") in refused(doc)


@pytest.mark.parametrize("due", ["2018-09-31", "9月8日", "", 20180908])
def test_bad_date_refused(doc: dict[str, Any], due: object) -> None:
    doc["milestone"][2]["due"] = due
    assert ("bad_date", "milestone 3") in refused(doc)


def test_datetime_is_not_a_date(doc: dict[str, Any]) -> None:
    doc["milestone"][0]["due"] = dt.datetime(2018, 9, 8, 12, 0)
    assert ("bad_date", "milestone 1") in refused(doc)


def test_county_pilot_area_not_in_campaign_refused(doc: dict[str, Any]) -> None:
    doc["county"][0]["pilot_areas"] = ["城乡规划", "太空探索"]
    problems = refused(doc)
    assert ("unknown_area", "county 金安区") in problems
    assert len([p for p in problems if p[0] == "unknown_area"]) == 1


def test_bad_county_code_refused(doc: dict[str, Any]) -> None:
    doc["county"][3]["code"] = "34 15 22"
    assert ("bad_code", "county 4") in refused(doc)


def test_unknown_key_refused(doc: dict[str, Any]) -> None:
    doc["grading"]["excelent"] = "0.3"
    assert ("unknown_key", "grading") in refused(doc)


def test_bad_method_source_refused(doc: dict[str, Any]) -> None:
    doc["method"][1]["source"] = "magic"
    assert ("bad_source", "method third-party") in refused(doc)


def test_two_inspection_methods_refused(doc: dict[str, Any]) -> None:
    doc["method"][0]["source"] = "inspection"
    assert ("two_inspections", "the campaign") in refused(doc)


def test_bad_indicator_set_inside_refused(doc: dict[str, Any]) -> None:
    doc["indicator_set"]["indicator"][0]["group"][0]["points"] = "7"
    with pytest.raises(InputError) as exc:
        parse_campaign(doc, "x.toml")
    assert ("points_not_sum", "indicator 1.1") in [(p.code, p.node) for p in exc.value.problems]
    assert "[indicator_set]" in exc.value.source


def test_set_name_without_resolver_refused(doc: dict[str, Any]) -> None:
    doc["indicator_set"] = "luan-2018"
    assert ("set_not_found", "the campaign") in refused(doc)


def test_missing_counties_refused(doc: dict[str, Any]) -> None:
    doc["county"] = []
    assert ("empty", "the campaign") in refused(doc)


def test_a_campaign_without_its_optional_texts_reads_back_as_stored(doc: dict[str, Any]) -> None:
    # a database stores the campaign's document and parses it at every start: another city's
    # file without a document number, an issuer or who is responsible must survive that
    for key in ("document_number", "issuer"):
        del doc[key]
    for method in doc["method"]:
        del method["responsible"]
    campaign = parse_campaign(doc, "x.toml")
    assert (campaign.document_number, campaign.issuer, campaign.methods[0].responsible) == ("", "", "")
    assert parse_campaign(campaign.to_document(), "stored") == campaign

