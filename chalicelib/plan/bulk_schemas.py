"""Bulk actions on posts: request and response models of POST /v1/brands/{brand_id}/posts/bulk and
…/posts/bulk-export (see docs/bulk-actions.md)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from chalicelib.core.schemas import Id, Input, Output
from chalicelib.plan.rules.bulk import MAX_DAYS, MAX_POSTS, VERSIONED


class BulkIn(Input):
    action: Literal["submit", "approve", "move", "archive"] = Field(
        description="submit (for approval), approve (where you may decide on the current stage; needs `versions` "
                    "for every post), "
                    "move (by `days`, keeping each post's wall time in its zone), archive")
    post_ids: list[Id] = Field(min_length=1, max_length=MAX_POSTS,
                               description=f"Posts of this brand (at most {MAX_POSTS}; repeated ids count once)")
    days: int | None = Field(default=None, ge=-MAX_DAYS, le=MAX_DAYS,
                             description="move only: whole days, negative = earlier (not 0)")
    versions: dict[Id, int] = Field(default_factory=dict, max_length=MAX_POSTS,
                                    description="The version you saw of each post: required for every post with "
                                                "`approve` (you approve the text you read), optional otherwise; a "
                                                "post changed since is reported as `stale` and left alone")

    @model_validator(mode="after")
    def _days_for_move(self) -> "BulkIn":
        if self.action == "move" and not self.days:
            raise ValueError("say by how many days to move the posts (days, not 0)")
        if any(v < 1 for v in self.versions.values()):
            raise ValueError("a version is a number from 1")
        if self.action in VERSIONED and any(post_id not in self.versions for post_id in self.post_ids):
            raise ValueError("approve needs the version you saw of each post: give `versions` "
                             "{post id: version} for every post in post_ids")
        return self


class BulkExportIn(Input):
    post_ids: list[Id] = Field(min_length=1, max_length=MAX_POSTS,
                               description=f"Posts of this brand (at most {MAX_POSTS}); others are left out")


class BulkError(Output):
    code: str = Field(description="not_found, forbidden, not_your_turn, not_in_review, stage_moved, stale, "
                                  "invalid_transition, no_chain, no_publish_time, limits, past_time, no_channel, "
                                  "invalid, busy, error")
    message: str = Field(description="A translated reason a person can read (the caller's language)")
    detail: str | None = Field(default=None, description="The refusing service's own message, when there is one")


class BulkItem(Output):
    post_id: str
    ok: bool
    status: str | None = Field(default=None, description="The post's status after the action (or as it is)")
    version: int | None = None
    publish_at: str | None = Field(default=None, description="move: the new wall time (in `timezone`)")
    timezone: str | None = None
    error: BulkError | None = None


class BulkOut(Output):
    action: str
    results: list[BulkItem]
    ok_count: int
    failed_count: int

    @classmethod
    def of(cls, report) -> "BulkOut":
        return cls(action=report.action, ok_count=report.ok_count, failed_count=report.failed_count, results=[
            BulkItem(post_id=r.post_id, ok=r.ok, status=r.status, version=r.version,
                     publish_at=r.publish_at if r.ok else None, timezone=r.timezone if r.ok else None,
                     error=BulkError(code=r.code, message=r.message, detail=r.detail) if not r.ok else None)
            for r in report.results])
