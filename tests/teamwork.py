"""A team for the tests of what a master knows of it (spread, devices): laptops made as
`init` makes them, scored as the inspector's window scores, exported and merged as the
commands do it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from db.merge import Enrolment
from desktop import paths
from desktop.services import records, sync
from desktop.services.workspace import Workspace, create

EVERY_LAPTOP = Enrolment(field=True, lead=True, same_inspector=True)


def laptop(root: Path, inspector: str) -> Workspace:
    return create(root / f"{inspector}.db", role="field", inspector=inspector)


def score(ws: Workspace, county: str, item: str, value: str) -> None:
    """The laptop's inspector scores an item of a county (named as in the campaign)."""
    found = ws.campaign.county_named(county)
    assert found is not None, county
    with ws.write() as conn:
        signer = ws.database.signer(paths.keys_dir(), conn)
        records.set_score(
            conn, signer, ws, county=found.code, item=item, inspector=ws.identity.inspector or "", score=Decimal(value), comment="",
        )


def export(ws: Workspace, root: Path) -> Path:
    """The laptop's next export on the USB stick, named by the laptop and its number (张三-6fbeff42-1.db, …)."""
    folder = root / "usb"
    stem = f"{ws.path.stem}-{ws.identity.device_id[:8]}"
    number = 1 + len(list(folder.glob(f"{stem}-*.db"))) if folder.exists() else 1
    made = sync.export(ws, folder / f"{stem}-{number}.db")
    assert made.manifest.number == number
    return made.path


def merge(master: Workspace, files: Sequence[Path], now: str | None = None) -> list[sync.FileReport]:
    reports = sync.merge(master, list(files), enroll=EVERY_LAPTOP, now=now)
    assert all(r.status != "refused" for r in reports), [(r.file, r.reason) for r in reports]
    return reports
