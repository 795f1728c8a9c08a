"""Campaign settings (验收设置): what the lead may change in a campaign once it has started.

The campaign file stays the reference every machine starts from (its identifiers derive
from it). The lead's edits — counties, inspectors, the methods' weights, the grading rule,
the timeline — are a `CampaignSettings`, stored as a signed version and laid over the
reference campaign: the effective campaign is `apply(reference, settings)`.

Only the sections that differ from the reference are stored (`to_payload`): two masters
that changed different sections then merge field by field without a conflict, and the
same section changed two ways is a conflict like any other (db.projection).

`validate` returns every problem, each naming its place: `node` is the section
(`counties`, `inspectors`, `weights`, `grading`, `milestones`), `row` the 1-based row of
that section where there is one, `column` the field (`code`, `name`, `pilot_areas`, a
method's key, `excellent`, `good`, `min`, `due`); `params` carry the values the GUI puts
into its Chinese message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from desktop.core.campaign import (
    Band,
    Campaign,
    County,
    Grade,
    GradingRule,
    Inspector,
    Milestone,
    ProportionRule,
    parse_grading,
)
from desktop.core.documents import Checker
from desktop.core.errors import InputError, Problem
from desktop.core.numbers import canonical, parse_decimal, places

SECTIONS = ("counties", "inspectors", "weights", "grading", "milestones")
ONE = Decimal(1)
HUNDRED = Decimal(100)
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")
_BAND_ORDER = (Grade.EXCELLENT, Grade.GOOD, Grade.PASS)
FIRST_YEAR, LAST_YEAR = 1990, 2200


@dataclass(frozen=True)
class CampaignSettings:
    counties: tuple[County, ...]
    inspectors: tuple[Inspector, ...]
    weights: tuple[tuple[str, Decimal], ...]  # (method key, weight as a share of 1), in the campaign's order
    grading: GradingRule
    milestones: tuple[Milestone, ...]

    def weight(self, key: str) -> Decimal | None:
        return next((w for k, w in self.weights if k == key), None)


def settings_of(campaign: Campaign) -> CampaignSettings:
    """What a campaign holds now, as settings to edit."""
    return CampaignSettings(
        campaign.counties, campaign.inspectors, tuple((m.key, m.weight) for m in campaign.methods), campaign.grading,
        campaign.milestones,
    )


def apply(reference: Campaign, settings: CampaignSettings) -> Campaign:
    """The effective campaign: the reference with the settings laid over it (validate first)."""
    weights = dict(settings.weights)
    return dataclasses.replace(
        reference,
        counties=settings.counties,
        inspectors=settings.inspectors,
        methods=tuple(dataclasses.replace(m, weight=weights.get(m.key, m.weight)) for m in reference.methods),
        grading=settings.grading,
        milestones=settings.milestones,
    )


# --- as stored --------------------------------------------------------------------------------


def _sections(settings: CampaignSettings) -> dict[str, Any]:
    grading: dict[str, Any]
    if isinstance(settings.grading, ProportionRule):
        grading = {"rule": "proportion", "excellent": canonical(settings.grading.excellent), "good": canonical(settings.grading.good)}
    else:
        grading = {"rule": "bands", "bands": [{"grade": b.grade.value, "min": canonical(b.minimum)} for b in settings.grading.bands]}
    return {
        "counties": [{"code": c.code, "name": c.name, "pilot_areas": list(c.pilot_areas)} for c in settings.counties],
        "inspectors": [{"name": i.name, "unit": i.unit} for i in settings.inspectors],
        "weights": {k: canonical(w) for k, w in settings.weights},
        "grading": grading,
        "milestones": [{"key": m.key, "name": m.name, "due": m.due.isoformat()} for m in settings.milestones],
    }


def to_payload(reference: Campaign, settings: CampaignSettings) -> dict[str, Any]:
    """The sections that differ from the reference campaign, as plain data."""
    mine, theirs = _sections(settings), _sections(settings_of(reference))
    return {k: v for k, v in mine.items() if v != theirs[k]}


def from_payload(reference: Campaign, payload: Mapping[str, Any], source: str = "campaign settings") -> CampaignSettings:
    """Settings read back from stored sections; a section not stored is the reference's.
    Raises InputError when a section cannot be read (not when a value breaks a rule:
    `validate` says that)."""
    check = Checker(source)
    base = settings_of(reference)
    counties, inspectors, weights, grading, milestones = base.counties, base.inspectors, base.weights, base.grading, base.milestones
    if "counties" in payload:
        counties = tuple(
            County(str(t.get("code", "")).strip(), str(t.get("name", "")).strip(), check.strings(t, "pilot_areas", "counties"))
            for t in _rows(payload["counties"], "counties", check)
        )
    if "inspectors" in payload:
        inspectors = tuple(
            Inspector(str(t.get("name", "")).strip(), str(t.get("unit", "")).strip())
            for t in _rows(payload["inspectors"], "inspectors", check)
        )
    if "weights" in payload:
        value = payload["weights"]
        if isinstance(value, Mapping):
            read = []
            for key, weight in value.items():
                number = parse_decimal(weight)
                if number is None:
                    check.fail("weights", "not_a_number", f"weight of {key!r} is not a decimal number: {weight!r}")
                    continue
                read.append((str(key), number))
            weights = tuple(read)
        else:
            check.fail("weights", "bad_list", "'weights' must map each method's key to its weight")
    if "grading" in payload:
        grading = parse_grading(payload["grading"], check) or grading
    if "milestones" in payload:
        read_milestones = []
        for i, t in enumerate(_rows(payload["milestones"], "milestones", check), start=1):
            try:
                due = dt.date.fromisoformat(str(t.get("due", "")))
            except ValueError:
                check.fail(f"milestone {i}", "bad_date", f"'due' must be a date (2018-09-08), not {t.get('due')!r}")
                continue
            read_milestones.append(Milestone(str(t.get("key", "")), str(t.get("name", "")).strip(), due))
        milestones = tuple(read_milestones)
    check.raise_if_any()
    return CampaignSettings(counties, inspectors, weights, grading, milestones)


def _rows(value: object, node: str, check: Checker) -> list[Mapping[str, Any]]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not all(isinstance(v, Mapping) for v in value):
        check.fail(node, "bad_list", f"'{node}' must be a list of tables")
        return []
    return list(value)


# --- the rules --------------------------------------------------------------------------------


def _problem(problems: list[Problem], node: str, code: str, message: str, *, row: int | None = None,
             column: str | None = None, **params: Any) -> None:
    problems.append(Problem(code, message, row=row, column=column, node=node, params=params))


def validate(reference: Campaign, settings: CampaignSettings, work: Mapping[str, int] | None = None) -> list[Problem]:
    """Every rule the settings break. `work` counts the records of work held per county
    code: a county with work cannot be removed, nor its code changed (its work is filed
    under that code; adding it back with the same code brings the work back)."""
    problems: list[Problem] = []
    _check_counties(reference, settings.counties, work or {}, problems)
    _check_inspectors(settings.inspectors, problems)
    _check_weights(reference, settings.weights, problems)
    _check_grading(settings.grading, problems)
    _check_milestones(settings.milestones, problems)
    return problems


def check(reference: Campaign, settings: CampaignSettings, work: Mapping[str, int] | None = None,
          source: str = "campaign settings") -> None:
    """`validate`, raising InputError with every problem."""
    problems = validate(reference, settings, work)
    if problems:
        raise InputError(source, problems)


def read_payload(reference: Campaign, payload: dict[str, Any], source: str) -> CampaignSettings:
    """The settings a stored payload holds, checked against the campaign's rules (InputError
    when broken): the one rule for opening a database and for a merge taking the lead's settings."""
    settings = from_payload(reference, payload, source)
    check(reference, settings, source=source)
    return settings


def _duplicates(values: list[str]) -> set[int]:
    """Indexes (0-based) of values that repeat an earlier one."""
    seen: set[str] = set()
    out = set()
    for i, v in enumerate(values):
        if v and v in seen:
            out.add(i)
        seen.add(v)
    return out


def _check_counties(reference: Campaign, counties: tuple[County, ...], work: Mapping[str, int], problems: list[Problem]) -> None:
    if not counties:
        _problem(problems, "counties", "no_counties", "a campaign needs at least one county")
    codes = [c.code for c in counties]
    names = [c.name for c in counties]
    twice_code, twice_name = _duplicates(codes), _duplicates(names)
    for i, county in enumerate(counties):
        row = i + 1
        if not county.code:
            _problem(problems, "counties", "missing", f"county {row}: the code is empty", row=row, column="code")
        elif not _CODE.match(county.code):
            _problem(problems, "counties", "bad_code", f"county {row}: code {county.code!r} must be letters and digits (341502)",
                     row=row, column="code", value=county.code)
        elif i in twice_code:
            _problem(problems, "counties", "duplicate", f"county {row}: code {county.code} is used twice", row=row,
                     column="code", value=county.code)
        if not county.name:
            _problem(problems, "counties", "missing", f"county {row}: the name is empty", row=row, column="name")
        elif i in twice_name:
            _problem(problems, "counties", "duplicate", f"county {row}: name {county.name} is used twice", row=row,
                     column="name", value=county.name)
        unknown = [a for a in county.pilot_areas if reference.pilot_areas and a not in reference.pilot_areas]
        if unknown:
            _problem(problems, "counties", "unknown_area",
                     f"county {row}: pilot area {unknown[0]!r} is not one of the campaign's pilot areas",
                     row=row, column="pilot_areas", value=unknown[0])
    kept = set(codes)
    for code, count in sorted(work.items()):
        if count and code not in kept:
            _problem(problems, "counties", "has_work",
                     f"county {code} holds work ({count} records): it cannot be removed, nor its code changed",
                     county=code, count=count)


def _check_inspectors(inspectors: tuple[Inspector, ...], problems: list[Problem]) -> None:
    twice = _duplicates([i.name for i in inspectors])
    for i, inspector in enumerate(inspectors):
        row = i + 1
        if not inspector.name:
            _problem(problems, "inspectors", "missing", f"inspector {row}: the name is empty", row=row, column="name")
        elif i in twice:
            _problem(problems, "inspectors", "duplicate", f"inspector {row}: {inspector.name} is listed twice", row=row,
                     column="name", value=inspector.name)


def _check_weights(reference: Campaign, weights: tuple[tuple[str, Decimal], ...], problems: list[Problem]) -> None:
    keys = [m.key for m in reference.methods]
    given = dict(weights)
    for key, _ in weights:
        if key not in keys:
            _problem(problems, "weights", "unknown_method", f"the campaign has no method {key!r}", column=key)
    for key in keys:
        weight = given.get(key)
        if weight is None:
            _problem(problems, "weights", "missing", f"method {key} has no weight", column=key)
        elif not 0 <= weight <= ONE:
            _problem(problems, "weights", "out_of_range", f"method {key}: weight {weight * HUNDRED}% must be from 0 to 100 %",
                     column=key, value=weight * HUNDRED)
        elif places(weight.normalize()) > 4:
            _problem(problems, "weights", "too_precise", f"method {key}: weight {weight * HUNDRED}% has more than 2 decimal places",
                     column=key, value=weight * HUNDRED)
    total = sum((given.get(k, Decimal(0)) for k in keys), Decimal(0))
    if total != ONE:
        _problem(problems, "weights", "weights_sum", f"the methods' weights add up to {canonical(total * HUNDRED)} %, not 100 %",
                 total=total * HUNDRED)


def _share(problems: list[Problem], column: str, value: Decimal) -> bool:
    if not 0 <= value <= ONE:
        _problem(problems, "grading", "out_of_range", f"grading: {column} {value * HUNDRED}% must be from 0 to 100 %",
                 column=column, value=value * HUNDRED)
        return False
    if places(value.normalize()) > 4:
        _problem(problems, "grading", "too_precise", f"grading: {column} {value * HUNDRED}% has more than 2 decimal places",
                 column=column, value=value * HUNDRED)
        return False
    return True


def _check_grading(rule: GradingRule, problems: list[Problem]) -> None:
    if isinstance(rule, ProportionRule):
        shares_valid = [_share(problems, "excellent", rule.excellent), _share(problems, "good", rule.good)]
        if all(shares_valid) and rule.excellent + rule.good > ONE:
            _problem(problems, "grading", "proportion_sum",
                     f"grading: 优秀 {rule.excellent * HUNDRED}% and 良好 {rule.good * HUNDRED}% add up to more than 100 %",
                     column="good", total=(rule.excellent + rule.good) * HUNDRED)
        return
    if not rule.bands:
        _problem(problems, "grading", "no_bands", "grading by bands needs at least one band")
    previous: Band | None = None
    for i, band in enumerate(rule.bands):
        row = i + 1
        if not 0 <= band.minimum <= HUNDRED:
            _problem(problems, "grading", "out_of_range", f"band {row} ({band.grade.value}): minimum {band.minimum} must be from 0 to 100",
                     row=row, column="min", grade=band.grade.value, value=band.minimum)
        elif places(band.minimum.normalize()) > 2:
            _problem(problems, "grading", "too_precise", f"band {row} ({band.grade.value}): minimum {band.minimum} has more than 2 places",
                     row=row, column="min", grade=band.grade.value, value=band.minimum)
        elif band.grade not in _BAND_ORDER or (
            previous is not None and _BAND_ORDER.index(band.grade) <= _BAND_ORDER.index(previous.grade)
        ):
            _problem(problems, "grading", "bands_order", f"band {row}: grades run 优秀, 良好, 合格, each once",
                     row=row, column="grade", grade=band.grade.value)
        elif previous is not None and band.minimum >= previous.minimum:
            _problem(problems, "grading", "bands_order",
                     f"band {row} ({band.grade.value}): minimum {band.minimum} must be lower than "
                     f"{previous.grade.value}'s {previous.minimum}",
                     row=row, column="min", grade=band.grade.value, value=band.minimum, above=previous.grade.value,
                     above_value=previous.minimum)
        previous = band


def _check_milestones(milestones: tuple[Milestone, ...], problems: list[Problem]) -> None:
    twice = _duplicates([m.key for m in milestones])
    for i, milestone in enumerate(milestones):
        row = i + 1
        if not milestone.name:
            _problem(problems, "milestones", "missing", f"milestone {row}: the name is empty", row=row, column="name")
        if not milestone.key or i in twice:
            _problem(problems, "milestones", "duplicate", f"milestone {row}: key {milestone.key!r} is empty or used twice",
                     row=row, column="key", value=milestone.key)
        if not FIRST_YEAR <= milestone.due.year <= LAST_YEAR:
            _problem(problems, "milestones", "bad_date", f"milestone {row}: {milestone.due} is not a date of a campaign",
                     row=row, column="due", value=milestone.due.isoformat())


__all__ = [
    "SECTIONS", "CampaignSettings", "apply", "check", "from_payload", "settings_of", "to_payload", "validate",
]
