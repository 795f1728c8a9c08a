"""The rectification board: problems by county and indicator, overdue against today, and
the way from open to rectified (with evidence) to verified (by the lead)."""

from __future__ import annotations

import datetime as dt
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
