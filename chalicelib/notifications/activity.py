"""My activity list: what happened to my posts (post_events.py writes it), read in my language and zone.

    my_activity(principal, cursor, limit) -> Listing (items newest first, each read or unread; cursor)
    unread(principal) -> how many items are unread (at most activity_repo.UNREAD_CAP)
    mark_all_read(principal, until) -> everything up to `until` (default now) is read

Only ever the caller's own items: the key is USER#<the caller> (models.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core import i18n, schedule
from chalicelib.core.errors import NotFound
from chalicelib.identity import repo as user_repo
from chalicelib.identity.principal import Principal
from chalicelib.notifications import activity_repo


@dataclass
class Entry:
    id: str
    kind: str
    text: str
    post_id: str
    post_url: str
    at: str  # UTC instant
    at_local: str  # "2026-12-01 10:00 (Europe/Berlin)"
    unread: bool
    comment: str | None = None


@dataclass
class Listing:
    items: list[Entry]
    cursor: str | None
    unread: int
    read_until: str
    zone: str


def _me(principal: Principal):
    user = user_repo.get(principal.user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def text_of(item, language: str, zone: str) -> str:
    params = {"title": item.title or "—", "actor": item.actor_name or "—", "channel": item.channel or "—",
              "error": item.error or "—",
              "when": schedule.local_label(item.publish_at, zone) if item.publish_at else "—"}
    key = f"activity.{item.kind}"
    if item.kind == "failed" and getattr(item, "target_state", None) in ("unconfirmed", "missed"):
        key = f"activity.failed_{item.target_state}"  # may or may not have gone out / its time passed
    return i18n.translate(key, language, **params)


def my_activity(principal: Principal, cursor: str | None, limit: int | None, *, language: str | None = None) -> Listing:
    from chalicelib.notifications.digest import zone_for

    user = _me(principal)
    language = i18n.normalize(language or user.language)
    zone = zone_for(user)
    until = activity_repo.read_until(user.id)
    found = activity_repo.page(user.id, cursor, limit)
    items = [Entry(id=i.id, kind=i.kind, text=text_of(i, language, zone), post_id=i.post_id,
                   post_url=f"/posts/{i.post_id}", at=i.at, at_local=schedule.local_label(i.at, zone),
                   unread=i.at > until, comment=i.comment) for i in found.items]
    return Listing(items=items, cursor=found.cursor, unread=activity_repo.unread_count(user.id, until),
                   read_until=until, zone=zone)


def unread(principal: Principal) -> int:
    return activity_repo.unread_count(principal.user_id)


def mark_all_read(principal: Principal, until: str | None = None) -> str:
    _me(principal)
    return activity_repo.mark_all_read(principal.user_id, until)
