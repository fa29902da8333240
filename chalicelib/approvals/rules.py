"""Approval deadlines, the follow-up plan of a stage, and the next free publishing slot. Pure: no
I/O, no clock.

  deadline of a stage = publish time − the stage's lead time (hours, from the chain);
                        no publish time → the post's internal due date (a date alone means the end
                        of that day in the brand's zone); neither → no deadline.
  plan of a stage     = ask every approver now; remind those still waiting at each offset before
                        the deadline (REMINDER_OFFSETS_HOURS, default 24 h and 2 h) that is still
                        ahead; escalate when the deadline passes. No deadline → only the ask.
  next free slot      = (the `next_slot` on-miss policy of a chain) Greenlight has no per-channel
                        posting grid yet, so a slot is a whole local hour inside publishing hours
                        (08:00–22:00 in the post's zone) in which none of the post's channels has
                        another post planned.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from chalicelib.core import schedule
from chalicelib.core.clock import parse_utc


@dataclass(frozen=True)
class FollowUp:
    kind: str  # ask | remind | escalate
    due: datetime  # aware UTC
    offset_hours: int | None = None  # reminders: hours before the deadline


def due_date_instant(due_at: str, zone: str) -> datetime:
    """An internal due date 'YYYY-MM-DD' (end of that day) or 'YYYY-MM-DDTHH:MM' in `zone`, as UTC."""
    if len(due_at) == 10:
        day = datetime.fromisoformat(due_at).date()
        return (datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=schedule.zone_info(zone))
                .astimezone(UTC) - timedelta(minutes=1))
    return schedule.resolve(due_at, zone).utc


def stage_deadline(*, publish_at: str | None, due_at: str | None, zone: str, lead_hours: int) -> datetime | None:
    """The deadline of a stage (aware UTC) or None."""
    if publish_at:
        return parse_utc(publish_at) - timedelta(hours=lead_hours)
    if due_at:
        return due_date_instant(due_at, zone)
    return None


def plan(deadline: datetime | None, now: datetime, offsets_hours: tuple[int, ...], *,
         ask: bool = True) -> list[FollowUp]:
    """What to send for a stage that starts now (ask=True) or whose deadline just moved (ask=False).
    A reminder whose time has already passed is skipped (the ask, or the earlier reminder, said it);
    a deadline already past escalates at once."""
    steps: list[FollowUp] = [FollowUp("ask", now)] if ask else []
    if deadline is None:
        return steps
    for hours in sorted(set(offsets_hours), reverse=True):
        at = deadline - timedelta(hours=hours)
        if at > now:
            steps.append(FollowUp("remind", at, hours))
    steps.append(FollowUp("escalate", max(deadline, now)))
    return steps


def overdue(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and now >= deadline


# --- the next free slot (on-miss policy next_slot) ---------------------------------------------

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
