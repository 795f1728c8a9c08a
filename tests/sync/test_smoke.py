"""The whole round: laptops export, the master merges them, and the master's export goes back."""

from __future__ import annotations

from syncutil import Team, evidence, merge, rebuilt, score, state


def test_three_laptops_into_the_master_and_back(team: Team) -> None:
    master = team.master()
    a, b, c = team.laptop("张三"), team.laptop("李四"), team.laptop("王五")
    for ws, value in ((a, "2"), (b, "1.5"), (c, "1")):
        assert score(ws, "1.1.1", value)
    sha = evidence(a, b"\xff\xd8 a photo")
    files = [team.export(ws) for ws in (a, b, c)]
    reports = merge(master, files)
    assert [r.status for r in reports] == ["merged"] * 3
    assert [r.versions_added for r in reports] == [2, 1, 1]
    assert reports[0].blobs_added == 1
    before = state(master)
    assert {row[0] for row in before["blob"]} == {sha}
    assert rebuilt(master) == {k: v for k, v in before.items() if k != "blob"}
    again = merge(master, files)
    assert [r.status for r in again] == ["nothing-new"] * 3
    assert state(master) == before
    back = merge(a, [team.export(master)])
    assert back[0].status == "merged"
    assert {r[4] for r in state(a)["current_score"]} == {"张三", "李四", "王五"}
