"""Pure pieces: the iCalendar text built from feed events, and the digest's next local send time."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar

from chalicelib.notifications.digest import next_send_at
from chalicelib.plan.feeds import FeedEvent, build_calendar

UTC = timezone.utc
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def event(uid, start, summary="[Acme] Post"):
    return FeedEvent(uid=uid, summary=summary, description="Status: Scheduled\nChannels: TG\n\nHello, world",
                     url=f"https://gl.example/posts/{uid}", start=start, stamp=NOW)


def test_calendar_round_trips_with_zones():
    berlin = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    ny = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    due = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    text = build_calendar([event("a", berlin), event("b", ny), event("c", due, "Approval due: x")],
                          language="en", now=NOW)
    assert text.startswith(b"BEGIN:VCALENDAR") and b"\r\n" in text
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["VERSION"]) == "2.0" and "Greenlight" in str(cal["PRODID"])
    got = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    a, b, c = (got[k].decoded("DTSTART") for k in "abc")
    assert a == berlin and str(a.tzinfo) == "Europe/Berlin" and a.utcoffset() == timedelta(hours=1)
    assert b == ny and str(b.tzinfo) == "America/New_York" and b.utcoffset() == timedelta(hours=-5)
    assert c == due and c.utcoffset() == timedelta(0)
    assert got["a"].decoded("DTEND") - a == timedelta(minutes=15)
    assert {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")} == {"Europe/Berlin", "America/New_York"}
    assert b"DTSTART;TZID=Europe/Berlin:20261201T100000" in text
    assert b"DTSTART:20261130T090000Z" in text


def test_summer_post_keeps_its_wall_time():
    summer = datetime(2027, 7, 1, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    cal = icalendar.Calendar.from_ical(build_calendar([event("s", summer)], language="ru", now=NOW))
    start = cal.walk("VEVENT")[0].decoded("DTSTART")
    assert start.hour == 10 and start.utcoffset() == timedelta(hours=2)
    assert "Greenlight" in str(cal["X-WR-CALNAME"])


def test_empty_calendar_is_valid():
    cal = icalendar.Calendar.from_ical(build_calendar([], language="en", now=NOW))
    assert cal.walk("VEVENT") == [] and cal.walk("VTIMEZONE") == []


def test_next_send_later_today_or_tomorrow():
    now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    assert next_send_at(now, 8, "Europe/Berlin") == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    assert next_send_at(now, 7, "Europe/Berlin") == datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    # already sent today: tomorrow even though today's hour is still ahead
    assert next_send_at(now, 8, "Europe/Berlin", not_on_or_before=date(2026, 12, 1)) == \
        datetime(2026, 12, 2, 7, 0, tzinfo=UTC)


def test_next_send_across_spring_forward_and_fall_back():
    # Berlin moves to summer time on 2027-03-28: 08:00 local is 07:00Z before, 06:00Z after.
    sent = datetime(2027, 3, 27, 7, 0, 30, tzinfo=UTC)
    assert next_send_at(sent, 8, "Europe/Berlin", not_on_or_before=date(2027, 3, 27)) == \
        datetime(2027, 3, 28, 6, 0, tzinfo=UTC)
    # New York goes back to standard time on 2026-11-01: 08:00 local is 12:00Z before, 13:00Z after.
    sent = datetime(2026, 10, 31, 12, 0, 30, tzinfo=UTC)
    assert next_send_at(sent, 8, "America/New_York", not_on_or_before=date(2026, 10, 31)) == \
        datetime(2026, 11, 1, 13, 0, tzinfo=UTC)
    # an hour the clock skips (02:00 on the spring-forward night) happens at 03:00 local that day
    at = next_send_at(datetime(2027, 3, 27, 12, 0, tzinfo=UTC), 2, "Europe/Berlin")
    assert at.astimezone(ZoneInfo("Europe/Berlin")).replace(tzinfo=None) == datetime(2027, 3, 28, 3, 0)


def test_next_send_east_of_utc_crosses_the_date_line():
    now = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # already 2 Dec 09:00 in Auckland (+13)
    at = next_send_at(now, 8, "Pacific/Auckland", not_on_or_before=date(2026, 12, 2))
    assert at.astimezone(ZoneInfo("Pacific/Auckland")).replace(tzinfo=None) == datetime(2026, 12, 3, 8, 0)
