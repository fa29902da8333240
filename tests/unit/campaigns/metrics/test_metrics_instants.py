"""metrics/instants.py: a snapshot's time as the API and the CSV write it (an instant) and as the page's form
sends it (the brand's local wall time); the calendar's edges are "not a time", never an OverflowError."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from chalicelib.campaigns.metrics.instants import read_instant, read_wall


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize("text, expected", [
    ("2026-12-01T09:00:00Z", utc(2026, 12, 1, 9)),
    ("2026-12-01 09:00", utc(2026, 12, 1, 9)),
    ("2026-12-01T12:00:00+03:00", utc(2026, 12, 1, 9)),
    ("0001-01-01T00:30:00+01:00", None),  # before the calendar's first instant in UTC
    ("9999-12-31T23:59:59-01:00", None),  # after its last
    ("0001-01-01T00:00:00Z", utc(1, 1, 1)),  # representable: the range check refuses it later
    ("yesterday", None), ("", None), ("2026-13-01T00:00Z", None),
])
def test_read_instant(text, expected):
    assert read_instant(text) == expected


@pytest.mark.parametrize("text, zone, expected", [
    ("2026-12-01T12:00", "Europe/Moscow", utc(2026, 12, 1, 9)),
    ("2026-12-01T12:00:30", "Europe/Moscow", utc(2026, 12, 1, 9, 0, 30)),
    ("2026-12-01 12:00", "UTC", utc(2026, 12, 1, 12)),
    ("2027-03-28T02:30", "Europe/Berlin", utc(2027, 3, 28, 1, 30)),  # a gap: the offset before it, as schedule does
    ("2026-10-25T02:30", "Europe/Berlin", utc(2026, 10, 25, 0, 30)),  # a fold: the first one
    ("2026-12-01T12:00Z", "Europe/Moscow", None),  # an offset: not a wall time
    ("2026-12-01T12:00+03:00", "Europe/Moscow", None),
    ("0001-01-01T00:30", "Europe/Moscow", None),
    ("9999-12-31T23:59", "America/New_York", None),
    ("2026-02-30T10:00", "UTC", None), ("soon", "UTC", None), ("", "UTC", None),
    ("2026-12-01T12:00", "Mars/Olympus", None),
])
def test_read_wall(text, zone, expected):
    assert read_wall(text, zone) == expected
