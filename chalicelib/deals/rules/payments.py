"""A deal's payment schedule and its payment items. Pure: values in, values out, no I/O.

A schedule is a list of milestones: a label, a percent of the fee, the event that makes it due (its
trigger) and how many days after that event it must be paid. The percents add up to exactly 100.

Each milestone becomes a payment item. Its amount is its percent of the fee, rounded down to the
minor unit (the kopeck, the cent); the last item takes what rounding left over, so the items always
add up to the fee exactly.

An item moves like this:

    planned ──trigger fires──▶ due ──approve──▶ approved ──pay──▶ paid
    planned, due, approved ──hold──▶ on_hold ──release (last hold)──▶ back where it was
    planned, due, approved, on_hold ──cancel──▶ cancelled

An item is on hold while a placement check has failed, a dispute is open, or a person held it; it can
be held for several reasons at once and goes back to where it was when the last one is released.
Approving and paying are separate actions, so different people (permissions) can do them. A paid
item is never cancelled: money given back is an adjustment (see penalties.py).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from chalicelib.core.money import Money, split

TRIGGERS = ("on_signing", "on_publication_verified", "on_retention_passed", "on_date")
DATE_REACHED = "date"  # what the daily run fires: on_date items whose date has come become due
FIRES = ("on_signing", "on_publication_verified", "on_retention_passed", DATE_REACHED)
STATUSES = ("planned", "due", "approved", "paid", "on_hold", "cancelled")
HOLD_REASONS = ("check_failed", "dispute", "manual")
ACTIONS = ("approve", "pay", "hold", "release", "cancel")
HOLDABLE = ("planned", "due", "approved")
MAX_MILESTONES = 10
MAX_DUE_DAYS = 365
MAX_LABEL = 100
MAX_REFERENCE = 200
PERCENT_PLACES = 2  # a percent has at most two digits after the point (33.33, never 33.333…)
HUNDRED = Decimal(100)


class PaymentRuleError(ValueError):
    """A refusal, worded for the person. `problems` holds (field, sentence) pairs when there are several."""

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Milestone:
    """One line of the schedule: `percent` of the fee, due `due_days` after `trigger` fires.
    An `on_date` milestone carries its `date` and is due on that day (its `due_days` stays 0)."""

    label: str
    percent: Decimal
    trigger: str
    due_days: int = 0
    date: dt.date | None = None


@dataclass(frozen=True)
class PaymentItem:
    """One payment to the influencer, made from a milestone. `due_on` is set when it becomes due;
    `held_from` is where it goes back to when its last hold (`holds`) is released."""

    label: str
    percent: Decimal
    amount: Money
    trigger: str
    due_days: int = 0
    date: dt.date | None = None
    status: str = "planned"
    due_on: dt.date | None = None
    holds: tuple[str, ...] = ()
    held_from: str | None = None
    paid_on: dt.date | None = None
    reference: str | None = None


# --- the schedule -----------------------------------------------------------------------------------


def _is_date(value) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _percent_problem(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        return "Give the percent as a decimal number, such as 30 or 33.34 (never a floating-point number)."
    value = Decimal(value)
    if not value.is_finite():
        return "The percent is not a number."
    if value <= 0 or value > HUNDRED:
        return "A milestone's percent is more than 0 and at most 100."
    if value != value.quantize(Decimal(1).scaleb(-PERCENT_PLACES)):
        return f"A percent has at most {PERCENT_PLACES} digits after the point."
    return None


def check_schedule(milestones: Sequence[Milestone]) -> list[tuple[str, str]]:
    """Every problem of a schedule as (field, sentence), fields named like `milestones.1.percent`;
    an empty list when the schedule is good."""
    problems: list[tuple[str, str]] = []
    if not milestones:
        return [("milestones", "A payment schedule needs at least one milestone.")]
    if len(milestones) > MAX_MILESTONES:
        problems.append(("milestones", f"A payment schedule has at most {MAX_MILESTONES} milestones."))
    seen: set[str] = set()
    total = Decimal(0)
    all_percents_good = True
    for n, m in enumerate(milestones):
        at = f"milestones.{n}"
        label = m.label.strip() if isinstance(m.label, str) else ""
        if not label:
            problems.append((f"{at}.label", "Give each milestone a label, such as “Advance”."))
        elif len(label) > MAX_LABEL:
            problems.append((f"{at}.label", f"A label has at most {MAX_LABEL} characters."))
        elif label.casefold() in seen:
            problems.append((f"{at}.label", f"Two milestones are called “{label}”; give each its own label."))
        seen.add(label.casefold())
        wrong = _percent_problem(m.percent)
        if wrong:
            problems.append((f"{at}.percent", wrong))
            all_percents_good = False
        else:
            total += Decimal(m.percent)
        if m.trigger not in TRIGGERS:
            problems.append((f"{at}.trigger", f"A milestone's trigger is one of: {', '.join(TRIGGERS)}."))
        if not _is_int(m.due_days) or not 0 <= m.due_days <= MAX_DUE_DAYS:
            problems.append((f"{at}.due_days", f"Days to pay are a whole number from 0 to {MAX_DUE_DAYS}."))
        if m.trigger == "on_date":
            if not _is_date(m.date):
                problems.append((f"{at}.date", "An on_date milestone needs the date it is due on."))
            if _is_int(m.due_days) and m.due_days != 0:
                problems.append((f"{at}.due_days", "An on_date milestone is due on its date; leave days to pay at 0."))
        elif m.date is not None:
            problems.append((f"{at}.date", "Only an on_date milestone has a date."))
    if all_percents_good and total != HUNDRED:
        problems.append(("milestones", f"The percents must add up to exactly 100; they add up to {total}."))
    return problems


def plan_items(fee: Money, milestones: Sequence[Milestone]) -> list[PaymentItem]:
    """The schedule's payment items, all `planned`: each item's amount is its percent of the fee rounded
    down to the minor unit, and the last takes the remainder, so they add up to the fee exactly."""
    if not isinstance(fee, Money) or fee.minor < 0:
        raise PaymentRuleError("The fee is an amount of money that is not negative.")
    problems = check_schedule(milestones)
    if problems:
        raise PaymentRuleError(problems[0][1], problems)
    amounts = split(fee, [Decimal(m.percent) for m in milestones])
    return [PaymentItem(label=m.label.strip(), percent=Decimal(m.percent), amount=amount, trigger=m.trigger,
                        due_days=m.due_days, date=m.date)
            for m, amount in zip(milestones, amounts)]


# --- triggers ---------------------------------------------------------------------------------------


def _fires(item: PaymentItem, trigger: str, on: dt.date) -> bool:
    if trigger == DATE_REACHED:
        return item.trigger == "on_date" and item.date is not None and item.date <= on
    return item.trigger == trigger


def fire(items: Iterable[PaymentItem], trigger: str, on: dt.date) -> list[PaymentItem]:
    """`trigger` happened on the day `on`: every planned item it concerns becomes due, due on `on` plus
    its days to pay. `fire("date", today)` makes due the on_date items whose date has come, due on their
    own date. An item on hold from planned keeps its hold but will go back to due, with its due date.
    Items already due, approved, paid or cancelled do not change, so firing twice changes nothing."""
    if trigger not in FIRES:
        raise PaymentRuleError(f"Nothing fires on {trigger!r}; one of: {', '.join(FIRES)}.")
    if not _is_date(on):
        raise PaymentRuleError("Give the day the trigger fired on as a date.")
    out = []
    for item in items:
        waiting = item.status == "planned" or (item.status == "on_hold" and item.held_from == "planned")
        if waiting and _fires(item, trigger, on):
            due_on = item.date if item.trigger == "on_date" else on + dt.timedelta(days=item.due_days)
            if item.status == "planned":
                item = replace(item, status="due", due_on=due_on)
            else:
                item = replace(item, held_from="due", due_on=due_on)
        out.append(item)
    return out


# --- moving an item ---------------------------------------------------------------------------------


def actions(item: PaymentItem) -> tuple[str, ...]:
    """What can be done to the item now (the buttons a page shows; the permissions are the service's)."""
    can = {
        "planned": ("hold", "cancel"),
        "due": ("approve", "hold", "cancel"),
        "approved": ("pay", "hold", "cancel"),
        "on_hold": ("hold", "release", "cancel"),
    }
    return can.get(item.status, ())


def _refusal(item: PaymentItem, action: str) -> str:
    if item.status == "paid":
        return "This payment is paid; money given back is recorded as an adjustment, not by changing the payment."
    if item.status == "cancelled":
        return "This payment is cancelled; nothing more can be done to it."
    if action == "approve" and item.status == "planned":
        return "This payment is not due yet: it can be approved once its trigger has fired."
    if action in ("approve", "pay") and item.status == "on_hold":
        return "This payment is on hold; release it first."
    if action == "pay" and item.status in ("planned", "due"):
        return "Only an approved payment can be paid; approve it first."
    if action == "approve" and item.status == "approved":
        return "This payment is approved already."
    if action == "release":
        return "This payment is not on hold."
    return f"A payment that is {item.status} can be: {', '.join(actions(item)) or 'nothing'}; not {action}."


def move(item: PaymentItem, action: str, *, reason: str | None = None, paid_on: dt.date | None = None,
         reference: str | None = None) -> PaymentItem:
    """The item after `action` (approve, pay, hold, release, cancel), or PaymentRuleError with a sentence.
    hold and release name their `reason` (check_failed, dispute, manual); pay needs `paid_on` and the
    payment's `reference` (the bank's or the accountant's number)."""
    if action not in ACTIONS:
        raise PaymentRuleError(f"{action!r} is not something done to a payment; one of: {', '.join(ACTIONS)}.")
    if action not in actions(item):
        raise PaymentRuleError(_refusal(item, action))
    if action in ("hold", "release") and reason not in HOLD_REASONS:
        raise PaymentRuleError(f"Say why: the reason is one of {', '.join(HOLD_REASONS)}.")
    if action == "approve":
        return replace(item, status="approved")
    if action == "pay":
        if not _is_date(paid_on):
            raise PaymentRuleError("Give the day the payment was made.")
        ref = reference.strip() if isinstance(reference, str) else ""
        if not ref:
            raise PaymentRuleError("Give the payment's reference, such as the bank transfer number.")
        if len(ref) > MAX_REFERENCE:
            raise PaymentRuleError(f"A reference has at most {MAX_REFERENCE} characters.")
        return replace(item, status="paid", paid_on=paid_on, reference=ref)
    if action == "hold":
        if item.status == "on_hold":
            if reason in item.holds:
                raise PaymentRuleError(f"This payment is on hold for {reason} already.")
            return replace(item, holds=tuple(sorted({*item.holds, reason})))
        return replace(item, status="on_hold", holds=(reason,), held_from=item.status)
    if action == "release":
        if reason not in item.holds:
            raise PaymentRuleError(f"This payment is not on hold for {reason}; it is on hold for "
                                   f"{', '.join(item.holds)}.")
        rest = tuple(h for h in item.holds if h != reason)
        if rest:
            return replace(item, holds=rest)
        return replace(item, status=item.held_from or "planned", holds=(), held_from=None)
    return replace(item, status="cancelled", holds=(), held_from=None)  # cancel


# --- totals -----------------------------------------------------------------------------------------


def summary(items: Sequence[PaymentItem], adjustments: Sequence = (), *, currency: str | None = None) -> dict:
    """The deal's money at a glance, each a Money: `total` (the items not cancelled), `planned`, `due`,
    `approved`, `on_hold`, `paid`, `cancelled`, `adjustments` (their signed sum; negative is money the
    influencer gives back or is not paid) and `balance` = total + adjustments - paid: what is still to be
    paid to the influencer (negative: what the influencer owes back). `adjustments` are anything with
    an `amount` (penalties.Adjustment). `currency` is needed only when there is nothing to add up."""
    amounts = [i.amount for i in items] + [a.amount for a in adjustments]
    code = currency or (amounts[0].currency if amounts else None)
    if code is None:
        raise PaymentRuleError("Name the currency: there are no payments to take it from.")
    zero = Money(0, code)
    out = {key: zero for key in ("total", "planned", "due", "approved", "on_hold", "paid", "cancelled",
                                 "adjustments", "balance")}
    for item in items:
        out[item.status] = out[item.status] + item.amount
        if item.status != "cancelled":
            out["total"] = out["total"] + item.amount
    for adjustment in adjustments:
        out["adjustments"] = out["adjustments"] + adjustment.amount
    out["balance"] = out["total"] + out["adjustments"] - out["paid"]
    return out
