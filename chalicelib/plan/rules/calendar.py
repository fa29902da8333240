"""The calendar's pure rules: hour slots of the week view, free-slot hints, the in-memory filters
(tag, campaign, text search) and where a dragged post lands. No I/O: the pages pass plain values.

Free-slot hint (docs/calendar.md): an hour slot of the week view is *free* for a channel when
  - it lies inside the brand's working hours (default Mon–Fri 09:00–18:00 in the brand's zone;
    a brand may set `settings.working_hours = {"start": "HH:MM", "end": "HH:MM", "days": [0..6]}`,
    0 = Monday),
  - it has not started yet (now is before the slot's end),
  - no post at all is planned in that hour (whatever its channel), and
  - no post on that channel is planned within the *nearby* window before the slot starts or after it
    ends: NEARBY_MINUTES (2 h), or the brand's clash window (`settings.clash_minutes`) when that is
    longer, so a hinted slot never draws a clash warning.
The week view marks a slot that is free for at least one channel and names those channels. A brand
without channels gets hints for the slots with no post nearby at all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable

NEARBY_MINUTES = 120
DEFAULT_START, DEFAULT_END = 9, 18
DEFAULT_DAYS = (0, 1, 2, 3, 4)
ANY_CHANNEL = ""  # the one "channel" of a brand without channels: any post counts
MAX_SEARCH = 100

_HOUR = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- working hours and hour rows -------------------------------------------------------------------

@dataclass(frozen=True)
class WorkingHours:
    start: int = DEFAULT_START  # first working hour (slot start)
    end: int = DEFAULT_END      # the hour work stops (the last slot is end - 1)
    days: tuple[int, ...] = DEFAULT_DAYS

    def covers(self, day: date, hour: int) -> bool:
        return day.weekday() in self.days and self.start <= hour < self.end


def _hour_of(text: Any) -> int | None:
    match = _HOUR.match(str(text or "").strip())
    return int(match.group(1)) if match else None


def working_hours(settings: Any) -> WorkingHours:
    """The brand's working hours from its settings map (anything malformed → the defaults)."""
    raw = (settings or {}).get("working_hours") if isinstance(settings, dict) else None
    if not isinstance(raw, dict):
        return WorkingHours()
    start = _hour_of(raw.get("start")) if raw.get("start") is not None else DEFAULT_START
    end = _hour_of(raw.get("end")) if raw.get("end") is not None else DEFAULT_END
    if str(raw.get("end") or "").strip() == "24:00":
        end = 24
    if start is None or end is None or start >= end:
        start, end = DEFAULT_START, DEFAULT_END
    days = raw.get("days")
    if isinstance(days, list) and days and all(isinstance(d, int) and 0 <= d <= 6 for d in days):
        picked = tuple(sorted(set(days)))
    else:
        picked = DEFAULT_DAYS
    return WorkingHours(start, end, picked)


def nearby_minutes(settings: Any) -> int:
    """How far from other posts on a channel a hinted slot keeps: 2 h, or the brand's longer clash window."""
    raw = (settings or {}).get("clash_minutes") if isinstance(settings, dict) else None
    try:
        clash = int(raw) if raw is not None and not isinstance(raw, bool) else 0
    except (TypeError, ValueError):
        clash = 0
    return max(NEARBY_MINUTES, min(clash, 24 * 60))


def hour_rows(post_hours: Iterable[int], hours: WorkingHours) -> list[int]:
    """The hour rows the week view shows: the working hours, widened to every hour that has a post."""
    found = list(post_hours)
    first = min([hours.start, *found])
    last = max([hours.end - 1, *found])
    return list(range(first, last + 1))


# --- free-slot hints -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Placed:
    """A post as the hints see it: its wall time in the brand's zone and its channels."""

    wall: datetime
    channel_ids: tuple[str, ...] = ()


def free_slots(days: Iterable[date], rows: Iterable[int], placed: Iterable[Placed], channel_ids: Iterable[str],
               hours: WorkingHours, now_wall: datetime,
               nearby: int = NEARBY_MINUTES) -> dict[tuple[date, int], list[str]]:
    """(day, hour) -> the channels that slot is free for (see the module docstring); free slots only."""
    placed = list(placed)
    channels = list(channel_ids) or [ANY_CHANNEL]
    busy_hours = {(p.wall.date(), p.wall.hour) for p in placed}
    margin = timedelta(minutes=nearby)
    hints: dict[tuple[date, int], list[str]] = {}
    for day in days:
        for hour in rows:
            if not hours.covers(day, hour) or (day, hour) in busy_hours:
                continue
            start = datetime.combine(day, time(hour))
            end = start + timedelta(hours=1)
            if end <= now_wall:
                continue
            free = [c for c in channels if not any(
                start - margin <= p.wall < end + margin and (c == ANY_CHANNEL or c in p.channel_ids)
                for p in placed)]
            if free:
                hints[(day, hour)] = free
    return hints


# --- filters applied in memory ---------------------------------------------------------------------

def clean_text(text: Any, limit: int = MAX_SEARCH) -> str:
    return " ".join(str(text or "").split())[:limit]


def matches(post: Any, *, tag: str = "", campaign_id: str = "", text: str = "") -> bool:
    """Whether a post (anything with title, body, tags, campaign_id) passes the calendar's in-memory
    filters: a tag (exact, case-insensitive), a campaign, and a text found in the title or the body
    (case-insensitive; every word must occur)."""
    if tag and tag.casefold() not in {str(t).casefold() for t in (getattr(post, "tags", None) or [])}:
        return False
    if campaign_id and (getattr(post, "campaign_id", None) or "") != campaign_id:
        return False
    if text:
        haystack = f"{getattr(post, 'title', '') or ''}\n{getattr(post, 'body', '') or ''}".casefold()
        if not all(word in haystack for word in text.casefold().split()):
            return False
    return True


# --- days the calendar accepts ----------------------------------------------------------------------

FIRST_YEAR, LAST_YEAR = 2000, 2100  # a plan's range: far enough, and no date arithmetic overflows near it


def parse_day(text: Any) -> date | None:
    """A calendar day YYYY-MM-DD in FIRST_YEAR–LAST_YEAR; None for anything else (the calendar's `date`
    query and a move's drop day; 0001-01-01 or 9999-12-31 would overflow the range around it)."""
    day_text = str(text or "").strip()
    if not _DATE.match(day_text):
        return None
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


# --- where a moved post lands ----------------------------------------------------------------------

@dataclass(frozen=True)
class Landing:
    wall: datetime | None = None  # the new wall time in the brand's zone
    error: str | None = None      # an i18n key under calendar.move.error.*


DEFAULT_MOVE_TIME = time(DEFAULT_START)


def landing(date_text: Any, time_text: Any, current_wall: datetime | None) -> Landing:
    """The wall time a post dropped on `date_text` (and, in the week view, `time_text`) gets: a day
    alone keeps the post's time of day (09:00 for a post without one)."""
    day = parse_day(date_text)
    if day is None:
        return Landing(error="date")
    clock = str(time_text or "").strip()
    if clock:
        match = _HOUR.match(clock)
        if not match:
            return Landing(error="time")
        at = time(int(match.group(1)), int(match.group(2)))
    else:
        at = current_wall.time().replace(second=0, microsecond=0) if current_wall else DEFAULT_MOVE_TIME
    return Landing(wall=datetime.combine(day, at))
