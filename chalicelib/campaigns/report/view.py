"""The campaign report as values (build.py makes it; the page, the JSON, the CSV and the PDF all show this one
object, so they cannot disagree). Money is integer minor units of the campaign's currency or, for the KPIs,
exact Decimal major units; counts are None when no item reported them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from chalicelib.campaigns.rules.costs import DealCost, Week
from chalicelib.campaigns.rules.kpi import Kpis, Rate
from chalicelib.campaigns.rules.series import Series
from chalicelib.campaigns.rules.targets import TargetRow

CHECK_ORDER = ("fail", "warn", "inconclusive", "pass")  # the worst first: a deal shows its worst check


@dataclass(frozen=True)
class Counts:
    views: int | None = None
    reach: int | None = None
    impressions: int | None = None
    engagements: int | None = None
    clicks: int | None = None
    conversions: int | None = None


@dataclass(frozen=True)
class Publication:
    """One own post (its channels together) or one blogger's deliverable, with its latest figures."""

    kind: str  # post | deliverable
    id: str
    title: str
    where: str  # channel names, or the blogger's handle
    platform: str
    url: str | None
    published_at: str | None  # UTC ISO
    counts: Counts
    followers: int | None
    er: Rate
    revenue_minor: int = 0
    deal_id: str | None = None
    status: str | None = None  # the deliverable's status / the post's
    check_result: str | None = None  # the deliverable's latest placement check
    went_out: bool = False  # published (a deliverable's published_at, a post's first published channel)
    incomplete: tuple[str, ...] = ()  # figures only some of a post's published channels reported (a partial sum)

    def reports(self, name: str) -> bool:
        """Whether the publication reported this figure in full (known, and from every channel it went out on)."""
        return getattr(self.counts, name) is not None and name not in self.incomplete


@dataclass(frozen=True)
class BloggerRow:
    """A deal's line: what it cost, what its placements showed and brought."""

    deal_id: str
    title: str
    influencer: str
    handles: str
    status: str
    currency: str
    counted: bool  # False: cancelled, or in another currency (not in the totals)
    cost: DealCost
    counts: Counts
    revenue_minor: int
    cpa: Decimal | None
    roi: Decimal | None
    check_result: str | None  # the worst of its deliverables' latest checks
    checks: tuple[tuple[str, str, str | None], ...] = ()  # (handle, deliverable status, check result)


@dataclass(frozen=True)
class CostBreakdown:
    fees: int = 0
    agency: int = 0
    products: int = 0
    adjustments: int = 0
    lines: int = 0
    parts_shown: bool = True  # False for a reader who may not see deals: the deals' total only, not its parts

    @property
    def deals(self) -> int:
        return self.fees + self.agency + self.products + self.adjustments

    @property
    def total(self) -> int:
        return self.deals + self.lines


@dataclass(frozen=True)
class KpiBase:
    """What the cost-based KPIs (CPM, CPV, CPC, CPE, CPA, ROAS, ROI) were computed from: the campaign's cost and,
    of what that cost paid for (own posts, deals in the campaign's currency, unassigned clicks), the figures.
    `partial`: the cost-per KPIs left without a value because not every paid publication reported their base.
    `ctr_clicks` / `ctr_impressions`: Σ over the publications that report both (CTR's base)."""

    revenue_minor: int = 0
    views: int | None = None
    impressions: int | None = None
    engagements: int | None = None
    clicks: int | None = None
    conversions: int = 0
    partial: tuple[str, ...] = ()
    ctr_clicks: int | None = None
    ctr_impressions: int | None = None


@dataclass(frozen=True)
class LeftOutDeal:
    """A live deal in another currency than the campaign's: its cost, publications, clicks, conversions and
    revenue are not in the cost-based KPIs."""

    deal_id: str
    title: str
    currency: str


@dataclass(frozen=True)
class Report:
    campaign_id: str
    brand_id: str
    brand_name: str
    zone: str
    name: str
    goal: str
    status: str
    currency: str
    digits: int
    starts_on: date
    ends_on: date
    first_day: date  # the range the report covers: the campaign's days widened to its data
    last_day: date
    today: date  # in the brand's zone
    budget_minor: int | None
    cost: CostBreakdown
    revenue_minor: int
    counts: Counts
    kpis: Kpis
    targets: list[TargetRow]
    weeks: list[Week]
    spend_days: dict[date, int]
    series: list[Series]
    top: dict[str, list[Publication]]  # by engagements | views | clicks
    bloggers: list[BloggerRow]
    publications: list[Publication]
    other_currency_conversions: int = 0  # conversions in another currency (counted, their amount not added)
    other_currency_deals: int = 0
    notes: list[str] = field(default_factory=list)
    unassigned_clicks: int | None = None  # clicks of links whose post, deliverable or deal has no row (in counts)
    kpi_base: KpiBase = KpiBase()
    left_out_deals: tuple[LeftOutDeal, ...] = ()
    partial_totals: tuple[str, ...] = ()  # totals that not every publication that went out reported

    @property
    def revenue(self) -> Decimal:
        return Decimal(self.revenue_minor).scaleb(-self.digits)
