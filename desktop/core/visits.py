"""Where and when an inspector inspected a county (检查地点, 检查日期): what the inspector
enters for the county's record, printed on the 检查记录表 as entered and covered by its
signatures.

One record per county and inspector (entity `visit`, its id the key's). Its payload:
`place` (one line, as the inspector writes it: 某某县政务服务中心), `first_day` and
`last_day` (ISO dates, the first no later than the last). `refusal` is the one rule of what
those values may be: the window asks it before saving, the service before writing, and the
admission check of every version, written here or merged (desktop.core.validity).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from desktop.core.campaign_settings import FIRST_YEAR, LAST_YEAR

MAX_PLACE = 100  # characters: a place's name and address on one line of the record
MAX_DAYS = 92  # one inspection of one county spans at most a quarter


@dataclass(frozen=True)
class Visit:
    """An inspector's visit to a county, as entered."""

    place: str
    first_day: dt.date
    last_day: dt.date

    @property
    def days(self) -> str:
        """The dates as the record prints them: one day, or a span."""
        return span(self.first_day, self.last_day)

    def payload(self, county: str, inspector: str) -> dict[str, str]:
        return {
            "county": county, "inspector": inspector, "place": self.place,
            "first_day": self.first_day.isoformat(), "last_day": self.last_day.isoformat(),
        }


def span(first: dt.date, last: dt.date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()} 至 {last.isoformat()}"


# Why a visit is refused, by code (the window says each in Chinese: desktop.ui.messages).
CODES = ("no_place", "place_line", "place_long", "bad_day", "day_order", "too_long")


def _day(value: object, what: str) -> dt.date | tuple[str, str]:
    if not isinstance(value, str):
        return "bad_day", f"the {what} is missing"
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return "bad_day", f"the {what} {value[:20]!r} is not a date (YYYY-MM-DD)"
    if day.isoformat() != value:
        return "bad_day", f"the {what} {value[:20]!r} is not written YYYY-MM-DD"
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return "bad_day", f"the {what} {value} is not between {FIRST_YEAR} and {LAST_YEAR}"
    return day


def refusal(payload: Mapping[str, Any]) -> tuple[str, str] | None:
    """(code, why) a visit's values are not what this program writes, or None."""
    place = payload.get("place")
    if not isinstance(place, str) or not place.strip():
        return "no_place", "the place of inspection is missing"
    if place != place.strip() or "\n" in place or "\t" in place:
        return "place_line", "the place of inspection is not one line without spaces around it"
    if len(place) > MAX_PLACE:
        return "place_long", f"the place of inspection is longer than {MAX_PLACE} characters"
    first = _day(payload.get("first_day"), "first day of inspection")
    if isinstance(first, tuple):
        return first
    last = _day(payload.get("last_day"), "last day of inspection")
    if isinstance(last, tuple):
        return last
    if last < first:
        return "day_order", f"the last day of inspection {last} is before the first {first}"
    if (last - first).days >= MAX_DAYS:
        return "too_long", f"an inspection from {first} to {last} is longer than {MAX_DAYS} days"
    return None


def check_fields(payload: Mapping[str, Any]) -> str | None:
    """Why a visit's values are not what this program writes, or None (the admission check's)."""
    found = refusal(payload)
    return None if found is None else found[1]


def read(payload: Mapping[str, Any]) -> Visit:
    """A stored (admitted) visit's payload as a Visit."""
    return Visit(str(payload["place"]), dt.date.fromisoformat(payload["first_day"]), dt.date.fromisoformat(payload["last_day"]))


def combined(visits: Iterable[Visit]) -> tuple[str, str]:
    """(places, days) of several inspectors' visits to one county, as the lead's record of
    every inspector prints them: each place once in the order first visited, the days from
    the first visit's first to the last one's last."""
    ordered = sorted(visits, key=lambda v: (v.first_day, v.last_day, v.place))
    if not ordered:
        return "", ""
    places = list(dict.fromkeys(v.place for v in ordered))
    return "；".join(places), span(ordered[0].first_day, max(v.last_day for v in ordered))


__all__ = ["CODES", "MAX_DAYS", "MAX_PLACE", "Visit", "check_fields", "combined", "read", "refusal", "span"]
