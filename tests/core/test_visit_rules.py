"""检查地点 and 检查日期 as an inspector enters them: the one rule of what they may be, and how
several inspectors' visits print on the lead's record."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.core import visits
from desktop.core.visits import Visit

D = dt.date(2026, 9, 12)


def payload(**kw: object) -> dict[str, object]:
    return {"county": "341502", "inspector": "张三", "place": "金安区政务服务中心",
            "first_day": "2026-09-12", "last_day": "2026-09-13", **kw}


def test_a_place_and_a_span_of_days_are_a_visit() -> None:
    assert visits.check_fields(payload()) is None
    assert visits.check_fields(payload(last_day="2026-09-12")) is None  # one day
    assert visits.read(payload()) == Visit("金安区政务服务中心", D, D + dt.timedelta(days=1))
    assert Visit("x", D, D).days == "2026-09-12"
    assert Visit("x", D, D + dt.timedelta(days=2)).days == "2026-09-12 至 2026-09-14"


@pytest.mark.parametrize(("change", "says"), [
    ({"place": ""}, "missing"),
    ({"place": "   "}, "missing"),
    ({"place": " 金安区"}, "one line"),
    ({"place": "金安区\n政务服务中心"}, "one line"),
    ({"place": "长" * (visits.MAX_PLACE + 1)}, "longer"),
    ({"first_day": "2026-9-12"}, "YYYY-MM-DD"),
    ({"first_day": "2026-02-30"}, "not a date"),
    ({"first_day": 20260912}, "missing"),
    ({"last_day": "2026-09-11"}, "before"),
    ({"first_day": "1066-10-14", "last_day": "1066-10-14"}, "between"),
    ({"last_day": "2027-01-01"}, "longer than"),
])
def test_what_is_not_a_visit_says_why(change: dict[str, object], says: str) -> None:
    why = visits.check_fields(payload(**change))
    assert why is not None and says in why, why
    code = visits.refusal(payload(**change))
    assert code is not None and code[0] in visits.CODES


def test_several_inspectors_visits_print_as_one_place_list_and_one_span() -> None:
    a = Visit("金安区政务服务中心", D + dt.timedelta(days=1), D + dt.timedelta(days=2))
    b = Visit("金安区人民政府办公室", D, D)
    c = Visit("金安区政务服务中心", D, D + dt.timedelta(days=1))
    assert visits.combined([a, b, c]) == ("金安区人民政府办公室；金安区政务服务中心", "2026-09-12 至 2026-09-14")
    assert visits.combined([b]) == ("金安区人民政府办公室", "2026-09-12")
    assert visits.combined([]) == ("", "")
