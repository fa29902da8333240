"""The clock services get injected; tests move time with time-machine instead of patching this."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(instant: datetime) -> str:
    """UTC instant as stored: 2026-11-26T10:00:00.123456Z (sorts lexicographically)."""
    return instant.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def parse_utc(text: str | None) -> datetime | None:
    """A stored UTC instant in either stored form ("…:00Z" or "…:00.123456Z") as an aware datetime;
    None when absent or unreadable."""
    if not text or not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
