"""The pure rules of bulk actions: ids cleaned, the request checked, a wall time moved by days, the
check of one post before its service runs, and a service's refusal as a reason code."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.content.rules import workflow as wf
from chalicelib.core import i18n
from chalicelib.core.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from chalicelib.plan.rules import bulk as rules

STAGE = wf.Stage(name="Review", rule=wf.Rule.any, approvers=frozenset({"cm"}))


def state(status: wf.Status, **kw) -> wf.PostState:
    base = wf.PostState(status=status, version=3, author_id="writer", has_publish_time=True)
    if status is wf.Status.in_review:
        base = replace(base, stages=(STAGE,), stage_index=0)
    return replace(base, **kw)


def check(action, st, user="cm", seen=None, has_time=True):
    return rules.precheck(action, st, user_id=user, seen_version=seen, has_publish_time=has_time,
                          authors_may_approve=False)


def test_ids_are_deduplicated_in_order_blank_skipped_versions_read():
    got = rules.clean_ids(["b", " a ", "", "b:7", "c:2", "c:5", "d:x"])
    assert got == [rules.Seen("b", 7), rules.Seen("a"), rules.Seen("c", 2), rules.Seen("d")]


def test_valid_ids_are_lowercase_ascii_alphanumerics():
    assert rules.valid_id("01jabc9") and not rules.valid_id("") and not rules.valid_id("ABC")
    assert not rules.valid_id("a/b") and not rules.valid_id("é1") and not rules.valid_id("a" * 65)


@pytest.mark.parametrize("action, count, days, problem", [
    ("move", 2, 2, None), ("move", 2, -3, None), ("archive", 1, None, None), ("export", 100, None, None),
    ("delete", 1, None, "action"), (None, 1, None, "action"), ("submit", 0, None, "none_selected"),
    ("submit", 101, None, "too_many"), ("move", 1, None, "days"), ("move", 1, 0, "days"),
    ("move", 1, 367, "days"), ("move", 1, -367, "days"), ("approve", 1, 0, None)])
def test_the_request_as_a_whole(action, count, days, problem):
    assert rules.problem_with_request(action, count, days) == problem


def test_approve_needs_the_version_seen_of_every_post():
    assert rules.problem_with_request("approve", 2, None, versions_missing=True) == "versions"
    assert rules.problem_with_request("approve", 2, None, versions_missing=False) is None
    for action in ("submit", "move", "archive", "export"):
        assert rules.problem_with_request(action, 2, 1, versions_missing=True) is None


def test_each_request_problem_has_a_text_in_both_languages():
    for problem in ("action", "none_selected", "too_many", "days", "versions"):
        for language in i18n.LANGUAGES:
            assert i18n.translate(f"bulk.request.{problem}", language, max=1, days=1)


def test_each_reason_has_a_text_in_both_languages():
    for code in rules.REASONS:
        for language in i18n.LANGUAGES:
            assert i18n.translate(f"bulk.error.{code}", language, status="x", version=1)


@pytest.mark.parametrize("wall, days, moved", [
    ("2026-12-01T10:00", 2, "2026-12-03T10:00"), ("2026-12-31T23:30", 1, "2027-01-01T23:30"),
    ("2026-03-01T09:15", -1, "2026-02-28T09:15"), ("2028-02-28T00:00", 1, "2028-02-29T00:00"),
    ("2026-03-28T02:30", 1, "2026-03-29T02:30")])  # kept as wall time; the zone resolves a DST gap later
def test_a_wall_time_moves_by_whole_days_keeping_the_clock(wall, days, moved):
    assert rules.shift_wall(wall, days) == moved


def test_a_stale_version_is_refused_before_anything_else():
    assert check("archive", state(wf.Status.draft), seen=2) == rules.STALE
    assert check("archive", state(wf.Status.draft), seen=3) is None


@pytest.mark.parametrize("status, reason", [
    (wf.Status.draft, None), (wf.Status.changes_requested, None), (wf.Status.in_review, rules.INVALID_TRANSITION),
    (wf.Status.scheduled, rules.INVALID_TRANSITION), (wf.Status.published, rules.INVALID_TRANSITION)])
def test_submit_only_drafts_and_posts_sent_back(status, reason):
    assert check("submit", state(status)) == reason


def test_approve_only_where_the_person_may_decide_now():
    review = state(wf.Status.in_review)
    assert check("approve", review, user="cm") is None
    assert check("approve", review, user="someone") == rules.NOT_YOUR_TURN
    assert check("approve", replace(review, author_id="cm")) == rules.NOT_YOUR_TURN  # wrote it
    voted = replace(review, votes=(wf.Vote("cm", wf.Decision.approve, 3, 0),))
    assert check("approve", voted) == rules.NOT_YOUR_TURN  # decided already
    assert check("approve", state(wf.Status.draft)) == rules.NOT_IN_REVIEW


def test_move_needs_an_editable_post_with_a_publish_time():
    assert check("move", state(wf.Status.scheduled)) is None
    assert check("move", state(wf.Status.draft), has_time=False) == rules.NO_PUBLISH_TIME
    assert check("move", state(wf.Status.published)) == rules.INVALID_TRANSITION
    assert check("move", state(wf.Status.archived)) == rules.INVALID_TRANSITION


def test_archive_anything_not_archived_or_publishing():
    assert check("archive", state(wf.Status.published)) is None
    assert check("archive", state(wf.Status.archived)) == rules.INVALID_TRANSITION
    assert check("archive", state(wf.Status.publishing)) == rules.INVALID_TRANSITION


@pytest.mark.parametrize("action, exc, code", [
    ("archive", NotFound("x"), rules.NOT_FOUND),
    ("archive", Forbidden("x"), rules.FORBIDDEN),
    ("approve", Forbidden("x"), rules.NOT_YOUR_TURN),
    ("approve", wf.StageMoved(state(wf.Status.in_review)), rules.STAGE_MOVED),
    ("submit", InvalidTransition("no chain"), rules.NO_CHAIN),
    ("move", InvalidTransition("x"), rules.INVALID_TRANSITION),
    ("move", Conflict("changed", current_version=4), rules.STALE),
    ("move", Conflict("too many people"), rules.BUSY),
    ("move", ValidationFailed("x", details=[{"field": "body", "message": "TG: long", "limit": 4096}]), rules.LIMITS),
    ("move", ValidationFailed("in the past", details=[{"field": "publish_at", "message": "past"}]), rules.INVALID),
    ("submit", ValidationFailed("x", details=[{"field": "stages.0", "message": "no approvers"}]), rules.NO_CHAIN),
    ("move", ValidationFailed("x", details=[{"field": "publish_at", "code": "past", "message": "m"}]), rules.PAST_TIME),
    ("submit", ValidationFailed("x", details=[{"field": "publish_at", "code": "submit_past"}]), rules.PAST_TIME),
    ("submit", ValidationFailed("x", details=[{"field": "channel_ids", "code": "no_channel"}]), rules.NO_CHANNEL),
    ("move", ValidationFailed("x", details=[{"field": "media.0", "code": "too_big", "message": "m"}]), rules.LIMITS)])
def test_a_services_refusal_becomes_a_reason(action, exc, code):
    assert rules.reason_of(action, exc) == code


def test_counts():
    assert rules.counts([True, False, True]) == (2, 1) and rules.counts([]) == (0, 0)
