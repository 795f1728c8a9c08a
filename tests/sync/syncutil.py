"""Helpers for the sync tests: a master and laptops made as `init` makes them, scores
written as the services write them, exports and merges as the commands do them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from db import blobs, projection, versions
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
    opened: list[Workspace] = field(default_factory=list)

    def master(self, name: str = "master.db") -> Workspace:
        ws = create(self.root / name, role="master")
        self.opened.append(ws)
        return ws

    def laptop(self, inspector: str, name: str | None = None) -> Workspace:
        ws = create(self.root / (name or f"{inspector}.db"), role="field", inspector=inspector)
        self.opened.append(ws)
        return ws

    def export(self, ws: Workspace, name: str | None = None) -> Path:
        out = self.root / "usb" / (name or f"{ws.path.stem}-export.db")
        sync.export(ws, out)
        return out

    def close(self) -> None:
        for ws in self.opened:
            ws.close()


@pytest.fixture
def team(tmp_path: Path) -> Iterator[Team]:
    t = Team(tmp_path)
    yield t
    t.close()


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


def merge(master: Workspace, files: Sequence[Path], **kw: bool) -> list[sync.FileReport]:
    kw.setdefault("enroll", True)
    return sync.merge(master, list(files), **kw)


def state(ws: Workspace) -> dict[str, list[tuple]]:
    """Every row of the version set and the projection, sorted."""
    with ws.read() as conn:
        return {t: sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {t}")).all()) for t in STATE_TABLES if t != "blob"} | {
            "blob": sorted(tuple(r) for r in conn.execute(text("SELECT sha256, size, mime, data FROM blob")).all())
        }


def rebuilt(ws: Workspace) -> dict[str, list[tuple]]:
    """The projection recomputed from the versions alone (in a rolled-back transaction)."""
    with ws.database.engine.connect() as conn, conn.begin() as tx:
        projection.rebuild(conn)
        out = {t: sorted(tuple(r) for r in conn.execute(text(f"SELECT * FROM {t}")).all()) for t in STATE_TABLES if t != "blob"}
        tx.rollback()
    return out


def file_bytes(path: Path) -> bytes:
    return path.read_bytes()


def raw(path: Path) -> sqlite3.Connection:
    """A plain read-write connection to a file, to tamper with it as an attacker would."""
    return sqlite3.connect(path, isolation_level=None)
