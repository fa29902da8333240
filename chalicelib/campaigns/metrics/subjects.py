"""What a campaign's metrics are about: every publication target of its posts and every deliverable of its
deals. Public: the report and the metrics page both list them.

    subjects_of(campaign_id, *, posts=True, deals=True) -> [Subject]
                                                 no permission check (the caller has read the campaign and
                                                 says which kinds the person sees: campaigns/service.sees)
    subject_of(campaign_id, key) -> Subject | None   one subject, if it belongs to the campaign

A subject's key is "target:<post id><channel id>" (a post's publication on one channel: publishing's target
id, derived from the post's channel_ids so a post not yet scheduled has its subjects too) or
"deliverable:<id>". Reads: the campaign's MemberItems (Query), then BatchGet of the posts, their channels,
the deals and their deliverables. A member whose post or deal no longer names the campaign is left out
(the post's and the deal's campaign_id are the source of truth).
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.campaigns.metrics import repo
from chalicelib.campaigns.metrics.read import DELIVERABLE, TARGET


@dataclass(frozen=True)
class Subject:
    key: str  # "target:<post id><channel id>" | "deliverable:<id>"
    kind: str  # target | deliverable
    label: str  # post title · channel name | blogger handle · format
    platform: str | None
    post_id: str | None = None
    channel_id: str | None = None
    deliverable_id: str | None = None
    deal_id: str | None = None


def _post_subjects(campaign_id: str, post_ids: list[str]) -> list[Subject]:
    from chalicelib.brands.channels.models import ChannelItem
    from chalicelib.brands.channels.repo import channel_key
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key
    from chalicelib.publishing.repo import target_id

    posts = [p for p in repo.batch(PostItem, [post_key(i) for i in post_ids]) if p.campaign_id == campaign_id]
    order = {post_id: n for n, post_id in enumerate(post_ids)}
    posts.sort(key=lambda p: order.get(p.id, 0))
    channels = {c.id: c for c in repo.batch(ChannelItem, [channel_key(c) for p in posts for c in p.channel_ids or []])}
    found = []
    for post in posts:
        for channel_id in post.channel_ids or []:
            channel = channels.get(channel_id)
            title = post.title or post.id
            found.append(Subject(key=f"{TARGET}{target_id(post.id, channel_id)}", kind="target",
                                 label=f"{title} · {channel.name}" if channel else title,
                                 platform=channel.platform if channel else None, post_id=post.id,
                                 channel_id=channel_id))
    return found


def _deal_subjects(campaign_id: str, deal_ids: list[str]) -> list[Subject]:
    from chalicelib.deals import repo as deals_repo
    from chalicelib.deals.models import DeliverableItem

    deals = [d for d in deals_repo.deals_by_id(deal_ids) if d.campaign_id == campaign_id]
    wanted = [i for d in deals for i in d.deliverable_ids or []]
    items = {i.id: i for i in repo.batch(DeliverableItem, [deals_repo.deliverable_key(i) for i in wanted])}
    return [Subject(key=f"{DELIVERABLE}{item.id}", kind="deliverable", label=f"{item.handle} · {item.format}",
                    platform=item.platform, deliverable_id=item.id, deal_id=item.deal_id)
            for item in (items.get(i) for i in wanted) if item is not None]


def subjects_of(campaign_id: str, *, posts: bool = True, deals: bool = True) -> list[Subject]:
    """The campaign's publication targets (its posts', in the order they joined; `posts` False: none) and its
    deals' deliverables (`deals` False: none) — campaigns/service.sees says which a person may see."""
    post_ids, deal_ids = repo.member_ids(campaign_id)
    return (_post_subjects(campaign_id, post_ids) if posts and post_ids else []) + \
        (_deal_subjects(campaign_id, deal_ids) if deals and deal_ids else [])


def subject_of(campaign_id: str, key: str) -> Subject | None:
    """One subject of the campaign by its key, or None when it is not one (unknown, malformed, or another
    campaign's). A target counts when its post names the campaign and the channel is the post's, or a
    publication target of that post and channel exists."""
    from chalicelib.content import repo as content_repo
    from chalicelib.deals import repo as deals_repo
    from chalicelib.publishing import repo as publishing_repo

    if key.startswith(TARGET):
        ids = publishing_repo.key_of(key[len(TARGET):])
        post = content_repo.get(ids[0].removeprefix("POST#"), consistent=True) if ids else None
        if post is None or post.campaign_id != campaign_id:
            return None
        channel_id = ids[1].removeprefix("TARGET#")
        if channel_id not in (post.channel_ids or []) and publishing_repo.get(key[len(TARGET):]) is None:
            return None
        return next((s for s in _post_subjects(campaign_id, [post.id]) if s.key == key),
                    Subject(key=key, kind="target", label=post.title or post.id, platform=None, post_id=post.id,
                            channel_id=channel_id))
    if key.startswith(DELIVERABLE):
        item = deals_repo.get_deliverable(key[len(DELIVERABLE):], consistent=True) if key != DELIVERABLE else None
        deal = deals_repo.get(item.deal_id, consistent=True) if item is not None else None
        if deal is None or deal.campaign_id != campaign_id:
            return None
        return Subject(key=key, kind="deliverable", label=f"{item.handle} · {item.format}", platform=item.platform,
                       deliverable_id=item.id, deal_id=deal.id)
    return None
