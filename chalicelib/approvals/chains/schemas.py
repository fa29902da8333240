"""Approval chains: request and response models."""
from __future__ import annotations

from enum import Enum

from pydantic import Field, field_validator, model_validator

from chalicelib.content.rules.fields import ContentType
from chalicelib.content.rules.workflow import Rule
from chalicelib.core.schemas import Id, Input, Name, Output, refuse_nulls
from chalicelib.identity.rules import BRAND_ROLES


class StageIn(Input):
    name: Name
    approver_roles: list[str] = Field(default_factory=list, max_length=10)
    approver_user_ids: list[Id] = Field(default_factory=list, max_length=50)
    rule: Rule = Rule.any
    lead_hours: int = Field(default=0, ge=0, le=24 * 30)

    @field_validator("approver_roles")
    @classmethod
    def _known_roles(cls, roles: list[str]) -> list[str]:
        unknown = [r for r in roles if r not in BRAND_ROLES]
        if unknown:
            raise ValueError(f"unknown role(s): {', '.join(unknown)}; use {', '.join(BRAND_ROLES)}")
        return roles

    @model_validator(mode="after")
    def _someone(self) -> "StageIn":
        if not self.approver_roles and not self.approver_user_ids:
            raise ValueError("a stage needs approver_roles or approver_user_ids")
        return self


class OnMiss(str, Enum):
    notify = "notify"  # tell the brand's SMM managers, nothing else
    hold = "hold"  # also put the post on hold so it cannot publish
    next_slot = "next_slot"  # also move the publish time to the channel's next free slot


ON_MISS_DESCRIPTION = ("When a stage's deadline passes without a decision: notify (escalate to the SMM "
                       "managers), hold (also keep the post from publishing), next_slot (also move it to "
                       "the next free slot of its channels and tell the author)")


class ChainIn(Input):
    name: Name
    content_types: list[ContentType] = Field(default_factory=list)
    default: bool = False
    stages: list[StageIn] = Field(min_length=1, max_length=10)
    on_miss: OnMiss = Field(default=OnMiss.notify, description=ON_MISS_DESCRIPTION)


class ChainPatch(Input):
    name: Name | None = None
    content_types: list[ContentType] | None = None
    default: bool | None = None
    stages: list[StageIn] | None = Field(default=None, min_length=1, max_length=10)
    on_miss: OnMiss | None = Field(default=None, description=ON_MISS_DESCRIPTION)
    version: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _nulls(self) -> "ChainPatch":
        return refuse_nulls(self, {"version"})


class ChainOut(Output):
    id: str
    brand_id: str
    name: str
    content_types: list[str]
    default: bool
    stages: list[dict]
    on_miss: str = "notify"
    version: int
    created_at: str
    updated_at: str


class ChainList(Output):
    items: list[ChainOut]
    cursor: str | None = None
