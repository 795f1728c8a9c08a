"""The reads the services make of the current state, as typed rows.

Each function takes the caller's connection (a read or a write it already holds), runs one
query that works on SQLite and PostgreSQL alike, and returns frozen rows with named fields
holding the values as stored (scores and deadlines are the canonical strings of the
projection); turning them into domain objects is the services' work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Row, bindparam, text

# Long lists of ids go to the database in pieces of this many (SQLite's variable limit).
CHUNK = 500

T = TypeVar("T")


def named(row_type: Callable[..., T], rows: Iterable[Row[Any]]) -> list[T]:
    """Rows as frozen records, each field filled from the column of its name (a query's
    columns are named as the record's fields, so a column added or moved cannot shift them)."""
    return [row_type(**row._asdict()) for row in rows]


def chunks(ids: Sequence[str]) -> list[list[str]]:
    """A long list of ids in pieces of CHUNK, one query each."""
    return [list(ids[start : start + CHUNK]) for start in range(0, len(ids), CHUNK)]


@dataclass(frozen=True)
class ScoreRow:
    """An inspector's score of an item for a county."""

    county: str
    item: str
    inspector: str
    score: str


@dataclass(frozen=True)
class AdjudicationRow:
    """The lead's score of an item for a county, with its reason."""

    county: str
    item: str
    score: str
    reason: str


@dataclass(frozen=True)
class MethodScoreRow:
    """An imported method's score for a county: a total, or item scores as a JSON object."""

    county: str
    method: str
    total: str | None
    items: str | None


@dataclass(frozen=True)
class AdjustmentRow:
    """The lead's change to a county's total, with its reason."""

    county: str
    delta: str
    reason: str


@dataclass(frozen=True)
class Decision:
    """An adjudication's score or an adjustment's delta, with its reason."""

    value: str
    reason: str


@dataclass(frozen=True)
class InspectorScoreRow:
    """One inspector's score and comment on one item of a county."""

    item: str
    inspector: str
    score: str
    comment: str


@dataclass(frozen=True)
class FindingRow:
    """One inspector's non-empty finding on an item of a county, in one mode."""

    item: str
    inspector: str
    mode: str
    text: str


@dataclass(frozen=True)
class ItemAdjudication:
    """The lead's score of one item of a county."""

    item: str
    score: str
    reason: str


@dataclass(frozen=True)
class ItemCount:
    """How many problems an item of a county has."""

    item: str
    count: int


@dataclass(frozen=True)
class CountyWork:
    """Everything recorded on one county's items, by item and inspector."""

    scores: tuple[InspectorScoreRow, ...]
    findings: tuple[FindingRow, ...]
    adjudications: tuple[ItemAdjudication, ...]
    problems: tuple[ItemCount, ...]


@dataclass(frozen=True)
class ProblemRow:
    """A problem as it stands."""

    record_id: str
    county: str
    item: str
    inspector: str
    description: str
    severity: str
    deadline: str | None  # ISO date
    status: str


@dataclass(frozen=True)
class PlacedEvidence:
    """A piece of evidence's file name and the county and item it is attached to."""

    county: str | None
    item: str | None
    name: str


@dataclass(frozen=True)
class ProblemVersion:
    """One version of a problem with the role and inspector of the device that signed it."""

    version_id: str
    record_id: str
    hlc: int
    device_id: str
    payload: str  # canonical JSON
    role: str
    inspector: str | None


@dataclass(frozen=True)
class VersionParent:
    version_id: str
    parent_id: str


def current_scores(conn: Connection) -> list[ScoreRow]:
    rows = conn.execute(text("SELECT county, item, inspector, score FROM current_score"))
    return [ScoreRow(c, i, who, s) for c, i, who, s in rows]


def current_adjudications(conn: Connection) -> list[AdjudicationRow]:
    rows = conn.execute(text("SELECT county, item, score, reason FROM current_adjudication"))
    return [AdjudicationRow(c, i, s, r) for c, i, s, r in rows]


def current_method_scores(conn: Connection) -> list[MethodScoreRow]:
    rows = conn.execute(text("SELECT county, method, total, items FROM current_method_score"))
    return [MethodScoreRow(c, m, total, items) for c, m, total, items in rows]


def current_adjustments(conn: Connection) -> list[AdjustmentRow]:
    rows = conn.execute(text("SELECT county, delta, reason FROM current_adjustment"))
    return [AdjustmentRow(c, d, r) for c, d, r in rows]


_ADJUDICATION = text("SELECT score, reason FROM current_adjudication WHERE county = :c AND item = :i")
_ADJUSTMENT = text("SELECT delta, reason FROM current_adjustment WHERE county = :c")


def adjudication(conn: Connection, county: str, item: str) -> Decision | None:
    """The lead's score of an item for a county in force, if any."""
    row = conn.execute(_ADJUDICATION, {"c": county, "i": item}).first()
    return None if row is None else Decision(str(row.score), str(row.reason))


def adjustment(conn: Connection, county: str) -> Decision | None:
    """The lead's change to a county's total in force, if any."""
    row = conn.execute(_ADJUSTMENT, {"c": county}).first()
    return None if row is None else Decision(str(row.delta), str(row.reason))


def county_work(conn: Connection, county: str) -> CountyWork:
    """Every inspector's scores and findings on a county's items, the lead's adjudications
    there, and its problems counted by item (its evidence: inspection_queries.county_evidence)."""
    args = {"c": county}
    scores = conn.execute(text("SELECT item, inspector, score, comment FROM current_score WHERE county = :c"), args).all()
    findings = conn.execute(
        text("SELECT item, inspector, mode, text FROM current_finding WHERE county = :c AND text != ''"), args
    ).all()
    adjudications = conn.execute(text("SELECT item, score, reason FROM current_adjudication WHERE county = :c"), args).all()
    problems = conn.execute(text("SELECT item, count(*) FROM current_problem WHERE county = :c GROUP BY item"), args).all()
    return CountyWork(
        tuple(InspectorScoreRow(i, who, s, comment) for i, who, s, comment in scores),
        tuple(FindingRow(i, who, mode, body) for i, who, mode, body in findings),
        tuple(ItemAdjudication(i, s, r) for i, s, r in adjudications),
        tuple(ItemCount(i, int(n)) for i, n in problems),
    )


def problems(
    conn: Connection, *, inspector: str | None = None, county: str | None = None, status: str | None = None,
    record_id: str | None = None,
) -> list[ProblemRow]:
    """The problems as they stand, of one inspector, county, status or record when given
    (an empty value filters nothing)."""
    sql = "SELECT record_id, county, item, inspector, description, severity, deadline, status FROM current_problem WHERE 1 = 1"
    args: dict[str, str] = {}
    for column, value in (("inspector", inspector), ("county", county), ("status", status), ("record_id", record_id)):
        if value:
            sql += f" AND {column} = :{column}"
            args[column] = value
    return [ProblemRow(*row) for row in conn.execute(text(sql), args)]


def captioned_evidence(conn: Connection, caption: str) -> list[PlacedEvidence]:
    """The evidence with this caption, in the order it was attached (then by name)."""
    rows = conn.execute(
        text("SELECT county, item, name FROM current_evidence WHERE caption = :cap ORDER BY attached_at, name"), {"cap": caption},
    )
    return [PlacedEvidence(c, i, name) for c, i, name in rows]


def record_entity(conn: Connection, record_id: str) -> str | None:
    """The entity of a record (problem, score, …); None for a record never written."""
    found = conn.execute(text("SELECT entity FROM version WHERE record_id = :r LIMIT 1"), {"r": record_id}).scalar()
    return None if found is None else str(found)


_PROBLEM_VERSIONS = text(
    "SELECT v.version_id, v.record_id, v.hlc, v.device_id, v.payload, d.role, d.inspector "
    "FROM version v JOIN device d ON d.id = v.device_id WHERE v.entity = 'problem' AND v.record_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_PROBLEM_PARENTS = text(
    "SELECT p.version_id, p.parent_id FROM version_parent p JOIN version v ON v.version_id = p.version_id "
    "WHERE v.entity = 'problem' AND v.record_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_EVIDENCE_NAMES = text("SELECT record_id, name, county, item FROM current_evidence WHERE record_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


def problem_versions(conn: Connection, record_ids: Sequence[str]) -> tuple[list[ProblemVersion], list[VersionParent]]:
    """Every version of these problems and every parent link between them."""
    versions: list[ProblemVersion] = []
    parents: list[VersionParent] = []
    for chunk in chunks(sorted(set(record_ids))):
        versions += [ProblemVersion(*row) for row in conn.execute(_PROBLEM_VERSIONS, {"ids": chunk})]
        parents += [VersionParent(vid, pid) for vid, pid in conn.execute(_PROBLEM_PARENTS, {"ids": chunk})]
    return versions, parents


@dataclass(frozen=True)
class EvidencePlace:
    name: str
    county: str
    item: str | None


def evidence_names(conn: Connection, record_ids: Sequence[str]) -> dict[str, EvidencePlace]:
    """Each piece of evidence held, by its record id: its file name and where it was filed."""
    found: dict[str, EvidencePlace] = {}
    for chunk in chunks(record_ids):
        for rid, name, county, item in conn.execute(_EVIDENCE_NAMES, {"ids": chunk}):
            found[rid] = EvidencePlace(name, county, item)
    return found


# Every current table whose rows belong to a county: the work a county's removal would
# orphan. A table name is put into SQL only from this list.
WORK_TABLES = (
    "current_score", "current_finding", "current_method_score", "current_adjudication", "current_adjustment",
    "current_evidence", "current_problem", "current_signature",
)
_WORK = text(
    "SELECT county, count(*) AS count FROM ("
    + " UNION ALL ".join(f"SELECT county FROM {table} WHERE county IS NOT NULL" for table in WORK_TABLES)
    + ") AS work GROUP BY county"
)


@dataclass(frozen=True)
class CountyCount:
    county: str
    count: int


def work_by_county(conn: Connection) -> list[CountyCount]:
    """How many records of work (scores, findings, evidence, problems, …) each county code holds."""
    return named(CountyCount, conn.execute(_WORK))
