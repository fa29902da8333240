"""Influencers of a brand, their accounts (one per platform profile) and dated measurements of each
account. Keys (core/db/schema.py):

  entity       pk                         sk                    gsi1pk / gsi1sk                                  gsi2pk / gsi2sk
  influencer   INFLUENCER#<id>            INFLUENCER            BRAND#<b>#INFLUENCERS#FOLLOWERS                  BRAND#<b>#INFLUENCERS#ER
                                                                <inverted top followers>#<id>                    <inverted top ER>#<id>
  account      ACCOUNT#<id>               ACCOUNT               BRAND#<b>#ACCOUNTS#<platform>#FOLLOWERS          BRAND#<b>#ACCOUNTS#<platform>#ER
                                                                <inverted followers>#<id>                        <inverted ER>#<id>
  snapshot     ACCOUNT#<id>               SNAPSHOT#<YYYY-MM-DD>
  handle       HANDLE#<b>#<platform>#<h>  HANDLE                (unique: one account per handle and platform in a brand)

  influencer by id                             GetItem
  a brand's directory, most followers first    Query gsi1 BRAND#<b>#INFLUENCERS#FOLLOWERS (a follower tier is a
                                               key range: BETWEEN the tier's inverted bounds); status, verdict,
                                               owner, tag and search narrow it with a filter on that Query
  … highest ER first                           Query gsi2 BRAND#<b>#INFLUENCERS#ER (the same filters)
  a brand's accounts on one platform           Query gsi1 BRAND#<b>#ACCOUNTS#<platform>#FOLLOWERS (tier: key range),
                                               or gsi2 …#ER; their influencers by BatchGetItem
  an influencer's accounts                     BatchGetItem of the influencer's `account_ids`
  account by id                                GetItem
  an account's history, oldest first           Query pk ACCOUNT#<id>, sk begins_with SNAPSHOT#
  is a handle taken (platform, brand)          the HandleItem's conditional put

"Top" figures are the influencer's largest account's (followers) and best account's ER, written with
every change of an account so the directory sorts and filters without reading accounts. An archived
(deleted) influencer leaves both indexes; its items stay for the audit trail and the deals that name it.
"""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core.db.base import Item, TwiceListedItem, meta


class InfluencerItem(TwiceListedItem):
    Meta = meta()
    id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    display_name = UnicodeAttribute()
    legal_type = UnicodeAttribute(default="individual")
    legal_name = UnicodeAttribute(null=True)
    inn = UnicodeAttribute(null=True)
    ogrn = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)
    contacts = MapAttribute(default=dict)  # email, telegram, phone
    agent = MapAttribute(default=dict)  # name, contact
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    notes = UnicodeAttribute(null=True)
    owner_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="prospect")
    status_reason = UnicodeAttribute(null=True)
    account_ids = ListAttribute(of=UnicodeAttribute, default=list)
    platforms = ListAttribute(of=UnicodeAttribute, default=list)  # of its accounts (directory badges)
    top_followers = NumberAttribute(default=0)
    top_er = UnicodeAttribute(null=True)  # Decimal as text, percent
    verdict = UnicodeAttribute(null=True)  # pass | warn | fail when the data last changed (pages compute it anew)
    verdict_at = UnicodeAttribute(null=True)  # since when the verdict is what it is
    search = UnicodeAttribute(default="")  # case-folded name, legal name and handles, for the directory search
    archived = UnicodeAttribute(null=True)  # when it was deleted (it left the indexes)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class AccountItem(TwiceListedItem):
    Meta = meta()
    id = UnicodeAttribute()
    brand_id = UnicodeAttribute()
    influencer_id = UnicodeAttribute()
    platform = UnicodeAttribute()
    handle = UnicodeAttribute()
    url = UnicodeAttribute(null=True)
    followers = NumberAttribute(null=True)
    avg_views = NumberAttribute(null=True)
    avg_likes = NumberAttribute(null=True)
    avg_comments = NumberAttribute(null=True)
    avg_shares = NumberAttribute(null=True)
    posts_sampled = NumberAttribute(null=True)
    audience_credibility_pct = UnicodeAttribute(null=True)  # Decimal as text
    mass_followers_pct = UnicodeAttribute(null=True)
    sponsored_share_pct = UnicodeAttribute(null=True)
    top_countries = ListAttribute(default=list)  # [{"country": "RU", "pct": "61.5"}]
    rkn_registry_number = UnicodeAttribute(null=True)
    er = UnicodeAttribute(null=True)  # Decimal as text, percent, as the vetting rules compute it
    measured_on = UnicodeAttribute(null=True)  # YYYY-MM-DD of the current figures
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class SnapshotItem(Item):
    """One day's measurement of an account (entered, imported or fetched); the day is the key, so a
    second measurement of the same day replaces the first."""

    Meta = meta()
    account_id = UnicodeAttribute()
    taken_on = UnicodeAttribute()  # YYYY-MM-DD
    followers = NumberAttribute(null=True)
    following = NumberAttribute(null=True)
    avg_views = NumberAttribute(null=True)
    avg_likes = NumberAttribute(null=True)
    avg_comments = NumberAttribute(null=True)
    avg_shares = NumberAttribute(null=True)
    source = UnicodeAttribute(default="manual")  # manual | csv | telegram
    created_at = UnicodeAttribute()


class HandleItem(Item):
    """Keeps a handle unique per platform within a brand."""

    Meta = meta()
    account_id = UnicodeAttribute()
