"""What a merge tells: a report per file offered (merged, nothing new, refused and why, a
dry run), and the batch's report kept as a row of the receiving database's `merge_report`
table, written in the batch's own transaction; read back, the latest first."""

from __future__ import annotations

import getpass
import json
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, text

from db import local
from db.database import Database
from db.merge.enrolment import DeviceInfo


@dataclass
class FileReport:
    file: Path
    status: str  # merged | nothing-new | refused | dry-run
    reason: str = ""
    code: str = ""
    device_id: str = ""
    inspector: str | None = None
    role: str = ""
    export_number: int = 0
    versions_added: int = 0
    versions_present: int = 0
    blobs_added: int = 0
    blob_bytes: int = 0
    conflicts: int = 0
    records_in_conflict: list[str] = field(default_factory=list)
    enrolled: list[DeviceInfo] = field(default_factory=list)
    older_than: int = 0  # the receiver has merged a later export of the same device
    file_sha256: str = ""
    refused_version: str = ""  # a refusal by the admission check: the version, who wrote it
    refused_author: str = ""
    clock_ahead_ms: int = 0  # the exporter's clock ran this far ahead of ours (when over an hour)
    second_laptops: list[str] = field(default_factory=list)  # new devices of an inspector who has one already
    # True: it came sealed (db.seal) and was opened here; False: in the clear (an export of a laptop
    # that had no receiver's key yet, or of an older Yanshou, or a database file); None: not read
    sealed: bool | None = None


# --- the reports, kept ----------------------------------------------------------------------
#
# Each batch's report is a row of the receiving database's `merge_report` table (schema 2:
# db/schema_v2.sql says why its columns are what they are; schema 1 kept it as JSON in
# local_state, and step 2 moved it). Why in the database, not a file beside it:
# - written in the batch's own transaction, a merge's report exists if and only if the merge
#   committed: a cancelled or killed batch leaves neither;
# - it travels with the master file (copied to another computer, its history comes along),
#   unlike a file in this computer's data folder;
# - import_log keeps one row per merged file and cannot say why a file was refused or that a
#   dry run was made.
# The table is this database's own: a merge never reads it from a file, an export empties it.
# A dry run writes nothing of the merge; its report alone is stored afterwards, in a small
# transaction of its own, and only the latest DRY_RUNS_KEPT of them are kept.

REPORT_KEY = "merge_report:"  # a report's identity: `merge_report:<time>:<id>`, its key in schema 1
DRY_RUNS_KEPT = 20


@dataclass(frozen=True)
class BatchReport:
    key: str  # stable: the same before and after the upgrade from schema 1
    at: str  # ISO 8601, UTC
    dry_run: bool
    files: tuple[FileReport, ...]
    id: int = 0
    device_id: str = ""  # the receiving database's device
    merged_by: str | None = None  # the desk (login@computer) that ran it; None: not known
    merged: int = 0  # the files merged (a dry run: that would be)
    refused: int = 0
    versions_added: int = 0
    conflicts: int = 0


def _file_json(r: FileReport) -> dict[str, object]:
    return {
        "file": str(r.file), "status": r.status, "reason": r.reason, "code": r.code, "device_id": r.device_id,
        "inspector": r.inspector, "role": r.role, "export_number": r.export_number, "versions_added": r.versions_added,
        "versions_present": r.versions_present, "blobs_added": r.blobs_added, "blob_bytes": r.blob_bytes,
        "conflicts": r.conflicts, "records_in_conflict": r.records_in_conflict[:1000],
        "enrolled": [{"id": d.id, "role": d.role, "inspector": d.inspector, "fingerprint": d.fingerprint} for d in r.enrolled],
        "older_than": r.older_than, "file_sha256": r.file_sha256, "refused_version": r.refused_version,
        "refused_author": r.refused_author, "clock_ahead_ms": r.clock_ahead_ms, "second_laptops": r.second_laptops,
        "sealed": r.sealed,
    }


def _merged_by() -> str | None:
    """Who ran the batch, as this computer names them: login@computer (None if it cannot say)."""
    try:
        return f"{getpass.getuser()}@{socket.gethostname()}"
    except (OSError, KeyError, ImportError):  # no login name in the environment nor the user database
        return None


def _report_key(at: str, number: int) -> str:
    return f"{REPORT_KEY}{at}:{number:08d}"


_NEXT_REPORT = text("SELECT coalesce(max(id), 0) + 1 FROM merge_report")
_PUT_REPORT = text(
    "INSERT INTO merge_report(id, merged_at, device_id, merged_by, dry_run, files, merged, refused, versions_added, conflicts, detail) "
    "VALUES (:id, :at, :device, :by, :dry, :files, :merged, :refused, :added, :conflicts, :detail)"
)
_PRUNE_DRY_RUNS = text(
    "DELETE FROM merge_report WHERE dry_run = :t AND id NOT IN "
    "(SELECT id FROM merge_report WHERE dry_run = :t ORDER BY merged_at DESC, id DESC LIMIT :n)"
)
_REPORTS = text(
    "SELECT id, merged_at, dry_run, detail, device_id, merged_by, merged, refused, versions_added, conflicts "
    "FROM merge_report ORDER BY merged_at DESC, id DESC"
)


def _store_report(conn: Connection, reports: Sequence[FileReport], now: str, *, dry_run: bool) -> str:
    # the next number under the writer's lock: batches within the same second keep their order
    number = int(conn.execute(_NEXT_REPORT).scalar_one())
    conn.execute(_PUT_REPORT, {
        "id": number, "at": now, "device": local.get(conn, local.DEVICE) or "", "by": _merged_by(), "dry": dry_run,
        "files": len(reports), "merged": sum(r.status in {"merged", "dry-run"} for r in reports),
        "refused": sum(r.status == "refused" for r in reports), "added": sum(r.versions_added for r in reports),
        "conflicts": sum(r.conflicts for r in reports), "detail": json.dumps([_file_json(r) for r in reports], ensure_ascii=False),
    })
    if dry_run:
        conn.execute(_PRUNE_DRY_RUNS, {"t": True, "n": DRY_RUNS_KEPT})
    return _report_key(now, number)


def _parse_files(detail: str) -> tuple[FileReport, ...]:
    files = []
    for f in json.loads(detail):
        enrolled = [DeviceInfo(d["id"], d["role"], d["inspector"], b"", d["fingerprint"]) for d in f.get("enrolled", [])]
        files.append(FileReport(
            Path(f["file"]), f["status"], f.get("reason", ""), f.get("code", ""), f.get("device_id", ""), f.get("inspector"),
            f.get("role", ""), int(f.get("export_number", 0)), int(f.get("versions_added", 0)), int(f.get("versions_present", 0)),
            int(f.get("blobs_added", 0)), int(f.get("blob_bytes", 0)), int(f.get("conflicts", 0)),
            list(f.get("records_in_conflict", [])), enrolled, int(f.get("older_than", 0)), f.get("file_sha256", ""),
            str(f.get("refused_version", "")), str(f.get("refused_author", "")), int(f.get("clock_ahead_ms", 0)),
            [str(d) for d in f.get("second_laptops", [])], f.get("sealed") if isinstance(f.get("sealed"), bool) else None,
        ))
    return tuple(files)


def stored_reports(database: Database) -> list[BatchReport]:
    """Every kept batch report, the latest first."""
    with database.read() as conn:
        rows = conn.execute(_REPORTS).all()
    out = []
    for number, at, dry_run, detail, device, by, merged, refused, added, conflicts in rows:
        try:
            files = _parse_files(detail)
        except (ValueError, KeyError, TypeError, AttributeError):  # a report another build wrote differently: skipped, not fatal
            continue
        out.append(BatchReport(
            _report_key(at, number), at, bool(dry_run), files, number, device, by, merged, refused, added, conflicts,
        ))
    return out
