"""A realistic campaign's worth of inspection work, made up: what the demo shows, and what
the tests and benches of the printed records run on.

Each inspector scores every item of the counties given, writes findings in two to four
modes in the words an inspection team uses, records a problem where an item falls short,
attaches photos (generated pictures carrying EXIF capture times, as a camera's do) and has
the record signed by the inspector and the county's liaison. Everything goes through the
same services as the window does, so what is made is what a user would have made.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from desktop.core.inspection import FindingStatus, InspectionMode
from desktop.services import inspection, visits
from desktop.services.workspace import Workspace

VISITED = ("{0}政务服务中心", "{0}人民政府办公室", "{0}政务公开专区")  # 检查地点 as inspectors write them
GAPS = (
    "部分栏目更新不及时",
    "政策解读材料偏少，形式单一",
    "目录与实际公开内容不完全对应",
    "会议纪要未见主要领导签批",
    "办事指南缺少办理时限",
    "公开专区标识不够醒目",
)
STRENGTHS = (
    "工作机制健全，责任分工明确",
    "台账资料齐全，归档规范",
    "栏目设置清晰，信息更新及时",
    "专区设置规范，群众查阅方便",
)
PLACES = ("县政务服务中心", "乡镇便民服务中心", "村（社区）便民服务站", "县档案馆查阅点")


@dataclass(frozen=True)
class Made:
    scores: int
    findings: int
    problems: int
    photos: int
    signatures: int


def _topic(name: str) -> str:
    """A short handle for an item's text: its first clause."""
    for stop in "，,。；：（":
        if stop in name:
            name = name.split(stop, maxsplit=1)[0]
    return name[:18]


def _finding(mode: InspectionMode, county: str, topic: str, rng: random.Random, good: bool) -> str:
    remark = rng.choice(STRENGTHS) if good else rng.choice(GAPS)
    if mode is InspectionMode.REPORT:
        return f"听取{county}政务公开办汇报：{topic}已列入年度工作要点，明确分管领导和责任科室；{remark}。"
    if mode is InspectionMode.MATERIALS:
        return f"查阅{topic}相关文件、会议纪要和工作台账共{rng.randint(4, 15)}份；{remark}。"
    if mode is InspectionMode.ONLINE:
        day = dt.date(2018, 9, rng.randint(1, 12))
        return f"登录{county}人民政府网站“政务公开”专栏，{topic}栏目已开设，最近更新于{day.isoformat()}；{remark}。"
    return f"实地查看{rng.choice(PLACES)}，{topic}相关公开内容已上墙、可查阅；{remark}。"


def photo(path: Path, title: str, taken: dt.datetime, rng: random.Random, size: tuple[int, int] = (800, 600)) -> Path:
    """A JPEG standing in for a camera's photo: a coloured scene with noise, and the EXIF
    capture time (DateTimeOriginal) a camera writes."""
    from PIL import Image, ImageDraw

    w, h = size
    base = Image.linear_gradient("L").resize((w, h))
    tint = tuple(rng.randint(60, 200) for _ in range(3))
    image = Image.merge("RGB", [base.point(lambda v, t=t: (v * t) // 255 + 30) for t in tint])
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(w), rng.randrange(h)
        draw.rectangle((x, y, x + rng.randint(20, w // 4), y + rng.randint(20, h // 4)), outline=(255, 255, 255), width=3)
    draw.text((20, 20), title, fill=(255, 255, 255))
    if w * h > 2_000_000:
        # Sensor noise: what makes a camera's 12-megapixel JPEG weigh 2–4 MB, not 300 KB.
        grain = Image.effect_noise((w, h), 48).convert("RGB")
        image = Image.blend(image, grain, 0.18)
    exif = Image.Exif()
    exif[0x0110] = "Yanshou sample camera"  # Model
    exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    image.save(path, "JPEG", quality=80, exif=exif)
    return path


def signature_png(strokes: Sequence[Sequence[Sequence[float]]], size: tuple[int, int] = (480, 160)) -> bytes:
    """The picture of a signature drawn from its strokes (0…1 of the pad), as the pad saves it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        draw.line([(x * size[0], y * size[1]) for x, y in stroke], fill=(20, 30, 90, 255), width=4, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def scribble(rng: random.Random, letters: int = 3) -> list[list[list[float]]]:
    """Pen strokes that look like a hurried signature."""
    strokes = []
    for n in range(letters):
        x0 = 0.08 + n * 0.28
        points = []
        for k in range(14):
            t = k / 13
            points.append([round(x0 + t * 0.24, 4), round(0.5 + 0.32 * rng.uniform(-1, 1) * (1 - abs(0.5 - t)), 4)])
        strokes.append(points)
    return strokes


def sign_record(ws: Workspace, county: str, liaison: str, rng: random.Random) -> int:
    """The inspector and the county's liaison sign the record as it is now; returns 2."""
    for role, name in (("inspector", ws.identity.inspector or ""), ("liaison", liaison)):
        strokes = scribble(rng)
        inspection.sign(ws, county, signer_role=role, signer_name=name, strokes=strokes, png=signature_png(strokes))
    return 2


def fill(
    ws: Workspace,
    counties: Sequence[str],
    folder: Path,
    *,
    seed: int = 1,
    photos_per_county: int = 6,
    liaison: dict[str, str] | None = None,
    sign: bool = True,
    photo_size: tuple[int, int] = (800, 600),
) -> Made:
    """One inspector's work on a laptop: every item of the given counties (codes)."""
    rng = random.Random(f"{seed}:{ws.identity.inspector}")
    folder.mkdir(parents=True, exist_ok=True)
    items = ws.campaign.indicator_set.items
    scores = findings = problems = photos = signatures = 0
    deadline = inspection.default_deadline(ws)
    for county_code in counties:
        county = ws.campaign.county(county_code)
        # A county's scores, findings and problems in one transaction: the writes the item
        # editor makes, with one commit instead of one per item.
        with inspection.editing(ws) as edits:
            for item in items:
                good = rng.random() > 0.22
                steps = int(item.points * 2)
                score = Decimal(steps if good else rng.randint(steps // 3, max(steps - 1, steps // 3))) / 2
                modes = rng.sample(list(InspectionMode), rng.randint(2, 4))
                entries = [
                    inspection.Finding(
                        m, _finding(m, county.name, _topic(item.name), rng, good),
                        FindingStatus.MET if good else rng.choice((FindingStatus.PARTLY_MET, FindingStatus.NOT_MET)),
                    )
                    for m in modes
                ]
                comment = "" if good else f"扣{item.points - score}分：{rng.choice(GAPS)}。"
                edits.save_item(county.code, item.code, score=score, comment=comment, findings=entries)
                scores += 1
                findings += len(entries)
                if not good:
                    edits.save_problem(
                        county.code, item.code, description=f"{_topic(item.name)}方面：{rng.choice(GAPS)}，需限期整改。",
                        severity=rng.choice(("minor", "major", "serious")), deadline=deadline,
                    )
                    problems += 1
        base = dt.datetime(2018, 9, 12, 9, 0) + dt.timedelta(hours=rng.randint(0, 20))
        for n in range(photos_per_county):
            item = rng.choice(items)
            mode = rng.choice((InspectionMode.FIELD, InspectionMode.MATERIALS))
            taken = base + dt.timedelta(minutes=7 * n)
            path = photo(
                folder / f"{county.code}-{ws.identity.inspector}-{n:03d}.jpg", f"{county.code} {item.code}", taken, rng, size=photo_size
            )
            inspection.attach(ws, path, county=county.code, item=item.code, mode=mode, caption=f"{county.name}{_topic(item.name)}现场")
            photos += 1
        # where and when, as the inspector enters them before the record is signed (a draw of
        # its own: the work drawn for every later county stays what it was)
        place = random.Random(f"{seed}:{ws.identity.inspector}:{county.code}")
        first = base.date()
        visits.save(ws, county.code, place.choice(VISITED).format(county.name), first, first + dt.timedelta(days=place.randint(0, 1)))
        if sign:
            signatures += sign_record(ws, county.code, (liaison or {}).get(county.code, f"{county.name}联络员"), rng)
    return Made(scores, findings, problems, photos, signatures)
