"""Timing (the publish window with minutes early / late, minutes late rounded up after the window's end,
pushed_down) and presence (account case-insensitive without @, the format equivalence table, public)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from chalicelib.deals.rules.terms import Terms
from chalicelib.placements.rules.evaluate import Expected
from chalicelib.placements.rules.observed import Observed
from chalicelib.placements.rules.presence import account_key, format_accepted, presence_findings
from chalicelib.placements.rules.timing import minutes_outside, stamp, timing_findings, window

AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def timing(published: datetime | None, before=30, after=60, **kw) -> list[tuple[str, str, str]]:
    return [(f.rule, f.expected, f.actual) for f in timing_findings(published, AT, before, after, **kw)]


# --- the window -------------------------------------------------------------------------------------

@pytest.mark.parametrize("offset", [timedelta(minutes=-30), timedelta(0), timedelta(minutes=60), timedelta(seconds=1)])
def test_inside_the_window_passes(offset):
    assert timing(AT + offset) == []
    assert minutes_outside(AT + offset, AT, 30, 60) == 0


def test_too_early_with_minutes():
    assert timing(AT - timedelta(minutes=45)) == [("too_early", "≤ 30 min before 2026-12-01T09:00Z", "45 min before")]
    assert minutes_outside(AT - timedelta(minutes=45), AT, 30, 60) == -15
    assert minutes_outside(AT - timedelta(minutes=30, seconds=1), AT, 30, 60) == -1


def test_too_late_with_minutes_and_minutes_late_from_the_window_end():
    assert timing(AT + timedelta(minutes=87)) == [("too_late", "≤ 60 min after 2026-12-01T09:00Z", "87 min after")]
    assert minutes_outside(AT + timedelta(minutes=87), AT, 30, 60) == 27


@pytest.mark.parametrize("late, minutes", [
    (timedelta(seconds=1), 1), (timedelta(seconds=59), 1), (timedelta(minutes=1), 1),
    (timedelta(minutes=26, seconds=1), 27), (timedelta(minutes=27), 27), (timedelta(microseconds=1), 1)])
def test_minutes_late_are_rounded_up(late, minutes):
    assert minutes_outside(AT + timedelta(minutes=60) + late, AT, 30, 60) == minutes


def test_a_window_with_no_grace():
    assert timing(AT + timedelta(seconds=30), before=0, after=0) == [
        ("too_late", "≤ 0 min after 2026-12-01T09:00Z", "1 min after")]
    assert window(AT, 0, 0) == (AT, AT)


def test_the_window_can_be_skipped_and_an_unknown_time_is_not_judged():
    assert timing(AT + timedelta(hours=5), window_checked=False) == []
    assert timing(None, top_hours=3, next_post_at=AT) == []


def test_stamps_are_utc():
    moscow = timezone(timedelta(hours=3))
    assert stamp(datetime(2026, 12, 1, 12, 0, tzinfo=moscow)) == "2026-12-01T09:00Z"
    assert stamp(datetime(2026, 12, 1, 9, 0, 5, tzinfo=timezone.utc)) == "2026-12-01T09:00:05Z"


# --- top ----------------------------------------------------------------------------------------------

def test_pushed_down_by_a_newer_post_before_top_hours():
    assert timing(AT, top_hours=3, next_post_at=AT + timedelta(minutes=47, seconds=30)) == [
        ("pushed_down", "≥ 3 h on top", "47 min on top")]


def test_not_pushed_down():
    assert timing(AT, top_hours=3, next_post_at=AT + timedelta(hours=3)) == []
    assert timing(AT, top_hours=3, next_post_at=None) == []
    assert timing(AT, top_hours=None, next_post_at=AT + timedelta(minutes=1)) == []
    assert timing(AT, top_hours=0, next_post_at=AT + timedelta(minutes=1)) == []


def test_pushed_down_is_judged_even_when_the_window_is_not():
    assert [rule for rule, *_ in timing(AT + timedelta(hours=5), window_checked=False, top_hours=3,
                                        next_post_at=AT + timedelta(hours=6))] == ["pushed_down"]


# --- presence -----------------------------------------------------------------------------------------

def expected(platform="telegram", account="coffee_channel", format="tg_post") -> Expected:
    return Expected(platform=platform, account=account, format=format, publish_at=AT, window_before_minutes=0,
                    window_after_minutes=60, top_hours=None, terms=Terms(), disclosure="none", erid=None,
                    advertiser_name=None, advertiser_inn=None, utm={})


def presence(exp: Expected, **seen) -> list[tuple[str, str, str]]:
    observed = Observed(found=True, url="https://t.me/coffee_channel/1", **seen)
    return [(f.rule, f.expected, f.actual) for f in presence_findings(exp, observed)]


@pytest.mark.parametrize("contracted, seen", [
    ("coffee_channel", "coffee_channel"), ("@Coffee_Channel", "coffee_channel"), ("coffee_channel", "@COFFEE_channel"),
    ("https://t.me/coffee_channel", "coffee_channel"), ("t.me/s/coffee_channel", "coffee_channel")])
def test_the_same_account(contracted, seen):
    assert presence(expected(account=contracted), account=seen) == []


def test_a_wrong_account():
    assert presence(expected(account="@Coffee_Channel"), account="tea_channel") == [
        ("wrong_account", "coffee_channel", "tea_channel")]


def test_vk_accounts():
    assert account_key("club123") == account_key("public123") == account_key("https://vk.com/club123") == "-123"
    assert account_key("id42") == "42"
    assert presence(expected("vk", "club123", "post"), account="-123") == []
    assert presence(expected("vk", "-123", "post"), account="-124") == [("wrong_account", "-123", "-124")]
    assert presence(expected("vk", "coffeebrand", "post"), account="-123") == []  # a handle vs an id: unknown


def test_web_accounts():
    assert presence(expected("dzen", "www.Blog.example", "post"), account="blog.example") == []
    assert presence(expected("dzen", "blog.example", "post"), account="other.example") == [
        ("wrong_account", "blog.example", "other.example")]
    assert presence(expected("youtube", "@coffeechannel", "video"), account="youtube.com") == []  # not comparable


def test_an_unknown_account_is_not_checked():
    assert presence(expected(), account=None) == []


@pytest.mark.parametrize("contracted, seen, ok", [
    ("tg_post", "tg_post", True), ("post", "tg_post", True), ("tg_post", "post", True),
    ("tg_post", "photo", True), ("tg_post", "album", True), ("tg_post", "video", True),
    ("post", "photo", True), ("carousel", "album", True), ("reel", "video", True), ("short", "video", True),
    ("video", "video", True), ("Video", "video", True),
    ("video", "tg_post", False), ("story", "photo", False), ("story", "post", False), ("reel", "photo", False),
    ("carousel", "photo", False), ("live", "video", False),
])
def test_the_format_equivalence_table(contracted, seen, ok):
    assert format_accepted(contracted, seen) is ok
    assert presence(expected(format=contracted), format=seen) == ([] if ok else [("wrong_format", contracted, seen)])


def test_an_unshown_format_is_not_checked():
    assert presence(expected(format="story"), format=None) == []


def test_not_public():
    assert presence(expected(), public=False) == [("not_public", "public", "not public")]
