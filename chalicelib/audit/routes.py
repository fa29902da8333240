"""The audit trail."""
from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib.audit.schemas import AuditEntryOut, AuditList
from chalicelib.core.plain import plain
from chalicelib.core.schemas import Id, PageQuery
from chalicelib.identity.doors import json_route

bp = Blueprint(__name__)


class AuditQuery(PageQuery):
    brand_id: Id | None = Field(default=None, description="Omit for changes outside brands (admins)")
    entity: str | None = Field(default=None, max_length=40, pattern=r"^[a-z_]+$")
    id: Id | None = None


@json_route(bp, "/v1/audit", "GET", tag="audit", summary="Audit trail, newest first", query=AuditQuery,
            response=AuditList, errors=(401, 403, 404, 422))
def list_audit(call):
    from chalicelib.audit import service as audit

    q = call.query
    page = audit.list_entries(call.principal, q.brand_id, q.entity, q.id, q.cursor, q.limit)
    items = []
    for entry in page.items:
        data = {name: getattr(entry, name) for name in AuditEntryOut.model_fields}
        for side in ("before", "after"):
            data[side] = plain(data[side])
        items.append(AuditEntryOut(**data))
    return AuditList(items=items, cursor=page.cursor)
