"""The rectification board: problems by county and indicator, overdue against today, and
the way from open to rectified (with evidence) to verified (by the lead)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from desktop.core.errors import InputError
from desktop.services import inspection, rectification, sync, workspace


@pytest.fixture
def pair(tmp_path: Path, master_location: Path | str):
    field = workspace.create(tmp_path / "f.db", role="field", inspector="张三")
    master = workspace.create(master_location, role="master")
    yield field, master, tmp_path
    field.close()
    master.close()


def test_open_rectified_verified(pair) -> None:
    field, master, tmp = pair
    late = inspection.save_problem(field, "341502", "1.2.1", description="方案不完整", severity="major", deadline=dt.date(2018, 9, 25))
    soon = inspection.save_problem(field, "341503", "1.1.1", description="领导小组未开会", severity="minor",
                                   deadline=dt.date.today() + dt.timedelta(days=5))
    entries = rectification.board(field)
    assert [e.record_id for e in entries] == [late, soon]  # by county order, then indicator
    assert [e.overdue(dt.date.today()) for e in entries] == [True, False]
    with pytest.raises(InputError, match="evidence"):
        rectification.set_status(field, late, "rectified")
    proof = tmp / "整改报告.pdf"
    proof.write_bytes(b"%PDF-1.4 rectification report")
    assert rectification.set_status(field, late, "rectified", evidence=proof)
    assert [e.record_id for e in rectification.board(field, status="open")] == [soon]
    assert inspection.item_record(field, "341502", "1.2.1").evidence[0].name == "整改报告.pdf"
    with pytest.raises(InputError, match="lead"):
        rectification.set_status(field, late, "verified")
    # the lead verifies on the master, after the laptop's export was merged
    sync.merge(master, [_export(field, tmp)], enroll=True)
    assert rectification.set_status(master, late, "verified")
    assert {e.record_id: e.status for e in rectification.board(master)} == {late: "verified", soon: "open"}
    assert not rectification.board(master)[0].overdue(dt.date.today())  # done: no longer overdue
    # editing the problem's text on the laptop keeps its status
    inspection.save_problem(field, "341502", "1.2.1", description="方案不完整（已补充）", severity="major", deadline=None, record_id=late)
    assert rectification.board(field)[0].status == "rectified"


def test_unknown_status_and_problem(pair) -> None:
    field, _master, _tmp = pair
    with pytest.raises(InputError):
        rectification.set_status(field, "nope", "open")
    rid = inspection.save_problem(field, "341502", "1.2.1", description="x", severity="minor", deadline=None)
    with pytest.raises(InputError):
        rectification.set_status(field, rid, "closed")


def _export(ws, tmp: Path) -> Path:
    out = tmp / "usb" / f"{ws.path.stem}.db"
    sync.export(ws, out)
    return out


def _versions(ws) -> int:  # type: ignore[no-untyped-def]
    with ws.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM version").scalar_one())


def _refused_code(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        call()
    return caught.value.problems[0].code


def test_a_step_the_state_machine_refuses_writes_nothing(pair) -> None:
    """The board's bug: 标记为已核实 moved an open problem straight to verified."""
    field, master, tmp = pair
    late = inspection.save_problem(field, "341502", "1.2.1", description="方案不完整", severity="major", deadline=None)
    sync.merge(master, [_export(field, tmp)], enroll=True)
    before = _versions(master)
    assert _refused_code(lambda: rectification.set_status(master, late, "verified")) == "not_rectified"
    assert _refused_code(lambda: rectification.set_status(master, late, "open", reason="x")) == "same_status"
    assert _refused_code(lambda: rectification.set_status(master, late, "rectified", account="  ")) == "needs_evidence"
    assert _versions(master) == before
    assert rectification.board(master)[0].status == "open"


def test_a_written_account_a_reopening_and_the_history(pair) -> None:
    field, master, tmp = pair
    late = inspection.save_problem(field, "341502", "1.2.1", description="方案不完整", severity="major", deadline=None)
    entry = rectification.set_status(field, late, "rectified", account="已补充实施方案，经领导小组审定")
    account = "已补充实施方案，经领导小组审定"
    assert (entry.status, entry.account, entry.evidence_count, entry.stepped_by) == ("rectified", account, 0, "张三")
    assert entry.stepped_at is not None and entry.stepped_at.tzinfo is not None
    assert abs((dt.datetime.now(dt.UTC) - entry.stepped_at).total_seconds()) < 60
    # editing the problem's text keeps what its step stands on
    inspection.save_problem(field, "341502", "1.2.1", description="方案不完整（补）", severity="major", deadline=None, record_id=late)
    assert rectification.board(field)[0].account == "已补充实施方案，经领导小组审定"
    sync.merge(master, [_export(field, tmp)], enroll=True)
    rectification.set_status(master, late, "verified")
    assert _refused_code(lambda: rectification.set_status(master, late, "open")) == "needs_reason"
    reopened = rectification.set_status(master, late, "open", reason="复查发现方案仍无时间节点")
    assert (reopened.status, reopened.reason, reopened.account, reopened.evidence_names) == ("open", "复查发现方案仍无时间节点", "", ())
    assert reopened.stepped_by == "组长"
    steps = rectification.history(master, late)
    assert [(s.kind, s.status, s.by) for s in steps] == [
        ("found", "open", "张三"), ("rectified", "rectified", "张三"), ("verified", "verified", "组长"), ("reopened", "open", "组长"),
    ]
    assert steps[1].account == "已补充实施方案，经领导小组审定" and steps[3].reason == "复查发现方案仍无时间节点"
    assert steps[2].account == steps[1].account  # verified on that account
    assert [s.at for s in steps] == sorted(s.at for s in steps)
    assert len({s.device for s in steps}) == 2 and reopened.steps == steps
    assert rectification.history(master, "no such problem") == ()


def test_evidence_files_are_named_and_counted(pair) -> None:
    field, _master, tmp = pair
    late = inspection.save_problem(field, "341502", "1.2.1", description="方案不完整", severity="major", deadline=None)
    files = []
    for name in ("整改报告.pdf", "会议纪要.pdf"):
        files.append(tmp / name)
        files[-1].write_bytes(b"%PDF-1.4 " + name.encode())
    entry = rectification.set_status(field, late, "rectified", evidence=files)
    assert (entry.evidence_count, sorted(entry.evidence_names)) == (2, ["会议纪要.pdf", "整改报告.pdf"])
    assert sorted(rectification.history(field, late)[1].evidence) == ["会议纪要.pdf", "整改报告.pdf"]


def test_a_problem_rectified_by_an_older_program_is_read_with_its_items_evidence(pair) -> None:
    """Before a step named its evidence, marking rectified attached the file to the item
    (caption 整改证明) and wrote only the status: such a problem still shows its files."""
    from forge import forge

    field, _master, tmp = pair
    late = inspection.save_problem(field, "341502", "1.2.1", description="方案不完整", severity="major", deadline=None)
    proof = tmp / "旧版整改报告.pdf"
    proof.write_bytes(b"%PDF-1.4 old")
    inspection.attach(field, proof, county="341502", item="1.2.1", mode=None, caption=rectification.CAPTION)
    with field.read() as conn:
        from db import versions

        current = versions.current_payload(conn, late)
    assert current is not None
    forge(field, entity="problem", record_id=late, payload={**current[0], "status": "rectified"})
    entry = rectification.board(field)[0]
    assert (entry.status, entry.evidence_names, entry.evidence_count) == ("rectified", ("旧版整改报告.pdf",), 1)
    assert [s.kind for s in entry.steps] == ["found", "rectified"]


def test_the_printed_list_shows_each_steps_evidence(pair) -> None:
    """问题整改清单: the step, who and when, the files, the account, the reason; never a dash
    for a rectified or verified problem, even one that jumped (an older desk's)."""
    import subprocess

    from forge import forge

    from db import versions
    from desktop.services import documents

    field, master, tmp = pair
    made = [inspection.save_problem(field, "341502", item, description=text, severity="major", deadline=None)
            for item, text in (("1.1.1", "领导小组未开会"), ("1.2.1", "方案不完整"), ("2.1.1", "目录未编制"), ("3.1.1", "公开栏未更新"))]
    proof = tmp / "整改报告.pdf"
    proof.write_bytes(b"%PDF-1.4 rectification report")
    rectification.set_status(field, made[1], "rectified", evidence=proof)
    rectification.set_status(field, made[2], "rectified", account="已重新编制目录")
    sync.merge(master, [_export(field, tmp)], enroll=True)
    rectification.set_status(master, made[1], "verified")
    rectification.set_status(master, made[2], "verified")
    rectification.set_status(master, made[2], "open", reason="复查未通过")
    with master.read() as conn:
        current = versions.current_payload(conn, made[3])
    assert current is not None
    forge(master, entity="problem", record_id=made[3], payload={**current[0], "status": "verified"})  # an older desk's jump
    document = documents.problem_list(master, master.campaign.county("341502"))
    rows = {p.description: p for p in document.problems}
    assert rows["领导小组未开会"].steps == ()
    def undated(lines: tuple[str, ...]) -> list[str]:
        return [re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d ", "", line) for line in lines]

    assert undated(rows["方案不完整"].steps) == ["整改（张三）", "佐证 1 份：整改报告.pdf", "核实（组长）"]
    assert undated(rows["目录未编制"].steps) == [
        "整改（张三）", "书面说明：已重新编制目录", "核实（组长）", "退回整改（组长）", "理由：复查未通过",
    ]
    assert rows["公开栏未更新"].status == "已核实" and rows["公开栏未更新"].steps[-1] == documents.NO_EVIDENCE
    out = tmp / "问题.pdf"
    out.write_bytes(documents.render(document))
    body = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("佐证 1 份：整改报告.pdf", "书面说明：已重新编制目录", "理由：复查未通过", documents.NO_EVIDENCE, "核实（组长）"):
        assert words in body, words
    for row in body.splitlines():  # the dash only where nothing happened yet
        if "已核实" in row or "已整改" in row:
            assert not row.rstrip().endswith("—"), row


def test_a_rectification_counts_only_evidence_of_its_own_county_and_item(pair) -> None:
    """A laptop's owner writing the step himself (the admission check lets a list of ids
    through) cannot make a rectification look proven by citing an id that names nothing, or
    a file filed under another item: neither is counted, and the list says nothing is on record."""
    from db import versions
    from desktop import paths
    from desktop.core import problems
    from desktop.reports.model import NO_EVIDENCE
    from desktop.services import documents

    field, _master, tmp = pair
    late = inspection.save_problem(field, "341502", "1.2.1", description="方案不完整", severity="major", deadline=None)
    elsewhere = tmp / "别处的照片.pdf"
    elsewhere.write_bytes(b"%PDF-1.4 elsewhere")
    filed, _new = inspection.attach(field, elsewhere, county="341502", item="1.1.2", mode=None)
    with field.write() as conn:
        current = versions.current_payload(conn, late)
        assert current is not None
        payload = problems.stepped(current[0], "rectified", evidence=["0" * 36, filed.record_id])
        versions.put(conn, field.database.signer(paths.keys_dir(), conn), entity="problem", record_id=late, payload=payload)
    entry = rectification.board(field)[0]
    assert (entry.status, entry.evidence_count, entry.evidence_names) == ("rectified", 0, ())
    listed = documents.problem_list(field, field.campaign.county("341502"))
    assert NO_EVIDENCE in " ".join(s for p in listed.problems for s in p.steps)
