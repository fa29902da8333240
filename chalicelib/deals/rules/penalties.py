"""Penalties and refunds as adjustments: signed lines on a deal that anyone can recompute. Pure, no I/O.

An adjustment is `{rule, inputs, amount}`. `rule` names the clause of the contract (late, missing_elements,
early_deletion, no_show); `inputs` holds every number the amount was worked out from, as plain values
(whole numbers, percents and hours as decimal strings, the fee as `{"amount", "currency"}`); `amount` is
negative: money the influencer is not paid or gives back. `recompute` works the amount out again from
the inputs alone, so a line can always be checked.

The clauses:
- late: for every hour or part of an hour late, `late_pct_per_hour` % of the fee, at most `late_cap_pct` %
  in all. One minute late counts as one hour; exactly 60 minutes is one hour; 61 minutes are two.
  Minutes late are counted by the caller after any grace the terms give (the publish window).
- missing_elements: `missing_element_pct` % of the fee for each required element missing from the
  post (a text, link, mention, hashtag, promo code), at most the whole fee.
- early_deletion: the post came down after `live_hours` when the contract said `min_live_hours`.
  `full`: the whole fee back. `pro_rata`: the share of the agreed time it was not up, so down after
  18 of 24 hours gives back 6/24 of the fee. Staying up the whole time (or longer) gives back nothing.
- no_show: nothing was published; the whole fee back.

Rounding: never a float, only Decimal and whole minor units. Every adjustment is rounded toward zero
to the minor unit, in the influencer's favour: nobody is charged a fraction of a kopeck more than the
contract's exact figure. Percents are 0 to 100 with at most two digits after the point; hours have at
most six (a caller working from timestamps rounds to that).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.core.money import Money

RULES = ("late", "missing_elements", "early_deletion", "no_show")
EARLY_DELETION_MODES = ("pro_rata", "full")
HUNDRED = Decimal(100)
PERCENT_PLACES = 2
HOUR_PLACES = 6  # hours to the 3.6 ms: any caller can round to that; sums stay exact
MAX_COUNT = 10**6  # minutes, hours, elements: far above any real case, far below trouble


class PenaltyRuleError(ValueError):
    """A refusal, worded for the person."""


@dataclass(frozen=True)
class Adjustment:
    """A signed line: `amount` (negative = money back or not paid) worked out by `rule` from `inputs`."""

    rule: str
    inputs: dict[str, Any]
    amount: Money

    def to_line(self) -> dict[str, Any]:
        """The stored and wire form: {rule, inputs, amount: {amount, currency}}."""
        return {"rule": self.rule, "inputs": dict(self.inputs), "amount": self.amount.to_wire()}

    @classmethod
    def from_line(cls, line: dict[str, Any]) -> "Adjustment":
        return cls(line["rule"], dict(line["inputs"]),
                   Money.parse(line["amount"]["amount"], line["amount"]["currency"]))


# --- checking what comes in -------------------------------------------------------------------------


def _fee(fee) -> Money:
    if not isinstance(fee, Money) or fee.minor < 0:
        raise PenaltyRuleError("The fee is an amount of money that is not negative.")
    return fee


def _count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PenaltyRuleError(f"{name} is a whole number.")
    if value < 0:
        raise PenaltyRuleError(f"{name} cannot be negative.")
    if value > MAX_COUNT:
        raise PenaltyRuleError(f"{name} is too large.")
    return value


def _decimal(value, name: str) -> Decimal:
    """A Decimal from a Decimal, an int or a decimal string; floats are refused."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise PenaltyRuleError(f"Give {name} as a decimal number, such as 1.5 (never a floating-point number).")
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise PenaltyRuleError(f"{name} is not a number.") from None
    if not number.is_finite():
        raise PenaltyRuleError(f"{name} is not a number.")
    if number < 0:
        raise PenaltyRuleError(f"{name} cannot be negative.")
    return abs(number)  # -0 is 0


def _percent(value, name: str) -> Decimal:
    number = _decimal(value, name)
    if number > HUNDRED:
        raise PenaltyRuleError(f"{name} is at most 100 %.")
    if number != number.quantize(Decimal(1).scaleb(-PERCENT_PLACES)):
        raise PenaltyRuleError(f"{name} has at most {PERCENT_PLACES} digits after the point.")
    return number


def _hours(value, name: str) -> Decimal:
    number = _decimal(value, name)
    if number > MAX_COUNT:
        raise PenaltyRuleError(f"{name} is too large.")
    if number != number.quantize(Decimal(1).scaleb(-HOUR_PLACES)):
        raise PenaltyRuleError(f"{name} have at most {HOUR_PLACES} digits after the point.")
    return number


def _text(number: Decimal) -> str:
    """A Decimal as a plain string without exponent ("1.5", "10", "0.25")."""
    return format(number, "f")


def _back(fee: Money, share: Decimal) -> Money:
    """`share` (0 to 1) of the fee as money back: negative, rounded toward zero to the minor unit. Worked
    out exactly in whole numbers (the share as a ratio of two integers), so 1/3 of 3 kopecks is 1."""
    numerator, denominator = share.as_integer_ratio()
    return Money(-(fee.minor * numerator // denominator), fee.currency)


# --- the clauses ------------------------------------------------------------------------------------


def late(fee: Money, minutes_late: int, late_pct_per_hour, late_cap_pct) -> Adjustment:
    """`late_pct_per_hour` % of the fee for every started hour late, at most `late_cap_pct` %."""
    fee = _fee(fee)
    minutes = _count(minutes_late, "Minutes late")
    per_hour = _percent(late_pct_per_hour, "The penalty per hour late")
    cap = _percent(late_cap_pct, "The cap on the lateness penalty")
    hours = -(-minutes // 60)  # started hours: 1–60 minutes are one hour
    pct = min(per_hour * hours, cap)
    return Adjustment("late", {
        "fee": fee.to_wire(), "minutes_late": minutes, "late_pct_per_hour": _text(per_hour),
        "late_cap_pct": _text(cap), "hours_started": hours, "pct_applied": _text(pct),
    }, _back(fee, pct / HUNDRED))


def missing_elements(fee: Money, count: int, missing_element_pct) -> Adjustment:
    """`missing_element_pct` % of the fee for each of `count` missing elements, at most the whole fee."""
    fee = _fee(fee)
    count = _count(count, "The number of missing elements")
    each = _percent(missing_element_pct, "The penalty per missing element")
    pct = min(each * count, HUNDRED)
    return Adjustment("missing_elements", {
        "fee": fee.to_wire(), "count": count, "missing_element_pct": _text(each), "pct_applied": _text(pct),
    }, _back(fee, pct / HUNDRED))


def early_deletion(fee: Money, mode: str, live_hours, min_live_hours) -> Adjustment:
    """The post was up `live_hours` of the agreed `min_live_hours`. `full`: the whole fee back if it came
    down early; `pro_rata`: the share of the agreed time it was not up. Nothing when it stayed up."""
    fee = _fee(fee)
    if mode not in EARLY_DELETION_MODES:
        raise PenaltyRuleError(f"Early deletion is refunded {' or '.join(EARLY_DELETION_MODES)}.")
    live = _hours(live_hours, "The hours the post was up")
    agreed = _hours(min_live_hours, "The hours the post must stay up")
    if agreed == 0:
        raise PenaltyRuleError("The contract sets no time the post must stay up, so nothing was deleted early.")
    missing = max(agreed - live, Decimal(0))  # exact: both have at most HOUR_PLACES digits after the point
    if missing == 0:
        numerator, denominator = 0, 1
    elif mode == "full":
        numerator, denominator = 1, 1
    else:  # the share not stayed up, missing ÷ agreed, kept as a ratio so nothing is rounded before the end
        m_num, m_den = missing.as_integer_ratio()
        a_num, a_den = agreed.as_integer_ratio()
        numerator, denominator = m_num * a_den, m_den * a_num
    return Adjustment("early_deletion", {
        "fee": fee.to_wire(), "mode": mode, "live_hours": _text(live), "min_live_hours": _text(agreed),
        "hours_missing": _text(missing),
    }, Money(-(fee.minor * numerator // denominator), fee.currency))


def no_show(fee: Money) -> Adjustment:
    """Nothing was published: the whole fee back."""
    fee = _fee(fee)
    return Adjustment("no_show", {"fee": fee.to_wire()}, Money(-fee.minor, fee.currency))


# --- recomputing ------------------------------------------------------------------------------------

_ARGUMENTS = {
    "late": ("minutes_late", "late_pct_per_hour", "late_cap_pct"),
    "missing_elements": ("count", "missing_element_pct"),
    "early_deletion": ("mode", "live_hours", "min_live_hours"),
    "no_show": (),
}
_CLAUSES = {"late": late, "missing_elements": missing_elements, "early_deletion": early_deletion,
            "no_show": no_show}


def recompute(adjustment: Adjustment, fee: Money) -> Money:
    """The amount worked out again from the line's inputs and the deal's `fee`. Refused when the fee is
    not the one the line was made with, or when the line's worked-out figures (hours started, percent
    applied …) do not follow from its inputs: then the line was changed by hand."""
    if adjustment.rule not in _CLAUSES:
        raise PenaltyRuleError(f"{adjustment.rule!r} is not a penalty rule; one of: {', '.join(RULES)}.")
    fee = _fee(fee)
    recorded = adjustment.inputs.get("fee")
    if recorded != fee.to_wire():
        raise PenaltyRuleError("This adjustment was worked out on another fee; the fee has changed since.")
    try:
        arguments = [adjustment.inputs[name] for name in _ARGUMENTS[adjustment.rule]]
    except KeyError as missing:
        raise PenaltyRuleError(f"The adjustment's inputs have no {missing.args[0]}.") from None
    again = _CLAUSES[adjustment.rule](fee, *arguments)
    if again.inputs != adjustment.inputs:
        raise PenaltyRuleError("The adjustment's worked-out figures do not follow from its inputs.")
    return again.amount
