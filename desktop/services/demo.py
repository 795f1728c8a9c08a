"""`yanshou demo`: a whole campaign end to end, headless, the way a team runs it.

Three inspectors' laptops inspect the seven counties of the built-in Lu'an 2018 campaign
(each county by two of them), with findings, problems, photos, a document and both
signatures; each laptop exports to the "USB stick"; the lead merges them into the master
(one laptop twice, to show that a second merge adds nothing), imports the self-check and
third-party sheets, prints the results, and writes the signed 检查记录表 of every county,
the 验收结果汇总表 and the 问题整改清单.
"""

from __future__ import annotations

import contextlib
import csv
import os
import random
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.campaign import County
from desktop.core.inspection import InspectionMode
from desktop.services import documents, imports, inspection, results, sample, sync, workspace
from desktop.services.workspace import Workspace

TEAM = {  # inspector → the counties (codes) on that laptop
    "张三": ("341502", "341503", "341504", "341522", "341523"),
    "李四": ("341502", "341503", "341524", "341525"),
    "王五": ("341504", "341522", "341523", "341524", "341525"),
}
LIAISONS = {
    "341502": "陈建国", "341503": "刘海燕", "341504": "周明", "341522": "吴晓东", "341523": "郑丽",
    "341524": "孙志强", "341525": "黄文",
}
PHOTO_SIZE = (640, 480)  # smaller than a camera's: the same EXIF and thumbnails, a fraction of the bytes to make and hash


@dataclass
class DemoRun:
    folder: Path
    master: Path
    laptops: dict[str, Path] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)  # one line per merged file
    documents: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class _Laptop:
    number: int
    inspector: str
    counties: tuple[str, ...]
    path: Path
    photos: Path
    usb: Path
    photos_per_county: int


def run(folder: Path, *, say: Callable[[str], None] = print, photos_per_county: int = 3, workers: int | None = None) -> DemoRun:
    """The whole campaign in `folder`. The three laptops are made side by side, and so are
    the documents, in `workers` processes (default: one per laptop when there are two cores
    or more): reportlab and SQLAlchemy are pure Python, so threads would only take turns."""
    from desktop.core.errors import InputError

    if folder.exists() and not folder.is_dir():
        raise InputError.single(folder, "not_a_folder", "that is a file; the demo writes into an empty folder (or a new one)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError.single(folder, "unwritable", f"the folder cannot be made ({exc.strerror or exc})") from None
    if any(folder.iterdir()):
        raise InputError.single(folder, "not_empty", "the demo writes into an empty folder (or a new one)")
    if workers is None:
        workers = len(TEAM) if (os.cpu_count() or 1) > 1 else 1
    usb = folder / "usb"
    demo = DemoRun(folder, folder / "master.db")
    laptops = [
        _Laptop(n, who, counties, folder / f"laptop-{n + 1}.db", folder / "photos" / who, usb / f"{who}.db", photos_per_county)
        for n, (who, counties) in enumerate(TEAM.items())
    ]
    with _parallel(workers) as parallel:
        made = parallel(_make_laptop, laptops)  # the workers start on the laptops
        _preload_documents()  # meanwhile, here: what the document workers forked later then inherit
        for laptop, work in zip(laptops, made, strict=True):
            demo.laptops[laptop.inspector] = laptop.path
            say(f"laptop {laptop.number + 1} ({laptop.inspector}): {len(laptop.counties)} counties, {work.scores} scores, "
                f"{work.findings} findings, {work.problems} problems, {work.photos} photos, {work.signatures} signatures; "
                f"exported to {laptop.usb}")
    with workspace.create(demo.master, role="master") as master:
        files = [laptop.usb for laptop in laptops]
        for report in sync.merge(master, [*files, files[0]], enroll=True):
            added = f", {report.versions_added} new versions, {report.blobs_added} files" if report.versions_added else ""
            line = f"merge {report.file.name}: {report.status}{added}"
            demo.merges.append(line)
            say(line)
        for kind, base in (("self-check", 86), ("third-party", 80)):
            sheet = _sheet(folder / f"{kind}.csv", master, base, random.Random(kind))
            summary = imports.import_sheet(master, sheet, kind)
            say(f"imported {sheet.name}: {summary.rows} counties")
        out = folder / "documents"
        # each county's 检查记录表 and 问题整改清单, then the 验收结果汇总表
        whose: list[str | None] = [*(c.code for c in master.campaign.counties), None]
        with _parallel(workers) as parallel:
            for written in parallel(_write_documents, [(demo.master, out, county) for county in whose]):
                demo.documents.extend(written)
        summary_pdf = demo.documents[-1]
        say("")
        for r in results.results(master):
            rank, grade = (str(r.rank), r.grade.value) if r.grade is not None else ("-", "not started")
            provisional = " (provisional)" if r.provisional else ""
            say(f"{rank:>2}  {master.campaign.county(r.county).name:<6} {r.shown_total:>7}  {grade}{provisional}")
    say(f"\nwrote {len(demo.documents)} signed PDFs to {out} (check one with: yanshou verify \"{summary_pdf}\")")
    return demo


def _preload_documents() -> None:
    """What drawing and signing the first document would import and load (pyHanko, the CJK
    font: most of a second), done once in this process: a worker forked from it starts with
    them instead of loading them again (where workers are spawned, Windows, it changes nothing)."""
    from desktop.reports import layout, record, signing, summary  # noqa: F401

    signing.preload()

    layout.register_font()


def _make_laptop(laptop: _Laptop) -> sample.Made:
    """One inspector's laptop, from its creation to its export to the USB stick."""
    with workspace.create(laptop.path, role="field", inspector=laptop.inspector) as ws:
        made = sample.fill(
            ws, laptop.counties, laptop.photos, seed=laptop.number, photos_per_county=laptop.photos_per_county, liaison=LIAISONS,
            photo_size=PHOTO_SIZE,
        )
        first = laptop.counties[0]
        _document(ws, first, laptop.photos)
        # the photos were signed for before the document came: sign again, as the window asks
        sample.sign_record(ws, first, LIAISONS[first], random.Random(laptop.number))
        sync.export(ws, laptop.usb)
    return made


def _write_documents(job: tuple[Path, Path, str | None]) -> list[Path]:
    """A county's signed 检查记录表 and 问题整改清单, or (no county) the 验收结果汇总表."""
    master, out, county = job
    with workspace.open_workspace(master, check=False) as ws:  # just made by this run
        if county is None:
            wanted: list[tuple[str, County | None]] = [(documents.SUMMARY, None)]
        else:
            this = ws.campaign.county(county)
            wanted = [(documents.RECORD, this), (documents.PROBLEMS, this)]
        written = []
        for kind, place in wanted:
            document = documents.build(ws, kind, place)
            written.append(documents.write(ws, document, out / documents.file_name(document), signed=True).path)
        return written


@contextlib.contextmanager
def _parallel(workers: int) -> Iterator[Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]]:
    """map() over `workers` processes, results in order; the built-in map for one worker."""
    if workers < 2:
        yield map
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield pool.map  # errors come back as they were raised (their classes pickle whole)


def _document(ws: Workspace, county: str, folder: Path) -> None:
    """A document among the photos: the county's self-check report, as a text file stands in."""
    path = folder / "自查报告.txt"
    path.write_text(f"{ws.campaign.county(county).name}政务公开标准化规范化试点工作自查报告（摘要）\n", encoding="utf-8")
    inspection.attach(ws, path, county=county, item="1.1.1", mode=InspectionMode.MATERIALS, caption="县区自查报告")


def _sheet(path: Path, ws: Workspace, base: int, rng: random.Random) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["county", "score"])
        for county in ws.campaign.counties:
            writer.writerow([county.name, f"{base + rng.uniform(-6, 8):.1f}"])
    return path
