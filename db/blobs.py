"""Evidence bytes (photos, documents), stored once each, keyed by SHA-256 (SYNC.md).

Versions name blobs by hash; many versions may name one blob. Large blobs are written
and read in pieces (`zeroblob` + incremental I/O), so a 50 MB scan never sits in memory
twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, text

CHUNK = 1024 * 1024


def sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def put_bytes(conn: Connection, data: bytes, mime: str) -> str:
    """Store bytes unless a blob with the same hash is there; returns the hash."""
    sha = hashlib.sha256(data).hexdigest()
    conn.execute(
        text("INSERT INTO blob(sha256, size, mime, data) VALUES (:h, :n, :m, :d) ON CONFLICT(sha256) DO NOTHING"),
        {"h": sha, "n": len(data), "m": mime, "d": data},
    )
    return sha


def put_file(conn: Connection, path: Path, mime: str) -> str:
    """Store a file's bytes in pieces: hashed first, then streamed into a zeroblob."""
    sha, size = sha256_file(path)
    if conn.execute(text("SELECT 1 FROM blob WHERE sha256 = :h"), {"h": sha}).first():
        return sha
    rowid = conn.execute(
        text("INSERT INTO blob(sha256, size, mime, data) VALUES (:h, :n, :m, zeroblob(:n)) RETURNING id"), {"h": sha, "n": size, "m": mime}
    ).scalar_one()
    raw = conn.connection.driver_connection
    with raw.blobopen("blob", "data", rowid) as blob, path.open("rb") as f:  # type: ignore[union-attr]
        while chunk := f.read(CHUNK):
            blob.write(chunk)
    return sha


def read(conn: Connection, sha: str) -> Iterator[bytes]:
    """A blob's bytes in pieces."""
    rowid = conn.execute(text("SELECT id FROM blob WHERE sha256 = :h"), {"h": sha}).scalar()
    if rowid is None:
        return
    raw = conn.connection.driver_connection
    with raw.blobopen("blob", "data", rowid, readonly=True) as blob:  # type: ignore[union-attr]
        while chunk := blob.read(CHUNK):
            yield chunk
