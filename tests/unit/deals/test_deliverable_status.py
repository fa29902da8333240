"""Deliverable statuses: every (from, to) pair against a table written out here, which statuses count as
published, refusals with sentences, and random walks (hypothesis)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.deals.rules import deliverable_status as dv
from chalicelib.deals.rules.deal_status import DealRuleError

BEFORE = ["planned", "creative_requested", "draft_submitted", "changes_requested", "approved", "scheduled", "late"]
# Written out by hand, independently of dv.NEXT.
ALLOWED = {
    "planned": {"creative_requested", "scheduled", "published", "late", "missed", "cancelled"},
    "creative_requested": {"draft_submitted", "late", "missed", "cancelled"},
    "draft_submitted": {"changes_requested", "approved", "late", "missed", "cancelled"},
    "changes_requested": {"draft_submitted", "late", "missed", "cancelled"},
    "approved": {"draft_submitted", "scheduled", "published", "late", "missed", "cancelled"},
    "scheduled": {"draft_submitted", "published", "late", "missed", "cancelled"},
    "late": {"draft_submitted", "approved", "scheduled", "published", "missed", "cancelled"},
    "published": {"monitoring", "fulfilled", "nonconforming", "deleted_early"},
    "monitoring": {"fulfilled", "nonconforming", "deleted_early"},
    "nonconforming": {"monitoring", "fulfilled", "deleted_early"},
    "fulfilled": set(), "missed": set(), "deleted_early": set(), "cancelled": set(),
}
PAIRS = [(a, b) for a in dv.STATES for b in dv.STATES]


def test_the_states_are_the_issues_and_the_table_covers_them():
    assert dv.STATES == ("planned", "creative_requested", "draft_submitted", "changes_requested", "approved",
                         "scheduled", "published", "monitoring", "fulfilled", "late", "nonconforming",
                         "deleted_early", "missed", "cancelled")
    assert {k: set(v) for k, v in dv.NEXT.items()} == ALLOWED
    assert all(target in dv.STATES for targets in dv.NEXT.values() for target in targets)


@pytest.mark.parametrize("current, wanted", PAIRS)
def test_every_pair(current, wanted):
    if wanted in ALLOWED[current]:
        assert dv.problem(current, wanted) is None and dv.move(current, wanted) == wanted
    else:
        sentence = dv.problem(current, wanted)
        assert sentence and sentence[0].isupper() and sentence.endswith(".")
        with pytest.raises(DealRuleError) as refused:
            dv.move(current, wanted)
        assert str(refused.value) == sentence


def test_the_draft_loop_and_the_happy_path():
    path = ["planned", "creative_requested", "draft_submitted", "changes_requested", "draft_submitted",
            "changes_requested", "draft_submitted", "approved", "scheduled", "published", "monitoring", "fulfilled"]
    for current, wanted in zip(path, path[1:]):
        assert dv.move(current, wanted) == wanted


def test_without_creative_approval_a_planned_deliverable_is_scheduled_or_published_directly():
    assert dv.move("planned", "scheduled") == "scheduled"
    assert dv.move("planned", "published") == "published"


def test_a_new_draft_after_approval_goes_back_to_review():
    assert dv.move("approved", "draft_submitted") == "draft_submitted"
    assert dv.move("scheduled", "draft_submitted") == "draft_submitted"
    with pytest.raises(DealRuleError, match="can become approved, cancelled, changes_requested, late or missed, "
                                            "not scheduled"):
        dv.move("draft_submitted", "scheduled")


@pytest.mark.parametrize("status", sorted(dv.PUBLISHED))
def test_a_published_deliverable_cannot_be_cancelled_or_missed(status):
    says = "final" if status in dv.FINAL else "has been published"
    with pytest.raises(DealRuleError, match=says):
        dv.move(status, "cancelled")
    with pytest.raises(DealRuleError, match=says):
        dv.move(status, "missed")


@pytest.mark.parametrize("status", BEFORE)
def test_before_publication_it_may_be_cancelled_or_missed(status):
    assert dv.move(status, "cancelled") == "cancelled" and dv.move(status, "missed") == "missed"


@pytest.mark.parametrize("status", dv.STATES)
def test_what_counts_as_published(status):
    expected = status in {"published", "monitoring", "nonconforming", "deleted_early", "fulfilled"}
    assert dv.counts_as_published(status) is expected
    assert dv.any_published(["planned", status, "cancelled"]) is expected


def test_any_published_over_a_deal():
    assert dv.any_published([]) is False
    assert dv.any_published(["planned", "late", "missed", "cancelled"]) is False
    assert dv.any_published(iter(["planned", "deleted_early"])) is True


def test_late_is_overdue_not_yet_published():
    assert not dv.counts_as_published("late")
    assert dv.move("late", "published") == "published" and dv.move("late", "missed") == "missed"


@pytest.mark.parametrize("status", sorted(dv.FINAL))
def test_final_states_lead_nowhere(status):
    assert dv.NEXT[status] == frozenset()
    with pytest.raises(DealRuleError, match=f"The deliverable is {status}, which is final"):
        dv.move(status, "monitoring")


def test_refusals_say_why():
    assert dv.problem("published", "published") == "The deliverable is published already."
    assert dv.problem("planned", "approved") == ("A deliverable that is planned can become cancelled, "
                                                 "creative_requested, late, missed, published or scheduled, "
                                                 "not approved.")
    assert "'paused' is not a deliverable status" in dv.problem("paused", "planned")
    assert "'paused' is not a deliverable status" in dv.problem("planned", "paused")
    assert "cannot be cancelled" in dv.problem("monitoring", "cancelled")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(dv.STATES + ("paused", "")), max_size=40))
def test_random_walks_stay_inside_the_table(wishes):
    status, went_live = "planned", False
    for wanted in wishes:
        try:
            status = dv.move(status, wanted)
        except DealRuleError as refused:
            assert str(refused).endswith(".")
            continue
        assert status in dv.STATES
        went_live = went_live or dv.counts_as_published(status)
        assert dv.counts_as_published(status) is went_live  # once live, always counted as published
        assert not (went_live and status in ("cancelled", "missed"))
