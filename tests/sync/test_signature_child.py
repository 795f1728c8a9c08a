"""The signatures of a batch's large files are checked in a child process (db.merge.signatures):
the same files are merged, and the same file refused for the same reason, as when every
signature is checked in the merging process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from processes import KILL_ITSELF, was_killed
from syncutil import Team, evidence, merge, raw, score, state

from db.merge import signatures

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def child(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every file of a batch of several has its signatures checked in the child (started when
    the first file is opened, waited for); the list says, file by file, whether the child
    took it."""
    monkeypatch.setattr(signatures, "PROCESS_FROM", 1)
    monkeypatch.setattr(signatures, "WAIT_FOR_CHILD_S", 60.0)
    taken: list[bool] = []
    submit = signatures.Checker._submit

    def spied(self: signatures.Checker, items: Sequence[signatures.Item], public_keys: Mapping[str, bytes], **kw: bool) -> object:
        future = submit(self, items, public_keys, **kw)
        taken.append(future is not None)
        return future

    monkeypatch.setattr(signatures.Checker, "_submit", spied)
    return taken


def laptops(team: Team, count: int = 3) -> list[Path]:
    exports = []
    for n in range(count):
        laptop = team.laptop(f"检查员{n + 1}")
        for item in ("1.1.1", "1.1.2", "1.2.1"):
            assert score(laptop, item, "1.5")
        exports.append(team.export(laptop))
    return exports


def forged_signature(path: Path) -> str:
    """The file's last version signed with the signature of another of its versions: its id
    still the hash of its contents, the manifest still right, only the signature wrong."""
    conn = raw(path)
    try:
        first, signature = conn.execute("SELECT version_id, signature FROM version ORDER BY seq LIMIT 1").fetchone()
        last = conn.execute("SELECT version_id FROM version ORDER BY seq DESC LIMIT 1").fetchone()[0]
        assert first != last
        assert conn.execute("UPDATE version SET signature = ? WHERE version_id = ?", (signature, last)).rowcount == 1
        return str(last)
    finally:
        conn.close()


def test_first_bad_is_the_first_in_order() -> None:
    from db import keys

    signer = keys.Signer("d", keys.ec.generate_private_key(keys.ec.SECP256R1()))
    items = [(f"v{n}", b"data %d" % n, signer.sign(b"data %d" % n), "d") for n in range(5)]
    public = {"d": signer.public_der}
    assert signatures.first_bad(items, public) is None
    bad = [*items[:2], (items[2][0], items[2][1], items[3][2], "d"), (items[3][0], b"other", items[3][2], "d"), items[4]]
    assert signatures.first_bad(bad, public) == ("v2", "d")


def test_the_child_answers_as_this_process_does(child: list[bool]) -> None:
    from db import keys

    signer = keys.Signer("d", keys.ec.generate_private_key(keys.ec.SECP256R1()))
    good = [(f"v{n}", b"data %d" % n, signer.sign(b"data %d" % n), "d") for n in range(3)]
    bad = [*good[:1], ("v9", b"data 9", good[2][2], "d"), *good[1:]]
    with signatures.Checker(child=True) as checker:
        first = checker.check(good, {"d": signer.public_der})  # here, while the child starts
        assert first.result() is None
        in_child = [checker.check(items, {"d": signer.public_der}) for items in (good, bad)]
        assert all(p._futures for p in in_child)  # the child's, not this process's
        assert [p.result() for p in in_child] == [None, ("v9", "d")]


def test_a_child_begun_when_a_large_file_is_opened_takes_its_first_signatures(child: list[bool]) -> None:
    from db import keys

    signer = keys.Signer("d", keys.ec.generate_private_key(keys.ec.SECP256R1()))
    good = [(f"v{n}", b"data %d" % n, signer.sign(b"data %d" % n), "d") for n in range(3)]
    with signatures.Checker(child=False) as alone:
        alone.expect(len(good))  # a batch of one file: no child
        assert alone.check(good, {"d": signer.public_der})._futures is None
    with signatures.Checker(child=True) as checker:
        checker.expect(len(good))
        first = checker.check(good, {"d": signer.public_der})
        assert first._futures and first.result() is None


def test_a_large_file_s_signatures_go_to_the_child_a_piece_at_a_time(child: list[bool], monkeypatch: pytest.MonkeyPatch) -> None:
    """Handed over as the file is read (Stream), the pieces are checked in the file's order: the
    first bad signature is the one this process finds, wherever it falls."""
    from db import keys

    monkeypatch.setattr(signatures, "PIECE", 2)
    signer = keys.Signer("d", keys.ec.generate_private_key(keys.ec.SECP256R1()))
    public = {"d": signer.public_der}
    good = [(f"v{n}", b"data %d" % n, signer.sign(b"data %d" % n), "d") for n in range(7)]
    forged = [*good[:3], ("v3", b"data 3", good[0][2], "d"), *good[4:5], ("v5", b"data 5", good[1][2], "d"), *good[6:]]
    with signatures.Checker(child=True) as checker:
        checker.expect(len(good))
        checker._ready.result(timeout=120)  # type: ignore[union-attr]  # the child is up
        for items in (good, forged):
            stream = checker.stream(public, expected=len(items))
            for item in items:
                stream.add(item)
            pending = stream.done()
            assert pending._futures is not None and len(pending._futures) == 4  # 2 + 2 + 2 + 1
            assert pending.result() == signatures.first_bad(items, public)
        assert signatures.first_bad(forged, public) == ("v3", "d")


def test_a_small_file_s_signatures_are_checked_here_all_at_once(child: list[bool]) -> None:
    from db import keys

    signer = keys.Signer("d", keys.ec.generate_private_key(keys.ec.SECP256R1()))
    good = [(f"v{n}", b"data %d" % n, signer.sign(b"data %d" % n), "d") for n in range(3)]
    with signatures.Checker(child=False) as alone:
        stream = alone.stream({"d": signer.public_der}, expected=len(good))
        for item in good:
            stream.add(item)
        pending = stream.done()
        assert pending._futures is None and pending.result() is None


def test_a_batch_checked_in_the_child_merges_as_before(team: Team, child: list[bool]) -> None:
    master = team.master()
    exports = laptops(team)
    reports = merge(master, exports)
    assert [r.status for r in reports] == ["merged"] * 3
    assert child == [True, True, True]
    other = team.master("other.db")
    for path in exports:  # one file at a time: every signature checked in this process
        assert [r.status for r in merge(other, [path])] == ["merged"]
    assert state(master) == state(other)


def test_a_bad_signature_found_in_the_child_refuses_its_file(team: Team, child: list[bool]) -> None:
    master = team.master()
    exports = laptops(team)
    forged = forged_signature(exports[2])
    alone = team.master("alone.db")
    [expected] = merge(alone, [exports[2]])  # checked in this process
    assert (expected.status, expected.code) == ("refused", "signature") and forged[:12] in expected.reason
    child.clear()
    reports = merge(master, exports)
    assert [r.status for r in reports] == ["merged", "merged", "refused"]
    assert child == [True, True, True]
    got = reports[2]
    assert (got.code, got.reason, got.device_id, got.inspector) == (expected.code, expected.reason, expected.device_id, expected.inspector)
    assert (got.versions_added, got.export_number, got.versions_present) == (0, expected.export_number, expected.versions_present)


def test_a_bad_signature_is_what_a_file_is_refused_for_before_its_blobs(team: Team, child: list[bool]) -> None:
    """A file with a bad signature and altered evidence is refused for its signature, as when
    the signatures were checked before the blobs' bytes."""
    master = team.master()
    exports = []
    for n in range(3):
        laptop = team.laptop(f"检查员{n + 1}")
        assert score(laptop, "1.1.1", "1.5")
        evidence(laptop, f"photo {n}".encode() * 500)
        exports.append(team.export(laptop))
    forged_signature(exports[1])
    conn = raw(exports[1])
    try:
        rowid, data = conn.execute("SELECT id, data FROM blob").fetchone()
        conn.execute("UPDATE blob SET data = ? WHERE id = ?", (bytes([data[0] ^ 0xFF]) + bytes(data[1:]), rowid))
    finally:
        conn.close()
    reports = merge(master, exports)
    assert [(r.status, r.code) for r in reports] == [("merged", ""), ("refused", "signature"), ("merged", "")]
    assert child == [True, True, True]


_KILLED_WITH_ITS_CHILD = f"""
import os
from db.merge import signatures

checker = signatures.Checker(child=True)
checker.expect(signatures.PROCESS_FROM)
checker._ready.result(timeout=120)  # the child is up
print(*checker._pool._processes, flush=True)
{KILL_ITSELF}
"""


@pytest.mark.skipif(os.name != "posix", reason="a process looked for by its number: POSIX's kill(pid, 0)")
def test_the_child_ends_when_the_merging_process_is_killed() -> None:
    """A kill -9 in the middle of a merge leaves no child behind (waiting for ever on its pool's
    queue, holding the pipes of whoever started the program)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WITH_ITS_CHILD], cwd=REPO, stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
    )
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    try:
        assert was_killed(proc.wait(120))
        deadline = time.monotonic() + 60
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child)
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)
        proc.stdout.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
