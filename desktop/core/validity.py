"""What the values of a record may be, given the campaign: the application's half of the
admission check (db.admission calls `check` for every version, written here or merged).

One function per kind of record; each returns None or a (rule, reason) pair, with rule
"value" (a score off the grid, a status outside the vocabulary, an unknown county or
item) or "name" (an inspector the campaign does not list).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from desktop.core import campaign_settings, problems, visits
from desktop.core.campaign import Campaign
from desktop.core.errors import InputError
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.core.numbers import canonical, parse_decimal
from desktop.core.scoring import ScoreError, check_inspector_score

Problem = tuple[str, str] | None

PROBLEM_STATUSES = tuple(problems.ProblemStatus)  # the stored values: open, rectified, verified
PROBLEM_SEVERITIES = ("minor", "major", "serious")
SIGNER_ROLES = ("inspector", "liaison")  # 检查员, 被检查单位负责人
LEAD_AUTHOR = "组长"  # the author of evidence the lead attaches on the master (data, printed as such)
HUNDRED = Decimal(100)


def _place(
    campaign: Campaign, reference: Campaign, payload: Mapping[str, Any], *, item_required: bool
) -> Problem:
    """The county and item a record is about: a county of the campaign as stored or as the
    lead's settings make it (work on a county the settings removed meanwhile is kept, and
    counts again when it is added back)."""
    county = payload.get("county")
    if county is not None and campaign.find_county(str(county)) is None and reference.find_county(str(county)) is None:
        return "value", f"the county {str(county)[:20]!r} is not one of the campaign's"
    item = payload.get("item")
    if item is None and not item_required:
        return None
    node = campaign.indicator_set.find(str(item))
    if node is None or not node.is_item:
        return "value", f"the item {str(item)[:20]!r} is not one of the indicator set's items"
    return None


def _inspector(campaign: Campaign, reference: Campaign, payload: Mapping[str, Any]) -> Problem:
    name = payload.get("inspector")
    listed = {i.name for i in (*campaign.inspectors, *reference.inspectors)}
    if listed and name not in listed and name != LEAD_AUTHOR:
        return "name", f"the inspector {str(name)[:20]!r} is not one of the campaign's inspectors"
    return None


def _score(campaign: Campaign, payload: Mapping[str, Any], key: str = "score") -> Problem:
    written = payload.get(key)
    value = parse_decimal(written) if isinstance(written, str) else None
    if value is None:
        return "value", f"the score {str(written)[:20]!r} is not a number"
    if canonical(value) != written:  # one spelling of a number ("-0", "01", "2.50" are the program's "0", "1", "2.5")
        return "value", f"the score {str(written)[:20]!r} is not written as the program writes it ({canonical(value)!r})"
    node = campaign.indicator_set.node(str(payload["item"]))
    try:
        check_inspector_score(node, value)
    except ScoreError as exc:
        return "value", str(exc)
    return None


def _in(value: object, allowed: tuple[str, ...], what: str) -> Problem:
    if value not in allowed:
        return "value", f"the {what} {str(value)[:20]!r} is not one of {', '.join(allowed)}"
    return None


def _first(*checks: Callable[[], Problem]) -> Problem:
    for run in checks:
        if (found := run()) is not None:
            return found
    return None


def _method_score(campaign: Campaign, payload: Mapping[str, Any]) -> Problem:
    method = payload.get("method")
    if campaign.method(str(method)) is None:
        return "value", f"the method {str(method)[:20]!r} is not one of the campaign's"
    total, items = payload.get("total"), payload.get("items")
    if total is not None:
        value = parse_decimal(total)
        if value is None or not Decimal(0) <= value <= HUNDRED:
            return "value", f"a method's total {str(total)[:20]!r} is not a number from 0 to 100"
    if items is not None:
        if not isinstance(items, dict):
            return "value", "a method's item scores are not a table"
        for code, score in items.items():
            node = campaign.indicator_set.find(str(code))
            value = parse_decimal(score)
            if node is None or not node.is_item:
                return "value", f"the item {str(code)[:20]!r} is not one of the indicator set's items"
            if value is None or not Decimal(0) <= value <= node.points:
                return "value", f"the score {str(score)[:20]!r} of item {code} is not from 0 to {node.points}"
    return None


def check(campaign: Campaign, reference: Campaign, entity: str, payload: dict[str, Any]) -> Problem:
    """Whether a record's values are valid in this campaign (`reference`: the campaign as
    stored, which the lead's settings are checked against)."""
    def place(item_required: bool = True) -> Callable[[], Problem]:
        return lambda: _place(campaign, reference, payload, item_required=item_required)

    if entity == "score":
        return _first(place(), lambda: _inspector(campaign, reference, payload), lambda: _score(campaign, payload))
    if entity == "finding":
        return _first(
            place(), lambda: _inspector(campaign, reference, payload), lambda: _in(payload.get("mode"), tuple(InspectionMode), "mode"),
            lambda: _in(payload.get("status", "unchecked"), tuple(FindingStatus), "finding's result"),
        )
    if entity == "problem":
        return _first(
            place(), lambda: _in(payload.get("status", "open"), PROBLEM_STATUSES, "problem's status"),
            lambda: _in(payload.get("severity"), PROBLEM_SEVERITIES, "severity"),
            lambda: None if (why := problems.check_fields(payload)) is None else ("value", why),
        )
    if entity == "evidence":
        mode = payload.get("mode")
        return _first(
            place(item_required=False),
            lambda: None if mode is None else _in(mode, tuple(InspectionMode), "mode"),
        )
    if entity == "signature":
        return _first(place(item_required=False), lambda: _in(payload.get("signer_role"), SIGNER_ROLES, "signer"))
    if entity == "visit":
        return _first(
            place(item_required=False), lambda: _inspector(campaign, reference, payload),
            lambda: None if (why := visits.check_fields(payload)) is None else ("value", why),
        )
    if entity == "adjudication":
        return _first(place(), lambda: _score(campaign, payload))
    if entity == "adjustment":
        return _first(
            place(item_required=False),
            lambda: None if parse_decimal(payload.get("delta")) is not None else ("value", "an adjustment that is not a number"),
        )
    if entity == "method_score":
        return _first(place(item_required=False), lambda: _method_score(campaign, payload))
    if entity == "campaign_settings":
        try:
            campaign_settings.read_payload(reference, payload, "campaign settings")
        except InputError as exc:
            return "value", exc.problems[0].message
    return None


def check_step(entity: str, payload: dict[str, Any], parents: tuple[dict[str, Any], ...], role: str) -> Problem:
    """The admission check's step rule (db.admission.Policy.steps): a version of a problem
    against the versions it continues, by the state machine of desktop.core.problems."""
    if entity != "problem":
        return None
    return problems.check_version(payload, parents, role=role)
