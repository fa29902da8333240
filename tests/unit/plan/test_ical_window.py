"""The calendar feed's window (feeds.window): whole days in the reader's zone, DST-correct midnights."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from chalicelib.plan import feeds

TOKYO = ZoneInfo("Asia/Tokyo")


def test_window_is_whole_days_in_the_zone():
    now = datetime(2027, 3, 10, 16, 0, tzinfo=timezone.utc)  # already 11 March 01:00 in Tokyo
    start, end = feeds.window(now, "Asia/Tokyo")
    assert start == datetime(2027, 2, 9, 0, 0, tzinfo=TOKYO)  # 30 days before 11 March, Tokyo midnight
    assert end == datetime(2027, 9, 8, 0, 0, tzinfo=TOKYO)    # the day after 7 September (11 March + 180)
    start, end = feeds.window(now, "Europe/Berlin")  # 10 March 17:00 in Berlin; end is in summer time
    assert start == datetime(2027, 2, 8, 0, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert end == datetime(2027, 9, 7, 0, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert end == datetime(2027, 9, 6, 22, 0, tzinfo=timezone.utc)  # summer time: UTC+2
    assert feeds.window(now, None) == feeds.window(now, "Nowhere/Unknown") == (
        datetime(2027, 2, 8, tzinfo=timezone.utc), datetime(2027, 9, 7, tzinfo=timezone.utc))


def test_window_midnight_that_does_not_exist_moves_forward():
    # Havana skips 00:00 → 01:00 on its spring-forward night (2027-03-14): the day starts at 01:00 there.
    now = datetime(2027, 4, 13, 12, 0, tzinfo=timezone.utc)
    start, _end = feeds.window(now, "America/Havana")
    assert start.astimezone(ZoneInfo("America/Havana")).replace(tzinfo=None) == datetime(2027, 3, 14, 1, 0)
