"""Reading the audit trail: admins and the brand's SMM managers."""
from __future__ import annotations

from chalicelib.audit import repo as audit_repo
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission


def list_entries(principal: Principal, brand_id: str | None, entity: str | None, entity_id: str | None,
                 cursor: str | None, limit: int | None):
    if brand_id:
        principal.require(brand_id, Permission.view_audit)
    else:
        principal.require_admin()  # changes outside any brand: users, tokens
    return audit_repo.list_entries(brand_id, entity, entity_id, cursor, limit)
