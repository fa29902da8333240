"""PynamoDB models. All share the one table of `schema.py`; `deps.bind_models()` sets the table
name, endpoint and region at first use, so importing this module builds nothing.

Item layout per entity (access patterns in README.md, "Data access patterns"):

  entity        pk                   sk                 gsi1pk                      gsi1sk
  user          USER#<id>            PROFILE            -                           -
  user email    EMAIL#<email>        USER               -                           -
  session       USER#<id>            SESSION#<sid>      -                           -
  api token     USER#<id>            TOKEN#<tid>        -                           -
  sign-in link  SIGNIN#<nonce>       SIGNIN             -                           -
  brand         BRAND#<id>           BRAND              BRANDS                      <slug>
  brand slug    SLUG#<slug>          BRAND              -                           -
  membership    BRAND#<id>           MEMBER#<user id>   -                           -
  channel       CHANNEL#<id>         CHANNEL            BRAND#<id>#CHANNELS         <channel id>
  audit entry   AUDIT#<brand|global> <entry id>         AUDIT#<brand>#<entity>#<id> <entry id>
  post          POST#<id>            POST               BRAND#<id>#POSTS            <utc publish instant|~>#<id>
  post version  POST#<id>            VERSION#<n, 6 digits>  -                       -
  decision      POST#<id>            DECISION#<id>      -                           -
  comment       POST#<id>            COMMENT#<id>       -                           -
  chain         CHAIN#<id>           CHAIN              BRAND#<id>#CHAINS           <chain id>
  idempotency   IDEMPOTENCY#<user>#<key> IDEMPOTENCY    -                           -

  entity        pk                   sk                 gsi2pk                      gsi2sk
  post in review (same item as post) -                  BRAND#<id>#REVIEW           <stage deadline|~>#<id>
  task          POST#<id>            TASK#<kind>#v<n>#s<n>#<deadline>#<offset>  DUE#TASKS  <due instant>#<post id>#<sk>
  link use      POST#<id>            ACTED#v<n>#s<n>#<user id>  -                   -
  digest        USER#<id>            DIGEST             DUE#DIGEST (when on)        <next send instant>#<user id>
  slack user    SLACK#<slack user id> USER              -                           -
  calendar feed USER#<id>            FEED               -                           -
  throttle      THROTTLE#<key>       THROTTLE           -                           -
  publication target POST#<id>       TARGET#<channel id> DUE#PUBLISH (when due)     <due instant>#<target id>
  publish attempt    POST#<id>       ATTEMPT#<channel id>#<n, 3 digits>  -          -
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
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class _Meta:
    table_name = "unbound"  # replaced by deps.bind_models()
    host = None
    region = None
    connect_timeout_seconds = 2
    read_timeout_seconds = 5
    max_retry_attempts = 3


def _meta():
    return type("Meta", (_Meta,), {})


class Gsi1(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class _Item(Model):
    Meta = _meta()
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class _QueuedItem(_Item):
    """An item that waits in a time-ordered queue of gsi2 (removing gsi2pk takes it out)."""

    Meta = _meta()
    gsi2 = Gsi2()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)


class _ListedItem(_Item):
    """An item that appears in a parent's list through gsi1 (removing gsi1pk takes it out of the list)."""

    Meta = _meta()
    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)


class UserItem(_Item):
    Meta = _meta()
    id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    language = UnicodeAttribute(default="en")
    is_admin = BooleanAttribute(default=False)
    # brand id -> list of roles; the membership items are the source for listing a brand's members,
    # this copy lets one read of the user authorize a request. Both change in one transaction.
    brands = MapAttribute(default=dict)
    status = UnicodeAttribute(default="active")
    timezone = UnicodeAttribute(null=True)  # IANA zone for times in emails and the digest; else the brand's
    slack_user_id = UnicodeAttribute(null=True)  # linked Slack member id (SlackUserItem is the reverse)
    # {"email": bool, "slack": bool, "digest": "off"|"email"|"slack"|"both"}; missing keys: defaults
    notify = MapAttribute(null=True)
    created_at = UnicodeAttribute()
    version = VersionAttribute()


class UserEmailItem(_Item):
    """Unique email -> user id (the conditional put of this item keeps emails unique)."""

    Meta = _meta()
    user_id = UnicodeAttribute()


class SessionItem(_Item):
    Meta = _meta()
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    ttl = NumberAttribute()


class TokenItem(_Item):
    Meta = _meta()
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    prefix = UnicodeAttribute()
    created_at = UnicodeAttribute()
    revoked_at = UnicodeAttribute(null=True)


class SignInItem(_Item):
    Meta = _meta()
    user_id = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    used_at = UnicodeAttribute(null=True)
    next_path = UnicodeAttribute(null=True)
    ttl = NumberAttribute()


class BrandItem(_ListedItem):
    Meta = _meta()
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    slug = UnicodeAttribute()
    timezone = UnicodeAttribute()
    settings = MapAttribute(default=dict)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class BrandSlugItem(_Item):
    """Unique slug -> brand id."""

    Meta = _meta()
    brand_id = UnicodeAttribute()


class MembershipItem(_Item):
    Meta = _meta()
    brand_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    roles = ListAttribute(of=UnicodeAttribute, default=list)
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    created_at = UnicodeAttribute()
    version = VersionAttribute()


class ChannelItem(_ListedItem):
    Meta = _meta()
    id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    platform = UnicodeAttribute()
    name = UnicodeAttribute()
    handle = UnicodeAttribute(null=True)
    external_id = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(null=True)
    credentials_ref = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="active")
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class AuditItem(_Item):
    Meta = _meta()
    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    id = UnicodeAttribute()
    at = UnicodeAttribute()
    brand_id = UnicodeAttribute(null=True)
    actor_id = UnicodeAttribute(null=True)
    actor_label = UnicodeAttribute(null=True)
    entity = UnicodeAttribute()
    entity_id = UnicodeAttribute()
    action = UnicodeAttribute()
    before = MapAttribute(null=True)
    after = MapAttribute(null=True)
    via = UnicodeAttribute()
    request_id = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)  # the entity's version after the change, where it has one


class PostItem(_ListedItem):
    """A post: its current content, workflow state and approval progress.

    `revision` is the optimistic lock of every change (content or state); `version` counts
    content versions only (what approvers decide on). While in review the post is also in gsi2
    under BRAND#<id>#REVIEW, ordered by the current stage's deadline (pending approvals, overdue)."""

    Meta = _meta()
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
    status = UnicodeAttribute()
    hold = BooleanAttribute(default=False)
    version = NumberAttribute()
    content_hash = UnicodeAttribute()
    # chain_id, on_miss, stages [{name, rule, approvers, lead_hours}], stage_index, votes,
    # deadline (UTC ISO of the current stage's deadline, or None), stage_started_at
    approval = MapAttribute(default=dict)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    revision = VersionAttribute()


class PostVersionItem(_Item):
    """An immutable snapshot of a post's content (put once, never updated)."""

    Meta = _meta()
    post_id = UnicodeAttribute()
    version = NumberAttribute()
    content = MapAttribute()
    content_hash = UnicodeAttribute()
    author_id = UnicodeAttribute()
    created_at = UnicodeAttribute()


class DecisionItem(_Item):
    Meta = _meta()
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


class CommentItem(_Item):
    Meta = _meta()
    id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    author_label = UnicodeAttribute()
    visibility = UnicodeAttribute()  # internal (team only) | external (client approvers too)
    text = UnicodeAttribute()
    version = NumberAttribute()
    at = UnicodeAttribute()


class ChainItem(_ListedItem):
    Meta = _meta()
    id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    name = UnicodeAttribute()
    content_types = ListAttribute(of=UnicodeAttribute, default=list)
    is_default = BooleanAttribute(default=False)
    stages = ListAttribute(default=list)  # [{name, approver_roles, approver_user_ids, rule, lead_hours}]
    on_miss = UnicodeAttribute(default="notify")  # when a stage deadline passes: notify | hold | next_slot
    status = UnicodeAttribute(default="active")
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class IdempotencyItem(_Item):
    """The answer given to (user, Idempotency-Key): a repeat returns it instead of acting twice."""

    Meta = _meta()
    request_hash = UnicodeAttribute()
    status_code = NumberAttribute(null=True)
    response = UnicodeAttribute(null=True)  # JSON; empty while the first request is still running
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    ttl = NumberAttribute()


class TaskItem(_QueuedItem):
    """One piece of approval follow-up work, due at a time: ask the stage's approvers, remind them,
    escalate at the deadline. Its key is its idempotency key (post, version, stage, deadline, kind),
    so writing it twice is one task; the job claims it with a conditional write on gsi2sk (a lease)
    and takes it out of the queue when done. `sent` remembers who already got it, so a retry after a
    partial failure does not send twice."""

    Meta = _meta()
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


class LinkUseItem(_Item):
    """An approver's signed link was used on (post, version, stage): put once, in the decision's
    transaction, so a replayed link finds it and shows who decided what."""

    Meta = _meta()
    post_id = UnicodeAttribute()
    version = NumberAttribute()
    stage = NumberAttribute()
    user_id = UnicodeAttribute()
    decision = UnicodeAttribute()
    via = UnicodeAttribute()
    at = UnicodeAttribute()


class DigestItem(_QueuedItem):
    """A person's daily digest: when on, queued in gsi2 at the next local send time."""

    Meta = _meta()
    user_id = UnicodeAttribute()
    via = UnicodeAttribute(default="email")  # email | slack | both
    hour = NumberAttribute(default=8)  # local hour of day
    timezone = UnicodeAttribute()
    next_at = UnicodeAttribute(null=True)
    last_sent_on = UnicodeAttribute(null=True)  # local date of the last digest
    updated_at = UnicodeAttribute()


class SlackUserItem(_Item):
    """Slack member id -> Greenlight user (unique: the conditional put keeps one owner)."""

    Meta = _meta()
    user_id = UnicodeAttribute()
    slack_user_id = UnicodeAttribute()
    linked_via = UnicodeAttribute()  # lookup (users.lookupByEmail) | manual
    created_at = UnicodeAttribute()


class FeedItem(_Item):
    """A person's secret calendar feed: the feed URL carries a signed (user, nonce); rotating puts a
    new nonce (old URLs stop working), revoking deletes the item."""

    Meta = _meta()
    user_id = UnicodeAttribute()
    nonce = UnicodeAttribute()
    created_at = UnicodeAttribute()


class ThrottleItem(_Item):
    """At most one action per key per period (e.g. "send me a new link"): a conditional put."""

    Meta = _meta()
    until = UnicodeAttribute()
    ttl = NumberAttribute()


class TargetItem(_QueuedItem):
    """One (post, channel) publication: its own state machine (publishing/rules.py). Its id is
    <post id><channel id>. While scheduled it waits in gsi2 under DUE#PUBLISH at its publish time;
    while publishing, at its lease expiry (a worker that died mid-send leaves it `unconfirmed`)."""

    Meta = _meta()
    id = UnicodeAttribute()
    post_id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    platform = UnicodeAttribute()
    state = UnicodeAttribute()  # scheduled | publishing | published | failed | unconfirmed | missed | skipped
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


class AttemptItem(_Item):
    """One try to publish a target, written before the send and completed after it."""

    Meta = _meta()
    target_id = UnicodeAttribute()
    number = NumberAttribute()
    started_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(default="sending")  # sending | published | refused | failed | unconfirmed | manual
    error = UnicodeAttribute(null=True)
    worker = UnicodeAttribute(null=True)


ALL_MODELS: tuple[type[Model], ...] = (
    UserItem,
    UserEmailItem,
    SessionItem,
    TokenItem,
    SignInItem,
    BrandItem,
    BrandSlugItem,
    MembershipItem,
    ChannelItem,
    AuditItem,
    PostItem,
    PostVersionItem,
    DecisionItem,
    CommentItem,
    ChainItem,
    IdempotencyItem,
    TaskItem,
    LinkUseItem,
    DigestItem,
    SlackUserItem,
    FeedItem,
    ThrottleItem,
    TargetItem,
    AttemptItem,
)
