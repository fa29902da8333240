"""The next free publishing slot of a set of channels. Pure: no I/O, no clock.

Greenlight has no per-channel posting grid yet, so a slot is a whole local hour inside publishing
hours (08:00–22:00 in the post's zone) in which none of the post's channels has another post
planned. Used by the `next_slot` on-miss policy of approval chains.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.core import schedule

DAY_START, DAY_END = 8, 22  # local hours [start, end) that count as publishing hours
HORIZON = timedelta(days=14)


def hour_of(instant: datetime) -> datetime:
    return instant.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def next_free_slot(earliest: datetime, zone: str, channel_ids: set[str],
                   busy: dict[datetime, set[str]]) -> datetime | None:
    """The first whole hour at or after `earliest` (aware) inside publishing hours in `zone` where no
    channel of `channel_ids` is busy. busy: UTC hour start -> channel ids with a post in that hour.
    None when nothing is free within 14 days."""
    tz = schedule.zone_info(zone)
    candidate = hour_of(earliest)
    if candidate < earliest:
        candidate += timedelta(hours=1)
    end = earliest + HORIZON
    while candidate <= end:
        local_hour = candidate.astimezone(tz).hour
        if DAY_START <= local_hour < DAY_END and not (busy.get(candidate, set()) & channel_ids):
            return candidate
        candidate += timedelta(hours=1)
    return None
