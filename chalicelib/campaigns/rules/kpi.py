"""The KPI formulas of a campaign, a deal or one publication (docs/kpis.md says the same in words). Pure, no I/O.

    engagements = likes + comments + shares + saves + forwards    (the parts that are known; None if none is)
    ER   = engagements ÷ reach          (or ÷ followers where reach is unknown: `er_base` says which)
    ERR  = views ÷ subscribers          (Telegram: a channel's subscribers are its followers)
    CTR  = clicks ÷ impressions
    CPM  = cost ÷ impressions × 1000    CPV = cost ÷ views      CPC = cost ÷ clicks
    CPE  = cost ÷ engagements           CPA = cost ÷ conversions
    ROAS = revenue ÷ cost               ROI = (revenue − cost) ÷ cost

A ratio whose denominator is zero or unknown (or whose numerator is unknown) is None — shown "—" —
never 0 and never infinity.

Over many items (a campaign) each ratio is taken over the items that report its denominator, never a sum of
everything divided by the sum of what some items reported:

- CTR = Σ clicks ÷ Σ impressions over the items that report both (`ctr_over`), like ER over its bases.
- The cost-per KPIs (CPM, CPV, CPC, CPE) divide the whole cost, which cannot be split per item, so they need
  their base from every costed item; a base that only some reported (the caller names it in `Totals.partial`)
  gives no value and names the KPI in `Kpis.partial` — a partial figure is never shown as the KPI.

Everything is Decimal: cost and revenue come in as integer minor units and are turned into exact major units
(`major`); nothing is rounded here. Only the wire (`wire`: 6 decimal places) and the page (Babel, core/money)
round.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

ENGAGEMENT_PARTS = ("likes", "comments", "shares", "saves", "forwards")
THOUSAND = Decimal(1000)
WIRE_PLACES = Decimal("0.000001")  # ratios on the wire (JSON, CSV): 6 decimal places, half-even

# ER's base: what engagements were divided by
BASE_REACH = "reach"
BASE_FOLLOWERS = "followers"
BASE_MIXED = "reach_and_followers"  # a total over items where some had reach and others only followers


def engagements(values: Mapping[str, int | None]) -> int | None:
    """likes + comments + shares + saves + forwards, of the parts that are known; None when none is."""
    known = [int(values[name]) for name in ENGAGEMENT_PARTS if values.get(name) is not None]
    return sum(known) if known else None


def ratio(numerator: int | Decimal | None, denominator: int | Decimal | None) -> Decimal | None:
    """numerator ÷ denominator, or None when either is unknown or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def major(minor: int | Decimal | None, digits: int) -> Decimal | None:
    """Integer minor units as exact major units (150000 kopecks → 1500.00 roubles; JPY has 0 digits)."""
    if minor is None:
        return None
    return Decimal(minor).scaleb(-digits)


@dataclass(frozen=True)
class Rate:
    """ER with the base it was computed on: "reach", "followers", "reach_and_followers" or None (no value)."""

    value: Decimal | None
    base: str | None


@dataclass(frozen=True)
class Reached:
    """What one item contributes to ER: its engagements, reach and its account's followers (None: unknown)."""

    engagements: int | None
    reach: int | None = None
    followers: int | None = None


def er(item: Reached) -> Rate:
    """One item's ER: ÷ reach when reach is known and not 0, else ÷ followers."""
    if item.engagements is None:
        return Rate(None, None)
    if item.reach:
        return Rate(ratio(item.engagements, item.reach), BASE_REACH)
    if item.followers:
        return Rate(ratio(item.engagements, item.followers), BASE_FOLLOWERS)
    return Rate(None, None)


def er_total(items: Iterable[Reached]) -> Rate:
    """ER of many items: Σ engagements ÷ Σ bases, over the items that have both engagements and a base
    (reach, else followers). The base says "reach_and_followers" when the items used both."""
    engaged, base_sum, bases = 0, 0, set()
    for item in items:
        if item.engagements is None:
            continue
        if item.reach:
            base_sum += item.reach
            bases.add(BASE_REACH)
        elif item.followers:
            base_sum += item.followers
            bases.add(BASE_FOLLOWERS)
        else:
            continue
        engaged += item.engagements
    if not bases:
        return Rate(None, None)
    return Rate(ratio(engaged, base_sum), bases.pop() if len(bases) == 1 else BASE_MIXED)


def ctr_over(items: Iterable[tuple[int | None, int | None]]) -> tuple[int, int] | None:
    """(Σ clicks, Σ impressions) over the (clicks, impressions) items that report both; None when none does."""
    clicks = impressions = 0
    found = False
    for item_clicks, item_impressions in items:
        if item_clicks is None or item_impressions is None:
            continue
        clicks, impressions, found = clicks + item_clicks, impressions + item_impressions, True
    return (clicks, impressions) if found else None


COST_BASES = {"cpm": "impressions", "cpv": "views", "cpc": "clicks", "cpe": "engagements"}  # KPI → its base


@dataclass(frozen=True)
class Totals:
    """What the KPIs are computed from. Counts are None when unknown (no item reported them); money is in
    major units of one currency (Decimal). `er` is precomputed by er_total (it needs the items)."""

    cost: Decimal | None
    revenue: Decimal | None = None
    views: int | None = None
    reach: int | None = None
    impressions: int | None = None
    engagements: int | None = None
    clicks: int | None = None
    conversions: int | None = None
    er: Rate = Rate(None, None)
    telegram_views: int | None = None  # views of the Telegram items whose subscribers are known
    subscribers: int | None = None  # Σ subscribers of those Telegram items
    ctr_items: tuple[tuple[int | None, int | None], ...] | None = None  # (clicks, impressions) per item, for CTR
    partial: frozenset[str] = frozenset()  # bases (COST_BASES' values) that not every costed item reported


@dataclass(frozen=True)
class Kpis:
    er: Decimal | None
    er_base: str | None
    err: Decimal | None
    ctr: Decimal | None
    cpm: Decimal | None  # money: major units of the currency per 1000 impressions
    cpv: Decimal | None  # money
    cpc: Decimal | None  # money
    cpe: Decimal | None  # money
    cpa: Decimal | None  # money
    roas: Decimal | None
    roi: Decimal | None
    partial: tuple[str, ...] = ()  # the cost-per KPIs left without a value: their base is partial


RATIO_KPIS = ("er", "err", "ctr", "roas", "roi")
MONEY_KPIS = ("cpm", "cpv", "cpc", "cpe", "cpa")
KPI_NAMES = ("er", "err", "ctr", "cpm", "cpv", "cpc", "cpe", "cpa", "roas", "roi")


def _ctr(t: Totals) -> Decimal | None:
    if t.ctr_items is None:
        return ratio(t.clicks, t.impressions)
    over = ctr_over(t.ctr_items)
    return ratio(*over) if over is not None else None


def kpis(t: Totals) -> Kpis:
    """The KPIs of the totals. CTR is over the `ctr_items` that report both when they are given (else clicks ÷
    impressions); a cost-per KPI whose base is in `partial` has no value and is named in `Kpis.partial`."""
    partial = tuple(name for name, base_name in COST_BASES.items() if base_name in t.partial)

    def per(name: str, denominator: int | None) -> Decimal | None:
        return None if name in partial else ratio(t.cost, denominator)

    cpm = per("cpm", t.impressions)
    return Kpis(
        er=t.er.value, er_base=t.er.base,
        err=ratio(t.telegram_views, t.subscribers),
        ctr=_ctr(t),
        cpm=cpm * THOUSAND if cpm is not None else None,
        cpv=per("cpv", t.views),
        cpc=per("cpc", t.clicks),
        cpe=per("cpe", t.engagements),
        cpa=ratio(t.cost, t.conversions),
        roas=ratio(t.revenue, t.cost),
        roi=ratio(t.revenue - t.cost, t.cost) if t.revenue is not None and t.cost is not None else None,
        partial=partial,
    )


def add(a: int | None, b: int | None) -> int | None:
    """A sum where unknown + unknown stays unknown and unknown + n is n."""
    if a is None:
        return b
    return a if b is None else a + b


def total(values: Iterable[int | None]) -> int | None:
    result = None
    for value in values:
        result = add(result, value)
    return result


def wire(value: Decimal | None) -> str | None:
    """A ratio for JSON and CSV: 6 decimal places (half-even), trailing zeros kept off; None stays None."""
    if value is None:
        return None
    text = format(value.quantize(WIRE_PLACES, rounding=ROUND_HALF_EVEN).normalize(), "f")
    return "0" if text in ("-0", "") else text
