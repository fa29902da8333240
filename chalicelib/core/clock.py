"""The time: now, and the one form every UTC instant is stored and compared in.

    iso(instant)   -> "2026-11-26T10:00:00.000000Z"   fixed width, so stored instants sort and compare
                      as strings (queue keys, calendar ranges, expiry checks); microseconds, so two
                      changes in one second still differ (optimistic locks on `updated_at`)
    parse_utc(text) -> the aware datetime back (also reads the whole-second form older data has)

Tests move time with time-machine instead of patching this.
"""
from __future__ import annotations

from datetime import datetime, timezone

ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(instant: datetime) -> str:
    """An aware instant as stored: 2026-11-26T10:00:00.000000Z (UTC; sorts lexicographically)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("iso needs an aware datetime (with tzinfo); got a naive one.")
    return instant.astimezone(timezone.utc).strftime(ISO_FORMAT)


def parse_utc(text: str | None) -> datetime | None:
    """A stored UTC instant ("…:00.000000Z", or "…:00Z" as older items have it) as an aware datetime;
    None when absent or unreadable."""
    if not text or not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
