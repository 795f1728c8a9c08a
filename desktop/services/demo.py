"""`yanshou demo`: a whole campaign end to end, headless, the way a team runs it.

Three inspectors' laptops inspect the seven counties of the built-in Lu'an 2018 campaign
(each county by two of them), with findings, problems, photos, a document and both
signatures; each laptop exports to the "USB stick"; the lead merges them into the master
(one laptop twice, to show that a second merge adds nothing), imports the self-check and
third-party sheets, prints the results, and writes the signed 检查记录表 of every county,
the 验收结果汇总表 and the 问题整改清单.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass
class DemoRun:
    folder: Path
    master: Path
    laptops: dict[str, Path] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)  # one line per merged file
    documents: list[Path] = field(default_factory=list)


def run(folder: Path, *, say: Callable[[str], None] = print, photos_per_county: int = 3) -> DemoRun:
    from desktop.core.errors import InputError

    if folder.exists() and not folder.is_dir():
        raise InputError.single(folder, "not_a_folder", "that is a file; the demo writes into an empty folder (or a new one)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError.single(folder, "unwritable", f"the folder cannot be made ({exc.strerror or exc})") from None
    if any(folder.iterdir()):
        raise InputError.single(folder, "not_empty", "the demo writes into an empty folder (or a new one)")
    usb = folder / "usb"
    demo = DemoRun(folder, folder / "master.db")
    for n, (who, counties) in enumerate(TEAM.items()):
        path = folder / f"laptop-{n + 1}.db"
        with workspace.create(path, role="field", inspector=who) as ws:
            made = sample.fill(ws, counties, folder / "photos" / who, seed=n, photos_per_county=photos_per_county, liaison=LIAISONS)
            _document(ws, counties[0], folder / "photos" / who)
            # the photos were signed for before the document came: sign again, as the window asks
            sample.sign_record(ws, counties[0], LIAISONS[counties[0]], random.Random(n))
            sync.export(ws, usb / f"{who}.db")
        demo.laptops[who] = path
        say(f"laptop {n + 1} ({who}): {len(counties)} counties, {made.scores} scores, {made.findings} findings, "
            f"{made.problems} problems, {made.photos} photos, {made.signatures} signatures; exported to {usb / (who + '.db')}")
    with workspace.create(demo.master, role="master") as master:
        files = [usb / f"{who}.db" for who in TEAM]
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
        wanted = [(kind, county) for county in master.campaign.counties for kind in (documents.RECORD, documents.PROBLEMS)]
        for kind, county in [*wanted, (documents.SUMMARY, None)]:
            document = documents.build(master, kind, county)
            written = documents.write(master, document, out / documents.file_name(document), signed=True)
            demo.documents.append(written.path)
        summary_pdf = demo.documents[-1]
        say("")
        for r in results.results(master):
            say(f"{r.rank:>2}  {master.campaign.county(r.county).name:<6} {r.shown_total:>7}  {r.grade.value}")
        say(f"\nwrote {len(demo.documents)} signed PDFs to {out} (check one with: yanshou verify \"{summary_pdf}\")")
    return demo


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
