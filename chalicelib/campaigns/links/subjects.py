"""What a tracked link or a promo code belongs to: at most one of a post, a deal or a deliverable, and it must
be the campaign's — the post's or the deal's `campaign_id` names it (a deliverable through its deal); else a
422 naming the field. Answers tagging.Subject with what the tags need: a post's network (its first
channel's platform), a deal's or deliverable's blogger handle, a deliverable's erid and its deal's disclosure.
"""
from __future__ import annotations

from chalicelib.campaigns.links.problems import problem
from chalicelib.campaigns.models import CampaignItem
from chalicelib.campaigns.rules.tagging import Subject

FIELDS = ("post_id", "deal_id", "deliverable_id")


def resolve(language: str | None, campaign: CampaignItem, *, post_id: str | None = None, deal_id: str | None = None,
            deliverable_id: str | None = None) -> Subject:
    given = {name: value for name, value in zip(FIELDS, (post_id, deal_id, deliverable_id)) if value}
    if len(given) > 1:
        raise problem(language, list(given)[-1], "campaign_links.error.one_subject")
    if post_id:
        return _post(language, campaign, post_id)
    if deal_id:
        return _deal(language, campaign, deal_id)
    if deliverable_id:
        return _deliverable(language, campaign, deliverable_id)
    return Subject()


def _post(language, campaign: CampaignItem, post_id: str) -> Subject:
    from chalicelib.brands.channels import repo as channel_repo
    from chalicelib.content import repo as post_repo

    post = post_repo.get(post_id, consistent=True)
    if post is None or post.brand_id != campaign.brand_id or post.campaign_id != campaign.id:
        raise problem(language, "post_id", "campaign_links.error.post_not_in_campaign")
    network = None
    for channel_id in post.channel_ids or []:
        channel = channel_repo.get(channel_id)
        if channel is not None:
            network = channel.platform
            break
    return Subject(kind="post", id=post.id, network=network)


def _deal(language, campaign: CampaignItem, deal_id: str) -> Subject:
    from chalicelib.deals import repo as deal_repo

    deal = deal_repo.get(deal_id, consistent=True)
    if deal is None or deal.brand_id != campaign.brand_id or deal.campaign_id != campaign.id:
        raise problem(language, "deal_id", "campaign_links.error.deal_not_in_campaign")
    return Subject(kind="deal", id=deal.id, handle=_blogger_handle(deal))


def _blogger_handle(deal) -> str | None:
    """The deal's blogger: the handle of its first deliverable, else of the influencer's first account."""
    from chalicelib.deals import repo as deal_repo
    from chalicelib.influencers import repo as influencer_repo

    for item in deal_repo.deliverables_of(deal):
        if item.handle:
            return item.handle
    influencer = influencer_repo.get(deal.influencer_id)
    for account in influencer_repo.accounts_of(influencer) if influencer is not None else []:
        if account.handle:
            return account.handle
    return None


def _deliverable(language, campaign: CampaignItem, deliverable_id: str) -> Subject:
    from chalicelib.deals import repo as deal_repo

    item = deal_repo.get_deliverable(deliverable_id, consistent=True)
    deal = deal_repo.get(item.deal_id, consistent=True) if item is not None else None
    if deal is None or deal.brand_id != campaign.brand_id or deal.campaign_id != campaign.id:
        raise problem(language, "deliverable_id", "campaign_links.error.deliverable_not_in_campaign")
    return Subject(kind="deliverable", id=item.id, handle=item.handle, erid=item.erid, disclosure=deal.disclosure,
                   deal_id=deal.id)
