"""An inspector enters where and when the county was inspected: saved as the inspector's own
record, refused with the field's name when wrong, covered by the record's signatures, and
printed as entered (the record says 未填写 while nothing is)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from db import admission, versions
from desktop import paths
from desktop.core.errors import InputError
from desktop.core.visits import Visit
from desktop.services import documents, inspection, visits, workspace

COUNTY = "341502"
D = dt.date(2026, 9, 12)
STROKES = [[[0.1, 0.1], [0.5, 0.4], [0.9, 0.2]]]


def test_a_visit_is_entered_changed_and_read_back(field: workspace.Workspace) -> None:
    assert visits.visit(field, COUNTY) is None
    assert visits.save(field, COUNTY, "金安区政务服务中心", D, D + dt.timedelta(days=1))
    assert visits.visit(field, COUNTY) == Visit("金安区政务服务中心", D, D + dt.timedelta(days=1))
    assert not visits.save(field, COUNTY, "金安区政务服务中心", D, D + dt.timedelta(days=1))  # nothing new: nothing written
    assert visits.save(field, COUNTY, "  金安区  人民政府 ", D, D)  # spaces as typed, made one line
    assert visits.of_county(field, COUNTY) == {"张三": Visit("金安区 人民政府", D, D)}


@pytest.mark.parametrize(("place", "first", "last", "code"), [
    ("", D, D, "no_place"),
    ("金安区", D, D - dt.timedelta(days=1), "day_order"),
    ("金安区", D, D + dt.timedelta(days=200), "too_long"),
])
def test_a_wrong_visit_is_refused_saying_why(field: workspace.Workspace, place: str, first: dt.date, last: dt.date, code: str) -> None:
    with pytest.raises(InputError) as caught:
        visits.save(field, COUNTY, place, first, last)
    assert caught.value.problems[0].code == code
    assert visits.visit(field, COUNTY) is None


def test_the_admission_check_refuses_what_the_form_would_refuse(field: workspace.Workspace) -> None:
    """Written below the service, a bad visit still does not get in (the value rule)."""
    payload = {"county": COUNTY, "inspector": "张三", "place": "金安区", "first_day": "2026-09-13", "last_day": "2026-09-12"}
    with field.write() as conn, pytest.raises(admission.Inadmissible) as caught:
        versions.put(conn, field.database.signer(paths.keys_dir(), conn), entity="visit",
                     record_id=visits.visit_id(field, COUNTY, "张三"), payload=payload)
    assert caught.value.rule == "value"


def test_the_signatures_cover_the_place_and_dates(field: workspace.Workspace) -> None:
    inspection.save_item(field, COUNTY, "1.1.1", score=Decimal(3), comment="", findings=[])
    visits.save(field, COUNTY, "金安区政务服务中心", D, D)
    inspection.sign(field, COUNTY, signer_role="liaison", signer_name="王主任", strokes=STROKES, png=b"\x89PNG")
    assert inspection.signatures(field, COUNTY)["liaison"].current
    visits.save(field, COUNTY, "金安区人民政府办公室", D, D)
    assert not inspection.signatures(field, COUNTY)["liaison"].current  # what was signed said another place
    visits.save(field, COUNTY, "金安区政务服务中心", D, D)
    assert inspection.signatures(field, COUNTY)["liaison"].current


def test_the_record_prints_them_as_entered_and_says_when_they_are_not(field: workspace.Workspace) -> None:
    county = field.campaign.county(COUNTY)
    blank = documents.inspection_record(field, county)
    assert (blank.place, blank.dates) == ("未填写", "未填写")
    inspection.save_item(field, COUNTY, "1.1.1", score=Decimal(3), comment="", findings=[])
    written = documents.inspection_record(field, county)
    today = dt.date.today().isoformat()  # the work was just written: the record says so, not that it was entered
    assert (written.place, written.dates) == ("未填写", f"未填写（记录写于 {today}）")
    visits.save(field, COUNTY, "金安区政务服务中心", D, D + dt.timedelta(days=1))
    entered = documents.inspection_record(field, county)
    assert (entered.place, entered.dates) == ("金安区政务服务中心", "2026-09-12 至 2026-09-13")


def test_the_form_offers_the_days_the_work_was_written(field: workspace.Workspace) -> None:
    assert visits.suggested(field, COUNTY, today=D) == Visit("", D, D)
    inspection.save_item(field, COUNTY, "1.1.1", score=Decimal(3), comment="", findings=[])
    today = dt.date.today()
    assert visits.suggested(field, COUNTY, today=D) == Visit("", today, today)
