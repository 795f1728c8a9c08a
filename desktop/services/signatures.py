"""Signatures of a county's record: the signer's strokes and picture, and the record's
fingerprint (record_digest) at the time, so an edit made after signing shows the
signature outdated.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection

from db import blobs, inspection_queries, versions
from desktop import paths
from desktop.core import scoring, validity
from desktop.core.errors import InputError
from desktop.services.items import _inspector, _now, county_status
from desktop.services.workspace import Workspace

SIGNER_ROLES = validity.SIGNER_ROLES


@dataclass(frozen=True)
class Signature:
    record_id: str
    signer_role: str
    signer_name: str
    signed_at: str
    image_sha256: str
    current: bool  # False: the record changed after it was signed, so it needs signing again


def record_digest(ws: Workspace, county: str) -> str:
    """A fingerprint of everything this inspector recorded for the county (scores,
    findings, problems, evidence): any edit changes it, so a signature made before the
    edit no longer matches."""
    who = _inspector(ws)
    with ws.read() as conn:
        return digest_of_record(conn, county, who)


def digest_of_record(conn: Connection, county: str, inspector: str) -> str:
    """record_digest of any inspector's record (the master prints everyone's signatures): of
    what each record holds, not of which version holds it — an edit undone back to exactly
    what was signed is the signed record again."""
    return _digest_by_content(inspection_queries.record_entries(conn, county, inspector))


def _digest_by_content(entries: list[inspection_queries.RecordEntry]) -> str:
    digest = hashlib.sha256()
    for entry in entries:
        content = hashlib.sha256(entry.payload.encode()).hexdigest()
        digest.update(f"{entry.table}:{entry.record_id}:{content}\n".encode())
    return digest.hexdigest()


def _digest_by_versions(entries: list[inspection_queries.RecordEntry]) -> str:
    """The fingerprint releases before this one signed: of the versions' ids."""
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(f"{entry.table}:{entry.record_id}:{entry.version_id}\n".encode())
    return digest.hexdigest()


def signing_digests(conn: Connection, county: str, inspector: str) -> frozenset[str]:
    """The fingerprints a signature of the record as it is now may carry (this release's, of
    the content, and earlier releases', of the versions): the record read once."""
    entries = inspection_queries.record_entries(conn, county, inspector)
    return frozenset({_digest_by_content(entries), _digest_by_versions(entries)})


def still_signs(conn: Connection, county: str, inspector: str, signed_digest: str) -> bool:
    """Whether a signature made over `signed_digest` still signs the record as it is now (the
    one rule every face asks: the window, the printed record)."""
    return signed_digest in signing_digests(conn, county, inspector)


def signatures(ws: Workspace, county: str) -> dict[str, Signature]:
    """The county's signatures by signer role, each marked current or outdated."""
    who = _inspector(ws)
    with ws.read() as conn:
        rows = inspection_queries.signatures(conn, county, who)
        now = signing_digests(conn, county, who) if rows else frozenset()  # the record read once, for both signers
        current = {r.signer_role: r.record_digest in now for r in rows}
    return {
        r.signer_role: Signature(
            record_id=r.record_id, signer_role=r.signer_role, signer_name=r.signer_name, signed_at=r.signed_at,
            image_sha256=r.image_sha256, current=current[r.signer_role],
        )
        for r in rows
    }


def sign(ws: Workspace, county: str, *, signer_role: str, signer_name: str, strokes: list[list[list[float]]], png: bytes) -> Signature:
    """Sign the county's record as it is now: the strokes (as vectors, 0…1 of the pad) and
    their picture, the signer's name and role, the time, and the record's fingerprint."""
    who = _inspector(ws)
    if signer_role not in SIGNER_ROLES:
        raise InputError.single("signature", "role", f"signer role must be one of {', '.join(SIGNER_ROLES)}")
    if not signer_name.strip():
        raise InputError.single("signature", "name", "the signer's name is missing")
    if not strokes or not any(len(s) > 1 for s in strokes):
        raise InputError.single("signature", "empty", "the signature pad is empty")
    vectors = [[[round(float(x), 4), round(float(y), 4)] for x, y in stroke] for stroke in strokes]
    digest = record_digest(ws, county)
    record_id = versions.natural_id(ws.campaign.id, "signature", county, who, signer_role)
    signed_at = _now()
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        sha = blobs.put_bytes(conn, png, "image/png")
        versions.put(
            conn, signer, entity="signature", record_id=record_id, blob_hashes=[sha],
            payload={
                "county": county, "inspector": who, "signer_role": signer_role, "signer_name": signer_name.strip(),
                "signed_at": signed_at, "strokes": json.dumps(vectors, separators=(",", ":")), "image_sha256": sha,
                "record_digest": digest,
            },
        )
    return Signature(record_id, signer_role, signer_name.strip(), signed_at, sha, True)


@dataclass(frozen=True)
class RecordSummary:
    """What a signature of the county's record signs, as the signing dialog says it."""

    items: int
    scored: int
    score: Decimal | None  # the sum of the items scored (scoring.subtotal over the whole table)
    points: Decimal
    problems: int
    evidence: int

    @property
    def unscored(self) -> int:
        return self.items - self.scored


def summary(ws: Workspace, county: str) -> RecordSummary:
    """The inspector's record of the county as it stands: what a signature now would sign."""
    status = county_status(ws, county)
    indicators = ws.campaign.indicator_set
    scores = {c: i.score for c, i in status.items.items() if i.scored}
    firsts = [scoring.subtotal(indicators, n.code, scores) for n in indicators.nodes if n.parent is None]
    known = [f.score for f in firsts if f.score is not None]
    return RecordSummary(
        items=len(indicators.items), scored=sum(f.scored for f in firsts), score=sum(known, Decimal(0)) if known else None,
        points=sum((n.points for n in indicators.items), Decimal(0)),
        problems=sum(i.problems for i in status.items.values()), evidence=sum(i.evidence for i in status.items.values()),
    )
