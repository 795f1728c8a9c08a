"""Evidence handed to another program: only pictures, PDFs and office documents, from a
copy under a cleaned name, removed afterwards; anything else only saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.errors import InputError
from desktop.services import handoff, inspection


@pytest.mark.parametrize("name", ["setup.exe", "run.bat", "a.js", "x.hta", "快捷方式.lnk", "宏.docm", "report.pdf.exe", "noext"])
def test_what_runs_is_never_opened_only_saved(field, tmp_path: Path, name: str) -> None:
    source = tmp_path / name
    source.write_bytes(b"MZ\x90\x00 not a document")
    evidence, _ = inspection.attach(field, source, county="341502", item="1.1.1", mode=None)
    assert not handoff.can_open_outside(evidence)
    session = handoff.Handoff(tmp_path)
    with pytest.raises(InputError) as caught:
        session.copy(field, evidence)
    assert caught.value.problems[0].code == "not_openable"
    assert session.folder is None  # nothing was written for another program
    saved = tmp_path / "saved" / "copy.bin"
    saved.parent.mkdir()
    handoff.save_as(field, evidence, saved)
    assert saved.read_bytes() == source.read_bytes()


def test_a_document_is_opened_from_a_cleaned_copy_removed_afterwards(field, tmp_path: Path) -> None:
    source = tmp_path / "会议纪要.docx"
    source.write_bytes(b"PK\x03\x04 a document")
    evidence, _ = inspection.attach(field, source, county="341502", item="1.1.1", mode=None)
    forged = type(evidence)(**{**evidence.__dict__, "name": "../../会议:纪要.docx"})  # a name as a sender could choose it
    session = handoff.Handoff(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    copy = session.copy(field, forged)
    assert copy.read_bytes() == source.read_bytes()
    assert session.folder is not None and copy.is_relative_to(session.folder)
    assert copy.name == "会议_纪要.docx"
    session.clear()
    assert not copy.exists() and list((tmp_path / "tmp").iterdir()) == []
