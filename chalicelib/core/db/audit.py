"""The append-only audit item: one per change, written inside the change's own transaction by
`writes.transact` (so no change is ever without its entry); read by the audit feature. Keys
(core/db/schema.py):

  entity        pk                    sk            gsi1pk                        gsi1sk
  audit entry   AUDIT#<brand|global>  <entry id>    AUDIT#<brand>#<entity>#<id>   <entry id>

  a brand's trail, newest first      Query pk AUDIT#<brand id> descending (entry ids are ULIDs: time-ordered)
  the trail of one object            Query gsi1 AUDIT#<brand>#<entity>#<id> descending
"""
from __future__ import annotations

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.core.db.base import Gsi1, Item, meta


class AuditItem(Item):
    Meta = meta()
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
