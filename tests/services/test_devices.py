"""Who has synced, on a master that merged laptops' exports and a database file (SQLite and
PostgreSQL): exports merged, the last one's number and time, gaps, counties and items."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from teamwork import export, laptop, merge, score

from db.keys import show_fingerprint
from desktop.core.devices import DeviceRole
from desktop.services import decisions, devices, sync, workspace

FIRST = "2026-11-27T09:00:00+00:00"
SECOND = "2026-11-28T01:30:00+00:00"
THIRD = "2026-11-28T02:00:00+00:00"


def at(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


def test_devices_by_hand(tmp_path: Path, master_location: Path | str) -> None:
    with workspace.create(master_location, role="master") as master, laptop(tmp_path, "张三") as zhang, \
            laptop(tmp_path, "李四") as li, laptop(tmp_path, "王五") as wang:
        # 张三 exports four times; the third never reaches the master
        score(zhang, "金安区", "1.1.1", "3")
        score(zhang, "金安区", "1.2.1", "1")
        z1, z2 = export(zhang, tmp_path), export(zhang, tmp_path)
        score(zhang, "叶集区", "1.1.1", "2")
        export(zhang, tmp_path)
        z4 = export(zhang, tmp_path)
        # 李四's database comes as it is, a file with no export number
        score(li, "裕安区", "2.2.1", "5")
        # 王五's second export is merged before his first
        score(wang, "金安区", "1.1.1", "2")
        w1 = export(wang, tmp_path)
        score(wang, "裕安区", "1.1.2", "2")
        w2 = export(wang, tmp_path)
        merge(master, [z1, z2, li.path, w2], now=FIRST)
        merge(master, [z4], now=SECOND)
        jinan = master.campaign.county_named("金安区")
        assert jinan is not None
        decisions.adjudicate(master, jinan.code, "1.1.1", "2", "复核")

        found = {d.inspector: d for d in devices.device_statuses(master)}
        assert list(found) == [None, "张三", "李四", "王五"]  # the lead's desk first

        lead = found[None]
        assert (lead.role, lead.this_device, lead.device_id) == (DeviceRole.MASTER, True, master.identity.device_id)
        assert (lead.exports, lead.last_export, lead.last_merged_at, lead.gaps) == (0, None, None, ())
        assert [c.name for c in lead.counties] == ["金安区"] and lead.items == 1  # its adjudication

        z = found["张三"]
        assert (z.role, z.this_device, z.device_id) == (DeviceRole.FIELD, False, zhang.identity.device_id)
        assert (z.exports, z.last_export, z.gaps, z.database_files) == (3, 4, (3,), 0)
        assert z.last_merged_at == at(SECOND)
        assert z.last_merged_at is not None and z.last_merged_at.utcoffset() == dt.datetime.now().astimezone().utcoffset()
        assert [c.name for c in z.counties] == ["金安区", "叶集区"] and z.items == 3
        assert z.since(at("2026-11-28T03:30:00+00:00")) == dt.timedelta(hours=2)

        lis = found["李四"]
        assert (lis.exports, lis.last_export, lis.gaps, lis.database_files) == (0, None, (), 1)
        assert lis.last_merged_at == at(FIRST)
        assert [c.name for c in lis.counties] == ["裕安区"] and lis.items == 1

        w = found["王五"]
        assert (w.exports, w.last_export, w.gaps) == (1, 2, (1,))
        assert [c.name for c in w.counties] == ["金安区", "裕安区"] and w.items == 2

        # his first export, late: nothing new in it, but the master has seen it now
        assert [r.status for r in merge(master, [w1], now=THIRD)] == ["nothing-new"]
        w = next(d for d in devices.device_statuses(master) if d.inspector == "王五")
        assert (w.exports, w.last_export, w.gaps) == (2, 2, ())
        assert w.last_merged_at == at(FIRST)  # it merged nothing: the latest merge is still the second export's

        assert show_fingerprint(z.fingerprint) == sync.device_fingerprint(zhang)
        assert show_fingerprint(lead.fingerprint) == sync.device_fingerprint(master)


def test_a_replay_and_a_dry_run_change_nothing(tmp_path: Path, master_location: Path | str) -> None:
    with workspace.create(master_location, role="master") as master, laptop(tmp_path, "张三") as zhang:
        score(zhang, "金安区", "1.1.1", "3")
        first = export(zhang, tmp_path)
        merge(master, [first], now=FIRST)
        before = devices.device_statuses(master)
        merge(master, [first], now=SECOND)  # the same file again: nothing new
        second = export(zhang, tmp_path)
        sync.merge(master, [second], dry_run=True, now=THIRD)
        assert devices.device_statuses(master) == before
        z = next(d for d in before if d.inspector == "张三")
        assert (z.exports, z.last_export, z.last_merged_at, z.gaps) == (1, 1, at(FIRST), ())


def test_a_laptop_knows_itself_and_the_master(tmp_path: Path) -> None:
    with workspace.create(tmp_path / "m.db", role="master") as master, laptop(tmp_path, "张三") as zhang:
        score(zhang, "金安区", "1.1.1", "3")
        merge(master, [export(zhang, tmp_path)], now=FIRST)
        merge(zhang, [export(master, tmp_path)], now=SECOND)
        found = devices.device_statuses(zhang)
    assert [(d.role, d.inspector, d.this_device) for d in found] == [(DeviceRole.MASTER, None, False), (DeviceRole.FIELD, "张三", True)]
    assert (found[0].exports, found[0].last_export, found[0].last_merged_at) == (1, 1, at(SECOND))
