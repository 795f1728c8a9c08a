"""What an insider can do: sign with a laptop's own key, through the project's own signing
code, versions the admission check (db.admission) would refuse, and store them in the
laptop's file unchecked, as a patched copy of the program would. The master must refuse them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from db import canonical, projection, versions
from desktop import paths
from desktop.services.workspace import Workspace


def forge(
    ws: Workspace, *, entity: str, record_id: str, payload: dict[str, Any], deleted: bool = False,
    parents: Iterable[str] | None = None, blob_hashes: Iterable[str] = (), now_ms: int | None = None,
) -> versions.Version:
    """Sign and store a version as given (its parents: the record's heads unless named)."""
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        heads = projection.heads(conn, record_id) if parents is None else list(parents)
        version = versions.sign(
            conn, signer, entity=entity, record_id=record_id, payload=canonical.normalise(payload), deleted=deleted,
            blob_hashes=blob_hashes, parents=heads, now_ms=now_ms,
        )
        versions.insert(conn, version)
    return version
