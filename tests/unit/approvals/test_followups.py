"""Follow-up planning of a post change (approvals/followups.apply), without a database: a deadline
that did not move plans nothing new — also when the stored deadline has the whole-second form that
items written before the one stored UTC form carry."""
from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from chalicelib.approvals import followups
from chalicelib.content.rules.workflow import PostState, Rule, Stage, Status

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
POST = SimpleNamespace(id="p1", brand_id="b1")
BRAND = SimpleNamespace(timezone="Europe/Berlin")
IN_REVIEW = PostState(status=Status.in_review, version=1, author_id="a", has_publish_time=True,
                      stages=(Stage("review", Rule.any, frozenset({"cm"}), lead_hours=24),))


def plan(approval: dict, events=()):
    return followups.apply(POST, IN_REVIEW, events, approval, brand=BRAND, publish_at="2026-12-01T09:00:00.000000Z",
                           due_at=None, zone="Europe/Berlin", now=NOW)


def test_a_new_stage_plans_the_ask_the_reminders_and_the_escalation():
    approval: dict = {}
    index, tasks = plan(approval, events=("stage_started:0",))
    assert approval["deadline"] == "2026-11-30T09:00:00.000000Z"
    assert sorted(t.kind for t in tasks) == ["ask", "escalate", "remind", "remind"]
    assert index == {"gsi2pk": "BRAND#b1#REVIEW", "gsi2sk": "2026-11-30T09:00:00.000000Z#p1"}


def test_the_same_deadline_in_either_stored_form_plans_nothing_new():
    for stored in ("2026-11-30T09:00:00.000000Z", "2026-11-30T09:00:00Z"):  # the second: written before the one form
        approval = {"stage_round": "r1", "deadline_round": "d1", "deadline": stored}
        _, tasks = plan(approval)
        assert tasks == [] and approval["deadline_round"] == "d1", stored


def test_a_moved_deadline_plans_its_reminders_and_escalation_again():
    approval = {"stage_round": "r1", "deadline_round": "d1", "deadline": "2026-11-29T09:00:00.000000Z"}
    _, tasks = plan(approval)
    assert approval["deadline_round"] != "d1" and approval["deadline"] == "2026-11-30T09:00:00.000000Z"
    assert sorted(t.kind for t in tasks) == ["escalate", "remind", "remind"]
