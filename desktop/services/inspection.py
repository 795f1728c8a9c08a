"""The inspector's work on one county, as one name: what the field GUI reads and writes.

The work itself lives by role — desktop.services.items (scores, findings, problems, what
the tree shows), desktop.services.evidence (attached files, thumbnails, the photo inbox),
desktop.services.signatures (signing a record) and desktop.core.photos (what a photo's
bytes say). This module only re-exports their public names, so `inspection.item_record(…)`
keeps working. Its constants are copies: a test that changes one (BATCH_PHOTOS,
IN_MEMORY_BYTES) sets it on the module that uses it.
"""

from __future__ import annotations

from desktop.core.errors import InputError
from desktop.services.evidence import (
    BATCH_BYTES,
    BATCH_PHOTOS,
    DEFAULT_MAX_EVIDENCE_BYTES,
    IN_MEMORY_BYTES,
    PHOTO_SUFFIXES,
    THUMBNAIL_SIZE,
    FolderImport,
    PhotoFacts,
    assign,
    attach,
    attach_bytes,
    blob_bytes,
    blob_to_file,
    evidence_id,
    import_folder,
    inbox,
    photo_facts,
    set_caption,
    thumbnail,
    thumbnails,
)
from desktop.services.items import (
    SEVERITIES,
    CountyStatus,
    Edits,
    Evidence,
    Finding,
    ItemRecord,
    ItemStatus,
    Problem,
    check_score,
    county_status,
    default_deadline,
    editing,
    item_record,
    remove,
    save_item,
    save_problem,
)
from desktop.services.signatures import SIGNER_ROLES, Signature, digest_of_record, record_digest, sign, signatures

__all__ = [
    "BATCH_BYTES", "BATCH_PHOTOS", "DEFAULT_MAX_EVIDENCE_BYTES", "IN_MEMORY_BYTES", "PHOTO_SUFFIXES", "SEVERITIES", "SIGNER_ROLES",
    "THUMBNAIL_SIZE", "CountyStatus", "Edits", "Evidence", "Finding", "FolderImport", "InputError", "ItemRecord", "ItemStatus",
    "PhotoFacts", "Problem", "Signature", "assign", "attach", "attach_bytes", "blob_bytes", "blob_to_file", "check_score",
    "county_status", "default_deadline", "digest_of_record", "editing", "evidence_id", "import_folder", "inbox", "item_record",
    "photo_facts", "record_digest", "remove", "save_item", "save_problem", "set_caption", "sign", "signatures", "thumbnail",
    "thumbnails",
]
