"""Posts: the current content and workflow state, immutable version snapshots, decisions and
comments. Keys (one table, core/db/schema.py):

  entity        pk              sk                    gsi1pk              gsi1sk
  post          POST#<id>       POST                  BRAND#<id>#POSTS    <utc publish instant|~>#<id>
  post version  POST#<id>       VERSION#<n, 6 digits>
  decision      POST#<id>       DECISION#<id>
  comment       POST#<id>       COMMENT#<id>
                                                      gsi2pk              gsi2sk
  post in review (the post item)                      BRAND#<id>#REVIEW   <stage deadline|~>#<id>

  post by id                               GetItem
  a brand's posts by publish time          Query gsi1 BRAND#<id>#POSTS, gsi1sk BETWEEN <from> AND <to>
  a post's versions / decisions / comments Query pk POST#<id>, sk begins_with VERSION# / DECISION# / COMMENT#
  posts in review, soonest deadline first  Query gsi2 BRAND#<id>#REVIEW (a post leaves it when it leaves review)
"""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)

from chalicelib.core.db.base import Gsi2, Item, ListedItem, meta


class PostItem(ListedItem):
    """A post: its current content, workflow state and approval progress.

    `revision` is the optimistic lock of every change (content or state); `version` counts
    content versions only (what approvers decide on). While in review the post is also in gsi2
    under BRAND#<id>#REVIEW, ordered by the current stage's deadline (pending approvals, overdue)."""

    Meta = meta()
    gsi2 = Gsi2()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    title = UnicodeAttribute(default="")
    body = UnicodeAttribute(default="")
    channel_ids = ListAttribute(of=UnicodeAttribute, default=list)
    content_type = UnicodeAttribute()
    variants = MapAttribute(default=dict)
    media = ListAttribute(default=list)
    links = ListAttribute(of=UnicodeAttribute, default=list)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    assignee_ids = ListAttribute(of=UnicodeAttribute, default=list)
    campaign_id = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    publish_wall = UnicodeAttribute(null=True)  # local wall time YYYY-MM-DDTHH:MM as the user gave it
    timezone = UnicodeAttribute(null=True)  # the IANA zone of publish_wall
    publish_at = UnicodeAttribute(null=True)  # the UTC instant, recomputed from wall + zone on change
    publish_now = BooleanAttribute(null=True)  # the time was set by "publish now": a past time may be submitted
    status = UnicodeAttribute()
    hold = BooleanAttribute(default=False)
    held_by = UnicodeAttribute(null=True)  # who set the hold: they may lift it without release_posts
    version = NumberAttribute()
    content_hash = UnicodeAttribute()
    # chain_id, on_miss, stages [{name, rule, approvers, lead_hours}], stage_index, votes,
    # deadline (UTC ISO of the current stage's deadline, or None), stage_started_at
    approval = MapAttribute(default=dict)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    revision = VersionAttribute()


class PostVersionItem(Item):
    """An immutable snapshot of a post's content (put once, never updated)."""

    Meta = meta()
    post_id = UnicodeAttribute()
    version = NumberAttribute()
    content = MapAttribute()
    content_hash = UnicodeAttribute()
    author_id = UnicodeAttribute()
    created_at = UnicodeAttribute()


class DecisionItem(Item):
    Meta = meta()
    id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    version = NumberAttribute()
    stage = NumberAttribute()
    stage_name = UnicodeAttribute()
    user_id = UnicodeAttribute()
    user_label = UnicodeAttribute()
    decision = UnicodeAttribute()
    comment = UnicodeAttribute(null=True)
    via = UnicodeAttribute()
    at = UnicodeAttribute()


class CommentItem(Item):
    Meta = meta()
    id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    author_label = UnicodeAttribute()
    visibility = UnicodeAttribute()  # internal (team only) | external (client approvers too)
    text = UnicodeAttribute()
    version = NumberAttribute()
    at = UnicodeAttribute()
