"""A person's daily digest, queued at its next local send time. Keys (core/db/schema.py):

  entity     pk            sk        gsi2pk                      gsi2sk
  digest     USER#<id>     DIGEST    DUE#DIGEST (when on)        <next send instant>#<user id>

  digests due now (job daily-digest)   the DUE#DIGEST lease queue (core/db/queue.py)
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core.db.base import QueuedItem, meta


class DigestItem(QueuedItem):
    """A person's daily digest: when on, queued in gsi2 at the next local send time."""

    Meta = meta()
    user_id = UnicodeAttribute()
    via = UnicodeAttribute(default="email")  # email | slack | both
    hour = NumberAttribute(default=8)  # local hour of day
    timezone = UnicodeAttribute()
    next_at = UnicodeAttribute(null=True)
    last_sent_on = UnicodeAttribute(null=True)  # local date of the last digest
    updated_at = UnicodeAttribute()
