"""A batch of files is one merge: a cancel or a kill -9 after some of its files leaves the
master exactly as it was; the batch's report (and a dry run's) is kept in the master and
read back after the program was closed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from processes import was_killed
from slow_copies import slow_copies
from sqlalchemy import text
from syncutil import Team, evidence, intact, merge, raw, score, sqlite_only, state

from desktop import paths
from desktop.services import sync
from desktop.services.workspace import Workspace, open_workspace

REPO = Path(__file__).resolve().parents[2]
LEDGER = ("import_log", "device", "manifest", "local_state")


def everything(ws: Workspace) -> tuple[dict[str, list[tuple]], dict[str, list[tuple]]]:
    """The version set, blobs and projection, and the master's own bookkeeping, its clock and
    kept reports (local_state) included."""
    with ws.read() as conn:
        ledger = {t: sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {t}")).all()) for t in LEDGER}
    return state(ws), ledger


def three_laptops(team: Team) -> tuple[Workspace, list[Path]]:
    master = team.master()
    exports = []
    for name, item in (("张三", "1.1.1"), ("李四", "1.1.2"), ("王五", "1.2.1")):
        laptop = team.laptop(name)
        assert score(laptop, item, "1.5")
        evidence(laptop, f"photo of {name}".encode() * 500, item=item)
        exports.append(team.export(laptop))
    return master, exports


def test_cancel_after_the_first_of_three_files_writes_nothing(team: Team) -> None:
    master, exports = three_laptops(team)
    before = everything(master)
    applied: list[int] = []

    def progress(done: int, _total: int, _name: str) -> None:
        if done == 1:  # the first file is in: the lead cancels before the second
            applied.append(done)

    with pytest.raises(sync.Cancelled):
        merge(master, exports, progress=progress, cancelled=lambda: bool(applied))
    assert applied == [1]
    assert everything(master) == before
    assert sync.merge_reports(master) == []
    quarantine = paths.data_dir() / "quarantine"
    assert not quarantine.exists() or list(quarantine.iterdir()) == []
    # and the batch can be merged afterwards, whole
    assert [r.status for r in merge(master, exports)] == ["merged"] * 3


def test_cancel_after_the_last_file_writes_nothing(team: Team) -> None:
    master, exports = three_laptops(team)
    before = everything(master)
    done_all: list[bool] = []
    with pytest.raises(sync.Cancelled):
        merge(master, exports, progress=lambda d, t, _n: done_all.append(d == t) if d == t else None,
              cancelled=lambda: bool(done_all))
    assert everything(master) == before


_KILLED = """
import os, signal, sys
from pathlib import Path
from desktop.services import sync
from desktop.services.workspace import open_workspace
from db.location import location

def progress(done, total, name):
    if done == 2:  # two of the three files are in the batch's transaction
        print("killing", flush=True)
        os.kill(os.getpid(), getattr(signal, "SIGKILL", 1))  # TerminateProcess on Windows

with open_workspace(location(sys.argv[1])) as master:
    sync.merge(master, [Path(p) for p in sys.argv[2:]], enroll=True, progress=progress)
"""


def test_kill_after_two_of_three_files_leaves_the_master_as_it_was(team: Team) -> None:
    master, exports = three_laptops(team)
    before = everything(master)
    done = subprocess.run(
        [sys.executable, "-c", _KILLED, str(master.database.location), *map(str, exports)],
        cwd=REPO, env=os.environ.copy(), capture_output=True, text=True, timeout=120, check=False,
    )
    assert was_killed(done.returncode), done.stderr
    assert "killing" in done.stdout
    with open_workspace(master.database.location) as reopened:
        assert intact(reopened)
        assert everything(reopened) == before
        assert [r.status for r in merge(reopened, exports)] == ["merged"] * 3


_KILLED_AFTER = """
import os, signal, sys, threading
from pathlib import Path
from db import wal
from desktop.services import sync
from desktop.services.workspace import open_workspace

wal._checkpointer = lambda keeper: (lambda *args: threading.Event().wait())  # the log's copy into the file never ends
master = open_workspace(Path(sys.argv[1]))
reports = sync.merge(master, [Path(p) for p in sys.argv[2:]], enroll=True)
print(" ".join(r.status for r in reports), flush=True)
os.kill(os.getpid(), getattr(signal, "SIGKILL", 1))  # as soon as the merge has reported (TerminateProcess on Windows)
"""


def test_a_kill_once_the_merge_has_reported_loses_none_of_it(team: Team) -> None:
    """The batch's log is copied into the master's file in the background after the merge
    reports (db.wal.copied_after): a power cut before that copy loses nothing reported."""
    master, exports = three_laptops(team)
    sqlite_only(master, "the log and its copy into the file are a SQLite file's")
    path = master.database.path
    master.close()
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_AFTER, str(path), *map(str, exports)],
        cwd=REPO, env=os.environ.copy(), capture_output=True, text=True, timeout=120, check=False,
    )
    assert was_killed(done.returncode), done.stderr
    assert done.stdout.split() == ["merged"] * 3
    with open_workspace(path) as reopened:
        assert intact(reopened)
        assert [r.status for r in merge(reopened, exports)] == ["nothing-new"] * 3


def test_a_closed_master_is_whole_in_its_file(team: Team) -> None:
    """Once the desk has closed the master, its file alone holds the batch: a lead who copies
    the file (without its -wal beside it) to a stick takes everything merged."""
    master, exports = three_laptops(team)
    sqlite_only(master, "a file and its log")
    assert [r.status for r in merge(master, exports)] == ["merged"] * 3
    merged = state(master)
    path = master.database.path
    master.close()
    log = Path(f"{path}-wal")
    assert not log.exists() or log.stat().st_size == 0
    alone = path.with_name("copied-alone.db")
    alone.write_bytes(path.read_bytes())
    with open_workspace(alone) as copied:
        assert state(copied) == merged


def test_a_merge_begun_while_the_last_ones_log_is_copied_waits_for_it(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite starts its log again only once the whole of it is in the file: a merge begun
    while the last one's copy is under way waits for it, so that the log holds one batch, not
    two (two batches of 2 GB would pass FAT32's 4 GiB)."""

    master = team.master()
    sqlite_only(master, "a file's log")
    big, small = team.laptop("张三"), team.laptop("李四")
    evidence(big, os.urandom(3_000_000))
    assert score(small, "1.1.2", "1")
    first, second = team.export(big), team.export(small)
    slow_copies(monkeypatch, 0.5)  # a slow disk: the next step is taken meanwhile
    log = Path(f"{master.database.path}-wal")
    assert [r.status for r in merge(master, [first])] == ["merged"]
    after_first = log.stat().st_size
    assert after_first > 3_000_000  # the photo, in the log until it is copied
    assert [r.status for r in merge(master, [second])] == ["merged"]
    assert log.stat().st_size < after_first  # the log began again: the first batch was copied before


def _count_versions(path: str) -> int:
    """In a forked worker: the master opened anew, as the demo's document workers open it."""
    with open_workspace(Path(path), check=False) as ws, ws.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM version").scalar_one())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="Windows spawns its workers: nothing of SQLite's state is inherited")
def test_a_worker_forked_while_the_merges_log_is_copied_reads_the_master(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process forked while the copy's connection is open would inherit SQLite's state of
    the file and fail on it ("locking protocol", seen in the bundled demo): the fork waits."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from db import wal

    master, exports = three_laptops(team)
    sqlite_only(master, "a file's log")
    slow_copies(monkeypatch, 0.5)  # a slow disk: the next step is taken meanwhile
    assert [r.status for r in merge(master, exports)] == ["merged"] * 3
    assert wal.pending(master.database.engine)
    with master.read() as conn:
        held = conn.exec_driver_sql("SELECT count(*) FROM version").scalar_one()
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        counts = list(pool.map(_count_versions, [str(master.database.path)] * 4))
    assert counts == [held] * 4
    assert not wal.pending(master.database.engine)  # the fork waited for it


def test_a_file_refused_inside_the_batch_leaves_the_others_merged(team: Team) -> None:
    master, exports = three_laptops(team)
    junk = exports[1].with_name("junk.db")
    junk.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    reports = merge(master, [exports[0], junk, exports[2]])
    assert [r.status for r in reports] == ["merged", "refused", "merged"]
    with master.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM import_log").scalar() == 2


def test_a_file_refused_for_its_blob_while_merged_leaves_the_others_merged(team: Team) -> None:
    """A blob's bytes are hashed as step 4 copies them, after the file's versions went in: the
    file is refused and all of it rolled back (its savepoint), the files before and after it stay."""
    master, exports = three_laptops(team)
    conn = raw(exports[1])
    rowid, data = conn.execute("SELECT id, data FROM blob").fetchone()
    conn.execute("UPDATE blob SET data = ? WHERE id = ?", (bytes(data[:-1]) + bytes([data[-1] ^ 0xFF]), rowid))
    conn.close()
    reports = merge(master, exports)
    assert [r.status for r in reports] == ["merged", "refused", "merged"]
    assert reports[1].code == "blob" and reports[1].versions_added == 0 and reports[1].blobs_added == 0
    alone = team.master("alone.db")
    assert [r.status for r in merge(alone, [exports[0], exports[2]])] == ["merged", "merged"]
    assert state(master) == state(alone)  # nothing of the refused file: no version, no blob, no device
    with master.read() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM import_log").scalar() == 2


def test_the_same_file_twice_in_one_batch_is_merged_once(team: Team) -> None:
    master, exports = three_laptops(team)
    copy = exports[0].with_name("copy.db")
    copy.write_bytes(exports[0].read_bytes())
    reports = merge(master, [exports[0], copy])
    assert [r.status for r in reports] == ["merged", "nothing-new"]
    with master.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM import_log").scalar() == 1


def test_reports_are_kept_and_read_back_after_reopening(team: Team) -> None:
    master, exports = three_laptops(team)
    junk = exports[0].with_name("junk.db")
    junk.write_bytes(b"not a database")
    dry = merge(master, [exports[0], junk], dry_run=True, now="2026-09-12T09:00:00+00:00")
    assert [r.status for r in dry] == ["dry-run", "refused"]
    real = merge(master, [exports[0], exports[1], junk], now="2026-09-12T10:00:00+00:00")
    assert [r.status for r in real] == ["merged", "merged", "refused"]
    again = merge(master, [exports[0]], now="2026-09-12T11:00:00+00:00")
    assert [r.status for r in again] == ["nothing-new"]
    path = master.database.location
    master.close()

    with open_workspace(path) as reopened:
        kept = sync.merge_reports(reopened)
    assert [(k.dry_run, len(k.files)) for k in kept] == [(False, 1), (False, 3), (True, 2)]
    latest, merged_batch, dry_batch = kept
    assert latest.at == "2026-09-12T11:00:00+00:00"
    assert [f.status for f in latest.files] == ["nothing-new"]
    assert [f.status for f in merged_batch.files] == ["merged", "merged", "refused"]
    for stored, made in zip(merged_batch.files, real, strict=True):
        assert (stored.file, stored.device_id, stored.inspector, stored.versions_added, stored.blobs_added, stored.blob_bytes) == (
            made.file, made.device_id, made.inspector, made.versions_added, made.blobs_added, made.blob_bytes,
        )
        assert (stored.code, stored.reason, stored.conflicts) == (made.code, made.reason, made.conflicts)
        assert [d.fingerprint for d in stored.enrolled] == [d.fingerprint for d in made.enrolled]
    assert merged_batch.files[0].inspector == "张三"
    assert merged_batch.files[0].enrolled and merged_batch.files[0].enrolled[0].inspector == "张三"
    assert merged_batch.files[2].code == "not_yanshou"
    assert merged_batch.files[2].reason
    assert [f.status for f in dry_batch.files] == ["dry-run", "refused"]
    assert dry_batch.files[0].versions_added == real[0].versions_added


def test_a_dry_run_of_a_batch_predicts_the_conflicts_between_its_files(team: Team) -> None:
    master = team.master()
    a = team.laptop("张三", "a.db")
    b = team.laptop("张三", "b.db")
    assert score(a, "1.1.1", "2")
    assert score(b, "1.1.1", "1")
    exports = [team.export(a), team.export(b)]
    dry = merge(master, exports, dry_run=True)
    assert [r.conflicts for r in dry] == [0, 1]
    real = merge(master, exports)
    assert [r.conflicts for r in real] == [0, 1]


def test_only_the_latest_dry_runs_are_kept(team: Team) -> None:
    master, exports = three_laptops(team)
    from db import merge as merging

    for i in range(merging.DRY_RUNS_KEPT + 3):
        merge(master, exports[:1], dry_run=True, now=f"2026-09-12T10:{i:02d}:00+00:00")
    kept = sync.merge_reports(master)
    assert len(kept) == merging.DRY_RUNS_KEPT
    assert kept[0].at == f"2026-09-12T10:{merging.DRY_RUNS_KEPT + 2:02d}:00+00:00"


def test_the_masters_export_leaves_its_merge_reports_behind(team: Team) -> None:
    master, exports = three_laptops(team)
    merge(master, exports)
    assert sync.merge_reports(master)
    out = team.export(master, sealed=False)  # in the clear, to open it as a database
    with open_workspace(out) as exported:
        assert sync.merge_reports(exported) == []
