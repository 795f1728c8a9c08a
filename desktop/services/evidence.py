"""Evidence: files stored under an item (attach, attach_bytes), their captions, their blobs
read back, their thumbnails, and the photo inbox (a folder imported, then assigned to items).

A file is read once (hash, EXIF, thumbnail from the same bytes) before its transaction;
what its bytes say (capture time, position, orientation, the embedded thumbnail) is
desktop.core.photos'; decoding the picture (Pillow) is done here.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import mimetypes
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from db import blobs, files, inspection_queries, versions, wal
from db.errors import KnownDatabaseError
from desktop import paths
from desktop.core import photos
from desktop.core.errors import InputError
from desktop.core.inspection import InspectionMode
from desktop.services.changes import NOTHING, Changes
from desktop.services.items import Evidence, _evidence, _inspector, _now
from desktop.services.workspace import Workspace

if TYPE_CHECKING:
    from db.keys import Signer

DEFAULT_MAX_EVIDENCE_BYTES = 200 * 1024 * 1024
THUMBNAIL_SIZE = 160  # the size cached at attach and import; the grids draw it at 100 px (150 on a 1.5× screen)
IN_MEMORY_BYTES = 32 * 1024 * 1024  # larger files are streamed into the blob table, not held
# A folder import commits a batch at a time: few fsyncs, a memory bound, and a cancel (or a
# crash) keeps every batch committed before it.
BATCH_BYTES = 32 * 1024 * 1024
BATCH_PHOTOS = 40


@functools.cache
def _heif() -> None:
    """Let Pillow open the HEIC photos of phones (once per process), and photos of up to
    250 megapixels (a 200 MP phone camera) without taking them for decompression bombs."""
    from pi_heif import register_heif_opener
    from PIL import Image

    register_heif_opener()
    Image.MAX_IMAGE_PIXELS = 250_000_000


@dataclass(frozen=True)
class PhotoFacts:
    mime: str
    taken_at: str | None = None
    gps: str | None = None
    readable: bool = True  # False: it claimed to be an image and could not be decoded


def _looks_like_image(name: str) -> tuple[str, bool]:
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return mime, mime.startswith("image/") or Path(name).suffix.lower() in {".heic", ".heif"}


def photo_facts(path: Path) -> PhotoFacts:
    """MIME type, and for images the capture time and position from EXIF (Pillow)."""
    mime, image = _looks_like_image(path.name)
    return _picture(path, mime, thumbnail_size=None)[0] if image else PhotoFacts(mime)


def _source(source: Path | bytes) -> Path | io.BytesIO:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def _picture(source: Path | bytes, mime: str, thumbnail_size: int | None) -> tuple[PhotoFacts, bytes | None]:
    """What a picture tells (MIME from its content, EXIF time and position) and, asked for,
    its thumbnail, from one reading of the file or of bytes in memory."""
    from PIL import Image, ImageFile, UnidentifiedImageError

    _heif()
    failures = (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError)
    try:
        opened = Image.open(_source(source))
        # verify() leaves the picture unusable, so it is opened again after: only for a format
        # whose verify() checks something (a PNG's checksums); a JPEG's checks nothing
        if type(opened).verify is not ImageFile.ImageFile.verify:
            with opened:
                opened.verify()
            opened = Image.open(_source(source))
        with opened as image:
            exif = image.getexif()
            mime = Image.MIME.get(image.format or "", mime)
            facts = PhotoFacts(mime, *photos.exif_facts(exif))
            if thumbnail_size is None:
                return facts, None
            try:  # a picture whose headers read and whose data does not is still a picture, without a thumbnail
                embedded = photos.exif_thumbnail(source) if isinstance(source, bytes) and image.format == "JPEG" else None
                return facts, _thumbnail_of(image, exif, embedded, thumbnail_size)
            except failures:
                return facts, None
    except failures:
        return PhotoFacts("application/octet-stream", readable=False), None



def _thumbnail_of(image: Any, exif: Any, embedded: bytes | None, size: int) -> bytes:
    """A JPEG of at most size×size, upright, of an opened picture: from the EXIF thumbnail
    when it has the photo's proportions (some cameras letterbox it) and is big enough,
    else decoded at reduced size (JPEG draft mode: an eighth of a 12-megapixel photo)."""
    from PIL import Image

    source = None
    if embedded is not None:
        try:
            small = Image.open(io.BytesIO(embedded))
            small.load()
            (w, h), (tw, th) = image.size, small.size
            if max(tw, th) >= min(size, max(w, h)) and abs(tw * h - th * w) <= 0.02 * w * th:
                source = small
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            source = None
    if source is None:
        # The decoder's own downscaling (DCT scaling) to the smallest eighth, quarter or half
        # still at least `size` on the side, then a proper resample to `size`.
        image.draft("RGB", (size, size))
        source = image
    source.thumbnail((size, size))
    turn = photos.upright_turn(exif.get(0x0112))
    upright = source.transpose(getattr(Image.Transpose, turn)) if turn else source
    out = io.BytesIO()
    upright.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def evidence_id(
    ws: Workspace, sha: str, *, county: str | None, item: str | None, mode: InspectionMode | None, inspector: str
) -> str:
    """One file in one place (county, item, mode) by one person is one piece of evidence."""
    place = json.dumps([sha, county, item, mode.value if mode else None, inspector])
    return versions.natural_id(ws.campaign.id, "evidence", hashlib.sha256(place.encode()).hexdigest())


@dataclass(frozen=True)
class _Incoming:
    """A file read once, ready to store: its bytes and hash (or, too big to hold, its path,
    hashed while it is stored), what it shows, and its thumbnail."""

    name: str
    size: int
    facts: PhotoFacts
    data: bytes | None = None
    sha256: str | None = None
    path: Path | None = None
    thumbnail: bytes | None = None


def _incoming_bytes(data: bytes, name: str) -> _Incoming:
    mime, image = _looks_like_image(name)
    facts, thumb = _picture(data, mime, THUMBNAIL_SIZE) if image else (PhotoFacts(mime), None)
    return _Incoming(name, len(data), facts, data, hashlib.sha256(data).hexdigest(), thumbnail=thumb)


def _read(path: Path, max_bytes: int) -> _Incoming:
    """A file as evidence: refused with a clear message (missing, a folder, unreadable, too
    big), else read once."""
    try:
        if path.is_dir():
            raise InputError.single(path, "folder", "this is a folder, not a file")
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise InputError.single(
                    path, "too_big", f"the file is {size // (1024 * 1024)} MB; the limit is {max_bytes // (1024 * 1024)} MB"
                )
            if size > IN_MEMORY_BYTES:
                return _Incoming(path.name, size, photo_facts(path), path=path)
            # Its size and one byte more: a read of max_bytes + 1 has Python allocate (and the
            # kernel map and zero) 200 MB for each photo: 100 camera photos' reads took
            # 0.23 s of CPU, 0.07 s so.
            data = f.read(size + 1)
            if len(data) > size:  # it grew since it was measured: the rest, up to the limit
                data += f.read(max_bytes + 1 - len(data))
    except FileNotFoundError:
        raise InputError.single(path, "missing", "the file is not there (moved or removed?)") from None
    except PermissionError:
        raise InputError.single(path, "unreadable", "the file cannot be read (permission denied)") from None
    except OSError as exc:
        raise InputError.single(path, "unreadable", f"reading the file failed: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # it grew since it was measured
        raise InputError.single(path, "too_big", f"the file is over the limit of {max_bytes // (1024 * 1024)} MB")
    return _incoming_bytes(data, path.name)


def _store(
    conn: Connection, signer: Signer, ws: Workspace, incoming: _Incoming, *,
    county: str | None, item: str | None, mode: InspectionMode | None, inspector: str, caption: str = "",
    taken_at: str | None = None,
) -> Evidence:
    """Write a file read by _read (its blob, its thumbnail, its evidence version) in the
    caller's transaction. The same file in the same place again writes no new version."""
    sha = _store_blob(conn, incoming)
    return _store_record(conn, signer, ws, incoming, sha, county=county, item=item, mode=mode, inspector=inspector,
                         caption=caption, taken_at=taken_at)


def _store_blob(conn: Connection, incoming: _Incoming) -> str:
    """A file's bytes into the blob table (held, or streamed from its path and hashed on the
    way); its hash."""
    if incoming.data is not None:
        return blobs.put_bytes(conn, incoming.data, incoming.facts.mime, incoming.sha256)
    assert incoming.path is not None
    return blobs.put_file(conn, incoming.path, incoming.facts.mime)


def _store_record(
    conn: Connection, signer: Signer, ws: Workspace, incoming: _Incoming, sha: str, *,
    county: str | None, item: str | None, mode: InspectionMode | None, inspector: str, caption: str = "",
    taken_at: str | None = None,
) -> Evidence:
    """What _store writes besides the bytes of blob `sha`: the thumbnail and the evidence version."""
    if incoming.thumbnail is not None:
        blobs.put_thumbnail(conn, sha, THUMBNAIL_SIZE, incoming.thumbnail)
    record_id = evidence_id(ws, sha, county=county, item=item, mode=mode, inspector=inspector)
    current = versions.current_payload(conn, record_id)
    if current is not None and not current.deleted:
        payload = current.payload
    else:
        payload = _payload(incoming, sha, county=county, item=item, mode=mode, inspector=inspector, caption=caption, taken_at=taken_at)
        versions.put(conn, signer, entity="evidence", record_id=record_id, payload=payload, blob_hashes=[sha])
    return Evidence(
        record_id, sha, payload["name"], payload["mime"], int(payload["size"]),
        InspectionMode(payload["mode"]) if payload.get("mode") else None, payload.get("caption", ""), payload.get("taken_at"),
        payload.get("gps"), payload["attached_at"],
    )


def _payload(
    incoming: _Incoming, sha: str, *, county: str | None, item: str | None, mode: InspectionMode | None, inspector: str,
    caption: str = "", taken_at: str | None = None,
) -> dict[str, Any]:
    """A new piece of evidence's payload: where it is, whose, and what its file is."""
    return {
        "county": county, "item": item, "mode": mode.value if mode else None, "inspector": inspector, "sha256": sha,
        "name": incoming.name, "mime": incoming.facts.mime, "size": incoming.size, "caption": caption,
        "taken_at": incoming.facts.taken_at or taken_at, "gps": incoming.facts.gps, "attached_at": _now(),
    }


def attach(
    ws: Workspace, path: Path, *, county: str | None, item: str | None, mode: InspectionMode | None,
    max_bytes: int = DEFAULT_MAX_EVIDENCE_BYTES, caption: str = "", inspector: str | None = None,
) -> tuple[Evidence, bool]:
    """Store a file as evidence of an item and mode (or in the inbox when county is None),
    with its thumbnail. Returns the evidence and whether it is a picture that could not be
    read (then it is kept as a document). A file attached twice to the same place is one
    piece of evidence. `inspector` names the author where the database has none (the
    lead, on a master)."""
    who = inspector or _inspector(ws)
    incoming = _read(path, max_bytes)
    try:
        with ws.write() as conn:
            signer = ws.database.signer(paths.keys_dir(), conn)
            evidence = _store(conn, signer, ws, incoming, county=county, item=item, mode=mode, inspector=who, caption=caption)
    except OSError as exc:  # a large file, streamed, changed or vanished meanwhile
        raise InputError.single(path, "unreadable", f"reading the file failed: {exc.strerror or exc}") from None
    return evidence, not incoming.facts.readable


def attach_bytes(
    ws: Workspace, data: bytes, name: str, *, county: str | None, item: str | None, mode: InspectionMode | None,
    taken_at: str | None = None, max_bytes: int = DEFAULT_MAX_EVIDENCE_BYTES,
) -> tuple[Evidence, bool]:
    """attach() for bytes that are no file (a photo taken with the computer's camera):
    `name` gives the type by its suffix, `taken_at` the capture time when the bytes carry
    no EXIF."""
    who = _inspector(ws)
    if len(data) > max_bytes:
        raise InputError.single(name, "too_big", f"the picture is over the limit of {max_bytes // (1024 * 1024)} MB")
    incoming = _incoming_bytes(data, name)
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        evidence = _store(conn, signer, ws, incoming, county=county, item=item, mode=mode, inspector=who, taken_at=taken_at)
    return evidence, not incoming.facts.readable


def set_caption(ws: Workspace, record_id: str, caption: str) -> Changes:
    """Name a piece of evidence; what it changed (nothing when the caption was that already,
    or the evidence is gone)."""
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        current = versions.current_payload(conn, record_id)
        if current is None or current.deleted:
            return NOTHING
        payload = {**current.payload, "caption": caption.strip()}
        written = versions.put(conn, signer, entity="evidence", record_id=record_id, payload=payload, blob_hashes=[payload["sha256"]])
        return Changes.at("evidence", payload) if written is not None else NOTHING


def blob_bytes(ws: Workspace, sha: str) -> bytes:
    with ws.read() as conn:
        return b"".join(blobs.read(conn, sha))


def blob_to_file(ws: Workspace, sha: str, target: Path, *, progress: Callable[[int], None] | None = None) -> int:
    """A blob's bytes written to `target` a piece at a time (a 512 MB video is never held
    whole); `progress(bytes so far)` after each piece may raise to stop, and then the partial
    file is removed. Returns the bytes written."""
    written = 0
    try:
        with ws.read() as conn, target.open("wb") as out:
            for chunk in blobs.read(conn, sha):
                out.write(chunk)
                written += len(chunk)
                if progress is not None:
                    progress(written)
    except BaseException:
        files.discard(target)
        raise
    return written


def thumbnail(ws: Workspace, sha: str, size: int = THUMBNAIL_SIZE) -> bytes | None:
    """A JPEG thumbnail of an image blob, made once and cached in the file; None for a
    blob that is not a readable image. Attach and import cache it already; this makes it
    for photos that came otherwise (a merge, an older file), from the EXIF thumbnail or
    decoded at reduced size."""
    return thumbnails(ws, [sha], size, workers=1)[sha]


def thumbnails(ws: Workspace, shas: Sequence[str], size: int = THUMBNAIL_SIZE, *, workers: int = 2) -> dict[str, bytes | None]:
    """thumbnail() of many blobs: the cached ones in one read, the others made `workers` at a
    time (decoding runs outside the GIL) and cached in one transaction — a printed record's
    fifty photos cost fifty decodes and one commit, not fifty."""
    found: dict[str, bytes | None] = {}
    with ws.read() as conn:
        found.update(blobs.thumbnails(conn, shas, size))
    missing = [h for h in dict.fromkeys(shas) if h not in found]
    if not missing:
        return found
    if workers > 1 and len(missing) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            made = dict(zip(missing, pool.map(lambda h: _make_thumbnail(ws, h, size), missing), strict=True))
    else:
        made = {h: _make_thumbnail(ws, h, size) for h in missing}
    try:
        with ws.write() as conn:
            blobs.put_thumbnails(conn, size, [(h, thumb) for h, thumb in made.items() if thumb is not None])
    except KnownDatabaseError:
        pass  # a cache: a busy or read-only database still gets its thumbnails, made again next time
    return {**found, **made}


def _make_thumbnail(ws: Workspace, sha: str, size: int) -> bytes | None:
    from PIL import Image, UnidentifiedImageError

    _heif()
    data = blob_bytes(ws, sha)
    try:
        with Image.open(io.BytesIO(data)) as opened:
            # Larger than the grid's (the printed record's): always from the photo itself, never
            # from an embedded thumbnail that could show another picture than the one stored.
            embedded = photos.exif_thumbnail(data) if opened.format == "JPEG" and size <= THUMBNAIL_SIZE else None
            return _thumbnail_of(opened, opened.getexif(), embedded, size)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        return None



# --- the photo inbox ----------------------------------------------------------------------------

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".tif", ".tiff", ".webp"}


def inbox(ws: Workspace) -> tuple[Evidence, ...]:
    """Photos imported but not yet put under an item, oldest capture first."""
    who = _inspector(ws)
    with ws.read() as conn:
        rows = inspection_queries.inbox(conn, who)
    return tuple(_evidence(r) for r in rows)


@dataclass
class FolderImport:
    imported: int = 0
    # (file name, why): a problem code (missing, unreadable, too_big, …) or "not_picture"
    # for a picture that could not be read and was kept as a document
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changes(self) -> Changes:
        """What the import changed: the photo inbox (no county, no item), when a photo went in."""
        return Changes.of("evidence", [("", "")]) if self.imported else NOTHING


def _batches(photos: list[Path]) -> Iterator[list[Path]]:
    """Photos in batches of at most BATCH_PHOTOS and about BATCH_BYTES (a larger photo alone)."""
    batch: list[Path] = []
    size = 0
    for path in photos:
        try:
            length = path.stat().st_size
        except OSError:
            length = 0  # refused with its reason when it is read
        if batch and (len(batch) >= BATCH_PHOTOS or size + length > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += length
    if batch:
        yield batch


def import_folder(
    ws: Workspace, folder: Path, *, progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] = lambda: False,
    max_bytes: int = DEFAULT_MAX_EVIDENCE_BYTES,
) -> FolderImport:
    """Put every photo of a folder (a camera card, a phone's DCIM), sub-folders included,
    into the inbox, each with its thumbnail. A photo is read once (hash, EXIF, thumbnail
    from the same bytes, before it is written); photos are written a batch per
    transaction, so there are few fsyncs, and a cancel or a crash keeps the batches
    committed before it and nothing of the next. `progress(done, total)` is called after
    each batch committed and durable (on a SQLite file, while the next batch is written).

    Threads share the work, so that the disk and both cores are kept busy: this one writes
    a batch (its blobs, versions, thumbnails, COMMIT); a reader reads the photos meanwhile,
    one by one and up to a batch ahead (hashing and decoding let the GIL go: the second
    core), and the writer takes each as it is read (_Reader). On a SQLite file a
    committed batch is durable once its part of the write-ahead log is fsynced, which a
    helper does while the next batch is written; the log's copy into the file (a
    checkpoint, half the disk's work) is done in the background once the import has
    returned, or beside it when the log grows large (db.wal)."""
    who = _inspector(ws)
    if not folder.is_dir():
        raise InputError.single(folder, "missing", "the folder is not there")
    photos = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
    result = FolderImport()
    if progress:
        progress(0, len(photos))

    batches = list(_batches(photos))
    done = 0
    # the reader, the log's fsync and its checkpoints beside the writer (db.wal)
    with ThreadPoolExecutor(3, thread_name_prefix="yanshou-import") as helpers:
        log = None if ws.database.on_server else wal.BulkLog(ws.database.engine, helpers)
        reader = _Reader(batches, max_bytes)
        reading = helpers.submit(reader.run)
        syncing: tuple[Future[None], int] | None = None  # the batch committed last, made durable meanwhile
        try:
            for index, batch in enumerate(batches):
                if cancelled():  # nothing of a batch not begun is written
                    break
                with log.batch() if log is not None else contextlib.nullcontext():
                    imported, skipped, nbytes = _import_batch(ws, reader.photos(index), who)
                result.imported += imported
                result.skipped += skipped
                done += len(batch)
                if log is None:
                    if progress:
                        progress(done, len(photos))
                    continue
                synced = log.committed(nbytes)
                if syncing is not None:  # reported once durable: a batch later
                    syncing[0].result()
                    if progress:
                        progress(syncing[1], len(photos))
                syncing = (synced, done)
            if syncing is not None:
                syncing[0].result()
                if progress:
                    progress(syncing[1], len(photos))
                syncing = None
        finally:
            reader.stop()
            reading.result()
            if syncing is not None:
                syncing[0].exception()  # what failed is raised already; the log's descriptor is still in use
            if log is not None:
                log.close()  # the log copied into the file in the background, after the import has reported
    return result


_Read = tuple[Path, _Incoming | InputError]  # a file read, or why it is left out


class _Reader:
    """The photos of an import read (hashed, EXIF, thumbnail) one by one on a thread of their
    own, a batch ahead of the writer at most; the writer takes each as soon as it is read
    (`photos`), so that its first batch begins with the first photo rather than once the
    whole batch is read (100 camera photos: the writer began at 5 ms instead of 90 ms, the
    import took 0.61-0.81 s against 0.65-0.87 s in alternating runs)."""

    def __init__(self, batches: list[list[Path]], max_bytes: int) -> None:
        self._batches = batches
        self._max_bytes = max_bytes
        self._read: list[list[_Read]] = [[] for _ in batches]
        self._writing = 0  # the batch the writer is at: this reads it and the next
        self._ended = False  # all read, or stopped, or failed
        self._stopped = False
        self._changed = threading.Condition()

    def run(self) -> None:
        try:
            for index, batch in enumerate(self._batches):
                with self._changed:
                    self._changed.wait_for(functools.partial(self._may_read, index))
                    if self._stopped:
                        return
                for path in batch:
                    if self._stopped:
                        return
                    try:
                        read: _Read = (path, _read(path, self._max_bytes))
                    except InputError as exc:
                        read = (path, exc)
                    with self._changed:
                        self._read[index].append(read)
                        self._changed.notify_all()
        finally:
            with self._changed:
                self._ended = True
                self._changed.notify_all()

    def photos(self, index: int) -> Iterator[_Read]:
        """Batch `index`'s files as they are read."""
        with self._changed:
            self._writing = index
            self._changed.notify_all()
        for n in range(len(self._batches[index])):
            with self._changed:
                self._changed.wait_for(functools.partial(self._has_read, index, n))
                if len(self._read[index]) <= n:
                    raise RuntimeError("the import's reader ended before its batch")  # its own failure is raised by run()
                yield self._read[index][n]
        self._read[index] = []  # its bytes are written: let them go

    def _may_read(self, index: int) -> bool:
        return self._stopped or index <= self._writing + 1

    def _has_read(self, index: int, n: int) -> bool:
        return len(self._read[index]) > n or self._ended

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()


def _import_batch(ws: Workspace, ready: Iterable[_Read], who: str) -> tuple[int, list[tuple[str, str]], int]:
    """One batch of a folder into the inbox, in one transaction, its files taken as they are
    read: (photos stored, reasons left out, bytes stored).

    Each file's bytes are written as it comes (a file too large to hold streamed and hashed,
    in a savepoint of its own: it may vanish from the card meanwhile); the batch's thumbnails
    and evidence versions are written together once its last file has been read, with a few
    statements for the whole batch (blobs.put_thumbnails; versions.put_many, which signs and
    admits every version as one written alone). 100 camera photos: 556 statements instead of
    2,548 (the bytes' two a photo, and some 30 a batch), the versions' CPU time 0.08-0.10 s
    instead of 0.23-0.25 s (the writer thread's, 3-4 runs each). The small rows' pages are so
    written once a batch, rather than each photo's version losing them to the next photo's
    bytes in SQLite's page cache (2 MB, 31 pages of 64 KiB)."""
    skipped: list[tuple[int, tuple[str, str]]] = []  # (the file's place in the batch, its reason)
    with ws.write() as conn:
        taken: list[tuple[int, str, _Incoming, str]] = []  # (place, name, the file read, its hash)
        for place, (path, incoming) in enumerate(ready):
            if isinstance(incoming, InputError):
                skipped.append((place, (path.name, incoming.problems[0].code)))
                continue
            if incoming.data is not None:
                sha = _store_blob(conn, incoming)
            else:
                try:
                    with conn.begin_nested():
                        sha = _store_blob(conn, incoming)
                except OSError:
                    skipped.append((place, (path.name, "unreadable")))
                    continue
            taken.append((place, path.name, incoming, sha))
        # A card imported again brings nothing back: a photo already filed under an item, or
        # already waiting in the inbox (the same file twice on a card too), is left out and
        # said so.
        held = inspection_queries.held_hashes(conn, who, [sha for *_, sha in taken])
        new: dict[str, _Incoming] = {}
        for place, name, incoming, sha in taken:
            if sha in held or sha in new:
                skipped.append((place, (name, "already_filed" if held.get(sha) else "already_in_inbox")))
                continue
            new[sha] = incoming
            if not incoming.facts.readable:
                skipped.append((place, (name, "not_picture")))
        blobs.put_thumbnails(conn, THUMBNAIL_SIZE, [(sha, i.thumbnail) for sha, i in new.items() if i.thumbnail is not None])
        versions.put_many(conn, ws.database.signer(paths.keys_dir(), conn), [
            versions.Write("evidence", evidence_id(ws, sha, county=None, item=None, mode=None, inspector=who),
                           _payload(incoming, sha, county=None, item=None, mode=None, inspector=who), blob_hashes=(sha,))
            for sha, incoming in new.items()
        ])
    return len(new), [reason for _, reason in sorted(skipped, key=lambda s: s[0])], sum(i.size for i in new.values())


def assign(ws: Workspace, record_ids: Iterable[str], *, county: str, item: str, mode: InspectionMode) -> Changes:
    """Move photos from the inbox to an item and mode of a county, in one transaction; what it
    changed (the inbox and the item; nothing when no photo moved)."""
    who = _inspector(ws)
    moved = 0
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        for record_id in record_ids:
            current = versions.current_payload(conn, record_id)
            if current is None or current.deleted or current.payload.get("county") is not None or current.payload.get("inspector") != who:
                continue
            payload = dict(current.payload)
            sha = payload["sha256"]
            target = evidence_id(ws, sha, county=county, item=item, mode=mode, inspector=who)
            existing = versions.current_payload(conn, target)
            if existing is None or existing.deleted:
                versions.put(
                    conn, signer, entity="evidence", record_id=target, blob_hashes=[sha],
                    payload={**payload, "county": county, "item": item, "mode": mode.value},
                )
            versions.withdraw(conn, signer, record_id, entity="evidence")
            moved += 1
    return Changes.of("evidence", [("", ""), (county, item)]) if moved else NOTHING  # out of the inbox, into the item
