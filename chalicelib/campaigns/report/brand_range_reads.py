"""What the brand's report (brand_range.py) reads for a range (brand_range_period.py), by Query and
BatchGetItem only (no Scan), the independent reads in parallel:
- posts: Query content gsi1 BRAND#<b>#POSTS on the publish time, the range widened by MAX_LATE on both
  sides, then per post its publication targets (Query pk POST#<id>, sk begins_with TARGET#), in parallel. A
  post is listed with the targets the listing rule shows; a post with none (never approved, no channel) is
  not.
- placements: Query deals gsi1 BRAND#<b>#DELIVERABLES on the agreed publish time (widened the same way). Their
  deals, every deliverable of those deals (to know which are cancelled) and the bloggers by BatchGetItem.
- the accounts of the placements and the channels of the posts (BatchGetItem), the campaigns of the listed
  items (BatchGetItem; only the brand's own);
- per campaign of the listed items its tracked links and their clicks by day (Query gsi1 CAMPAIGN#<c>#LINKS
  and CAMPAIGN#<c>#CLICKS) and its conversions (Query pk CAMPAIGN#<c>, sk begins_with CONVERSION#);
- the latest metric snapshot per subject (campaigns/metrics/read.latest): "target:<post id><channel id>" per
  publication that went out in the range, "deliverable:<id>" per placement not gone out late.
At most MAX_ITEMS posts and MAX_ITEMS deliverables are read for one range (`truncated` says so).
"""
from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from chalicelib.campaigns.report.brand_range_period import (
    CANCELLED,
    MAX_LATE,
    Range,
    listed,
    out_at,
    went_out_in,
    went_out_late,
)

MAX_ITEMS = 5000  # posts or deliverables read for one range
READERS = 8


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


def _shown_targets(targets: list, rng: Range) -> list:
    """A post's targets the range shows (the rule of `listed`)."""
    return [t for t in targets if listed(t.publish_at, out_at(t), rng)]


def _campaign_reads(campaign_id: str) -> tuple[list, list, list]:
    from chalicelib.campaigns.conversions import repo as conversions_repo
    from chalicelib.campaigns.links import repo as links_repo

    return (links_repo.of_campaign(campaign_id), links_repo.clicks_of_campaign(campaign_id),
            conversions_repo.of_campaign(campaign_id))


@dataclass
class Found:
    """What `gather` read for one range: the listed items and what the rows need of them."""
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


def gather(brand_id: str, rng: Range) -> Found:
    """Everything the brand's report for `rng` needs (see the module's docstring)."""
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
    found = Found()
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
    subjects = [f"target:{t.id}" for _, ts in found.posts for t in ts if went_out_in(out_at(t), rng)]
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
