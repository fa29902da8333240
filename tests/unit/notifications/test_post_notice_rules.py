"""The pure part of post notices (notifications/rules.py): which events make which notice, who hears
of it, and the per-event preferences with their defaults and partial changes."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from chalicelib.notifications import rules


@pytest.mark.parametrize("events, before, after, kinds", [
    (("changes_requested",), "in_review", "changes_requested", ["changes_requested"]),
    (("rejected",), "in_review", "rejected", ["rejected"]),
    (("approved",), "in_review", "approved", ["approved"]),
    (("approved", "scheduled"), "in_review", "scheduled", ["scheduled"]),  # one notice, not two
    ((), "approved", "scheduled", ["scheduled"]),  # an approved post got its publish time
    ((), "scheduled", "scheduled", []),  # only the time moved
    (("stage_started:1",), "in_review", "in_review", []),  # one stage of several
    (("vote_recorded",), "in_review", "in_review", []),
    (("reapproval:0",), "scheduled", "in_review", []),
    (("created",), None, "draft", []),
])
def test_event_kinds(events, before, after, kinds):
    assert rules.event_kinds(events, before, after) == kinds


def test_recipients_are_author_and_assignees_once_never_the_actor():
    assert rules.recipients("ann", ["bob", "ann", "cy"], "cy") == ["ann", "bob"]
    assert rules.recipients("ann", [], "ann") == []
    assert rules.recipients("ann", None, None) == ["ann"]


def test_preferences_default_on_and_the_master_switch_wins():
    prefs = rules.of(SimpleNamespace(notify=None))
    assert all(prefs.wants(kind, way) for kind in rules.EVENT_KINDS for way in rules.WAYS)
    prefs = rules.of(SimpleNamespace(notify={"email": False, "events": {"published": {"slack": False}}}))
    assert not prefs.wants("approved", "email") and prefs.wants("approved", "slack")
    assert not prefs.wants("published", "slack")


def test_stored_garbage_reads_as_defaults_and_patches_merge():
    events = rules.events_of({"nope": {"email": False}, "failed": {"email": "no", "slack": False}, "rejected": 1})
    assert "nope" not in events and events["failed"] == {"email": True, "slack": False}
    assert events["rejected"] == {"email": True, "slack": True}
    merged = rules.merge_events(events, {"failed": {"email": False, "slack": None}, "x": {"email": False}})
    assert merged["failed"] == {"email": False, "slack": False} and "x" not in merged
