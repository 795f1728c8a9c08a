"""What a master's export numbers say of a device (desktop.core.devices)."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import devices


@pytest.mark.parametrize(
    ("numbers", "missing"),
    [((1, 2, 4), (3,)), ((), ()), ((0, 0), ()), ((3,), (1, 2)), ((2, 1, 2, 5), (3, 4)), ((1, 2, 3), ())],
)
def test_gaps(numbers: tuple[int, ...], missing: tuple[int, ...]) -> None:
    assert devices.gaps(numbers) == missing


def test_an_older_export_offered_late_with_nothing_new_closes_its_gap() -> None:
    assert devices.export_history([1, 2, 4]) == devices.ExportHistory(3, 4, (3,))
    assert devices.export_history([1, 2, 4], [3]) == devices.ExportHistory(4, 4, ())
    assert devices.export_history([0, 0]) == devices.ExportHistory(0, None, ())  # database files: no numbers


@pytest.mark.usefixtures("shanghai")
@pytest.mark.parametrize("stored", ["2026-11-27T09:00:00+00:00", "2026-11-27T09:00:00Z", "2026-11-27T09:00:00"])
def test_a_stored_time_reads_as_local_time_with_its_offset(stored: str) -> None:
    moment = devices.moment(stored)
    assert moment is not None
    assert moment.isoformat() == "2026-11-27T17:00:00+08:00"
    assert moment == dt.datetime(2026, 11, 27, 9, tzinfo=dt.UTC)


@pytest.mark.parametrize("stored", [None, "", "yesterday"])
def test_no_time_or_no_time_at_all(stored: str | None) -> None:
    assert devices.moment(stored) is None


@pytest.mark.usefixtures("shanghai")
def test_a_stamped_time_is_shown_local_and_a_cameras_as_written() -> None:
    """What the signing dialog, the evidence, the merge history and the printed record show:
    the program's UTC stamps in China's time, a camera's clock (no offset) as it was."""
    assert devices.shown_time("2026-11-27T09:00:00+00:00") == "2026-11-27 17:00"
    assert devices.shown_time("2026-11-27T09:00:05+00:00", seconds=True) == "2026-11-27 17:00:05"
    assert devices.shown_time("2018-09-12T09:30:00") == "2018-09-12 09:30"
    assert devices.shown_time(None) == devices.shown_time("") == ""
    assert devices.shown_time("yesterday") == "yesterday"
