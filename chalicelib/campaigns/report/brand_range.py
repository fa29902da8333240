"""The brand's "what we published and what it brought" for a date range (the SMM specialist's weekly summary):
the range, the reads, the rows and totals (its JSON and CSV forms: brand_range_out.py; the routes:
brand_routes.py, brand_pages.py).

The range: days `first`..`last` of the brand's zone, both included — from `first` 00:00 to the midnight that
ends `last`, local time (DST-correct, core/schedule). Days are YYYY-MM-DD (digits only) in the years
1970..2100; at most 366 days; `first` ≤ `last`. With one end only, the week that starts (or ends) there;
with neither, the last full week, Monday to Sunday, before today in the brand's zone.

What is listed (no Scan). A post or placement may go out later (or earlier) than planned — a blogger days
late, a retried publication, a manual one marked published later — by at most MAX_LATE (62 days); anything
further from its planned time is not found. The rule, for each publication target of a post and for each
placement:
- it went out within the range (published_at inside) → listed, counted as gone out, with what it brought;
- it was due within the range (the planned time inside) and has not gone out (yet) → listed, not gone out
  (failed, missed, late …: the page shows the state); a placement keeps its cost;
- it was due within the range and went out after its end → listed, marked "went out late" with when; what
  it brought (metrics, clicks, conversions, cost) counts in the range in which it went out, not here — so
  adding up consecutive ranges counts nothing twice;
- it went out before the range, or was neither due nor gone out in it → not listed.
A cancelled placement is never listed. Reads:
- posts: Query content gsi1 BRAND#<b>#POSTS on the publish time, the range widened by MAX_LATE on both
  sides, then per post its publication targets (Query pk POST#<id>, sk begins_with TARGET#), in parallel. A
  post is listed with the targets the rule shows; a post with none (never approved, no channel) is not.
- placements: Query deals gsi1 BRAND#<b>#DELIVERABLES on the agreed publish time (widened the same way). Their
  deals, every deliverable of those deals (to know which are cancelled) and the bloggers by BatchGetItem.

What each brought, counted to date (not only within the range — the range chooses the items):
- metrics: the latest snapshot per subject (campaigns/metrics/read.latest): "target:<post id><channel id>" per
  publication that went out in the range, "deliverable:<id>"; a post's are summed over those publications;
- link clicks: the clicks (and the day-unique visitors, summed over days) of the tracked links made for the
  post, the deliverable — or for its deal when the deal has one deliverable that is not cancelled (a
  deal-level link of a deal with several is not split among them and counts in no row) — read per campaign
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
"""
from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

from chalicelib.core import i18n

MAX_DAYS = 366
MAX_LATE = dt.timedelta(days=62)  # the furthest from its planned time a post or placement is still found
FIRST_YEAR, LAST_YEAR = 1970, 2100  # the years a range's days may fall in
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # YYYY-MM-DD, ASCII digits only (no week dates, no ordinals)
CANCELLED = "cancelled"
MAX_ITEMS = 5000  # posts or deliverables read for one range
READERS = 8
METRICS = ("views", "reach", "impressions", "likes", "comments", "shares", "saves", "forwards")
KPIS = ("er", "ctr", "cpm", "cpc", "cpa", "roi")
MONEY_KPIS = ("cpm", "cpc", "cpa")


# --- the range -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Range:
    first: dt.date
    last: dt.date
    zone: str
    start: dt.datetime  # UTC, included
    end: dt.datetime  # UTC, excluded

    def holds(self, stamp: str | None) -> bool:
        from chalicelib.core.clock import parse_utc

        moment = parse_utc(stamp) if stamp else None
        return moment is not None and self.start <= moment < self.end

    def after(self, stamp: str | None) -> bool:
        """`stamp` is at or after the range's end."""
        from chalicelib.core.clock import parse_utc

        moment = parse_utc(stamp) if stamp else None
        return moment is not None and moment >= self.end


def today_in(zone: str) -> dt.date:
    from chalicelib.core.clock import utcnow

    return utcnow().astimezone(_zone(zone)).date()


def _zone(zone: str):
    from chalicelib.core.schedule import zone_info

    return zone_info(zone)


def local_day(stamp: str | None, zone: str) -> str:
    """The day (YYYY-MM-DD) of a stored UTC instant in `zone`, or "" without one."""
    from chalicelib.core.clock import parse_utc

    moment = parse_utc(stamp) if stamp else None
    return moment.astimezone(_zone(zone)).date().isoformat() if moment else ""


def last_full_week(today: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the last week that has ended before `today`."""
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return monday, monday + dt.timedelta(days=6)


def _problem(field_name: str, key: str, language: str, **params):
    from chalicelib.core.errors import ValidationFailed

    message = i18n.translate(key, language, **params)
    return ValidationFailed(message, details=[{"field": field_name, "message": message}])


def _day(text: str | None, field_name: str, language: str) -> dt.date | None:
    """A day of the range (`from` or `to`), or None when not given; 422 naming the field otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        if not DAY.fullmatch(text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise _problem(field_name, f"brand_report.error.day_{field_name}", language) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _problem(field_name, f"brand_report.error.year_{field_name}", language, first=FIRST_YEAR,
                       last=LAST_YEAR)
    return day


def parse_range(first_text: str | None, last_text: str | None, zone: str, language: str) -> Range:
    """The range asked for (YYYY-MM-DD, both included), or the last full week when neither is given; a missing
    end is the other end's week edge (computed once the given end is known to be a good day).
    ValidationFailed (422) naming the field (`from`, `to`) for a bad day or range."""
    from chalicelib.core.schedule import to_utc

    first, last = _day(first_text, "from", language), _day(last_text, "to", language)
    if first is None and last is None:
        first, last = last_full_week(today_in(zone))
    elif first is None:
        first = last - dt.timedelta(days=6)
    elif last is None:
        last = first + dt.timedelta(days=6)
    if first > last:
        raise _problem("to", "brand_report.error.order", language)
    if (last - first).days + 1 > MAX_DAYS:
        raise _problem("to", "brand_report.error.too_long", language, days=MAX_DAYS)
    start = to_utc(dt.datetime.combine(first, dt.time()), zone)
    end = to_utc(dt.datetime.combine(last + dt.timedelta(days=1), dt.time()), zone)
    return Range(first=first, last=last, zone=zone, start=start, end=end)


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
    return out


# --- reads -----------------------------------------------------------------------------------------------

def _iso(moment: dt.datetime) -> str:
    from chalicelib.core.clock import iso

    return iso(moment)


def _posts(brand_id: str, rng: Range) -> list:
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import calendar_pk

    return list(PostItem.gsi1.query(calendar_pk(brand_id), PostItem.gsi1sk.between(
        _iso(rng.start - MAX_LATE), _iso(rng.end + MAX_LATE)), limit=MAX_ITEMS))


def _deliverables(brand_id: str, rng: Range) -> list:
    from chalicelib.deals.models import DeliverableItem
    from chalicelib.deals.repo import placements_pk

    return list(DeliverableItem.gsi1.query(placements_pk(brand_id), DeliverableItem.gsi1sk.between(
        _iso(rng.start - MAX_LATE), _iso(rng.end + MAX_LATE)), limit=MAX_ITEMS))


def _batch(model, keys: list) -> list:
    keys = list(dict.fromkeys(keys))
    return list(model.batch_get(keys)) if keys else []


def went_out_in(published_at: str | None, rng: Range) -> bool:
    return rng.holds(published_at)


def went_out_late(planned_at: str | None, published_at: str | None, rng: Range) -> bool:
    """Due within the range and gone out after its end."""
    return rng.holds(planned_at) and rng.after(published_at)


def listed(planned_at: str | None, published_at: str | None, rng: Range) -> bool:
    """The listing rule (see the module's docstring) for one publication or placement: gone out in the range,
    due in it and not gone out, or due in it and gone out after it."""
    if published_at:
        return went_out_in(published_at, rng) or went_out_late(planned_at, published_at, rng)
    return rng.holds(planned_at)


def _out_at(target) -> str | None:
    return target.published_at if target.state == "published" else None


def _shown_targets(targets: list, rng: Range) -> list:
    """A post's targets the range shows (the rule of `listed`)."""
    return [t for t in targets if listed(t.publish_at, _out_at(t), rng)]


def _campaign_reads(campaign_id: str) -> tuple[list, list, list]:
    from chalicelib.campaigns.conversions import repo as conversions_repo
    from chalicelib.campaigns.links import repo as links_repo

    return (links_repo.of_campaign(campaign_id), links_repo.clicks_of_campaign(campaign_id),
            conversions_repo.of_campaign(campaign_id))


@dataclass
class _Read:
    posts: list = field(default_factory=list)  # [(PostItem, [TargetItem shown])]
    items: list = field(default_factory=list)  # [DeliverableItem shown]
    deals: dict = field(default_factory=dict)
    live: dict = field(default_factory=dict)  # deal id → ids of its deliverables that are not cancelled
    bloggers: dict = field(default_factory=dict)
    accounts: dict = field(default_factory=dict)
    channels: dict = field(default_factory=dict)
    campaigns: dict = field(default_factory=dict)
    links: list = field(default_factory=list)
    clicks: dict = field(default_factory=dict)  # link code → (clicks, visitors)
    conversions: list = field(default_factory=list)
    latest: dict = field(default_factory=dict)
    truncated: bool = False


def gather(brand_id: str, rng: Range) -> _Read:
    from chalicelib.brands.channels.models import ChannelItem
    from chalicelib.brands.channels.repo import channel_key
    from chalicelib.campaigns.links.repo import day_clicks
    from chalicelib.campaigns.metrics import read as metrics_read
    from chalicelib.campaigns.models import CampaignItem
    from chalicelib.campaigns.repo import campaign_key
    from chalicelib.core.db import connection as db_connection
    from chalicelib.deals import repo as deal_repo
    from chalicelib.deals.models import DeliverableItem
    from chalicelib.influencers.models import AccountItem, InfluencerItem
    from chalicelib.influencers.repo import account_key, influencer_key
    from chalicelib.publishing import repo as publishing_repo

    db_connection.bind_models()
    found = _Read()
    posts, items = _posts(brand_id, rng), _deliverables(brand_id, rng)
    found.truncated = len(posts) >= MAX_ITEMS or len(items) >= MAX_ITEMS
    with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="brand-report") as pool:
        targets = list(pool.map(lambda p: publishing_repo.for_post(p.id), posts))
    for post, post_targets in zip(posts, targets):
        shown = _shown_targets(post_targets, rng)
        if shown:
            found.posts.append((post, sorted(shown, key=lambda t: (t.published_at or t.publish_at, t.channel_id))))
    found.items = [i for i in items if i.status != CANCELLED and listed(i.publish_at, i.published_at, rng)]
    found.deals = {d.id: d for d in deal_repo.deals_by_id(i.deal_id for i in found.items)}
    every = _batch(DeliverableItem, [deal_repo.deliverable_key(i) for d in found.deals.values()
                                     for i in d.deliverable_ids or []])
    status = {i.id: i.status for i in every}
    found.live = {d.id: [i for i in d.deliverable_ids or [] if status.get(i, CANCELLED) != CANCELLED]
                  for d in found.deals.values()}
    found.bloggers = {b.id: b for b in _batch(InfluencerItem, [influencer_key(d.influencer_id)
                                                               for d in found.deals.values()])}
    found.accounts = {a.id: a for a in _batch(AccountItem, [account_key(i.account_id) for i in found.items])}
    found.channels = {c.id: c for c in _batch(ChannelItem, [channel_key(t.channel_id)
                                                            for _, ts in found.posts for t in ts])}
    campaign_ids = sorted({p.campaign_id for p, _ in found.posts if p.campaign_id}
                          | {d.campaign_id for d in found.deals.values() if d.campaign_id})
    found.campaigns = {c.id: c for c in _batch(CampaignItem, [campaign_key(i) for i in campaign_ids])
                       if c.brand_id == brand_id}
    subjects = [f"target:{t.id}" for _, ts in found.posts for t in ts if went_out_in(_out_at(t), rng)]
    subjects += [f"deliverable:{i.id}" for i in found.items if not went_out_late(i.publish_at, i.published_at, rng)]
    with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="brand-report") as pool:
        per_campaign = list(pool.map(_campaign_reads, found.campaigns))
    for links, days, conversions in per_campaign:
        found.links += links
        found.conversions += conversions
        for day in days:
            clicks, visitors = day_clicks(day)
            before = found.clicks.get(day.code, (0, 0))
            found.clicks[day.code] = (before[0] + clicks, before[1] + visitors)
    found.latest = metrics_read.latest(subjects)
    return found


# --- the report ------------------------------------------------------------------------------------------

def _row_key(read: _Read, post_id: str | None, deliverable_id: str | None, deal_id: str | None):
    """Which row a link or a conversion counts for (see the module's docstring), or None."""
    if deliverable_id:
        return ("placement", deliverable_id)
    if post_id:
        return ("post", post_id)
    live = read.live.get(deal_id or "") or []
    return ("placement", live[0]) if len(live) == 1 else None


def _post_row(post, targets: list, read: _Read, rng: Range) -> Row:
    out = [t for t in targets if went_out_in(_out_at(t), rng)]
    late = [t for t in targets if went_out_late(t.publish_at, _out_at(t), rng)]
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


def _placement_row(item, read: _Read, rng: Range) -> Row:
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


def build(brand, rng: Range, read: _Read) -> Report:
    posts = [_post_row(post, targets, read, rng) for post, targets in read.posts]
    placements = [_placement_row(item, read, rng) for item in read.items]
    rows = {(r.kind, r.id): r for r in (*posts, *placements) if r.counted}  # what links and conversions count for
    for link in read.links:
        row = rows.get(_row_key(read, link.post_id, link.deliverable_id, link.deal_id))
        if row is not None:
            clicks, visitors = read.clicks.get(link.code, (0, 0))
            row.clicks, row.visitors = (row.clicks or 0) + clicks, (row.visitors or 0) + visitors
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
