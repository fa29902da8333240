from __future__ import annotations

from pydantic import Field, model_validator

from chalicelib.core.schemas import Email, Id, Input, Name, Output
from chalicelib.identity.rules import Role


class MemberAdd(Input):
    """Give a person a role in the brand; an unknown email is invited (an account is made and a
    sign-in link mailed)."""

    email: Email | None = None
    user_id: Id | None = None
    name: Name | None = None
    role: Role
    language: str | None = Field(default=None, pattern="^(en|ru)$")

    @model_validator(mode="after")
    def _who(self) -> "MemberAdd":
        if not self.email and not self.user_id:
            raise ValueError("give the person's email or user_id")
        if self.role is Role.admin:
            raise ValueError("admin is a global role and cannot be given per brand")
        return self


class MemberRemove(Input):
    user_id: Id
    role: Role | None = None


class MemberOut(Output):
    user_id: str
    email: str
    name: str
    roles: list[str]


class MemberList(Output):
    items: list[MemberOut]
    cursor: str | None = None
