"""Make the schema-version-2 fixture: files as the release before schema 3 (the search index)
wrote them.

Run ONCE, from a checkout of that release (schema 2), never from a later one — the point is
that the files were written by the old code:

    mkdir /tmp/yanshou-v2 && git archive <commit of schema 2> | tar -x -C /tmp/yanshou-v2
    cd /tmp/yanshou-v2 && PYTHONPATH=$PWD /path/to/.venv/bin/python tests/data/schema_v2/make.py /path/to/tests/data/schema_v2

(PYTHONPATH: the old tree's packages before the editable install of the new one.)

It writes `master.db` (a master that merged two laptops' exports holding findings, problems
— one rectified with a written account, one deleted — and captioned evidence, all in Chinese),
`laptop-export.db` (a third laptop's export, not merged) and `expected.json` (what that code
read back: the written words of every current record, the counts), which
tests/db/test_schema_v2_fixture.py compares with the search index the upgrade builds.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
from decimal import Decimal
from pathlib import Path


def main(out: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="yanshou-v2-"))
    os.environ["YANSHOU_DATA_DIR"] = str(work / "data")
    os.environ["YANSHOU_CONFIG_DIR"] = str(work / "config")
    import db
    from db import migrations
    from db.merge import Enrolment
    from desktop.core.inspection import FindingStatus, InspectionMode
    from desktop.services import evidence, items, rectification, sync
    from desktop.services.workspace import create, open_workspace

    assert migrations.SCHEMA_VERSION == 2, "run this from a checkout of schema version 2"
    assert Path(db.__file__).resolve().is_relative_to(Path.cwd().resolve()), "the old tree's code first: PYTHONPATH=$PWD"

    def finding(ws, county: str, item: str, mode: InspectionMode, words: str) -> None:
        items.save_item(ws, county, item, score=Decimal("1"), comment="", findings=[items.Finding(mode, words, FindingStatus.PARTLY_MET)])

    usb = work / "usb"
    usb.mkdir()
    exports = []
    for name in ("张三", "李四", "王五"):
        with create(work / f"{name}.db", role="field", inspector=name) as laptop:
            counties = [c.code for c in laptop.campaign.counties]
            if name == "张三":
                finding(laptop, counties[0], "1.1.1", InspectionMode.REPORT, "领导小组会议纪要齐全,政务公开台账不全")
                finding(laptop, counties[1], "1.2.3", InspectionMode.ONLINE, "专题栏目更新不及时")
                items.save_problem(laptop, counties[0], "1.1.1", description="公告栏信息未及时更新", severity="major", deadline=None)
                gone = items.save_problem(laptop, counties[0], "1.1.2", description="已撤回的问题", severity="minor", deadline=None)
                items.remove(laptop, "problem", gone)
                piece, _ = evidence.attach_bytes(
                    laptop, b"%PDF-1.4\n% minutes\n", "领导小组会议纪要.pdf", county=counties[0], item="1.1.1",
                    mode=InspectionMode.MATERIALS,
                )
                evidence.set_caption(laptop, piece.record_id, "会议纪要扫描件")
            elif name == "李四":
                finding(laptop, counties[0], "1.1.1", InspectionMode.FIELD, "实地查看公开栏,台账基本齐全")
                items.save_problem(laptop, counties[2], "2.1.1", description="公开事项目录缺失", severity="serious", deadline=None)
            else:
                finding(laptop, counties[3], "1.2.1", InspectionMode.MATERIALS, "试点方案已印发,台账待补")
            exports.append(usb / f"{name}-export.db")
            sync.export(laptop, exports[-1])

    master_path = work / "master.db"
    with create(master_path, role="master") as master:
        sync.merge(master, exports[:2], enroll=Enrolment(field=True), now="2026-11-27T11:00:00+00:00")
        [problem] = [e for e in rectification.board(master) if e.description == "公告栏信息未及时更新"]
        rectification.set_status(master, problem.record_id, "rectified", account="已在公告栏张贴最新目录")
    with open_workspace(master_path) as master, master.read() as conn:
        words = [
            ["finding", *r] for r in conn.exec_driver_sql(
                "SELECT record_id, county, item, inspector, mode, text FROM current_finding WHERE text <> '' ORDER BY record_id"
            )
        ] + [
            ["problem", *r] for r in conn.exec_driver_sql(
                "SELECT p.record_id, p.county, p.item, p.inspector, NULL, p.description, json_extract(v.payload, '$.account') "
                "FROM current_problem p JOIN version v ON v.version_id = p.version_id ORDER BY p.record_id"
            )
        ] + [
            ["evidence", *r] for r in conn.exec_driver_sql(
                "SELECT record_id, county, item, inspector, mode, caption, name FROM current_evidence ORDER BY record_id"
            )
        ]
        expected = {
            "schema_version": migrations.SCHEMA_VERSION,
            "words": words,
            "counts": {t: conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar() for t in sorted(migrations.tables(2))},
        }
    # one self-contained file each (no -wal beside it)
    for source, name in ((master_path, "master.db"), (exports[2], "laptop-export.db")):
        con = sqlite3.connect(source)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        (out / name).write_bytes(source.read_bytes())
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
