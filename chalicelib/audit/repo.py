"""Reading the append-only audit trail (writes happen inside `writes.transact`)."""
from __future__ import annotations

from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.audit import AuditItem
from chalicelib.core.db.pages import Page, query_page


def list_entries(brand_id: str | None, entity: str | None, entity_id: str | None,
                 cursor: str | None, limit: int | None) -> Page[AuditItem]:
    """Newest first. Whole brand: table query on AUDIT#<brand>; one entity: gsi1."""
    db_connection.bind_models()
    scope = brand_id or "global"
    if entity and entity_id:
        return query_page(AuditItem.gsi1.query, f"audit:{scope}:{entity}:{entity_id}", cursor, limit,
                          hash_key=f"AUDIT#{scope}#{entity}#{entity_id}", scan_index_forward=False)
    return query_page(AuditItem.query, f"audit:{scope}", cursor, limit,
                      hash_key=f"AUDIT#{scope}", scan_index_forward=False)
