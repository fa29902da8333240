"""Publication targets (one per post and channel) and their attempts. Keys (core/db/schema.py):

  entity     pk            sk                                   gsi2pk                  gsi2sk
  target     POST#<id>     TARGET#<channel id>                  DUE#PUBLISH (when due)  <due instant>#<target id>
  attempt    POST#<id>     ATTEMPT#<channel id>#<n, 3 digits>

  target by id (<post id><channel id>)   GetItem
  a post's targets                       Query pk POST#<id>, sk begins_with TARGET#
  targets due now (job publish-due)      the DUE#PUBLISH lease queue (core/db/queue.py)
  a target's attempts                    Query pk POST#<id>, sk begins_with ATTEMPT#<channel id>#
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.db.base import Item, QueuedItem, meta


class TargetItem(QueuedItem):
    """One (post, channel) publication: its own state machine (publishing/rules.py). Its id is
    <post id><channel id>. While scheduled it waits in gsi2 under DUE#PUBLISH at its publish time;
    while publishing, at its lease expiry (a worker that died mid-send leaves it `unconfirmed`)."""

    Meta = meta()
    id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    platform = UnicodeAttribute()
    state = UnicodeAttribute()  # scheduled | publishing | published | failed | unconfirmed | missed | skipped | cancelled
    version = NumberAttribute()  # the approved content version this target publishes
    publish_at = UnicodeAttribute()  # UTC ISO
    window_start = UnicodeAttribute(null=True)  # a person's retry/resend: "late" counts from here, not publish_at
    attempts = NumberAttribute(default=0)
    lease_until = UnicodeAttribute(null=True)
    manual = BooleanAttribute(default=False)  # a person publishes it and marks it published
    solo = BooleanAttribute(null=True)  # the post's only channel at this version: its outcome alone sets the post's status
    # what goes out, copied from the approved version when the target is (re)scheduled (saves a read per send)
    title = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    media = ListAttribute(null=True)
    links = ListAttribute(of=UnicodeAttribute, null=True)
    external_id = UnicodeAttribute(null=True)
    url = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    published_at = UnicodeAttribute(null=True)
    resolved_by = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class AttemptItem(Item):
    """One try to publish a target, written before the send and completed after it."""

    Meta = meta()
    target_id = UnicodeAttribute()
    number = NumberAttribute()
    started_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(default="sending")  # sending | published | refused | failed | unconfirmed | manual
    error = UnicodeAttribute(null=True)
    worker = UnicodeAttribute(null=True)
