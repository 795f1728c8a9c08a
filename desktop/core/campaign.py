"""Campaigns (验收工作): one round of acceptance, as data.

A campaign names its indicator set, the methods and their weights (附件2), the rule that
turns totals into grades, the timeline, and the pilot counties. Its `id` is the root
every other identifier derives from, so every laptop that starts from the same file
agrees on them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop.core.documents import Checker, read_toml
from desktop.core.indicators import IndicatorSet, load_indicator_set, parse_indicator_set
from desktop.core.numbers import canonical

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")


class Grade(StrEnum):
    EXCELLENT = "优秀"
    GOOD = "良好"
    PASS = "合格"
    FAIL = "不合格"


class MethodSource(StrEnum):
    INSPECTION = "inspection"  # the working group's own inspection, four modes per item
    IMPORT = "import"  # a score per county from a sheet (self-check, third party, …)


@dataclass(frozen=True)
class Method:
    key: str
    name: str
    weight: Decimal
    source: MethodSource
    responsible: str = ""


@dataclass(frozen=True)
class ProportionRule:
    """Grades by rank: the top share 优秀, the next share 良好, the rest 合格."""

    excellent: Decimal
    good: Decimal


@dataclass(frozen=True)
class Band:
    grade: Grade
    minimum: Decimal


@dataclass(frozen=True)
class BandsRule:
    """Grades by score: the first band whose minimum the total reaches; below all, 不合格."""

    bands: tuple[Band, ...]


GradingRule = ProportionRule | BandsRule


@dataclass(frozen=True)
class Milestone:
    key: str
    name: str
    due: dt.date


@dataclass(frozen=True)
class County:
    code: str
    name: str
    pilot_areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Inspector:
    """A member of the working group (检查组成员): name and unit, as on the signed record."""

    name: str
    unit: str = ""


@dataclass(frozen=True)
class Campaign:
    id: str
    name: str
    document_number: str
    issuer: str
    year: int | None
    indicator_set: IndicatorSet
    methods: tuple[Method, ...]
    grading: GradingRule
    milestones: tuple[Milestone, ...]
    counties: tuple[County, ...]
    pilot_areas: tuple[str, ...]
    inspectors: tuple[Inspector, ...] = ()

    def county_named(self, name: str) -> County | None:
        return next((c for c in self.counties if c.name == name), None)

    def find_county(self, name_or_code: str) -> County | None:
        """A county as a person writes it in a sheet or on a command line: its name (金安区) or its code."""
        text = name_or_code.strip()
        return self.county_named(text) or next((c for c in self.counties if c.code == text), None)

    def county(self, code: str) -> County:
        return next(c for c in self.counties if c.code == code)

    def method(self, key: str) -> Method | None:
        return next((m for m in self.methods if m.key == key), None)

    @property
    def inspection_method(self) -> Method | None:
        return next((m for m in self.methods if m.source is MethodSource.INSPECTION), None)

    def to_document(self) -> dict[str, Any]:
        """The campaign as plain data, its indicator set inside; parsing it gives it back."""
        grading: dict[str, Any]
        if isinstance(self.grading, ProportionRule):
            grading = {"rule": "proportion", "excellent": canonical(self.grading.excellent), "good": canonical(self.grading.good)}
        else:
            grading = {"rule": "bands", "bands": [{"grade": b.grade.value, "min": canonical(b.minimum)} for b in self.grading.bands]}
        document: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "indicator_set": self.indicator_set.to_document(),
            "pilot_areas": list(self.pilot_areas),
            "method": [
                {"key": m.key, "name": m.name, "weight": canonical(m.weight), "source": m.source.value,
                 **({"responsible": m.responsible} if m.responsible else {})}
                for m in self.methods
            ],
            "grading": grading,
            "milestone": [{"key": m.key, "name": m.name, "due": m.due.isoformat()} for m in self.milestones],
            "county": [{"code": c.code, "name": c.name, "pilot_areas": list(c.pilot_areas)} for c in self.counties],
        }
        # optional texts are left out when empty: the parser refuses an empty text
        for key, value in (("document_number", self.document_number), ("issuer", self.issuer)):
            if value:
                document[key] = value
        if self.year is not None:
            document["year"] = self.year
        if self.inspectors:  # absent when empty: a campaign file without a team keeps its hash
            document["inspector"] = [{"name": i.name, **({"unit": i.unit} if i.unit else {})} for i in self.inspectors]
        return document


SetResolver = Callable[[str], IndicatorSet]


def load_campaign(path: Path, resolve_set: SetResolver | None = None) -> Campaign:
    """Load a campaign file; its indicator set is looked up beside it by default."""

    def beside(name: str) -> IndicatorSet:
        return load_indicator_set(path.parent.parent / "indicator_sets" / f"{name}.toml")

    return parse_campaign(read_toml(path), path, resolve_set or beside)


_KEYS = {
    "id", "name", "document_number", "issuer", "year", "indicator_set", "pilot_areas", "method", "grading", "milestone", "county",
    "inspector",
}


def parse_campaign(data: Mapping[str, Any], source: str | Path, resolve_set: SetResolver | None = None) -> Campaign:
    check = Checker(source)
    check.known_keys(data, _KEYS, "the campaign")
    campaign_id = check.text(data, "id", "the campaign")
    if campaign_id and not _ID.match(campaign_id):
        check.fail("the campaign", "bad_id", f"id {campaign_id!r} must be lower-case letters, digits, '.', '_' or '-'")
    name = check.text(data, "name", "the campaign")
    document_number = check.text(data, "document_number", "the campaign", required=False)
    issuer = check.text(data, "issuer", "the campaign", required=False)
    year = data.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2200):
        check.fail("the campaign", "bad_year", f"year {year!r} is not a year")
        year = None
    pilot_areas = check.strings(data, "pilot_areas", "the campaign")

    indicator_set = _indicator_set(data.get("indicator_set"), check, resolve_set)
    methods = _methods(data, check)
    grading = parse_grading(data.get("grading"), check)
    milestones = _milestones(data, check)
    counties = _counties(data, check, pilot_areas)
    inspectors = _inspectors(data, check)
    check.raise_if_any()
    assert indicator_set is not None and grading is not None
    return Campaign(
        campaign_id, name, document_number, issuer, year, indicator_set, methods, grading,
        milestones, counties, pilot_areas, inspectors,
    )


def _indicator_set(value: object, check: Checker, resolve_set: SetResolver | None) -> IndicatorSet | None:
    if isinstance(value, Mapping):
        return parse_indicator_set(value, f"{check.source} [indicator_set]")
    if isinstance(value, str) and value.strip():
        if resolve_set is None:
            check.fail("the campaign", "set_not_found", f"indicator set {value!r} cannot be looked up here")
            return None
        return resolve_set(value.strip())
    check.fail("the campaign", "missing", "'indicator_set' must name a set or hold one")
    return None


def _methods(data: Mapping[str, Any], check: Checker) -> tuple[Method, ...]:
    methods: list[Method] = []
    for i, table in enumerate(check.tables(data, "method", "the campaign"), start=1):
        label = f"method {i}"
        check.known_keys(table, {"key", "name", "weight", "source", "responsible"}, label)
        key = check.text(table, "key", label)
        if key and not _ID.match(key):
            check.fail(label, "bad_key", f"key {key!r} must be lower-case letters, digits or '-'")
        label = f"method {key or i}"
        weight = check.decimal(table, "weight", label)
        if weight is not None and not Decimal(0) <= weight <= Decimal(1):
            check.fail(label, "weight_range", f"weight {weight} must be between 0 and 1")
        source = table.get("source")
        if source not in {s.value for s in MethodSource}:
            check.fail(label, "bad_source", f"source {source!r} must be 'inspection' or 'import'")
            continue
        methods.append(Method(key, check.text(table, "name", label), weight or Decimal(0), MethodSource(source),
                              check.text(table, "responsible", label, required=False)))
    keys = [m.key for m in methods]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        check.fail(f"method {key}", "duplicate_key", f"method key {key} is used twice")
    if sum(1 for m in methods if m.source is MethodSource.INSPECTION) > 1:
        check.fail("the campaign", "two_inspections", "only one method may have source 'inspection'")
    total = sum((m.weight for m in methods), Decimal(0))
    if methods and total != 1:
        check.fail("the campaign", "weights_not_one", f"the methods' weights add up to {total}, not 1")
    return tuple(methods)


def parse_grading(value: object, check: Checker) -> GradingRule | None:
    if not isinstance(value, Mapping):
        check.fail("grading", "missing", "[grading] is missing")
        return None
    rule = value.get("rule")
    if rule == "proportion":
        check.known_keys(value, {"rule", "excellent", "good"}, "grading")
        excellent = check.decimal(value, "excellent", "grading")
        good = check.decimal(value, "good", "grading")
        if excellent is None or good is None:
            return None
        if excellent < 0 or good < 0 or excellent + good > 1:
            check.fail("grading", "bad_proportion", f"shares {excellent} and {good} must be ≥ 0 and add up to at most 1")
            return None
        return ProportionRule(excellent, good)
    if rule == "bands":
        check.known_keys(value, {"rule", "bands"}, "grading")
        bands: list[Band] = []
        for i, table in enumerate(check.tables(value, "bands", "grading"), start=1):
            label = f"grading band {i}"
            check.known_keys(table, {"grade", "min"}, label)
            grade = table.get("grade")
            minimum = check.decimal(table, "min", label)
            if grade not in (Grade.EXCELLENT, Grade.GOOD, Grade.PASS):
                check.fail(label, "bad_grade", f"grade {grade!r} must be 优秀, 良好 or 合格")
                continue
            if minimum is None or not 0 <= minimum <= 100:
                check.fail(label, "band_range", "'min' must be a score from 0 to 100")
                continue
            bands.append(Band(Grade(grade), minimum))
        order = [b.grade for b in bands]
        if len(set(order)) != len(order) or any(
            a.minimum <= b.minimum or list(Grade).index(a.grade) > list(Grade).index(b.grade)
            for a, b in itertools.pairwise(bands)
        ):
            check.fail("grading", "bands_order", "bands must run from the best grade down, each minimum lower than the one before")
        return BandsRule(tuple(bands))
    check.fail("grading", "bad_rule", f"rule {rule!r} must be 'proportion' or 'bands'")
    return None


def _milestones(data: Mapping[str, Any], check: Checker) -> tuple[Milestone, ...]:
    milestones = []
    for i, table in enumerate(check.tables(data, "milestone", "the campaign", required=False), start=1):
        label = f"milestone {i}"
        check.known_keys(table, {"key", "name", "due"}, label)
        due = table.get("due")
        if isinstance(due, str):
            try:
                due = dt.date.fromisoformat(due)
            except ValueError:
                pass
        if not isinstance(due, dt.date) or isinstance(due, dt.datetime):
            check.fail(label, "bad_date", f"'due' must be a date (2018-09-08), not {due!r}")
            continue
        milestones.append(Milestone(check.text(table, "key", label), check.text(table, "name", label), due))
    return tuple(milestones)


def _counties(data: Mapping[str, Any], check: Checker, pilot_areas: tuple[str, ...]) -> tuple[County, ...]:
    counties = []
    for i, table in enumerate(check.tables(data, "county", "the campaign"), start=1):
        label = f"county {i}"
        check.known_keys(table, {"code", "name", "pilot_areas"}, label)
        code = str(table.get("code", "")).strip()
        if not _CODE.match(code):
            check.fail(label, "bad_code", f"code {code!r} must be letters and digits (GB/T 2260: 341502)")
        name = check.text(table, "name", label)
        areas = check.strings(table, "pilot_areas", label)
        for area in areas:
            if pilot_areas and area not in pilot_areas:
                check.fail(f"county {name or code}", "unknown_area", f"pilot area {area!r} is not in the campaign's pilot_areas")
        counties.append(County(code, name, areas))
    for attr, what in (("code", "code"), ("name", "name")):
        values = [getattr(c, attr) for c in counties]
        for value in sorted({v for v in values if values.count(v) > 1}):
            check.fail(f"county {value}", "duplicate_county", f"county {what} {value} is used twice")
    return tuple(counties)


def _inspectors(data: Mapping[str, Any], check: Checker) -> tuple[Inspector, ...]:
    inspectors = []
    for i, table in enumerate(check.tables(data, "inspector", "the campaign", required=False), start=1):
        label = f"inspector {i}"
        check.known_keys(table, {"name", "unit"}, label)
        inspectors.append(Inspector(check.text(table, "name", label), check.text(table, "unit", label, required=False)))
    names = [i.name for i in inspectors]
    for name in sorted({n for n in names if names.count(n) > 1}):
        check.fail(f"inspector {name}", "duplicate_inspector", f"inspector {name} is listed twice")
    return tuple(inspectors)
