"""A deal's payment schedule and items: schedules that always add up to the fee (property-based), the
rounding remainder on the last item, triggers and due dates, every allowed and refused move, totals."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.money import Money
from chalicelib.deals.rules.payments import (
    ACTIONS,
    MAX_MILESTONES,
    STATUSES,
    Milestone,
    PaymentItem,
    PaymentRuleError,
    actions,
    check_schedule,
    fire,
    move,
    plan_items,
    summary,
)
from chalicelib.deals.rules.penalties import late

D = Decimal
DAY = dt.date(2026, 3, 2)
RUB = "RUB"


def rub(amount: str) -> Money:
    return Money.parse(amount, RUB)


def schedule() -> list[Milestone]:
    return [Milestone("Advance", D(30), "on_signing", 5),
            Milestone("On publication", D(50), "on_publication_verified", 10),
            Milestone("After retention", D(15), "on_retention_passed", 0),
            Milestone("Quarter end", D(5), "on_date", 0, date=dt.date(2026, 3, 31))]


def assert_no_float(value):
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            assert_no_float(getattr(value, f.name))
    elif isinstance(value, dict):
        for v in value.values():
            assert_no_float(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            assert_no_float(v)
    else:
        assert not isinstance(value, float), value


# --- the schedule -----------------------------------------------------------------------------------


def test_a_good_schedule_has_no_problems():
    assert check_schedule(schedule()) == []
    assert check_schedule([Milestone("All", D(100), "on_signing")]) == []
    assert check_schedule([Milestone("A", D("33.33"), "on_signing"), Milestone("B", D("33.33"), "on_signing"),
                           Milestone("C", D("33.34"), "on_signing")]) == []


def fields_of(milestones):
    return [f for f, _ in check_schedule(milestones)]


@pytest.mark.parametrize("milestones, field, says", [
    ([], "milestones", "at least one"),
    ([Milestone("A", D(30), "on_signing"), Milestone("B", D(60), "on_signing")], "milestones", "they add up to 90"),
    ([Milestone("A", D(0), "on_signing"), Milestone("B", D(100), "on_signing")], "milestones.0.percent",
     "more than 0"),
    ([Milestone("A", D(-10), "on_signing"), Milestone("B", D(110), "on_signing")], "milestones.0.percent",
     "more than 0"),
    ([Milestone("A", D(101), "on_signing")], "milestones.0.percent", "at most 100"),
    ([Milestone("A", 100.0, "on_signing")], "milestones.0.percent", "floating-point"),
    ([Milestone("A", "100", "on_signing")], "milestones.0.percent", "decimal number"),
    ([Milestone("A", D("NaN"), "on_signing")], "milestones.0.percent", "not a number"),
    ([Milestone("A", D("33.333"), "on_signing"), Milestone("B", D("66.667"), "on_signing")],
     "milestones.0.percent", "2 digits"),
    ([Milestone("A", D(100), "on_invoice")], "milestones.0.trigger", "one of"),
    ([Milestone("A", D(100), "on_signing", -1)], "milestones.0.due_days", "0 to 365"),
    ([Milestone("A", D(100), "on_signing", 366)], "milestones.0.due_days", "0 to 365"),
    ([Milestone("A", D(100), "on_signing", True)], "milestones.0.due_days", "whole number"),
    ([Milestone("A", D(100), "on_signing", 1.0)], "milestones.0.due_days", "whole number"),
    ([Milestone("A", D(100), "on_date")], "milestones.0.date", "needs the date"),
    ([Milestone("A", D(100), "on_date", date=dt.datetime(2026, 3, 1, 12))], "milestones.0.date", "needs the date"),
    ([Milestone("A", D(100), "on_date", 3, date=DAY)], "milestones.0.due_days", "due on its date"),
    ([Milestone("A", D(100), "on_signing", date=DAY)], "milestones.0.date", "Only an on_date"),
    ([Milestone("Advance", D(50), "on_signing"), Milestone(" advance ", D(50), "on_signing")],
     "milestones.1.label", "its own label"),
    ([Milestone("  ", D(100), "on_signing")], "milestones.0.label", "label"),
    ([Milestone(None, D(100), "on_signing")], "milestones.0.label", "label"),
    ([Milestone("x" * 101, D(100), "on_signing")], "milestones.0.label", "100 characters"),
    ([Milestone(f"M{n}", D(10), "on_signing") for n in range(MAX_MILESTONES)]
     + [Milestone("M10", D("0.01"), "on_signing")], "milestones", "at most 10"),
])
def test_schedule_problems_name_the_field_and_say_why(milestones, field, says):
    problems = check_schedule(milestones)
    assert any(f == field and says in sentence for f, sentence in problems), problems


def test_the_sum_is_not_judged_while_a_percent_is_wrong():
    assert fields_of([Milestone("A", 30.0, "on_signing"), Milestone("B", D(60), "on_signing")]) == [
        "milestones.0.percent"]


def test_items_are_planned_with_amounts_that_add_up():
    items = plan_items(rub("150000.00"), schedule())
    assert [i.amount for i in items] == [rub("45000.00"), rub("75000.00"), rub("22500.00"), rub("7500.00")]
    assert all(i.status == "planned" and i.due_on is None and i.holds == () for i in items)
    assert [i.label for i in items] == ["Advance", "On publication", "After retention", "Quarter end"]
    assert items[3].date == dt.date(2026, 3, 31) and items[1].due_days == 10
    assert_no_float(items)


def test_the_last_item_takes_the_rounding_remainder():
    thirds = [Milestone("A", D("33.33"), "on_signing"), Milestone("B", D("33.33"), "on_signing"),
              Milestone("C", D("33.34"), "on_signing")]
    assert [i.amount for i in plan_items(rub("100.00"), thirds)] == [rub("33.33"), rub("33.33"), rub("33.34")]
    assert [i.amount for i in plan_items(rub("0.05"), thirds)] == [rub("0.01"), rub("0.01"), rub("0.03")]
    halves = [Milestone("A", D(50), "on_signing"), Milestone("B", D(50), "on_signing")]
    assert [i.amount.minor for i in plan_items(Money(1, RUB), halves)] == [0, 1]
    assert [i.amount.minor for i in plan_items(Money(0, RUB), halves)] == [0, 0]
    assert [i.amount.minor for i in plan_items(Money(7, "JPY"), thirds)] == [2, 2, 3]


def test_planning_refuses_a_bad_schedule_or_fee():
    with pytest.raises(PaymentRuleError) as refused:
        plan_items(rub("100"), [Milestone("A", D(30), "on_signing"), Milestone("A", D(60), "x")])
    assert {f for f, _ in refused.value.problems} == {"milestones.1.label", "milestones.1.trigger", "milestones"}
    for fee in (Money(-1, RUB), 100, D(100)):
        with pytest.raises(PaymentRuleError, match="not negative"):
            plan_items(fee, schedule())


@st.composite
def percent_lists(draw):
    """1–10 percents with two digits after the point, each at least 0.01, adding up to exactly 100."""
    n = draw(st.integers(1, MAX_MILESTONES))
    cuts = sorted(draw(st.sets(st.integers(1, 9999), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 10000]
    return [D(b - a).scaleb(-2) for a, b in zip(bounds, bounds[1:])]


@given(st.integers(0, 10**13), st.sampled_from(["RUB", "JPY", "KWD", "EUR"]), percent_lists(),
       st.lists(st.sampled_from(["on_signing", "on_publication_verified", "on_retention_passed"]),
                min_size=10, max_size=10), st.lists(st.integers(0, 365), min_size=10, max_size=10))
def test_schedules_always_add_up_to_the_fee(minor, currency, percents, triggers, days):
    fee = Money(minor, currency)
    milestones = [Milestone(f"Part {n}", p, triggers[n], days[n]) for n, p in enumerate(percents)]
    assert check_schedule(milestones) == []
    items = plan_items(fee, milestones)
    assert sum(i.amount.minor for i in items) == minor
    for item, percent in zip(items[:-1], percents[:-1]):  # each rounded down; the last takes the rest
        assert item.amount.minor == minor * int(percent * 100) // 10000
    assert items[-1].amount.minor == minor - sum(i.amount.minor for i in items[:-1])
    assert all(i.amount.minor >= 0 and i.amount.currency == currency for i in items)
    assert all(type(i.amount.minor) is int and type(i.percent) is Decimal for i in items)
    assert summary(items)["total"] == fee == summary(items)["balance"]


# --- triggers and due dates -------------------------------------------------------------------------


def test_a_trigger_makes_its_items_due_after_their_days():
    items = plan_items(rub("1000.00"), schedule())
    signed = fire(items, "on_signing", DAY)
    assert [i.status for i in signed] == ["due", "planned", "planned", "planned"]
    assert signed[0].due_on == dt.date(2026, 3, 7)
    verified = fire(signed, "on_publication_verified", dt.date(2026, 3, 25))
    assert verified[1].status == "due" and verified[1].due_on == dt.date(2026, 4, 4)
    kept = fire(verified, "on_retention_passed", dt.date(2026, 3, 28))
    assert kept[2].status == "due" and kept[2].due_on == dt.date(2026, 3, 28)  # 0 days to pay: that day
    assert fire(kept, "on_signing", dt.date(2026, 5, 1)) == kept  # firing again changes nothing
    assert items[0].status == "planned"  # the items given are not changed


def test_an_on_date_item_becomes_due_on_its_date_when_the_day_comes():
    items = plan_items(rub("1000.00"), schedule())
    assert fire(items, "date", dt.date(2026, 3, 30)) == items
    on_the_day = fire(items, "date", dt.date(2026, 3, 31))
    assert on_the_day[3].status == "due" and on_the_day[3].due_on == dt.date(2026, 3, 31)
    late_run = fire(items, "date", dt.date(2026, 4, 3))  # a run that missed days: still due on its date
    assert late_run[3].due_on == dt.date(2026, 3, 31)
    assert [i.status for i in late_run[:3]] == ["planned"] * 3
    assert fire(items, "on_signing", dt.date(2026, 4, 3))[3].status == "planned"


def test_fire_refuses_unknown_triggers_and_non_dates():
    items = plan_items(rub("1000.00"), schedule())
    for trigger in ("on_date", "signed", ""):
        with pytest.raises(PaymentRuleError, match="Nothing fires"):
            fire(items, trigger, DAY)
    for on in (dt.datetime(2026, 3, 2, 10), "2026-03-02", None):
        with pytest.raises(PaymentRuleError, match="as a date"):
            fire(items, "on_signing", on)


def test_an_item_held_before_its_trigger_keeps_the_hold_and_comes_back_due():
    item = move(plan_items(rub("1000.00"), schedule())[0], "hold", reason="dispute")
    [fired] = fire([item], "on_signing", DAY)
    assert fired.status == "on_hold" and fired.held_from == "due" and fired.due_on == dt.date(2026, 3, 7)
    released = move(fired, "release", reason="dispute")
    assert released.status == "due" and released.due_on == dt.date(2026, 3, 7) and released.held_from is None


# --- moving an item ---------------------------------------------------------------------------------

ITEM = PaymentItem("Advance", D(100), Money(100_00, RUB), "on_signing", 0)
IN = {
    "planned": ITEM,
    "due": dataclasses.replace(ITEM, status="due", due_on=DAY),
    "approved": dataclasses.replace(ITEM, status="approved", due_on=DAY),
    "paid": dataclasses.replace(ITEM, status="paid", due_on=DAY, paid_on=DAY, reference="PP-1"),
    "on_hold": dataclasses.replace(ITEM, status="on_hold", due_on=DAY, holds=("manual",), held_from="approved"),
    "cancelled": dataclasses.replace(ITEM, status="cancelled"),
}
ALLOWED = {  # (from, action): to
    ("planned", "hold"): "on_hold", ("planned", "cancel"): "cancelled",
    ("due", "approve"): "approved", ("due", "hold"): "on_hold", ("due", "cancel"): "cancelled",
    ("approved", "pay"): "paid", ("approved", "hold"): "on_hold", ("approved", "cancel"): "cancelled",
    ("on_hold", "hold"): "on_hold", ("on_hold", "release"): "approved", ("on_hold", "cancel"): "cancelled",
}
EXTRA = {"pay": {"paid_on": DAY, "reference": " PP-0042 "}, "hold": {"reason": "check_failed"},
         "release": {"reason": "manual"}}


@pytest.mark.parametrize("status, action", [(s, a) for s in STATUSES for a in ACTIONS])
def test_every_move_is_allowed_or_refused_with_a_sentence(status, action):
    item = IN[status]
    if (status, action) in ALLOWED:
        moved = move(item, action, **EXTRA.get(action, {}))
        assert moved.status == ALLOWED[status, action]
        assert action in actions(item)
    else:
        with pytest.raises(PaymentRuleError) as refused:
            move(item, action, **EXTRA.get(action, {}))
        assert str(refused.value).endswith(".") and action not in actions(item)


@pytest.mark.parametrize("status, action, says", [
    ("planned", "approve", "not due yet"), ("due", "pay", "approve it first"), ("planned", "pay", "approve it first"),
    ("approved", "approve", "approved already"), ("on_hold", "approve", "release it first"),
    ("on_hold", "pay", "release it first"), ("paid", "cancel", "adjustment"), ("cancelled", "approve", "cancelled"),
    ("due", "release", "not on hold"),
])
def test_refusals_say_what_to_do(status, action, says):
    with pytest.raises(PaymentRuleError, match=says):
        move(IN[status], action, **EXTRA.get(action, {}))


def test_paying_needs_the_day_and_a_reference():
    approved = IN["approved"]
    paid = move(approved, "pay", paid_on=DAY, reference="  PP-0042 ")
    assert paid.paid_on == DAY and paid.reference == "PP-0042"
    for extra, says in [({"reference": "PP-1"}, "day"), ({"paid_on": dt.datetime(2026, 3, 2), "reference": "x"}, "day"),
                        ({"paid_on": DAY}, "reference"), ({"paid_on": DAY, "reference": "  "}, "reference"),
                        ({"paid_on": DAY, "reference": "x" * 201}, "200 characters")]:
        with pytest.raises(PaymentRuleError, match=says):
            move(approved, "pay", **extra)


def test_holds_stack_and_the_last_release_goes_back():
    held = move(IN["approved"], "hold", reason="check_failed")
    assert held.status == "on_hold" and held.held_from == "approved" and held.holds == ("check_failed",)
    both = move(held, "hold", reason="dispute")
    assert both.holds == ("check_failed", "dispute")
    with pytest.raises(PaymentRuleError, match="for dispute already"):
        move(both, "hold", reason="dispute")
    with pytest.raises(PaymentRuleError, match="not on hold for manual"):
        move(both, "release", reason="manual")
    one_left = move(both, "release", reason="dispute")
    assert one_left.status == "on_hold" and one_left.holds == ("check_failed",)
    back = move(one_left, "release", reason="check_failed")
    assert back.status == "approved" and back.holds == () and back.held_from is None
    assert move(move(IN["planned"], "hold", reason="manual"), "release", reason="manual").status == "planned"
    assert move(move(IN["due"], "hold", reason="manual"), "release", reason="manual") == IN["due"]


def test_hold_and_release_say_why_and_cancel_clears_holds():
    for reason in (None, "", "because"):
        with pytest.raises(PaymentRuleError, match="Say why"):
            move(IN["due"], "hold", reason=reason)
        with pytest.raises(PaymentRuleError, match="Say why"):
            move(IN["on_hold"], "release", reason=reason)
    cancelled = move(IN["on_hold"], "cancel")
    assert cancelled.status == "cancelled" and cancelled.holds == () and cancelled.held_from is None
    with pytest.raises(PaymentRuleError, match="not something done"):
        move(IN["due"], "refund")


# --- totals -----------------------------------------------------------------------------------------


def test_summary_adds_up_by_status_with_adjustments_and_balance():
    fee = rub("1000.00")
    items = plan_items(fee, [Milestone("A", D(10), "on_signing"), Milestone("B", D(20), "on_signing"),
                             Milestone("C", D(30), "on_signing"), Milestone("D", D(25), "on_signing"),
                             Milestone("E", D(15), "on_signing")])
    a, b, c, d, e = fire(items, "on_signing", DAY)
    b = move(b, "approve")
    c = move(move(c, "approve"), "pay", paid_on=DAY, reference="PP-1")
    d = move(d, "hold", reason="dispute")
    e = move(e, "cancel")
    penalty = late(fee, 90, D(5), D(20))  # two started hours: 10 % = 100.00 back
    totals = summary([a, b, c, d, e], [penalty])
    assert totals == {"total": rub("850.00"), "planned": rub("0"), "due": rub("100.00"), "approved": rub("200.00"),
                      "on_hold": rub("250.00"), "paid": rub("300.00"), "cancelled": rub("150.00"),
                      "adjustments": rub("-100.00"), "balance": rub("450.00")}
    assert_no_float(totals)


def test_summary_of_nothing_needs_a_currency_and_refuses_mixed_ones():
    assert summary([], [], currency="EUR")["balance"] == Money(0, "EUR")
    with pytest.raises(PaymentRuleError, match="currency"):
        summary([], [])
    with pytest.raises(ValueError):
        summary(plan_items(rub("1"), [Milestone("A", D(100), "on_signing")]), [late(Money(100, "EUR"), 1, 1, 1)])
