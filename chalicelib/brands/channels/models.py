"""A brand's channels (a Telegram channel, a VK community, a webhook …). Keys (core/db/schema.py):

  entity        pk                 sk                 gsi1pk                     gsi1sk
  channel       CHANNEL#<id>       CHANNEL            BRAND#<id>#CHANNELS        <channel id>

  channel by id                     GetItem
  channels of a brand               Query gsi1 BRAND#<id>#CHANNELS (a deleted channel leaves the index)
"""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, VersionAttribute

from chalicelib.core.db.base import ListedItem, meta


class ChannelItem(ListedItem):
    Meta = meta()
    id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    platform = UnicodeAttribute()
    name = UnicodeAttribute()
    handle = UnicodeAttribute(null=True)
    external_id = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(null=True)
    credentials_ref = UnicodeAttribute(null=True)  # where the token lives (core/secret_refs.py), never the token
    credentials_set_at = UnicodeAttribute(null=True)  # when a manager last typed a token in (stored by Greenlight)
    # VK only: a community admin's user token (scopes wall, photos, video, offline) for the media upload
    # methods, which VK refuses with a community token (error 27); a reference, as credentials_ref
    user_credentials_ref = UnicodeAttribute(null=True)
    user_credentials_set_at = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="active")
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
