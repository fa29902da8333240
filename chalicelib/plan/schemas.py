"""The content plan as CSV and the calendar feed: request and response models."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.content.schemas import RangeBound
from chalicelib.core.schemas import Input, Output


class CalendarFeedOut(Output):
    url: str | None = Field(description="Your secret calendar feed URL (subscribe to it); null: none yet")
    created_at: str | None = None


class PlanRange(Input):
    from_: RangeBound | None = Field(default=None, alias="from", description="UTC date (inclusive)")
    to: RangeBound | None = Field(default=None, description="UTC date (exclusive)")


class ImportedRow(Output):
    line: int = Field(description="The row in the file as a spreadsheet numbers it (the header is row 1)")
    id: str = Field(description="The post of the row")
    outcome: Literal["created", "updated", "unchanged"]


class ImportResult(Output):
    created: list[str] = Field(description="Ids of the posts the file created")
    updated: list[str] = Field(description="Ids of the posts the file changed")
    unchanged: list[str] = Field(default_factory=list, description="Ids of the posts whose rows equal them")
    rows: list[ImportedRow] = Field(default_factory=list, description="Every data row and what it did")
