"""Approval chains of a brand. Keys (one table, core/db/schema.py):

  entity        pk              sk         gsi1pk               gsi1sk
  chain         CHAIN#<id>      CHAIN      BRAND#<id>#CHAINS    <chain id>

  chain by id          GetItem
  a brand's chains     Query gsi1 BRAND#<id>#CHAINS
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, UnicodeAttribute, VersionAttribute

from chalicelib.core.db.base import ListedItem, meta


class ChainItem(ListedItem):
    Meta = meta()
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
