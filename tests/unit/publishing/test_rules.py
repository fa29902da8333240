"""The pure publishing rules: derived post status, refusals and back-off, the missed window."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.publishing import rules
from chalicelib.publishing.rules import TargetState


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize("states, expected", [
    ([], None),
    (["skipped"], None),
    (["scheduled", "scheduled"], "scheduled"),
    (["publishing", "scheduled"], "publishing"),
    (["published", "scheduled"], "publishing"),
    (["published", "published", "skipped"], "published"),
    (["published", "failed"], "partially_published"),
    (["published", "unconfirmed"], "partially_published"),
    (["published", "missed"], "partially_published"),
    (["failed", "failed"], "failed"),
    (["failed", "unconfirmed"], "unconfirmed"),
    (["missed", "failed"], "failed"),
    (["missed"], "missed"),
])
def test_the_post_status_follows_its_targets(states, expected):
    assert rules.derive_post_status(states) == expected


def test_a_refusal_is_retried_with_back_off_then_fails():
    now, publish_at = utc("2026-12-01T10:00"), utc("2026-12-01T10:00")
    first = rules.after_refusal(1, now, permanent=False, retry_after=None, publish_at=publish_at, missed_after_minutes=120)
    assert first == rules.RefusalOutcome(TargetState.scheduled, now + timedelta(minutes=1))
    third = rules.after_refusal(3, now, permanent=False, retry_after=None, publish_at=publish_at, missed_after_minutes=120)
    assert third.retry_at == now + timedelta(minutes=4)
    assert rules.after_refusal(rules.MAX_ATTEMPTS, now, permanent=False, retry_after=None, publish_at=publish_at,
                               missed_after_minutes=120).state is TargetState.failed


def test_a_429_waits_what_the_api_asked_and_a_permanent_refusal_fails_at_once():
    now = utc("2026-12-01T10:00")
    limited = rules.after_refusal(1, now, permanent=False, retry_after=7, publish_at=now, missed_after_minutes=120)
    assert limited.retry_at == now + timedelta(seconds=7)
    assert rules.after_refusal(1, now, permanent=True, retry_after=None, publish_at=now,
                               missed_after_minutes=120).state is TargetState.failed


def test_a_retry_that_would_land_outside_the_window_fails_instead():
    publish_at = utc("2026-12-01T10:00")
    now = publish_at + timedelta(minutes=119)
    assert rules.after_refusal(2, now, permanent=False, retry_after=None, publish_at=publish_at,
                               missed_after_minutes=120).state is TargetState.failed


def test_missed_window():
    publish_at = utc("2026-12-01T10:00")
    assert not rules.is_missed(publish_at, publish_at + timedelta(minutes=120), 120)
    assert rules.is_missed(publish_at, publish_at + timedelta(minutes=121), 120)
