"""A person's notification preferences, read with defaults (the profile page and PATCH /v1/me set them).

  email   approval requests, reminders and alerts by email          (default on)
  slack   the same in Slack, when the brand has Slack and the person is linked (default on)
  digest  daily digest: off | email | slack | both                   (default off)
  hour    local hour of the digest                                   (default 8)
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.plain import plain

DIGEST_CHOICES = ("off", "email", "slack", "both")


@dataclass(frozen=True)
class Preferences:
    email: bool = True
    slack: bool = True
    digest: str = "off"
    hour: int = 8


def of(user) -> Preferences:
    raw = plain(getattr(user, "notify", None)) or {}
    digest = raw.get("digest") if raw.get("digest") in DIGEST_CHOICES else "off"
    hour = raw.get("hour")
    return Preferences(email=bool(raw.get("email", True)), slack=bool(raw.get("slack", True)), digest=digest,
                       hour=int(hour) if isinstance(hour, (int, float)) and 0 <= int(hour) <= 23 else 8)


def zone_of(user, fallback: str) -> str:
    """The person's time zone for times in messages: their own setting, else the given (brand) zone."""
    return getattr(user, "timezone", None) or fallback
