"""A problem's status as one state machine (SPEC §2, 整改): 待整改 → 已整改 → 已核实.

A problem moves one way, by rule:
- open → rectified, only with the rectification's evidence (files attached) or a written
  account of it;
- rectified → verified, only by the lead (a master device);
- back to open (a reopening) from rectified — or from verified, by the lead — only with a
  reason.
Anything else is refused with a code (`Refusal`) the faces turn into words. The rule is
asked in three places, all of them this module: the window (`allowed_steps`: which
buttons to offer, and why the others are disabled), the service that writes a step
(`refusal`, then `stepped` for the payload), and the admission check every version passes,
written here or arriving by merge (`check_version`, given to db.admission as a callback).

What a step records in the problem's payload (the version is signed, so the history shows
who moved it, when, and on what):
- `status`: the status's value (the strings stored since the first release);
- `evidence`: the ids of the evidence records of a rectification (sorted), or absent;
- `account`: a written account of a rectification (instead of, or beside, evidence);
- `reason`: why it was reopened.
A rectification drops the last reopening's reason; a reopening drops the last
rectification's evidence and account (the history keeps both). Payloads written before
these fields existed read as having none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

LEAD_ROLE = "master"  # the role of the lead's database: only it verifies
MAX_EVIDENCE = 100  # evidence records one rectification names


class ProblemStatus(StrEnum):
    OPEN = "open"  # 待整改
    RECTIFIED = "rectified"  # 已整改
    VERIFIED = "verified"  # 已核实


# The documents' words (data, printed as they are): the PDFs and the exported tables use
# these; the window has its own translated words (desktop.ui.messages.problem_status), and a
# test keeps the two equal in Chinese.
LABELS_ZH: dict[ProblemStatus, str] = {
    ProblemStatus.OPEN: "待整改",
    ProblemStatus.RECTIFIED: "已整改",
    ProblemStatus.VERIFIED: "已核实",
}
OVERDUE_ZH = "逾期未整改"  # an open problem past its deadline, in the same word on every face


def is_overdue(status: str, deadline: dt.date | None, today: dt.date) -> bool:
    """Open past its deadline (the day after the deadline is the first day late)."""
    return status == ProblemStatus.OPEN and deadline is not None and deadline < today


def shown_status(status: str, deadline: dt.date | None, today: dt.date) -> str:
    """The status every face shows a problem in: "overdue" for an open one past its deadline,
    else its status's value (ProblemStatus). The documents print it with label_zh, the window
    with its translated words."""
    return "overdue" if is_overdue(status, deadline, today) else status


def label_zh(shown: str) -> str:
    """A shown_status in the documents' words (LABELS_ZH, OVERDUE_ZH)."""
    if shown == "overdue":
        return OVERDUE_ZH
    try:
        return LABELS_ZH[ProblemStatus(shown)]
    except ValueError:
        return shown


class StepKind(StrEnum):
    """What a version of a problem did, as its history tells it."""

    FOUND = "found"  # the problem's first version
    RECTIFIED = "rectified"
    VERIFIED = "verified"
    REOPENED = "reopened"


# A step as the printed problem list names it (data, like LABELS_ZH).
STEP_LABELS_ZH: dict[StepKind, str] = {
    StepKind.FOUND: "发现",
    StepKind.RECTIFIED: "整改",
    StepKind.VERIFIED: "核实",
    StepKind.REOPENED: "退回整改",
}


class Refusal(StrEnum):
    """Why a step is refused."""

    SAME_STATUS = "same_status"  # the problem is in that status already
    NOT_FROM_OPEN = "not_from_open"  # rectified is reached from open only
    NOT_RECTIFIED = "not_rectified"  # verified is reached from rectified only
    NEEDS_EVIDENCE = "needs_evidence"  # rectified needs evidence or a written account
    LEAD_ONLY = "lead_only"  # verifying, and reopening what is verified, are the lead's
    NEEDS_REASON = "needs_reason"  # a reopening needs a reason
    STARTS_OPEN = "starts_open"  # a problem is found open
    UNKNOWN_STATUS = "unknown_status"  # not a status of the vocabulary


def status_of(value: Mapping[str, Any] | str | None) -> ProblemStatus | None:
    """A payload's status (absent: open, as the first release wrote it), or a status's
    value; None for a value outside the vocabulary."""
    raw = value.get("status", ProblemStatus.OPEN.value) if isinstance(value, Mapping) else value
    try:
        return ProblemStatus(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


def evidence_of(payload: Mapping[str, Any]) -> tuple[str, ...]:
    """The evidence record ids a payload names (none where it names none, or something else)."""
    found = payload.get("evidence")
    return tuple(e for e in found if isinstance(e, str)) if isinstance(found, list) else ()


def account_of(payload: Mapping[str, Any]) -> str:
    found = payload.get("account")
    return found.strip() if isinstance(found, str) else ""


def reason_of(payload: Mapping[str, Any]) -> str:
    found = payload.get("reason")
    return found.strip() if isinstance(found, str) else ""


def _lead(role: str) -> bool:
    return role == LEAD_ROLE


def _rule(current: ProblemStatus, new: ProblemStatus, lead: bool) -> Refusal | None:
    """The step's rule, leaving aside what the step carries (evidence, account, reason)."""
    if new == current:
        return Refusal.SAME_STATUS
    if new == ProblemStatus.RECTIFIED:
        return None if current == ProblemStatus.OPEN else Refusal.NOT_FROM_OPEN
    if new == ProblemStatus.VERIFIED:
        if current != ProblemStatus.RECTIFIED:
            return Refusal.NOT_RECTIFIED
        return None if lead else Refusal.LEAD_ONLY
    # back to open: a reopening; what the lead verified only the lead reopens
    return Refusal.LEAD_ONLY if current == ProblemStatus.VERIFIED and not lead else None


def refusal(
    current: Mapping[str, Any] | str | None, new: str, *, role: str, evidence_count: int = 0, account: str = "", reason: str = "",
) -> Refusal | None:
    """Why a problem in `current` (its payload or status; None: a problem not yet written)
    may not move to `new`, taken by a database of `role` with what the step carries; None
    when it may."""
    target = status_of(new)
    if target is None:
        return Refusal.UNKNOWN_STATUS
    if current is None:
        return None if target == ProblemStatus.OPEN else Refusal.STARTS_OPEN
    before = status_of(current)
    if before is None:
        return Refusal.UNKNOWN_STATUS
    if (found := _rule(before, target, _lead(role))) is not None:
        return found
    if target == ProblemStatus.RECTIFIED and evidence_count <= 0 and not account.strip():
        return Refusal.NEEDS_EVIDENCE
    if target == ProblemStatus.OPEN and not reason.strip():
        return Refusal.NEEDS_REASON
    return None


step_problem = refusal  # the name the issue gives it


def allowed_steps(current: Mapping[str, Any] | str, role: str) -> dict[ProblemStatus, Refusal | None]:
    """Every status a problem in `current` might be moved to by a database of `role`: None
    for a step it may take (its evidence, account or reason still to be asked for), else
    why not. The window offers the first and explains the others."""
    before = status_of(current)
    if before is None:
        return dict.fromkeys(ProblemStatus, Refusal.UNKNOWN_STATUS)
    return {target: _rule(before, target, _lead(role)) for target in ProblemStatus}


def stepped(
    payload: Mapping[str, Any], new: str, *, evidence: Sequence[str] = (), account: str = "", reason: str = "",
) -> dict[str, Any]:
    """The payload of the step to `new` (checked by `refusal` first): the status and what
    the step carries; what an earlier step carried and this one replaces is dropped."""
    target = ProblemStatus(new)
    out = {k: v for k, v in payload.items() if k not in {"evidence", "account", "reason"}}
    out["status"] = target.value
    if target == ProblemStatus.RECTIFIED:
        if evidence:
            out["evidence"] = sorted(set(evidence))
        if account.strip():
            out["account"] = account.strip()
    elif target == ProblemStatus.VERIFIED:  # verified on the rectification's evidence: it stays named
        for key in ("evidence", "account"):
            if key in payload:
                out[key] = payload[key]
    elif reason.strip():
        out["reason"] = reason.strip()
    return out


def kind(payload: Mapping[str, Any], parents: Sequence[Mapping[str, Any]]) -> StepKind | None:
    """What a version of a problem did: found it (no parent), took a step, or — None — kept
    its status (an edit of its text, a deletion)."""
    after = status_of(payload)
    if not parents:
        return StepKind.FOUND
    if after is None or any(status_of(p) == after for p in parents):
        return None
    return {
        ProblemStatus.OPEN: StepKind.REOPENED, ProblemStatus.RECTIFIED: StepKind.RECTIFIED, ProblemStatus.VERIFIED: StepKind.VERIFIED,
    }[after]


def check_fields(payload: Mapping[str, Any]) -> str | None:
    """Why the step fields of a payload are not what this program writes, or None."""
    found = payload.get("evidence")
    if found is not None and not (
        isinstance(found, list) and 0 < len(found) <= MAX_EVIDENCE and all(isinstance(e, str) and e for e in found)
    ):
        return f"a problem's evidence is not a list of 1 to {MAX_EVIDENCE} evidence ids"
    for key in ("account", "reason"):
        if key in payload and not (isinstance(payload[key], str) and payload[key].strip()):
            return f"a problem's {key} is not a text"
    return None


def check_version(payload: Mapping[str, Any], parents: Sequence[Mapping[str, Any]], *, role: str) -> tuple[str, str] | None:
    """The state machine for one stored version of a problem, against its parents' payloads
    (the admission check's "step" rule): None when it is a step the rule allows, or no step
    at all (its status is one of its parents': an edit of the text, a deletion, a lead's
    settlement of a conflict choosing one side); else (rule, why), why naming the refusal
    code, rule "lead_only" where a field device took the lead's step, "step" otherwise. A
    status outside the vocabulary is refused here too: a deletion's payload is not checked
    by the value rule, and a deletion of a verified problem must not escape the lead's rule
    by saying another status."""
    after = status_of(payload)
    if after is None:  # (the value rule says so of an edit; a deletion is checked here alone)
        return "step", f"{Refusal.UNKNOWN_STATUS}: its status is not one of the vocabulary"
    if not parents:
        if after != ProblemStatus.OPEN:
            return "step", f"{Refusal.STARTS_OPEN}: a problem is found open, this one is written {after} at once"
        return None
    befores = [status_of(p) for p in parents]
    if after in befores:
        return None
    # the step from any one parent that allows it (a settlement has several)
    found_first: Refusal | None = None
    why: list[str] = []
    for before, parent in zip(befores, parents, strict=True):
        if before is None:
            continue
        found = refusal(
            parent, after, role=role, evidence_count=len(evidence_of(payload)), account=account_of(payload),
            reason=reason_of(payload),
        )
        if found is None:
            return None
        found_first = found_first or found
        why.append(f"{found}: {_said[found].format(before=before, after=after)}")
    if not why:
        return "step", f"{Refusal.UNKNOWN_STATUS}: its earlier version has no status of the vocabulary"
    # verifying, and reopening what is verified, are the lead's: the rule that says so by name
    return ("lead_only" if found_first == Refusal.LEAD_ONLY else "step"), "; ".join(why)


_said = {
    Refusal.SAME_STATUS: "it is {after} already",
    Refusal.NOT_FROM_OPEN: "it moves from {before} to {after}, and only an open problem is marked rectified",
    Refusal.NOT_RECTIFIED: "it moves from {before} to {after}, and only a rectified problem is verified",
    Refusal.NEEDS_EVIDENCE: "it is marked rectified with neither evidence nor a written account",
    Refusal.LEAD_ONLY: "it moves from {before} to {after}, which only the lead does (on the master)",
    Refusal.NEEDS_REASON: "it is reopened (from {before}) without a reason",
    Refusal.STARTS_OPEN: "a problem is found open",
    Refusal.UNKNOWN_STATUS: "not a status of the vocabulary",
}


def says(code: Refusal, *, before: str = "", after: str = "") -> str:
    """A refusal in English, for the command line and the logs."""
    return _said[code].format(before=before, after=after)


__all__ = [
    "LABELS_ZH", "LEAD_ROLE", "OVERDUE_ZH", "STEP_LABELS_ZH", "ProblemStatus", "Refusal", "StepKind", "account_of", "allowed_steps",
    "check_fields", "check_version", "evidence_of", "is_overdue", "kind", "label_zh", "reason_of", "refusal", "says", "shown_status",
    "status_of", "step_problem", "stepped",
]
