"""Stage deadlines, the follow-up plan, the next free slot, and signed action tokens (pure parts)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.approvals import rules as deadlines
from chalicelib.approvals import rules as slots
from chalicelib.approvals import tokens as action_tokens


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_deadline_is_publish_time_minus_lead():
    assert deadlines.stage_deadline(publish_at="2026-12-01T09:00:00Z", due_at="2026-11-20", zone="Europe/Berlin",
                                    lead_hours=24) == utc("2026-11-30T09:00")


def test_without_publish_time_the_internal_due_date_is_the_deadline():
    # a date alone: the end of that day in the brand's zone (23:59 Berlin = 22:59Z in winter)
    assert deadlines.stage_deadline(publish_at=None, due_at="2026-12-03", zone="Europe/Berlin",
                                    lead_hours=24) == utc("2026-12-03T22:59")
    assert deadlines.stage_deadline(publish_at=None, due_at="2026-07-03T15:00", zone="Europe/Berlin",
                                    lead_hours=0) == utc("2026-07-03T13:00")
    assert deadlines.stage_deadline(publish_at=None, due_at=None, zone="Europe/Berlin", lead_hours=4) is None


def test_plan_asks_now_reminds_at_offsets_still_ahead_and_escalates_at_the_deadline():
    now = utc("2026-11-29T20:00")
    steps = deadlines.plan(utc("2026-11-30T09:00"), now, (24, 2))
    assert [(s.kind, s.due, s.offset_hours) for s in steps] == [
        ("ask", now, None), ("remind", utc("2026-11-30T07:00"), 2), ("escalate", utc("2026-11-30T09:00"), None)]


def test_plan_without_deadline_only_asks_and_a_past_deadline_escalates_at_once():
    now = utc("2026-11-29T20:00")
    assert [s.kind for s in deadlines.plan(None, now, (24, 2))] == ["ask"]
    late = deadlines.plan(utc("2026-11-29T10:00"), now, (24, 2), ask=False)
    assert [(s.kind, s.due) for s in late] == [("escalate", now)]


@given(st.integers(min_value=0, max_value=24 * 30), st.lists(st.integers(min_value=1, max_value=336), max_size=4))
def test_plan_is_ordered_and_never_in_the_past(hours_ahead, offsets):
    now = utc("2026-11-29T20:00")
    steps = deadlines.plan(now + timedelta(hours=hours_ahead), now, tuple(offsets))
    dues = [s.due for s in steps]
    assert dues == sorted(dues) and all(d >= now for d in dues)
    assert steps[0].kind == "ask" and steps[-1].kind == "escalate"


def test_next_free_slot_skips_busy_hours_and_night():
    busy = {utc("2026-12-01T11:00"): {"tg"}, utc("2026-12-01T12:00"): {"x"}}
    earliest = utc("2026-12-01T10:30")  # 11:30 Berlin
    assert slots.next_free_slot(earliest, "Europe/Berlin", {"tg"}, busy) == utc("2026-12-01T12:00")
    assert slots.next_free_slot(earliest, "Europe/Berlin", {"tg", "x"}, busy) == utc("2026-12-01T13:00")
    late = utc("2026-12-01T21:30")  # 22:30 Berlin: next publishing hour is 08:00 tomorrow
    assert slots.next_free_slot(late, "Europe/Berlin", {"tg"}, {}) == utc("2026-12-02T07:00")


def test_next_free_slot_gives_up_after_the_horizon():
    start = utc("2026-12-01T00:00")
    busy = {start + timedelta(hours=h): {"tg"} for h in range(24 * 15)}
    assert slots.next_free_slot(start, "Europe/Berlin", {"tg"}, busy) is None


def test_action_token_round_trip_tamper_and_expiry():
    now = utc("2026-11-26T10:00")
    token = action_tokens.make("p1", 3, 1, "u1", "approve", now + timedelta(hours=2))
    claims = action_tokens.read(token, now)
    assert (claims.post_id, claims.version, claims.stage, claims.user_id, claims.action) == ("p1", 3, 1, "u1", "approve")
    middle = len(token) // 2  # the last base64 character may carry unused bits: change one in the middle
    flipped = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
    for broken in (flipped, token[:20], "", "x" * 2000):
        with pytest.raises(action_tokens.TamperedLink):
            action_tokens.read(broken, now)
    with pytest.raises(action_tokens.ExpiredLink) as expired:
        action_tokens.read(token, now + timedelta(hours=2))
    assert expired.value.claims.post_id == "p1" and expired.value.status == 410


def test_link_expiry_is_the_deadline_else_the_ttl_and_never_beyond_seven_days():
    now = utc("2026-11-26T10:00")
    assert action_tokens.expiry_for(now + timedelta(hours=5), now, 168) == now + timedelta(hours=5)
    assert action_tokens.expiry_for(now + timedelta(days=30), now, 168) == now + timedelta(days=7)
    assert action_tokens.expiry_for(None, now, 48) == now + timedelta(hours=48)
    assert action_tokens.expiry_for(now - timedelta(hours=1), now, 48) == now + timedelta(hours=48)
