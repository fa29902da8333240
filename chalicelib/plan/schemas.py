"""The content plan as CSV and the calendar feed: request and response models."""
from __future__ import annotations

from pydantic import Field

from chalicelib.content.schemas import RangeBound
from chalicelib.core.schemas import Input, Output


class CalendarFeedOut(Output):
    url: str | None = Field(description="Your secret calendar feed URL (subscribe to it); null: none yet")
    created_at: str | None = None


class PlanRange(Input):
    from_: RangeBound | None = Field(default=None, alias="from", description="UTC date (inclusive)")
    to: RangeBound | None = Field(default=None, description="UTC date (exclusive)")


class ImportResult(Output):
    created: list[str]
    updated: list[str]
