"""A person's notification preferences, read with defaults (the profile page and PATCH /v1/me set them).

  email   approval requests, reminders and alerts by email          (default on; the master switch)
  slack   the same in Slack, when the brand has Slack and the person is linked (default on)
  digest  daily digest: off | email | slack | both                   (default off)
  hour    local hour of the digest                                   (default 8)
  events  per post event (EVENT_KINDS) and way (email, slack): on/off (default all on); an event
          goes by email only when both `email` and its own email switch are on (the same for Slack)

Also pure: who hears of a post event (its author and assignees, never the person who caused it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.core.plain import plain

DIGEST_CHOICES = ("off", "email", "slack", "both")
# what happens to my posts that I hear about (notifications/post_events.py)
EVENT_KINDS = ("approved", "changes_requested", "rejected", "scheduled", "published", "failed")
WAYS = ("email", "slack")


def _default_events() -> dict[str, dict[str, bool]]:
    return {kind: {way: True for way in WAYS} for kind in EVENT_KINDS}


@dataclass(frozen=True)
class Preferences:
    email: bool = True
    slack: bool = True
    digest: str = "off"
    hour: int = 8
    events: dict = field(default_factory=_default_events)

    def wants(self, kind: str, way: str) -> bool:
        """Whether a post event of `kind` goes to the person by `way` (email | slack)."""
        master = self.email if way == "email" else self.slack
        return bool(master) and bool(self.events.get(kind, {}).get(way, True))


def events_of(raw) -> dict[str, dict[str, bool]]:
    """The full per-event map from what is stored (unknown kinds dropped, missing ones on)."""
    stored = raw if isinstance(raw, dict) else {}
    events = _default_events()
    for kind in EVENT_KINDS:
        given = stored.get(kind)
        if isinstance(given, dict):
            for way in WAYS:
                if isinstance(given.get(way), bool):
                    events[kind][way] = given[way]
    return events


def of(user) -> Preferences:
    raw = plain(getattr(user, "notify", None)) or {}
    digest = raw.get("digest") if raw.get("digest") in DIGEST_CHOICES else "off"
    hour = raw.get("hour")
    return Preferences(email=bool(raw.get("email", True)), slack=bool(raw.get("slack", True)), digest=digest,
                       hour=int(hour) if isinstance(hour, (int, float)) and 0 <= int(hour) <= 23 else 8,
                       events=events_of(raw.get("events")))


def merge_events(current: dict, patch: dict | None) -> dict:
    """The per-event map after a partial change: {kind: {way: bool|None}}; None leaves a switch."""
    merged = events_of(current)
    for kind, ways in (patch or {}).items():
        if kind in merged and isinstance(ways, dict):
            for way, on in ways.items():
                if way in WAYS and on is not None:
                    merged[kind][way] = bool(on)
    return merged


def zone_of(user, fallback: str) -> str:
    """The person's time zone for times in messages: their own setting, else the given (brand) zone."""
    return getattr(user, "timezone", None) or fallback


def recipients(author_id: str | None, assignee_ids, actor_id: str | None) -> list[str]:
    """Who hears of an event on a post: its author and assignees (each once, in that order), never
    the person who caused it."""
    people = [author_id, *(assignee_ids or [])]
    return [p for p in dict.fromkeys(people) if p and p != actor_id]


def event_kinds(events, before_status: str | None, after_status: str | None) -> list[str]:
    """The notice kinds a post change makes (content/hooks events → EVENT_KINDS). One notice per change:
    approved with a publish time is `scheduled` (its text says approved and when it goes out);
    an approved post that gets a publish time (only the time changed) is `scheduled` too."""
    events = tuple(events or ())
    if "changes_requested" in events:
        return ["changes_requested"]
    if "rejected" in events:
        return ["rejected"]
    if "scheduled" in events:
        return ["scheduled"]
    if "approved" in events:
        return ["approved"]
    if before_status == "approved" and after_status == "scheduled":
        return ["scheduled"]
    return []
