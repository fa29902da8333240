"""Publication targets: one per (post, channel), each with its own state. Pure: no I/O, no clock.

    scheduled ──claim──▶ publishing ──sent──▶ published
        │                    │ refused (nothing went out) ──▶ scheduled again (back-off) … ──▶ failed
        │                    │ ambiguous (may have gone out) ──▶ unconfirmed   (never re-sent by itself)
        │                    │ lease expired (worker died mid-send) ──▶ unconfirmed
        └─ more than MISSED_AFTER_MINUTES late ──▶ missed
    a channel removed from the post before it went out ──▶ skipped
    the post stops being scheduled before it went out (its content edited into a new version that
      needs approval again, its time cleared, archived) ──▶ cancelled
    skipped / cancelled ──the post is scheduled again (with the channel)──▶ scheduled, at the new version

A person acts on the end states: retry a `failed` one (→ scheduled), resolve an `unconfirmed` one
("it went out" + URL → published, or "send again" → scheduled), mark a manual one published.
Published targets are never sent again.

The post's status follows its targets (`derive_post_status`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

# Post statuses that publishing manages (derive_post_status writes them; a claim requires one).
PUBLICATION_STATUSES = ("scheduled", "publishing", "published", "partially_published", "failed", "unconfirmed",
                        "missed")


class TargetState(str, Enum):
    scheduled = "scheduled"
    publishing = "publishing"
    published = "published"
    failed = "failed"
    unconfirmed = "unconfirmed"
    missed = "missed"
    skipped = "skipped"
    cancelled = "cancelled"  # superseded before it went out: the post was edited, unscheduled or archived


MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=5)


def backoff(attempt: int, retry_after: float | None = None) -> timedelta:
    """Wait before try `attempt + 1`: what a 429 asked for, else 1, 2, 4, 8 minutes."""
    if retry_after is not None:
        return timedelta(seconds=max(1.0, min(float(retry_after), 3600.0)))
    return timedelta(minutes=2 ** max(0, attempt - 1))


def is_missed(publish_at: datetime, now: datetime, missed_after_minutes: int) -> bool:
    return now - publish_at > timedelta(minutes=missed_after_minutes)


@dataclass(frozen=True)
class RefusalOutcome:
    state: TargetState  # scheduled (try again) or failed
    retry_at: datetime | None


def after_refusal(attempts: int, now: datetime, *, permanent: bool, retry_after: float | None,
                  publish_at: datetime, missed_after_minutes: int) -> RefusalOutcome:
    """A send was refused before anything went out: try again later, or give up."""
    if permanent or attempts >= MAX_ATTEMPTS:
        return RefusalOutcome(TargetState.failed, None)
    retry_at = now + backoff(attempts, retry_after)
    if is_missed(publish_at, retry_at, missed_after_minutes):
        return RefusalOutcome(TargetState.failed, None)  # the next try would be too late anyway
    return RefusalOutcome(TargetState.scheduled, retry_at)


def derive_post_status(states: list[str]) -> str | None:
    """The post's status from its targets' states: `scheduled` while none has started, `publishing`
    while some are under way, then the outcome (None: no targets). Skipped and cancelled targets do not
    count."""
    counted = [TargetState(s) for s in states if s not in (TargetState.skipped.value, TargetState.cancelled.value)]
    if not counted:
        return None
    if any(s in (TargetState.scheduled, TargetState.publishing) for s in counted):
        started = any(s is not TargetState.scheduled for s in counted)
        return "publishing" if started else "scheduled"
    published = sum(1 for s in counted if s is TargetState.published)
    if published == len(counted):
        return "published"
    if published:
        return "partially_published"
    if any(s is TargetState.unconfirmed for s in counted):
        return "unconfirmed"
    if any(s is TargetState.failed for s in counted):
        return "failed"
    return "missed"
