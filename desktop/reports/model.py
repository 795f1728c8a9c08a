"""The documents' contents as plain data: what the services gather from a database and the
renderers draw. Each document can state the hash of what it shows (`digest`), printed on
every page and in the QR code, so a paper copy can be matched to the data it came from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from desktop.core.problems import OVERDUE_ZH


def _digest(value: Any) -> str:
    def plain(v: Any) -> Any:
        if isinstance(v, bytes):  # pictures count by their own hash: the data, not its encoding
            return "sha256:" + hashlib.sha256(v).hexdigest()
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [plain(x) for x in v]
        return v

    body = json.dumps(plain(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RecordRow:
    """A row of the record's table: a first- or second-level subtotal, or an item."""

    level: int  # 1, 2 or 3
    code: str
    name: str
    points: str
    score: str  # "" when not scored
    findings: tuple[tuple[str, str], ...] = ()  # (label, text): "听取汇报（张三）", what was found
    note: str = ""  # the reasoning (评分说明), an adjudication


# The line of a rectified or verified problem whose rectification names nothing (drawn in red).
NO_EVIDENCE = "未记录整改佐证或书面说明"
# The status of an open problem past its deadline, as every document prints it (drawn in red):
# the core's word, which the window says too.
OVERDUE = OVERDUE_ZH


@dataclass(frozen=True)
class ProblemRow:
    item: str
    item_name: str
    description: str
    severity: str
    deadline: str
    status: str
    inspector: str = ""
    evidence: tuple[str, ...] = ()  # names of the rectification evidence
    steps: tuple[str, ...] = ()  # each step after it was found: when, what, who, on what evidence, account or reason


@dataclass(frozen=True)
class Photo:
    sha256: str  # the evidence's own hash: what the document's digest counts
    jpeg: bytes  # a thumbnail, never the full photo (drawn, not counted in the digest)
    name: str
    caption: str
    item: str
    mode: str
    taken_at: str  # from EXIF, "" when the photo has none
    attached_at: str
    inspector: str


@dataclass(frozen=True)
class SignatureBlock:
    role: str  # "检查人员" or "被检查单位负责人"
    name: str
    signed_at: str
    png: bytes | None
    current: bool  # False: the record changed after signing
    inspector: str  # whose record was signed


@dataclass(frozen=True)
class InspectionRecord:
    """检查记录表: one county, all inspectors or one."""

    campaign: str
    document_number: str
    county: str
    place: str
    dates: str
    inspectors: tuple[str, ...]
    rows: tuple[RecordRow, ...]
    total_points: str
    total_score: str
    problems: tuple[ProblemRow, ...]
    photos: tuple[Photo, ...]
    signatures: tuple[SignatureBlock, ...]
    record_id: str
    scope: str  # "全体检查人员" or the inspector's name
    other_evidence: int = 0  # documents (not pictures) attached, listed by count
    photos_left_out: int = 0  # pictures beyond the appendix's limit
    conflicts: int = 0  # records of the county two laptops changed apart, not settled yet

    def digest(self) -> str:
        shown = {k: v for k, v in asdict(self).items() if k != "record_id"}
        shown["photos"] = [{k: v for k, v in p.items() if k != "jpeg"} for p in shown["photos"]]
        return _digest(shown)


@dataclass(frozen=True)
class SummaryRow:
    county: str
    methods: tuple[str, ...]  # each method's score, "" when missing, in the campaign's order
    total: str  # "" for a county not started
    rank: int | None  # None: not started
    grade: str  # "" for a county not started
    standing: str  # desktop.core.scoring.Standing's value
    data: str  # 完整, 缺：… or 未开始 (desktop.core.words.data)
    adjustment: str = ""  # the sum of the adjustments, signed ("+0.50"), "" when none
    adjustments: tuple[tuple[str, str], ...] = ()  # (delta, reason)
    # the items whose score is the lead's, not the inspectors' mean: (item, its name, the
    # lead's score, the inspectors' mean or "" when none scored it, the reason), scores shown
    adjudications: tuple[tuple[str, str, str, str, str], ...] = ()

    @property
    def complete(self) -> bool:
        return self.standing == "complete"

    @property
    def provisional(self) -> bool:
        return self.standing == "provisional"

    @property
    def started(self) -> bool:
        return self.rank is not None


@dataclass(frozen=True)
class ResultSummary:
    """验收结果汇总表."""

    campaign: str
    document_number: str
    methods: tuple[tuple[str, str], ...]  # (name, weight in %)
    rows: tuple[SummaryRow, ...]
    grading_rule: str
    generated_on: str
    record_id: str
    notes: tuple[str, ...] = field(default=())

    def digest(self) -> str:
        return _digest({k: v for k, v in asdict(self).items() if k not in {"record_id", "generated_on"}})


@dataclass(frozen=True)
class ProblemList:
    """问题整改清单 of one county."""

    campaign: str
    document_number: str
    county: str
    problems: tuple[ProblemRow, ...]
    generated_on: str
    record_id: str

    def digest(self) -> str:
        return _digest({k: v for k, v in asdict(self).items() if k not in {"record_id", "generated_on"}})


@dataclass(frozen=True)
class MethodCell:
    """A method's score on the scorecard, as the results table shows it."""

    name: str
    weight: str  # in %, "10"
    score: str  # two places, "" when the county has none


@dataclass(frozen=True)
class ProfileRow:
    """A first-level indicator of the county's inspection: the points it counts there out of
    the indicator's points (desktop.services.results.profile)."""

    code: str
    name: str
    points: str
    counted: str  # two places, "" when none of its items was scored
    percent: str  # of the points, a whole number ("87"), "" when none was scored
    scored_items: int
    items: int


@dataclass(frozen=True)
class DisagreementRow:
    """An item of the county whose inspectors' scores lie as far apart as the flag's threshold."""

    item: str
    item_name: str
    points: str
    scores: tuple[tuple[str, str], ...]  # (inspector, score), by name
    spread: str
    threshold: str  # two places: a third of 2 points prints 0.67
    adjudicated: str  # the lead's score of it, "" when none


@dataclass(frozen=True)
class Scorecard:
    """验收成绩单: one county on one page — its result, where it stands, what is still open."""

    campaign: str
    document_number: str
    county: str
    standing: str  # desktop.core.scoring.Standing's value
    total: str  # "" for a county not started
    rank: int | None  # None: not started
    ranked: int  # the counties ranked (those started)
    grade: str  # desktop.core.words.grade: 良好（暂定）, "" when not started
    data: str  # 完整, 缺：… or 未开始 (desktop.core.words.data)
    methods: tuple[MethodCell, ...]
    adjustment: str  # the sum of the adjustments, signed ("-0.50"), "" when none
    adjustments: tuple[tuple[str, str], ...]  # (delta, reason), at most the page's room
    profile: tuple[ProfileRow, ...]
    inspectors: tuple[str, ...]  # who scored any of its items
    compared: int  # items scored by two or more inspectors
    flagged: int  # of those, the ones flagged
    disagreements: tuple[DisagreementRow, ...]  # the flagged ones, the largest spread first, at most the page's room
    rule: str  # the threshold the flags are at, in words
    problems: tuple[ProblemRow, ...]  # the problems not yet verified, at most the page's room
    open_problems: int  # how many are not yet verified (the page may list fewer)
    verified_problems: int
    generated_on: str
    record_id: str
    notes: tuple[str, ...] = ()
    adjustments_left_out: int = 0

    @property
    def provisional(self) -> bool:
        return self.standing == "provisional"

    @property
    def started(self) -> bool:
        return self.rank is not None

    def digest(self) -> str:
        return _digest({k: v for k, v in asdict(self).items() if k not in {"record_id", "generated_on"}})
