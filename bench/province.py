"""SPEC §7, the province row: the lead's desk on a PostgreSQL master holding a province —
16 cities of 7 counties (112), the 34 items of the built-in indicator set, 48 inspectors,
50 laptop exports — merged, its results computed, and the desk refreshed, merging and
switching tabs with a probe on the GUI thread that records every stall.

    python -m bench.province [--quick] [--cities 16] [--laptops-twice 2] [--workers N] [--pg-url URL] [--profile]
                             [--workdir DIR] [--keep]

All of it happens in one run, in a work folder of its own (YANSHOU_DATA_DIR and
YANSHOU_CONFIG_DIR point inside it before anything asks desktop.paths), against a throwaway
PostgreSQL cluster started as the tests start one (tests/pgserver.py), or `--pg-url`.

1. THE CAMPAIGN, a campaign file as `yanshou init --campaign` reads it: the built-in one's
   methods, grading and timeline, its indicator set (34 items) by name, 16 cities of Anhui
   with 7 counties each (codes 34CCNN), the working group of 48 inspectors, 3 per city.
2. THE LAPTOPS, each made as `init --role field` makes it and filled through the services
   the inspector's window writes with (inspection.editing: one transaction per county, the
   item editor's writes; inspection.attach_bytes for a photo): every inspector scores every
   item of the 7 counties of their city (so every item of every county is scored by 3),
   with findings in 2 or 3 modes, a problem where an item falls well short (about one in
   twenty), one small photo (a 320×240 JPEG) per county. Two inspectors work on two laptops
   each (counties split between them; on the second they also re-score a few items of the
   first's: the conflicts a lead resolves); two inspectors of a third city re-score 12 items
   after their export and export again (the later exports merged on the desk, step 5). 50
   laptops, each exported as `yanshou export` does, made in worker processes (one per core).
3. MERGE: desktop.services.sync.merge of the 50 files into a fresh PostgreSQL master in one
   batch (enrolment as the merge dialog's accepted boxes: field devices, second laptops).
4. RESULTS: desktop.services.results.results(ws) of the 112 counties, the first call and
   then a few more (the bar is on the slowest); the desk's whole read (desk.read) timed by part.
5. THE DESK: desktop.ui.lead.LeadWindow on the master (QT_QPA_PLATFORM=offscreen unless set),
   shown at 1366×768. A QTimer ticks every 5 ms on the GUI thread and records how late each
   tick comes (a stall: the GUI thread did not return to its event loop); a watchdog thread
   samples the GUI thread's Python stack whenever a tick is 20 ms overdue, so a stall names
   the function it was in (and, when the GUI thread is in Qt's own code or waiting for the
   GIL, what the other threads run). Each step runs the event loop until `not window.ops.busy`
   (and whatever else it waits for), then 60 ms more for the paint it posts: the first
   refresh with the background check of the stored results; Refresh; every tab in turn, and
   a Refresh while it is shown; the county detail of three counties; two later exports
   through the desk's merge dialog (its dry run; the merge on the desk's writer; the refresh
   its changes ask for). Building the window is synchronous and reported apart. With
   --profile, one more Refresh with the GUI thread under cProfile (not in the table).

Exit status 1 when a check fails (a file not merged, counts not as made); a bar missed is only
reported. With no PostgreSQL at hand it says so and exits 0.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import functools
import io
import json
import os
import pstats
import random
import statistics
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.merge import Phases, checks, log, machine, print_table, run_in, verdict, work_folder

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from desktop.services.workspace import Workspace
    from desktop.ui.lead import LeadWindow

REPO = Path(__file__).resolve().parent.parent
RESULTS_BAR_S = 1.0
STALL_BAR_MS = 50.0
PROBE_MS = 5  # the probe's interval: a tick later than this is the GUI thread busy elsewhere
SAMPLE_AFTER_MS = 20  # the watchdog samples the GUI thread's stack once a tick is this much overdue
RESULT_RUNS = 5
WINDOW_SIZE = (1366, 768)
CAMPAIGN_ID = "anhui-province-bench"

# Anhui's 16 cities with their GB/T 2260 codes; each gets 7 counties, 34CC21 … 34CC27.
CITIES = (
    ("3401", "合肥市"), ("3402", "芜湖市"), ("3403", "蚌埠市"), ("3404", "淮南市"), ("3405", "马鞍山市"), ("3406", "淮北市"),
    ("3407", "铜陵市"), ("3408", "安庆市"), ("3410", "黄山市"), ("3411", "滁州市"), ("3412", "阜阳市"), ("3413", "宿州市"),
    ("3415", "六安市"), ("3416", "亳州市"), ("3417", "池州市"), ("3418", "宣城市"),
)
COUNTIES_PER_CITY = 7
INSPECTORS_PER_CITY = 3
NUMERALS = "一二三四五六七"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = ("建国", "海燕", "明", "晓东", "丽", "志强", "文", "秀英", "伟", "芳", "敏", "静", "磊", "洋", "艳", "勇", "军")
RESCORED = 3  # items of the first laptop's county an inspector re-scores on the second: conflicts
REVISED = 12  # items a later export re-scores (merged on the desk)
STRENGTHS = ("工作机制健全，责任分工明确", "台账资料齐全，归档规范", "栏目设置清晰，信息更新及时", "专区设置规范，群众查阅方便")
GAPS = ("部分栏目更新不及时", "政策解读材料偏少，形式单一", "目录与实际公开内容不完全对应", "办事指南缺少办理时限", "公开专区标识不够醒目")


# --- 1. the campaign ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Province:
    counties: tuple[tuple[str, str, str], ...]  # (code, name, city)
    inspectors: tuple[tuple[str, str], ...]  # (name, city)

    def counties_of(self, city: str) -> list[str]:
        return [code for code, _name, c in self.counties if c == city]


def province(cities: int) -> Province:
    counties, inspectors = [], []
    for number, (code, city) in enumerate(CITIES[:cities]):
        short = city.removesuffix("市")
        counties += [(f"{code}{21 + n:02d}", f"{short}{NUMERALS[n]}县", city) for n in range(COUNTIES_PER_CITY)]
        for k in range(INSPECTORS_PER_CITY):
            i = number * INSPECTORS_PER_CITY + k
            inspectors.append((SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + ("" if i < len(SURNAMES) else str(i)), city))
    return Province(tuple(counties), tuple(inspectors))


def campaign_file(folder: Path, made: Province) -> Path:
    """The province's campaign as a TOML file `init --campaign` reads: the built-in campaign's
    methods, grading and milestones, its indicator set by name, the province's counties and team."""
    from desktop.core.campaign import ProportionRule
    from desktop.core.numbers import canonical
    from desktop.services.workspace import load_campaign_file

    base = load_campaign_file(None)

    def q(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string

    lines = [
        f"id = {q(CAMPAIGN_ID)}",
        f"name = {q('安徽省基层政务公开标准化规范化试点验收（省级规模基准）')}",
        f"issuer = {q('安徽省人民政府办公厅')}",
        "year = 2018",
        f"indicator_set = {q('luan-2018')}",
        f"pilot_areas = [{', '.join(q(a) for a in base.pilot_areas)}]",
    ]
    for m in base.methods:
        lines += ["", "[[method]]", f"key = {q(m.key)}", f"name = {q(m.name)}", f"responsible = {q(m.responsible)}",
                  f"weight = {q(canonical(m.weight))}", f"source = {q(m.source.value)}"]
    assert isinstance(base.grading, ProportionRule)
    lines += ["", "[grading]", 'rule = "proportion"', f"excellent = {q(canonical(base.grading.excellent))}",
              f"good = {q(canonical(base.grading.good))}"]
    for s in base.milestones:
        lines += ["", "[[milestone]]", f"key = {q(s.key)}", f"name = {q(s.name)}", f"due = {s.due.isoformat()}"]
    for code, name, _city in made.counties:
        lines += ["", "[[county]]", f"code = {q(code)}", f"name = {q(name)}"]
    for name, city in made.inspectors:
        lines += ["", "[[inspector]]", f"name = {q(name)}", f"unit = {q(city.removesuffix('市') + '市政务公开办')}"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{CAMPAIGN_ID}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- 2. the laptops ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Laptop:
    number: int
    inspector: str
    counties: tuple[str, ...]
    path: Path
    export: Path
    campaign: Path
    rescore: tuple[str, ...] = ()  # a county of the inspector's other laptop, re-scored here (a few items)
    later: Path | None = None  # a second export, after revising some scores: merged on the desk


@dataclass(frozen=True)
class Made:
    laptop: int
    scores: int
    findings: int
    problems: int
    photos: int
    photo_bytes: int
    seconds: float
    export_bytes: int
    later_bytes: int = 0


def plan(made: Province, workdir: Path, campaign: Path, twice: int) -> list[Laptop]:
    """One laptop per inspector, with the counties of their city. The first inspector of
    `twice` cities (spread over the province) works on two laptops, the counties split
    between them; the other two inspectors of a third city export once more, later."""
    cities = list(dict.fromkeys(city for _code, _name, city in made.counties))
    split = {cities[i * len(cities) // twice] for i in range(twice)} if twice else set()
    late_city = next((c for c in cities[2:] + cities if c not in split), cities[-1])
    first = {city: next(name for name, c in made.inspectors if c == city) for city in cities}
    laptops: list[Laptop] = []

    def add(inspector: str, counties: Sequence[str], rescore: Sequence[str] = (), later: bool = False) -> None:
        n = len(laptops) + 1
        laptops.append(Laptop(
            n, inspector, tuple(counties), workdir / "laptops" / f"laptop-{n:02d}.db", workdir / "usb" / f"laptop-{n:02d}-1.yanshou",
            campaign, tuple(rescore), workdir / "usb" / f"laptop-{n:02d}-2.yanshou" if later else None,
        ))

    for name, city in made.inspectors:
        counties = made.counties_of(city)
        if city in split and name == first[city]:
            half = (len(counties) + 1) // 2
            add(name, counties[:half])
            add(name, counties[half:], rescore=counties[:1])
        else:
            add(name, counties, later=city == late_city and name != first[city])
    return laptops


def _jpeg(rng: random.Random, size: tuple[int, int] = (320, 240)) -> bytes:
    """A small photo: two gradients at random angles and a tint (about 10 KB as JPEG)."""
    from PIL import Image

    a = Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270))).resize(size)
    b = Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270))).resize(size)
    tint = Image.new("L", size, rng.randrange(256))
    out = io.BytesIO()
    Image.merge("RGB", (a, b, tint)).save(out, "JPEG", quality=80)
    return out.getvalue()


def _finding(mode: Any, county: str, rng: random.Random, good: bool) -> str:
    from desktop.core.inspection import InspectionMode

    remark = rng.choice(STRENGTHS) if good else rng.choice(GAPS)
    return {
        InspectionMode.REPORT: f"听取{county}政务公开办汇报，已列入年度工作要点；{remark}。",
        InspectionMode.MATERIALS: f"查阅相关文件、会议纪要和工作台账共{rng.randint(4, 15)}份；{remark}。",
        InspectionMode.ONLINE: f"登录{county}人民政府网站“政务公开”专栏核对；{remark}。",
    }.get(mode, f"实地查看县政务服务中心公开栏；{remark}。")


def _fill_county(edits: Any, ws: Workspace, county: str, items: Sequence[Any], *, rng: random.Random, counts: Counter[str]) -> None:
    """The item editor's writes for every given item of a county, in the open transaction."""
    from desktop.core.inspection import FindingStatus, InspectionMode
    from desktop.services import inspection

    name = ws.campaign.county(county).name
    deadline = inspection.default_deadline(ws)
    for item in items:
        good = rng.random() > 0.2
        steps = int(item.points * 2)
        score = Decimal(steps if good else rng.randint(steps // 3, max(steps - 1, steps // 3))) / 2
        modes = rng.sample(list(InspectionMode), rng.randint(2, 3))
        findings = [
            inspection.Finding(m, _finding(m, name, rng, good),
                               FindingStatus.MET if good else rng.choice((FindingStatus.PARTLY_MET, FindingStatus.NOT_MET)))
            for m in modes
        ]
        comment = "" if good else f"扣{item.points - score}分：{rng.choice(GAPS)}。"
        edits.save_item(county, item.code, score=score, comment=comment, findings=findings)
        counts["scores"] += 1
        counts["findings"] += len(findings)
        if not good and rng.random() < 0.25:
            edits.save_problem(county, item.code, description=f"{rng.choice(GAPS)}，需限期整改。",
                               severity=rng.choice(("minor", "major", "serious")), deadline=deadline)
            counts["problems"] += 1


def make_laptop(laptop: Laptop) -> Made:
    """One laptop from `init` to its export (and a later one), through the services the
    inspector's window writes with: a county's scores, findings and problems in one
    transaction (inspection.editing), a photo per county (inspection.attach_bytes)."""
    from desktop.core.inspection import InspectionMode
    from desktop.services import inspection, sync
    from desktop.services.workspace import create

    started = time.perf_counter()
    rng = random.Random(f"province:{laptop.number}")
    counts: Counter[str] = Counter()
    later_bytes = 0
    with create(laptop.path, role="field", campaign_file=laptop.campaign, inspector=laptop.inspector) as ws:
        items = ws.campaign.indicator_set.items
        for county in laptop.counties:
            with inspection.editing(ws) as edits:
                _fill_county(edits, ws, county, items, rng=rng, counts=counts)
            item = rng.choice(items)
            taken = dt.datetime(2018, 9, 12, 9) + dt.timedelta(minutes=rng.randrange(3 * 24 * 60))
            data = _jpeg(rng)
            inspection.attach_bytes(ws, data, f"IMG_{laptop.number:02d}{county[-2:]}.jpg", county=county, item=item.code,
                                    mode=InspectionMode.FIELD, taken_at=taken.isoformat())
            counts["photos"] += 1
            counts["photo_bytes"] += len(data)
        for county in laptop.rescore:
            with inspection.editing(ws) as edits:
                _fill_county(edits, ws, county, items[:RESCORED], rng=rng, counts=counts)
        export_bytes = sync.export(ws, laptop.export).size
        if laptop.later is not None:
            county = laptop.counties[0]
            with inspection.editing(ws) as edits:
                _fill_county(edits, ws, county, rng.sample(list(items), REVISED), rng=rng, counts=counts)
            later_bytes = sync.export(ws, laptop.later).size
    return Made(laptop.number, counts["scores"], counts["findings"], counts["problems"], counts["photos"], counts["photo_bytes"],
                time.perf_counter() - started, export_bytes, later_bytes)


def make_laptops(laptops: Sequence[Laptop], workers: int) -> list[Made]:
    made: list[Made] = []
    if workers < 2:
        return [make_laptop(laptop) for laptop in laptops]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for done in pool.map(make_laptop, laptops):
            made.append(done)
            if done.laptop % 10 == 0 or done.laptop == len(laptops):
                log(f"  laptop {done.laptop}/{len(laptops)}: {done.scores} scores, {done.findings} findings, "
                    f"{done.problems} problems in {done.seconds:.1f} s")
    return made


def method_sheets(master: Workspace, folder: Path, rng: random.Random) -> int:
    """The self-check and third-party scores of every county, imported from a sheet each as
    the lead imports them: the results are complete, ranked and graded."""
    from desktop.core.campaign import MethodSource
    from desktop.services import imports

    rows = 0
    for method in master.campaign.methods:
        if method.source is not MethodSource.IMPORT:
            continue
        sheet = folder / f"{method.key}.csv"
        with sheet.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["county", "score"])
            for county in master.campaign.counties:
                writer.writerow([county.name, f"{rng.uniform(72, 96):.1f}"])
        rows += imports.import_sheet(master, sheet, method.key).rows
    return rows


# --- 4. results and the desk's read ---------------------------------------------------------------


@dataclass
class Reads:
    results: list[float] = field(default_factory=list)  # s, each call of results.results
    counties: int = 0
    graded: int = 0
    parts: list[tuple[str, float]] = field(default_factory=list)  # the desk's read, by part


def time_reads(ws: Workspace) -> Reads:
    from desktop.services import desk, rectification, results, sync

    reads = Reads()
    rows: list[Any] = []
    for _ in range(RESULT_RUNS):
        t0 = time.perf_counter()
        rows = results.results(ws)
        reads.results.append(time.perf_counter() - t0)
    reads.counties = len(rows)
    reads.graded = sum(r.grade is not None for r in rows)
    county = ws.campaign.counties[0].code
    for label, fn in (
        ("  results.results (the table, both charts, the timeline)", lambda: results.results(ws)),
        ("  results.totals_chart over those rows", lambda: results.totals_chart(ws, rows)),
        ("  rectification.board (every problem, its steps)", lambda: rectification.board(ws)),
        ("  sync.conflicts", lambda: sync.conflicts(ws)),
        ("  sync.merge_reports (the merge history)", lambda: sync.merge_reports(ws)),
        ("  results.county_detail of one county", lambda: results.county_detail(ws, county)),
        ("the desk's whole read (desk.read, every part, a county's detail)",
         lambda: desk.read(ws, desk.EVERY_PART, detail_county=county)),
    ):
        t0 = time.perf_counter()
        fn()
        reads.parts.append((label, time.perf_counter() - t0))
    return reads


# --- 5. the desk, with a stall probe on the GUI thread ---------------------------------------------


class StallProbe:
    """A timer on the GUI thread every PROBE_MS: how late each tick comes is how long the GUI
    thread was away from its event loop. A watchdog thread samples the GUI thread's Python
    stack while a tick is overdue, so that each stall names where it was spent."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)
        self.step = ""
        self.last: float | None = None
        self.worst: dict[str, float] = {}
        self.ticks: Counter[str] = Counter()
        self.over: Counter[str] = Counter()  # ticks later than the bar
        self.samples: dict[str, Counter[str]] = {}
        self._gui = threading.get_ident()
        self._graveyard: list[object] = []  # frames sampled by the watchdog, let go of on the GUI thread
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, name="stall-watchdog", daemon=True)

    def start(self) -> None:
        self.timer.start()
        self._watchdog.start()

    def stop(self) -> None:
        self.timer.stop()
        self._stop.set()
        self._watchdog.join()

    def during(self, step: str) -> None:
        """What the next ticks are counted under."""
        self.step = step
        self.last = time.perf_counter()  # the step's first tick counts from here
        self.worst.setdefault(step, 0.0)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.last is not None:
            late = (now - self.last) * 1000 - PROBE_MS
            self.ticks[self.step] += 1
            if late > self.worst.get(self.step, 0.0):
                self.worst[self.step] = late
            if late > STALL_BAR_MS:
                self.over[self.step] += 1
        self.last = now
        self._graveyard.clear()  # the frames the watchdog sampled, let go of here (see _watch)

    def _watch(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(PROBE_MS / 1000):
            last = self.last
            if last is None or (time.perf_counter() - last) * 1000 < PROBE_MS + SAMPLE_AFTER_MS:
                continue
            self._sample(me)

    def _sample(self, me: int) -> None:
        """The GUI thread's place now, counted under the step. The threads' frames are handed to
        the GUI thread to let go of (_tick): a frame whose function returned meanwhile keeps its
        locals, and the last reference to a Qt object let go here destroyed it on this thread —
        its destructor, holding a lock of Qt's, waited for the GIL the GUI thread held while it
        waited for that lock (the desk hung)."""
        frames = sys._current_frames()
        self._graveyard.append(frames)
        gui = frames.get(self._gui)
        if gui is None:
            return
        place = where(gui)
        if place == EVENT_LOOP:  # in Qt's own code, or waiting for the GIL: say what the other threads run
            others = sorted({where(f) for tid, f in frames.items() if tid not in (self._gui, me) and in_program(f)})
            place += "; other threads in: " + ("; ".join(others[:2]) if others else "nothing of ours")
        self.samples.setdefault(self.step, Counter())[place] += 1

    def overall(self, steps: Sequence[str]) -> float:
        return max((self.worst[s] for s in steps), default=0.0)


EVENT_LOOP = "[Qt's event loop: layout, paint, or waiting for the GIL]"


def _ours(filename: str) -> bool:
    return f"{os.sep}desktop{os.sep}" in filename or f"{os.sep}db{os.sep}" in filename


def in_program(frame: Any) -> bool:
    return any(_ours(f.filename) for f in traceback.extract_stack(frame))


def where(frame: Any) -> str:
    """A thread's place: its innermost frames in the program (desktop/, db/), innermost first,
    after the library function it is in, if any; EVENT_LOOP for the GUI thread back in Qt."""
    stack = traceback.extract_stack(frame)
    inner = stack[-1]
    if Path(inner.filename).resolve() == Path(__file__).resolve():  # the bench's own frames: Qt below them
        return EVENT_LOOP if inner.name == "run_until" else "[Qt, in the step's own call: a tab or county chosen, a dialog opened]"
    ours = [f for f in stack if _ours(f.filename)]
    names = [f"{Path(f.filename).stem}.{f.name}" for f in reversed(ours[-3:])]
    if ours and inner is not ours[-1]:
        names.insert(0, f"[{Path(inner.filename).stem}.{inner.name}]")
    return " ← ".join(names) or f"{Path(inner.filename).stem}.{inner.name}"


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def run_until(app: QApplication, done: Callable[[], bool], timeout_s: float = 300.0, linger_ms: int = 60) -> float:
    """Run the event loop until done(), then linger_ms more (the paint it posts); the seconds to done()."""
    from PySide6.QtCore import QEventLoop, QTimer

    t0 = time.perf_counter()
    loop = QEventLoop()
    reached: list[float] = []

    def check() -> None:
        if not reached and done():
            reached.append(time.perf_counter() - t0)
            QTimer.singleShot(linger_ms, loop.quit)

    checker = QTimer()
    checker.setInterval(2)
    checker.timeout.connect(check)
    checker.start()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    checker.stop()
    if not reached and done():  # a stall longer than the timeout: both timers came due at its end
        reached.append(time.perf_counter() - t0)
    if not reached:
        raise TimeoutError(f"not settled within {timeout_s:.0f} s")
    return reached[0]


@dataclass
class DeskRun:
    open_s: float = 0.0  # open_workspace on the server
    build_ms: float = 0.0  # LeadWindow(ws), synchronous
    steps: list[tuple[str, float]] = field(default_factory=list)  # (step, seconds to settle)
    probe: StallProbe | None = None
    merged: list[str] = field(default_factory=list)  # statuses of the desk's merge
    rows_shown: int = 0
    conflicts_shown: int = 0
    problems_shown: int = 0
    profile: cProfile.Profile | None = None  # the GUI thread during one more refresh (--profile)


def time_desk(url: str, later: Sequence[Path], *, profile: bool = False) -> DeskRun:
    from PySide6.QtCore import qInstallMessageHandler

    from desktop.services.workspace import open_workspace
    from desktop.ui.app import application
    from desktop.ui.lead import LeadWindow

    def quiet(_kind: Any, _context: Any, message: str) -> None:
        if "propagateSizeHints" not in message:  # the offscreen platform says so at every show
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    app = application()
    run = DeskRun()
    t0 = time.perf_counter()
    ws = open_workspace(url)
    run.open_s = time.perf_counter() - t0
    probe = StallProbe()
    run.probe = probe
    window: LeadWindow | None = None
    try:
        probe.start()
        t0 = time.perf_counter()
        window = LeadWindow(ws)  # its constructor asks for the first refresh and starts the state check
        run.build_ms = (time.perf_counter() - t0) * 1000
        window.resize(*WINDOW_SIZE)
        window.show()
        window.show_first()
        desk_window = window

        def idle() -> bool:
            return not desk_window.ops.busy

        def step(label: str, action: Callable[[], None], done: Callable[[], bool] = idle, linger_ms: int = 60) -> None:
            probe.during(label)
            t = time.perf_counter()
            action()
            run_until(app, done, linger_ms=linger_ms)
            run.steps.append((label, time.perf_counter() - t))
            log(f"  desk: {label}: {run.steps[-1][1] * 1000:.0f} ms, worst stall {probe.worst[label]:.0f} ms")

        step("first refresh, and the check of the stored results against the signed versions", lambda: None,
             lambda: idle() and bool(desk_window.state_label.text()))
        step("Refresh (the toolbar's: every part) on the tab Results", window.refresh_all)
        # every tab the desk has (a tab added later is walked too, by its class's name), and a
        # Refresh while the lead looks at it; the results last, as the desk opened on them
        known = {id(window.results_view): "Results", id(window.detail_view): "County detail", id(window.conflicts_view): "Conflicts",
                 id(window.board): "Rectification", id(window.timeline): "Timeline", id(window.history_view): "Merge history",
                 id(window.agreement_view): "Agreement", id(window.devices_view): "Devices"}
        widgets = [w for w in map(window.tabs.widget, range(window.tabs.count())) if w is not None]
        tabs = [(w, known.get(id(w), type(w).__name__)) for w in widgets]
        for tab, name in [*tabs[1:], tabs[0]]:
            step(f"tab {name}", functools.partial(desk_window.tabs.setCurrentWidget, tab))
            if tab is not window.results_view:
                step(f"Refresh on the tab {name}", window.refresh_all)
        window.tabs.setCurrentWidget(window.detail_view)
        for index in (1, window.detail_county.count() // 2, window.detail_county.count() - 1):
            step(f"county detail of {window.detail_county.itemData(index)}",
                 functools.partial(desk_window.detail_county.setCurrentIndex, index))
        window.tabs.setCurrentIndex(0)
        if later:
            dialogs: list[Any] = []
            step(f"merge dialog on {len(later)} later exports: its dry run",
                 lambda: dialogs.append(desk_window.merge(list(later))), lambda: idle() and bool(dialogs[0].reports))
            dialog = dialogs[0]
            # the merge's end asks for the refresh: it is timed as a step of its own, from there
            step("the merge itself, on the desk's writer", dialog.merge, lambda: dialog.merged, linger_ms=0)
            step("the refresh the merge's changes ask for (every part)", lambda: None)
            run.merged = [r.status for r in dialog.reports]
            dialog.reject()
        step("tab Results again, after the merge", lambda: desk_window.tabs.setCurrentIndex(0))
        if profile:  # one more Refresh, the GUI thread under cProfile (its stalls not in the table)
            run.profile = cProfile.Profile()
            probe.during("(profiled)")
            run.profile.enable()
            window.refresh_all()
            run_until(app, idle)
            run.profile.disable()
        run.rows_shown = window.results.rowCount()
        run.conflicts_shown = window.conflict_list.rowCount()
        run.problems_shown = window.problems.rowCount()
    finally:
        probe.stop()
        if window is not None:
            window.close()
            window.ops.wait()
        ws.close()
    return run


# --- the run ------------------------------------------------------------------------------------


def pg_server(given: str | None) -> tuple[Any, Callable[[], None] | None, Any]:
    """A server as the tests get one (tests/pgserver.py), and that module."""
    sys.path.insert(0, str(REPO / "tests"))
    import pgserver  # the tests' throwaway cluster (initdb in a temporary folder)

    if given:
        return pgserver.Server(given), None, pgserver
    server, stop = pgserver.start()
    return server, stop, pgserver


def server_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0].split()[0]}" if row else "PostgreSQL"


def master_counts(ws: Workspace) -> dict[str, int]:
    from sqlalchemy import text

    with ws.read() as conn:
        tables = ("version", "blob", "device", "current_score", "current_finding", "current_problem", "current_evidence", "conflict")
        out = {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in tables}
        out["inspectors"] = int(conn.execute(text("SELECT count(DISTINCT inspector) FROM current_score")).scalar_one())
        out["score_records"] = int(conn.execute(text("SELECT count(DISTINCT record_id) FROM version WHERE entity = 'score'")).scalar_one())
    return out


def run(args: argparse.Namespace, workdir: Path) -> int:
    from desktop.services import sync
    from desktop.services.workspace import create, open_workspace

    server, stop, pgserver = pg_server(args.pg_url)
    if server.why_not:
        print(f"SPEC §7 province row skipped, no PostgreSQL server: {server.why_not} (or give one with --pg-url).")
        return 0
    name = ""
    try:
        # 1.–2. the campaign and the laptops
        started = time.perf_counter()
        made_province = province(args.cities)
        campaign = campaign_file(workdir / "campaign", made_province)
        laptops = plan(made_province, workdir, campaign, args.laptops_twice)
        (workdir / "usb").mkdir(parents=True)
        (workdir / "laptops").mkdir(parents=True)
        workers = max(1, min(args.workers, len(laptops)))
        log(f"province: {len(made_province.counties)} counties, {len(made_province.inspectors)} inspectors, {len(laptops)} laptops; "
            f"making them in {workers} processes")
        made = make_laptops(laptops, workers)
        make_s = time.perf_counter() - started
        files = [laptop.export for laptop in laptops]
        later = [laptop.later for laptop in laptops if laptop.later is not None]
        export_bytes = sum(m.export_bytes for m in made)
        log(f"made {len(files)} exports ({export_bytes / 1e6:.0f} MB) in {make_s:.1f} s")

        # 3. the merge into a fresh master on the server
        name = pgserver.create_database(server)
        url = server.url_for(name)
        create(url, role="master", campaign_file=campaign).close()
        phases = Phases()
        failures: list[str] = []
        with open_workspace(url) as master:
            with phases.patched():
                t0 = time.perf_counter()
                reports = sync.merge(master, files, enroll=sync.Enrolment(field=True, same_inspector=True))
                merge_s = time.perf_counter() - t0
            log(f"merge of {len(files)} files into PostgreSQL: {merge_s:.1f} s")
            refused = [r for r in reports if r.status != "merged"]
            if refused:
                failures.append("not merged: " + "; ".join(f"{r.file.name}: {r.status} {r.reason}" for r in refused))
            sheets = method_sheets(master, workdir, random.Random(20180918))
            counts = master_counts(master)
            # 4. results
            reads = time_reads(master)
            log(f"results of {reads.counties} counties: {', '.join(f'{s:.2f}' for s in reads.results)} s")
        expected_scores = sum(m.scores for m in made) - sum(laptop.later is not None for laptop in laptops) * REVISED
        rescored = sum(len(laptop.rescore) for laptop in laptops) * RESCORED
        if counts["current_score"] != counts["score_records"] or counts["score_records"] != expected_scores - rescored:
            failures.append(f"score records: {counts['score_records']} (current rows {counts['current_score']}), "
                            f"expected {expected_scores - rescored}")
        if counts["inspectors"] != len(made_province.inspectors):
            failures.append(f"inspectors with scores: {counts['inspectors']}, expected {len(made_province.inspectors)}")
        if reads.counties != len(made_province.counties):
            failures.append(f"results: {reads.counties} counties, expected {len(made_province.counties)}")

        # 5. the desk
        desk = time_desk(url, later, profile=args.profile)
        if desk.merged != ["merged"] * len(later):
            failures.append(f"the desk's merge of the later exports: {desk.merged}")
        if desk.rows_shown != len(made_province.counties):
            failures.append(f"the desk's results table: {desk.rows_shown} rows")
        version = server_version(server.admin_url)
    finally:
        if name:
            pgserver.drop_database(server, name)
        if stop is not None:
            stop()

    assert desk.probe is not None
    probe = desk.probe
    photos = sum(m.photos for m in made)
    results_max = max(reads.results)
    stall = probe.overall([label for label, _s in desk.steps])
    print()
    print(f"SPEC §7 province: the lead's desk on a PostgreSQL master, {len(made_province.counties)} counties "
          f"({args.cities} cities × {COUNTIES_PER_CITY}) × 34 items × {len(made_province.inspectors)} inspectors, "
          f"{len(files)} laptop exports" + ("" if args.cities >= len(CITIES) else " (the SPEC row: without --quick)"))
    print()
    rows: list[tuple[str, str, str, str]] = [
        (f"made: {len(laptops)} laptops ({workers} processes), {sum(m.scores for m in made):,} scores, "
         f"{sum(m.findings for m in made):,} findings, {sum(m.problems for m in made):,} problems, {photos} photos, s",
         f"{make_s:.1f}", "", ""),
        (f"merge of {len(files)} files ({export_bytes / 1e6:.0f} MB, {counts['version']:,} versions) into PostgreSQL, s",
         f"{merge_s:.2f}", "", verdict(not refused)),
        ("  throughput", f"{counts['version'] / merge_s:,.0f} versions/s, {merge_s / len(files) * 1000:.0f} ms a file", "", ""),
        (f"results of {reads.counties} counties (results.results), s: slowest (first; median of {RESULT_RUNS})",
         f"{results_max:.3f}  ({reads.results[0]:.3f}; {statistics.median(reads.results):.3f})", f"≤ {RESULTS_BAR_S:.0f} s",
         verdict(results_max <= RESULTS_BAR_S)),
        *((label, f"{s:.3f}", "", "") for label, s in [reads.parts[-1], *reads.parts[:-1]]),
        ("opening the master on the server (open_workspace), s", f"{desk.open_s:.3f}", "", ""),
        ("the desk's window built (LeadWindow(ws), on the GUI thread, before its first refresh), ms",
         f"{desk.build_ms:.0f}", "", ""),
    ]
    for label, seconds in desk.steps:
        over = probe.over[label]
        rows.append((f"GUI-thread stall, worst, ms: {label}",
                     f"{probe.worst[label]:.0f}  (settled in {seconds * 1000:,.0f} ms; {probe.ticks[label]} ticks, {over} late)",
                     f"≤ {STALL_BAR_MS:.0f} ms", verdict(probe.worst[label] <= STALL_BAR_MS)))
    rows += [
        ("GUI-thread stall, worst of all steps, ms", f"{stall:.0f}", f"≤ {STALL_BAR_MS:.0f} ms", verdict(stall <= STALL_BAR_MS)),
        ("the desk after the merge: results rows / conflicts / problems", f"{desk.rows_shown} / {desk.conflicts_shown} / "
         f"{desk.problems_shown}", "", verdict(desk.rows_shown == len(made_province.counties))),
        ("master: versions / blobs / devices / score records / open conflicts",
         f"{counts['version']:,} / {counts['blob']:,} / {counts['device']} / {counts['score_records']:,} / {counts['conflict']}", "", ""),
        ("machine", f"{machine()}, {version} (throwaway: fsync off)", "", ""),
    ]
    print_table(("what", "measured", "bar", "verdict"), rows)

    print()
    print(f"Where the merge of {len(files)} files spends its time (wall clock; steps 1–3 of the next file run in a worker thread "
          "while step 4 runs):")
    print_table(("step", "s", "share"), [(label, f"{s:.3f}", f"{s / merge_s:.0%}") for label, s in phases.rows(merge_s)])

    over_bar = [label for label, _s in desk.steps if probe.worst[label] > STALL_BAR_MS and probe.samples.get(label)]
    if over_bar:
        print()
        print(f"Where the GUI thread was while a probe tick was over {SAMPLE_AFTER_MS} ms late: its Python stack, sampled every "
              f"{PROBE_MS} ms when the watchdog gets the GIL,")
        print("in each step over the bar ([a library's function] ← the program's frames, innermost first; the 3 places seen most, "
              "with their share of the step's samples):")
        sampled = []
        for label in over_bar:
            found = probe.samples.get(label, Counter())
            total = sum(found.values())
            sampled += [(label[:60], shorten(place, 150), str(n), f"{n / total:.0%}") for place, n in found.most_common(3)]
        print_table(("step", "where", "samples", "share"), sampled)

    if desk.profile is not None:
        print()
        print("cProfile of the GUI thread during one more Refresh (every part drawn):")
        stats = pstats.Stats(desk.profile, stream=sys.stdout).strip_dirs()
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(15)

    return checks(
        failures,
        f"checks: all {len(files)} files merged; the master holds the {counts['score_records']:,} score records of "
        f"{counts['inspectors']} inspectors; results for all {reads.counties} counties ({reads.graded} graded; {sheets} method "
        f"scores imported); the desk merged {len(later)} later exports and shows every county.",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.province", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 cities (14 counties, 6 inspectors, 7 laptops)")
    parser.add_argument("--cities", type=int, default=len(CITIES), help=f"cities of 7 counties (default {len(CITIES)}, the SPEC row)")
    parser.add_argument("--laptops-twice", type=int, default=2, help="inspectors who work on two laptops (default 2: 50 laptops)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes making the laptops (default: one a core)")
    parser.add_argument("--pg-url", help="a PostgreSQL server (a URL whose user may create databases); "
                        "default: a throwaway cluster, when PostgreSQL is installed")
    parser.add_argument("--profile", action="store_true", help="also profile the GUI thread during one more Refresh with cProfile")
    parser.add_argument("--workdir", type=Path, help="an empty or new folder to work in (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="leave the work folder in place")
    args = parser.parse_args(argv)
    if args.quick:
        args.cities, args.laptops_twice = 2, 1
    if not 1 <= args.cities <= len(CITIES) or not 0 <= args.laptops_twice <= args.cities:
        parser.error(f"--cities from 1 to {len(CITIES)}; --laptops-twice from 0 to the cities")
    workdir = work_folder(parser, args.workdir, "yanshou-bench-province-")  # the laptop processes inherit it
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return run_in(workdir, lambda: run(args, workdir), keep=args.keep)


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)  # as bench.gui: no interpreter clean-up after Qt (see bench/README.md)
