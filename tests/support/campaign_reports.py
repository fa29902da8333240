"""What a campaign report reads, written straight through the models (valid items with their index keys), so
report tests (and the evidence export's) need not go through the services: channels, posts with their
publication targets, deals with deliverables, adjustments, cost lines, links and their clicks, conversions and
metric snapshots; and `seed_report`, the hand-computed campaign of the report tests (its numbers in
docs/kpis.md's worked example and in tests/integration/campaigns/report)."""
from __future__ import annotations

from chalicelib.brands.channels.models import ChannelItem
from chalicelib.campaigns.models import (
    ClickDayItem,
    ConversionItem,
    CostLineItem,
    LinkItem,
    MetricSnapshotItem,
    campaign_pk,
)
from chalicelib.content.models import PostItem
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.connection import bind_models
from chalicelib.core.ids import new_id
from chalicelib.deals import repo as deal_repo
from chalicelib.deals.models import AdjustmentRecord, DealItem
from chalicelib.publishing.models import TargetItem
from tests.support.campaigns import add_campaign, add_member
from tests.support.deals import add_account, add_deal, add_deliverable, add_influencer
from tests.support.factories import unique


def add_channel(brand_id: str, platform: str = "telegram", name: str | None = None) -> ChannelItem:
    bind_models()
    channel_id = new_id()
    now = iso(utcnow())
    item = ChannelItem(f"CHANNEL#{channel_id}", "CHANNEL", id=channel_id, brand_id=brand_id, platform=platform,
                       name=name or unique(f"{platform}-"), gsi1pk=f"BRAND#{brand_id}#CHANNELS", gsi1sk=channel_id,
                       created_at=now, updated_at=now)
    item.save()
    return item


def add_post(campaign, channels: list[ChannelItem], *, title: str = "Зимний пост", publish_at: str,
             published: bool = True, member: bool = True, **fields) -> PostItem:
    """A published post of the campaign on `channels`: the post, one target per channel, the member entry."""
    bind_models()
    post_id = new_id()
    now = iso(utcnow())
    post = PostItem(f"POST#{post_id}", "POST", id=post_id, brand_id=campaign.brand_id, author_id="tests",
                    title=title, body="", channel_ids=[c.id for c in channels], content_type="text",
                    campaign_id=campaign.id, publish_at=publish_at, status="published" if published else "scheduled",
                    version=1, content_hash="0" * 64, created_at=now, updated_at=now,
                    gsi1pk=f"BRAND#{campaign.brand_id}#POSTS", gsi1sk=f"{publish_at}#{post_id}", **fields)
    post.save()
    for channel in channels:
        TargetItem(f"POST#{post_id}", f"TARGET#{channel.id}", id=f"{post_id}{channel.id}", post_id=post_id,
                   brand_id=campaign.brand_id, channel_id=channel.id, platform=channel.platform,
                   state="published" if published else "scheduled", version=1, publish_at=publish_at,
                   published_at=publish_at if published else None,
                   url=f"https://example.org/{channel.platform}/{post_id}" if published else None,
                   created_at=now, updated_at=now).save()
    if member:
        add_member(campaign, "post", post_id)
    return post


def add_campaign_deal(crew, campaign, *, followers: int = 20_000, platform: str = "telegram",
                      deliverables: tuple[dict, ...] = ({},), **deal_fields):
    """A deal of the campaign (add_deal's defaults: fee 150 000 ₽, agency 10 %, product 4 990 ₽) with one
    account of `followers` and a deliverable per dict (add_deliverable's overrides). → (deal, [deliverables])."""
    influencer = add_influencer(crew["brand"].id)
    account = add_account(influencer, platform=platform, followers=followers)
    deal = add_deal(crew, influencer, campaign_id=campaign.id, status=deal_fields.pop("status", "in_progress"),
                    **deal_fields)
    items = [add_deliverable(deal, account, **overrides) for overrides in deliverables]
    add_member(campaign, "deal", deal.id)
    return deal_repo.get(deal.id, consistent=True), items


def add_adjustment(deal: DealItem, amount_minor: int, deliverable_id: str | None = None) -> AdjustmentRecord:
    bind_models()
    adjustment_id = new_id()
    item = AdjustmentRecord(f"DEAL#{deal.id}", f"ADJUSTMENT#{adjustment_id}", id=adjustment_id, deal_id=deal.id,
                            brand_id=deal.brand_id, deliverable_id=deliverable_id, rule="late", inputs={},
                            currency=deal.currency, amount_minor=amount_minor, created_at=iso(utcnow()))
    item.save()
    return item


def add_cost_line(campaign, amount_minor: int, spent_on: str, label: str = "Продвижение", kind: str = "boost"):
    bind_models()
    line_id = new_id()
    item = CostLineItem(campaign_pk(campaign.id), f"COST#{line_id}", id=line_id, campaign_id=campaign.id, kind=kind,
                        label=label, spent_on=spent_on, amount_minor=amount_minor, created_at=iso(utcnow()),
                        created_by="tests")
    item.save()
    return item


def add_link(campaign, *, post_id: str | None = None, deal_id: str | None = None,
             deliverable_id: str | None = None, label: str = "Ссылка") -> LinkItem:
    bind_models()
    code = unique("c")[:12]
    now = iso(utcnow())
    item = LinkItem(f"LINK#{code}", "LINK", code=code, campaign_id=campaign.id, brand_id=campaign.brand_id,
                    label=label, target_url="https://shop.example/winter", tagged_url="https://shop.example/winter?x=1",
                    post_id=post_id, deal_id=deal_id, deliverable_id=deliverable_id, created_at=now, created_by="tests",
                    gsi1pk=f"CAMPAIGN#{campaign.id}#LINKS", gsi1sk=f"{now}#{code}")
    item.save()
    return item


def add_clicks(link: LinkItem, day: str, clicks: int) -> ClickDayItem:
    bind_models()
    item = ClickDayItem(f"LINK#{link.code}", f"DAY#{day}", code=link.code, campaign_id=link.campaign_id, day=day,
                        clicks=clicks, gsi1pk=f"CAMPAIGN#{link.campaign_id}#CLICKS", gsi1sk=f"{day}#{link.code}")
    item.save()
    return item


def add_conversion(campaign, order_id: str, occurred_at: str, amount_minor: int, currency: str = "RUB", *,
                   deal_id: str | None = None, deliverable_id: str | None = None, post_id: str | None = None,
                   attributed_by: str | None = None) -> ConversionItem:
    bind_models()
    by = attributed_by or ("link" if (deal_id or deliverable_id or post_id) else "none")
    item = ConversionItem(campaign_pk(campaign.id), f"CONVERSION#{order_id}", campaign_id=campaign.id,
                          order_id=order_id, occurred_at=occurred_at, amount_minor=amount_minor, currency=currency,
                          attributed_by=by, deal_id=deal_id, deliverable_id=deliverable_id, post_id=post_id,
                          source="csv", received_at=iso(utcnow()))
    item.save()
    return item


def add_snapshot(subject: str, taken_at: str, values: dict, source: str = "manual") -> MetricSnapshotItem:
    from chalicelib.campaigns.metrics import repo as metrics_repo

    bind_models()
    item = MetricSnapshotItem(metrics_repo.snapshots_pk(subject), metrics_repo.snapshot_sk(taken_at, source, values),
                              subject=subject, taken_at=taken_at, source=source, values=dict(values),
                              entered_by="tests")
    item.save()
    return item


def seed_report(crew, **campaign_fields) -> dict:
    """The hand-computed campaign (December 2026, RUB, Moscow): one own post on Telegram and VK, a live deal
    with one Telegram deliverable (a 7 500 ₽ penalty), a cancelled deal, a boost, two links with clicks, three
    conversions (one in USD) and snapshots. Its expected numbers: tests/integration/campaigns/report."""
    brand_id = crew["brand"].id
    targets = {"clicks": 5000, "conversions": 100, "cpm_max": 3_000_000, "roi_min": "-0.5"}
    campaign = add_campaign(brand_id, targets=targets, **campaign_fields)
    tg, vk = add_channel(brand_id, "telegram", "Канал бренда"), add_channel(brand_id, "vk", "Сообщество VK")
    post = add_post(campaign, [tg, vk], title="Зимняя коллекция: анонс", publish_at="2026-12-03T09:00:00Z")
    deal, (item,) = add_campaign_deal(crew, campaign, deliverables=({
        "wall": "2026-12-05T13:00", "status": "fulfilled", "published_at": "2026-12-05T10:00:00Z",
        "url": "https://t.me/anna/42", "check_result": "warn"},), title="Анна: зимняя коллекция")
    cancelled, _ = add_campaign_deal(crew, campaign, deliverables=(), status="cancelled", fee_minor=10_000_000,
                                     title="Отменённая сделка")
    add_adjustment(deal, -750_000, item.id)
    add_cost_line(campaign, 2_000_000, "2026-12-10")
    deliverable_link = add_link(campaign, deal_id=deal.id, deliverable_id=item.id, label="Анна")
    post_link = add_link(campaign, post_id=post.id, label="Пост")
    add_clicks(deliverable_link, "2026-12-05", 300)
    add_clicks(deliverable_link, "2026-12-06", 200)
    add_clicks(post_link, "2026-12-03", 100)
    add_conversion(campaign, "A-1", "2026-12-06T12:00:00Z", 500_000, deal_id=deal.id, deliverable_id=item.id)
    add_conversion(campaign, "B-2", "2026-12-07T12:00:00Z", 300_000, post_id=post.id)
    add_conversion(campaign, "C-3", "2026-12-07T13:00:00Z", 5_000, "USD")
    tg_subject, vk_subject = f"target:{post.id}{tg.id}", f"target:{post.id}{vk.id}"
    add_snapshot(tg_subject, "2026-12-03T12:00:00Z", {"views": 4000})
    add_snapshot(tg_subject, "2026-12-08T12:00:00Z",
                 {"views": 10_000, "reach": 8000, "likes": 300, "comments": 50, "shares": 50})
    add_snapshot(vk_subject, "2026-12-06T12:00:00Z",
                 {"views": 5000, "impressions": 6000, "reach": 4000, "likes": 100})
    add_snapshot(f"deliverable:{item.id}", "2026-12-05T18:00:00Z", {"views": 12_000, "forwards": 100, "comments": 20},
                 source="csv")
    return {"campaign": campaign, "post": post, "deal": deal, "deliverable": item, "cancelled": cancelled,
            "channels": (tg, vk), "links": (deliverable_link, post_link)}
