"""Helpers for the sync tests: a master and laptops made as `init` makes them, scores
written as the services write them, exports and merges as the commands do them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pgserver
import pytest
import rawdb
from sqlalchemy import text

from db import blobs, projection, versions
from db.merge import Enrolment
from desktop import paths
from desktop.services import records, sync
from desktop.services.workspace import Workspace, create

# The projection and the version set: what must be equal, whatever the merge order.
STATE_TABLES = (
    "version", "version_parent", "blob", "head", "conflict",
    "current_score", "current_finding", "current_method_score", "current_adjudication", "current_adjustment",
)


@dataclass
class Team:
    root: Path
    place: Callable[[str], Path | str] | None = None  # where a master of this name lives (default: a file in root)
    opened: list[Workspace] = field(default_factory=list)

    def master(self, name: str = "master.db") -> Workspace:
        ws = create(self.place(name) if self.place else self.root / name, role="master")
        self.opened.append(ws)
        return ws

    def laptop(self, inspector: str, name: str | None = None) -> Workspace:
        ws = create(self.root / (name or f"{inspector}.db"), role="field", inspector=inspector)
        self.opened.append(ws)
        return ws

    def export(self, ws: Workspace, name: str | None = None, *, sealed: bool = True) -> Path:
        """An export as the command makes it: sealed for its receivers whose keys `ws` knows;
        `sealed=False` in the clear, for a receiver not known to it yet (a new laptop, another
        master that has sent it nothing)."""
        out = self.root / "usb" / (name or f"{ws.path.stem}-export.db")
        sync.export(ws, out, sealed=sealed)
        return out

    def close(self) -> None:
        for ws in self.opened:
            ws.close()


@pytest.fixture
def team(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Iterator[Team]:
    """Laptops (SQLite files, always) and masters on the test's backend: a file, or a
    fresh PostgreSQL database for each master made (the first is `pg_url`'s)."""
    made: list[str] = []
    if backend == "postgresql":
        first = request.getfixturevalue("pg_url")
        server = request.getfixturevalue("pg_server")

        def place(_name: str) -> str:
            if not made:
                made.append("")
                return str(first)
            made.append(pgserver.create_database(server))
            return str(server.url_for(made[-1]))

        t = Team(tmp_path, place)
    else:
        t = Team(tmp_path)
    yield t
    t.close()
    for name in made[1:]:
        pgserver.drop_database(request.getfixturevalue("pg_server"), name)


def plain(row: Sequence[object]) -> tuple:
    """A row as both backends give it alike: bytes for binary, 0/1 for booleans."""
    return tuple(bytes(v) if isinstance(v, memoryview) else int(v) if isinstance(v, bool) else v for v in row)


def county(ws: Workspace, index: int = 0) -> str:
    """The code of the campaign's index-th county."""
    return ws.campaign.counties[index].code


def score(ws: Workspace, item: str, value: str, *, county_index: int = 0, comment: str = "") -> bool:
    """The laptop's inspector scores an item of a county (one transaction, like a GUI edit)."""
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        return records.set_score(
            conn, signer, ws, county=county(ws, county_index), item=item, inspector=ws.identity.inspector or "",
            score=Decimal(value), comment=comment,
        )


def evidence(ws: Workspace, data: bytes, item: str = "1.1.1", county_index: int = 0) -> str:
    """Attach bytes as evidence of an item: a blob and an evidence version naming it."""
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        sha = blobs.put_bytes(conn, data, "image/jpeg")
        versions.put(
            conn, signer, entity="evidence", record_id=versions.new_id(),
            payload={
                "county": county(ws, county_index), "item": item, "mode": "field", "inspector": ws.identity.inspector or "",
                "name": "photo.jpg", "sha256": sha, "mime": "image/jpeg", "size": len(data), "attached_at": "2026-11-27T09:00:00Z",
            },
            blob_hashes=[sha],
        )
    return sha


# The tests of merging accept every new device: laptops, a second one of the same inspector, and
# other masters (the
# tests of enrolment decide case by case).
EVERY_LAPTOP = Enrolment(field=True, lead=True, same_inspector=True)


def merge(master: Workspace, files: Sequence[Path], **kw: object) -> list[sync.FileReport]:
    kw.setdefault("enroll", EVERY_LAPTOP)
    return sync.merge(master, list(files), **kw)  # type: ignore[arg-type]


def state(ws: Workspace) -> dict[str, list[tuple]]:
    """Every row of the version set and the projection, sorted."""
    with ws.read() as conn:
        return {t: sorted(plain(r) for r in conn.execute(text(f"SELECT * FROM {t}")).all()) for t in STATE_TABLES if t != "blob"} | {
            "blob": sorted(plain(r) for r in conn.execute(text("SELECT sha256, size, mime, data FROM blob")).all())
        }


def rebuilt(ws: Workspace) -> dict[str, list[tuple]]:
    """The projection recomputed from the versions alone (in a rolled-back write transaction:
    BEGIN IMMEDIATE, as every writer's, so that it waits its turn behind a merge's log being
    copied into the file in the background instead of failing as "locked")."""
    with ws.database.engine.connect().execution_options(immediate=True) as conn, conn.begin() as tx:
        projection.rebuild(conn)
        out = {t: sorted(plain(r) for r in conn.execute(text(f"SELECT * FROM {t}")).all()) for t in STATE_TABLES if t != "blob"}
        tx.rollback()
    return out


def inside(receiver: Workspace, path: Path) -> Path:
    """The database inside a sealed export, opened with its receiver's key (to look into it)."""
    target = path.with_name(path.name + ".inside.db")
    sync.open_sealed(receiver, path, target)
    return target


def file_bytes(path: Path) -> bytes:
    return path.read_bytes()


def raw(path: Path) -> sqlite3.Connection:
    """A read-write connection to a file, to tamper with it as an attacker would (who holds the
    laptop and its key: an encrypted laptop's file opens with this computer's)."""
    return rawdb.connect(path, isolation_level=None)  # type: ignore[no-any-return]


def intact(ws: Workspace) -> bool:
    """SQLite's integrity check on a file; a server keeps its own consistency (WAL, checksums)."""
    if ws.database.on_server:
        return True
    with ws.read() as conn:
        return conn.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]


def sqlite_only(ws: Workspace, why: str) -> None:
    """Skip, saying why, a test of something only a SQLite master has (its file, its pages)."""
    if ws.database.on_server:
        pytest.skip(f"SQLite master only: {why}")
