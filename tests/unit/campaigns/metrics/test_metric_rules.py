"""rules/metrics.py: which checks carry metrics and what they map to, the latest snapshot, entered values."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from chalicelib.campaigns.rules import metrics as rules


@dataclass(frozen=True)
class S:
    taken_at: str
    source: str
    name: str = ""


def test_reposts_are_forwards_on_telegram_and_shares_elsewhere():
    observed = {"found": True, "views": 1200, "likes": 40, "reposts": 7, "published_at": "x", "edited": False}
    assert rules.values_of_observed(observed, "telegram") == {"views": 1200, "likes": 40, "forwards": 7}
    assert rules.values_of_observed(observed, "vk") == {"views": 1200, "likes": 40, "shares": 7}
    assert rules.values_of_observed(observed, None) == {"views": 1200, "likes": 40, "shares": 7}


def test_missing_and_odd_counts_are_not_known_never_zero():
    observed = {"views": None, "likes": Decimal("12"), "reposts": -1, "comments": 2.5, "saves": True, "reach": "9"}
    assert rules.values_of_observed(observed, "vk") == {"likes": 12}
    assert rules.values_of_observed(None, "vk") == {}


@pytest.mark.parametrize("kind, state, observed, carries", [
    ("metrics_24h", "done", {"found": True, "views": None}, True),
    ("metrics_7d", "done", {"found": True}, True),
    ("metrics_72h", "planned", {"views": 5}, False),
    ("retention", "done", {"found": True, "views": 5}, True),
    ("retention", "done", {"found": True, "views": None}, False),
    ("final", "done", {"found": False, "views": 5}, False),
    ("metrics_24h", "done", None, False),
    ("metrics_24h", "dropped", {"views": 5}, False),
])
def test_which_checks_carry_metrics(kind, state, observed, carries):
    assert rules.carries_metrics(kind, state, observed) is carries


def test_latest_is_the_newest_then_manual_csv_check():
    a = S("2026-12-01T10:00:00.000000Z", "manual", "a")
    b = S("2026-12-02T10:00:00.000000Z", "check", "b")
    c = S("2026-12-02T10:00:00.000000Z", "csv", "c")
    d = S("2026-12-02T10:00:00.000000Z", "manual", "d")
    assert rules.latest([a, b]).name == "b"
    assert rules.latest([b, c, a]).name == "c"
    assert rules.latest([d, c, b]).name == "d"
    assert rules.latest([]) is None
    assert [s.name for s in rules.ordered([d, b, a, c])] == ["a", "b", "c", "d"]


def test_check_values():
    values, problems = rules.check_values({"views": 1200, "likes": "1 234", "saves": "", "clicks": None})
    assert values == {"views": 1200, "likes": 1234} and problems == []
    _, problems = rules.check_values({"views": -1, "likes": 1.5, "shares": "abc", "reach": False, "stars": 1,
                                      "comments": 10**16})
    assert {(p.code, p.field) for p in problems} == {
        ("unknown", "stars"), ("negative", "views"), ("not_whole", "likes"), ("not_whole", "shares"),
        ("not_whole", "reach"), ("too_big", "comments")}
    assert [p.code for p in rules.check_values({})[1]] == ["empty"]
    assert [p.code for p in rules.check_values({"views": ""})[1]] == ["empty"]
    assert rules.check_values({"views": 0}) == ({"views": 0}, [])  # zero is a value, not "not known"
    assert rules.check_values({"views": "-0"})[0] == {"views": 0}
    assert rules.check_values({"views": "１２"})[1][0].code == "not_whole"  # full-width digits are not ours


def test_same_values():
    assert rules.same_values({"views": 1, "likes": 2}, {"likes": 2, "views": Decimal(1)})
    assert not rules.same_values({"views": 1}, {"views": 1, "likes": 0})


def test_the_rules_know_the_models_metrics():
    from chalicelib.campaigns.models import METRIC_FIELDS

    assert rules.METRIC_FIELDS == METRIC_FIELDS


def test_taken_at_limits():
    from datetime import datetime, timedelta, timezone

    now = datetime(2026, 12, 10, 12, 0, tzinfo=timezone.utc)
    assert rules.taken_at_problem(datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone.utc), now) == "taken_at_early"
    assert rules.taken_at_problem(datetime(999, 12, 31, tzinfo=timezone.utc), now) == "taken_at_early"
    assert rules.taken_at_problem(rules.EARLIEST, now) is None
    assert rules.taken_at_problem(now, now) is None
    assert rules.taken_at_problem(now + timedelta(microseconds=1), now) == "taken_at_future"
