"""A problem's status as one state machine (desktop.core.problems): which steps it may take,
by whom, on what; and the same rule for a stored version against its parents."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core import problems, validity
from desktop.core.problems import ProblemStatus, Refusal, StepKind

OPEN, RECTIFIED, VERIFIED = ProblemStatus.OPEN, ProblemStatus.RECTIFIED, ProblemStatus.VERIFIED
FIELD, LEAD = "field", "master"


def test_the_stored_values_are_those_of_the_first_release() -> None:
    assert [s.value for s in ProblemStatus] == ["open", "rectified", "verified"]
    assert validity.PROBLEM_STATUSES == ("open", "rectified", "verified")
    assert problems.LABELS_ZH == {OPEN: "待整改", RECTIFIED: "已整改", VERIFIED: "已核实"}
    assert problems.LABELS_ZH["verified"] == "已核实"  # looked up by the stored string too


@pytest.mark.parametrize(
    ("before", "after", "role", "carried", "expected"),
    [
        (OPEN, RECTIFIED, FIELD, {"evidence_count": 1}, None),
        (OPEN, RECTIFIED, LEAD, {"account": "已补充方案并公开"}, None),
        (OPEN, RECTIFIED, FIELD, {}, Refusal.NEEDS_EVIDENCE),
        (OPEN, RECTIFIED, FIELD, {"account": "  \n "}, Refusal.NEEDS_EVIDENCE),
        (OPEN, VERIFIED, LEAD, {"evidence_count": 1}, Refusal.NOT_RECTIFIED),  # the board's bug: no jump
        (RECTIFIED, VERIFIED, LEAD, {}, None),
        (RECTIFIED, VERIFIED, FIELD, {}, Refusal.LEAD_ONLY),
        (VERIFIED, RECTIFIED, LEAD, {"evidence_count": 1}, Refusal.NOT_FROM_OPEN),
        (RECTIFIED, OPEN, FIELD, {"reason": "佐证不完整"}, None),
        (RECTIFIED, OPEN, FIELD, {}, Refusal.NEEDS_REASON),
        (VERIFIED, OPEN, LEAD, {"reason": "复查发现反弹"}, None),
        (VERIFIED, OPEN, FIELD, {"reason": "复查发现反弹"}, Refusal.LEAD_ONLY),
        (OPEN, OPEN, LEAD, {"reason": "x"}, Refusal.SAME_STATUS),
        (RECTIFIED, RECTIFIED, FIELD, {"evidence_count": 2}, Refusal.SAME_STATUS),
        (OPEN, "closed", LEAD, {}, Refusal.UNKNOWN_STATUS),
    ],
)
def test_each_step_by_rule(before: str, after: str, role: str, carried: dict, expected: Refusal | None) -> None:
    assert problems.refusal(before, after, role=role, **carried) == expected
    assert problems.refusal({"status": before, "description": "x"}, after, role=role, **carried) == expected  # a payload too


def test_a_payload_without_a_status_is_open_and_a_new_problem_starts_open() -> None:
    assert problems.status_of({"description": "x"}) == OPEN
    assert problems.status_of("closed") is None
    assert problems.refusal(None, "open", role=FIELD) is None
    assert problems.refusal(None, "rectified", role=LEAD, account="done") == Refusal.STARTS_OPEN


def test_allowed_steps_offer_only_what_the_rule_allows() -> None:
    assert problems.allowed_steps("open", FIELD) == {OPEN: Refusal.SAME_STATUS, RECTIFIED: None, VERIFIED: Refusal.NOT_RECTIFIED}
    assert problems.allowed_steps("rectified", FIELD) == {OPEN: None, RECTIFIED: Refusal.SAME_STATUS, VERIFIED: Refusal.LEAD_ONLY}
    assert problems.allowed_steps("rectified", LEAD) == {OPEN: None, RECTIFIED: Refusal.SAME_STATUS, VERIFIED: None}
    assert problems.allowed_steps("verified", LEAD) == {OPEN: None, RECTIFIED: Refusal.NOT_FROM_OPEN, VERIFIED: Refusal.SAME_STATUS}
    assert problems.allowed_steps("verified", FIELD)[OPEN] == Refusal.LEAD_ONLY
    assert set(problems.allowed_steps("closed", LEAD).values()) == {Refusal.UNKNOWN_STATUS}


@given(
    step=st.tuples(st.sampled_from(list(ProblemStatus)), st.sampled_from(list(ProblemStatus)), st.sampled_from((FIELD, LEAD))),
    count=st.integers(0, 2), account=st.sampled_from(("", "已整改完毕")), reason=st.sampled_from(("", "未见实效")),
)
def test_allowed_steps_agree_with_the_rule(step: tuple[ProblemStatus, ProblemStatus, str], count: int, account: str, reason: str) -> None:
    """An allowed step is refused only for what it must carry; a refused one whatever it carries."""
    before, after, role = step
    offered = problems.allowed_steps(before, role)[after]
    found = problems.refusal(before, after, role=role, evidence_count=count, account=account, reason=reason)
    if offered is not None:
        assert found == offered
    else:
        assert found in {None, Refusal.NEEDS_EVIDENCE, Refusal.NEEDS_REASON}


def test_a_step_records_what_it_stands_on_and_drops_what_it_replaces() -> None:
    found = {"county": "341502", "item": "1.2.1", "status": "open", "reason": "佐证不完整"}
    rectified = problems.stepped(found, "rectified", evidence=["b", "a", "a"], account=" 已补充方案 ")
    assert rectified == {"county": "341502", "item": "1.2.1", "status": "rectified", "evidence": ["a", "b"], "account": "已补充方案"}
    verified = problems.stepped(rectified, "verified")
    assert verified["evidence"] == ["a", "b"] and verified["account"] == "已补充方案"  # verified on that evidence
    reopened = problems.stepped(verified, "open", reason="复查发现反弹")
    assert reopened == {"county": "341502", "item": "1.2.1", "status": "open", "reason": "复查发现反弹"}
    assert problems.stepped(found, "rectified", evidence=["a"]) == {"county": "341502", "item": "1.2.1", "status": "rectified",
                                                                     "evidence": ["a"]}


def test_the_admission_rule_names_the_refusal() -> None:
    check = problems.check_version
    opened, rectified = {"status": "open"}, {"status": "rectified", "evidence": ["e1"]}
    assert check(opened, (), role=FIELD) is None
    assert check({"status": "open", "description": "改了描述"}, (opened,), role=FIELD) is None  # an edit, no step
    assert check(rectified, (opened,), role=FIELD) is None
    assert check({"status": "rectified", "account": "已整改"}, (opened,), role=FIELD) is None
    assert check({"status": "verified"}, (rectified,), role=LEAD) is None
    assert check({"status": "open", "reason": "未见实效"}, (rectified,), role=FIELD) is None
    refused = {
        "found rectified": check({"status": "rectified", "account": "x"}, (), role=FIELD),
        "open → verified": check({"status": "verified"}, (opened,), role=LEAD),
        "verified by a laptop": check({"status": "verified"}, (rectified,), role=FIELD),
        "rectified on nothing": check({"status": "rectified"}, (opened,), role=FIELD),
        "reopened for no reason": check({"status": "open"}, (rectified,), role=LEAD),
        "verified → rectified": check(rectified, ({"status": "verified"},), role=LEAD),
    }
    assert {k: (v[0], v[1].split(":")[0]) if v else None for k, v in refused.items()} == {
        "found rectified": ("step", "starts_open"),
        "open → verified": ("step", "not_rectified"),
        "verified by a laptop": ("lead_only", "lead_only"),
        "rectified on nothing": ("step", "needs_evidence"),
        "reopened for no reason": ("step", "needs_reason"),
        "verified → rectified": ("step", "not_from_open"),
    }
    # a settlement of two heads keeps one side's status: no step, admitted
    assert check({"status": "verified"}, ({"status": "verified"}, {"status": "rectified"}), role=LEAD) is None
    # a step allowed from one of its parents is admitted
    assert check({"status": "verified"}, (opened, rectified), role=LEAD) is None
    assert check({"status": "verified"}, (opened, opened), role=LEAD) is not None


def test_what_a_version_did() -> None:
    opened, rectified = {"status": "open"}, {"status": "rectified", "evidence": ["e"]}
    assert problems.kind(opened, ()) == StepKind.FOUND
    assert problems.kind({"status": "open", "description": "新"}, (opened,)) is None
    assert problems.kind(rectified, (opened,)) == StepKind.RECTIFIED
    assert problems.kind({"status": "verified"}, (rectified,)) == StepKind.VERIFIED
    assert problems.kind({"status": "open", "reason": "r"}, (rectified,)) == StepKind.REOPENED


@pytest.mark.parametrize(
    ("fields", "refused"),
    [
        ({}, False), ({"evidence": ["e1"], "account": "已整改"}, False), ({"reason": "未见实效"}, False),
        ({"evidence": []}, True), ({"evidence": "e1"}, True), ({"evidence": [1]}, True), ({"evidence": ["e"] * 101}, True),
        ({"account": ""}, True), ({"account": 3}, True), ({"reason": " "}, True),
    ],
)
def test_the_step_fields_are_what_this_program_writes(fields: dict, refused: bool) -> None:
    assert (problems.check_fields({"status": "rectified", **fields}) is not None) == refused
