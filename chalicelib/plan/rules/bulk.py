"""Bulk actions on posts as pure rules (no I/O): the actions, the batch's cap, its ids cleaned, the move of a
wall time by whole days, a check per post before its service is asked, and a failure's reason code from the
domain error a service raised.

The services (content, approvals) still decide and enforce everything on their own conditional write; the
check here only finds the usual refusals early, so each one gets a precise, translated reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.content.rules import workflow as wf
from chalicelib.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)

ACTIONS = ("submit", "approve", "move", "archive", "export")
PER_POST = ("submit", "approve", "move", "archive")  # one audited transition per post; export is one file
VERSIONED = ("approve",)  # actions that need the version the person saw of each post
MAX_POSTS = 100
MAX_DAYS = 366
WALL_FORMAT = "%Y-%m-%dT%H:%M"

# Reason codes of a failed post (each has the translation `bulk.error.<code>`).
NOT_FOUND = "not_found"              # no such post in this brand (or not one the person may see)
FORBIDDEN = "forbidden"              # the person's role does not allow it on this post
NOT_YOUR_TURN = "not_your_turn"      # approve: not an approver of the post's current stage (or wrote it)
NOT_IN_REVIEW = "not_in_review"      # approve: the post is not waiting for a decision
STAGE_MOVED = "stage_moved"          # approve: someone else decided first
STALE = "stale"                      # the post changed since the version the person saw
INVALID_TRANSITION = "invalid_transition"  # the post's status does not allow the action
NO_CHAIN = "no_chain"                # submit: no approval chain (or a stage without approvers)
NO_PUBLISH_TIME = "no_publish_time"  # move: the post has no publish time to move
LIMITS = "limits"                    # the post does not fit its networks' limits
PAST_TIME = "past_time"              # the (new) publish time would be in the past (guardrail)
NO_CHANNEL = "no_channel"            # submit: the post has no channel (guardrail)
INVALID = "invalid"                  # another check refused the change (e.g. a time in the past)
BUSY = "busy"                        # too many concurrent changes; try again
ERROR = "error"                      # an unexpected failure (logged)
REASONS = (NOT_FOUND, FORBIDDEN, NOT_YOUR_TURN, NOT_IN_REVIEW, STAGE_MOVED, STALE, INVALID_TRANSITION, NO_CHAIN,
           NO_PUBLISH_TIME, LIMITS, PAST_TIME, NO_CHANNEL, INVALID, BUSY, ERROR)
PROBLEM_CODES = {"past": PAST_TIME, "submit_past": PAST_TIME, "no_channel": NO_CHANNEL}  # content's guardrails


@dataclass(frozen=True)
class Seen:
    """One post as the person named it: its id and, when they said so, the version they saw."""

    post_id: str
    version: int | None = None


def clean_ids(values: list[str]) -> list[Seen]:
    """The posts named, in order, each once. A value may be `<id>` or `<id>:<version>` (the version the
    person saw: a post changed since then is left alone as stale). Blank values are skipped; when an id is
    named twice, the first version given wins."""
    seen: dict[str, Seen] = {}
    for raw in values:
        text = (raw or "").strip()
        if not text:
            continue
        post_id, _, version = text.partition(":")
        post_id = post_id.strip()
        number = int(version) if version.strip().isdigit() and len(version.strip()) < 10 else None
        if post_id not in seen:
            seen[post_id] = Seen(post_id, number)
        elif seen[post_id].version is None and number is not None:
            seen[post_id] = Seen(post_id, number)
    return list(seen.values())


def valid_id(post_id: str) -> bool:
    return 0 < len(post_id) <= 64 and post_id.isascii() and post_id.isalnum() and post_id == post_id.lower()


def problem_with_request(action: str | None, count: int, days: int | None, *,
                         versions_missing: bool = False) -> str | None:
    """Why the request as a whole cannot run (a key suffix of `bulk.request.<problem>`), or None.
    versions_missing: a post was named without the version the person saw — approve needs one for each
    post (an approval is a sign-off on the text the approver read, never on whatever is current)."""
    if action not in ACTIONS:
        return "action"
    if count == 0:
        return "none_selected"
    if count > MAX_POSTS:
        return "too_many"
    if action == "move" and (days is None or days == 0 or abs(days) > MAX_DAYS):
        return "days"
    if action in VERSIONED and versions_missing:
        return "versions"
    return None


def shift_wall(wall: str, days: int) -> str:
    """A wall time (YYYY-MM-DDTHH:MM) moved by whole days, the clock time kept (the zone's rules, DST
    included, apply when the service resolves it in the post's own zone)."""
    return (datetime.strptime(wall, WALL_FORMAT) + timedelta(days=days)).strftime(WALL_FORMAT)


def precheck(action: str, state: wf.PostState, *, user_id: str, seen_version: int | None,
             has_publish_time: bool, authors_may_approve: bool) -> str | None:
    """The reason a post will surely be refused, before asking its service (None: go ahead)."""
    if seen_version is not None and seen_version != state.version:
        return STALE
    if action == "submit" and state.status not in wf.SUBMITTABLE:
        return INVALID_TRANSITION
    if action == "approve":
        if state.status is not wf.Status.in_review:
            return NOT_IN_REVIEW
        if not wf.may_decide(state, user_id, authors_may_approve=authors_may_approve):
            return NOT_YOUR_TURN
    if action == "move":
        if state.status not in wf.EDITABLE:
            return INVALID_TRANSITION
        if not has_publish_time:
            return NO_PUBLISH_TIME
    if action == "archive" and state.status not in wf.ARCHIVABLE:
        return INVALID_TRANSITION
    return None


def reason_of(action: str, exc: DomainError) -> str:
    """A service's refusal of one post as a reason code."""
    if isinstance(exc, NotFound):
        return NOT_FOUND
    if isinstance(exc, Forbidden):
        return NOT_YOUR_TURN if action == "approve" else FORBIDDEN
    if isinstance(exc, wf.StageMoved):
        return STAGE_MOVED
    if isinstance(exc, InvalidTransition):
        return NO_CHAIN if action == "submit" else INVALID_TRANSITION
    if isinstance(exc, Conflict):
        return STALE if "current_version" in exc.extra else BUSY
    if isinstance(exc, ValidationFailed):
        if action == "submit" and any(str(d.get("field", "")).startswith("stages.") for d in exc.details):
            return NO_CHAIN
        details = [d for d in exc.details if isinstance(d, dict)]
        for detail in details:
            if detail.get("code") in PROBLEM_CODES:
                return PROBLEM_CODES[detail["code"]]
        if any("limit" in d or str(d.get("field", "")).startswith("media") for d in details):
            return LIMITS
        return INVALID
    return INVALID


def counts(oks: list[bool]) -> tuple[int, int]:
    done = sum(1 for ok in oks if ok)
    return done, len(oks) - done
