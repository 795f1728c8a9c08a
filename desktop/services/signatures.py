"""Signatures of a county's record: the signer's strokes and picture, and the record's
fingerprint (record_digest) at the time, so an edit made after signing shows the
signature outdated.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import Connection

from db import blobs, inspection_queries, versions
from desktop import paths
from desktop.core import validity
from desktop.core.errors import InputError
from desktop.services.items import _inspector, _now
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
    """record_digest of any inspector's record (the master prints everyone's signatures)."""
    digest = hashlib.sha256()
    for entry in inspection_queries.record_entries(conn, county, inspector):
        digest.update(f"{entry.table}:{entry.record_id}:{entry.version_id}\n".encode())
    return digest.hexdigest()


def signatures(ws: Workspace, county: str) -> dict[str, Signature]:
    """The county's signatures by signer role, each marked current or outdated."""
    who = _inspector(ws)
    now = record_digest(ws, county)
    with ws.read() as conn:
        rows = inspection_queries.signatures(conn, county, who)
    return {
        r.signer_role: Signature(
            record_id=r.record_id, signer_role=r.signer_role, signer_name=r.signer_name, signed_at=r.signed_at,
            image_sha256=r.image_sha256, current=r.record_digest == now,
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
