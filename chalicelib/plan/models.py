"""A person's secret calendar feed. Keys (core/db/schema.py):

  entity          pk            sk      served access pattern
  calendar feed   USER#<id>     FEED    the current nonce the feed URL must carry (consistent read)
"""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from chalicelib.core.db.base import Item, meta


class FeedItem(Item):
    """A person's secret calendar feed: the feed URL carries a signed (user, nonce); rotating puts a
    new nonce (old URLs stop working), revoking deletes the item."""

    Meta = meta()
    user_id = UnicodeAttribute()
    nonce = UnicodeAttribute()
    created_at = UnicodeAttribute()
