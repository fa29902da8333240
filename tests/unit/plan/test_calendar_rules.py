"""The calendar's pure rules: working hours, hour rows, free-slot hints, in-memory filters, landings."""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from chalicelib.plan.rules import calendar as rules

MON = date(2026, 12, 7)  # a Monday
WEEK = [date(2026, 12, 7 + i) for i in range(7)]


def test_working_hours_default_and_from_settings():
    assert rules.working_hours({}) == rules.WorkingHours(9, 18, (0, 1, 2, 3, 4))
    assert rules.working_hours(None) == rules.WorkingHours()
    got = rules.working_hours({"working_hours": {"start": "08:00", "end": "20:30", "days": [5, 0, 0]}})
    assert got == rules.WorkingHours(8, 20, (0, 5))
    assert rules.working_hours({"working_hours": {"start": "10:00", "end": "24:00"}}).end == 24
    assert rules.working_hours({"working_hours": {"start": "07:00"}}) == rules.WorkingHours(7, 18)  # end: default
    assert rules.working_hours({"working_hours": None}) == rules.WorkingHours()
    for broken in ({"start": "18:00", "end": "09:00"}, {"start": "nine", "end": "5pm"}, "9-18", {"days": [7]}):
        hours = rules.working_hours({"working_hours": broken})
        assert (hours.start, hours.end) == (9, 18) and hours.days == rules.DEFAULT_DAYS


def test_nearby_window_is_two_hours_or_the_brands_longer_clash_window():
    assert rules.nearby_minutes({}) == 120 and rules.nearby_minutes({"clash_minutes": 30}) == 120
    assert rules.nearby_minutes({"clash_minutes": 240}) == 240
    assert rules.nearby_minutes({"clash_minutes": "x"}) == 120 and rules.nearby_minutes({"clash_minutes": 10**6}) == 1440
    placed = [rules.Placed(datetime(2026, 12, 7, 12, 0), ("tg",))]
    hints = rules.free_slots([MON], range(9, 18), placed, ["tg"], rules.WorkingHours(), datetime(2026, 1, 1), 240)
    assert sorted(hints) == [(MON, 17)]  # 4 h after the slot ends is 13:00 at the earliest


def test_covers_working_days_and_hours_only():
    hours = rules.WorkingHours()
    assert hours.covers(MON, 9) and hours.covers(MON, 17)
    assert not hours.covers(MON, 8) and not hours.covers(MON, 18)
    assert not hours.covers(date(2026, 12, 12), 10)  # Saturday


def test_hour_rows_widen_to_posts_outside_working_hours():
    assert rules.hour_rows([], rules.WorkingHours()) == list(range(9, 18))
    assert rules.hour_rows([7, 12, 22], rules.WorkingHours()) == list(range(7, 23))


def test_free_slots_skip_busy_hours_and_nearby_posts_per_channel():
    hours = rules.WorkingHours()
    now = datetime(2026, 12, 1, 8, 0)
    placed = [rules.Placed(datetime(2026, 12, 7, 12, 30), ("tg",))]
    hints = rules.free_slots([MON], range(9, 18), placed, ["tg", "x"], hours, now)
    assert (MON, 12) not in hints  # the post's own hour is taken for every channel
    assert hints[(MON, 10)] == ["x"]  # 10:00–11:00 ends 90 min before the TG post: too close for TG
    assert hints[(MON, 11)] == ["x"] and hints[(MON, 14)] == ["x"]
    assert hints[(MON, 9)] == ["tg", "x"]  # ends 3.5 h before
    assert hints[(MON, 15)] == ["tg", "x"]  # starts 2.5 h after
    assert (MON, 8) not in hints and (MON, 18) not in hints  # outside working hours


def test_free_slots_only_working_days_and_not_past():
    hours = rules.WorkingHours()
    now = datetime(2026, 12, 7, 13, 15)
    hints = rules.free_slots(WEEK, range(9, 18), [], ["tg"], hours, now)
    assert (MON, 12) not in hints and (MON, 13) in hints  # 13:00–14:00 has not ended yet
    assert not any(day.weekday() >= 5 for day, _ in hints)
    assert len(hints) == 5 + 4 * 9


def test_free_slots_without_channels_count_any_post():
    hours = rules.WorkingHours()
    placed = [rules.Placed(datetime(2026, 12, 7, 12, 0), ())]
    hints = rules.free_slots([MON], range(9, 18), placed, [], hours, datetime(2026, 1, 1))
    assert hints[(MON, 9)] == [rules.ANY_CHANNEL] and (MON, 11) not in hints and (MON, 15) in hints


def post(**fields):
    return SimpleNamespace(**{"title": "", "body": "", "tags": [], "campaign_id": None, **fields})


def test_matches_tag_campaign_and_text():
    p = post(title="Winter Menu", body="Mulled wine is back", tags=["Drinks", "winter"], campaign_id="c1")
    assert rules.matches(p)
    assert rules.matches(p, tag="drinks") and not rules.matches(p, tag="food")
    assert rules.matches(p, campaign_id="c1") and not rules.matches(p, campaign_id="c2")
    assert rules.matches(p, text="MULLED") and rules.matches(p, text="menu wine")
    assert not rules.matches(p, text="menu beer")
    assert not rules.matches(post(), tag="x") and not rules.matches(post(), campaign_id="c1")
    assert rules.clean_text("  a   b \n c ") == "a b c" and len(rules.clean_text("x" * 500)) == rules.MAX_SEARCH


def test_landing_keeps_the_time_of_day_or_takes_the_slot():
    current = datetime(2026, 12, 1, 10, 45)
    assert rules.landing("2026-12-09", "", current).wall == datetime(2026, 12, 9, 10, 45)
    assert rules.landing("2026-12-09", None, None).wall == datetime(2026, 12, 9, 9, 0)
    assert rules.landing("2026-12-09", "14:45", current).wall == datetime(2026, 12, 9, 14, 45)
    assert rules.landing("2026-12-09", "7:05", current).wall == datetime(2026, 12, 9, 7, 5)
    for bad_date in ("2026-02-30", "tomorrow", "", "1066-10-14", "2026-12-9"):
        assert rules.landing(bad_date, "", current).error == "date"
    for bad_time in ("25:00", "10", "10:60", "noon"):
        assert rules.landing("2026-12-09", bad_time, current).error == "time"


def test_parse_day_takes_only_days_of_the_plans_range():
    assert rules.parse_day("2026-12-09") == date(2026, 12, 9)
    assert rules.parse_day("2000-01-01") == date(2000, 1, 1) and rules.parse_day("2100-12-31") == date(2100, 12, 31)
    for bad in ("9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01", "2026-02-30", "", None, "2026-1-1", "x"):
        assert rules.parse_day(bad) is None, bad
    assert rules.landing("9999-12-31", "", None).error == "date"
