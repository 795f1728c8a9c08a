"""SPEC §7, the ingest row: 100 camera photos imported into the inbox (hash, thumbnail, store,
committed) against a durable copy of the same files.

    python -m bench.ingest [--camera 100] [--encrypted | --plain] [--workdir DIR] [--keep]

4000×3000 JPEGs of 2-4 MB (gradient and noise) with EXIF as
   cameras and phones write it: DateTimeOriginal, GPS, and a 160×120 JPEG thumbnail in IFD1
   (which the import uses instead of decoding the photo; Pillow writes no IFD1, so the bench
   adds it). They are read once into the page cache; the baseline, SPEC's durable copy:
   `cp -r` of the folder, then fsync of every file and of the folder, once before and twice
   after ours, the fastest counting (`cp -r` alone, into the page cache, is shown for scale);
   each timed part after an os.sync(). Ours is the path a user takes:
   inspection.import_folder() of the folder into the inbox of a new field database, as the
   inbox's Import folder… button runs it on the window's writer thread, with the application's
   switch interval of the GIL (each file read once: hashed, EXIF read and thumbnail made from
   the same bytes, by a reader thread beside the writer, which takes each photo as it is
   read; a batch of photos per transaction, reported once its part of the write-ahead log
   is fsynced (beside the next batch), so that what it reports imported survives a kill -9
   or a power loss). The log's copy into the database file
   (the checkpoint) is begun in the background as the import returns (db.wal): it is timed
   as a row of its own, after the import, and the import and it one after the other are
   shown against the durable copy too. Its thumbnails are stored by the import; reading the
   inbox and its thumbnails back, as the window then draws them, is timed apart and not in
   the ratio. For scale, the floor of storing the bytes in SQLite at all: Python's sqlite3
   reading each file and INSERTing it with its SHA-256 into a bare table, same page size,
   WAL and synchronous=FULL, the same batches, its checkpoint timed apart likewise.

The import is run twice, into a new database in the clear, then into one encrypted at rest
(SQLCipher, db.cipher; issue 21 asks SPEC §7's rows with and without encryption), each against
the same durable copy: two ratio rows, both in `make bench`'s table. --encrypted or --plain runs
one. The encrypted file's key comes from this computer's protected store or, without one, from a
passphrase of the work folder's own (YANSHOU_PASSPHRASE), as bench.merge --encrypted does.

Exit status 1 when a check of the import fails (a photo not stored, without its capture time or
its thumbnail); a bar missed is only reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import io
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.gui import CAMERA_SIZE, MB, ME, _gradient_noise
from bench.merge import checks, cpu_seconds, log, machine, print_table, read_through, run_in, timed_steps, verdict, work_folder

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from desktop.services.workspace import Workspace

INGEST_RATIO_BAR = 2.0


def _camera_photo(args: tuple[Path, int, int]) -> int:
    """One 4000×3000 JPEG with EXIF as a camera writes it (make, model, DateTimeOriginal,
    GPS, and a 160×120 JPEG thumbnail in IFD1); returns its size."""
    from PIL import Image

    path, number, seed = args
    rng = random.Random(seed + number)
    noise = _camera_noise()
    picture = _gradient_noise(CAMERA_SIZE, rng, noise)
    taken = dt.datetime(2018, 11, 27, 8, 30) + dt.timedelta(minutes=7 * number)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "Canon EOS 80D"
    exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 45.0, 12.5 + number / 10), 3: "E", 4: (116.0, 30.0, 5.25)})
    small = io.BytesIO()
    picture.resize((160, 120), Image.Resampling.BILINEAR).save(small, "JPEG", quality=75)
    picture.save(path, "JPEG", quality=85, exif=with_exif_thumbnail(exif.tobytes(), small.getvalue()))
    return path.stat().st_size


def with_exif_thumbnail(exif: bytes, jpeg: bytes) -> bytes:
    """EXIF bytes as Pillow writes them (`Exif\\0\\0` and a TIFF structure whose IFD0 has no
    successor) with an IFD1 appended that holds a JPEG thumbnail, as cameras and phones
    write it (Pillow writes no IFD1)."""
    head, tiff = exif[:6], bytearray(exif[6:])
    endian = "little" if tiff[:2] == b"II" else "big"

    def number(value: int, width: int) -> bytes:
        return value.to_bytes(width, endian)

    ifd0 = int.from_bytes(tiff[4:8], endian)
    next_field = ifd0 + 2 + 12 * int.from_bytes(tiff[ifd0 : ifd0 + 2], endian)
    if len(tiff) % 2:
        tiff += b"\0"
    ifd1 = len(tiff)
    tiff[next_field : next_field + 4] = number(ifd1, 4)
    entries = [(0x0103, 3, 1, 6), (0x0201, 4, 1, ifd1 + 2 + 3 * 12 + 4), (0x0202, 4, 1, len(jpeg))]  # JPEG compression, offset, length
    tiff += number(len(entries), 2)
    for tag, kind, count, value in entries:
        tiff += number(tag, 2) + number(kind, 2) + number(count, 4) + (number(value, 2) + b"\0\0" if kind == 3 else number(value, 4))
    tiff += number(0, 4) + jpeg
    return head + bytes(tiff)


@functools.cache
def _camera_noise() -> PILImage.Image:
    """One noise layer per process (the slow part of making a picture), shifted for each photo."""
    from PIL import Image

    return Image.effect_noise(CAMERA_SIZE, 12)


def make_camera_photos(folder: Path, count: int, seed: int) -> list[Path]:
    from concurrent.futures import ProcessPoolExecutor

    folder.mkdir(parents=True)
    files = [folder / f"IMG_{number:04d}.JPG" for number in range(1, count + 1)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(_camera_photo, [(p, n, seed) for n, p in enumerate(files)], chunksize=4))
    return files


def copy_folder(source: Path, target: Path, fsync: bool) -> float:
    os.sync()  # no write-back of earlier work left to slow this one down
    start = time.perf_counter()
    subprocess.run(["cp", "-r", str(source), str(target)], check=True)
    if fsync:
        for path in target.iterdir():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    elapsed = time.perf_counter() - start
    shutil.rmtree(target)
    return elapsed


def raw_sqlite_ingest(target: Path, files: list[Path], page_size: int) -> tuple[float, float]:
    """The floor under ours: each file's bytes and SHA-256 INSERTed by plain sqlite3, in
    import_folder's batches (WAL, synchronous=FULL, the page size of our files), the log left
    to a checkpoint after the last COMMIT, as ours leaves it. Returns the seconds to the last
    COMMIT, and the checkpoint's."""
    import sqlite3

    from desktop.services import evidence

    conn = sqlite3.connect(target, isolation_level=None)
    try:
        for pragma in (f"page_size={page_size}", "journal_mode=WAL", "synchronous=FULL", "wal_autocheckpoint=0"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("CREATE TABLE blob (id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, data BLOB NOT NULL)")
        batches = list(evidence._batches(files))
        os.sync()
        start = time.perf_counter()
        for batch in batches:
            conn.execute("BEGIN IMMEDIATE")
            for path in batch:
                data = path.read_bytes()
                conn.execute("INSERT INTO blob(sha256, data) VALUES (?, ?)", (hashlib.sha256(data).hexdigest(), data))
            conn.execute("COMMIT")
        ingest = time.perf_counter() - start
        start = time.perf_counter()
        conn.close()  # the last connection: it checkpoints the log, and deletes it
        return ingest, time.perf_counter() - start
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)


class Phases:
    """Wall time in the steps of an ingest (the wrapped functions run once or twice per file)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def patched(self) -> AbstractContextManager[dict[str, float]]:
        from db import blobs, versions, wal
        from desktop.services import evidence

        seconds = self.seconds
        checkpointer = wal._checkpointer

        def timed_checkpointer(keeper: Any) -> Any:
            checkpoint = checkpointer(keeper)

            def timed(*args: Any, **kwargs: Any) -> bool:
                start = time.perf_counter()
                try:
                    return checkpoint(*args, **kwargs)
                finally:
                    seconds["checkpoint"] = seconds.get("checkpoint", 0.0) + time.perf_counter() - start

            return timed

        targets = [(evidence, "_read"), (evidence, "_picture"), (blobs, "put_bytes"), (blobs, "put_thumbnails"),
                   (versions, "put_many"), (evidence, "_import_batch")]
        stack = timed_steps(seconds, [(module, attr, attr) for module, attr in targets])
        return _also_patched(stack, wal, "_checkpointer", timed_checkpointer)

    def rows(self, total: float, during: dict[str, float]) -> list[tuple[str, float]]:
        """The steps of the import; `during`: the seconds as they were when it returned (the
        deferred checkpoint counted apart)."""
        s = during.get
        read, picture, put, version = s("_read", 0.0), s("_picture", 0.0), s("put_bytes", 0.0), s("put_many", 0.0)
        thumbnails, batches, checkpoint = s("put_thumbnails", 0.0), s("_import_batch", 0.0), s("checkpoint", 0.0)
        return [
            ("reader thread (beside the writer): each file read once, SHA-256 of its bytes", read - picture),
            ("  EXIF, thumbnail (from the EXIF thumbnail, else draft decode)", picture),
            ("checkpoints beside the writer (a log over db.wal.CAP_BYTES only)", checkpoint),
            ("writer: the bytes into the blob table", put),
            ("  evidence versions, a batch at a time (sign, admit, insert, projection)", version),
            ("  thumbnail rows, a batch at a time", thumbnails),
            ("  BEGIN, COMMIT, the batch's other queries, waiting for the reader", batches - put - version - thumbnails),
            ("  the loop, waiting for the last batch's fsync", total - batches),
        ]


@contextmanager
def _also_patched(inner: AbstractContextManager[dict[str, float]], module: Any, attr: str, value: Any) -> Iterator[dict[str, float]]:
    saved = getattr(module, attr)
    setattr(module, attr, value)
    try:
        with inner as seconds:
            yield seconds
    finally:
        setattr(module, attr, saved)


@dataclass
class Ours:
    """One import of the folder into a new field database, in the clear or encrypted at rest."""

    encrypted: bool
    seconds: float
    cpu: float
    deferred: float
    shown: float
    phases: Phases
    during: dict[str, float]
    imported: int
    with_time: int
    with_gps: int
    thumbnails: int
    page_size: int

    @property
    def name(self) -> str:
        return "encrypted at rest (SQLCipher)" if self.encrypted else "in the clear"


@dataclass
class Ingest:
    files: int
    total_bytes: int
    cp: float
    cp_fsync: list[float]
    ours: list[Ours]
    raw: float
    raw_checkpoint: float


def import_into(workdir: Path, folder: Path, *, encrypted: bool) -> Ours:
    """inspection.import_folder() of the folder into a new field database, timed with its steps,
    then the deferred checkpoint, then the inbox read back as the window draws it."""
    from sqlalchemy import text

    from db import wal
    from desktop.services import inspection
    from desktop.services.workspace import create

    name = "ingest-encrypted.db" if encrypted else "ingest.db"
    ws: Workspace = create(workdir / name, role="field", inspector=ME, encrypt=encrypted)
    try:
        phases = Phases()
        os.sync()
        with phases.patched():
            start, cpu = time.perf_counter(), cpu_seconds()
            result = inspection.import_folder(ws, folder)
            ours, ours_cpu = time.perf_counter() - start, cpu_seconds() - cpu
            during = dict(phases.seconds)
            # the log's copy into the file, begun in the background as the import returned
            wal.settled(ws.database.engine)
            deferred = time.perf_counter() - start - ours
        log(f"ours, {'encrypted' if encrypted else 'in the clear'}: {ours:.2f} s (CPU {ours_cpu:.2f} s); "
            f"then the deferred checkpoint {deferred:.2f} s")
        # what the inbox then draws: its list and each photo's thumbnail (cached by the import)
        start = time.perf_counter()
        photos = inspection.inbox(ws)
        thumbs = [inspection.thumbnail(ws, e.sha256) for e in photos]
        shown = time.perf_counter() - start
        with ws.read() as conn:
            thumbnails = conn.execute(text("SELECT count(*) FROM thumbnail")).scalar_one()
            page_size = conn.execute(text("PRAGMA page_size")).scalar_one()
    finally:
        ws.close()
    if result.skipped or sum(1 for t in thumbs if t) != len(photos):
        log(f"ingest: skipped {result.skipped[:3]}; {sum(1 for t in thumbs if t)} thumbnails for {len(photos)} photos")
    return Ours(
        encrypted, ours, ours_cpu, deferred, shown, phases, during, result.imported, sum(1 for e in photos if e.taken_at),
        sum(1 for e in photos if e.gps), thumbnails, page_size,
    )


def time_ingest(workdir: Path, folder: Path, files: list[Path], variants: Sequence[bool]) -> Ingest:
    """The durable copy once, our import into a database of each kind (`variants`: encrypted
    or not) one after the other, plain sqlite3's floor, then the durable copy twice more."""
    total = sum(f.stat().st_size for f in files)
    read_through(files)

    cp_fsync = [copy_folder(folder, workdir / "cp-1", fsync=True)]
    log(f"cp -r and fsync: {cp_fsync[0]:.2f} s")
    ours = [import_into(workdir, folder, encrypted=encrypted) for encrypted in variants]
    raw, raw_checkpoint = raw_sqlite_ingest(workdir / "raw.db", files, ours[0].page_size)
    log(f"raw sqlite3 INSERT: {raw:.2f} s, then its checkpoint {raw_checkpoint:.2f} s")
    cp_fsync += [copy_folder(folder, workdir / f"cp-{n}", fsync=True) for n in (2, 3)]
    cp = copy_folder(folder, workdir / "cp-4", fsync=False)
    log(f"cp -r and fsync again: {cp_fsync[1]:.2f} s, {cp_fsync[2]:.2f} s; cp -r alone: {cp:.2f} s")
    return Ingest(len(files), total, cp, cp_fsync, ours, raw, raw_checkpoint)


# --- the run ----------------------------------------------------------------------------------


def _rows(ingest: Ingest, ours: Ours, durable: float) -> list[tuple[str, str, str, str]]:
    """The table's rows of one import (in the clear, or encrypted at rest)."""
    ratio = ours.seconds / durable
    after = (ours.seconds + ours.deferred) / durable
    suffix = "" if not ours.encrypted else ", encrypted at rest (SQLCipher)"
    return [
        (f"  ours{suffix}: the folder imported into the inbox (hash, thumbnail, store, committed), s", f"{ours.seconds:.2f}", "", ""),
        ("  ours' CPU time meanwhile, every thread, s", f"{ours.cpu:.2f}", "", ""),
        (f"ingest of {ingest.files} camera photos{suffix}: ratio ours / the durable copy",
         f"{ratio:.2f} ×  (then the log's copy into the file, in the background: {ours.deferred:.2f} s; {after:.2f} × with it)",
         f"≤ {INGEST_RATIO_BAR:.0f} ×", verdict(ratio <= INGEST_RATIO_BAR)),
        ("  for scale: cp -r alone (into the page cache, no fsync), s; ours / it",
         f"{ingest.cp:.2f}; {ours.seconds / ingest.cp:.1f} ×", "", ""),
        ("  then, in the background once the import has reported: the log copied into the file (checkpoint), s",
         f"{ours.deferred:.2f}", "", ""),
        ("  the import and that checkpoint one after the other / the durable copy", f"{after:.2f} ×", "", ""),
        ("  then the inbox's list and its thumbnails read back, as the window draws them, s", f"{ours.shown:.2f}", "", ""),
    ]


def run(args: argparse.Namespace, workdir: Path) -> int:
    from desktop.ui.app import GIL_SWITCH_S

    sys.setswitchinterval(GIL_SWITCH_S)  # as in the application, whose writer thread runs the import
    variants = [False, True] if args.encrypted is None else [args.encrypted]
    if True in variants:
        from db import vault
        from desktop.services import protection

        if not protection.available():  # no store here: the work folder's keys from a passphrase
            os.environ[vault.PASSPHRASE_VARIABLE] = "bench: the work folder's own passphrase"
    failures: list[str] = []
    t = time.perf_counter()
    camera = workdir / "camera"
    camera_files = make_camera_photos(camera, args.camera, 20181127)
    sizes = [f.stat().st_size for f in camera_files]
    log(f"camera: {len(sizes)} photos, {sum(sizes) / MB:.0f} MB ({min(sizes) / MB:.1f}-{max(sizes) / MB:.1f} MB each), "
        f"made in {time.perf_counter() - t:.1f} s")
    ingest = time_ingest(workdir, camera, camera_files, variants)
    durable = min(ingest.cp_fsync)
    for ours in ingest.ours:
        if ours.imported != ingest.files:
            failures.append(f"ingest, {ours.name}: {ours.imported} of {ingest.files} photos imported")
        if ours.thumbnails != ingest.files:
            failures.append(f"ingest, {ours.name}: {ours.thumbnails} thumbnails for {ingest.files} photos")
        if ours.with_time != ingest.files:
            failures.append(f"ingest, {ours.name}: capture time read from {ours.with_time} of {ingest.files} photos")
    print()
    rows: list[tuple[str, str, str, str]] = [
        (f"ingest of {ingest.files} camera photos ({ingest.total_bytes / MB:,.0f} MB): a durable copy (cp -r, then fsync of "
         f"every file and the folder), s (fastest of {len(ingest.cp_fsync)})",
         f"{durable:.2f}  ({', '.join(f'{s:.2f}' for s in ingest.cp_fsync)})", "", ""),
    ]
    for ours in ingest.ours:
        rows += _rows(ingest, ours, durable)
    plain = next((o for o in ingest.ours if not o.encrypted), None)
    of_it = f"  (ours {plain.seconds / ingest.raw:.2f} × of it)" if plain else ""
    rows += [
        ("  for scale: plain sqlite3 INSERT of the same bytes and hashes, same batches and settings (in the clear), s; "
         "then its checkpoint", f"{ingest.raw:.2f}; {ingest.raw_checkpoint:.2f}{of_it}", "", ""),
        ("machine", machine(), "", ""),
    ]
    print_table(("what", "measured", "bar", "verdict"), rows)
    for ours in ingest.ours:
        print()
        print(f"Where the ingest spends its time, {ours.name} ({ingest.files} files, {ours.seconds:.2f} s):")
        steps = ours.phases.rows(ours.seconds, ours.during)
        print_table(("step", "s", "share"), [(label, f"{s:.3f}", f"{s / ours.seconds:.0%}") for label, s in steps])
        print(f"capture time read from {ours.with_time} photos, GPS from {ours.with_gps}; {ours.thumbnails} thumbnails stored.")
    return checks(failures, f"checks: every one of the {ingest.files} camera photos was stored with its capture time and a thumbnail, "
                            f"{' and '.join(o.name for o in ingest.ours)}.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--camera", type=int, default=100, help="camera photos to ingest (default 100, the SPEC row)")
    parser.add_argument("--workdir", type=Path, help="an empty or new folder to work in (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="leave the work folder in place")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--encrypted", dest="encrypted", action="store_const", const=True,
                      help="only into a database encrypted at rest (SQLCipher; issue 21); default: in the clear, then encrypted")
    kind.add_argument("--plain", dest="encrypted", action="store_const", const=False, help="only into a database in the clear")
    args = parser.parse_args(argv)
    if args.camera < 1:
        parser.error("need at least one camera photo")
    workdir = work_folder(parser, args.workdir, "yanshou-bench-ingest-")
    return run_in(workdir, lambda: run(args, workdir), keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
