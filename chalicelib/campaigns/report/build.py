"""The campaign report from what reads.py read (no I/O here): totals, KPIs, targets against actuals, spend
against the budget by ISO week, the figures day by day, the top publications and a line per blogger.
docs/kpis.md has every rule; the short of it:

- A publication is an own post (its publication targets, one per channel, summed) or a blogger's deliverable.
  Its figures are, per metric, the newest of its snapshots that carries that metric (a later snapshot with
  fewer fields does not wipe the others), per target / deliverable.
- Clicks: a publication's tracked-link clicks when it has a tracked link, else the clicks its snapshot reports
  (never both). A link of the whole deal (no deliverable) counts for the deal's line, and then its
  deliverables' snapshot clicks are dropped (the deal's link counts them). The campaign's clicks are built from
  the rows: publications' + deal-wide links' + the unassigned clicks (links of a cancelled deliverable, of a post
  or deal no longer in the campaign, of the whole campaign), which are shown as such. No link and no snapshot
  clicks at all: unknown, not 0.
- Conversions count for what they are attributed to (deliverable, deal or post); revenue adds only the
  conversions in the campaign's currency (others are counted and named in `other_currency_conversions`).
- The cost-based KPIs (CPM, CPV, CPC, CPE, CPA, ROAS, ROI) are computed over what the cost paid for: the
  publications, clicks, conversions and revenue of a live deal in another currency (not in the cost) are left
  out of them (`left_out_deals`). A cost-per KPI is computed only when every paid publication that went out
  reported its base (else it has no value and is `partial`); CTR is over the publications reporting both
  clicks and impressions.
- Followers (for ER where reach is unknown, and ERR) are the blogger's account's; own channels have none.
- Days are the brand's: conversions and snapshots by their instant in the brand's zone, clicks by their
  stored (UTC) day, costs by costs.py's rules.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from chalicelib.campaigns.report.reads import Raw, deliverable_subject, target_subject
from chalicelib.campaigns.report.view import (
    CHECK_ORDER,
    BloggerRow,
    CostBreakdown,
    Counts,
    KpiBase,
    LeftOutDeal,
    Publication,
    Report,
)
from chalicelib.campaigns.rules import costs, kpi, series, targets
from chalicelib.campaigns.rules import metrics as metric_rules
from chalicelib.core.clock import parse_utc
from chalicelib.core.plain import plain

COUNT_FIELDS = ("views", "reach", "impressions", "engagements", "clicks", "conversions")
SNAPSHOT_FIELDS = ("views", "reach", "impressions", "engagements", "clicks")
COST_BASES = ("views", "impressions", "engagements", "clicks")  # what the cost-per KPIs divide by
TOP = 10
TOP_BY = ("engagements", "views", "clicks")


def _day(stamp: str | None, zone) -> date | None:
    moment = parse_utc(stamp) if stamp else None
    return moment.astimezone(zone).date() if moment else None


def latest_values(snapshots) -> dict:
    """Per metric, the value of the newest snapshot that carries it (rules/metrics.current: oldest to newest,
    manual > csv > check at one instant), and the engagements of those values."""
    current = metric_rules.current(snapshots or ())
    values: dict = dict(current[1]) if current is not None else {}
    values["engagements"] = kpi.engagements(values)
    return values


def _counts(values: dict, clicks: int | None, conversions: int) -> Counts:
    return Counts(views=values.get("views"), reach=values.get("reach"), impressions=values.get("impressions"),
                  engagements=values.get("engagements"), clicks=clicks, conversions=conversions)


def _sum_counts(rows: list[Counts]) -> Counts:
    return Counts(**{name: kpi.total(getattr(c, name) for c in rows) for name in COUNT_FIELDS})


def worst_check(results) -> str | None:
    present = [r for r in results if r in CHECK_ORDER]
    return min(present, key=CHECK_ORDER.index) if present else None


class _Clicks:
    """Tracked clicks by the row they count for: a publication in the report (`post`, `deliverable`), a deal's
    line (`deal_wide`: a link of the whole deal), else `unassigned` (None when there is no such link)."""

    def __init__(self, raw: Raw, post_ids: set[str], deliverable_ids: set[str], deal_ids: set[str]):
        by_code: dict[str, int] = defaultdict(int)
        self.by_day: dict[date, int] = defaultdict(int)
        for day_item in raw.click_days:
            by_code[day_item.code] += int(day_item.clicks or 0)
            self.by_day[date.fromisoformat(day_item.day)] += int(day_item.clicks or 0)
        self.post: dict[str, int] = {}
        self.deliverable: dict[str, int] = {}
        self.deal_wide: dict[str, int] = {}
        self.unassigned: int | None = None
        for link in raw.links:
            clicks = by_code.pop(link.code, 0)
            if link.deliverable_id:
                row = self.deliverable if link.deliverable_id in deliverable_ids else None
                key = link.deliverable_id
            elif link.deal_id:
                row = self.deal_wide if link.deal_id in deal_ids else None
                key = link.deal_id
            elif link.post_id:
                row = self.post if link.post_id in post_ids else None
                key = link.post_id
            else:
                row, key = None, ""
            if row is None:
                self.unassigned = (self.unassigned or 0) + clicks
            else:
                row[key] = row.get(key, 0) + clicks
        if by_code:  # clicks whose link is no longer read with the campaign's
            self.unassigned = (self.unassigned or 0) + sum(by_code.values())


def build(raw: Raw, today: date) -> Report:
    from chalicelib.core.money import digits as currency_digits
    from chalicelib.core.schedule import zone_info

    campaign = raw.campaign
    currency = campaign.currency
    digits = currency_digits(currency)
    zone_name = (raw.brand.timezone if raw.brand is not None else None) or "UTC"
    zone = zone_info(zone_name)
    starts_on, ends_on = date.fromisoformat(campaign.starts_on), date.fromisoformat(campaign.ends_on)

    values_of = {subject: latest_values(snapshots) for subject, snapshots in raw.history.items()}
    deals_by_id = {d.id: d for d in raw.deals}
    live_deliverables = {i.id for i in raw.deliverables if i.status != "cancelled"}
    clicks = _Clicks(raw, {p.id for p in raw.posts}, live_deliverables, set(deals_by_id))
    # live deals in another currency: not in the cost, so not in the cost-based KPIs either
    left_out = {d.id for d in raw.deals if d.status != "cancelled" and d.currency != currency}
    deal_of = {i.id: i.deal_id for i in raw.deliverables}

    # conversions: by what they are attributed to, and by day
    conv_by: dict[tuple[str, str], list] = defaultdict(list)
    conv_days: dict[date, int] = defaultdict(int)
    revenue_days: dict[date, int] = defaultdict(int)
    revenue_minor, other_currency = 0, 0
    base_conversions, base_revenue = 0, 0
    for c in raw.conversions:
        same = c.currency == currency
        day = _day(c.occurred_at, zone)
        if day is not None:
            conv_days[day] += 1
            if same:
                revenue_days[day] += int(c.amount_minor)
        if same:
            revenue_minor += int(c.amount_minor)
        else:
            other_currency += 1
        if c.deal_id not in left_out and deal_of.get(c.deliverable_id) not in left_out:
            base_conversions += 1
            base_revenue += int(c.amount_minor) if same else 0
        for kind, value in (("deliverable", c.deliverable_id), ("deal", c.deal_id), ("post", c.post_id)):
            if value:
                conv_by[(kind, value)].append(c)

    def revenue_of(found: list) -> int:
        return sum(int(c.amount_minor) for c in found if c.currency == currency)

    # publications: own posts (their targets together), then deliverables
    publications: list[Publication] = []
    reached: list[kpi.Reached] = []
    telegram_views, subscribers = None, None
    targets_by_post = defaultdict(list)
    for target in raw.targets:
        targets_by_post[target.post_id].append(target)
    charted: set[str] = set()  # the subjects the publications use: the chart draws these only
    for post in raw.posts:
        its = targets_by_post.get(post.id, [])
        charted.update(target_subject(t.id) for t in its)
        values_list = [values_of.get(target_subject(t.id), {}) for t in its]
        out_list = [v for t, v in zip(its, values_list) if t.published_at]
        summed = {name: kpi.total(v.get(name) for v in values_list) for name in SNAPSHOT_FIELDS}
        incomplete = [name for name in SNAPSHOT_FIELDS
                      if summed[name] is not None and any(v.get(name) is None for v in out_list)]
        if post.id in clicks.post:
            post_clicks = clicks.post[post.id]
            incomplete = [name for name in incomplete if name != "clicks"]
        else:
            post_clicks = summed["clicks"]
        found = conv_by.get(("post", post.id), [])
        parts = [kpi.Reached(v.get("engagements"), v.get("reach"), None) for v in values_list]
        reached += parts
        names = [raw.channels[t.channel_id].name for t in its if t.channel_id in raw.channels]
        published = min((t.published_at for t in its if t.published_at), default=None)
        publications.append(Publication(
            kind="post", id=post.id, title=post.title or post.id, where=", ".join(names),
            platform=", ".join(sorted({t.platform for t in its})), url=next((t.url for t in its if t.url), None),
            published_at=published or post.publish_at, counts=_counts(summed, post_clicks, len(found)),
            followers=None, er=kpi.er_total(parts), revenue_minor=revenue_of(found), status=post.status,
            went_out=published is not None, incomplete=tuple(incomplete)))

    pub_by_deliverable: dict[str, Publication] = {}
    for item in raw.deliverables:
        deal = deals_by_id.get(item.deal_id)
        values = values_of.get(deliverable_subject(item.id), {})
        account = raw.accounts.get(item.account_id)
        followers = int(account.followers) if account is not None and account.followers is not None else None
        if item.id in clicks.deliverable:
            item_clicks = clicks.deliverable[item.id]
        elif item.deal_id in clicks.deal_wide:
            item_clicks = None  # the deal's own link counts them: its snapshot clicks would count them twice
        else:
            item_clicks = values.get("clicks")
        found = conv_by.get(("deliverable", item.id), [])
        part = kpi.Reached(values.get("engagements"), values.get("reach"), followers)
        publication = Publication(
            kind="deliverable", id=item.id, title=deal.title if deal else item.id, where=item.handle,
            platform=item.platform, url=item.url, published_at=item.published_at or item.publish_at,
            counts=_counts(values, item_clicks, len(found)), followers=followers, er=kpi.er(part),
            revenue_minor=revenue_of(found), deal_id=item.deal_id, status=item.status,
            check_result=item.check_result, went_out=bool(item.published_at))
        pub_by_deliverable[item.id] = publication
        if item.status == "cancelled":
            continue
        publications.append(publication)
        charted.add(deliverable_subject(item.id))
        reached.append(part)
        if item.platform == "telegram" and followers and values.get("views") is not None:
            telegram_views = kpi.add(telegram_views, values["views"])
            subscribers = kpi.add(subscribers, followers)

    # costs: deals, then cost lines; each on its day
    breakdown = dict(fees=0, agency=0, products=0, adjustments=0, lines=0)
    spend_entries: list[tuple[date, int]] = []
    bloggers: list[BloggerRow] = []
    for deal in raw.deals:
        its = [pub_by_deliverable[i] for i in (deal.deliverable_ids or []) if i in pub_by_deliverable]
        live_items = [p for p in its if p.status != "cancelled"]
        adjustments = [int(a.amount_minor) for a in raw.adjustments.get(deal.id, []) if a.currency == deal.currency]
        cost = costs.deal_cost(int(deal.fee_minor), deal.agency_fee_pct, deal.product_value_minor, adjustments)
        counted = deal.status != "cancelled" and deal.currency == currency
        if counted:
            breakdown["fees"] += cost.fee
            breakdown["agency"] += cost.agency
            breakdown["products"] += cost.product
            breakdown["adjustments"] += cost.adjustments
            days = [_day(p.published_at, zone) for p in live_items]
            spend_entries.append((costs.deal_day(days, _day(deal.created_at, zone) or starts_on), cost.total))
        found = {c.order_id: c for c in conv_by.get(("deal", deal.id), [])}
        for p in its:
            found.update({c.order_id: c for c in conv_by.get(("deliverable", p.id), [])})
        deal_revenue = revenue_of(list(found.values()))
        summed = _sum_counts([p.counts for p in live_items])
        counts = Counts(views=summed.views, reach=summed.reach, impressions=summed.impressions,
                        engagements=summed.engagements, clicks=kpi.add(summed.clicks, clicks.deal_wide.get(deal.id)),
                        conversions=len(found))
        cost_major = kpi.major(cost.total, digits) if counted else None
        influencer = raw.influencers.get(deal.influencer_id)
        bloggers.append(BloggerRow(
            deal_id=deal.id, title=deal.title, influencer=influencer.display_name if influencer else "—",
            handles=", ".join(dict.fromkeys(p.where for p in its)), status=deal.status, currency=deal.currency,
            counted=counted, cost=cost, counts=counts, revenue_minor=deal_revenue,
            cpa=kpi.ratio(cost_major, len(found)),
            roi=kpi.ratio(kpi.major(deal_revenue, digits) - cost_major, cost_major) if cost_major is not None else None,
            check_result=worst_check(p.check_result for p in live_items),
            checks=tuple((p.where, p.status or "", p.check_result) for p in its)))
    for line in raw.cost_lines:
        breakdown["lines"] += int(line.amount_minor)
        spend_entries.append((date.fromisoformat(line.spent_on), int(line.amount_minor)))
    cost = CostBreakdown(**breakdown)
    spend_days = costs.by_day(spend_entries)

    # totals: built from the rows (publications, deal-wide links) plus the unassigned clicks
    pub_counts = _sum_counts([p.counts for p in publications])
    total_clicks = kpi.total([pub_counts.clicks, *clicks.deal_wide.values(), clicks.unassigned])
    counts = Counts(views=pub_counts.views, reach=pub_counts.reach, impressions=pub_counts.impressions,
                    engagements=pub_counts.engagements, clicks=total_clicks, conversions=len(raw.conversions))

    def covered(p: Publication, name: str) -> bool:
        return p.reports(name) or (name == "clicks" and p.deal_id in clicks.deal_wide)

    # a total some publications that went out did not report (none reporting it at all: simply unknown)
    partial_totals = tuple(name for name in ("reach", "impressions", "engagements", "clicks")
                           if getattr(counts, name) is not None
                           and any(not covered(p, name) for p in publications if p.went_out))

    # the cost-based KPIs: over what the cost paid for
    paid = [p for p in publications if p.deal_id not in left_out]
    bases = {name: kpi.total(getattr(p.counts, name) for p in paid) for name in COST_BASES}
    paid_clicks = kpi.total([bases["clicks"], clicks.unassigned,
                             *(n for deal_id, n in clicks.deal_wide.items() if deal_id not in left_out)])
    base_values = {**bases, "clicks": paid_clicks}
    partial = frozenset(name for name in COST_BASES if base_values[name] is not None
                        and any(not covered(p, name) for p in paid if p.went_out))
    ctr_items = tuple((p.counts.clicks, p.counts.impressions) for p in publications
                      if p.reports("clicks") and p.reports("impressions"))
    cost_major = kpi.major(cost.total, digits)
    revenue = kpi.major(revenue_minor, digits)
    totals = kpi.Totals(cost=cost_major, revenue=kpi.major(base_revenue, digits), views=base_values["views"],
                        reach=counts.reach, impressions=base_values["impressions"],
                        engagements=base_values["engagements"], clicks=paid_clicks, conversions=base_conversions,
                        er=kpi.er_total(reached), telegram_views=telegram_views, subscribers=subscribers,
                        ctr_items=ctr_items, partial=partial)
    kpis = kpi.kpis(totals)
    ctr_base = kpi.ctr_over(ctr_items)
    kpi_base = KpiBase(revenue_minor=base_revenue, views=totals.views, impressions=totals.impressions,
                       engagements=totals.engagements, clicks=totals.clicks, conversions=base_conversions,
                       partial=kpis.partial, ctr_clicks=ctr_base[0] if ctr_base else None,
                       ctr_impressions=ctr_base[1] if ctr_base else None)

    actuals = {name: (Decimal(getattr(counts, name)) if getattr(counts, name) is not None else None)
               for name in targets.COUNTS}
    actuals.update(revenue=revenue, cpm_max=kpis.cpm, cpc_max=kpis.cpc, cpa_max=kpis.cpa, roi_min=kpis.roi)
    partial_targets = {*partial_totals, *(name for name, of in targets.KPI_OF.items() if of in kpis.partial)}
    target_rows = targets.compare(plain(campaign.targets) or {}, actuals, digits=digits, starts_on=starts_on,
                                  ends_on=ends_on, today=today, partial=partial_targets)

    # over time: per item the totals count (a post's existing publication targets, a live deliverable), the
    # views of each snapshot that carries views (the last known views count) — never figures typed for a channel
    # the post is not scheduled on yet, which the totals leave out too
    view_points = []
    for subject, snapshots in raw.history.items():
        if subject not in charted:
            continue
        points = [(_day(s.taken_at, zone), s.values["views"]) for s in metric_rules.ordered(snapshots)
                  if s.values.get("views") is not None]
        view_points.append([(d, v) for d, v in points if d is not None])
    data_days = [*clicks.by_day, *conv_days, *spend_days, *(d for points in view_points for d, _ in points)]
    days = series.day_range(starts_on, ends_on, data_days)
    all_series = [
        series.running_views(days, view_points),
        series.daily("clicks", "count", days, clicks.by_day),
        series.daily("conversions", "count", days, conv_days),
        series.daily("revenue", "money", days, {d: kpi.major(v, digits) for d, v in revenue_days.items()}),
        series.daily("spend", "money", days, {d: kpi.major(v, digits) for d, v in spend_days.items()}),
    ]

    top = {}
    for name in TOP_BY:
        ranked = [p for p in publications if getattr(p.counts, name) is not None]
        ranked.sort(key=lambda p, n=name: (-getattr(p.counts, n), p.title, p.id))
        top[name] = ranked[:TOP]

    left_out_deals = tuple(LeftOutDeal(d.id, d.title, d.currency) for d in raw.deals if d.id in left_out)
    return Report(
        campaign_id=campaign.id, brand_id=campaign.brand_id, brand_name=raw.brand.name if raw.brand else "",
        zone=zone_name, name=campaign.name, goal=campaign.goal, status=campaign.status, currency=currency,
        digits=digits, starts_on=starts_on, ends_on=ends_on, first_day=days[0], last_day=days[-1], today=today,
        budget_minor=int(campaign.budget_minor) if campaign.budget_minor is not None else None, cost=cost,
        revenue_minor=revenue_minor, counts=counts, kpis=kpis, targets=target_rows,
        weeks=costs.by_week(spend_days, starts_on, ends_on,
                            int(campaign.budget_minor) if campaign.budget_minor is not None else None),
        spend_days=spend_days, series=all_series, top=top, bloggers=bloggers, publications=publications,
        other_currency_conversions=other_currency, other_currency_deals=len(left_out_deals),
        unassigned_clicks=clicks.unassigned, kpi_base=kpi_base, left_out_deals=left_out_deals,
        partial_totals=partial_totals)
