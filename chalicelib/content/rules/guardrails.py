"""Guardrails on planning a post (docs/post-form.md). Pure: no I/O, the clock comes in as `now`.

    past        a publish time before the current minute is refused on create, edit and submit,
                unless the author asked for "publish now" (the time becomes the current minute)
    channels    a post goes into review only with at least one channel
    clash       another post of the brand on the same channel less than `clash_minutes` away warns
                (a notice in the answer, never a refusal); 0 turns the check off
    zones       a time zone is chosen from a list of IANA names: common ones first, then by region
                (`zone_groups`, with `clash_minutes`, lives in brands/planning.py: the brand's pages use it)

Each refusal is a `Guard` with a `code` and `params`, so pages and the API can say it in the
reader's language (keys `guard.<code>` in chalicelib/core/i18n/*/post_form.json).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.brands.planning import (  # noqa: F401 - the brand's side of the guardrails, re-exported
    COMMON_ZONES,
    DEFAULT_CLASH_MINUTES,
    MAX_CLASH_MINUTES,
    clash_minutes,
    zone_groups,
)


@dataclass(frozen=True)
class Guard:
    """One guardrail a change breaks: `field` of the form/API, `code` → the message `guard.<code>`."""

    field: str
    code: str
    params: dict

    def detail(self, message: str) -> dict:
        return {"field": self.field, "code": self.code, "message": message, "params": dict(self.params)}


# --- past times and "publish now" -----------------------------------------------------------------

def current_minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def is_past(publish_at: datetime | None, now: datetime) -> bool:
    """Before the current minute (a time picked in the current minute is not past: forms pick minutes)."""
    return publish_at is not None and publish_at < current_minute(now)


def check_time(publish_at: datetime | None, now: datetime, *, publish_now: bool, wall: str | None = None,
               zone: str | None = None) -> Guard | None:
    """A past publish time is refused unless the author chose "publish now"."""
    if publish_now or not is_past(publish_at, now):
        return None
    return Guard("publish_at", "past", {"wall": (wall or "").replace("T", " "), "zone": zone or ""})


def check_submit(channel_ids: list[str], publish_at: datetime | None, now: datetime, *,
                 publish_now: bool, wall: str | None = None, zone: str | None = None,
                 needs_channel: bool = True) -> list[Guard]:
    """What stops a post from going into review: no channel (where the brand publishes it); a publish
    time that has passed."""
    guards = []
    if needs_channel and not channel_ids:
        guards.append(Guard("channel_ids", "no_channel", {}))
    late = check_time(publish_at, now, publish_now=publish_now, wall=wall, zone=zone)
    if late is not None:
        guards.append(Guard("publish_at", "submit_past", late.params))
    return guards


# --- clashes on a channel --------------------------------------------------------------------------

@dataclass(frozen=True)
class Other:
    """Another post of the brand as the calendar index returns it."""

    id: str
    title: str
    publish_at: datetime
    channel_ids: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class Clash:
    post_id: str
    title: str
    channel_id: str
    publish_at: datetime
    minutes: int  # how far apart, rounded down


def clash_window(publish_at: datetime, minutes: int) -> tuple[datetime, datetime]:
    """The instants to query the calendar index between (both ends inclusive in the query; the strict
    "less than N minutes apart" is `find_clashes`'s)."""
    return publish_at - timedelta(minutes=minutes), publish_at + timedelta(minutes=minutes)


def find_clashes(post_id: str, publish_at: datetime | None, channel_ids: list[str], others: list[Other],
                 minutes: int) -> list[Clash]:
    """Other live posts on one of `channel_ids` less than `minutes` from `publish_at`, nearest first.
    Archived posts and the post itself do not count; one clash per other post (its first shared channel)."""
    if not minutes or publish_at is None or not channel_ids:
        return []
    window = timedelta(minutes=minutes)
    found = []
    for other in others:
        if other.id == post_id or other.status == "archived":
            continue
        apart = abs(other.publish_at - publish_at)
        if apart >= window:
            continue
        shared = next((c for c in channel_ids if c in other.channel_ids), None)
        if shared is None:
            continue
        found.append(Clash(other.id, other.title, shared, other.publish_at, int(apart.total_seconds() // 60)))
    return sorted(found, key=lambda c: (abs(c.publish_at - publish_at), c.post_id))
