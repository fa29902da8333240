"""Posts, approval chains, decisions and comments: request and response models."""
from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from chalicelib.identity.rules import BRAND_ROLES
from chalicelib.content.rules.workflow import Decision, Rule
from chalicelib.core.schemas import Id, Input, Name, Output, PageQuery, TimeZoneName


def _real_instant(value: str | None) -> str | None:
    """A UTC date or instant that exists on the calendar (the pattern alone lets 2026-13-45 through)."""
    if value is None:
        return None
    from datetime import datetime

    try:
        datetime.fromisoformat(value.rstrip("Z"))
    except ValueError:
        raise ValueError("not a real date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)") from None
    return value


RangeBound = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z?)?$"),
                       AfterValidator(_real_instant)]


DueAt = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$"),
                  AfterValidator(_real_instant)]


class ContentType(str, Enum):
    engaging = "engaging"
    branded = "branded"
    advertising = "advertising"
    educational = "educational"
    reactive = "reactive"
    ugc = "ugc"


WallTime = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^|]+$")]  # | separates tags in CSV
Body = Annotated[str, StringConstraints(max_length=20000)]


class Media(Input):
    url: AnyHttpUrl
    alt: str = Field(default="", max_length=1000)


class Variant(Input):
    body: Body


class PostFields(Input):
    title: str = Field(default="", max_length=300)
    body: Body = ""
    channel_ids: list[Id] = Field(default_factory=list, max_length=20)
    content_type: ContentType = ContentType.engaging
    publish_at: WallTime | None = Field(default=None, description="Local wall time YYYY-MM-DDTHH:MM")
    timezone: TimeZoneName | None = Field(default=None, description="IANA zone of publish_at (default: the "
                                                                   "first channel's, then the brand's)")
    variants: dict[Id, Variant] = Field(default_factory=dict, description="Per-channel text: {channel_id: {body}}")
    media: list[Media] = Field(default_factory=list, max_length=20)
    links: list[AnyHttpUrl] = Field(default_factory=list, max_length=20)
    tags: list[Tag] = Field(default_factory=list, max_length=30)
    assignee_ids: list[Id] = Field(default_factory=list, max_length=20)
    campaign_id: Id | None = None
    due_at: DueAt | None = Field(default=None, description="Internal due date YYYY-MM-DD[THH:MM] (brand's zone)")


class PostCreate(PostFields):
    brand_id: Id

    @model_validator(mode="after")
    def _something_to_say(self) -> "PostCreate":
        if not self.title.strip() and not self.body.strip():
            raise ValueError("give the post a title or a text")
        return self


def _refuse_nulls(model, allowed: set[str]):
    """In a PATCH, null clears a field only where clearing makes sense; elsewhere it is an error."""
    nulls = [name for name in model.model_fields_set if getattr(model, name) is None and name not in allowed]
    if nulls:
        raise ValueError(f"{', '.join(sorted(nulls))} cannot be null; leave the field out to keep it")
    return model


class PostPatch(Input):
    """Only the fields given change. `version` (or the If-Match header) must be the current version.
    null clears publish_at, timezone, campaign_id and due_at."""

    version: int | None = Field(default=None, ge=1)
    title: str | None = Field(default=None, max_length=300)
    body: Body | None = None
    channel_ids: list[Id] | None = Field(default=None, max_length=20)
    content_type: ContentType | None = None
    publish_at: WallTime | None = None
    timezone: TimeZoneName | None = None
    variants: dict[Id, Variant] | None = None
    media: list[Media] | None = Field(default=None, max_length=20)
    links: list[AnyHttpUrl] | None = Field(default=None, max_length=20)
    tags: list[Tag] | None = Field(default=None, max_length=30)
    assignee_ids: list[Id] | None = Field(default=None, max_length=20)
    campaign_id: Id | None = None
    due_at: DueAt | None = None

    @model_validator(mode="after")
    def _nulls(self) -> "PostPatch":
        return _refuse_nulls(self, {"version", "publish_at", "timezone", "campaign_id", "due_at"})


class ApprovalStageOut(Output):
    name: str
    rule: Rule
    approvers: list[str]
    lead_hours: int


class ApprovalOut(Output):
    chain_id: str | None = None
    stage_index: int | None = Field(default=None, description="Current stage (0-based) while in review")
    current_stage: str | None = None
    waiting_for: list[str] = Field(default_factory=list, description="User ids still to decide in this stage")
    stages: list[ApprovalStageOut] = Field(default_factory=list)
    approved_by: list[str] = Field(default_factory=list, description="Approvals on the current version")
    deadline: str | None = Field(default=None, description="UTC deadline of the current stage (publish time − "
                                                           "the stage's lead time, else the internal due date)")
    on_miss: str | None = Field(default=None, description="What happens when the deadline passes (from the chain)")


class PostOut(Output):
    id: str
    brand_id: str
    author_id: str
    title: str
    body: str
    channel_ids: list[str]
    content_type: str
    publish_at: str | None = None
    timezone: str | None = None
    publish_at_utc: str | None = None
    variants: dict[str, dict]
    media: list[dict]
    links: list[str]
    tags: list[str]
    assignee_ids: list[str]
    campaign_id: str | None = None
    due_at: str | None = None
    status: str
    hold: bool
    version: int
    content_hash: str
    approval: ApprovalOut
    notices: list[str] = Field(default_factory=list, description="e.g. a wall time moved by a DST change")
    created_at: str
    updated_at: str


class PostList(Output):
    items: list[PostOut]
    cursor: str | None = None


class PostQuery(PageQuery):
    brand_id: Id
    status: str | None = Field(default=None, max_length=40, pattern=r"^[a-z_]+$")
    channel_id: Id | None = None
    assignee_id: Id | None = None
    from_: RangeBound | None = Field(default=None, alias="from", description="UTC date or instant (inclusive)")
    to: RangeBound | None = Field(default=None, description="UTC date or instant (exclusive)")


class DecisionIn(Input):
    version: int = Field(ge=1)
    decision: Decision
    comment: str | None = Field(default=None, max_length=5000)

    @model_validator(mode="after")
    def _comment_when_sending_back(self) -> "DecisionIn":
        if self.decision is not Decision.approve and not (self.comment or "").strip():
            raise ValueError("say what should change (a comment is required to request changes or reject)")
        return self


class DecisionOut(Output):
    id: str
    version: int
    stage: int
    stage_name: str
    user_id: str
    user_label: str
    decision: str
    comment: str | None = None
    via: str
    at: str


class CommentIn(Input):
    text: str = Field(min_length=1, max_length=5000)
    visibility: str = Field(default="internal", pattern="^(internal|external)$")


class CommentOut(Output):
    id: str
    author_id: str
    author_label: str
    visibility: str
    text: str
    version: int
    at: str


class CommentList(Output):
    items: list[CommentOut]
    cursor: str | None = None


class VersionOut(Output):
    version: int
    content: dict
    content_hash: str
    author_id: str
    created_at: str


class HistoryOut(Output):
    versions: list[VersionOut]
    decisions: list[DecisionOut]
    audit: list[dict]


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
        return _refuse_nulls(self, {"version"})


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
