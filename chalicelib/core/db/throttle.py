"""At most one action per key per period ("send me a new link" every 10 minutes, reminders …):
one conditional put decides, so two requests at once cannot both pass.

  entity     pk               sk         served access pattern
  throttle   THROTTLE#<key>   THROTTLE   the conditional put itself; TTL cleans up (reads never rely on it)
"""
from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core.clock import iso
from chalicelib.core.db.base import Item, meta


class ThrottleItem(Item):
    Meta = meta()
    until = UnicodeAttribute()
    ttl = NumberAttribute()


def first_in(key: str, period: timedelta, now: datetime) -> bool:
    """True the first time per `period` for this key (a conditional put), False after."""
    from pynamodb.exceptions import PutError

    from chalicelib.core.db import connection as db_connection

    db_connection.bind_models()
    item = ThrottleItem(f"THROTTLE#{key}", "THROTTLE", until=iso(now + period),
                        ttl=int((now + period).timestamp()) + 3600)
    try:
        item.save(condition=ThrottleItem.pk.does_not_exist() | (ThrottleItem.until < iso(now)))
    except PutError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True
