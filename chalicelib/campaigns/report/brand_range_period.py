"""The range of the brand's report (brand_range.py) and what it lists: the days asked for as UTC instants, and
the listing rule for one publication or placement.

The range: days `first`..`last` of the brand's zone, both included — from `first` 00:00 to the midnight that
ends `last`, local time (DST-correct, core/schedule). Days are YYYY-MM-DD (digits only) in the years
1970..2100; at most 366 days; `first` ≤ `last`. With one end only, the week that starts (or ends) there;
with neither, the last full week, Monday to Sunday, before today in the brand's zone.

What is listed. A post or placement may go out later (or earlier) than planned — a blogger days late, a
retried publication, a manual one marked published later — by at most MAX_LATE (62 days); anything further
from its planned time is not found (the reads, brand_range_reads.py, look that far around the range). The
rule, for each publication target of a post and for each placement:
- it went out within the range (published_at inside) → listed, counted as gone out, with what it brought;
- it was due within the range (the planned time inside) and has not gone out (yet) → listed, not gone out
  (failed, missed, late …: the page shows the state); a placement keeps its cost;
- it was due within the range and went out after its end → listed, marked "went out late" with when; what
  it brought (metrics, clicks, conversions, cost) counts in the range in which it went out, not here — so
  adding up consecutive ranges counts nothing twice;
- it went out before the range, or was neither due nor gone out in it → not listed.
A cancelled placement is never listed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from chalicelib.core import i18n

MAX_DAYS = 366
MAX_LATE = dt.timedelta(days=62)  # the furthest from its planned time a post or placement is still found
FIRST_YEAR, LAST_YEAR = 1970, 2100  # the years a range's days may fall in
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # YYYY-MM-DD, ASCII digits only (no week dates, no ordinals)
CANCELLED = "cancelled"


# --- the range -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Range:
    first: dt.date
    last: dt.date
    zone: str
    start: dt.datetime  # UTC, included
    end: dt.datetime  # UTC, excluded

    def holds(self, stamp: str | None) -> bool:
        from chalicelib.core.clock import parse_utc

        moment = parse_utc(stamp) if stamp else None
        return moment is not None and self.start <= moment < self.end

    def after(self, stamp: str | None) -> bool:
        """`stamp` is at or after the range's end."""
        from chalicelib.core.clock import parse_utc

        moment = parse_utc(stamp) if stamp else None
        return moment is not None and moment >= self.end


def today_in(zone: str) -> dt.date:
    from chalicelib.core.clock import utcnow

    return utcnow().astimezone(_zone(zone)).date()


def _zone(zone: str):
    from chalicelib.core.schedule import zone_info

    return zone_info(zone)


def local_day(stamp: str | None, zone: str) -> str:
    """The day (YYYY-MM-DD) of a stored UTC instant in `zone`, or "" without one."""
    from chalicelib.core.clock import parse_utc

    moment = parse_utc(stamp) if stamp else None
    return moment.astimezone(_zone(zone)).date().isoformat() if moment else ""


def last_full_week(today: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the last week that has ended before `today`."""
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return monday, monday + dt.timedelta(days=6)


def _problem(field_name: str, key: str, language: str, **params):
    from chalicelib.core.errors import ValidationFailed

    message = i18n.translate(key, language, **params)
    return ValidationFailed(message, details=[{"field": field_name, "message": message}])


def _day(text: str | None, field_name: str, language: str) -> dt.date | None:
    """A day of the range (`from` or `to`), or None when not given; 422 naming the field otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if not DAY.fullmatch(text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise _problem(field_name, f"brand_report.error.day_{field_name}", language) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _problem(field_name, f"brand_report.error.year_{field_name}", language, first=FIRST_YEAR,
                       last=LAST_YEAR)
    return day


def parse_range(first_text: str | None, last_text: str | None, zone: str, language: str) -> Range:
    """The range asked for (YYYY-MM-DD, both included), or the last full week when neither is given; a missing
    end is the other end's week edge (computed once the given end is known to be a good day).
    ValidationFailed (422) naming the field (`from`, `to`) for a bad day or range."""
    from chalicelib.core.schedule import to_utc

    first, last = _day(first_text, "from", language), _day(last_text, "to", language)
    if first is None and last is None:
        first, last = last_full_week(today_in(zone))
    elif first is None:
        first = last - dt.timedelta(days=6)
    elif last is None:
        last = first + dt.timedelta(days=6)
    if first > last:
        raise _problem("to", "brand_report.error.order", language)
    if (last - first).days + 1 > MAX_DAYS:
        raise _problem("to", "brand_report.error.too_long", language, days=MAX_DAYS)
    start = to_utc(dt.datetime.combine(first, dt.time()), zone)
    end = to_utc(dt.datetime.combine(last + dt.timedelta(days=1), dt.time()), zone)
    return Range(first=first, last=last, zone=zone, start=start, end=end)


# --- the listing rule ------------------------------------------------------------------------------------

def went_out_in(published_at: str | None, rng: Range) -> bool:
    return rng.holds(published_at)


def went_out_late(planned_at: str | None, published_at: str | None, rng: Range) -> bool:
    """Due within the range and gone out after its end."""
    return rng.holds(planned_at) and rng.after(published_at)


def listed(planned_at: str | None, published_at: str | None, rng: Range) -> bool:
    """The listing rule (see the module's docstring) for one publication or placement: gone out in the range,
    due in it and not gone out, or due in it and gone out after it."""
    if published_at:
        return went_out_in(published_at, rng) or went_out_late(planned_at, published_at, rng)
    return rng.holds(planned_at)


def out_at(target) -> str | None:
    """When a publication target went out: its published_at once published, else None."""
    return target.published_at if target.state == "published" else None
