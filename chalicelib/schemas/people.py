from __future__ import annotations

from pydantic import Field

from chalicelib.schemas.common import Input, Name, Output


class MeOut(Output):
    id: str
    email: str
    name: str
    language: str
    is_admin: bool
    brands: dict[str, list[str]]


class MePatch(Input):
    name: Name | None = None
    language: str | None = Field(default=None, pattern="^(en|ru)$", description="en or ru")


class TokenCreate(Input):
    name: Name


class TokenOut(Output):
    id: str
    name: str
    prefix: str = Field(description="First characters of the secret, to tell tokens apart")
    created_at: str


class TokenCreated(TokenOut):
    token: str = Field(description="Shown once; store it now")


class TokenList(Output):
    items: list[TokenOut]


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
