"""The window's start (issue 19): a laptop's file read at once with db.peek's few statements
and opened in full at its first use, off the GUI thread; what it shows is what the full open
reads, and what it writes is admitted by the same rules."""

from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import rawdb

from db import cipher, local
from db.errors import KnownDatabaseError, NotAdmitted
from desktop.core.errors import InputError
from desktop.core.inspection import InspectionMode
from desktop.services import inspection, workspace
from desktop.services.inspection import Finding

ME = "张三"
REPO = Path(__file__).resolve().parents[2]


def first_place(ws: workspace.Workspace) -> tuple[str, str]:
    return ws.campaign.counties[0].code, ws.campaign.indicator_set.items[0].code


@pytest.fixture
def laptop(tmp_path: Path) -> Path:
    """A laptop's file (encrypted: the tests' store protects it) with a score in it."""
    path = tmp_path / "field.db"
    with workspace.create(path, role="field", inspector=ME) as ws:
        county, item = first_place(ws)
        inspection.save_item(ws, county, item, score=Decimal("2.5"), comment="基本到位",
                             findings=[Finding(InspectionMode.REPORT, "听取了汇报")])
    return path


def test_a_laptop_is_shown_before_it_is_opened_and_reads_as_the_full_open(laptop: Path) -> None:
    with workspace.open_workspace(laptop) as full, workspace.open_workspace(laptop, check=False, later=True) as later:
        assert full.opened
        assert not later.opened  # identity, campaign and path came from the first read alone
        assert later.identity == full.identity
        assert later.campaign == full.campaign
        assert later.reference_campaign == full.reference_campaign
        assert later.settings_payload == full.settings_payload
        assert later.path == full.path == laptop
        county, item = first_place(later)
        record = inspection.item_record(later, county, item)  # the first read opens it
        assert later.opened
        assert record == inspection.item_record(full, county, item)
        assert record.score == Decimal("2.5")
        assert later.database.encrypted


def test_what_a_workspace_opened_later_writes_is_admitted_as_ever(laptop: Path) -> None:
    with workspace.open_workspace(laptop, later=True) as ws:
        county, item = first_place(ws)
        points = ws.campaign.indicator_set.find(item).points  # type: ignore[union-attr]
        with pytest.raises((InputError, NotAdmitted)):
            inspection.save_item(ws, county, item, score=points + 1, comment="", findings=[])
        assert inspection.save_item(ws, county, item, score=Decimal(1), comment="改", findings=[]) > 0
    with workspace.open_workspace(laptop) as again:
        assert inspection.item_record(again, county, item).score == Decimal(1)


def test_a_master_or_an_older_file_is_opened_in_full_at_once(tmp_path: Path) -> None:
    master = tmp_path / "master.db"
    workspace.create(master, role="master").close()
    with workspace.open_workspace(master, later=True) as ws:
        assert ws.opened  # the desk is not started from a first read
    older = tmp_path / "older.db"
    shutil.copyfile(REPO / "tests" / "data" / "schema_v2" / "laptop-export.db", older)  # a laptop's file as version 2 wrote it
    with workspace.open_workspace(older, later=True) as ws:
        assert ws.opened  # its schema is brought up to date before anything is shown


def test_a_file_changed_between_its_first_read_and_its_open_is_not_used(laptop: Path) -> None:
    ws = workspace.open_workspace(laptop, later=True)
    conn = rawdb.connect(laptop)
    with conn:
        conn.execute("UPDATE local_state SET value = '李四' WHERE key = ?", (local.INSPECTOR,))
    conn.close()
    with pytest.raises(KnownDatabaseError, match="changed by another program"):
        ws.database  # noqa: B018 (the first use opens it)
    with pytest.raises(KnownDatabaseError, match="changed by another program"):
        ws.database  # noqa: B018 (said again to every read, without opening it again)
    assert not ws.opened
    ws.close()


def test_a_plain_laptop_file_is_encrypted_at_its_first_use(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    with workspace.create(path, role="field", inspector=ME, encrypt=False) as ws:
        county, item = first_place(ws)
        inspection.save_item(ws, county, item, score=Decimal(2), comment="", findings=[])
    assert not cipher.is_encrypted(path)
    with workspace.open_workspace(path, later=True) as ws:
        assert not ws.opened and not cipher.is_encrypted(path)  # asking the store waits until after the first frame
        assert inspection.item_record(ws, county, item).score == Decimal(2)
        assert ws.database.encrypted and cipher.is_encrypted(path)


def test_the_first_read_needs_no_sqlalchemy(laptop: Path) -> None:
    """What the window's first frame needs (the window's modules and a workspace opened later)
    loads neither SQLAlchemy nor the data layer's modules that use it."""
    code = (
        "import sys; from pathlib import Path\n"
        "import desktop.ui.main_window, desktop.ui.app\n"
        "from desktop.services import workspace\n"
        "ws = workspace.open_workspace(Path(sys.argv[1]), check=False, later=True)\n"
        "assert not ws.opened, ws\n"
        "print(sorted(m for m in sys.modules if m in ('sqlalchemy', 'db.database', 'db.versions', 'desktop.services.items')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(laptop)], capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
