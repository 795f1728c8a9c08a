"""Each record's history and the recycle bin: every version with who, when and what it
changed; a deleted problem, piece of evidence or decision brought back as a new version; a
past value restored. Nothing a user does is lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop.core.errors import InputError
from desktop.core.inspection import InspectionMode
from desktop.services import decisions, history, inspection, workspace
from desktop.services.changes import Changes

COUNTY, ITEM = "341502", "1.1.1"


def _problem(ws: workspace.Workspace, **edits: str) -> str:
    return inspection.save_problem(ws, COUNTY, ITEM, description="公开栏未更新", severity="major", deadline=dt.date(2018, 10, 1), **edits)


def test_a_problem_edited_and_deleted_shows_every_version_and_comes_back(field: workspace.Workspace) -> None:
    record = _problem(field)
    inspection.save_problem(field, COUNTY, ITEM, description="公开栏2018年未更新", severity="major", deadline=dt.date(2018, 10, 1),
                            record_id=record)
    assert inspection.remove(field, "problem", record)
    shown = history.versions_of(field, record)
    assert len(shown) == 3 and all(v.inspector == "张三" and v.written.tzinfo is not None for v in shown)
    assert {c.field for c in shown[0].changes} >= {"description", "severity", "deadline"}  # what it first held
    assert not {c.field for c in shown[0].changes} & {"county", "item", "inspector"}  # not where it is
    assert [(c.field, c.before, c.after) for c in shown[1].changes] == [("description", "公开栏未更新", "公开栏2018年未更新")]
    assert [(c.field, c.after) for c in shown[2].changes] == [("deleted", True)] and shown[2].deleted and shown[2].current
    # the recycle bin lists it, named by what it said
    (gone,) = history.deleted(field)
    assert (gone.record_id, gone.entity, gone.county, gone.item, gone.label) == (record, "problem", COUNTY, ITEM, "公开栏2018年未更新")
    assert gone.deleted_by == "张三"
    assert history.restore_deleted(field, record) == Changes.of("problem", [(COUNTY, ITEM)])
    assert [p.description for p in inspection.item_record(field, COUNTY, ITEM).problems] == ["公开栏2018年未更新"]
    assert history.deleted(field) == []
    # an older value, restored: a new version, the history kept
    assert history.restore(field, record, shown[0].version_id)
    assert [p.description for p in inspection.item_record(field, COUNTY, ITEM).problems] == ["公开栏未更新"]
    assert len(history.versions_of(field, record)) == 5
    assert not history.restore(field, record, shown[0].version_id)  # it holds that already: nothing written


def test_deleted_evidence_comes_back_with_its_file(field: workspace.Workspace, tmp_path: Path) -> None:
    photo = tmp_path / "公开栏.pdf"
    photo.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    evidence, _ = inspection.attach(field, photo, county=COUNTY, item=ITEM, mode=InspectionMode.FIELD)
    inspection.set_caption(field, evidence.record_id, "公开栏照片")
    inspection.remove(field, "evidence", evidence.record_id)
    assert inspection.item_record(field, COUNTY, ITEM).evidence == ()
    (gone,) = history.deleted(field)
    assert (gone.entity, gone.label) == ("evidence", "公开栏照片")
    history.restore_deleted(field, evidence.record_id)
    (back,) = inspection.item_record(field, COUNTY, ITEM).evidence
    assert (back.caption, back.sha256) == ("公开栏照片", evidence.sha256)
    assert inspection.blob_bytes(field, back.sha256) == photo.read_bytes()
    # the caption's rename, undone by bringing back the version before it
    versions = history.versions_of(field, evidence.record_id)
    assert [c.field for c in versions[1].changes] == ["caption"]
    history.restore(field, evidence.record_id, versions[0].version_id)
    assert inspection.item_record(field, COUNTY, ITEM).evidence[0].caption == ""


def test_a_photo_moved_from_the_inbox_to_an_item_is_not_in_the_recycle_bin(field: workspace.Workspace, tmp_path: Path) -> None:
    """Filing a photo from the inbox withdraws its inbox record: the bin listed every filed photo
    as deleted, and bringing one back put a second copy in the inbox. One deleted from the inbox
    unfiled is still there to bring back."""
    from PIL import Image

    folder = tmp_path / "DCIM"
    folder.mkdir()
    for n, colour in enumerate(((200, 30, 30), (30, 30, 200))):
        Image.new("RGB", (64, 48), colour).save(folder / f"IMG_{n}.jpg", "JPEG")
    assert inspection.import_folder(field, folder).imported == 2
    filed, dropped = sorted(inspection.inbox(field), key=lambda e: e.name)
    inspection.assign(field, [filed.record_id], county=COUNTY, item=ITEM, mode=InspectionMode.FIELD)
    assert [e.sha256 for e in inspection.item_record(field, COUNTY, ITEM).evidence] == [filed.sha256]
    assert history.deleted(field) == []  # moved: nothing deleted
    inspection.remove(field, "evidence", dropped.record_id)
    assert [(g.record_id, g.entity) for g in history.deleted(field)] == [(dropped.record_id, "evidence")]


def test_a_withdrawn_decision_is_in_the_leads_recycle_bin(tmp_path: Path) -> None:
    master = workspace.create(tmp_path / "master.db", role="master")
    try:
        decisions.adjudicate(master, COUNTY, ITEM, "3", "现场复核")
        decisions.adjudicate(master, COUNTY, ITEM, None, "")
        assert decisions.recorded(master, COUNTY, ITEM) is None
        (gone,) = history.deleted(master)
        assert (gone.entity, gone.label, gone.deleted_by) == ("adjudication", "现场复核", None)
        history.restore_deleted(master, gone.record_id)
        assert decisions.recorded(master, COUNTY, ITEM) == ("3", "现场复核")
    finally:
        master.close()


def test_a_version_of_another_record_is_refused(field: workspace.Workspace) -> None:
    record, other = _problem(field), _problem(field)
    with pytest.raises(InputError, match="not a version"):
        history.restore(field, record, history.versions_of(field, other)[0].version_id)
    assert history.current_version(field, record) == history.versions_of(field, record)[-1].version_id
