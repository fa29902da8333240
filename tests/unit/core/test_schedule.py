"""Planned times: wall time + IANA zone → UTC, across DST gaps and folds (examples, then hypothesis)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core import schedule
from chalicelib.core.clock import iso, parse_utc
from chalicelib.core.errors import ValidationFailed
from chalicelib.core.schedule import InvalidSchedule, parse_wall_time, resolve, to_utc, to_wall

ZONES = ["Europe/Berlin", "Europe/Moscow", "America/New_York", "Europe/London", "Australia/Sydney",
         "America/Sao_Paulo", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns",
         "Asia/Tokyo", "UTC"]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---- parsing ---------------------------------------------------------------------------------

def test_parse_wall_time():
    assert parse_wall_time("2026-11-26T10:00") == datetime(2026, 11, 26, 10, 0)
    assert parse_wall_time(" 2026-11-26T10:00 ") == datetime(2026, 11, 26, 10, 0)
    assert parse_wall_time("2026-11-26 10:00") == datetime(2026, 11, 26, 10, 0)
    assert parse_wall_time("2026-11-26T10:00:00") == datetime(2026, 11, 26, 10, 0)
    assert parse_wall_time("2026-11-26T10:00").tzinfo is None


@pytest.mark.parametrize("text, message", [
    ("", "The planned time is empty"),
    ("   ", "The planned time is empty"),
    ("2026-11-26", "is not a planned time; expected YYYY-MM-DDTHH:MM"),
    ("26.11.2026 10:00", "is not a planned time"),
    ("2026-11-26T10", "is not a planned time"),
    ("2026-11-26T1:00", "is not a planned time"),
    ("2026-11-26T10:00Z", "carries a UTC offset; give the local time only"),
    ("2026-11-26T10:00+03:00", "carries a UTC offset"),
    ("2026-11-26T10:00:30", "has seconds; planned times are whole minutes"),
    ("2026-02-30T10:00", "is not a real date: 2026-02 has no day 30"),
    ("2027-02-29T10:00", "2027-02 has no day 29"),
    ("2026-13-01T10:00", "has month 13"),
    ("2026-00-01T10:00", "has month 0"),
    ("2026-11-26T24:00", "has hour 24; hours run from 00 to 23"),
    ("2026-11-26T10:60", "has minute 60"),
    ("1969-12-31T23:59", "The year 1969 is out of range"),
    ("٢٠٢٦-11-26T10:00", "is not a planned time"),  # ASCII digits only
])
def test_parse_errors_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_wall_time(text)


def test_leap_day_exists():
    assert parse_wall_time("2028-02-29T12:00") == datetime(2028, 2, 29, 12, 0)


def test_errors_are_validation_failures_naming_the_field():
    with pytest.raises(InvalidSchedule) as info:
        parse_wall_time("tomorrow")
    assert isinstance(info.value, ValidationFailed) and isinstance(info.value, ValueError)
    assert info.value.status == 422 and info.value.details[0]["field"] == "wall"
    with pytest.raises(InvalidSchedule) as info:
        resolve("2026-11-26T10:00", "Mars/Olympus")
    assert info.value.details[0]["field"] == "zone"


def test_non_string_wall_time():
    with pytest.raises(ValueError, match="empty"):
        parse_wall_time(None)  # type: ignore[arg-type]


# ---- zones -----------------------------------------------------------------------------------

def test_zone_names_are_validated():
    with pytest.raises(ValueError, match="'Mars/Olympus' is not a time zone we know. Use an IANA name"):
        to_utc(datetime(2026, 1, 1, 10), "Mars/Olympus")
    with pytest.raises(ValueError, match="Did you mean Europe/Berlin"):
        to_utc(datetime(2026, 1, 1, 10), "europe/berlin")
    with pytest.raises(ValueError, match="The time zone is empty"):
        to_utc(datetime(2026, 1, 1, 10), "")
    with pytest.raises(ValueError, match="not a time zone"):
        to_utc(datetime(2026, 1, 1, 10), "../../etc/passwd")
    with pytest.raises(ValueError, match="not a time zone"):
        to_wall(utc(2026, 1, 1), "CEST")


def test_known_zones():
    assert {"Europe/Berlin", "Europe/Moscow", "America/New_York", "UTC"} <= schedule.known_zones()


# ---- ordinary times and DST ------------------------------------------------------------------

def test_ten_o_clock_in_berlin_stays_ten_o_clock_across_dst():
    january = resolve("2026-01-15T10:00", "Europe/Berlin")
    july = resolve("2026-07-15T10:00", "Europe/Berlin")
    assert january.utc == utc(2026, 1, 15, 9, 0)
    assert july.utc == utc(2026, 7, 15, 8, 0)
    assert january.wall == "2026-01-15T10:00" and july.wall == "2026-07-15T10:00"
    assert not (january.adjusted or january.ambiguous or july.adjusted or july.ambiguous)
    assert january.note is None and july.note is None


def test_a_weekly_ten_o_clock_post_keeps_its_local_time_through_both_changes():
    start = datetime(2026, 3, 1, 10, 0)
    seen = set()
    for week in range(40):
        wall = start + timedelta(weeks=week)
        instant = to_utc(wall, "Europe/Berlin")
        assert to_wall(instant, "Europe/Berlin") == wall.strftime("%Y-%m-%dT%H:%M")
        seen.add(instant.hour)
    assert seen == {8, 9}  # summer and winter offsets


def test_moscow_has_no_dst():
    assert to_utc(datetime(2026, 1, 15, 10, 0), "Europe/Moscow") == utc(2026, 1, 15, 7, 0)
    assert to_utc(datetime(2026, 7, 15, 10, 0), "Europe/Moscow") == utc(2026, 7, 15, 7, 0)
    for text in ("2026-03-29T02:30", "2026-10-25T02:30"):  # Berlin's change nights mean nothing here
        resolved = resolve(text, "Europe/Moscow")
        assert not resolved.adjusted and not resolved.ambiguous and resolved.wall == text


def test_to_utc_returns_aware_utc():
    instant = to_utc(datetime(2026, 11, 26, 10, 0), "Europe/Berlin")
    assert instant.tzinfo is UTC and instant == utc(2026, 11, 26, 9, 0)


def test_to_utc_refuses_an_aware_wall_time():
    with pytest.raises(ValueError, match="naive"):
        to_utc(datetime(2026, 11, 26, 10, 0, tzinfo=UTC), "Europe/Berlin")


# ---- gaps (spring forward) ---------------------------------------------------------------------

def test_berlin_gap_moves_forward():
    resolved = resolve("2027-03-28T02:30", "Europe/Berlin")
    assert resolved.utc == utc(2027, 3, 28, 1, 30)
    assert resolved.wall == "2027-03-28T03:30"
    assert resolved.adjusted and not resolved.ambiguous
    assert resolved.note == ("2027-03-28 02:30 does not exist in Europe/Berlin: the clocks move forward 1 hour "
                             "that night. The post is planned for 2027-03-28 03:30 local time (01:30 UTC) instead.")


def test_berlin_gap_edges():
    assert not resolve("2027-03-28T01:59", "Europe/Berlin").adjusted
    assert resolve("2027-03-28T02:00", "Europe/Berlin").adjusted
    assert resolve("2027-03-28T02:59", "Europe/Berlin").adjusted
    three = resolve("2027-03-28T03:00", "Europe/Berlin")
    assert not three.adjusted and three.utc == utc(2027, 3, 28, 1, 0)
    assert resolve("2027-03-28T02:00", "Europe/Berlin").utc == three.utc  # 02:00 is 03:00


def test_new_york_gap():
    resolved = resolve("2027-03-14T02:30", "America/New_York")
    assert resolved.utc == utc(2027, 3, 14, 7, 30)
    assert resolved.wall == "2027-03-14T03:30" and resolved.adjusted


def test_half_hour_gap():
    resolved = resolve("2026-10-04T02:15", "Australia/Lord_Howe")
    assert resolved.adjusted and resolved.wall == "2026-10-04T02:45"
    assert "forward 30 minutes" in resolved.note and "(2026-10-03 15:45 UTC)" in resolved.note


def test_adjusted_wall_resolves_to_itself():
    first = resolve("2027-03-28T02:30", "Europe/Berlin")
    again = resolve(first.wall, first.zone)
    assert again.utc == first.utc and not again.adjusted and again.note is None


def test_to_utc_in_a_gap_matches_resolve():
    assert to_utc(datetime(2027, 3, 28, 2, 30), "Europe/Berlin") == utc(2027, 3, 28, 1, 30)


# ---- folds (fall back) -----------------------------------------------------------------------

def test_berlin_fold_takes_the_first_occurrence():
    resolved = resolve("2026-10-25T02:30", "Europe/Berlin")
    assert resolved.utc == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, not 02:30 CET (01:30Z)
    assert resolved.wall == "2026-10-25T02:30"
    assert resolved.ambiguous and not resolved.adjusted
    assert resolved.note == ("2026-10-25 02:30 happens twice in Europe/Berlin, because the clocks go back that "
                             "night. The post is planned for the first one, 02:30 CEST (00:30 UTC).")


def test_berlin_fold_edges():
    assert not resolve("2026-10-25T01:59", "Europe/Berlin").ambiguous
    assert resolve("2026-10-25T02:00", "Europe/Berlin").ambiguous
    assert resolve("2026-10-25T02:59", "Europe/Berlin").ambiguous
    three = resolve("2026-10-25T03:00", "Europe/Berlin")
    assert not three.ambiguous and three.utc == utc(2026, 10, 25, 2, 0)


def test_new_york_fold():
    resolved = resolve("2026-11-01T01:30", "America/New_York")
    assert resolved.utc == utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    assert resolved.ambiguous and "01:30 EDT" in resolved.note


def test_fold_attribute_on_input_is_ignored():
    wall = datetime(2026, 10, 25, 2, 30, fold=1)
    assert to_utc(wall, "Europe/Berlin") == utc(2026, 10, 25, 0, 30)


# ---- to_wall and the stored UTC form ---------------------------------------------------------------------

def test_to_wall():
    assert to_wall(utc(2026, 1, 15, 9, 0), "Europe/Berlin") == "2026-01-15T10:00"
    assert to_wall(utc(2026, 7, 15, 8, 0), "Europe/Berlin") == "2026-07-15T10:00"
    assert to_wall(utc(2026, 10, 25, 0, 30), "Europe/Berlin") == "2026-10-25T02:30"
    assert to_wall(utc(2026, 10, 25, 1, 30), "Europe/Berlin") == "2026-10-25T02:30"  # the second 02:30
    assert to_wall(utc(2026, 1, 1, 23, 59, 59), "Europe/Moscow") == "2026-01-02T02:59"


def test_to_wall_needs_an_aware_instant():
    with pytest.raises(ValueError, match="aware"):
        to_wall(datetime(2026, 1, 1), "Europe/Berlin")


def test_one_stored_utc_form_that_sorts_as_time():
    """Every instant is stored in one fixed-width form, so comparing stored strings compares times.
    (With two forms, "10:00:00Z" sorted after "10:00:00.500000Z" although it is earlier.)"""
    on_the_hour = utc(2026, 11, 26, 10, 0)
    half_a_second_later = on_the_hour + timedelta(microseconds=500_000)
    assert iso(on_the_hour) == "2026-11-26T10:00:00.000000Z"
    assert iso(on_the_hour) < iso(half_a_second_later) < iso(utc(2026, 11, 26, 10, 0, 1))
    assert iso(datetime(2026, 11, 26, 11, 0, 5, 999, tzinfo=timezone(timedelta(hours=1)))) == "2026-11-26T10:00:05.000999Z"
    assert iso(to_utc(datetime(2026, 11, 26, 11, 0), "Europe/Berlin")) == "2026-11-26T10:00:00.000000Z"
    assert len({len(iso(utc(year, 1, 1, 0, 0))) for year in (1970, 2026, 9999)}) == 1
    assert parse_utc(iso(half_a_second_later)) == half_a_second_later
    assert parse_utc("2026-11-26T10:00:00Z") == on_the_hour  # items written before the one form
    with pytest.raises(ValueError, match="aware"):
        iso(datetime(2026, 11, 26, 10, 0))


def test_round_trips():
    for zone in ZONES:
        for text in ("2026-01-01T00:00", "2026-06-30T23:59", "2026-12-31T12:00"):
            assert to_wall(resolve(text, zone).utc, zone) == text


# ---- properties ------------------------------------------------------------------------------

wall_times = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31, 23, 59)).map(
    lambda d: d.replace(second=0, microsecond=0))


def _change_nights() -> list[tuple[str, datetime]]:
    """(zone, local midnight) of every night in 2026 on which a zone's UTC offset changes."""
    nights = []
    for zone in ZONES:
        day = datetime(2026, 1, 1)
        while day.year == 2026:
            tomorrow = day + timedelta(days=1)
            if to_utc(tomorrow, zone) - to_utc(day, zone) != timedelta(days=1):
                nights.append((zone, day))
            day = tomorrow
    return nights


CHANGE_NIGHTS = _change_nights()
# A zone and a wall time on one of its change days, so gaps and folds come up often.
change_times = st.tuples(st.sampled_from(CHANGE_NIGHTS), st.integers(0, 24 * 60 - 1)).map(
    lambda pair: (pair[0][0], pair[0][1] + timedelta(minutes=pair[1])))
any_times = st.tuples(st.sampled_from(ZONES), wall_times)


def test_the_zone_list_has_change_nights_in_both_hemispheres():
    zones = {zone for zone, _ in CHANGE_NIGHTS}
    assert {"Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe"} <= zones
    assert not zones & {"Europe/Moscow", "Asia/Kolkata", "Asia/Tokyo", "UTC"}


@given(change_times | any_times)
def test_wall_round_trips_except_in_gaps(zone_and_wall):
    zone, wall = zone_and_wall
    text = wall.strftime("%Y-%m-%dT%H:%M")
    resolved = resolve(text, zone)
    assert resolved.utc == to_utc(wall, zone)
    if resolved.adjusted:
        assert resolved.wall > text and resolved.note
    else:
        assert to_wall(resolved.utc, zone) == text == resolved.wall
    assert resolved.wall == to_wall(resolved.utc, zone)
    assert (resolved.note is None) == (not resolved.adjusted and not resolved.ambiguous)


@given(change_times | any_times)
def test_stored_wall_is_stable(zone_and_wall):
    zone, wall = zone_and_wall
    resolved = resolve(wall.strftime("%Y-%m-%dT%H:%M"), zone)
    again = resolve(resolved.wall, zone)
    assert again.utc == resolved.utc and again.wall == resolved.wall and not again.adjusted


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31)), st.sampled_from(ZONES))
def test_every_instant_reads_back_to_a_wall_time_that_maps_to_it_or_its_twin(naive_utc, zone):
    instant = naive_utc.replace(second=0, microsecond=0, tzinfo=UTC)
    wall = to_wall(instant, zone)
    back = resolve(wall, zone)
    assert not back.adjusted  # a clock reading always exists
    if back.ambiguous:
        assert back.utc <= instant  # we pick the first of the two
    else:
        assert back.utc == instant


@given(wall_times, st.sampled_from(ZONES))
def test_offsets_are_whole_minutes_and_bounded(wall, zone):
    offset = wall - to_utc(wall, zone).replace(tzinfo=None)
    assert offset.total_seconds() % 60 == 0 and abs(offset) <= timedelta(hours=14)
