"""Guardrails (content/rules/guardrails.py) and their words (content/guard_text.py): pure rules."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.content import guard_text
from chalicelib.content.rules import guardrails as g
from chalicelib.core import i18n, schedule

NOW = datetime(2026, 12, 1, 10, 30, 45, tzinfo=UTC)


# --- past times --------------------------------------------------------------------------------

@pytest.mark.parametrize("when, past", [
    (NOW - timedelta(days=1), True),
    (NOW.replace(second=0) - timedelta(minutes=1), True),
    (NOW.replace(second=0), False),  # the current minute: a form picks minutes
    (NOW, False),
    (NOW + timedelta(minutes=1), False),
    (None, False),
])
def test_is_past(when, past):
    assert g.is_past(when, NOW) is past


def test_a_past_time_is_refused_unless_publish_now():
    guard = g.check_time(NOW - timedelta(hours=1), NOW, publish_now=False, wall="2026-12-01T10:30",
                         zone="Europe/Berlin")
    assert guard == g.Guard("publish_at", "past", {"wall": "2026-12-01 10:30", "zone": "Europe/Berlin"})
    assert g.check_time(NOW - timedelta(hours=1), NOW, publish_now=True) is None
    assert g.check_time(NOW + timedelta(hours=1), NOW, publish_now=False) is None


def test_submit_needs_a_channel_and_a_time_not_past():
    assert [x.code for x in g.check_submit([], None, NOW, publish_now=False)] == ["no_channel"]
    assert [x.code for x in g.check_submit([], NOW - timedelta(days=1), NOW, publish_now=False)] == \
        ["no_channel", "submit_past"]
    assert g.check_submit(["c1"], NOW - timedelta(days=1), NOW, publish_now=True) == []
    assert g.check_submit(["c1"], None, NOW, publish_now=False) == []  # no time: approved, not scheduled


# --- clashes -----------------------------------------------------------------------------------

def other(post_id, minutes, channels=("tg",), status="draft", title="Other"):
    return g.Other(post_id, title, NOW + timedelta(minutes=minutes), tuple(channels), status)


def test_clashes_are_on_a_shared_channel_less_than_the_window_apart_nearest_first():
    others = [other("far", 30), other("near", -5), other("mid", 12, ("vk", "tg")), other("vk", 1, ("vk",)),
              other("gone", 2, status="archived"), other("me", 0)]
    found = g.find_clashes("me", NOW, ["tg", "x"], others, 30)
    assert [(c.post_id, c.channel_id, c.minutes) for c in found] == [("near", "tg", 5), ("mid", "tg", 12)]


@pytest.mark.parametrize("minutes, when, channels", [(0, NOW, ["tg"]), (30, None, ["tg"]), (30, NOW, [])])
def test_no_clash_check_when_off_unscheduled_or_without_channels(minutes, when, channels):
    assert g.find_clashes("me", when, channels, [other("a", 1)], minutes) == []


@pytest.mark.parametrize("settings, minutes", [
    ({}, 30), ({"clash_minutes": 0}, 0), ({"clash_minutes": 45}, 45), ({"clash_minutes": None}, 30),
    ({"clash_minutes": 10**6}, 24 * 60), ({"clash_minutes": "x"}, 30),
])
def test_clash_minutes_setting(settings, minutes):
    assert g.clash_minutes(settings) == minutes


def test_clash_window_brackets_the_time():
    assert g.clash_window(NOW, 30) == (NOW - timedelta(minutes=30), NOW + timedelta(minutes=30))


# --- zones from a list -------------------------------------------------------------------------

def test_zone_groups_common_first_then_regions_without_duplicates_or_legacy_names():
    known = schedule.known_zones()
    groups = g.zone_groups(known, "Europe/Berlin")
    names = [name for name, _ in groups]
    assert names[0] == "common" and "Europe" in names and "America" in names
    listed = [zone for _, zones in groups for zone in zones]
    assert len(listed) == len(set(listed))
    assert "Europe/Moscow" in groups[0][1] and "Europe/Moscow" not in dict(groups)["Europe"]
    assert "EST5EDT" not in listed and "Etc/GMT+3" not in listed and "UTC" in listed
    assert set(listed) <= known and len(listed) > 300


def test_a_preferred_zone_outside_the_common_ones_comes_first():
    groups = g.zone_groups(schedule.known_zones(), "Pacific/Auckland")
    assert groups[0][1][0] == "Pacific/Auckland" and "Pacific/Auckland" not in dict(groups)["Pacific"]


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_zone_group_has_a_name(language):
    for name, _ in g.zone_groups(schedule.known_zones()):
        assert i18n.translate(f"zone.group.{name}", language)


# --- words -------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["past", "submit_past", "no_channel", "now_and_time"])
@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_guard_is_said_in_both_languages(code, language):
    text = guard_text.guard_message(code, {"wall": "2026-12-01 10:00", "zone": "Europe/Berlin"}, language)
    assert text and "{" not in text


def test_a_clash_names_the_other_post_in_the_readers_language():
    clash = g.Clash("p1", "Latte", "tg", NOW, 12)
    assert guard_text.clash_message(clash, "TG", "2026-12-01T11:30", "Europe/Berlin", "en") == \
        "TG: “Latte” (post p1) goes out at 2026-12-01 11:30 (Europe/Berlin), 12 min from this post."
    assert "«Latte»" in guard_text.clash_message(clash, "TG", "2026-12-01T11:30", "Europe/Berlin", "ru")
