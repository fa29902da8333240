"""Timing rules: was the post published inside the agreed window, and did it stay the newest post in its
channel for `top_hours`? Pure, no I/O. All times are aware datetimes (UTC).

- The window is [publish_at − before, publish_at + after] (minutes from the merged terms; evaluate.py
  uses 0 before and 60 after when the terms say nothing).
- `too_early` (fail): published before the window opens. expected "≤ 30 min before 2026-12-01T09:00Z",
  actual "45 min before" (minutes from the agreed time, a started minute counted whole).
- `too_late` (fail): published after the window closes. expected "≤ 60 min after 2026-12-01T09:00Z",
  actual "87 min after". `minutes_late` — what the late penalty is charged on — counts from the
  window's END, rounded UP to whole minutes: 26 min 1 s after the end is 27 minutes late.
- `pushed_down` (fail): a newer post appeared in the channel before published_at + top_hours.
  expected "≥ 3 h on top", actual "47 min on top" (whole minutes, rounded down).
When the publication time is unknown (a page that does not show it) the window is not checked.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from chalicelib.placements.rules.findings import Finding, fail

MINUTE = timedelta(minutes=1)


def stamp(moment: datetime) -> str:
    """2026-12-01T09:00Z (seconds shown only when there are some)."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ" if utc.second else "%Y-%m-%dT%H:%MZ")


def _ceil_minutes(span: timedelta) -> int:
    """A positive span in whole minutes, a started minute counted whole."""
    return -(-span // MINUTE)


def window(publish_at: datetime, before_minutes: int, after_minutes: int) -> tuple[datetime, datetime]:
    """The publish window [opens, closes]."""
    return publish_at - timedelta(minutes=before_minutes), publish_at + timedelta(minutes=after_minutes)


def minutes_outside(published_at: datetime, publish_at: datetime, before_minutes: int, after_minutes: int) -> int:
    """How far outside the window the post appeared, in whole minutes rounded away from the window:
    negative = that many minutes before it opened, positive = after it closed (minutes late), 0 inside."""
    opens, closes = window(publish_at, before_minutes, after_minutes)
    if published_at < opens:
        return -_ceil_minutes(opens - published_at)
    if published_at > closes:
        return _ceil_minutes(published_at - closes)
    return 0


def timing_findings(published_at: datetime | None, publish_at: datetime, before_minutes: int, after_minutes: int,
                    *, top_hours: int | None = None, next_post_at: datetime | None = None,
                    window_checked: bool = True) -> list[Finding]:
    """too_early / too_late (when `window_checked` and the time is known) and pushed_down."""
    if published_at is None:
        return []
    found = []
    outside = minutes_outside(published_at, publish_at, before_minutes, after_minutes)
    if window_checked and outside < 0:
        found.append(fail("too_early", f"≤ {before_minutes} min before {stamp(publish_at)}",
                          f"{_ceil_minutes(publish_at - published_at)} min before"))
    elif window_checked and outside > 0:
        found.append(fail("too_late", f"≤ {after_minutes} min after {stamp(publish_at)}",
                          f"{_ceil_minutes(published_at - publish_at)} min after"))
    if top_hours and next_post_at is not None and next_post_at < published_at + timedelta(hours=top_hours):
        on_top = max(next_post_at - published_at, timedelta(0)) // MINUTE
        found.append(fail("pushed_down", f"≥ {top_hours} h on top", f"{on_top} min on top"))
    return found

