"""Posts, their decisions and comments: request and response models."""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    Field,
    StringConstraints,
    model_serializer,
    model_validator,
)

from chalicelib.content.rules import fields
from chalicelib.content.rules.fields import ContentType
from chalicelib.content.rules.workflow import Decision, Rule
from chalicelib.core.plain import plain
from chalicelib.core.schemas import Id, Input, Output, PageQuery, TimeZoneName, refuse_nulls
from chalicelib.media.rules import MAX_VIDEO_BYTES
from chalicelib.media.schemas import KEY_PATTERN, MediaType


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


WallTime = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=fields.MAX_TAG,
                                      pattern=rf"^[^{re.escape(fields.TAG_SEPARATOR)}]+$")]
Body = Annotated[str, StringConstraints(max_length=fields.MAX_BODY)]
MEDIA_KEY = KEY_PATTERN  # media/schemas.py: one definition of an upload's key and types


class Media(Input):
    """One media item (chalicelib/media: the contract). An uploaded file: `key` (from
    POST /v1/brands/{brand_id}/media) with `kind`, `type`, `size`; or, as before uploads existed, a `url`.
    Order in the list = display order. Empty fields are left out when stored."""

    key: str | None = Field(default=None, max_length=300, pattern=MEDIA_KEY,
                            description="Artifact key of an uploaded file (POST /v1/brands/{brand_id}/media)")
    url: AnyHttpUrl | None = None
    kind: Literal["image", "video"] | None = None
    type: MediaType | None = None
    size: int | None = Field(default=None, ge=1, le=MAX_VIDEO_BYTES)
    alt: str = Field(default="", max_length=fields.MAX_ALT)
    name: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _key_or_url(self) -> "Media":
        if (self.key is None) == (self.url is None):
            raise ValueError("give either the key of an uploaded file or a url")
        if self.key is not None:
            if self.type is None or self.size is None:
                raise ValueError("an uploaded file needs its type and size (as the upload's confirm gave them)")
            kind = "video" if self.type.startswith("video/") else "image"
            if self.kind not in (None, kind):
                raise ValueError(f"a {self.type} file is an {kind}")
            self.kind = kind
        return self

    @model_serializer(mode="wrap")
    def _without_empty(self, handler):
        data = handler(self)
        return {k: v for k, v in data.items() if v is not None and not (k == "name" and v == "")}


class Variant(Input):
    body: Body


class PostFields(Input):
    title: str = Field(default="", max_length=fields.MAX_TITLE)
    body: Body = ""
    channel_ids: list[Id] = Field(default_factory=list, max_length=fields.MAX_CHANNELS)
    content_type: ContentType = ContentType.engaging
    publish_at: WallTime | None = Field(default=None, description="Local wall time YYYY-MM-DDTHH:MM")
    timezone: TimeZoneName | None = Field(default=None, description="IANA zone of publish_at (default: the "
                                                                   "first channel's, then the brand's)")
    variants: dict[Id, Variant] = Field(default_factory=dict, description="Per-channel text: {channel_id: {body}}")
    media: list[Media] = Field(default_factory=list, max_length=fields.MAX_MEDIA)
    links: list[AnyHttpUrl] = Field(default_factory=list, max_length=fields.MAX_LINKS)
    tags: list[Tag] = Field(default_factory=list, max_length=fields.MAX_TAGS)
    assignee_ids: list[Id] = Field(default_factory=list, max_length=fields.MAX_ASSIGNEES)
    campaign_id: Id | None = None
    due_at: DueAt | None = Field(default=None, description="Internal due date YYYY-MM-DD[THH:MM] (brand's zone)")
    publish_now: bool = Field(default=False, description="Publish as soon as approved: the publish time becomes the "
                                                         "current minute (give no publish_at with it). A past "
                                                         "publish_at is refused without it.")


class PostCreate(PostFields):
    brand_id: Id

    @model_validator(mode="after")
    def _something_to_say(self) -> "PostCreate":
        if not self.title.strip() and not self.body.strip():
            raise ValueError("give the post a title or a text")
        return self


class PostPatch(Input):
    """Only the fields given change. `version` (or the If-Match header) must be the current version.
    null clears publish_at, timezone, campaign_id and due_at."""

    version: int | None = Field(default=None, ge=1)
    title: str | None = Field(default=None, max_length=fields.MAX_TITLE)
    body: Body | None = None
    channel_ids: list[Id] | None = Field(default=None, max_length=fields.MAX_CHANNELS)
    content_type: ContentType | None = None
    publish_at: WallTime | None = None
    timezone: TimeZoneName | None = None
    variants: dict[Id, Variant] | None = None
    media: list[Media] | None = Field(default=None, max_length=fields.MAX_MEDIA)
    links: list[AnyHttpUrl] | None = Field(default=None, max_length=fields.MAX_LINKS)
    tags: list[Tag] | None = Field(default=None, max_length=fields.MAX_TAGS)
    assignee_ids: list[Id] | None = Field(default=None, max_length=fields.MAX_ASSIGNEES)
    campaign_id: Id | None = None
    due_at: DueAt | None = None
    publish_now: bool | None = Field(default=None, description="true: the publish time becomes the current minute "
                                                               "(give no publish_at with it)")

    @model_validator(mode="after")
    def _nulls(self) -> "PostPatch":
        return refuse_nulls(self, {"version", "publish_at", "timezone", "campaign_id", "due_at"})


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
    publish_now: bool = Field(default=False, description="The time was set with publish_now (goes out once approved)")
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
    notices: list[str] = Field(default_factory=list, description="e.g. a wall time moved by a DST change, or a "
                                                                "clash with another post on the same channel")
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, item, notices: list[str] = ()) -> "PostOut":
        """The post as the API shows it, from the stored item."""
        from chalicelib.content import repo

        state = repo.state_of(item)
        approval = repo.approval_of(item)
        stage = state.current_stage
        return cls(
            id=item.id, brand_id=item.brand_id, author_id=item.author_id, title=item.title or "", body=item.body or "",
            channel_ids=list(item.channel_ids or []), content_type=item.content_type, publish_at=item.publish_wall,
            timezone=item.timezone, publish_at_utc=item.publish_at,
            publish_now=bool(getattr(item, "publish_now", False)), variants=plain(item.variants) or {},
            media=plain(item.media) or [], links=list(item.links or []), tags=list(item.tags or []),
            assignee_ids=list(item.assignee_ids or []), campaign_id=item.campaign_id, due_at=item.due_at,
            status=item.status, hold=bool(item.hold), version=int(item.version), content_hash=item.content_hash,
            approval={"chain_id": approval.get("chain_id"), "stage_index": state.stage_index if stage else None,
                      "current_stage": stage.name if stage else None, "waiting_for": sorted(state.waiting_for()),
                      "stages": approval.get("stages") or [], "approved_by": sorted(
                          {v.user_id for v in state.votes if v.decision.value == "approve"}),
                      "deadline": approval.get("deadline") if stage else None,
                      "on_miss": approval.get("on_miss")},
            notices=list(notices), created_at=item.created_at, updated_at=item.updated_at)


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
