"""Planned publish times: local wall time + IANA zone in, a UTC instant out. Pure: no I/O, no clock.

A post is planned as what the brand's audience sees on the clock — "2026-11-26T10:00" in
"Europe/Berlin" — and we store exactly that pair. The UTC instant is derived from it with the zone's
rules, so a post planned for 10:00 stays at 10:00 local time across daylight-saving changes
(09:00Z in January, 08:00Z in July for Berlin).

Two wall times need a rule, because the local clock skips or repeats an hour:

- Nonexistent (spring forward, a gap): 2027-03-28 02:30 never shows on a Berlin clock, which jumps
  from 02:00 to 03:00. We take the UTC offset in force *before* the gap (PEP 495 fold=0), which lands
  where the clock would be had it moved forward: 02:30 → 03:30 local (01:30Z). `Resolved.adjusted`
  is True, `Resolved.wall` is the time that will really show (03:30) and `note` says so.
- Ambiguous (fall back, a fold): 2026-10-25 02:30 shows twice in Berlin. We take the first one, the
  summer-time one (fold=0): 02:30 CEST = 00:30Z. `Resolved.ambiguous` is True and `note` says so.

Errors are `InvalidSchedule`: a `ValueError` for plain callers and a `ValidationFailed` (422) for the
API, with `details` naming the field ("wall" or "zone").
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from chalicelib.core.clock import parse_utc
from chalicelib.core.errors import ValidationFailed

WALL_FORMAT = "%Y-%m-%dT%H:%M"
MIN_YEAR, MAX_YEAR = 1970, 2100
_WALL = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?", re.ASCII)
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)


class InvalidSchedule(ValidationFailed, ValueError):
    """A planned time or zone that cannot be used; `details[0]["field"]` is "wall" or "zone"."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message, details=[{"field": field, "message": message}])


@dataclass(frozen=True)
class Resolved:
    """A planned time, resolved. Store (`wall`, `zone`); `utc` is derived from them."""

    utc: datetime  # aware, UTC
    wall: str  # YYYY-MM-DDTHH:MM as the local clock will show it (moved forward if in a gap)
    zone: str
    adjusted: bool  # the requested time fell into a gap and was moved forward
    ambiguous: bool  # the requested time happens twice; the first occurrence was taken
    note: str | None  # a plain-English sentence for the user when adjusted or ambiguous


def parse_wall_time(text: str) -> datetime:
    """'2026-11-26T10:00' → naive datetime(2026, 11, 26, 10, 0).

    A space instead of 'T' and a ':00' seconds part (some browsers send one) are accepted; other
    seconds, UTC offsets and 'Z' are refused — the zone is chosen separately.
    """
    example = "expected YYYY-MM-DDTHH:MM, for example 2026-11-26T10:00"
    if not isinstance(text, str) or not text.strip():
        raise InvalidSchedule(f"The planned time is empty; {example}.", field="wall")
    text = text.strip()
    match = _WALL.fullmatch(text)
    if match is None:
        if _OFFSET.search(text) and _WALL.match(text):
            raise InvalidSchedule(f"'{text}' carries a UTC offset; give the local time only "
                                  f"({example}) and choose the time zone separately.", field="wall")
        raise InvalidSchedule(f"'{text}' is not a planned time; {example}.", field="wall")
    year, month, day, hour, minute = (int(part) for part in match.groups()[:5])
    if match.group(6) not in (None, "00"):
        raise InvalidSchedule(f"'{text}' has seconds; planned times are whole minutes ({example}).", field="wall")
    if not 1 <= month <= 12:
        raise InvalidSchedule(f"'{text}' has month {month}; months run from 01 to 12.", field="wall")
    if hour > 23:
        raise InvalidSchedule(f"'{text}' has hour {hour}; hours run from 00 to 23.", field="wall")
    if minute > 59:
        raise InvalidSchedule(f"'{text}' has minute {minute}; minutes run from 00 to 59.", field="wall")
    try:
        wall = datetime(year, month, day, hour, minute)
    except ValueError:
        raise InvalidSchedule(f"'{text}' is not a real date: {year}-{month:02d} has no day {day}.",
                              field="wall") from None
    _check_year(wall)
    return wall


@functools.lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Every IANA zone name the tz database here knows (read once; it is a directory walk)."""
    return frozenset(available_timezones())


def zone_info(zone: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name such as 'Europe/Berlin', or InvalidSchedule with a hint."""
    if not isinstance(zone, str) or not zone.strip():
        raise InvalidSchedule("The time zone is empty; give an IANA name such as Europe/Berlin.", field="zone")
    if zone not in known_zones():
        hint = next((name for name in known_zones() if name.lower() == zone.strip().lower()), None)
        suffix = f" Did you mean {hint}?" if hint else " Use an IANA name such as Europe/Berlin or America/New_York."
        raise InvalidSchedule(f"'{zone}' is not a time zone we know.{suffix}", field="zone")
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSchedule(f"'{zone}' is not a time zone we know.", field="zone") from None


def to_utc(wall: datetime, zone: str) -> datetime:
    """The UTC instant of a local wall time (naive) in `zone`; gaps move forward, folds take the first."""
    return _resolve(wall, zone)[0]


def resolve(wall_text: str, zone: str) -> Resolved:
    """Parse, validate and resolve a planned time; see the module docstring for gaps and folds."""
    wall = parse_wall_time(wall_text)
    utc, adjusted, ambiguous = _resolve(wall, zone)
    shown = to_wall(utc, zone)
    note = None
    if adjusted:
        jump = _offset(wall, zone, fold=1) - _offset(wall, zone, fold=0)
        note = (f"{_human(wall)} does not exist in {zone}: the clocks move forward {_duration(jump)} that "
                f"night. The post is planned for {_human(parse_wall_time(shown))} local time "
                f"({_utc_text(utc, wall)}) instead.")
    elif ambiguous:
        first = wall.replace(tzinfo=ZoneInfo(zone), fold=0)
        note = (f"{_human(wall)} happens twice in {zone}, because the clocks go back that night. The post "
                f"is planned for the first one, {first.strftime('%H:%M')} {first.tzname()} ({_utc_text(utc, wall)}).")
    return Resolved(utc=utc, wall=shown, zone=zone, adjusted=adjusted, ambiguous=ambiguous, note=note)


def to_wall(utc: datetime, zone: str) -> str:
    """An aware instant as the local clock in `zone` shows it: 'YYYY-MM-DDTHH:MM' (seconds dropped)."""
    if utc.tzinfo is None or utc.utcoffset() is None:
        raise ValueError("to_wall needs an aware datetime (with tzinfo); got a naive one.")
    return utc.astimezone(zone_info(zone)).strftime(WALL_FORMAT)


def local_label(utc_text_or_dt, zone: str) -> str:
    """'2026-11-27 10:00 (Europe/Berlin)' for an instant, in a zone."""
    if utc_text_or_dt is None:
        return ""
    instant = utc_text_or_dt if isinstance(utc_text_or_dt, datetime) else parse_utc(str(utc_text_or_dt))
    return f"{to_wall(instant, zone).replace('T', ' ')} ({zone})"


# ---- helpers ---------------------------------------------------------------------------------

def _resolve(wall: datetime, zone: str) -> tuple[datetime, bool, bool]:
    """(utc, adjusted, ambiguous) for a naive wall time."""
    if wall.tzinfo is not None:
        raise ValueError("A wall time is naive (no tzinfo); the zone is given separately.")
    _check_year(wall)
    tz = zone_info(zone)
    wall = wall.replace(fold=0)
    local = wall.replace(tzinfo=tz)  # fold=0: before a gap's offset, a fold's first occurrence
    utc = local.astimezone(UTC)
    exists = utc.astimezone(tz).replace(tzinfo=None) == wall
    ambiguous = exists and _offset(wall, zone, fold=0) != _offset(wall, zone, fold=1)
    return utc, not exists, ambiguous


def _offset(wall: datetime, zone: str, *, fold: int) -> timedelta:
    return wall.replace(tzinfo=ZoneInfo(zone), fold=fold).utcoffset()


def _check_year(wall: datetime) -> None:
    if not MIN_YEAR <= wall.year <= MAX_YEAR:
        raise InvalidSchedule(f"The year {wall.year} is out of range; plan between {MIN_YEAR} and {MAX_YEAR}.",
                              field="wall")


def _human(wall: datetime) -> str:
    return wall.strftime("%Y-%m-%d %H:%M")


def _utc_text(utc: datetime, wall: datetime) -> str:
    """'01:30 UTC', with the date too when the UTC date differs from the local one."""
    return f"{utc:%H:%M} UTC" if utc.date() == wall.date() else f"{utc:%Y-%m-%d %H:%M} UTC"


def _duration(delta: timedelta) -> str:
    minutes = abs(int(delta.total_seconds())) // 60
    hours, minutes = divmod(minutes, 60)
    if minutes == 0:
        return f"{hours} hour" + ("s" if hours != 1 else "")
    if hours == 0:
        return f"{minutes} minutes"
    return f"{hours} h {minutes} min"
