"""Throttles decided by one conditional write each, so two requests at once cannot both pass:

- `first_in`: at most one action per key per period ("send me a new link" every 10 minutes …);
- `allow`: at most N actions per key per window (sign-in mails per address, per client IP).

  entity     pk               sk         served access pattern
  throttle   THROTTLE#<key>   THROTTLE   the conditional put (first_in) or conditional updates (allow)
                                         themselves; never read; TTL cleans up (writes never rely on it)

`first_in` items hold `until`; `allow` items hold `until` (the end of the current window) and `hits`
(calls counted in it). A key is used by one of the two only.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core.clock import iso
from chalicelib.core.db.base import Item, meta

TTL_GRACE_SECONDS = 3600  # the item outlives its window a little; nothing reads it after that


class ThrottleItem(Item):
    Meta = meta()
    until = UnicodeAttribute()
    hits = NumberAttribute(null=True)  # allow(): calls counted in the window that ends at `until`
    ttl = NumberAttribute()


def _refused(exc) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def first_in(key: str, period: timedelta, now: datetime) -> bool:
    """True the first time per `period` for this key (a conditional put), False after."""
    from pynamodb.exceptions import PutError

    from chalicelib.core.db import connection as db_connection

    db_connection.bind_models()
    item = ThrottleItem(f"THROTTLE#{key}", "THROTTLE", until=iso(now + period),
                        ttl=int((now + period).timestamp()) + TTL_GRACE_SECONDS)
    try:
        item.save(condition=ThrottleItem.pk.does_not_exist() | (ThrottleItem.until < iso(now)))
    except PutError as exc:
        if _refused(exc):
            return False
        raise
    return True


def allow(key: str, limit: int, window: timedelta, now: datetime) -> bool:
    """True for at most `limit` calls per `window` for this key, False (nothing counted) after that.

    A window starts with the first call after the previous one ended, so no burst of 2 × limit
    can straddle a boundary. Each call is one conditional UpdateItem while a window is open
    (count it if there is room); opening a window is a second one (only if none is open), and if
    another request opened it in between, the first is tried once more. Never reads."""
    from pynamodb.exceptions import UpdateError

    from chalicelib.core.db import connection as db_connection

    if limit < 1:
        return False
    db_connection.bind_models()
    item = ThrottleItem(f"THROTTLE#{key}", "THROTTLE")
    now_s, end = iso(now), now + window

    def update(actions, condition) -> bool:
        try:
            item.update(actions=actions, condition=condition)
        except UpdateError as exc:
            if _refused(exc):
                return False
            raise
        return True

    def count_in_open_window() -> bool:
        return update([ThrottleItem.hits.add(1)],
                      (ThrottleItem.until > now_s) & (ThrottleItem.hits < limit))

    def open_window() -> bool:
        return update([ThrottleItem.hits.set(1), ThrottleItem.until.set(iso(end)),
                       ThrottleItem.ttl.set(int(end.timestamp()) + TTL_GRACE_SECONDS)],
                      ThrottleItem.pk.does_not_exist() | (ThrottleItem.until <= now_s))

    return count_in_open_window() or open_window() or count_in_open_window()
