"""The brand's "what we published and what it brought" for a date range (the SMM specialist's weekly summary):
the rows and totals, and `report`, the use case. The range and the listing rule: brand_range_period.py; the
reads: brand_range_reads.py; its JSON and CSV forms: brand_range_out.py; the routes: brand_routes.py,
brand_pages.py.

What each brought, counted to date (not only within the range — the range chooses the items):
- metrics: the latest snapshot per subject (campaigns/metrics/read.latest): "target:<post id><channel id>" per
  publication that went out in the range, "deliverable:<id>"; a post's are summed over those publications;
- link clicks: the clicks (and the day-unique visitors, summed over days) of the tracked links made for the
  post, the deliverable — or for its deal when the deal has one deliverable that is not cancelled (a
  deal-level link of a deal with several is not split among them and counts in no row); a row with no link of
  its own counts the clicks its snapshots report instead (as the campaign report) — read per campaign
  (Query gsi1 CAMPAIGN#<c>#LINKS and CAMPAIGN#<c>#CLICKS; one pair per campaign of the listed items);
- conversions: those attributed to the post, the deliverable (or its deal as above) — Query pk CAMPAIGN#<c>,
  sk begins_with CONVERSION# — count and revenue per currency;
- cost: a deliverable's share of its deal's fee — fee ÷ the deal's deliverables that are not cancelled,
  exact (Decimal minor units; a cancelled deal costs nothing). The agency fee, product value and adjustments
  belong to the campaign report. A post costs nothing here (it has no fee).
- KPIs (campaigns/rules/kpi.py, the same formulas as the campaign report): ER (÷ reach, else ÷ the
  account's followers), CTR = link clicks ÷ impressions, CPM, CPC, CPA, ROI — "—" where a denominator is
  0 or unknown. Totals add counts over rows; money per currency; the money KPIs of the totals only when one
  currency is involved (amounts are never converted).
A row listed only as gone out after the range (brand_range_period's rule) brings nothing here: it counts in
the range in which it went out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from chalicelib.campaigns.report.brand_range_period import (
    CANCELLED,
    Range,
    out_at,
    parse_range,
    went_out_in,
    went_out_late,
)
from chalicelib.campaigns.report.brand_range_period import MAX_LATE as MAX_LATE  # re-exported: tests, docs
from chalicelib.campaigns.report.brand_range_period import local_day as local_day  # re-exported: brand_range_out
from chalicelib.campaigns.report.brand_range_reads import Found, gather

METRICS = ("views", "reach", "impressions", "likes", "comments", "shares", "saves", "forwards")
KPIS = ("er", "ctr", "cpm", "cpc", "cpa", "roi")
MONEY_KPIS = ("cpm", "cpc", "cpa")


# --- rows ------------------------------------------------------------------------------------------------

@dataclass
class Row:
    kind: str  # post | placement
    id: str
    title: str
    campaign_id: str | None
    campaign: str | None
    published_at: str | None  # the first time it went out within the range (UTC ISO), else None
    planned_at: str | None
    went_out: bool
    late_at: str | None = None  # due in the range, went out after it: when (UTC ISO)
    counted: bool = True  # False: listed only as gone out late — what it brought counts in another range
    publications: list[dict] = field(default_factory=list)  # post: [{channel_id, channel, platform, state, …}]
    facts: dict = field(default_factory=dict)  # placement: deal, contract_number, blogger, platform, handle, …
    metrics: dict = field(default_factory=dict)  # METRICS + engagements: int | None
    clicks: int | None = None
    visitors: int | None = None
    conversions: int = 0
    revenue: dict = field(default_factory=dict)  # currency → minor units (int)
    cost: Decimal | None = None  # minor units, exact
    currency: str | None = None  # of the cost
    followers: int | None = None
    kpis: dict = field(default_factory=dict)  # KPIS → Decimal | None, er_base


@dataclass
class Report:
    brand_id: str
    brand: str
    range: Range
    posts: list[Row]
    placements: list[Row]
    totals: dict
    truncated: bool


def _kpis(metrics: dict, clicks, conversions: int, cost: Decimal | None, currency: str | None, revenue: dict,
          followers: int | None) -> dict:
    from chalicelib.campaigns.rules import kpi
    from chalicelib.core.money import digits

    places = digits(currency) if currency else 2
    priced = cost is not None and currency is not None
    rate = kpi.er(kpi.Reached(metrics.get("engagements"), metrics.get("reach"), followers))
    values = kpi.kpis(kpi.Totals(cost=kpi.major(cost, places) if priced else None,
                                 revenue=kpi.major(revenue.get(currency, 0), places) if priced else None,
                                 views=metrics.get("views"), reach=metrics.get("reach"),
                                 impressions=metrics.get("impressions"), engagements=metrics.get("engagements"),
                                 clicks=clicks, conversions=conversions, er=rate))
    return {"er": values.er, "er_base": values.er_base, "ctr": values.ctr, "cpm": values.cpm, "cpc": values.cpc,
            "cpa": values.cpa, "roi": values.roi}


def _summed(snapshots) -> dict:
    from chalicelib.campaigns.rules import kpi

    out = {name: kpi.total(s.values.get(name) for s in snapshots) for name in METRICS}
    out["engagements"] = kpi.total(kpi.engagements(s.values) for s in snapshots)
    out["clicks"] = kpi.total(s.values.get("clicks") for s in snapshots)  # build() takes it out: see there
    return out


# --- the report ------------------------------------------------------------------------------------------

def _row_key(read: Found, post_id: str | None, deliverable_id: str | None, deal_id: str | None):
    """Which row a link or a conversion counts for (see the module's docstring), or None."""
    if deliverable_id:
        return ("placement", deliverable_id)
    if post_id:
        return ("post", post_id)
    live = read.live.get(deal_id or "") or []
    return ("placement", live[0]) if len(live) == 1 else None


def _post_row(post, targets: list, read: Found, rng: Range) -> Row:
    out = [t for t in targets if went_out_in(out_at(t), rng)]
    late = [t for t in targets if went_out_late(t.publish_at, out_at(t), rng)]
    late_ids = {t.id for t in late}
    campaign = read.campaigns.get(post.campaign_id or "")
    publications = []
    for t in targets:
        channel = read.channels.get(t.channel_id)
        publications.append({"channel_id": t.channel_id, "channel": channel.name if channel else t.channel_id,
                             "platform": t.platform, "state": t.state, "publish_at": t.publish_at,
                             "published_at": t.published_at, "url": t.url, "late": t.id in late_ids})
    snapshots = [read.latest[f"target:{t.id}"] for t in out if f"target:{t.id}" in read.latest]
    return Row(kind="post", id=post.id, title=post.title or "", campaign_id=campaign.id if campaign else None,
               campaign=campaign.name if campaign else None,
               published_at=min(t.published_at for t in out) if out else None, planned_at=post.publish_at,
               went_out=bool(out), late_at=min(t.published_at for t in late) if late else None,
               counted=len(late) < len(targets), publications=publications, metrics=_summed(snapshots))


def _placement_row(item, read: Found, rng: Range) -> Row:
    deal = read.deals.get(item.deal_id)
    blogger = read.bloggers.get(deal.influencer_id) if deal else None
    account = read.accounts.get(item.account_id)
    campaign = read.campaigns.get(deal.campaign_id or "") if deal else None
    late = went_out_late(item.publish_at, item.published_at, rng)
    snapshot = None if late else read.latest.get(f"deliverable:{item.id}")
    cost = None
    if deal is not None and not late:
        share = len(read.live.get(deal.id) or []) or 1
        cost = Decimal(0) if deal.status == CANCELLED else Decimal(int(deal.fee_minor)) / share
    return Row(kind="placement", id=item.id, title=deal.title if deal else item.deal_id,
               campaign_id=campaign.id if campaign else None, campaign=campaign.name if campaign else None,
               published_at=None if late else item.published_at, planned_at=item.publish_at,
               went_out=bool(item.published_at) and not late, late_at=item.published_at if late else None,
               counted=not late,
               facts={"deal_id": item.deal_id, "contract_number": deal.contract_number if deal else None,
                      "blogger": blogger.display_name if blogger else None, "platform": item.platform,
                      "handle": item.handle, "status": item.status, "url": item.url,
                      "check_result": item.check_result},
               metrics=_summed([snapshot] if snapshot else []), cost=cost,
               currency=deal.currency if deal else None, followers=account.followers if account else None)


def _totals(rows: list[Row]) -> dict:
    from chalicelib.campaigns.rules import kpi
    from chalicelib.core.money import digits

    cost: dict[str, Decimal] = {}
    revenue: dict[str, int] = {}
    for r in rows:
        if r.cost is not None and r.currency:
            cost[r.currency] = cost.get(r.currency, Decimal(0)) + r.cost
        for currency, minor in r.revenue.items():
            revenue[currency] = revenue.get(currency, 0) + minor
    metrics = {name: kpi.total(r.metrics.get(name) for r in rows) for name in (*METRICS, "engagements")}
    clicks = kpi.total(r.clicks for r in rows)
    conversions = sum(r.conversions for r in rows)
    currencies = set(cost) | set(revenue)
    currency = next(iter(currencies)) if len(currencies) == 1 else None
    places = digits(currency) if currency else 2
    priced = currency is not None and currency in cost
    rate = kpi.er_total(kpi.Reached(r.metrics.get("engagements"), r.metrics.get("reach"), r.followers) for r in rows)
    # as the campaign report does (docs/kpis.md): CTR over the rows reporting both clicks and impressions; a
    # cost-per KPI only when every costed row that went out reports its base
    went_out = [r for r in rows if r.went_out]
    costed = [r for r in went_out if r.cost is not None]
    partial = frozenset(base for base in kpi.COST_BASES.values()
                        if any((r.clicks if base == "clicks" else r.metrics.get(base)) is None for r in costed))
    values = kpi.kpis(kpi.Totals(cost=kpi.major(cost[currency], places) if priced else None,
                                 revenue=kpi.major(revenue.get(currency, 0), places) if priced else None,
                                 views=metrics["views"], reach=metrics["reach"], impressions=metrics["impressions"],
                                 engagements=metrics["engagements"], clicks=clicks, conversions=conversions, er=rate,
                                 ctr_items=tuple((r.clicks, r.metrics.get("impressions")) for r in went_out),
                                 partial=partial))
    return {"posts": sum(1 for r in rows if r.kind == "post"),
            "placements": sum(1 for r in rows if r.kind == "placement"),
            "went_out": sum(1 for r in rows if r.went_out), "metrics": metrics, "clicks": clicks,
            "visitors": kpi.total(r.visitors for r in rows), "conversions": conversions, "cost": cost,
            "revenue": revenue, "currency": currency, "mixed_currencies": len(currencies) > 1,
            "kpis": {"er": values.er, "er_base": values.er_base, "ctr": values.ctr, "cpm": values.cpm,
                     "cpc": values.cpc, "cpa": values.cpa, "roi": values.roi}}


def _order(row: Row) -> tuple[str, str]:
    return (row.published_at or row.planned_at or "~", row.id)  # when it went out in the range, else was due


def build(brand, rng: Range, read: Found) -> Report:
    posts = [_post_row(post, targets, read, rng) for post, targets in read.posts]
    placements = [_placement_row(item, read, rng) for item in read.items]
    rows = {(r.kind, r.id): r for r in (*posts, *placements) if r.counted}  # what links and conversions count for
    # clicks as the campaign report counts them: a row's tracked links' clicks, else the clicks its snapshots
    # report (entered by hand or imported), never both
    reported = {key: row.metrics.pop("clicks", None) for key, row in
                (((r.kind, r.id), r) for r in (*posts, *placements))}
    for link in read.links:
        row = rows.get(_row_key(read, link.post_id, link.deliverable_id, link.deal_id))
        if row is not None:
            clicks, visitors = read.clicks.get(link.code, (0, 0))
            row.clicks, row.visitors = (row.clicks or 0) + clicks, (row.visitors or 0) + visitors
    for key, row in (((r.kind, r.id), r) for r in (*posts, *placements)):
        if row.clicks is None and row.counted:
            row.clicks = reported[key]
    for conversion in read.conversions:
        row = rows.get(_row_key(read, conversion.post_id, conversion.deliverable_id, conversion.deal_id))
        if row is not None:
            row.conversions += 1
            row.revenue[conversion.currency] = row.revenue.get(conversion.currency, 0) + int(conversion.amount_minor)
    for row in (*posts, *placements):
        row.kpis = _kpis(row.metrics, row.clicks, row.conversions, row.cost, row.currency, row.revenue, row.followers)
    posts.sort(key=_order)
    placements.sort(key=_order)
    return Report(brand_id=brand.id, brand=brand.name, range=rng, posts=posts, placements=placements,
                  totals=_totals([*posts, *placements]), truncated=read.truncated)


def report(principal, brand_id: str, first: str | None, last: str | None, language: str | None = None) -> Report:
    """The brand's report for the range (view_campaigns in the brand: 404 outside it, 403 without the right)."""
    from chalicelib.brands import repo as brand_repo
    from chalicelib.core.errors import NotFound
    from chalicelib.identity.rules import Permission

    principal.require(brand_id, Permission.view_campaigns)
    brand = brand_repo.get(brand_id)
    if brand is None:
        raise NotFound("No such brand.")
    rng = parse_range(first, last, brand.timezone or "UTC", language or principal.language)
    found = gather(brand_id, rng)
    # posts only for who may see the content plan (not finance), placements (fees) for who may see deals
    if not principal.can(brand_id, Permission.view_posts):
        found.posts = []
    if not principal.can(brand_id, Permission.view_deals):
        found.items = []
    return build(brand, rng, found)
