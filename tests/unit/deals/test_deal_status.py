"""The deal state machine: every (status, action) pair against a table written out here, the cancel
rule, disputes, amendments, terms freezing, and random walks (hypothesis)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.deals.rules import deal_status as ds
from chalicelib.deals.rules.deal_status import DealRuleError, DealState, DealStatus

STATUSES = [s.value for s in DealStatus]
# Written out by hand, independently of ds.TABLE: (status, action) → where it leads; anything absent is refused.
EXPECTED = {
    ("draft", "send"): "sent", ("draft", "cancel"): "cancelled",
    ("sent", "sign"): "signed", ("sent", "cancel"): "cancelled",
    ("signed", "start"): "in_progress", ("signed", "cancel"): "cancelled", ("signed", "amend"): "sent",
    ("in_progress", "complete"): "completed", ("in_progress", "cancel"): "cancelled",
    ("in_progress", "dispute"): "disputed", ("in_progress", "amend"): "sent",
    ("completed", "close"): "closed", ("completed", "dispute"): "disputed",
    ("disputed", "cancel"): "cancelled", ("disputed", "amend"): "sent",
    # ("disputed", "resolve") is tested on its own: it needs `to`
}
PAIRS = [(status, action) for status in STATUSES for action in ds.ACTIONS]


def at(status: str, amendment: int = 0) -> DealState:
    return DealState(DealStatus(status), amendment)


@pytest.mark.parametrize("status, action", PAIRS)
def test_every_pair_of_status_and_action(status, action):
    to = "completed" if action == "resolve" else None
    if (status, action) in EXPECTED:
        out = ds.move(at(status), action, any_published=False)
        assert out.state.status.value == EXPECTED[(status, action)]
        assert out.events
    elif (status, action) == ("disputed", "resolve"):
        assert ds.move(at(status), action, any_published=False, to=to).state.status is DealStatus.completed
    else:
        with pytest.raises(DealRuleError) as refused:
            ds.move(at(status), action, any_published=False, to=to)
        message = str(refused.value)
        assert message[0].isupper() and message.endswith(".")  # a sentence for the person


def test_the_table_is_the_one_written_out_here():
    table = {pair: next(iter(targets)).value for pair, targets in ds.TABLE.items() if pair[1] != "resolve"}
    assert {(s.value, a): t for (s, a), t in table.items()} == EXPECTED
    assert ds.TABLE[(DealStatus.disputed, "resolve")] == {DealStatus.in_progress, DealStatus.completed}


def test_the_happy_path_and_its_events():
    state, events = at("draft"), []
    for action in ("send", "sign", "start", "complete", "close"):
        out = ds.move(state, action, any_published=action in ("complete", "close"))
        state, events = out.state, events + list(out.events)
    assert state == at("closed")
    assert events == ["sent", "signed", "started", "completed", "closed"]


@pytest.mark.parametrize("status", ["draft", "sent", "signed", "in_progress", "disputed"])
def test_cancel_only_while_nothing_is_published(status):
    assert ds.move(at(status), "cancel", any_published=False).state.status is DealStatus.cancelled
    with pytest.raises(DealRuleError, match="once one of its deliverables has been published; open a dispute"):
        ds.move(at(status), "cancel", any_published=True)
    assert "cancel" in ds.allowed_actions(at(status), any_published=False)
    assert "cancel" not in ds.allowed_actions(at(status), any_published=True)


@pytest.mark.parametrize("status, says", [("completed", "the work is done"), ("closed", "final"),
                                          ("cancelled", "final")])
def test_cancel_is_refused_after_the_work_whatever_was_published(status, says):
    for published in (False, True):
        with pytest.raises(DealRuleError, match=says):
            ds.move(at(status), "cancel", any_published=published)


@pytest.mark.parametrize("to", ["in_progress", "completed", DealStatus.in_progress, DealStatus.completed])
def test_a_dispute_is_resolved_to_in_progress_or_completed(to):
    out = ds.move(at("disputed", 2), "resolve", any_published=True, to=to)
    assert out.state == at(DealStatus(to).value, 2) and out.events == (f"resolved:{DealStatus(to).value}",)


@pytest.mark.parametrize("to", [None, "draft", "sent", "signed", "closed", "cancelled", "disputed", "nonsense"])
def test_a_dispute_cannot_be_resolved_anywhere_else(to):
    with pytest.raises(DealRuleError, match="in_progress or"):
        ds.move(at("disputed"), "resolve", any_published=False, to=to)


def test_only_resolve_takes_a_target():
    with pytest.raises(DealRuleError, match="Only resolving a dispute"):
        ds.move(at("in_progress"), "complete", any_published=False, to="completed")


@pytest.mark.parametrize("status", ["signed", "in_progress", "disputed"])
def test_an_amendment_is_a_new_contract_version_and_back_to_sent(status):
    out = ds.move(at(status, 1), "amend", any_published=True)
    assert out.state == at("sent", 2)
    assert out.events == ("amended:2", "new_contract_version")
    signed = ds.move(out.state, "sign", any_published=True).state
    assert signed == at("signed", 2) and not ds.terms_editable(signed.status)


@pytest.mark.parametrize("status, says", [("draft", "edit its terms directly"), ("sent", "edit its terms directly"),
                                          ("completed", "open a dispute first"), ("closed", "final"),
                                          ("cancelled", "final")])
def test_amend_is_refused_with_the_way_forward(status, says):
    with pytest.raises(DealRuleError, match=says):
        ds.move(at(status), "amend", any_published=False)


@pytest.mark.parametrize("status, editable", [("draft", True), ("sent", True), ("signed", False),
                                              ("in_progress", False), ("completed", False), ("closed", False),
                                              ("cancelled", False), ("disputed", False)])
def test_terms_freeze_at_signing(status, editable):
    assert ds.terms_editable(status) is editable
    assert ds.terms_editable(DealStatus(status)) is editable


@pytest.mark.parametrize("status, result, events", [
    ("draft", "draft", ("terms_changed",)),
    ("sent", "sent", ("terms_changed", "new_contract_version")),
    ("signed", "sent", ("terms_changed", "amended:1", "new_contract_version")),
    ("in_progress", "sent", ("terms_changed", "amended:1", "new_contract_version")),
    ("disputed", "sent", ("terms_changed", "amended:1", "new_contract_version")),
])
def test_what_a_change_of_terms_means(status, result, events):
    out = ds.change_terms(at(status))
    assert out.state.status.value == result and out.events == events


@pytest.mark.parametrize("status, says", [("completed", "open a dispute first"), ("closed", "final"),
                                          ("cancelled", "final")])
def test_terms_cannot_change_after_the_work(status, says):
    with pytest.raises(DealRuleError, match=says):
        ds.change_terms(at(status))


def test_unknown_actions_and_statuses_are_refused_with_sentences():
    with pytest.raises(DealRuleError, match="'archive' is not something a deal can do"):
        ds.move(at("draft"), "archive", any_published=False)
    with pytest.raises(DealRuleError, match="'paused' is not a deal status"):
        DealState("paused")
    with pytest.raises(DealRuleError, match="'paused' is not a deal status"):
        ds.terms_editable("paused")
    with pytest.raises(DealRuleError, match="amendment number"):
        DealState(DealStatus.draft, -1)
    assert DealState("sent").status is DealStatus.sent  # stored text is accepted


def test_a_refusal_names_what_is_possible():
    with pytest.raises(DealRuleError) as refused:
        ds.move(at("signed"), "complete", any_published=False)
    assert str(refused.value) == "A deal that is signed can start, cancel or amend, not complete."


def test_a_refusal_with_one_way_forward():
    with pytest.raises(DealRuleError, match="^A deal that is sent can sign or cancel, not start.$"):
        ds.move(at("sent"), "start", any_published=False)
    with pytest.raises(DealRuleError, match="^A deal that is sent can sign, not start.$"):
        ds.move(at("sent", 1), "start", any_published=True)


def test_allowed_actions_are_exactly_the_moves_that_succeed():
    for status in STATUSES:
        for published in (False, True):
            allowed = ds.allowed_actions(at(status), any_published=published)
            for action in ds.ACTIONS:
                to = "in_progress" if action == "resolve" else None
                try:
                    ds.move(at(status), action, any_published=published, to=to)
                    moved = True
                except DealRuleError:
                    moved = False
                assert moved is (action in allowed), (status, action, published)


STEP = st.tuples(st.sampled_from(ds.ACTIONS), st.sampled_from([None, "in_progress", "completed", "closed"]),
                 st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(STEP, max_size=40))
def test_random_walks_stay_inside_the_machine(steps):
    state, published = at("draft"), False
    for action, to, publishes in steps:
        published = published or (publishes and state.status in (DealStatus.in_progress, DealStatus.completed))
        before = state
        try:
            out = ds.move(state, action, any_published=published, to=to if action == "resolve" else None)
        except DealRuleError as refused:
            assert str(refused).strip() and before.status.value in STATUSES
            continue
        state = out.state
        assert isinstance(state.status, DealStatus) and out.events
        assert before.status not in ds.FINAL  # nothing leaves closed or cancelled
        assert not (published and state.status is DealStatus.cancelled)
        assert state.amendment == before.amendment + (action == "amend")
        assert (state.status is DealStatus.sent) >= (action == "amend")
