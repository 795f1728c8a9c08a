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


def signed_row(
    key: Any, device_id: str, *, entity: str, record_id: str, payload: dict[str, Any], seq: int, hlc: int,
    parents: Iterable[str] = (),
) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    """A version row (the version table's columns) and its parents, signed with any EC key —
    a device the insider made up, whose key is theirs."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    body = canonical.normalise(payload)
    ordered = tuple(sorted(parents))
    data = canonical.envelope(record_id=record_id, entity=entity, parents=ordered, device_id=device_id, seq=seq, hlc=hlc,
                              deleted=False, payload=body, blob_hashes=())
    row = (canonical.digest(data), record_id, entity, device_id, seq, hlc, 0, canonical.dumps(body), canonical.dumps([]),
           key.sign(data, ec.ECDSA(hashes.SHA256())))
    return row, ordered


def signed_manifest(key: Any, body: dict[str, Any]) -> tuple[str, bytes, bytes]:
    """A manifest's hash, encoded body and signature, signed with any EC key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    data = canonical.dumps(body).encode()
    return canonical.digest(data), data, key.sign(data, ec.ECDSA(hashes.SHA256()))


def resign_export(path: Any, ws: Workspace) -> None:
    """The export's own manifest signed again, with the laptop's own key, over what the file
    holds now (its owner has the key: the manifest vouches for whatever they put in)."""
    import json
    import sqlite3

    from db import manifest

    with ws.read() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        held = db.execute("SELECT value FROM local_state WHERE key = ?", (manifest.EXPORT_KEY,)).fetchone()[0]
        old = manifest.by_hash(db, held)
        assert old is not None
        body = {**old.body, **manifest.contents(db, signer.device_id)}
        data = canonical.dumps(body).encode()
        new = manifest.Manifest(canonical.digest(data), signer.device_id, old.number, json.loads(data), signer.sign(data))
        db.execute("DELETE FROM manifest WHERE hash = ?", (held,))
        manifest.store(db, new)
        db.execute("UPDATE local_state SET value = ? WHERE key = ?", (new.hash, manifest.EXPORT_KEY))
    finally:
        db.close()
