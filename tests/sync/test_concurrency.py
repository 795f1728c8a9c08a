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
            evidence(laptop, os.urandom(512 * 1024), item=f"1.1.{i % 3 + 1}", county_index=index)
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
    after each file's inserts) until the second lead's merge has started and had a second
    to reach the master; the second starts only once the first is inside."""

    def __init__(self) -> None:
        self.first_inside = threading.Event()
        self.asked = 0

    def first(self, ws: Workspace, files: list[Path]) -> list[sync.FileReport]:
        def hold() -> bool:
            self.asked += 1
            if self.asked == 2:  # after the file's inserts, before COMMIT
                self.first_inside.set()
                time.sleep(1.5)
            return False

        return merge(ws, files, cancelled=hold)  # type: ignore[arg-type]

    def second(self, ws: Workspace, files: list[Path]) -> list[sync.FileReport]:
        assert self.first_inside.wait(30)
        return merge(ws, files)


def test_two_leads_merging_different_laptops_at_once_equals_one_after_the_other(team: Team) -> None:
    master = team.master()
    firsts, (a, b) = _laptops(team, master)
    overlap = _Overlap()
    first, second = _at_once(master, [lambda ws: overlap.first(ws, [a]), lambda ws: overlap.second(ws, [b])])
    assert [r.status for r in first + second] == ["merged", "merged"], second[0].reason
    assert first[0].blobs_added == second[0].blobs_added == 6

    one_by_one = team.master("sequential.db")
    assert [r.status for r in merge(one_by_one, [*firsts, a]) + merge(one_by_one, [b])] == ["merged"] * 4
    assert state(master) == state(one_by_one)


def test_two_leads_merging_the_same_file_at_once_add_it_once(team: Team) -> None:
    master = team.master()
    firsts, (a, _) = _laptops(team, master)
    overlap = _Overlap()
    first, second = _at_once(master, [lambda ws: overlap.first(ws, [a]), lambda ws: overlap.second(ws, [a])])
    assert (first[0].status, second[0].status) == ("merged", "nothing-new"), second[0].reason
    assert first[0].versions_added > 0 and first[0].blobs_added == 6
    assert second[0].versions_added == second[0].blobs_added == 0

    alone = team.master("alone.db")
    merge(alone, [*firsts, a])
    assert state(master) == state(alone)
