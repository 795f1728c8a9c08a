"""The typed reads of db.inspection_queries, db.sync_queries and the thumbnail cache give the
same rows on a SQLite master and a PostgreSQL one holding the same laptops' work: a
printed record, a conflict or a signature's check must not depend on where the master
lives (counts, clocks, booleans and bytes come back as the same Python values)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import text

from db import blobs, inspection_queries, queries, sync_queries
from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.services import inspection, rectification, sync, workspace
from desktop.services.workspace import Workspace

COUNTY = "341502"
MASTER = "<the master's>"


def _image(fmt: str, colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, fmt)
    return out.getvalue()


def _laptops_work(tmp_path: Path) -> tuple[list[Workspace], str, str]:
    """Two inspectors' laptops with scores, findings, a photo, a problem rectified and a
    signature; returns them, the problem's id and the photo's hash."""
    zhang = workspace.create(tmp_path / "zhang.db", role="field", inspector="张三")
    li = workspace.create(tmp_path / "li.db", role="field", inspector="李四")
    findings = [inspection.Finding(InspectionMode.FIELD, "现场公开栏未更新", FindingStatus.PARTLY_MET, "县政府大厅")]
    inspection.save_item(zhang, COUNTY, "1.1.1", score=inspection.check_score(zhang, "1.1.1", "1.5"), comment="基本完成", findings=findings)
    inspection.save_item(zhang, COUNTY, "1.2.1", score=None, comment="", findings=[inspection.Finding(InspectionMode.ONLINE, "网站无栏目")])
    inspection.save_item(li, COUNTY, "1.1.1", score=inspection.check_score(li, "1.1.1", "2"), comment="", findings=[])
    photo, _ = inspection.attach_bytes(zhang, _image("JPEG", (200, 30, 30)), "公开栏.jpg", county=COUNTY, item="1.1.1",
                                       mode=InspectionMode.FIELD, taken_at="2018-09-20T09:30:00+08:00")
    problem = inspection.save_problem(zhang, COUNTY, "1.2.1", description="方案不完整", severity="major", deadline=dt.date(2018, 9, 25))
    proof = tmp_path / "整改报告.pdf"
    proof.write_bytes(b"%PDF-1.4 rectification report")
    rectification.set_status(zhang, problem, "rectified", evidence=proof)
    inspection.sign(zhang, COUNTY, signer_role="inspector", signer_name="张三", strokes=[[[0.1, 0.1], [0.9, 0.5]]],
                    png=_image("PNG", (0, 0, 0)))
    return [zhang, li], problem, photo.sha256


def _export(ws: Workspace, out: Path) -> Path:
    sync.export(ws, out)
    return out


def _reads(ws: Workspace, laptop: Workspace, photo: str, problem: str) -> dict[str, Any]:
    """Every read over the master, with what only its own device wrote made the same on both."""
    with ws.read() as conn:
        master_versions = set(
            conn.execute(text("SELECT version_id FROM version WHERE device_id = :d"), {"d": ws.identity.device_id}).scalars()
        )
        fingerprint = sync_queries.device_fingerprint(conn, laptop.identity.device_id)
        assert fingerprint is not None
        found: dict[str, Any] = {
            "evidence": inspection_queries.county_evidence(conn, COUNTY),
            "finding states": sorted(inspection_queries.finding_states(conn, COUNTY), key=lambda f: (f.item, f.inspector, f.mode)),
            "inspectors": inspection_queries.inspectors(conn, COUNTY),
            "span": inspection_queries.work_span(conn, COUNTY),
            "span of one": inspection_queries.work_span(conn, COUNTY, "李四"),
            "no span": inspection_queries.work_span(conn, "341503"),
            "entries": inspection_queries.record_entries(conn, COUNTY, "张三"),
            "signatures": inspection_queries.county_signatures(conn, COUNTY),
            "items": inspection_queries.inspector_items(conn, COUNTY, "张三"),
            "item": inspection_queries.item_work(conn, COUNTY, "1.1.1", "张三"),
            "work": sorted(queries.work_by_county(conn), key=lambda w: w.county),
            "device": sync_queries.device_by_fingerprint(conn, fingerprint),
            "no device": sync_queries.device_by_fingerprint(conn, "0" * 64),
            "own records": sync_queries.own_records(conn, laptop.identity.device_id),
            "versions": sync_queries.version_count(conn) - len(master_versions),
            "photo's blobs": sync_queries.head_blob_hashes(conn, inspection.item_record(laptop, COUNTY, "1.1.1").evidence[0].record_id),
            "mime": (blobs.mime(conn, photo), blobs.mime(conn, "f" * 64)),
            "thumbnails": blobs.thumbnails(conn, [photo, "f" * 64], 160),
        }
        conflicts = sync_queries.conflicts(conn)
        assert [c.record_id for c in conflicts] == [problem]
        found["conflicts"] = [
            dataclasses.replace(c, id=MASTER, heads=tuple(sorted(MASTER if h in master_versions else h for h in c.heads)))
            for c in conflicts
        ]
        found["competing"] = [
            dataclasses.replace(v, version_id=MASTER, device_id=MASTER, hlc=0, payload=MASTER) if v.role == "master" else v
            for v in sync_queries.competing_versions(conn, conflicts[0].heads)
        ]
        heads = sync_queries.conflict_heads(conn, problem)
        assert heads is not None and sorted(heads) == sorted(conflicts[0].heads)
        assert sync_queries.conflict_heads(conn, "no such record") is None
    found["entries"] = [dataclasses.replace(e, version_id=MASTER) if e.version_id in master_versions else e for e in found["entries"]]
    return found


def test_every_typed_read_is_the_same_on_sqlite_and_postgresql(tmp_path: Path, pg_url: str) -> None:
    laptops, problem, photo = _laptops_work(tmp_path)
    masters = [workspace.create(tmp_path / "master.db", role="master"), workspace.create(pg_url, role="master")]
    try:
        first = [_export(w, tmp_path / "usb" / f"{w.path.stem}-1.db") for w in laptops]
        for master in masters:
            assert all(r.status == "merged" for r in sync.merge(master, first, enroll=True))
            rectification.set_status(master, problem, "verified")  # the lead's step …
        # … while the laptop edits the problem's text: a soft conflict on each master
        inspection.save_problem(laptops[0], COUNTY, "1.2.1", description="方案不完整（已补充）", severity="major",
                                deadline=dt.date(2018, 9, 25), record_id=problem)
        second = _export(laptops[0], tmp_path / "usb" / "zhang-2.db")
        for master in masters:
            assert [r.status for r in sync.merge(master, [second])] == ["merged"]
            with master.write() as conn:
                blobs.put_thumbnail(conn, photo, 160, b"a cached thumbnail")
                blobs.put_thumbnail(conn, photo, 160, b"another, not kept")  # the first one stays
        on_sqlite, on_postgresql = (_reads(m, laptops[0], photo, problem) for m in masters)
    finally:
        for ws in [*laptops, *masters]:
            ws.close()
    assert on_sqlite == on_postgresql
    assert on_sqlite["thumbnails"] == {photo: b"a cached thumbnail"} and on_sqlite["mime"] == ("image/jpeg", None)
    assert on_sqlite["inspectors"] == ["张三", "李四"] and on_sqlite["no span"] is None and on_sqlite["no device"] is None
    # two scores, two findings, two pieces of evidence (the photo, the rectification's report), a problem, a signature
    assert [(w.county, w.count) for w in on_sqlite["work"]] == [(COUNTY, 8)]
    [signature] = on_sqlite["signatures"]
    assert signature.image is not None and signature.image.startswith(b"\x89PNG") and type(signature.image) is bytes
    assert [v.deleted for v in on_sqlite["competing"]] == [False, False] and all(type(v.deleted) is bool for v in on_sqlite["competing"])
    assert {v.role for v in on_sqlite["competing"]} == {"field", "master"}
