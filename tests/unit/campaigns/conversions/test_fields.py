"""The limits of a conversion's fields (fields.py): an amount too large for one order is its own problem
(told apart from "too many digits after the point"), floats and other types refused with our own codes,
and times before 2000 or far ahead refused — never an overflow."""
from __future__ import annotations

import datetime as dt

import pytest

from chalicelib.campaigns.conversions import fields

NOW = dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.timezone.utc)


def amount_code(text, currency: str = "RUB") -> str | None:
    money, problem = fields.amount(text, currency, currency)
    return None if problem is None else problem.code


@pytest.mark.parametrize("text, code", [
    ("1000000000.00", None),  # 10**11 kopecks: the largest single order
    ("1000000000,00", None),
    (100000000, None),
    ("1000000000.01", "too_large"),
    ("9000000000000.00", "too_large"),
    ("99999999999999999999", "too_large"),  # not "RUB has at most 2 digits"
    ("9" * 5000, "too_large"),
    ("99999999999999999999.999", "too_large"),
    (10**30, "too_large"),
    ("0001990.00", None),
    ("1.234", "digits"),
    (19.9, "float"),
    (True, "not_an_amount"),
    (["1"], "not_an_amount"),
    ({"amount": "1"}, "not_an_amount"),
    (None, "required"),
])
def test_amounts(text, code):
    assert amount_code(text) == code


def test_too_large_says_the_limit_in_the_currency():
    _, problem = fields.amount("99999999999999999999", "RUB", "RUB")
    assert (problem.field, problem.params) == ("amount", {"max": 1_000_000_000, "currency": "RUB"})
    assert amount_code("100000000000", "JPY") is None and amount_code("100000000001", "JPY") == "too_large"


@pytest.mark.parametrize("text, code", [
    ("2000-01-01T00:00:00Z", None),
    ("2026-12-31T12:05:00Z", None),  # 5 minutes ahead: still accepted
    ("1999-12-31T23:59:59Z", "too_early"),
    ("2000-01-01T02:00:00+03:00", "too_early"),  # 1999-12-31 23:00 UTC
    ("0999-01-05T00:00:00Z", "too_early"),  # would be stored "999-01-05T…" and sort after 2026
    ("0001-01-05T00:00:00Z", "too_early"),
    ("0001-01-01T00:30:00+01:00", "too_early"),  # before year 1 in UTC: OverflowError before
    ("9999-12-31T23:00:00-14:00", "future"),  # after year 9999 in UTC
    ("3000-01-01T00:00:00Z", "future"),
    ("2026-12-31T12:06:00Z", "future"),
])
def test_times_outside_a_sane_range_are_refused(text, code):
    value, problem = fields.occurred_at(text, NOW)
    assert (None if problem is None else problem.code) == code
    if code == "too_early":
        assert problem.params == {"value": text, "year": 2000}
    if code is None:
        assert value.tzinfo == dt.timezone.utc
