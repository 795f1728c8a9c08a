"""Photos coming in: a folder from a camera card into the inbox (a batch per transaction,
thumbnails made on the way, from the camera's EXIF thumbnail when it has one), a large file
streamed into the database while hashed, and a picture given as bytes (the camera)."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from jpegs import with_ifd1
from PIL import Image
from processes import was_killed

from desktop.core.inspection import InspectionMode
from desktop.services import inspection, workspace

ROOT = Path(__file__).resolve().parents[2]
ME = "张三"
COUNTY = "341502"
RED, GREEN = (220, 20, 20), (20, 200, 20)


def count(ws: workspace.Workspace, sql: str) -> int:
    with ws.read() as conn:
        return int(conn.exec_driver_sql(sql).scalar_one())


def camera_photo(
    path: Path, *, size: tuple[int, int] = (800, 600), embedded: tuple[int, int] | None = (160, 120), orientation: int = 1,
    taken: str = "2018:09:12 10:30:00",
) -> Path:
    """A red photo whose EXIF thumbnail (when it has one) is green: a thumbnail's colour tells
    which of the two it was made from."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0x9003] = taken
    raw = exif.tobytes()
    if embedded is not None:
        small = io.BytesIO()
        Image.new("RGB", embedded, GREEN).save(small, "JPEG")
        raw = with_ifd1(raw, small.getvalue())
    Image.new("RGB", size, RED).save(path, "JPEG", exif=raw)
    return path


def colour_and_size(thumb: bytes | None) -> tuple[tuple[int, int, int], tuple[int, int]]:
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as image:
        rgb = image.convert("RGB")
        return rgb.getpixel((rgb.width // 2, rgb.height // 2)), rgb.size  # type: ignore[return-value]


def near(colour: tuple[int, int, int], target: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(colour, target, strict=True))


def assert_card_in_inbox(ws: workspace.Workspace, card: Path) -> None:
    """The inbox holds the card's six files, each byte for byte (photos from DCIM, the rest beside it)."""
    inbox = inspection.inbox(ws)
    assert len(inbox) == 6
    for evidence in inbox:
        source = card / ("DCIM" if evidence.is_image else "") / evidence.name
        assert inspection.blob_bytes(ws, evidence.sha256) == source.read_bytes()


# --- thumbnails -------------------------------------------------------------------------------


def test_a_camera_photo_is_thumbnailed_from_its_exif_thumbnail(field, tmp_path: Path) -> None:
    photo = camera_photo(tmp_path / "IMG_0001.JPG")
    evidence, unreadable = inspection.attach(field, photo, county=COUNTY, item="1.1.1", mode=InspectionMode.FIELD)
    assert not unreadable
    assert evidence.taken_at == "2018-09-12T10:30:00"
    assert count(field, "SELECT count(*) FROM thumbnail") == 1  # made while attaching
    colour, size = colour_and_size(inspection.thumbnail(field, evidence.sha256))
    assert near(colour, GREEN)
    assert size == (160, 120)


def test_the_exif_thumbnail_is_turned_as_the_photo_is(field, tmp_path: Path) -> None:
    photo = camera_photo(tmp_path / "turned.jpg", orientation=6)
    evidence, _ = inspection.attach(field, photo, county=COUNTY, item="1.1.1", mode=InspectionMode.FIELD)
    colour, size = colour_and_size(inspection.thumbnail(field, evidence.sha256))
    assert near(colour, GREEN)
    assert size == (120, 160)


@pytest.mark.parametrize(
    "embedded",
    [pytest.param((160, 160), id="letterboxed"), pytest.param((40, 30), id="too-small"), pytest.param(None, id="none")],
)
def test_a_photo_without_a_fitting_exif_thumbnail_is_decoded(field, tmp_path: Path, embedded: tuple[int, int] | None) -> None:
    photo = camera_photo(tmp_path / "p.jpg", embedded=embedded)
    evidence, _ = inspection.attach(field, photo, county=COUNTY, item="1.1.1", mode=InspectionMode.FIELD)
    colour, size = colour_and_size(inspection.thumbnail(field, evidence.sha256))
    assert near(colour, RED)
    assert size == (160, 120)


def test_a_photo_whose_data_is_cut_off_is_a_picture_without_thumbnail(field, tmp_path: Path) -> None:
    whole = camera_photo(tmp_path / "whole.jpg", embedded=None).read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole[: len(whole) // 3])
    evidence, unreadable = inspection.attach(field, cut, county=COUNTY, item="1.1.1", mode=InspectionMode.FIELD)
    assert evidence.is_image
    assert not unreadable
    assert evidence.taken_at == "2018-09-12T10:30:00"
    assert inspection.thumbnail(field, evidence.sha256) is None
    assert count(field, "SELECT count(*) FROM thumbnail") == 0


# --- a folder into the inbox ------------------------------------------------------------------


def card(folder: Path, photos: int) -> list[Path]:
    folder.mkdir()
    (folder / "DCIM").mkdir()
    made = [camera_photo(folder / "DCIM" / f"IMG_{n:04d}.JPG", taken=f"2018:09:12 10:{n:02d}:00") for n in range(photos)]
    (folder / "DCIM" / "notes.txt").write_text("not a photo")
    (folder / "broken.jpg").write_bytes(b"\xff\xd8 not a picture at all" * 10)
    return made


def test_a_folder_comes_into_the_inbox_with_thumbnails_in_batches(field, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.services.evidence.BATCH_PHOTOS", 2)  # where import_folder reads it
    card(tmp_path / "card", 5)
    steps: list[tuple[int, int]] = []
    result = inspection.import_folder(field, tmp_path / "card", progress=lambda done, total: steps.append((done, total)))
    assert result.imported == 6  # the broken one is kept as a document, and said
    assert result.skipped == [("broken.jpg", "not_picture")]
    assert steps == [(0, 6), (2, 6), (4, 6), (6, 6)]
    inbox = inspection.inbox(field)
    assert [e.name for e in inbox if e.is_image] == [f"IMG_{n:04d}.JPG" for n in range(5)]  # by capture time
    assert count(field, "SELECT count(*) FROM thumbnail") == 5
    # each photo's blob is the file's bytes, named by their hash
    for evidence in inbox:
        source = tmp_path / "card" / ("DCIM" if evidence.is_image else "") / evidence.name
        assert inspection.blob_bytes(field, evidence.sha256) == source.read_bytes()

    # the same card again: nothing new, and said so
    versions = count(field, "SELECT count(*) FROM version")
    again = inspection.import_folder(field, tmp_path / "card")
    assert again.imported == 0 and not again.changes
    assert {reason for _name, reason in again.skipped} == {"already_in_inbox"} and len(again.skipped) == 6
    assert count(field, "SELECT count(*) FROM version") == versions
    assert count(field, "SELECT count(*) FROM blob") == 6

    # two photos filed under an item, then the card once more: they do not come back to the inbox
    filed = [e for e in inbox if e.is_image][:2]
    inspection.assign(field, [e.record_id for e in filed], county="341502", item="1.1.1", mode=InspectionMode.FIELD)
    third = inspection.import_folder(field, tmp_path / "card")
    assert third.imported == 0
    assert sorted(name for name, reason in third.skipped if reason == "already_filed") == sorted(e.name for e in filed)
    assert len(inspection.inbox(field)) == 4


def test_a_cancelled_import_keeps_the_batches_committed_before_it(field, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.services.evidence.BATCH_PHOTOS", 2)  # where import_folder reads it
    card(tmp_path / "card", 5)
    committed: list[int] = []
    result = inspection.import_folder(
        field, tmp_path / "card", progress=lambda done, _total: committed.append(done), cancelled=lambda: committed[-1] >= 2
    )
    # A batch is reported once durable, while the next one is written: cancelled at the first
    # report, the batch being written then is kept too, and reported; nothing of the third.
    assert committed == [0, 2, 4]
    assert result.imported == 4
    assert count(field, "SELECT count(*) FROM current_evidence") == 4
    assert count(field, "SELECT count(*) FROM blob") == 4
    assert count(field, "SELECT count(*) FROM thumbnail") == 4


def test_the_same_photo_twice_on_a_card_comes_in_once(field, tmp_path: Path) -> None:
    photos = card(tmp_path / "card", 2)
    (photos[0].parent / "IMG_COPY.JPG").write_bytes(photos[0].read_bytes())  # in the same batch
    result = inspection.import_folder(field, tmp_path / "card")
    assert result.imported == 3  # two photos and the broken one
    assert ("IMG_COPY.JPG", "already_in_inbox") in result.skipped
    assert count(field, "SELECT count(*) FROM current_evidence") == 3
    assert count(field, "SELECT count(*) FROM version") == 3


def test_an_import_reports_a_batch_once_its_log_is_on_the_disk(field, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.services.evidence.BATCH_PHOTOS", 2)
    card(tmp_path / "card", 5)
    log = Path(f"{field.path}-wal")
    events: list[str] = []
    fsync = os.fsync

    def watched(fd: int) -> None:
        fsync(fd)
        if log.exists() and os.path.samestat(os.fstat(fd), log.stat()):
            events.append("log on the disk")

    monkeypatch.setattr(os, "fsync", watched)
    inspection.import_folder(field, tmp_path / "card", progress=lambda done, _total: events.append(f"{done} reported"))
    reported = [e for e in events if e.endswith("reported")]
    assert reported == ["0 reported", "2 reported", "4 reported", "6 reported"]
    for n, event in enumerate(reported[1:], start=1):  # the n-th batch reported after the n-th fsync of the log at least
        assert events[: events.index(event)].count("log on the disk") >= n


KILLED_IMPORT = r"""
import os, signal, sys
from pathlib import Path
from db import versions
from desktop.services import evidence, inspection, workspace

evidence.BATCH_PHOTOS = 2
calls = 0
put_many = versions.put_many

def dying_put_many(*args, **kwargs):
    global calls
    calls += 1
    if calls == 2:  # the second batch's versions, its bytes and thumbnails written: killed in the middle of a transaction
        os.kill(os.getpid(), getattr(signal, "SIGKILL", 1))  # TerminateProcess on Windows
    return put_many(*args, **kwargs)

versions.put_many = dying_put_many
ws = workspace.open_workspace(Path(sys.argv[1]))
inspection.import_folder(ws, Path(sys.argv[2]))
"""


def test_a_kill_during_an_import_leaves_whole_batches(field, tmp_path: Path) -> None:
    card(tmp_path / "card", 5)
    database = field.path
    field.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", KILLED_IMPORT, str(database), str(tmp_path / "card")], env=env, capture_output=True, check=False
    )
    assert was_killed(done.returncode), done.stderr.decode()
    reopened = workspace.open_workspace(database)  # its quick check passes
    try:
        assert count(reopened, "SELECT count(*) FROM current_evidence") == 2
        assert count(reopened, "SELECT count(*) FROM blob") == 2
        assert count(reopened, "SELECT count(*) FROM thumbnail") == 2
    finally:
        reopened.close()


REPORTED_THEN_KILLED = r"""
import os, sys, threading
from pathlib import Path
from db import wal
from desktop.services import evidence, inspection, workspace
from processes import kill_itself

evidence.BATCH_PHOTOS = 2
# the log's copy into the file, begun once the import has returned, never comes
wal._checkpointer = lambda keeper: (lambda *args: threading.Event().wait())
ws = workspace.open_workspace(Path(sys.argv[1]))
result = inspection.import_folder(ws, Path(sys.argv[2]))
print(result.imported, flush=True)  # what the window would report
kill_itself()
"""


def test_what_an_import_reported_survives_a_kill_before_the_log_is_copied_into_the_file(field, tmp_path: Path) -> None:
    photos = card(tmp_path / "card", 5)
    database = field.path
    field.close()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}
    done = subprocess.run(
        [sys.executable, "-c", REPORTED_THEN_KILLED, str(database), str(tmp_path / "card")], env=env, capture_output=True,
        check=False,
    )
    assert was_killed(done.returncode), done.stderr.decode()
    assert done.stdout.split() == [b"6"]
    # the photos are in the write-ahead log only: its copy into the file had not been made
    assert Path(f"{database}-wal").stat().st_size > sum(p.stat().st_size for p in photos)
    reopened = workspace.open_workspace(database)  # SQLite reads the log back; its quick check passes
    try:
        assert_card_in_inbox(reopened, tmp_path / "card")
        assert count(reopened, "SELECT count(*) FROM thumbnail") == 5
    finally:
        reopened.close()


def test_after_an_import_the_log_is_copied_into_the_file_and_emptied(field, tmp_path: Path) -> None:
    card(tmp_path / "card", 5)
    result = inspection.import_folder(field, tmp_path / "card")
    assert result.imported == 6
    field.close()  # waits for the copy, begun in the background as the import returned
    log = Path(f"{field.path}-wal")
    assert not log.exists() or log.stat().st_size == 0
    reopened = workspace.open_workspace(field.path)
    try:
        assert len(inspection.inbox(reopened)) == 6
    finally:
        reopened.close()


def test_a_large_import_copies_its_log_into_the_file_as_it_goes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from db import wal

    monkeypatch.setattr("desktop.services.evidence.BATCH_PHOTOS", 2)
    card(tmp_path / "card", 7)
    left: list[int] = []  # the log file's size as each import leaves it
    settle = wal.settle

    def measured(engine, keeper):
        left.append(Path(f"{database}-wal").stat().st_size)
        settle(engine, keeper)

    monkeypatch.setattr(wal, "settle", measured)
    for cap in (wal.CAP_BYTES, 1):  # as it is, and a log "large" from its first photo on
        monkeypatch.setattr(wal, "CAP_BYTES", cap)
        monkeypatch.setattr(wal, "HARD_BYTES", 2 * cap)
        database = tmp_path / f"field-{cap}.db"
        ws = workspace.create(database, role="field", inspector=ME)
        try:
            assert inspection.import_folder(ws, tmp_path / "card").imported == 8
            assert len(inspection.inbox(ws)) == 8
        finally:
            ws.close()
    whole, capped = left
    assert capped < whole  # copied into the file on the way, and written again from its start


def test_an_encrypted_files_checkpoints_that_fail_lose_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkpoint that fails is work left for later, whatever the driver: on an encrypted
    file the driver is SQLCipher's, whose errors are not the standard sqlite3 module's."""
    from db import cipher, wal

    monkeypatch.setattr("desktop.services.evidence.BATCH_PHOTOS", 2)
    monkeypatch.setattr(wal, "CAP_BYTES", 1)  # checkpoints beside the import from its first batch on, then one after it
    monkeypatch.setattr(wal, "HARD_BYTES", 2)
    card(tmp_path / "card", 5)
    ws = workspace.create(tmp_path / "secret.db", role="field", inspector=ME, encrypt=True)
    connection = cipher._connection_class()
    failed: list[str] = []
    execute = connection.execute

    def failing(self, sql: str, *args):
        if sql.startswith("PRAGMA wal_checkpoint"):
            failed.append(sql)
            raise cipher.dbapi().OperationalError("disk I/O error")  # what SQLCipher raises, not a sqlite3.Error
        return execute(self, sql, *args)

    with monkeypatch.context() as patched:
        patched.setattr(connection, "execute", failing)
        try:
            assert inspection.import_folder(ws, tmp_path / "card").imported == 6
        finally:
            ws.close()  # waits for the checkpoint after the import, which fails too
    assert len(failed) > 1
    assert not isinstance(cipher.dbapi().OperationalError("x"), sqlite3.Error)
    reopened = workspace.open_workspace(tmp_path / "secret.db")  # the last connection copied the log in; nothing lost
    try:
        assert_card_in_inbox(reopened, tmp_path / "card")
    finally:
        reopened.close()


def test_a_file_made_before_with_small_pages_takes_an_import(tmp_path: Path) -> None:
    import inspect

    # in the clear, as files were made before encryption at rest (an encrypted one has 64 KiB pages)
    plain = {"encrypt": False} if "encrypt" in inspect.signature(workspace.create).parameters else {}
    ws = workspace.create(tmp_path / "old.db", role="field", inspector=ME, **plain)
    try:
        with ws.database.engine.connect() as conn:  # SQLite's default pages, as files were made before 64 KiB ones
            raw = conn.connection.driver_connection
            assert raw is not None
            for statement in ("PRAGMA journal_mode=DELETE", "PRAGMA page_size=4096", "VACUUM", "PRAGMA journal_mode=WAL"):
                raw.execute(statement)
            assert raw.execute("PRAGMA page_size").fetchone() == (4096,)
    finally:
        ws.close()
    card(tmp_path / "card", 3)
    old = workspace.open_workspace(tmp_path / "old.db")
    try:
        assert inspection.import_folder(old, tmp_path / "card").imported == 4
        assert len(inspection.inbox(old)) == 4
    finally:
        old.close()


def test_a_missing_folder_is_refused(field, tmp_path: Path) -> None:
    with pytest.raises(inspection.InputError, match="not there"):
        inspection.import_folder(field, tmp_path / "gone")


# --- large files, and bytes -----------------------------------------------------------------------


def test_a_large_file_is_streamed_in_while_hashed(field, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.services.evidence.IN_MEMORY_BYTES", 1000)  # every file here counts as large
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + os.urandom(3 * 1024 * 1024 + 17))
    first, _ = inspection.attach(field, scan, county=COUNTY, item="1.1.1", mode=InspectionMode.MATERIALS)
    again, _ = inspection.attach(field, scan, county=COUNTY, item="1.1.2", mode=InspectionMode.MATERIALS)
    assert first.sha256 == again.sha256
    assert inspection.blob_bytes(field, first.sha256) == scan.read_bytes()
    assert count(field, "SELECT count(*) FROM blob") == 1  # the second copy was dropped, not kept under a provisional name
    assert count(field, "SELECT count(*) FROM blob WHERE sha256 LIKE 'pending-%'") == 0

    photo = camera_photo(tmp_path / "big.jpg")
    evidence, unreadable = inspection.attach(field, photo, county=COUNTY, item="1.1.1", mode=InspectionMode.FIELD)
    assert (evidence.is_image, unreadable, evidence.taken_at) == (True, False, "2018-09-12T10:30:00")
    assert inspection.thumbnail(field, evidence.sha256) is not None  # made when first asked for


def test_a_picture_given_as_bytes_is_evidence_like_a_file(field, tmp_path: Path) -> None:
    photo = camera_photo(tmp_path / "p.jpg", embedded=None).read_bytes()
    evidence, unreadable = inspection.attach_bytes(
        field, photo, "拍照-20180912-103000.jpg", county=COUNTY, item="1.1.1", mode=InspectionMode.FIELD,
        taken_at="2018-09-12T11:00:00",
    )
    assert not unreadable
    assert evidence.taken_at == "2018-09-12T10:30:00"  # its own EXIF comes first
    (listed,) = inspection.item_record(field, COUNTY, "1.1.1").evidence
    assert listed == evidence
    assert count(field, "SELECT count(*) FROM thumbnail") == 1

    plain = io.BytesIO()
    Image.new("RGB", (64, 48), RED).save(plain, "JPEG")
    second, _ = inspection.attach_bytes(
        field, plain.getvalue(), "capture.jpg", county=COUNTY, item="1.1.1", mode=InspectionMode.FIELD, taken_at="2018-09-12T11:00:00"
    )
    assert second.taken_at == "2018-09-12T11:00:00"
    with pytest.raises(inspection.InputError, match="limit"):
        inspection.attach_bytes(field, plain.getvalue(), "c.jpg", county=COUNTY, item="1.1.1", mode=InspectionMode.FIELD, max_bytes=10)
