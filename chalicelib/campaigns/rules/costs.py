"""What a campaign cost, and when (docs/kpis.md, "Costs"). Pure, no I/O; money in integer minor units of the
campaign's currency.

A deal's cost = its fee + the agency's fee (fee × agency_fee_pct %, rounded down to the minor unit, as the
deal's page shows it) + the product value + its adjustments (penalties are negative, so they reduce the cost).
A cancelled deal costs nothing. A deal in another currency than the campaign's is not added (it is counted
apart, so the report can say so) — amounts are never converted.

Spend by day: a deal's whole cost falls on the day its first deliverable went out (published_at) or, before
that, is planned to (publish_at), in the brand's zone; a deal with no deliverable falls on the day it was
created. A cost line falls on its own `spent_on`. Weeks are ISO weeks (Monday to Sunday).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class DealCost:
    fee: int
    agency: int
    product: int
    adjustments: int  # signed: a penalty is negative

    @property
    def total(self) -> int:
        return self.fee + self.agency + self.product + self.adjustments


def agency_fee(fee_minor: int, agency_fee_pct: str | Decimal | None) -> int:
    """The agency's fee: `agency_fee_pct` % of the fee, rounded down to the minor unit (as deals/stored.py)."""
    if agency_fee_pct in (None, ""):
        return 0
    return int((Decimal(fee_minor) * Decimal(str(agency_fee_pct)) / HUNDRED).to_integral_value(ROUND_DOWN))


def deal_cost(fee_minor: int, agency_fee_pct: str | Decimal | None, product_value_minor: int | None,
              adjustments_minor: Iterable[int] = ()) -> DealCost:
    fee = int(fee_minor)
    return DealCost(fee=fee, agency=agency_fee(fee, agency_fee_pct), product=int(product_value_minor or 0),
                    adjustments=sum(int(a) for a in adjustments_minor))


def deal_day(deliverable_days: Iterable[date | None], created_on: date) -> date:
    """The day a deal's cost falls on: its first deliverable's (published, else planned) day; else its creation."""
    days = [d for d in deliverable_days if d is not None]
    return min(days) if days else created_on


def by_day(entries: Iterable[tuple[date, int]]) -> dict[date, int]:
    """Amounts summed per day, days in order."""
    out: dict[date, int] = {}
    for day, amount in entries:
        out[day] = out.get(day, 0) + int(amount)
    return dict(sorted(out.items()))


def week_of(day: date) -> date:
    """The Monday of the day's ISO week."""
    return day - timedelta(days=day.weekday())


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Week:
    monday: date
    label: str  # ISO week: 2026-W49
    spent: int  # this week
    cumulative: int  # up to the end of this week
    budget_left: int | None  # budget − cumulative (negative: over budget); None without a budget


def by_week(days: dict[date, int], first: date, last: date, budget: int | None) -> list[Week]:
    """Every ISO week from `first`'s to `last`'s (and any week with spend outside them), with its spend, the
    running total and what is left of the budget."""
    weekly: dict[date, int] = {}
    monday, end = week_of(first), week_of(last)
    while monday <= end:
        weekly[monday] = 0
        monday += timedelta(days=7)
    for day, amount in days.items():
        key = week_of(day)
        weekly[key] = weekly.get(key, 0) + amount
    weeks, running = [], 0
    for monday in sorted(weekly):
        running += weekly[monday]
        weeks.append(Week(monday, week_label(monday), weekly[monday], running,
                          None if budget is None else budget - running))
    return weeks
