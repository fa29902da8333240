"""Brands, their unique slugs and who works on them. Keys (one table, core/db/schema.py):

  entity        pk                 sk                 gsi1pk        gsi1sk     served access pattern
  brand         BRAND#<id>         BRAND              BRANDS        <slug>     brand by id; all brands by slug (admins)
  brand slug    SLUG#<slug>        BRAND              -             -          brand by slug; keeps slugs unique
  membership    BRAND#<id>         MEMBER#<user id>   -             -          members of a brand: Query sk begins_with MEMBER#

A person's roles per brand are also copied onto their UserItem (identity/models.py), in the same
transaction, so one read of the user authorizes a request.
"""
from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core.db.base import Item, ListedItem, meta


class BrandItem(ListedItem):
    Meta = meta()
    id = UnicodeAttribute()
    name = UnicodeAttribute()
    slug = UnicodeAttribute()
    timezone = UnicodeAttribute()
    settings = MapAttribute(default=dict)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()


class BrandSlugItem(Item):
    """Unique slug -> brand id."""

    Meta = meta()
    brand_id = UnicodeAttribute()


class MembershipItem(Item):
    Meta = meta()
    brand_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    roles = ListAttribute(of=UnicodeAttribute, default=list)
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    created_at = UnicodeAttribute()
    version = VersionAttribute()
