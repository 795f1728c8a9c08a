"""A `kill -9` in the middle of an import leaves the database sound and the import whole or absent."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

from processes import kill

from desktop.services import workspace

ROOT = Path(__file__).resolve().parents[2]


def test_kill_during_import_is_all_or_nothing(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    ws = workspace.create(db, role="field", inspector="张三")
    campaign = ws.campaign
    ws.close()
    sheet = tmp_path / "big.csv"
    with sheet.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["county", "item", "score", "report", "materials", "online", "field", "comment"])
        for county in campaign.counties:
            for item in campaign.indicator_set.items:
                writer.writerow([county.name, item.code, "1", "汇报", "材料", "网站", "现场", "说明"])
    full = 7 * 34 * 5  # a score and four findings per row
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "desktop", "import-sheet", "DB", str(sheet), "--kind", "inspection"]
    timed = tmp_path / "timed.db"
    timed.write_bytes(db.read_bytes())
    start = time.monotonic()
    subprocess.run([str(timed) if a == "DB" else a for a in command], env=env, check=True, capture_output=True)
    whole = time.monotonic() - start
    outcomes = set()
    for fraction in (0.2, 0.5, 0.8, 0.95, 2.0):
        copy = tmp_path / f"run-{fraction}.db"
        copy.write_bytes(db.read_bytes())
        proc = subprocess.Popen(
            [str(copy) if a == "DB" else a for a in command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(whole * fraction)
        kill(proc)
        proc.wait()
        opened = workspace.open_workspace(copy)  # runs quick_check: the file is sound
        with opened.read() as conn:
            count = conn.exec_driver_sql("SELECT count(*) FROM version").scalar()
            current = conn.exec_driver_sql("SELECT count(*) FROM current_score").scalar()
        opened.close()
        assert count in (0, full)
        assert current == (0 if count == 0 else 7 * 34)
        outcomes.add(count)
    # killed early, nothing; killed long after the time a whole import takes, all of it
    assert full in outcomes
