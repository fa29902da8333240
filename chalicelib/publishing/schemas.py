"""Publication targets (one per post and channel) and what people do with them."""
from __future__ import annotations

from enum import Enum

from pydantic import AnyHttpUrl, Field, model_validator

from chalicelib.core.schemas import Input, Output


class AttemptOut(Output):
    number: int
    started_at: str
    finished_at: str | None = None
    outcome: str = Field(description="sending | published | refused | failed | unconfirmed | manual")
    error: str | None = None


class TargetOut(Output):
    id: str
    post_id: str
    channel_id: str
    channel_name: str | None = None
    platform: str
    state: str = Field(description="scheduled | publishing | published | failed | unconfirmed | missed | skipped "
                                   "| cancelled")
    version: int = Field(description="The approved version this target publishes")
    publish_at: str = Field(description="UTC")
    manual: bool = Field(description="A person publishes it (a network without an adapter) and marks it published")
    url: str | None = Field(default=None, description="The live post")
    external_id: str | None = None
    last_error: str | None = None
    published_at: str | None = None
    attempts: list[AttemptOut] = Field(default_factory=list)


class TargetList(Output):
    post_status: str
    items: list[TargetOut]


class ResolveOutcome(str, Enum):
    published = "published"
    resend = "resend"


class ResolveIn(Input):
    outcome: ResolveOutcome = Field(description="published: it did go out (give its url); resend: send it again now")
    url: AnyHttpUrl | None = Field(default=None, description="The live post, when outcome is published")

    @model_validator(mode="after")
    def _url_for_published(self) -> "ResolveIn":
        if self.outcome is ResolveOutcome.published and self.url is None:
            raise ValueError("give the url of the live post when it went out")
        return self


class MarkPublishedIn(Input):
    url: AnyHttpUrl = Field(description="The live post")
