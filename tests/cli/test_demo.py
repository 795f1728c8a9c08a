"""`yanshou demo`: the whole campaign end to end, headless, and what it leaves behind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.reports.signing import verify_pdf
from desktop.services import results, sync, workspace


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
            assert f"{master.campaign.county(r.county).name:<6} {r.shown_total:>7}  {r.grade.value}" in said
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
