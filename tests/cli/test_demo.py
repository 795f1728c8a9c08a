"""`yanshou demo`: the whole campaign end to end, headless, and what it leaves behind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from db.errors import DiskFull
from desktop.cli import main
from desktop.core.errors import InputError
from desktop.reports.signing import verify_pdf
from desktop.services import demo, results, sync, workspace


def test_the_demo_runs_a_whole_campaign(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "demo"
    assert main(["demo", str(folder)]) == 0
    said = capsys.readouterr().out
    # three laptops merged, the first one offered twice: the second time brings nothing
    merges = re.findall(r"merge (\S+)\.db: (\S+)", said)
    assert merges == [("张三", "merged,"), ("李四", "merged,"), ("王五", "merged,"), ("张三", "nothing-new")]
    with workspace.open_workspace(folder / "master.db") as master:
        rows = results.results(master)
        assert all(r.complete for r in rows)  # every county inspected and both sheets imported
        assert [r.county for r in rows if r.rank == 1]
        for r in rows:
            assert r.grade is not None and not r.provisional  # the demo campaign is whole: every county graded, none provisional
            assert f"{r.rank:>2}  {master.campaign.county(r.county).name:<6} {r.shown_total:>7}  {r.grade.value}\n" in said
        assert not sync.conflicts(master)
    pdfs = sorted((folder / "documents").glob("*.pdf"))
    assert len(pdfs) == 15  # a record and a problem list per county, and the summary
    for pdf in pdfs:
        checks = verify_pdf(pdf)
        assert len(checks) == 1 and checks[0].ok, pdf.name


def test_the_demo_wants_an_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    assert main(["demo", str(tmp_path)]) == 2
    assert "empty" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]


def _refuse(path: Path) -> None:
    if path.suffix == ".pdf":
        raise InputError.single(path, "unwritable", "the PDF cannot be written there (No space left on device)")
    raise DiskFull(path, "the disk is full; nothing was written")


def test_an_error_in_a_worker_process_arrives_as_itself(tmp_path: Path) -> None:
    """The demo makes laptops and documents in worker processes: a full disk there is told
    as a full disk (exit status 2 and the message), not as a broken process pool."""
    with demo._parallel(2) as parallel:
        with pytest.raises(InputError, match="No space left on device") as refused:
            list(parallel(_refuse, [tmp_path / "记录.pdf"]))
        assert refused.value.problems[0].code == "unwritable" and refused.value.source == str(tmp_path / "记录.pdf")
        with pytest.raises(DiskFull, match="the disk is full") as full:
            list(parallel(_refuse, [tmp_path / "master.db"]))
        assert full.value.path == str(tmp_path / "master.db")
