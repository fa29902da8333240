"""Notifications' items. Keys (core/db/schema.py):

  entity          pk            sk                                        gsi2pk                  gsi2sk
  digest          USER#<id>     DIGEST                                    DUE#DIGEST (when on)    <next send instant>#<user id>
  activity item   USER#<id>     ACTIVITY#<utc instant>#<id>               —                       —
  activity read   USER#<id>     ACTIVITYREAD                              —                       —
  notice mark     USER#<id>     NOTICE#<post id>#<kind>#<ref>             —                       —
  notice due      NOTICEDUE#<post id>  <kind>#<ref>                       DUE#NOTICES (until sent) <due instant>#<post id>#<kind>#<ref>

  digests due now (job daily-digest)   the DUE#DIGEST lease queue (core/db/queue.py)
  my activity, newest first, paged     Query pk USER#<me>, sk begins_with ACTIVITY#, ScanIndexForward=false
  my unread activity (the nav badge)   Query pk USER#<me>, sk between ACTIVITY#<read_until>~ and ACTIVITY#~, limit 100
  mark all read                        conditional put of ACTIVITYREAD: read_until only ever moves forward
  a notice sent once per recipient     conditional put of the NOTICE# mark (attribute_not_exists) in the
                                       same transaction as the activity item; a retried hook or a second
                                       sweep finds the mark and sends nothing
  publishing notices to deliver        the DUE#NOTICES lease queue (core/db/queue.py): a send's outcome
   (job post-notices)                  puts the item (one write on the sweep's recorder thread); the job
                                       claims it (lease), tells people, then marks it sent (conditional on
                                       its lease: two workers never both finish it; a crashed one's lease
                                       runs out and the next run tells again, the NOTICE# marks keep that once)
Activity items and notice marks carry `ttl` (epoch seconds, ACTIVITY_DAYS): DynamoDB deletes them late,
so reads drop expired activity themselves.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.core.db.base import Item, QueuedItem, meta


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


class ActivityItem(Item):
    """Something that happened to one of my posts (approved, changes requested, published …), for me.
    The words are made when read, in the reader's language and zone."""

    Meta = meta()
    id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # notifications/rules.EVENT_KINDS
    at = UnicodeAttribute()  # UTC instant
    post_id = UnicodeAttribute()
    brand_id = UnicodeAttribute(null=True)
    title = UnicodeAttribute(null=True)
    actor_id = UnicodeAttribute(null=True)
    actor_name = UnicodeAttribute(null=True)
    channel = UnicodeAttribute(null=True)  # failed: the channel's name
    error = UnicodeAttribute(null=True)  # failed: what the network said
    publish_at = UnicodeAttribute(null=True)  # scheduled: when it goes out (UTC)
    comment = UnicodeAttribute(null=True)  # changes requested / rejected: the approver's comment
    target_state = UnicodeAttribute(null=True)  # failed: failed | unconfirmed | missed (the wording)
    ttl = NumberAttribute(null=True)


class ActivityReadItem(Item):
    """How far I have read my activity: every item at or before `read_until` is read."""

    Meta = meta()
    user_id = UnicodeAttribute()
    read_until = UnicodeAttribute()  # UTC instant


class NoticeMarkItem(Item):
    """A post event was told to one person (email, Slack, activity): the key makes it once only."""

    Meta = meta()
    user_id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    ref = UnicodeAttribute()  # the post's version and revision, or the target's attempt
    at = UnicodeAttribute()
    ttl = NumberAttribute(null=True)


class NoticeDueItem(QueuedItem):
    """A publishing notice to deliver (published / failed / unconfirmed / missed), queued by the outcome
    and delivered by the post-notices job (notifications/notice_queue.py)."""

    Meta = meta()
    post_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # published | failed
    ref = UnicodeAttribute()  # published: v<version>; failed: <target id>.a<attempt>.<state>
    version = NumberAttribute(null=True)
    target_id = UnicodeAttribute(null=True)
    channel_id = UnicodeAttribute(null=True)
    target_state = UnicodeAttribute(null=True)  # failed | unconfirmed | missed
    error = UnicodeAttribute(null=True)
    actor_id = UnicodeAttribute(null=True)  # who caused it (marked published by hand): not told
    queued_at = UnicodeAttribute()
    sent_at = UnicodeAttribute(null=True)  # set when delivered (the item leaves the queue)
    ttl = NumberAttribute(null=True)
