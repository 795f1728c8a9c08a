"""The lead's campaign settings: every rule names its section, row and field; what is stored
is only what differs from the campaign file, and reads back as it was saved."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.core.campaign import Band, BandsRule, Campaign, County, Grade, Inspector, Milestone, ProportionRule, load_campaign
from desktop.core.campaign_settings import CampaignSettings, apply, check, from_payload, settings_of, to_payload, validate
from desktop.core.errors import InputError

CAMPAIGN_FILE = Path(__file__).parents[2] / "resources" / "campaigns" / "luan-2018.toml"


@pytest.fixture(scope="module")
def luan() -> Campaign:
    return load_campaign(CAMPAIGN_FILE)


@pytest.fixture
def settings(luan: Campaign) -> CampaignSettings:
    return settings_of(luan)


def places(problems) -> list[tuple[str | None, int | None, str | None, str]]:
    return [(p.node, p.row, p.column, p.code) for p in problems]


def test_the_campaign_as_it_is_breaks_no_rule_and_stores_nothing(luan, settings) -> None:
    assert validate(luan, settings) == []
    assert to_payload(luan, settings) == {}
    assert apply(luan, settings) == luan


def test_weights_must_add_up_to_100_percent(luan, settings) -> None:
    heavier = dataclasses.replace(settings, weights=(("self-check", Decimal("0.2")), ("third-party", Decimal("0.4")),
                                                     ("inspection", Decimal("0.5"))))
    problems = validate(luan, heavier)
    assert places(problems) == [("weights", None, None, "weights_sum")]
    assert problems[0].params["total"] == 110
    assert "110 %" in problems[0].message


def test_a_weight_out_of_range_names_its_method(luan, settings) -> None:
    odd = dataclasses.replace(settings, weights=(("self-check", Decimal("-0.1")), ("third-party", Decimal("0.6")),
                                                 ("inspection", Decimal("0.5")), ("appraisal", Decimal(0))))
    assert places(validate(luan, odd)) == [
        ("weights", None, "appraisal", "unknown_method"), ("weights", None, "self-check", "out_of_range"),
    ]


def test_weights_may_give_a_method_nothing(luan, settings) -> None:
    zero = dataclasses.replace(settings, weights=(("self-check", Decimal(0)), ("third-party", Decimal("0.4")),
                                                  ("inspection", Decimal("0.6"))))
    assert validate(luan, zero) == []
    assert apply(luan, zero).method("self-check").weight == 0  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (ProportionRule(Decimal("0.3"), Decimal("0.4")), []),
        (ProportionRule(Decimal("0.6"), Decimal("0.5")), [("grading", None, "good", "proportion_sum")]),
        (ProportionRule(Decimal("1.2"), Decimal("0")), [("grading", None, "excellent", "out_of_range")]),
        (BandsRule((Band(Grade.EXCELLENT, Decimal(90)), Band(Grade.GOOD, Decimal(70)), Band(Grade.PASS, Decimal(60)))), []),
        (BandsRule((Band(Grade.EXCELLENT, Decimal(90)), Band(Grade.GOOD, Decimal(95)), Band(Grade.PASS, Decimal(60)))),
         [("grading", 2, "min", "bands_order")]),
        (BandsRule((Band(Grade.EXCELLENT, Decimal(101)), Band(Grade.GOOD, Decimal(70)))), [("grading", 1, "min", "out_of_range")]),
        (BandsRule((Band(Grade.GOOD, Decimal(80)), Band(Grade.EXCELLENT, Decimal(70)))), [("grading", 2, "grade", "bands_order")]),
        (BandsRule(()), [("grading", None, None, "no_bands")]),
    ],
)
def test_grading_rules(luan, settings, rule, expected) -> None:
    assert places(validate(luan, dataclasses.replace(settings, grading=rule))) == expected


def test_counties_need_unique_codes_and_names_and_known_pilot_areas(luan, settings) -> None:
    counties = (
        County("341502", "金安区", ("城乡规划",)),
        County("341502", "裕安区"),
        County("34 15", "叶集区"),
        County("341599", "金安区"),
        County("", ""),
        County("341598", "六安经开区", ("月球开发",)),
    )
    assert places(validate(luan, dataclasses.replace(settings, counties=counties))) == [
        ("counties", 2, "code", "duplicate"),
        ("counties", 3, "code", "bad_code"),
        ("counties", 4, "name", "duplicate"),
        ("counties", 5, "code", "missing"),
        ("counties", 5, "name", "missing"),
        ("counties", 6, "pilot_areas", "unknown_area"),
    ]
    assert places(validate(luan, dataclasses.replace(settings, counties=()))) == [("counties", None, None, "no_counties")]


def test_a_county_with_work_is_not_removed_nor_recoded(luan, settings) -> None:
    work = {"341502": 12, "341503": 0}
    without_jinan = dataclasses.replace(settings, counties=settings.counties[1:])
    problems = validate(luan, without_jinan, work)
    assert places(problems) == [("counties", None, None, "has_work")]
    assert problems[0].params == {"county": "341502", "count": 12}
    recoded = dataclasses.replace(settings, counties=(County("341599", "金安区"), *settings.counties[1:]))
    assert places(validate(luan, recoded, work)) == [("counties", None, None, "has_work")]
    renamed = dataclasses.replace(settings, counties=(County("341502", "金安区（新）"), *settings.counties[1:]))
    assert validate(luan, renamed, work) == []
    without_yuan = dataclasses.replace(settings, counties=(settings.counties[0], *settings.counties[2:]))
    assert validate(luan, without_yuan, work) == []  # no work: removed


def test_inspectors_and_milestones(luan, settings) -> None:
    odd = dataclasses.replace(
        settings,
        inspectors=(Inspector("张三", "市政务公开办"), Inspector("张三"), Inspector("")),
        milestones=(*settings.milestones[:4], Milestone("rectification", "整改", dt.date(1900, 1, 1))),
    )
    assert places(validate(luan, odd)) == [
        ("inspectors", 2, "name", "duplicate"), ("inspectors", 3, "name", "missing"), ("milestones", 5, "due", "bad_date"),
    ]
    with pytest.raises(InputError, match="inspector 2: 张三 is listed twice"):
        check(luan, odd)


def test_only_changed_sections_are_stored_and_read_back(luan, settings) -> None:
    edited = dataclasses.replace(
        settings,
        counties=(*settings.counties, County("341598", "六安经开区", ("就业", "社会保险"))),
        inspectors=(Inspector("张三", "市政务公开办"),),
        grading=BandsRule((Band(Grade.EXCELLENT, Decimal(90)), Band(Grade.GOOD, Decimal(75)), Band(Grade.PASS, Decimal(60)))),
        milestones=tuple(dataclasses.replace(m, due=m.due + dt.timedelta(days=365)) for m in settings.milestones),
    )
    payload = to_payload(luan, edited)
    assert sorted(payload) == ["counties", "grading", "inspectors", "milestones"]  # the weights are the file's
    assert payload["grading"] == {"rule": "bands", "bands": [
        {"grade": "优秀", "min": "90"}, {"grade": "良好", "min": "75"}, {"grade": "合格", "min": "60"}]}
    assert from_payload(luan, payload) == edited
    effective = apply(luan, edited)
    assert effective.county_named("六安经开区") == County("341598", "六安经开区", ("就业", "社会保险"))
    assert effective.milestones[0].due == dt.date(2019, 9, 8)
    assert effective.id == luan.id and effective.indicator_set == luan.indicator_set
    assert settings_of(effective) == edited


def test_a_stored_section_that_cannot_be_read_is_refused(luan) -> None:
    with pytest.raises(InputError) as exc:
        from_payload(luan, {"weights": {"self-check": "ten"}, "milestones": [{"key": "x", "name": "x", "due": "9-8"}],
                            "counties": "金安区"})
    assert [p.code for p in exc.value.problems] == ["bad_list", "not_a_number", "bad_date"]


def test_inspectors_round_trip_through_the_campaign_document(luan) -> None:
    from desktop.core.campaign import parse_campaign

    with_team = dataclasses.replace(luan, inspectors=(Inspector("张三", "市政务公开办"), Inspector("李四")))
    assert parse_campaign(with_team.to_document(), "x") == with_team
    assert "inspector" not in luan.to_document()  # a campaign without a team keeps its document (and hash)
