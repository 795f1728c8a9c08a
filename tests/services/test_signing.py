"""A signed record stays signed exactly while it holds what was signed: an edit asks for a
new signature; the edit undone (the same content written again, as a new version) is the
signed record again; a signature made by an earlier release (over version ids) still counts."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from desktop.services import inspection, workspace

COUNTY, ITEM = "341502", "1.1.1"
STROKES = [[[0.1, 0.1], [0.5, 0.4], [0.9, 0.2]]]


def test_undoing_back_to_what_was_signed_needs_no_new_signature(field: workspace.Workspace) -> None:
    inspection.save_item(field, COUNTY, ITEM, score=Decimal(3), comment="齐全", findings=[])
    inspection.sign(field, COUNTY, signer_role="liaison", signer_name="王主任", strokes=STROKES, png=b"\x89PNG")
    assert inspection.signatures(field, COUNTY)["liaison"].current
    inspection.save_item(field, COUNTY, ITEM, score=Decimal(2), comment="齐全", findings=[])
    assert not inspection.signatures(field, COUNTY)["liaison"].current  # changed since: sign again
    inspection.save_item(field, COUNTY, ITEM, score=Decimal(3), comment="齐全", findings=[])  # the undo: a new version
    assert inspection.signatures(field, COUNTY)["liaison"].current  # the same content as signed


def test_a_signature_of_an_earlier_release_still_counts(field: workspace.Workspace) -> None:
    from db import inspection_queries

    inspection.save_item(field, COUNTY, ITEM, score=Decimal(3), comment="", findings=[])
    with field.read() as conn:
        entries = inspection_queries.record_entries(conn, COUNTY, "张三")
        old = hashlib.sha256("".join(f"{e.table}:{e.record_id}:{e.version_id}\n" for e in entries).encode()).hexdigest()
        assert inspection.still_signs(conn, COUNTY, "张三", old)
        assert not inspection.still_signs(conn, COUNTY, "张三", "0" * 64)
