"""A problem's steps, checked where data passes (SPEC §2, §4): a version whose status change
the state machine (desktop.core.problems) does not allow is refused — written here
(db.versions.put) or arriving by merge, on a SQLite master and a PostgreSQL one — naming the
rule and the refusal; the steps it allows pass. The forgeries are signed with the laptop's
own key (tests/forge.py), as a patched copy of the program would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from forge import forge
from syncutil import Team, county, merge, rebuilt, state

from db import versions
from db.errors import NotAdmitted
from desktop import paths
from desktop.core.errors import InputError
from desktop.services import inspection, rectification
from desktop.services.workspace import Workspace


def refused(master: Workspace, path: Path, rule: str, refusal: str) -> None:
    before = state(master)
    [report] = merge(master, [path])
    assert (report.status, report.code) == ("refused", rule), (report.code, report.reason)
    assert refusal in report.reason, report.reason
    assert report.refused_version and report.refused_author
    assert state(master) == before
    assert rebuilt(master) == {k: v for k, v in state(master).items() if k != "blob"}


def merged(ws: Workspace, *files: Path) -> None:
    assert [(r.status, r.reason) for r in merge(ws, list(files))] == [("merged", "")] * len(files)


def found(team: Team) -> tuple[Workspace, Workspace, str]:
    """张三's laptop found a problem; the master holds it."""
    master, zhang = team.master(), team.laptop("张三")
    record = inspection.save_problem(zhang, county(zhang), "1.2.1", description="方案不完整", severity="major", deadline=None)
    merged(master, team.export(zhang, "zhang-1.db"))
    return master, zhang, record


def payload(ws: Workspace, record: str, **changes: Any) -> dict[str, Any]:
    with ws.read() as conn:
        current = versions.current_payload(conn, record)
    assert current is not None
    return {**{k: v for k, v in current[0].items() if k not in {"evidence", "account", "reason"}}, **changes}


@pytest.mark.parametrize(
    ("changes", "rule", "refusal"),
    [
        ({"status": "verified"}, "lead_only", "verified"),  # open → verified, by a laptop
        ({"status": "rectified"}, "step", "needs_evidence"),  # neither evidence nor a written account
        ({"status": "rectified", "account": "   "}, "value", "account"),  # an account of blanks is none
        ({"status": "rectified", "evidence": []}, "value", "evidence"),
    ],
)
def test_a_laptops_forged_step_from_open_is_refused(team: Team, changes: dict[str, Any], rule: str, refusal: str) -> None:
    master, zhang, record = found(team)
    forge(zhang, entity="problem", record_id=record, payload=payload(zhang, record, **changes))
    refused(master, team.export(zhang, "zhang-2.db"), rule, refusal)


def test_a_problem_found_rectified_is_refused(team: Team) -> None:
    master, zhang, _record = found(team)
    body = {"county": county(zhang), "item": "1.1.1", "inspector": "张三", "description": "公开栏未更新", "severity": "minor",
            "deadline": None, "created_at": "2026-09-12T00:00:00+00:00", "status": "rectified", "account": "已更新"}
    forge(zhang, entity="problem", record_id=versions.new_id(), payload=body)
    refused(master, team.export(zhang, "zhang-2.db"), "step", "starts_open")


def test_a_reopening_without_a_reason_is_refused(team: Team) -> None:
    master, zhang, record = found(team)
    rectification.set_status(zhang, record, "rectified", account="已补充实施方案，经领导小组审定")
    forge(zhang, entity="problem", record_id=record, payload=payload(zhang, record, status="open"))
    refused(master, team.export(zhang, "zhang-2.db"), "step", "needs_reason")


def test_a_laptop_cannot_reopen_what_the_lead_verified(team: Team) -> None:
    master, zhang, record = found(team)
    rectification.set_status(zhang, record, "rectified", account="已整改")
    merged(master, team.export(zhang, "zhang-2.db"))
    rectification.set_status(master, record, "verified")
    merged(zhang, team.export(master, "master-1.db"))
    forge(zhang, entity="problem", record_id=record, payload=payload(zhang, record, status="open", reason="还没好"))
    refused(master, team.export(zhang, "zhang-3.db"), "lead_only", "lead_only")


def verified(team: Team) -> tuple[Workspace, Workspace, str]:
    """张三's problem, rectified on his laptop and verified by the lead; the laptop holds that."""
    master, zhang, record = found(team)
    rectification.set_status(zhang, record, "rectified", account="已整改")
    merged(master, team.export(zhang, "zhang-2.db"))
    rectification.set_status(master, record, "verified")
    merged(zhang, team.export(master, "master-1.db"))
    return master, zhang, record


@pytest.mark.parametrize("status", [None, "closed"])
def test_a_laptop_cannot_delete_what_the_lead_verified_by_saying_another_status(team: Team, status: str | None) -> None:
    """A deletion's payload escapes the value rule: one of a verified problem that says no
    status, or one outside the vocabulary, took the lead's verified problem off the board."""
    master, zhang, record = verified(team)
    forge(zhang, entity="problem", record_id=record, payload=payload(zhang, record, status=status), deleted=True)
    refused(master, team.export(zhang, "zhang-3.db"), "step", "unknown_status")


def test_a_laptop_cannot_begin_a_held_problem_again(team: Team) -> None:
    """A version of the lead's verified problem that continues none of its versions, open:
    a second head beside the verified one, which showed the problem open."""
    master, zhang, record = verified(team)
    forge(zhang, entity="problem", record_id=record, payload=payload(zhang, record, status="open"), parents=[])
    refused(master, team.export(zhang, "zhang-3.db"), "step", "begins again")


def test_another_masters_jump_to_verified_is_refused(team: Team) -> None:
    """A second lead's desk may verify, but only what is rectified: open → verified is no
    step, whoever signs it; so is verified back to rectified."""
    master, zhang, record = found(team)
    second = team.master("second.db")
    merged(second, team.export(zhang, "zhang-1b.db"))
    forge(second, entity="problem", record_id=record, payload=payload(second, record, status="verified"))
    refused(master, team.export(second, "second-1.db", sealed=False), "step", "not_rectified")  # the masters: strangers


def test_verified_back_to_rectified_is_refused(team: Team) -> None:
    master, zhang, record = found(team)
    second = team.master("second.db")
    rectification.set_status(zhang, record, "rectified", account="已整改")
    merged(second, team.export(zhang, "zhang-2.db"))
    rectification.set_status(second, record, "verified")
    forge(second, entity="problem", record_id=record, payload=payload(second, record, status="rectified", account="再次整改"))
    refused(master, team.export(second, "second-1.db", sealed=False), "step", "not_from_open")


def test_the_allowed_steps_pass_every_path(team: Team, tmp_path: Path) -> None:
    """Found, rectified on a laptop with a file, verified and reopened by the lead,
    rectified again with an account, verified: every file merges, both ways."""
    master, zhang, record = found(team)
    proof = tmp_path / "整改报告.pdf"
    proof.write_bytes(b"%PDF-1.4 rectification report")
    assert rectification.set_status(zhang, record, "rectified", evidence=proof).status == "rectified"
    merged(master, team.export(zhang, "zhang-2.db"))
    assert rectification.set_status(master, record, "verified").status == "verified"
    assert rectification.set_status(master, record, "open", reason="复查发现公开栏又未更新").status == "open"
    merged(zhang, team.export(master, "master-1.db"))
    assert rectification.set_status(zhang, record, "rectified", account="已安排专人每周更新").status == "rectified"
    merged(master, team.export(zhang, "zhang-3.db"))
    assert rectification.set_status(master, record, "verified").status == "verified"
    merged(zhang, team.export(master, "master-2.db"))
    kinds = [(s.kind.value, s.by) for s in rectification.history(master, record)]
    assert kinds == [("found", "张三"), ("rectified", "张三"), ("verified", "组长"), ("reopened", "组长"),
                     ("rectified", "张三"), ("verified", "组长")]
    assert [(s.kind.value, s.by) for s in rectification.history(zhang, record)] == kinds


def test_a_local_write_is_held_to_the_same_rule(team: Team) -> None:
    """The services go through the state machine; a write that bypasses them meets it again
    in db.versions.put, on a laptop and on the master."""
    master, zhang, record = found(team)
    for ws, changes in ((zhang, {"status": "rectified"}), (master, {"status": "verified"})):
        body = payload(ws, record, **changes)
        with pytest.raises(NotAdmitted) as caught:
            write(ws, record, body)
        assert caught.value.rule == "step"
        assert payload(ws, record)["status"] == "open"


def write(ws: Workspace, record: str, body: dict[str, Any]) -> None:
    with ws.write() as conn:
        versions.put(conn, ws.database.signer(paths.keys_dir(), conn), entity="problem", record_id=record, payload=body)


def test_a_laptop_takes_what_the_master_holds(team: Team) -> None:
    """A laptop does not re-judge the master's steps (the master admitted everything it
    holds; what a lead wrote before the rule existed must still reach the laptops), but
    the master judges another master's."""
    master, zhang, record = found(team)
    forge(master, entity="problem", record_id=record, payload=payload(master, record, status="verified"))  # an older desk's jump
    merged(zhang, team.export(master, "master-1.db"))
    assert rectification.board(zhang)[0].status == "verified"
    third = team.master("third.db")
    refused(third, team.export(master, "master-2.db", sealed=False), "step", "not_rectified")


def test_a_laptop_enrolled_in_the_leads_name_cannot_touch_the_leads_evidence(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The master writes the lead's own evidence in the name 组长 (validity.LEAD_AUTHOR): a
    laptop made (by a patched program: the real one refuses the name) and enrolled under that
    name deleted the photo the lead attached to a rectification."""
    from PIL import Image

    from desktop.core import validity
    from desktop.services import workspace

    master, _zhang, record = found(team)
    photo = tmp_path / "整改.jpg"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(photo, "JPEG")
    rectification.set_status(master, record, "rectified", evidence=photo)
    with pytest.raises(InputError, match="lead's master"):
        workspace.inspector_name(validity.LEAD_AUTHOR)
    monkeypatch.setattr(workspace, "inspector_name", lambda name: name)
    posing = team.laptop(validity.LEAD_AUTHOR, "posing.db")
    merged(posing, team.export(master, "master-1.db", sealed=False))
    with posing.read() as conn:
        [lead_photo] = [r for r, in conn.exec_driver_sql("SELECT record_id FROM current_evidence")]
        current = versions.current_payload(conn, lead_photo)
    assert current is not None and current[0]["inspector"] == validity.LEAD_AUTHOR
    forge(posing, entity="evidence", record_id=lead_photo, payload=dict(current[0]), deleted=True)
    before = state(master)
    [report] = merge(master, [team.export(posing, "posing-1.db")], enroll=True)
    assert (report.status, report.code) == ("refused", "owner") and "only the lead's master writes" in report.reason
    assert state(master) == before
