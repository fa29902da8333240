"""A snapshot's `taken_at` as people write it, read into an aware UTC instant. Pure: no I/O, no clock.

    read_instant(text)     "2026-12-01T09:00:00Z", "2026-12-01 09:00", "…+03:00" (no zone: UTC) — the API and
                           the CSV
    read_wall(text, zone)  "2026-12-01T12:00" as the clock in `zone` shows it (a datetime-local input: the page)

Both answer None for what is not a time, and for times at the very edges of the calendar that cannot be
moved into UTC (year 1 with a positive offset, year 9999 with a negative one). Whether a time is acceptable
for a snapshot (not before rules/metrics.EARLIEST, not in the future) is the caller's question.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WALL = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?", re.ASCII)


def read_instant(text: str) -> datetime | None:
    """2026-12-01T09:00:00Z, 2026-12-01 09:00, …+03:00 → an aware UTC datetime (no zone: UTC); None if unreadable
    or not representable in UTC."""
    text = text.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" else text)
        return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError):
        return None


def read_wall(text: str, zone: str) -> datetime | None:
    """A local wall time without an offset ("2026-12-01T12:00", seconds optional) on the clock of `zone` (an IANA
    name) → an aware UTC datetime; None if unreadable. A time the clock skips (spring forward) is read with the
    offset before the change, a time it shows twice (fall back) as the first one, as core/schedule.py does."""
    text = text.strip()
    if not _WALL.fullmatch(text):
        return None
    try:
        wall = datetime.fromisoformat(text)
        return wall.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
    except (ValueError, OverflowError, ZoneInfoNotFoundError):
        return None
