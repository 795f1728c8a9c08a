"""The tables, schema version 1.

Three kinds of table:
- reference data (campaign, indicator, county): derived from the campaign document, with
  identifiers that every machine computes alike from it;
- the version set (device, version, version_parent, blob): what merge unions;
- the projection (head, current_*): current state, a pure function of the version set,
  kept up to date inside each writing transaction and rebuildable from scratch.
Plus `local_state`, this file's own settings (role, device, clocks), never merged.

Changing a table here means a new step in `db/migrations.py`.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


class LocalState(SQLModel, table=True):
    __tablename__ = "local_state"
    key: str = Field(primary_key=True)
    value: str


class CampaignRow(SQLModel, table=True):
    __tablename__ = "campaign"
    id: str = Field(primary_key=True)  # uuid5 of the campaign's key
    key: str = Field(unique=True)  # the campaign file's `id`, e.g. "luan-2018"
    name: str
    document: str  # the campaign as canonical JSON, indicator set inside
    sha256: str  # of `document`: two machines with equal hashes hold equal reference data


class IndicatorRow(SQLModel, table=True):
    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)
    id: str = Field(primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id")
    code: str
    level: int
    parent_code: str | None = None
    name: str
    points: str
    position: int


class CountyRow(SQLModel, table=True):
    __tablename__ = "county"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)
    id: str = Field(primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id")
    code: str
    name: str
    position: int
    pilot_areas: str  # JSON list


class DeviceRow(SQLModel, table=True):
    __tablename__ = "device"
    id: str = Field(primary_key=True)
    role: str  # field | master
    inspector: str | None = None
    public_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # DER SubjectPublicKeyInfo
    fingerprint: str  # SHA-256 of public_key, hex
    enrolled_at: str  # ISO time this database learnt of the device


class VersionRow(SQLModel, table=True):
    __tablename__ = "version"
    __table_args__ = (UniqueConstraint("device_id", "seq"), Index("ix_version_record", "record_id"))
    version_id: str = Field(primary_key=True)  # SHA-256 of the canonical encoding
    record_id: str
    entity: str
    device_id: str = Field(foreign_key="device.id")
    seq: int
    hlc: int
    deleted: bool
    payload: str  # canonical JSON
    blob_hashes: str  # canonical JSON list of SHA-256 hex
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class VersionParentRow(SQLModel, table=True):
    __tablename__ = "version_parent"
    __table_args__ = (Index("ix_version_parent_parent", "parent_id"),)
    version_id: str = Field(primary_key=True, foreign_key="version.version_id")
    parent_id: str = Field(primary_key=True)  # may arrive before its version does


class BlobRow(SQLModel, table=True):
    __tablename__ = "blob"
    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(unique=True)
    size: int
    mime: str
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class HeadRow(SQLModel, table=True):
    """The heads of each record: versions no other version names as a parent."""

    __tablename__ = "head"
    record_id: str = Field(primary_key=True)
    version_id: str = Field(primary_key=True, foreign_key="version.version_id")


class CurrentScore(SQLModel, table=True):
    __tablename__ = "current_score"
    __table_args__ = (Index("ix_current_score_county", "county", "item"),)
    record_id: str = Field(primary_key=True)
    version_id: str
    county: str
    item: str
    inspector: str
    score: str
    comment: str = ""


class CurrentFinding(SQLModel, table=True):
    __tablename__ = "current_finding"
    __table_args__ = (Index("ix_current_finding_county", "county", "item"),)
    record_id: str = Field(primary_key=True)
    version_id: str
    county: str
    item: str
    inspector: str
    mode: str
    text: str
    status: str
    area: str = ""


class CurrentMethodScore(SQLModel, table=True):
    __tablename__ = "current_method_score"
    record_id: str = Field(primary_key=True)
    version_id: str
    county: str
    method: str
    total: str | None = None  # a total out of 100, or
    items: str | None = None  # JSON {item code: score}


class CurrentAdjudication(SQLModel, table=True):
    __tablename__ = "current_adjudication"
    record_id: str = Field(primary_key=True)
    version_id: str
    county: str
    item: str
    score: str
    reason: str


class CurrentAdjustment(SQLModel, table=True):
    __tablename__ = "current_adjustment"
    record_id: str = Field(primary_key=True)
    version_id: str
    county: str
    delta: str
    reason: str


class ConflictRow(SQLModel, table=True):
    """A record with more than one head (part of the projection: rebuilt from versions).

    `kind` is "soft" when the heads changed different fields (or agree), so the current
    row holds a field-wise merge, and "hard" when a field was changed two ways or an edit
    meets a delete: the current row holds the provisional winner until a person decides.
    """

    __tablename__ = "conflict"
    record_id: str = Field(primary_key=True)
    id: str = Field(unique=True)  # short hash of the sorted heads: names the conflict on the command line
    entity: str
    kind: str  # soft | hard
    heads: str  # canonical JSON list of version ids, sorted
    fields: str  # canonical JSON list of the fields in dispute (hard) or merged (soft)


class ManifestRow(SQLModel, table=True):
    """A signed export manifest (SYNC.md): what one export of one device holds.

    A device's manifests form a chain (each names the hash of the one before), so a
    dropped row, an old file replayed or a forked history is visible. A database keeps
    the manifests it issued and those of the devices whose exports it merged.
    """

    __tablename__ = "manifest"
    __table_args__ = (UniqueConstraint("device_id", "number"),)
    hash: str = Field(primary_key=True)  # SHA-256 of `body`
    device_id: str
    number: int  # 1, 2, 3… per device
    body: str  # canonical JSON
    signature: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ImportLogRow(SQLModel, table=True):
    """One file merged into this database: what came from where, and when. Never merged."""

    __tablename__ = "import_log"
    id: int | None = Field(default=None, primary_key=True)
    merged_at: str
    file_name: str
    file_sha256: str = Field(index=True)
    device_id: str
    inspector: str | None = None
    manifest_hash: str
    export_number: int
    versions_added: int
    versions_present: int
    blobs_added: int
    blob_bytes: int
    conflicts: int


class CurrentEvidence(SQLModel, table=True):
    """A photo or document attached by an inspector: to an item and mode of a county, or
    waiting in the photo inbox (county, item and mode empty)."""

    __tablename__ = "current_evidence"
    __table_args__ = (Index("ix_current_evidence_county", "county", "item"),)
    record_id: str = Field(primary_key=True)
    version_id: str
    inspector: str
    sha256: str  # the blob
    name: str  # the file name it came from
    mime: str
    size: int
    county: str | None = None
    item: str | None = None
    mode: str | None = None
    caption: str = ""
    taken_at: str | None = None  # EXIF capture time, as the camera wrote it
    gps: str | None = None  # "lat,lon" from EXIF
    attached_at: str  # when it was attached (ISO, UTC)


class CurrentProblem(SQLModel, table=True):
    """A problem found (问题) under an item, with its rectification deadline."""

    __tablename__ = "current_problem"
    __table_args__ = (Index("ix_current_problem_county", "county", "item"),)
    record_id: str = Field(primary_key=True)
    version_id: str
    county: str
    item: str
    inspector: str
    description: str
    severity: str  # minor | major | serious
    deadline: str | None = None  # ISO date
    created_at: str
    status: str = "open"  # open | rectified | verified


class CurrentSignature(SQLModel, table=True):
    """A signature on a county's record: the inspector's or the county liaison's."""

    __tablename__ = "current_signature"
    __table_args__ = (Index("ix_current_signature_county", "county"),)
    record_id: str = Field(primary_key=True)
    version_id: str
    county: str
    inspector: str  # whose record it signs
    signer_role: str  # inspector | liaison
    signer_name: str
    signed_at: str
    strokes: str  # JSON: a list of strokes, each a list of [x, y] in 0…1 of the pad
    image_sha256: str  # the signature as a PNG blob
    record_digest: str  # SHA-256 of the record as signed: differs from today's when it changed since


class Thumbnail(SQLModel, table=True):
    """Thumbnails of evidence, made once; this file's cache, never merged."""

    __tablename__ = "thumbnail"
    sha256: str = Field(primary_key=True)
    size: int = Field(primary_key=True)  # the longer side in pixels
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # PNG or JPEG
