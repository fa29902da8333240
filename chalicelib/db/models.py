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
    content versions only (what approvers decide on)."""

    Meta = _meta()
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
    approval = MapAttribute(default=dict)  # chain_id, stages [{name, rule, approvers, lead_hours}], stage_index, votes
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
)
