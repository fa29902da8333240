"""Metric snapshots: request and response models (the wire shapes of routes.py)."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import Input, Output


class SnapshotIn(Input):
    subject: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="target:<post id><channel id> (a post's publication on one channel) or deliverable:<id>")
    taken_at: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None, description="UTC, 2026-12-01T09:00:00Z (an offset is allowed); from 2000 on, not in the future; "
                                  "default now — a client that retries sends it (a retry without it is a new entry)")
    values: dict[str, Any] = Field(description="Whole non-negative counts of views, reach, impressions, likes, "
                                               "comments, shares, saves, forwards, clicks; a metric left out is "
                                               "not known")


class SnapshotOut(Output):
    subject: str
    taken_at: str
    source: str = Field(description="manual | csv | check")
    values: dict[str, int]
    check_id: str | None = Field(default=None, description="The placement check it comes from (source check)")


class EnteredOut(SnapshotOut):
    created: bool = Field(description="False: the same entry was there already (a retry); nothing was written")


class SubjectOut(Output):
    subject: str
    kind: str = Field(description="target | deliverable")
    label: str
    platform: str | None = None
    post_id: str | None = None
    channel_id: str | None = None
    deliverable_id: str | None = None
    deal_id: str | None = None
    latest: SnapshotOut | None = Field(default=None, description="The snapshot that counts: the newest "
                                                                 "(manual > csv > check at the same instant)")


class SubjectList(Output):
    items: list[SubjectOut]


class ImportOut(Output):
    created: int = Field(description="New snapshots written")
    unchanged: int = Field(description="Rows identical to a snapshot already there (the latest, or one imported "
                                       "before): nothing written")
    skipped: int = Field(description="Rows without any metric (or the same row twice)")
