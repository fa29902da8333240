"""My activity list: request and response models."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import Input, Output, PageQuery

UtcInstant = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")]


class ActivityQuery(PageQuery):
    pass


class ActivityEntryOut(Output):
    id: str
    kind: str = Field(description="approved, changes_requested, rejected, scheduled, published or failed")
    text: str = Field(description="What happened, in your language")
    post_id: str
    post_url: str = Field(description="The post's page (a path)")
    at: str = Field(description="When (UTC)")
    at_local: str = Field(description="When, in your time zone")
    unread: bool
    comment: str | None = Field(default=None, description="Changes requested / rejected: the approver's comment")


class ActivityList(Output):
    items: list[ActivityEntryOut]
    cursor: str | None = None
    unread: int = Field(description="Unread items (counted up to 99)")
    read_until: str = Field(description="Everything at or before this instant (UTC) is read; empty: nothing read")


class MarkReadIn(Input):
    until: UtcInstant | None = Field(default=None, description="Mark read up to this instant (UTC, as in `at`); "
                                                               "default: now")


class MarkReadOut(Output):
    read_until: str
    unread: int
