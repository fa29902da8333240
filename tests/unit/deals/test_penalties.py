"""Penalties and refunds as adjustments: each clause at its edges (no time late, exactly an hour, the cap,
pro-rata at none, part and all of the agreed time), rounding toward zero, refusals, and every line
recomputed from its inputs alone (property-based). Never a float."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.money import Money
from chalicelib.deals.rules.penalties import (
    Adjustment,
    PenaltyRuleError,
    early_deletion,
    late,
    missing_elements,
    no_show,
    recompute,
)

D = Decimal
FEE = Money.parse("100000.00", "RUB")


def rub(amount: str) -> Money:
    return Money.parse(amount, "RUB")


def plain_only(value):
    """Inputs hold plain values only: str, int, and dicts of them (never a float, never a Decimal)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain_only(v) for k, v in value.items())
    return type(value) in (str, int)


def checked(adjustment: Adjustment, fee: Money = FEE) -> Adjustment:
    assert plain_only(adjustment.inputs) and type(adjustment.amount.minor) is int
    assert adjustment.amount.minor <= 0 and -adjustment.amount.minor <= fee.minor
    assert recompute(adjustment, fee) == adjustment.amount
    assert recompute(Adjustment.from_line(adjustment.to_line()), fee) == adjustment.amount
    return adjustment


# --- late ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes, hours, amount", [
    (0, 0, "0"), (1, 1, "-1500.00"), (59, 1, "-1500.00"), (60, 1, "-1500.00"), (61, 2, "-3000.00"),
    (120, 2, "-3000.00"), (121, 3, "-4500.00"), (360, 6, "-9000.00"),
    (361, 7, "-10000.00"), (10_000, 167, "-10000.00"),  # the cap: 7 × 1.5 % = 10.5 % → 10 %
])
def test_late_counts_every_started_hour_up_to_the_cap(minutes, hours, amount):
    adjustment = checked(late(FEE, minutes, D("1.5"), D(10)))
    assert adjustment.rule == "late" and adjustment.amount == rub(amount)
    assert adjustment.inputs == {"fee": {"amount": "100000.00", "currency": "RUB"}, "minutes_late": minutes,
                                 "late_pct_per_hour": "1.5", "late_cap_pct": "10", "hours_started": hours,
                                 "pct_applied": str(min(D("1.5") * hours, D(10)))}


def test_late_rounds_toward_zero_in_the_influencers_favour():
    assert checked(late(rub("100.01"), 1, D("1.5"), D(10)), rub("100.01")).amount == rub("-1.50")  # 1.50015
    assert checked(late(Money(3, "RUB"), 1, D("33.33"), D(100)), Money(3, "RUB")).amount == Money(0, "RUB")
    assert checked(late(Money(999, "JPY"), 60, D("0.5"), D(10)), Money(999, "JPY")).amount == Money(-4, "JPY")
    assert late(FEE, 100, "2", 5).inputs["late_pct_per_hour"] == "2"  # strings and ints are decimals too
    assert late(FEE, 100, D(0), D(0)).amount == rub("0")


@pytest.mark.parametrize("args, says", [
    ((-1, D(1), D(10)), "cannot be negative"), ((D(5), D(1), D(10)), "whole number"),
    ((5.0, D(1), D(10)), "whole number"), ((True, D(1), D(10)), "whole number"),
    ((10**7, D(1), D(10)), "too large"),
    ((5, 1.5, D(10)), "floating-point"), ((5, D(1), 10.0), "floating-point"), ((5, None, D(10)), "floating-point"),
    ((5, D(-1), D(10)), "cannot be negative"), ((5, D(1), D(101)), "at most 100"),
    ((5, D("1.005"), D(10)), "2 digits"), ((5, "abc", D(10)), "not a number"), ((5, D("Infinity"), D(10)),
                                                                                    "not a number"),
])
def test_late_refuses_bad_inputs(args, says):
    with pytest.raises(PenaltyRuleError, match=says):
        late(FEE, *args)


@pytest.mark.parametrize("fee", [Money(-1, "RUB"), 100000, D("100000.00"), None])
def test_every_clause_refuses_what_is_not_a_fee(fee):
    for clause in (lambda: late(fee, 1, 1, 1), lambda: missing_elements(fee, 1, 1),
                   lambda: early_deletion(fee, "full", 1, 2), lambda: no_show(fee)):
        with pytest.raises(PenaltyRuleError, match="fee"):
            clause()


# --- missing elements ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count, amount", [(0, "0"), (1, "-5000.00"), (3, "-15000.00"), (20, "-100000.00"),
                                           (30, "-100000.00")])
def test_missing_elements_cost_a_percent_each_at_most_the_fee(count, amount):
    adjustment = checked(missing_elements(FEE, count, D(5)))
    assert adjustment.amount == rub(amount) and adjustment.inputs["count"] == count
    assert adjustment.inputs["pct_applied"] == str(min(D(5) * count, D(100)))


def test_missing_elements_refuse_negative_counts_and_floats():
    for count, pct, says in [(-1, D(5), "negative"), (1.0, D(5), "whole number"), (1, 0.5, "floating-point"),
                             (1, D(-5), "negative")]:
        with pytest.raises(PenaltyRuleError, match=says):
            missing_elements(FEE, count, pct)


# --- early deletion -----------------------------------------------------------------------------------


@pytest.mark.parametrize("live, amount", [
    (0, "-100000.00"), (6, "-75000.00"), (18, "-25000.00"), (D("23.5"), "-2083.33"), (24, "0"), (100, "0"),
])
def test_pro_rata_gives_back_the_share_not_stayed_up(live, amount):
    adjustment = checked(early_deletion(FEE, "pro_rata", live, 24))
    assert adjustment.amount == rub(amount)
    assert adjustment.inputs["hours_missing"] == str(max(D(24) - D(live), D(0)))


def test_pro_rata_is_exact_before_it_rounds_toward_zero():
    three = Money(3, "RUB")
    assert checked(early_deletion(three, "pro_rata", 16, 24), three).amount == Money(-1, "RUB")  # 1/3 of 3
    one = rub("1.00")
    assert checked(early_deletion(one, "pro_rata", 2, 3), one).amount == rub("-0.33")  # 33.33… kopecks
    assert checked(early_deletion(one, "pro_rata", 1, 3), one).amount == rub("-0.66")  # 66.66… kopecks
    assert checked(early_deletion(FEE, "pro_rata", "0.000001", 24)).amount == rub("-99999.99")


@pytest.mark.parametrize("live, amount", [(0, "-100000.00"), (23, "-100000.00"), (D("23.999999"), "-100000.00"),
                                          (24, "0"), (48, "0")])
def test_full_gives_back_the_whole_fee_for_any_time_short(live, amount):
    assert checked(early_deletion(FEE, "full", live, 24)).amount == rub(amount)


@pytest.mark.parametrize("mode, live, agreed, says", [
    ("half", 1, 24, "pro_rata or full"), ("pro_rata", -1, 24, "cannot be negative"),
    ("pro_rata", 1, -24, "cannot be negative"), ("pro_rata", 1, 0, "no time the post must stay up"),
    ("pro_rata", 1.5, 24, "floating-point"), ("full", 1, 24.0, "floating-point"),
    ("pro_rata", D("1.0000001"), 24, "6 digits"), ("pro_rata", 1, 10**7, "too large"),
])
def test_early_deletion_refuses_bad_inputs(mode, live, agreed, says):
    with pytest.raises(PenaltyRuleError, match=says):
        early_deletion(FEE, mode, live, agreed)


# --- no show ------------------------------------------------------------------------------------------


def test_no_show_gives_back_the_whole_fee():
    assert checked(no_show(FEE)).amount == rub("-100000.00")
    assert checked(no_show(Money(0, "RUB")), Money(0, "RUB")).amount == Money(0, "RUB")
    assert no_show(FEE).inputs == {"fee": {"amount": "100000.00", "currency": "RUB"}}


# --- recomputing --------------------------------------------------------------------------------------


def test_a_line_round_trips_and_recomputes():
    line = late(FEE, 61, D("1.5"), D(10)).to_line()
    assert line == {"rule": "late", "amount": {"amount": "-3000.00", "currency": "RUB"},
                    "inputs": {"fee": {"amount": "100000.00", "currency": "RUB"}, "minutes_late": 61,
                               "late_pct_per_hour": "1.5", "late_cap_pct": "10", "hours_started": 2,
                               "pct_applied": "3.0"}}
    assert recompute(Adjustment.from_line(line), FEE) == rub("-3000.00")


def test_recompute_refuses_another_fee_a_changed_line_or_an_unknown_rule():
    adjustment = late(FEE, 61, D("1.5"), D(10))
    with pytest.raises(PenaltyRuleError, match="another fee"):
        recompute(adjustment, rub("90000.00"))
    tampered = Adjustment("late", {**adjustment.inputs, "hours_started": 1}, adjustment.amount)
    with pytest.raises(PenaltyRuleError, match="do not follow"):
        recompute(tampered, FEE)
    with pytest.raises(PenaltyRuleError, match="no minutes_late"):
        recompute(Adjustment("late", {"fee": FEE.to_wire()}, adjustment.amount), FEE)
    with pytest.raises(PenaltyRuleError, match="not a penalty rule"):
        recompute(Adjustment("bonus", {"fee": FEE.to_wire()}, rub("1")), FEE)
    with pytest.raises(PenaltyRuleError, match="not a number"):
        recompute(Adjustment("late", {**adjustment.inputs, "late_cap_pct": "ten"}, adjustment.amount), FEE)


def test_recompute_gives_the_figure_from_the_inputs_not_the_stored_amount():
    adjustment = missing_elements(FEE, 2, D(5))
    edited = Adjustment("missing_elements", adjustment.inputs, rub("-1.00"))
    assert recompute(edited, FEE) == rub("-10000.00") != edited.amount


percents = st.integers(0, 10000).map(lambda hundredths: D(hundredths).scaleb(-2))
fees = st.builds(Money, st.integers(0, 10**13), st.sampled_from(["RUB", "JPY", "KWD"]))


@given(fees, st.integers(0, 100_000), percents, percents)
def test_late_is_recomputable_capped_and_never_more_than_the_contract(fee, minutes, per_hour, cap):
    adjustment = checked(late(fee, minutes, per_hour, cap), fee)
    hours = (minutes + 59) // 60
    pct_hundredths = min(int(per_hour * 100) * hours, int(cap * 100))
    assert adjustment.amount.minor == -(fee.minor * pct_hundredths // 10000)


@given(fees, st.integers(0, 1000), percents)
def test_missing_elements_are_recomputable_and_at_most_the_fee(fee, count, each):
    adjustment = checked(missing_elements(fee, count, each), fee)
    assert adjustment.amount.minor == -(fee.minor * min(int(each * 100) * count, 10000) // 10000)


@given(fees, st.sampled_from(["pro_rata", "full"]), st.integers(0, 10**8), st.integers(1, 10**8))
def test_early_deletion_is_recomputable_and_rounds_toward_zero(fee, mode, live_micro, agreed_micro):
    live, agreed = D(live_micro).scaleb(-6), D(agreed_micro).scaleb(-6)  # hours to six places
    adjustment = checked(early_deletion(fee, mode, live, agreed), fee)
    missing = max(agreed_micro - live_micro, 0)
    if mode == "full":
        assert adjustment.amount.minor == (-fee.minor if missing else 0)
    else:
        assert adjustment.amount.minor == -(fee.minor * missing // agreed_micro)


def test_nothing_here_is_a_float():
    for adjustment in (late(FEE, 61, D("1.5"), D(10)), missing_elements(FEE, 2, D(5)),
                       early_deletion(FEE, "pro_rata", D("12.5"), 24), no_show(FEE)):
        assert plain_only(adjustment.inputs) and isinstance(adjustment.amount, Money)
        assert not any(isinstance(v, float) for v in adjustment.to_line()["amount"].values())
