"""Several leads merging into one master at the same moment (issue: province scale).

Each lead is a desk of its own: its own workspace, engine and connections on the same
master (a file, or a PostgreSQL database). Their merges start together (a barrier), and
the first lead's batch is held open, inside its transaction, until the second lead's
merge has had time to reach the master: the master's writer lock (BEGIN IMMEDIATE, or
PostgreSQL's advisory lock) must make the second wait, then see what the first brought.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from syncutil import Team, evidence, merge, score, state

from desktop.services import sync
from desktop.services.workspace import Workspace, open_workspace


def _laptops(team: Team, master: Workspace) -> tuple[list[Path], list[Path]]:
    """Two inspectors' first exports, merged (their devices enrolled), and their second
    exports with more scores and photos (enough bytes that the merges overlap)."""
    firsts, seconds = [], []
    for index, name in enumerate(("张三", "李四")):
        laptop = team.laptop(name)
        assert score(laptop, "1.1.1", "1", county_index=index)
        firsts.append(team.export(laptop, f"{name}-1.db"))
        for item in ("1.1.2", "1.2.1", "2.1.1"):
            assert score(laptop, item, "1", county_index=index)
        for i in range(6):
            evidence(laptop, os.urandom(512 * 1024), item=f"1.1.{i % 2 + 1}", county_index=index)
        seconds.append(team.export(laptop, f"{name}-2.db"))
    assert [r.status for r in merge(master, firsts)] == ["merged", "merged"]
    return firsts, seconds


def _at_once(master: Workspace, jobs: list[Callable[[Workspace], list[sync.FileReport]]]) -> list[list[sync.FileReport]]:
    """Run each job on a desk of its own, all started together; their reports, in order."""
    barrier = threading.Barrier(len(jobs))
    results: list[list[sync.FileReport] | BaseException | None] = [None] * len(jobs)

    def desk(index: int) -> None:
        try:
            with open_workspace(master.location) as ws:
                barrier.wait(timeout=30)
                results[index] = jobs[index](ws)
        except BaseException as exc:
            results[index] = exc

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    out = []
    for result in results:
        if isinstance(result, BaseException):
            raise result
        assert result is not None, "a desk did not finish"
        out.append(result)
    return out


class _Overlap:
    """The first lead's merge pauses inside its transaction (its `cancelled` hook, asked
    after each file's inserts) until the second lead's merge is seen waiting for the writer
    lock (on a server, in pg_locks; a SQLite file shows no waiters: there, a second and a
    half); the second starts only once the first is inside."""

    def __init__(self, master: Workspace) -> None:
        self.master = master
        self.first_inside = threading.Event()
        self.asked = 0
        self.saw_second_wait = False

    def _second_waiting(self) -> bool:
        from db import postgres

        watcher = postgres.engine(str(self.master.location))
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with watcher.connect() as conn:
                    if conn.exec_driver_sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").scalar():
                        return True
                time.sleep(0.05)
            return False
        finally:
            watcher.dispose()

    def first(self, ws: Workspace, files: list[Path]) -> list[sync.FileReport]:
        def hold() -> bool:
            self.asked += 1
            if self.asked == 2:  # after the file's inserts, before COMMIT
                self.first_inside.set()
                if self.master.database.on_server:
                    self.saw_second_wait = self._second_waiting()
                else:
                    time.sleep(1.5)
            return False

        return merge(ws, files, cancelled=hold)  # type: ignore[arg-type]

    def second(self, ws: Workspace, files: list[Path]) -> list[sync.FileReport]:
        assert self.first_inside.wait(30)
        return merge(ws, files)

    def check(self) -> None:
        if self.master.database.on_server:
            assert self.saw_second_wait, "the second lead's merge never waited for the first's"


def test_two_leads_merging_different_laptops_at_once_equals_one_after_the_other(team: Team) -> None:
    master = team.master()
    firsts, (a, b) = _laptops(team, master)
    overlap = _Overlap(master)
    first, second = _at_once(master, [lambda ws: overlap.first(ws, [a]), lambda ws: overlap.second(ws, [b])])
    overlap.check()
    assert [r.status for r in first + second] == ["merged", "merged"], second[0].reason
    assert first[0].blobs_added == second[0].blobs_added == 6

    one_by_one = team.master("sequential.db")
    assert [r.status for r in merge(one_by_one, [*firsts, a]) + merge(one_by_one, [b])] == ["merged"] * 4
    assert state(master) == state(one_by_one)


def test_two_leads_merging_the_same_file_at_once_add_it_once(team: Team) -> None:
    master = team.master()
    firsts, (a, _) = _laptops(team, master)
    overlap = _Overlap(master)
    first, second = _at_once(master, [lambda ws: overlap.first(ws, [a]), lambda ws: overlap.second(ws, [a])])
    overlap.check()
    assert (first[0].status, second[0].status) == ("merged", "nothing-new"), second[0].reason
    assert first[0].versions_added > 0 and first[0].blobs_added == 6
    assert second[0].versions_added == second[0].blobs_added == 0

    alone = team.master("alone.db")
    merge(alone, [*firsts, a])
    assert state(master) == state(alone)


def test_two_leads_exporting_at_once_both_give_exports_a_laptop_takes(team: Team, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The second export is numbered after the first lead's copy was read: the first
    export still carries the master's whole chain of manifests, and a laptop merges both."""
    from db import snapshot

    master = team.master()
    firsts, _ = _laptops(team, master)
    real = snapshot._local_copy
    usb = firsts[0].parent
    state_of: dict[str, Path] = {}

    def copy_then_another_export(database, local_copy):  # type: ignore[no-untyped-def]
        real(database, local_copy)
        if "other" not in state_of:  # the other lead's desk exports meanwhile (export #1)
            state_of["other"] = usb / "other-lead.db"
            with open_workspace(master.location) as other:
                sync.export(other, state_of["other"], sealed=False)

    monkeypatch.setattr(snapshot, "_local_copy", copy_then_another_export)
    mine = team.export(master, "this-lead.db", sealed=False)  # numbered #2, read before #1 existed; for a new laptop
    monkeypatch.setattr(snapshot, "_local_copy", real)
    laptop = team.laptop("王五")
    reports = merge(laptop, [mine, state_of["other"]])
    assert [r.status for r in reports] == ["merged", "nothing-new"], [r.reason for r in reports]
    assert reports[0].export_number == 2
