"""Evidence bytes (photos, documents), stored once each, keyed by SHA-256 (SYNC.md), and
the thumbnails made of them.

Versions name blobs by hash; many versions may name one blob. Large blobs are written
and read in pieces (`zeroblob` + incremental I/O), so a 50 MB scan never sits in memory
twice, and a file is read once: hashed while it is written. A thumbnail is a cache kept
in the file by blob and size (it never travels with an export): made once, read many times.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlalchemy import Connection, bindparam, text

from db.queries import chunks

CHUNK = 1024 * 1024
# Bytes from this size on are written into a zeroblob (put_bytes) rather than bound to the
# INSERT, which has the driver copy them whole first: 100 camera photos of 3.4 MB, WAL, in
# batches of 25, took 0.20-0.21 s of CPU so against 0.29-0.34 s bound, when the connection's
# page cache holds a photo (db.wal's batches: with SQLite's default of 2 MB, the zero pages
# go to the log before the bytes overwrite them, and it is 0.32-0.33 s).
WRITTEN_INTO_FROM = 256 * 1024


def sha256_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def put_bytes(conn: Connection, data: bytes, mime: str, sha256: str | None = None) -> str:
    """Store bytes unless a blob with the same hash is there; returns the hash. A caller
    that has hashed the bytes already passes the hash (they are not hashed twice)."""
    sha = sha256 or hashlib.sha256(data).hexdigest()
    if conn.execute(text("SELECT 1 FROM blob WHERE sha256 = :h"), {"h": sha}).first():
        return sha  # not even handed to SQLite: a camera card imported twice costs reads only
    if conn.dialect.name == "postgresql" or len(data) < WRITTEN_INTO_FROM:
        conn.execute(
            text("INSERT INTO blob(sha256, size, mime, data) VALUES (:h, :n, :m, :d) ON CONFLICT(sha256) DO NOTHING"),
            {"h": sha, "n": len(data), "m": mime, "d": data},
        )
        return sha
    rowid = conn.execute(
        text("INSERT INTO blob(sha256, size, mime, data) VALUES (:h, :n, :m, zeroblob(:n)) ON CONFLICT(sha256) DO NOTHING RETURNING id"),
        {"h": sha, "n": len(data), "m": mime},
    ).scalar()
    if rowid is not None:
        raw = conn.connection.driver_connection
        with raw.blobopen("blob", "data", rowid) as blob:  # type: ignore[union-attr]
            blob.write(data)
    return sha


def put_file(conn: Connection, path: Path, mime: str) -> str:
    """Store a file's bytes in pieces, read once: streamed into a zeroblob under a
    provisional key while hashed, then named by its hash, or dropped when a blob of that
    hash was there already (a large file attached twice is written and freed again: rare,
    and cheaper than reading every large file twice). A file that changes size while it is
    read raises OSError; the caller's transaction then rolls back."""
    if conn.dialect.name == "postgresql":
        return _put_file_server(conn, path, mime)
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        provisional = f"pending-{uuid.uuid4().hex}"
        rowid = conn.execute(
            text("INSERT INTO blob(sha256, size, mime, data) VALUES (:h, :n, :m, zeroblob(:n)) RETURNING id"),
            {"h": provisional, "n": size, "m": mime},
        ).scalar_one()
        digest = hashlib.sha256()
        written = 0
        raw = conn.connection.driver_connection
        with raw.blobopen("blob", "data", rowid) as blob:  # type: ignore[union-attr]
            while chunk := f.read(CHUNK):
                if written + len(chunk) > size:
                    raise OSError(f"{path.name} grew while it was read")
                blob.write(chunk)
                digest.update(chunk)
                written += len(chunk)
        if written != size:
            raise OSError(f"{path.name} shrank while it was read")
    sha = digest.hexdigest()
    if conn.execute(text("SELECT 1 FROM blob WHERE sha256 = :h"), {"h": sha}).first():
        conn.execute(text("DELETE FROM blob WHERE id = :i"), {"i": rowid})
    else:
        conn.execute(text("UPDATE blob SET sha256 = :h WHERE id = :i"), {"h": sha, "i": rowid})
    return sha


def _put_file_server(conn: Connection, path: Path, mime: str) -> str:
    """put_file on a server: hash first (a blob's key is its hash, and a server's row cannot
    be renamed cheaply once streamed), then stream it unless it is there: the file is read
    twice, from the local disk, rather than held in memory."""
    from db import postgres

    sha, size = sha256_file(path)
    if conn.execute(text("SELECT 1 FROM blob WHERE sha256 = :h"), {"h": sha}).first():
        return sha
    digest = hashlib.sha256()

    def pieces() -> Iterator[bytes]:
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
                yield chunk

    sent = postgres.copy_blob(conn, sha, size, mime, pieces())
    if sent != size or digest.hexdigest() != sha:
        raise OSError(f"{path.name} changed while it was read")
    return sha


def read(conn: Connection, sha: str) -> Iterator[bytes]:
    """A blob's bytes in pieces."""
    if conn.dialect.name == "postgresql":
        from db import postgres

        size = conn.execute(text("SELECT size FROM blob WHERE sha256 = :h"), {"h": sha}).scalar()
        if size is not None:
            yield from postgres.read_blob(conn, sha, size)
        return
    rowid = conn.execute(text("SELECT id FROM blob WHERE sha256 = :h"), {"h": sha}).scalar()
    if rowid is None:
        return
    raw = conn.connection.driver_connection
    with raw.blobopen("blob", "data", rowid, readonly=True) as blob:  # type: ignore[union-attr]
        while chunk := blob.read(CHUNK):
            yield chunk


def mime(conn: Connection, sha: str) -> str | None:
    """A stored blob's MIME type; None for a blob not in this database."""
    found = conn.execute(text("SELECT mime FROM blob WHERE sha256 = :h"), {"h": sha}).scalar()
    return None if found is None else str(found)


_THUMBNAILS = text("SELECT sha256, data FROM thumbnail WHERE size = :s AND sha256 IN :h").bindparams(
    bindparam("h", expanding=True)
)
_PUT_THUMBNAIL = text("INSERT INTO thumbnail(sha256, size, data) VALUES (:h, :s, :d) ON CONFLICT DO NOTHING")


def thumbnails(conn: Connection, shas: Sequence[str], size: int) -> dict[str, bytes]:
    """The cached thumbnails of this size of these blobs, by hash (those not made yet are absent)."""
    found: dict[str, bytes] = {}
    for chunk in chunks(shas):
        found.update((r.sha256, bytes(r.data)) for r in conn.execute(_THUMBNAILS, {"s": size, "h": chunk}))
    return found


def put_thumbnail(conn: Connection, sha: str, size: int, data: bytes) -> None:
    """Cache a blob's thumbnail of this size, in the caller's transaction (one already there is kept)."""
    put_thumbnails(conn, size, [(sha, data)])


def put_thumbnails(conn: Connection, size: int, thumbnails: Sequence[tuple[str, bytes]]) -> None:
    """put_thumbnail() of many blobs (hash, JPEG), in one statement."""
    if thumbnails:
        conn.execute(_PUT_THUMBNAIL, [{"h": sha, "s": size, "d": data} for sha, data in thumbnails])
