"""The audit trail as the API shows it."""
from __future__ import annotations

from chalicelib.core.schemas import Output


class AuditEntryOut(Output):
    id: str
    at: str
    brand_id: str | None = None
    actor_id: str | None = None
    actor_label: str | None = None
    entity: str
    entity_id: str
    action: str
    before: dict | None = None
    after: dict | None = None
    via: str
    request_id: str | None = None
    version: int | None = None


class AuditList(Output):
    items: list[AuditEntryOut]
    cursor: str | None = None
