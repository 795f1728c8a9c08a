"""Make the schema-version-1 fixture: files as the release before schema 2 wrote them.

Run ONCE, from a checkout of that release (schema 1), never from a later one — the point is
that the files were written by the old code:

    mkdir /tmp/yanshou-v1 && git archive <commit of schema 1> | tar -x -C /tmp/yanshou-v1
    cd /tmp/yanshou-v1 && /path/to/.venv/bin/python tests/data/schema_v1/make.py /path/to/tests/data/schema_v1

It writes `master.db` (a master that merged two laptops' exports, with its kept reports: a
dry run, a batch with a refused file, a replay), `laptop-export.db` (a third laptop's
export, not merged) and `expected.json` (what that code read back from them: the reports,
the results, the counts), which tests/db/test_schema_v1_fixture.py compares with what the
current code reads.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path


def _report(batch: object) -> dict[str, object]:
    files = []
    for f in batch.files:  # type: ignore[attr-defined]
        entry = asdict(f)
        entry["file"] = str(f.file)
        entry["enrolled"] = [{"id": d.id, "role": d.role, "inspector": d.inspector, "fingerprint": d.fingerprint} for d in f.enrolled]
        files.append(entry)
    return {"key": batch.key, "at": batch.at, "dry_run": batch.dry_run, "files": files}  # type: ignore[attr-defined]


def main(out: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="yanshou-v1-"))
    os.environ["YANSHOU_DATA_DIR"] = str(work / "data")
    os.environ["YANSHOU_CONFIG_DIR"] = str(work / "config")
    from db import migrations
    from db.merge import Enrolment
    from desktop import paths
    from desktop.services import records, results, sync
    from desktop.services.workspace import create, open_workspace

    assert migrations.SCHEMA_VERSION == 1, "run this from a checkout of schema version 1"

    def score(ws, item: str, value: str, county_index: int = 0) -> None:
        with ws.write() as conn:
            signer = ws.database.signer(paths.keys_dir(), conn)
            records.set_score(
                conn, signer, ws, county=ws.campaign.counties[county_index].code, item=item,
                inspector=ws.identity.inspector or "", score=Decimal(value), comment="",
            )

    def evidence(ws, data: bytes, item: str) -> None:
        from db import blobs, versions

        with ws.write() as conn:
            signer = ws.database.signer(paths.keys_dir(), conn)
            sha = blobs.put_bytes(conn, data, "image/jpeg")
            versions.put(
                conn, signer, entity="evidence", record_id=versions.new_id(),
                payload={
                    "county": ws.campaign.counties[0].code, "item": item, "mode": "field", "inspector": ws.identity.inspector or "",
                    "name": "photo.jpg", "sha256": sha, "mime": "image/jpeg", "size": len(data), "attached_at": "2026-11-27T09:00:00Z",
                },
                blob_hashes=[sha],
            )

    usb = work / "usb"
    usb.mkdir()
    exports = []
    for name, item, value in (("张三", "1.1.1", "1.5"), ("李四", "1.1.1", "2"), ("王五", "1.2.1", "1")):
        with create(work / f"{name}.db", role="field", inspector=name) as laptop:
            score(laptop, item, value)
            score(laptop, "1.1.2", "1", county_index=1)
            evidence(laptop, f"photo of {name}".encode() * 200, item)
            exports.append(usb / f"{name}-export.db")
            sync.export(laptop, exports[-1])
    junk = usb / "junk.db"
    junk.write_bytes(b"not a database")

    master_path = work / "master.db"
    with create(master_path, role="master") as master:
        every = Enrolment(field=True)
        sync.merge(master, [exports[0]], enroll=every, dry_run=True, now="2026-11-27T10:00:00+00:00")
        sync.merge(master, [exports[0], exports[1], junk], enroll=every, now="2026-11-27T11:00:00+00:00")
        sync.merge(master, [exports[0]], enroll=every, now="2026-11-27T12:00:00+00:00")
    with open_workspace(master_path) as master:
        expected = {
            "schema_version": migrations.SCHEMA_VERSION,
            "reports": [_report(b) for b in sync.merge_reports(master)],
            "results": [[r.county, str(r.total), r.rank, str(r.grade) if r.grade else None] for r in results.results(master)],
        }
        with master.read() as conn:
            expected["counts"] = {
                t: conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar() for t in sorted(migrations.tables(1))
            }
    # one self-contained file each (no -wal beside it), packed small
    for source, name in ((master_path, "master.db"), (exports[2], "laptop-export.db")):
        con = sqlite3.connect(source)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        (out / name).write_bytes(source.read_bytes())
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
