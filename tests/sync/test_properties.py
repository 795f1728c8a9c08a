"""Merge as a set union (SYNC.md): order and repetition do not matter, a replay changes
nothing, conflicts are soft or hard as their fields say, a resolution travels back to
the laptops, and the master's export merged into a laptop comes back as nothing new."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, text
from syncutil import Team, county, evidence, merge, rebuilt, score, state

from db import versions
from desktop import paths
from desktop.services import records, sync
from desktop.services.results import results
from desktop.services.workspace import Workspace

# --- helpers ---------------------------------------------------------------------------------


def projection_of(st_: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {k: v for k, v in st_.items() if k != "blob"}


def assert_consistent(ws: Workspace) -> dict[str, list[tuple]]:
    """The materialised projection equals the one rebuilt from the versions alone."""
    now = state(ws)
    assert rebuilt(ws) == projection_of(now)
    return now


def score_record(ws: Workspace, item: str, inspector: str, county_index: int = 0) -> str:
    return records.score_id(ws, county(ws, county_index), item, inspector)


def current_score(ws: Workspace, record_id: str) -> tuple[str, str, str] | None:
    """(version_id, score, comment) of a record's current row, or None."""
    with ws.read() as conn:
        row = conn.execute(
            text("SELECT version_id, score, comment FROM current_score WHERE record_id = :r"), {"r": record_id}
        ).first()
    return tuple(row) if row else None  # type: ignore[return-value]


def version_rows(ws: Workspace, record_id: str) -> dict[str, versions.Version]:
    with ws.read() as conn:
        return {v.version_id: v for v in versions.load(conn, "WHERE record_id = :r", {"r": record_id})}


def heads_of(ws: Workspace, record_id: str) -> set[str]:
    with ws.read() as conn:
        return set(conn.execute(text("SELECT version_id FROM head WHERE record_id = :r"), {"r": record_id}).scalars())


def put(
    ws: Workspace, record_id: str, entity: str, payload: dict[str, Any], *, deleted: bool = False, blob_hashes: tuple[str, ...] = ()
) -> versions.Version:
    """Write a version directly, signed by the workspace's device (parents: its heads)."""
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        written = versions.put(
            conn, signer, entity=entity, record_id=record_id, payload=payload, deleted=deleted, blob_hashes=blob_hashes
        )
    assert written is not None
    return written


def payload_now(ws: Workspace, record_id: str) -> dict[str, Any]:
    with ws.read() as conn:
        current = versions.current_payload(conn, record_id)
    assert current is not None
    return current[0]


def set_comment(ws: Workspace, item: str, comment: str) -> bool:
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        return records.set_comment(conn, signer, ws, county=county(ws), item=item, inspector=ws.identity.inspector or "", comment=comment)


def statuses(reports: list[sync.FileReport]) -> list[str]:
    return [r.status for r in reports]


# --- 1. any order, any repetition: the same state ----------------------------------------------

_FILES = ("A1", "A2", "B1", "B2", "C1", "C2", "H1")


@dataclass
class Pool:
    team: Team
    files: dict[str, Path]
    counter: Iterator[int] = field(default_factory=itertools.count)
    canonical: dict[frozenset[str], dict[str, list[tuple]]] = field(default_factory=dict)

    def fresh_master(self) -> Workspace:
        return self.team.master(name=f"master-{next(self.counter)}.db")

    def canonical_state(self, names: frozenset[str]) -> dict[str, list[tuple]]:
        if names not in self.canonical:
            master = self.fresh_master()
            reports = merge(master, [self.files[n] for n in _FILES if n in names])
            assert "refused" not in statuses(reports), [r.reason for r in reports]
            self.canonical[names] = assert_consistent(master)
            master.close()
        return self.canonical[names]


@pytest.fixture
def pool(team: Team) -> Pool:
    """Seven exports, built once per test: 张三 on two laptops (a and c: their natural-key
    records collide), 李四 on b; a, b and c export twice with work between; a hub master
    merged a1 and b1 and sent its export (h1) to b and c before their second exports."""
    a, b, c = team.laptop("张三", "zs-a.db"), team.laptop("李四", "ls-b.db"), team.laptop("张三", "zs-c.db")
    files: dict[str, Path] = {}
    assert score(a, "1.1.1", "2")
    assert score(a, "1.1.2", "1", comment="ok")
    assert score(a, "1.2.3", "2")
    evidence(a, b"\xff\xd8 photo of the notice board")
    files["A1"] = team.export(a, "a1.db")
    assert score(a, "1.1.1", "1.5")  # an edit of a1's version
    assert score(a, "1.2.1", "2")
    assert score(a, "1.2.3", "1")  # the score only (the comment stays "")
    files["A2"] = team.export(a, "a2.db")

    assert score(b, "1.1.1", "1")  # another inspector, same item: no conflict
    assert score(b, "2.1.1", "3")
    files["B1"] = team.export(b, "b1.db")

    assert score(c, "1.1.1", "0.5")  # 张三's 1.1.1 again, another value: hard against a
    assert score(c, "1.1.2", "1", comment="ok")  # the same values as a: two heads all the same
    files["C1"] = team.export(c, "c1.db")

    hub = team.master("hub.db")
    assert statuses(merge(hub, [files["A1"], files["B1"]])) == ["merged", "merged"]
    files["H1"] = team.export(hub, "h1.db", sealed=False)  # c takes it too, before the hub knows it

    assert statuses(merge(b, [files["H1"]])) == ["merged"]
    assert score(b, "1.1.1", "1.5")
    b_211 = score_record(b, "2.1.1", "李四")
    put(b, b_211, "score", payload_now(b, b_211), deleted=True)
    files["B2"] = team.export(b, "b2.db", sealed=False)  # in the clear: merged by fresh masters, not the hub

    assert statuses(merge(c, [files["H1"]])) == ["merged"]  # c now holds a1: 1.1.1 and 1.1.2 in conflict on c
    assert set_comment(c, "1.1.2", "changed on c")  # a laptop does not settle 1.1.2: its edit continues c1's head
    assert set_comment(c, "1.2.3", "from c")  # the comment only of a1's 1.2.3: soft against a2
    assert score(c, "1.2.2", "2")
    files["C2"] = team.export(c, "c2.db", sealed=False)

    p = Pool(team, files)
    everything = p.canonical_state(frozenset(_FILES))
    assert sorted(r[3] for r in everything["conflict"]) == ["hard", "hard", "soft"], everything["conflict"]
    assert len(everything["blob"]) == 1
    shown = {(r[3], r[4]): (r[5], r[6]) for r in everything["current_score"]}
    assert shown[("1.2.3", "张三")] == ("1", "from c")  # the soft conflict, merged field by field
    assert ("2.1.1", "李四") not in shown  # deleted on b
    return p


@st.composite
def merge_plans(draw: st.DrawFn) -> tuple[list[str], bool]:
    counts = draw(st.fixed_dictionaries({n: st.integers(0, 2) for n in _FILES}).filter(lambda d: sum(d.values()) > 0))
    multiset = [n for n, k in counts.items() for _ in range(k)]
    return draw(st.permutations(multiset)), draw(st.booleans())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=merge_plans())
def test_any_order_and_repetition_gives_the_same_state(pool: Pool, plan: tuple[list[str], bool]) -> None:
    order, one_by_one = plan
    master = pool.fresh_master()
    try:
        paths_ = [pool.files[n] for n in order]
        if one_by_one:
            reports = [r for p in paths_ for r in merge(master, [p])]
        else:
            reports = merge(master, paths_)
        assert "refused" not in statuses(reports), [r.reason for r in reports]
        # a file met a second time is nothing new
        seen: set[str] = set()
        for name, report in zip(order, reports, strict=True):
            if name in seen:
                assert report.status == "nothing-new"
            seen.add(name)
        got = assert_consistent(master)
    finally:
        master.close()
    assert got == pool.canonical_state(frozenset(order))


# --- 2. idempotence ----------------------------------------------------------------------------


def test_merging_the_same_files_twice_changes_nothing(team: Team) -> None:
    master = team.master()
    a, b, c = team.laptop("张三", "zs-a.db"), team.laptop("李四"), team.laptop("张三", "zs-c.db")
    assert score(a, "1.1.1", "2")
    evidence(a, b"\xff\xd8 jpeg bytes")
    assert score(b, "1.1.1", "1")
    assert score(c, "1.1.1", "3")
    a1 = team.export(a, "a1.db")
    assert score(a, "1.1.2", "2")
    files = [team.export(a, "a2.db"), a1, team.export(b), team.export(c)]
    first = merge(master, files)
    assert statuses(first) == ["merged", "nothing-new", "merged", "merged"]  # a1 is older than a2, already merged
    assert first[1].older_than == 2
    before = assert_consistent(master)
    assert len(before["conflict"]) == 1
    again = merge(master, files)
    assert statuses(again) == ["nothing-new"] * 4
    assert sum(r.versions_added + r.blobs_added for r in again) == 0
    assert state(master) == before
    # and the same for a one-file-at-a-time replay, and for a dry run
    for f in files:
        assert statuses(merge(master, [f])) == ["nothing-new"]
        assert statuses(merge(master, [f], dry_run=True)) == ["nothing-new"]
    assert state(master) == before


# --- 3. conflict semantics -------------------------------------------------------------------


def _winner_first(ws: Workspace, ids: list[str]) -> list[str]:
    with ws.read() as conn:
        rows = conn.execute(
            text("SELECT version_id, hlc, device_id FROM version WHERE version_id IN :ids").bindparams(bindparam("ids", expanding=True)),
            {"ids": ids},
        ).all()
    return [r[0] for r in sorted(rows, key=lambda r: (r[1], r[2]), reverse=True)]


def test_same_inspector_two_laptops_different_scores_is_a_hard_conflict(team: Team) -> None:
    master = team.master()
    a, a2 = team.laptop("张三", "zs-a.db"), team.laptop("张三", "zs-a2.db")
    assert score(a, "1.1.1", "2", comment="from a")
    assert score(a2, "1.1.1", "0.5", comment="from a2")
    reports = merge(master, [team.export(a), team.export(a2)])
    assert statuses(reports) == ["merged", "merged"]
    record = score_record(master, "1.1.1", "张三")
    assert reports[1].conflicts == 1
    assert reports[1].records_in_conflict == [record]

    found = sync.conflicts(master)
    assert len(found) == 1
    conflict = found[0]
    assert (conflict.record_id, conflict.entity, conflict.kind) == (record, "score", "hard")
    assert "score" in conflict.fields
    assert "comment" in conflict.fields  # changed two ways too
    assert (conflict.county, conflict.item) == (county(master), "1.1.1")
    ids = [v.version_id for v in conflict.versions]
    assert set(ids) == heads_of(master, record) == set(version_rows(master, record))
    assert ids == _winner_first(master, ids)  # the provisional winner first: largest (hlc, device id)
    by_device = {v.device_id: v for v in conflict.versions}
    assert by_device[a.identity.device_id].payload["score"] == "2"
    assert by_device[a2.identity.device_id].payload["score"] == "0.5"
    assert {v.inspector for v in conflict.versions} == {"张三"}
    assert {v.device_role for v in conflict.versions} == {"field"}
    assert not any(v.deleted for v in conflict.versions)

    winner = conflict.versions[0]
    assert current_score(master, record) == (winner.version_id, winner.payload["score"], winner.payload["comment"])
    winner_ws, loser_ws = (a, a2) if winner.device_id == a.identity.device_id else (a2, a)
    assert results(master) == results(winner_ws)  # the results use the provisional winner
    assert results(master) != results(loser_ws)
    assert_consistent(master)


def test_disjoint_field_changes_are_a_soft_conflict(team: Team) -> None:
    master = team.master()
    a, a2 = team.laptop("张三", "zs-a.db"), team.laptop("张三", "zs-a2.db")
    assert score(a, "1.1.1", "2")  # comment ""
    assert statuses(merge(master, [team.export(a, "a1.db")])) == ["merged"]
    assert statuses(merge(a2, [team.export(master, "m1.db", sealed=False)])) == ["merged"]  # a2 now holds a's version
    record = score_record(master, "1.1.1", "张三")
    (base_id,) = heads_of(a2, record)
    base = version_rows(a2, record)[base_id].payload
    assert (base["score"], base["comment"]) == ("2", "")

    assert set_comment(a, "1.1.1", "the notice was posted late")  # the comment only
    assert score(a2, "1.1.1", "1")  # set_score writes the comment too: "" as before, so the score only
    va, va2 = (next(v for v in version_rows(ws, record).values() if v.parents == (base_id,)) for ws in (a, a2))
    changed = {k for k in base if va.payload[k] != base[k]}, {k for k in base if va2.payload[k] != base[k]}
    assert changed == ({"comment"}, {"score"})
    assert set(va.payload) == set(va2.payload) == set(base)

    reports = merge(master, [team.export(a, "a2.db"), team.export(a2, "a2-1.db")])
    assert statuses(reports) == ["merged", "merged"]
    found = sync.conflicts(master)
    assert len(found) == 1
    conflict = found[0]
    assert conflict.kind == "soft"
    assert set(conflict.fields) == {"comment", "score"}
    assert {v.version_id for v in conflict.versions} == {va.version_id, va2.version_id}
    row = current_score(master, record)
    assert row is not None
    assert row[1:] == ("1", "the notice was posted late")  # a2's score, a's comment
    assert row[0] == conflict.versions[0].version_id
    by_inspection = {i.item: i.score for r in results(master) if r.county == county(master) for i in r.items}
    assert by_inspection["1.1.1"] == Decimal("1")
    assert_consistent(master)


def test_edit_against_delete_is_hard_and_two_deletes_are_soft(team: Team) -> None:
    master = team.master()
    a, a2 = team.laptop("张三", "zs-a.db"), team.laptop("张三", "zs-a2.db")
    assert score(a, "1.1.1", "2")
    assert score(a, "1.1.2", "2")
    photo = evidence(a, b"\xff\xd8 photo")
    assert statuses(merge(master, [team.export(a, "a1.db")])) == ["merged"]
    assert statuses(merge(a2, [team.export(master, "m1.db", sealed=False)])) == ["merged"]
    edited = score_record(master, "1.1.1", "张三")
    both = score_record(master, "1.1.2", "张三")
    with master.read() as conn:
        proof = conn.execute(text("SELECT record_id FROM version WHERE entity = 'evidence'")).scalar_one()

    assert score(a, "1.1.1", "3")  # a edits …
    put(a2, edited, "score", payload_now(a2, edited), deleted=True)  # … a2 deletes
    put(a, both, "score", payload_now(a, both), deleted=True)  # both delete 1.1.2
    put(a2, both, "score", payload_now(a2, both), deleted=True)
    put(a, proof, "evidence", {**payload_now(a, proof), "name": "renamed.jpg"}, blob_hashes=(photo,))  # edit against delete
    put(a2, proof, "evidence", payload_now(a2, proof), deleted=True)

    reports = merge(master, [team.export(a, "a2.db"), team.export(a2, "a2-1.db")])
    assert statuses(reports) == ["merged", "merged"]
    found = {c.record_id: c for c in sync.conflicts(master)}
    assert set(found) == {edited, both, proof}
    for record in (edited, proof):
        assert found[record].kind == "hard"
        assert found[record].fields == ("deleted",)
        assert sorted(v.deleted for v in found[record].versions) == [False, True]
    assert found[both].kind == "soft"
    assert all(v.deleted for v in found[both].versions)
    assert current_score(master, both) is None  # deleted either way
    winner = found[edited].versions[0]
    row = current_score(master, edited)
    if winner.deleted:
        assert row is None
    else:
        assert row == (winner.version_id, "3", "")
    # nothing is purged on the master: the blob stays
    with master.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM blob WHERE sha256 = :s"), {"s": photo}).scalar_one() == 1
    assert_consistent(master)


# --- 4. resolve --------------------------------------------------------------------------------


def _hard_conflict(team: Team) -> tuple[Workspace, Workspace, Workspace, str]:
    master = team.master()
    a, a2 = team.laptop("张三", "zs-a.db"), team.laptop("张三", "zs-a2.db")
    assert score(a, "1.1.1", "2", comment="a's view")
    assert score(a2, "1.1.1", "1", comment="a2's view")
    assert statuses(merge(master, [team.export(a, "a1.db"), team.export(a2, "a2-1.db")])) == ["merged", "merged"]
    return master, a, a2, score_record(master, "1.1.1", "张三")


def test_resolve_keeps_a_version_and_travels_back(team: Team) -> None:
    master, a, a2, record = _hard_conflict(team)
    # a2 receives the conflict before it is resolved
    assert statuses(merge(a2, [team.export(master, "m1.db", sealed=False)])) == ["merged"]
    assert len(sync.conflicts(a2)) == 1
    with pytest.raises(sync.SyncError):
        sync.resolve(a2, sync.conflicts(a2)[0].id, keep=sync.conflicts(a2)[0].versions[1].version_id)

    (conflict,) = sync.conflicts(master)
    heads = {v.version_id for v in conflict.versions}
    kept = conflict.versions[1]  # keep the one that is not the provisional winner
    lost = conflict.versions[0]
    written = sync.resolve(master, conflict.id[:6], keep=kept.version_id[:10])

    assert written.device_id == master.identity.device_id
    assert set(written.parents) == heads
    assert written.record_id == record
    assert written.payload == kept.payload
    assert written.deleted is False
    assert sync.conflicts(master) == []
    assert heads_of(master, record) == {written.version_id}
    assert current_score(master, record) == (written.version_id, kept.payload["score"], kept.payload["comment"])
    stored = version_rows(master, record)
    assert {lost.version_id, kept.version_id, written.version_id} == set(stored)  # the loser stays in the history
    with master.read() as conn:
        signer = master.database.signer(paths.keys_dir(), conn)
    assert stored[written.version_id].verify(signer.public_der)
    assert_consistent(master)

    back = team.export(master, "m2.db")
    for laptop in (a, a2):
        reports = merge(laptop, [back])
        assert statuses(reports) == ["merged"]
        assert sync.conflicts(laptop) == []
        assert current_score(laptop, record) == current_score(master, record)
        assert_consistent(laptop)
    # the laptops' next exports bring nothing new to the master
    assert statuses(merge(master, [team.export(a, "a2.db"), team.export(a2, "a2-2.db")])) == ["nothing-new", "nothing-new"]
    assert sync.conflicts(master) == []


def test_resolve_refuses_unknown_and_ambiguous_prefixes(team: Team) -> None:
    master = team.master()
    a, a2 = team.laptop("张三", "zs-a.db"), team.laptop("张三", "zs-a2.db")
    items = [node.code for node in master.campaign.indicator_set.items][:17]  # 17 conflicts: two ids share a first digit
    for ws, value in ((a, Decimal("0.5")), (a2, Decimal("1"))):
        with ws.write() as conn:
            signer = ws.database.signer(paths.keys_dir(), conn)
            for item in items:
                assert records.set_score(conn, signer, ws, county=county(ws), item=item, inspector="张三", score=value, comment="")
    merge(master, [team.export(a), team.export(a2)])
    found = sync.conflicts(master)
    assert len(found) == 17
    before = state(master)
    first_digits = [c.id[0] for c in found]
    shared = next(d for d in first_digits if first_digits.count(d) > 1)
    with pytest.raises(sync.SyncError, match="give more characters"):
        sync.resolve(master, shared, keep=found[0].versions[0].version_id)
    with pytest.raises(sync.SyncError, match="no open conflict"):
        sync.resolve(master, "zz", keep=found[0].versions[0].version_id)
    with pytest.raises(sync.SyncError):
        sync.resolve(master, "", keep=found[0].versions[0].version_id)
    with pytest.raises(sync.SyncError, match="no competing version"):  # a version of another conflict
        sync.resolve(master, found[0].id, keep=found[1].versions[0].version_id)
    with pytest.raises(sync.SyncError):
        sync.resolve(master, found[0].id, keep="zz")
    assert state(master) == before


# --- 5. reverse merge ------------------------------------------------------------------------


def test_master_export_into_a_laptop_and_back(team: Team) -> None:
    master = team.master()
    a, b = team.laptop("张三"), team.laptop("李四")
    assert score(a, "1.1.1", "2")
    assert score(b, "1.1.1", "1")
    assert score(b, "1.1.2", "3")
    evidence(b, b"\xff\xd8 b's photo")
    assert statuses(merge(master, [team.export(a, "a1.db"), team.export(b, "b1.db")])) == ["merged", "merged"]

    received = merge(a, [team.export(master, "m1.db")])
    assert statuses(received) == ["merged"]
    assert received[0].versions_added == 3  # b's two scores and its evidence
    assert received[0].blobs_added == 1
    assert {(r[3], r[4]) for r in state(a)["current_score"]} == {("1.1.1", "张三"), ("1.1.1", "李四"), ("1.1.2", "李四")}
    assert_consistent(a)

    # a's export now holds only what the master has: nothing new
    echo = merge(master, [team.export(a, "a2.db")])
    assert statuses(echo) == ["nothing-new"]
    assert echo[0].versions_added == 0

    # a's own work after receiving merges as usual
    assert score(a, "1.1.1", "2.5")
    assert score(a, "1.2.1", "1")
    later = merge(master, [team.export(a, "a3.db")])
    assert statuses(later) == ["merged"]
    assert later[0].versions_added == 2
    assert later[0].conflicts == 0
    assert sync.conflicts(master) == []
    assert current_score(master, score_record(master, "1.1.1", "张三"))[1:] == ("2.5", "")  # type: ignore[index]
    final = assert_consistent(master)

    # everyone converges
    back = team.export(master, "m2.db")
    for laptop in (a, b):
        merge(laptop, [back])
        assert state(laptop) == final


def test_an_edit_of_a_soft_conflicted_record_keeps_the_merged_fields(team: Team) -> None:
    master = team.master()
    a, a2 = team.laptop("张三", "zs-a.db"), team.laptop("张三", "zs-a2.db")
    assert score(a, "1.1.1", "2")
    assert statuses(merge(master, [team.export(a, "a1.db")])) == ["merged"]
    assert statuses(merge(a2, [team.export(master, "m1.db", sealed=False)])) == ["merged"]
    record = score_record(master, "1.1.1", "张三")
    assert score(a2, "1.1.1", "1")  # the score first …
    assert set_comment(a, "1.1.1", "posted late")  # … then the comment: a's version is the provisional winner
    # a laptop takes only the master's exports: a2's work reaches a through the master
    assert statuses(merge(master, [team.export(a2, "a2-1.db"), team.export(a, "a2.db")])) == ["merged", "merged"]
    assert statuses(merge(a, [team.export(master, "m2.db")])) == ["merged"]
    (conflict,) = sync.conflicts(a)
    assert conflict.kind == "soft"
    assert conflict.versions[0].device_id == a.identity.device_id
    assert current_score(a, record)[1:] == ("1", "posted late")  # type: ignore[index]
    # the inspector on a now edits the comment of what they see: score 1, "posted late"; a
    # laptop does not settle the conflict (the lead does), but the merged score is kept
    assert set_comment(a, "1.1.1", "posted late, see photo")
    assert [c.kind for c in sync.conflicts(a)] == ["soft"]
    assert current_score(a, record)[1:] == ("1", "posted late, see photo")  # type: ignore[index]
    # the master sees what the laptop sees
    assert statuses(merge(master, [team.export(a, "a3.db")])) == ["merged"]
    assert current_score(master, record)[1:] == ("1", "posted late, see photo")  # type: ignore[index]
