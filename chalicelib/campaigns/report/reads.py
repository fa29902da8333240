"""Everything one campaign's report needs, read by Query and BatchGetItem only (never a Scan), the
independent reads in parallel (a campaign of 200 posts and 50 deals reads in well under a second):

  1. at once   the brand (GetItem, for its zone); the campaign's cost lines, members, conversions and promo
               codes (Query pk CAMPAIGN#<id>, sk begins_with COST# / MEMBER# / CONVERSION# / PROMO#); its
               links (Query gsi1 CAMPAIGN#<c>#LINKS) and clicks by day (Query gsi1 CAMPAIGN#<c>#CLICKS)
  2. then      the member posts and deals (BatchGetItem)
  3. then      the posts' publication targets (BatchGetItem POST#<post> / TARGET#<channel>) and channels,
               the deals' deliverables and influencers (BatchGetItem), each live deal's adjustments (Query pk
               DEAL#<id>, sk begins_with ADJUSTMENT#), and every metric snapshot of the targets and
               deliverables (campaigns/metrics/read.history)
  4. last      the deliverables' accounts (BatchGetItem), for followers

A member whose post or deal no longer names this campaign (its `campaign_id` is the source of truth) is left
out, as is a deleted one.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from chalicelib.campaigns import models as m
from chalicelib.core.db import connection as db_connection

READERS = 8
HISTORY_CHUNKS = 4  # metrics.read.history reads 8 subjects at a time; 4 chunks of them at once read 32


@dataclass
class Raw:
    """What was read for one campaign's report (items as stored)."""

    campaign: m.CampaignItem
    brand: object = None  # BrandItem
    cost_lines: list = field(default_factory=list)
    members: list = field(default_factory=list)
    conversions: list = field(default_factory=list)
    promo_codes: list = field(default_factory=list)
    links: list = field(default_factory=list)
    click_days: list = field(default_factory=list)
    posts: list = field(default_factory=list)
    targets: list = field(default_factory=list)  # publishing TargetItem
    channels: dict = field(default_factory=dict)  # id → ChannelItem
    deals: list = field(default_factory=list)
    deliverables: list = field(default_factory=list)
    influencers: dict = field(default_factory=dict)  # id → InfluencerItem
    accounts: dict = field(default_factory=dict)  # id → AccountItem
    adjustments: dict = field(default_factory=dict)  # deal id → [AdjustmentRecord]
    history: dict = field(default_factory=dict)  # subject → [metrics.read.Snapshot], oldest first


def _kind(model, campaign_id: str, prefix: str) -> Callable[[], list]:
    return lambda: list(model.query(m.campaign_pk(campaign_id), model.sk.startswith(prefix)))


def _batch(model, keys: Iterable[tuple[str, str]]) -> list:
    keys = list(dict.fromkeys(keys))
    return list(model.batch_get(keys)) if keys else []


def _parallel(pool: ThreadPoolExecutor, jobs: dict[str, Callable[[], object]]) -> dict[str, object]:
    futures = {name: pool.submit(job) for name, job in jobs.items()}
    return {name: future.result() for name, future in futures.items()}


def target_subject(target_id: str) -> str:
    return f"target:{target_id}"


def deliverable_subject(deliverable_id: str) -> str:
    return f"deliverable:{deliverable_id}"


def read_campaign(campaign: m.CampaignItem) -> Raw:
    from chalicelib.brands import repo as brand_repo
    from chalicelib.brands.channels.models import ChannelItem
    from chalicelib.campaigns.metrics import read as metrics
    from chalicelib.content.models import PostItem
    from chalicelib.deals import repo as deal_repo
    from chalicelib.deals.models import DealItem, DeliverableItem
    from chalicelib.influencers.models import AccountItem, InfluencerItem
    from chalicelib.publishing.models import TargetItem

    db_connection.bind_models()
    cid = campaign.id
    raw = Raw(campaign=campaign)
    with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="campaign-report") as pool:
        first = _parallel(pool, {
            "brand": lambda: brand_repo.get(campaign.brand_id),
            "cost_lines": _kind(m.CostLineItem, cid, "COST#"),
            "members": _kind(m.MemberItem, cid, "MEMBER#"),
            "conversions": _kind(m.ConversionItem, cid, "CONVERSION#"),
            "promo_codes": _kind(m.PromoCodeItem, cid, "PROMO#"),
            "links": lambda: list(m.LinkItem.gsi1.query(f"CAMPAIGN#{cid}#LINKS")),
            "click_days": lambda: list(m.ClickDayItem.gsi1.query(f"CAMPAIGN#{cid}#CLICKS")),
        })
        for name, value in first.items():
            setattr(raw, name, value)
        post_ids = [x.subject_id for x in raw.members if x.kind == "post"]
        deal_ids = [x.subject_id for x in raw.members if x.kind == "deal"]
        second = _parallel(pool, {
            "posts": lambda: _batch(PostItem, ((f"POST#{p}", "POST") for p in post_ids)),
            "deals": lambda: _batch(DealItem, (deal_repo.deal_key(d) for d in deal_ids)),
        })
        raw.posts = sorted((p for p in second["posts"] if p.campaign_id == cid), key=lambda p: (p.publish_at or "~", p.id))
        raw.deals = sorted((d for d in second["deals"] if d.campaign_id == cid), key=lambda d: (d.created_at, d.id))

        target_keys = [(f"POST#{p.id}", f"TARGET#{c}") for p in raw.posts for c in (p.channel_ids or [])]
        channel_ids = {c for p in raw.posts for c in (p.channel_ids or [])}
        deliverable_ids = [i for d in raw.deals for i in (d.deliverable_ids or [])]
        # every channel of a post (its targets are read at the same time); build.py uses only those with a target
        subjects = [target_subject(f"{p.id}{c}") for p in raw.posts for c in (p.channel_ids or [])]
        subjects += [deliverable_subject(i) for i in deliverable_ids]
        jobs: dict[str, Callable[[], object]] = {
            "targets": lambda: _batch(TargetItem, target_keys),
            "channels": lambda: _batch(ChannelItem, ((f"CHANNEL#{c}", "CHANNEL") for c in sorted(channel_ids))),
            "deliverables": lambda: _batch(DeliverableItem, (deal_repo.deliverable_key(i) for i in deliverable_ids)),
            "influencers": lambda: _batch(InfluencerItem, ((f"INFLUENCER#{d.influencer_id}", "INFLUENCER")
                                                          for d in raw.deals)),
        }
        chunks = [subjects[n::HISTORY_CHUNKS] for n in range(HISTORY_CHUNKS)]
        for n, chunk in enumerate(chunks):
            if chunk:
                jobs[f"history:{n}"] = (lambda c=chunk: metrics.history(c))
        live = [d.id for d in raw.deals if d.status != "cancelled"]
        for deal_id in live:
            jobs[f"adjustments:{deal_id}"] = (lambda d=deal_id: deal_repo.adjustments_of(d))
        third = _parallel(pool, jobs)
    raw.targets = third["targets"]
    raw.channels = {c.id: c for c in third["channels"]}
    by_id = {i.id: i for i in third["deliverables"]}
    raw.deliverables = [by_id[i] for i in deliverable_ids if i in by_id]
    raw.influencers = {i.id: i for i in third["influencers"]}
    raw.history = {}
    for n in range(HISTORY_CHUNKS):
        raw.history.update(third.get(f"history:{n}", {}))
    raw.adjustments = {deal_id: third[f"adjustments:{deal_id}"] for deal_id in live}
    raw.accounts = {a.id: a for a in _batch(AccountItem, ((f"ACCOUNT#{i.account_id}", "ACCOUNT")
                                                          for i in raw.deliverables))}
    return raw
