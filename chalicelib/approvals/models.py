"""Approval follow-up tasks and the record that a signed link was used. Keys (core/db/schema.py):

  entity     pk            sk                                            gsi2pk       gsi2sk
  task       POST#<id>     TASK#<round>#<kind>#<offset>                  DUE#TASKS    <due instant>#<post id>#<sk>
  link use   POST#<id>     ACTED#v<n>#s<n>#<user id>

  follow-ups due now (job approval-reminders)   the DUE#TASKS lease queue (core/db/queue.py)
  a post's pending follow-ups                    Query pk POST#<id>, sk begins_with TASK#
  was this approver's link used                  GetItem (put in the decision's transaction)
"""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.db.base import Item, QueuedItem, meta


class TaskItem(QueuedItem):
    """One piece of approval follow-up work, due at a time: ask the stage's approvers, remind them,
    escalate at the deadline. Its key is its idempotency key (post, version, stage, deadline, kind),
    so writing it twice is one task; the job claims it with a conditional write on gsi2sk (a lease)
    and takes it out of the queue when done. `sent` remembers who already got it, so a retry after a
    partial failure does not send twice."""

    Meta = meta()
    kind = UnicodeAttribute()  # ask | remind | escalate
    post_id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    version = NumberAttribute()
    stage = NumberAttribute()
    deadline = UnicodeAttribute(null=True)
    offset_hours = NumberAttribute(null=True)  # reminders: hours before the deadline
    due_at = UnicodeAttribute()
    state = UnicodeAttribute(default="pending")  # pending | done | dropped
    attempts = NumberAttribute(default=0)
    sent = ListAttribute(of=UnicodeAttribute, default=list)  # "email:<user id>", "slack:<user id>"
    outcome = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    done_at = UnicodeAttribute(null=True)
    ttl = NumberAttribute(null=True)  # set when done: kept 90 days as a record


class LinkUseItem(Item):
    """An approver's signed link was used on (post, version, stage): put once, in the decision's
    transaction, so a replayed link finds it and shows who decided what."""

    Meta = meta()
    post_id = UnicodeAttribute()
    version = NumberAttribute()
    stage = NumberAttribute()
    user_id = UnicodeAttribute()
    decision = UnicodeAttribute()
    via = UnicodeAttribute()
    at = UnicodeAttribute()
