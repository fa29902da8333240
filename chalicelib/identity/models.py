"""People and how they prove who they are. Keys (one table, core/db/schema.py):

  entity        pk                      sk                 served access pattern
  user          USER#<id>               PROFILE            user by id (every request: with its credential, one BatchGetItem)
  user email    EMAIL#<email>           USER               user by email (sign-in, invite); keeps emails unique
  session       USER#<id>               SESSION#<sid>      session by id
  api token     USER#<id>               TOKEN#<tid>        token by id; a user's tokens: Query sk begins_with TOKEN#
  sign-in link  SIGNIN#<nonce>          SIGNIN             single use: conditional update of used_at; TTL
  slack user    SLACK#<slack user id>   USER               Greenlight user of a Slack member (every Slack click); unique
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core.db.base import Item, meta


class UserItem(Item):
    Meta = meta()
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


class UserEmailItem(Item):
    """Unique email -> user id (the conditional put of this item keeps emails unique)."""

    Meta = meta()
    user_id = UnicodeAttribute()


class SessionItem(Item):
    Meta = meta()
    created_at = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    ttl = NumberAttribute()


class TokenItem(Item):
    Meta = meta()
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    prefix = UnicodeAttribute()
    created_at = UnicodeAttribute()
    revoked_at = UnicodeAttribute(null=True)


class SignInItem(Item):
    Meta = meta()
    user_id = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    used_at = UnicodeAttribute(null=True)
    next_path = UnicodeAttribute(null=True)
    ttl = NumberAttribute()


class SlackUserItem(Item):
    """Slack member id -> Greenlight user (unique: the conditional put keeps one owner)."""

    Meta = meta()
    user_id = UnicodeAttribute()
    slack_user_id = UnicodeAttribute()
    slack_team_id = UnicodeAttribute(null=True)  # the workspace the member belongs to (payloads must match)
    linked_via = UnicodeAttribute()  # lookup (users.lookupByEmail, also behind /me) | manual (before team ids)
    created_at = UnicodeAttribute()
