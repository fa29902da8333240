"""The approval state machine: examples, then random action sequences (hypothesis)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.content.rules import workflow as wf
from chalicelib.content.rules.workflow import Decision, PostState, Rule, Stage, Status
from chalicelib.core.errors import DomainError, Forbidden, InvalidTransition

AUTHOR = "author"
STAGES = (Stage("review", Rule.any, frozenset({"cm1", "cm2"})),
          Stage("client", Rule.all, frozenset({"smm", "client"})))


def draft(**kw) -> PostState:
    return PostState(status=Status.draft, version=1, author_id=AUTHOR, **kw)


def test_happy_path_two_stages_to_scheduled():
    s = wf.submit(draft(has_publish_time=True), STAGES, approve_without_chain=False).state
    assert s.status is Status.in_review and s.waiting_for() == {"cm1", "cm2"}
    s = wf.decide(s, "cm2", 1, Decision.approve, authors_may_approve=False).state
    assert s.stage_index == 1 and s.waiting_for() == {"smm", "client"}
    out = wf.decide(s, "smm", 1, Decision.approve, authors_may_approve=False)
    assert out.state.status is Status.in_review and out.events == ("vote_recorded",)
    out = wf.decide(out.state, "client", 1, Decision.approve, authors_may_approve=False)
    assert out.state.status is Status.scheduled and "approved" in out.events


def test_a_late_approver_of_a_stage_that_moved_on_gets_stage_moved_not_a_refusal():
    s = wf.submit(draft(has_publish_time=True), STAGES, approve_without_chain=False).state
    s = wf.decide(s, "cm1", 1, Decision.approve, authors_may_approve=False).state  # cm1 wins the "any" race
    with pytest.raises(wf.StageMoved) as info:  # cm2 pressed Approve at the same moment: allowed, but late
        wf.decide(s, "cm2", 1, Decision.approve, authors_may_approve=False)
    error = info.value
    assert error.status == 409 and error.code == "stage_moved"
    assert error.extra == {"status": "in_review", "stage": 1, "stage_name": "client", "current_version": 1}
    s = wf.decide(wf.decide(s, "smm", 1, Decision.approve, authors_may_approve=False).state, "client", 1,
                  Decision.approve, authors_may_approve=False).state
    with pytest.raises(wf.StageMoved) as info:  # the last stage is done too: where it is now, no stage
        wf.decide(s, "cm2", 1, Decision.approve, authors_may_approve=False)
    assert info.value.extra["status"] == "scheduled" and info.value.extra["stage"] is None


def test_stage_moved_only_for_someone_late_not_for_ones_own_repeat_or_other_changes():
    s = wf.submit(draft(), STAGES, approve_without_chain=False).state
    moved = wf.decide(s, "cm1", 1, Decision.approve, authors_may_approve=False).state
    with pytest.raises(Forbidden):  # cm1 presses again: their own decision moved it, nobody was first
        wf.decide(moved, "cm1", 1, Decision.approve, authors_may_approve=False)
    rejected = wf.decide(s, "cm1", 1, Decision.reject, authors_may_approve=False).state
    with pytest.raises(InvalidTransition) as info:  # their own rejection
        wf.decide(rejected, "cm1", 1, Decision.approve, authors_may_approve=False)
    assert not isinstance(info.value, wf.StageMoved)
    with pytest.raises(wf.StageMoved):  # cm2 was late to that rejection: someone else decided first
        wf.decide(rejected, "cm2", 1, Decision.approve, authors_may_approve=False)
    archived = wf.archive(s).state
    with pytest.raises(InvalidTransition) as info:  # archived by the author: not a decision, not a race
        wf.decide(archived, "cm2", 1, Decision.approve, authors_may_approve=False)
    assert not isinstance(info.value, wf.StageMoved)


def test_an_approver_of_a_later_stage_is_still_refused_early_and_an_outsider_always():
    s = wf.submit(draft(), STAGES, approve_without_chain=False).state
    with pytest.raises(Forbidden):  # the client's turn has not come: not a race
        wf.decide(s, "client", 1, Decision.approve, authors_may_approve=False)
    s = wf.decide(s, "cm1", 1, Decision.approve, authors_may_approve=False).state
    with pytest.raises(Forbidden):
        wf.decide(s, "stranger", 1, Decision.approve, authors_may_approve=False)
    with pytest.raises(DomainError) as info:  # an older version is a version conflict, not a race
        wf.decide(wf.edit(s, content_changed=True, has_publish_time=False).state, "cm2", 1, Decision.approve,
                  authors_may_approve=False)
    assert not isinstance(info.value, wf.StageMoved)


def test_without_publish_time_ends_approved():
    s = wf.submit(draft(), (STAGES[0],), approve_without_chain=False).state
    assert wf.decide(s, "cm1", 1, Decision.approve, authors_may_approve=False).state.status is Status.approved


def test_stale_version_is_conflict_with_current_version():
    s = wf.submit(draft(), STAGES, approve_without_chain=False).state
    s = wf.edit(s, content_changed=True, has_publish_time=False).state
    with pytest.raises(DomainError) as info:
        wf.decide(s, "cm1", 1, Decision.approve, authors_may_approve=False)
    assert info.value.status == 409 and info.value.extra["current_version"] == 2


def test_edit_in_review_returns_to_first_stage_and_voids_votes():
    s = wf.submit(draft(), STAGES, approve_without_chain=False).state
    s = wf.decide(s, "cm1", 1, Decision.approve, authors_may_approve=False).state
    assert s.stage_index == 1
    out = wf.edit(s, content_changed=True, has_publish_time=True)
    assert out.state.status is Status.in_review and out.state.stage_index == 0 and out.state.votes == ()
    assert out.state.version == 2


def test_author_cannot_approve_own_post_unless_allowed():
    stages = (Stage("self", Rule.any, frozenset({AUTHOR, "cm1"})),)
    s = wf.submit(draft(), stages, approve_without_chain=False).state
    with pytest.raises(Forbidden):
        wf.decide(s, AUTHOR, 1, Decision.approve, authors_may_approve=False)
    assert wf.decide(s, AUTHOR, 1, Decision.approve, authors_may_approve=True).state.status is Status.approved


def test_all_rule_does_not_wait_for_the_excluded_author():
    stages = (Stage("team", Rule.all, frozenset({AUTHOR, "cm1"})),)
    s = wf.submit(draft(), stages, approve_without_chain=False).state
    assert wf.decide(s, "cm1", 1, Decision.approve, authors_may_approve=False).state.status is Status.approved


def test_request_changes_and_reject():
    s = wf.submit(draft(), STAGES, approve_without_chain=False).state
    back = wf.decide(s, "cm1", 1, Decision.request_changes, authors_may_approve=False).state
    assert back.status is Status.changes_requested
    again = wf.submit(wf.edit(back, content_changed=True, has_publish_time=False).state, STAGES,
                      approve_without_chain=False).state
    assert again.status is Status.in_review and again.version == 2 and again.votes == ()
    assert wf.decide(s, "cm1", 1, Decision.reject, authors_may_approve=False).state.status is Status.rejected


def test_no_chain():
    with pytest.raises(InvalidTransition):
        wf.submit(draft(), (), approve_without_chain=False)
    assert wf.submit(draft(has_publish_time=True), (), approve_without_chain=True).state.status is Status.scheduled


def test_outsider_and_double_votes_refused():
    s = wf.submit(draft(), (STAGES[1],), approve_without_chain=False).state
    with pytest.raises(Forbidden):
        wf.decide(s, "cm1", 1, Decision.approve, authors_may_approve=False)
    s = wf.decide(s, "smm", 1, Decision.approve, authors_may_approve=False).state
    with pytest.raises(DomainError) as info:
        wf.decide(s, "smm", 1, Decision.approve, authors_may_approve=False)
    assert info.value.status == 409


def test_hold_and_archive():
    s = wf.set_hold(draft(), True).state
    assert s.hold and not wf.publishable(s)
    s = wf.archive(s).state
    with pytest.raises(InvalidTransition):
        wf.set_hold(s, False)
    with pytest.raises(InvalidTransition):
        wf.edit(s, content_changed=True, has_publish_time=False)


USERS = ["author", "cm1", "cm2", "smm", "client", "stranger"]
ACTIONS = st.one_of(
    st.tuples(st.just("submit"), st.sampled_from(USERS), st.booleans()),
    st.tuples(st.just("decide"), st.sampled_from(USERS), st.sampled_from(list(Decision)), st.integers(0, 2)),
    st.tuples(st.just("edit"), st.booleans(), st.booleans()),
    st.tuples(st.just("hold"), st.booleans()),
    st.tuples(st.just("archive")),
)


def apply(state: PostState, action, authors_may_approve: bool) -> PostState:
    kind = action[0]
    if kind == "submit":
        return wf.submit(state, STAGES, approve_without_chain=action[2]).state
    if kind == "decide":
        _, user, decision, lag = action
        return wf.decide(state, user, max(1, state.version - lag), decision,
                         authors_may_approve=authors_may_approve).state
    if kind == "edit":
        return wf.edit(state, content_changed=action[1], has_publish_time=action[2]).state
    if kind == "hold":
        return wf.set_hold(state, action[1]).state
    return wf.archive(state).state


@settings(max_examples=400, deadline=None)
@given(st.lists(ACTIONS, max_size=30), st.booleans())
def test_random_sequences_keep_every_invariant(actions, authors_may_approve):
    state = draft()
    for action in actions:
        before = state
        try:
            state = apply(state, action, authors_may_approve)
        except DomainError:
            assert state == before  # a refused action changes nothing
            continue
        assert state.version >= before.version
        # every recorded vote is about the current version: no decision on a stale version survives
        assert all(v.version == state.version for v in state.votes)
        if state.status is Status.in_review:
            assert 0 <= state.stage_index < len(state.stages)
        if state.status in (Status.approved, Status.scheduled) and state.stages:
            # approved on the current version: the last stage holds an approval of this version
            last = len(state.stages) - 1
            assert any(v.stage == last and v.decision is Decision.approve for v in state.votes)
        if state.status is Status.scheduled:
            assert state.has_publish_time
        if state.status is Status.approved:
            assert not state.has_publish_time
        if "stranger" in {v.user_id for v in state.votes}:
            pytest.fail("someone outside the chain decided")
        if not authors_may_approve:
            assert AUTHOR not in {v.user_id for v in state.votes if v.decision is Decision.approve}
