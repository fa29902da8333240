"""What a check does: the deliverable's next status (a table, and never a move deliverable_status forbids),
and the penalty lines with their amounts (late 87 min, missing elements, early deletion pro rata and full,
no show)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from chalicelib.core.money import Money
from chalicelib.deals.rules.deliverable_status import STATES, problem
from chalicelib.deals.rules.penalties import Adjustment, recompute
from chalicelib.deals.rules.terms import Penalties, Terms
from chalicelib.placements.rules.evaluate import Evaluation, Expected
from chalicelib.placements.rules.findings import Finding
from chalicelib.placements.rules.outcome import KINDS, after_check, hours_of, moves_after_check, penalties

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(hours=10)  # live_until still ahead
PASSED = NOW - timedelta(minutes=1)  # live_until behind


def ev(*rules: str, severity: str = "fail") -> Evaluation:
    findings = tuple(Finding(rule, severity, "x", "y") for rule in rules)
    result = "pass" if not findings else severity
    return Evaluation(result, findings, None if "not_found" in rules else "h", 0, 0)


OK = ev()
GONE = ev("not_found")
BREACH = ev("promo_code_missing")
MARKING = ev("erid_mismatch")
PRESENCE = ev("wrong_account")
LATE = ev("too_late")
WARNED = ev("edited", severity="warn")


@pytest.mark.parametrize("status, kind, evaluation, live_until, expected", [
    # before publication
    ("scheduled", "initial", OK, LATER, "published"),
    ("planned", "manual", BREACH, LATER, "published"),
    ("approved", "initial", LATE, LATER, "published"),
    ("late", "manual", OK, LATER, "published"),
    ("draft_submitted", "initial", OK, LATER, None),  # not approved: a person looks
    ("scheduled", "initial", GONE, LATER, None),
    ("scheduled", "window_end", GONE, LATER, "missed"),
    ("late", "window_end", GONE, LATER, "missed"),
    ("creative_requested", "window_end", GONE, LATER, "missed"),
    # published
    ("published", "initial", OK, LATER, "monitoring"),
    ("published", "initial", WARNED, LATER, "monitoring"),
    ("published", "initial", LATE, LATER, "monitoring"),  # lateness is money, not status
    ("published", "initial", BREACH, LATER, "nonconforming"),
    ("published", "initial", MARKING, LATER, "nonconforming"),
    ("published", "initial", PRESENCE, LATER, "nonconforming"),
    ("published", "initial", OK, None, "fulfilled"),  # nothing to watch
    ("published", "initial", OK, PASSED, "fulfilled"),
    ("published", "retention", GONE, LATER, "deleted_early"),
    ("published", "retention", GONE, None, None),
    # monitoring
    ("monitoring", "retention", OK, LATER, None),
    ("monitoring", "retention", WARNED, LATER, None),
    ("monitoring", "retention", BREACH, LATER, "nonconforming"),
    ("monitoring", "retention", GONE, LATER, "deleted_early"),
    ("monitoring", "final", GONE, PASSED, None),  # gone after its time: we cannot tell when
    ("monitoring", "final", OK, PASSED, "fulfilled"),
    ("monitoring", "final", OK, LATER, "fulfilled"),  # the final check ends the watch
    ("monitoring", "metrics_24h", OK, PASSED, "fulfilled"),
    ("monitoring", "final", BREACH, PASSED, "nonconforming"),
    # nonconforming
    ("nonconforming", "manual", OK, LATER, "monitoring"),
    ("nonconforming", "manual", WARNED, LATER, "monitoring"),
    ("nonconforming", "manual", BREACH, LATER, None),
    ("nonconforming", "final", OK, PASSED, "fulfilled"),
    ("nonconforming", "retention", GONE, LATER, "deleted_early"),
    # final statuses never move
    ("fulfilled", "metrics_7d", GONE, PASSED, None),
    ("deleted_early", "retention", OK, LATER, None),
    ("missed", "manual", OK, LATER, None),
    ("cancelled", "manual", OK, LATER, None),
])
def test_after_check(status, kind, evaluation, live_until, expected):
    assert after_check(status, kind, evaluation, fetched=True, now=NOW, published_at=NOW - timedelta(hours=2),
                       live_until=live_until) == expected


def test_a_failed_fetch_moves_nothing():
    for status in STATES:
        assert after_check(status, "retention", None, fetched=False, now=NOW, published_at=None,
                           live_until=LATER) is None
        assert after_check(status, "retention", GONE, fetched=False, now=NOW, published_at=None,
                           live_until=LATER) is None


def test_a_pending_top_check_keeps_it_watched():
    when = dict(fetched=True, now=NOW, published_at=NOW, live_until=None)
    assert after_check("published", "initial", OK, top_until=LATER, **when) == "monitoring"
    assert after_check("monitoring", "top", OK, top_until=PASSED, **when) == "fulfilled"


def test_every_answer_is_an_allowed_move():
    for status in STATES:
        for kind in KINDS:
            for evaluation in (OK, GONE, BREACH, LATE, WARNED):
                for live_until in (None, LATER, PASSED):
                    wanted = after_check(status, kind, evaluation, fetched=True, now=NOW, published_at=NOW,
                                         live_until=live_until)
                    assert wanted is None or problem(status, wanted) is None, (status, kind, wanted)


def test_moves_after_check_chains_the_follow_up():
    when = dict(fetched=True, now=NOW, published_at=NOW, live_until=LATER)
    assert moves_after_check("scheduled", "initial", OK, **when) == ["published", "monitoring"]
    assert moves_after_check("scheduled", "initial", BREACH, **when) == ["published", "nonconforming"]
    assert moves_after_check("late", "manual", OK, **{**when, "live_until": None}) == ["published", "fulfilled"]
    assert moves_after_check("monitoring", "retention", OK, **when) == []


# --- penalties ----------------------------------------------------------------------------------------

FEE = Money.parse("10000.00", "RUB")


def expected(**penalty) -> Expected:
    terms = Terms(min_live_hours=24, penalties=Penalties(**penalty))
    return Expected(platform="telegram", account="c", format="tg_post", publish_at=NOW, window_before_minutes=0,
                    window_after_minutes=60, top_hours=None, terms=terms, disclosure="ru", erid=None,
                    advertiser_name=None, advertiser_inn=None, utm={})


def evaluation(minutes_late=0, missing=0) -> Evaluation:
    return Evaluation("fail", (), "h", missing, minutes_late)


def amounts(lines: list[Adjustment]) -> list[tuple[str, str]]:
    for line in lines:
        assert recompute(line, FEE) == line.amount
    return [(line.rule, str(line.amount.amount)) for line in lines]


def test_late_87_minutes_is_two_started_hours():
    lines = penalties(expected(late_pct_per_hour=Decimal("5"), late_cap_pct=Decimal("20")), evaluation(87), fee=FEE,
                      kind="initial", status_after="published", hours_live=None)
    assert amounts(lines) == [("late", "-1000.00")]
    assert lines[0].inputs["hours_started"] == 2 and lines[0].inputs["pct_applied"] == "10"


def test_late_is_capped_and_uncapped_means_100():
    assert amounts(penalties(expected(late_pct_per_hour=Decimal("5"), late_cap_pct=Decimal("20")),
                             evaluation(60 * 9), fee=FEE, kind="initial", status_after=None,
                             hours_live=None)) == [("late", "-2000.00")]
    assert amounts(penalties(expected(late_pct_per_hour=Decimal("5")), evaluation(60 * 9), fee=FEE, kind="initial",
                             status_after=None, hours_live=None)) == [("late", "-4500.00")]


def test_missing_two_elements_at_10_percent():
    assert amounts(penalties(expected(missing_element_pct=Decimal("10")), evaluation(missing=2), fee=FEE,
                             kind="retention", status_after="nonconforming", hours_live=None)) == [
        ("missing_elements", "-2000.00")]


def test_deleted_after_2_hours_of_24_pro_rata_gives_22_24_back():
    lines = penalties(expected(early_deletion="pro_rata"), evaluation(), fee=FEE, kind="retention",
                      status_after="deleted_early", hours_live=timedelta(hours=2))
    assert amounts(lines) == [("early_deletion", "-9166.66")]  # 10 000 × 22/24 = 9 166.666…, toward zero
    assert (lines[0].inputs["live_hours"], lines[0].inputs["hours_missing"]) == ("2.000000", "22.000000")


def test_deleted_early_full():
    assert amounts(penalties(expected(early_deletion="full"), None, fee=FEE, kind="retention",
                             status_after="deleted_early", hours_live=timedelta(hours=23))) == [
        ("early_deletion", "-10000.00")]


def test_no_show_full():
    assert amounts(penalties(expected(no_show="full"), evaluation(), fee=FEE, kind="window_end",
                             status_after="missed", hours_live=None)) == [("no_show", "-10000.00")]


def test_nothing_agreed_nothing_charged():
    assert penalties(expected(), evaluation(87, 2), fee=FEE, kind="initial", status_after="deleted_early",
                     hours_live=timedelta(hours=1)) == []
    assert penalties(expected(late_pct_per_hour=Decimal("5"), late_cap_pct=Decimal("20"),
                              missing_element_pct=Decimal("10")), evaluation(), fee=FEE, kind="retention",
                     status_after="monitoring", hours_live=None) == []


def test_an_early_deletion_needs_the_hours_live():
    with pytest.raises(ValueError):
        penalties(expected(early_deletion="pro_rata"), None, fee=FEE, kind="retention", status_after="deleted_early",
                  hours_live=None)


@pytest.mark.parametrize("span, hours", [
    (timedelta(hours=2), Decimal("2")),
    (timedelta(hours=1, minutes=30), Decimal("1.5")),
    (timedelta(seconds=1), Decimal("0.000277")),  # 0.000277777… rounded DOWN
    (timedelta(minutes=20), Decimal("0.333333")),
    (timedelta(days=1, microseconds=1), Decimal("24")),
    (timedelta(seconds=-5), Decimal("0")),
])
def test_hours_live_are_rounded_down_to_six_places(span, hours):
    assert hours_of(span) == hours
    assert hours_of(span).as_tuple().exponent == -6
