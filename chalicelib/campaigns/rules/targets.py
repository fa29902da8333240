"""A campaign's targets against what it has so far: on track or behind, and by how much (docs/kpis.md,
"Targets"). Pure, no I/O.

- Totals (reach, impressions, engagements, clicks, conversions, revenue) are "at least" targets for the whole
  campaign, measured pro rata: by a day of the campaign the total should have reached
  target × elapsed days ÷ the campaign's days (both counted inclusively in the brand's zone; before the start
  nothing is expected yet, after the end the whole target). On track when actual ≥ expected.
- Ceilings (cpm_max, cpc_max, cpa_max) are rates, not pro-rated: on track when actual ≤ the ceiling.
- roi_min is a floor, not pro-rated: on track when actual ≥ the floor.
- A target whose actual is unknown (no impressions for CPM, no metric reported) is "unknown", never on track.
- A target whose actual is partial (named in `partial`: a KPI left without a value because not every costed
  publication reports its base, or a total that not every publication reports) is "partial" — a partial figure
  never decides a target. The one exception: a partial "at least" total that already reaches the expected
  total is on track (what was not reported can only add to it).
- `gap` is signed, in the target's unit: how far the actual is on the good side (positive: ahead of the
  expected total / under the ceiling / above the floor; negative: behind by that much).
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

COUNTS = ("reach", "impressions", "engagements", "clicks", "conversions")
MONEY_TOTALS = ("revenue",)
CEILINGS = ("cpm_max", "cpc_max", "cpa_max")  # money per unit
FLOORS = ("roi_min",)
ORDER = (*COUNTS, *MONEY_TOTALS, *CEILINGS, *FLOORS)
KPI_OF = {"cpm_max": "cpm", "cpc_max": "cpc", "cpa_max": "cpa", "roi_min": "roi"}  # the actual each one is

ON_TRACK, BEHIND, UNKNOWN, PARTIAL = "on_track", "behind", "unknown", "partial"


@dataclass(frozen=True)
class TargetRow:
    name: str  # a key of the campaign's targets
    kind: str  # count | money | ratio
    target: Decimal  # counts as is; money in major units; ratios as the decimal (0.5 = +50 %)
    expected: Decimal  # what should be reached by now: pro rata for totals, the target itself otherwise
    actual: Decimal | None
    status: str  # on_track | behind | unknown | partial
    gap: Decimal | None  # signed; positive is the good side


def elapsed_share(starts_on: date, ends_on: date, today: date) -> Decimal:
    """The part of the campaign's days that have begun by `today` (inclusive), 0 … 1."""
    days = (ends_on - starts_on).days + 1
    if days <= 0 or today < starts_on:
        return Decimal(0)
    if today >= ends_on:
        return Decimal(1)
    return Decimal((today - starts_on).days + 1) / Decimal(days)


def _kind(name: str) -> str:
    if name in COUNTS:
        return "count"
    return "ratio" if name in FLOORS else "money"


def row(name: str, target: Decimal, actual: Decimal | None, share: Decimal, partial: bool = False) -> TargetRow:
    kind = _kind(name)
    if name in CEILINGS:
        expected = target
        gap = None if actual is None else target - actual
    elif name in FLOORS:
        expected = target
        gap = None if actual is None else actual - target
    else:
        expected = target * share
        gap = None if actual is None else actual - expected
    status = UNKNOWN if gap is None else ON_TRACK if gap >= 0 else BEHIND
    if partial and status != ON_TRACK:
        status = PARTIAL
    return TargetRow(name, kind, target, expected, actual, status, gap)


def target_value(name: str, stored, digits: int) -> Decimal | None:
    """A stored target as a Decimal in the row's unit: money (minor units) → major; roi_min as decimal text."""
    if stored is None or stored == "":
        return None
    try:
        value = Decimal(str(stored))
    except ArithmeticError:
        return None
    if not value.is_finite():
        return None
    return value.scaleb(-digits) if _kind(name) == "money" else value


def compare(targets: dict, actuals: dict[str, Decimal | None], *, digits: int, starts_on: date, ends_on: date,
            today: date, partial: Collection[str] = ()) -> list[TargetRow]:
    """One row per target the campaign has, in ORDER. `actuals` by the target's name (cpm_max's actual is
    the CPM, in major units; counts as Decimal); `partial`: the names whose actual is partial."""
    share = elapsed_share(starts_on, ends_on, today)
    rows = []
    for name in ORDER:
        value = target_value(name, targets.get(name), digits)
        if value is not None:
            rows.append(row(name, value, actuals.get(name), share, name in partial))
    return rows
