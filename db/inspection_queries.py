"""The reads of an inspector's record of a county, as typed rows: what the tree and the item
view show, the photo inbox, the signatures and the record's fingerprint, and what the
printed record gathers (its evidence, finding statuses, inspectors and dates).

As in db.queries: each function takes the caller's connection, runs queries that work on
SQLite and PostgreSQL alike, and returns frozen rows whose fields are filled by column
name, holding the values as stored; the services build the domain objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, text

from db import queries
from db.queries import ItemCount, named

# The tables of an inspector's own record, in the order its fingerprint reads them. A
# table name is put into SQL only from this list.
RECORD_TABLES = ("current_score", "current_finding", "current_problem", "current_evidence", "current_visit")


@dataclass(frozen=True)
class ItemScore:
    item: str
    score: str


@dataclass(frozen=True)
class ItemFinding:
    """An inspector's finding on an item in one mode (possibly empty: text and status as stored)."""

    item: str
    mode: str
    text: str
    status: str


@dataclass(frozen=True)
class InspectorItems:
    """What one inspector recorded on a county's items, for the tree: scores, findings, and
    problems and evidence counted by item."""

    scores: tuple[ItemScore, ...]
    findings: tuple[ItemFinding, ...]
    problems: tuple[ItemCount, ...]
    evidence: tuple[ItemCount, ...]


_ITEM_SCORES = text("SELECT item, score FROM current_score WHERE county = :c AND inspector = :i")
_ITEM_FINDINGS = text("SELECT item, mode, text, status FROM current_finding WHERE county = :c AND inspector = :i")
_ITEM_PROBLEMS = text("SELECT item, count(*) AS count FROM current_problem WHERE county = :c AND inspector = :i GROUP BY item")
_ITEM_EVIDENCE = text("SELECT item, count(*) AS count FROM current_evidence WHERE county = :c AND inspector = :i GROUP BY item")


def inspector_items(conn: Connection, county: str, inspector: str) -> InspectorItems:
    """One inspector's work on a county's items, one query per table."""
    args = {"c": county, "i": inspector}
    return InspectorItems(
        tuple(named(ItemScore, conn.execute(_ITEM_SCORES, args))),
        tuple(named(ItemFinding, conn.execute(_ITEM_FINDINGS, args))),
        tuple(named(ItemCount, conn.execute(_ITEM_PROBLEMS, args))),
        tuple(named(ItemCount, conn.execute(_ITEM_EVIDENCE, args))),
    )


@dataclass(frozen=True)
class ScoreComment:
    score: str
    comment: str


@dataclass(frozen=True)
class ModeFinding:
    mode: str
    text: str
    status: str
    area: str


@dataclass(frozen=True)
class ItemProblem:
    record_id: str
    description: str
    severity: str
    deadline: str | None  # ISO date
    created_at: str
    status: str


@dataclass(frozen=True)
class EvidenceRow:
    """A piece of evidence as it stands: its file and where it is filed (no county: in the inbox)."""

    record_id: str
    sha256: str
    name: str
    mime: str
    size: int
    county: str | None
    item: str | None
    mode: str | None
    inspector: str
    caption: str
    taken_at: str | None
    gps: str | None
    attached_at: str


@dataclass(frozen=True)
class ItemWork:
    """Everything one inspector recorded for one item of a county."""

    score: ScoreComment | None
    findings: tuple[ModeFinding, ...]
    problems: tuple[ItemProblem, ...]  # in the order they were found
    evidence: tuple[EvidenceRow, ...]  # by capture (else attachment) time


_EVIDENCE = (
    "SELECT record_id, sha256, name, mime, size, county, item, mode, inspector, caption, taken_at, gps, attached_at "
    "FROM current_evidence "
)
_SCORE = text("SELECT score, comment FROM current_score WHERE county = :c AND item = :t AND inspector = :i")
_FINDINGS = text("SELECT mode, text, status, area FROM current_finding WHERE county = :c AND item = :t AND inspector = :i")
_PROBLEMS = text(
    "SELECT record_id, description, severity, deadline, created_at, status FROM current_problem "
    "WHERE county = :c AND item = :t AND inspector = :i ORDER BY created_at, record_id"
)
_ITEM_EVIDENCE_ROWS = text(
    _EVIDENCE + "WHERE county = :c AND item = :t AND inspector = :i ORDER BY coalesce(taken_at, attached_at), record_id"
)
_INBOX = text(_EVIDENCE + "WHERE county IS NULL AND inspector = :i ORDER BY coalesce(taken_at, attached_at), name, record_id")
_COUNTY_EVIDENCE = text(_EVIDENCE + "WHERE county = :c ORDER BY item, coalesce(taken_at, attached_at), name")


def item_work(conn: Connection, county: str, item: str, inspector: str) -> ItemWork:
    """One inspector's score, findings, problems and evidence on one item of a county."""
    args = {"c": county, "t": item, "i": inspector}
    score = conn.execute(_SCORE, args).first()
    return ItemWork(
        None if score is None else ScoreComment(score.score, score.comment),
        tuple(named(ModeFinding, conn.execute(_FINDINGS, args))),
        tuple(named(ItemProblem, conn.execute(_PROBLEMS, args))),
        tuple(named(EvidenceRow, conn.execute(_ITEM_EVIDENCE_ROWS, args))),
    )


_HELD_HASHES = text(
    "SELECT sha256, county FROM current_evidence WHERE inspector = :i AND sha256 IN :h"
).bindparams(bindparam("h", expanding=True))


def held_hashes(conn: Connection, inspector: str, shas: Sequence[str]) -> dict[str, bool]:
    """Of these files (by hash), those the inspector holds as evidence now: True when one
    is filed under an item, False when it is only in the inbox."""
    held: dict[str, bool] = {}
    for piece in queries.chunks(list(shas)):
        for row in conn.execute(_HELD_HASHES, {"i": inspector, "h": piece}):
            held[row.sha256] = held.get(row.sha256, False) or row.county is not None
    return held


def inbox(conn: Connection, inspector: str) -> list[EvidenceRow]:
    """The inspector's photos imported and not yet put under an item, oldest capture first."""
    return named(EvidenceRow, conn.execute(_INBOX, {"i": inspector}))


def county_evidence(conn: Connection, county: str) -> list[EvidenceRow]:
    """Every inspector's evidence of a county, by item, then capture (else attachment) time, then name."""
    return named(EvidenceRow, conn.execute(_COUNTY_EVIDENCE, {"c": county}))


@dataclass(frozen=True)
class FindingState:
    """The status an inspector gave an item in one mode."""

    item: str
    inspector: str
    mode: str
    status: str


_FINDING_STATES = text("SELECT item, inspector, mode, status FROM current_finding WHERE county = :c")


def finding_states(conn: Connection, county: str) -> list[FindingState]:
    """Every inspector's finding statuses on a county's items."""
    return named(FindingState, conn.execute(_FINDING_STATES, {"c": county}))


_INSPECTORS = text(
    "SELECT inspector FROM current_score WHERE county = :c UNION SELECT inspector FROM current_finding WHERE county = :c "
    "ORDER BY inspector"
)


def inspectors(conn: Connection, county: str) -> list[str]:
    """Who recorded anything for a county (scores or findings), by name."""
    return [str(r.inspector) for r in conn.execute(_INSPECTORS, {"c": county})]


@dataclass(frozen=True)
class ClockSpan:
    """The earliest and latest hybrid clock (ms << 16) of a set of versions."""

    earliest: int
    latest: int


def _work_span(who: str) -> str:
    return (
        "SELECT min(v.hlc) AS earliest, max(v.hlc) AS latest FROM version v JOIN ("
        f"SELECT version_id FROM current_score WHERE county = :c {who} UNION ALL "
        f"SELECT version_id FROM current_finding WHERE county = :c {who}) w ON w.version_id = v.version_id"
    )


_SPAN_ALL = text(_work_span(""))
_SPAN_ONE = text(_work_span("AND inspector = :i"))


def work_span(conn: Connection, county: str, inspector: str | None = None) -> ClockSpan | None:
    """When the scores and findings of a county (of one inspector, when given) as they stand
    were written; None when there are none."""
    row = conn.execute(_SPAN_ONE if inspector else _SPAN_ALL, {"c": county, "i": inspector}).one()
    return None if row.earliest is None else ClockSpan(int(row.earliest), int(row.latest))


@dataclass(frozen=True)
class RecordEntry:
    """A record of an inspector's work on a county and the version it stands at."""

    table: str  # one of RECORD_TABLES
    record_id: str
    version_id: str
    payload: str  # what the version holds (canonical JSON)


_RECORD_VERSIONS = {
    table: text(
        f"SELECT t.record_id, t.version_id, v.payload FROM {table} t JOIN version v ON v.version_id = t.version_id "
        "WHERE t.county = :c AND t.inspector = :i ORDER BY t.record_id"
    )
    for table in RECORD_TABLES
}


def record_entries(conn: Connection, county: str, inspector: str) -> list[RecordEntry]:
    """The inspector's scores, findings, problems, evidence and visit of a county with their
    versions, table by table in RECORD_TABLES' order, each by record id."""
    args = {"c": county, "i": inspector}
    held = RECORD_TABLES if holds_visits(conn) else RECORD_TABLES[:-1]
    return [RecordEntry(table, r.record_id, r.version_id, r.payload) for table in held for r in conn.execute(_RECORD_VERSIONS[table], args)]


_HOLDS_VISITS = text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'current_visit'")


def holds_visits(conn: Connection) -> bool:
    """Whether the database has the visits' table: a file of schema version 3 or older read
    as it is on a read-only disk has not (a server and every writable file are upgraded)."""
    return conn.dialect.name != "sqlite" or bool(conn.execute(_HOLDS_VISITS).scalar())


@dataclass(frozen=True)
class VisitRow:
    """Where and when an inspector inspected a county, as entered (desktop.core.visits)."""

    record_id: str
    inspector: str
    place: str
    first_day: str
    last_day: str


_VISITS = text("SELECT record_id, inspector, place, first_day, last_day FROM current_visit WHERE county = :c ORDER BY inspector")


def visits(conn: Connection, county: str) -> list[VisitRow]:
    """Every inspector's visit to a county (none on a file without the table)."""
    return named(VisitRow, conn.execute(_VISITS, {"c": county})) if holds_visits(conn) else []


@dataclass(frozen=True)
class SignatureRow:
    """A signature of one inspector's record of a county, by one signer role."""

    record_id: str
    signer_role: str
    signer_name: str
    signed_at: str
    image_sha256: str
    record_digest: str  # the record's fingerprint when it was signed


_SIGNATURES = text(
    "SELECT record_id, signer_role, signer_name, signed_at, image_sha256, record_digest FROM current_signature "
    "WHERE county = :c AND inspector = :i"
)


def signatures(conn: Connection, county: str, inspector: str) -> list[SignatureRow]:
    return named(SignatureRow, conn.execute(_SIGNATURES, {"c": county, "i": inspector}))


@dataclass(frozen=True)
class SignedRecord:
    """A signature of a county's record as it is printed: whose record, who signed, and the picture."""

    inspector: str
    signer_role: str
    signer_name: str
    signed_at: str
    record_digest: str
    image: bytes | None  # None when the picture's blob is not in this database


_COUNTY_SIGNATURES = text(
    "SELECT s.inspector, s.signer_role, s.signer_name, s.signed_at, s.record_digest, b.data AS image FROM current_signature s "
    "LEFT JOIN blob b ON b.sha256 = s.image_sha256 WHERE s.county = :c ORDER BY s.inspector, s.signer_role"
)


def county_signatures(conn: Connection, county: str) -> list[SignedRecord]:
    """Every signature of a county's records, by inspector, then signer role."""
    return [
        SignedRecord(r.inspector, r.signer_role, r.signer_name, r.signed_at, r.record_digest, None if r.image is None else bytes(r.image))
        for r in conn.execute(_COUNTY_SIGNATURES, {"c": county})
    ]
