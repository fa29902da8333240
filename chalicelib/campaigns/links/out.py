"""Links and promo codes on the wire (schemas.py)."""
from __future__ import annotations

from chalicelib.campaigns.links.schemas import LinkOut, PromoOut, PromoSuggestion
from chalicelib.campaigns.links.service import LinkView, short_url


def link_out(view: LinkView) -> LinkOut:
    link = view.link
    return LinkOut(code=link.code, short_url=short_url(link.code), tagged_url=link.tagged_url,
                   target_url=link.target_url, label=link.label, campaign_id=link.campaign_id, post_id=link.post_id,
                   deal_id=link.deal_id, deliverable_id=link.deliverable_id, created_at=link.created_at,
                   created_by=link.created_by, clicks=view.clicks, uniques=view.uniques)


def promo_out(item) -> PromoOut:
    return PromoOut(code=item.code, campaign_id=item.campaign_id, deal_id=item.deal_id,
                    deliverable_id=item.deliverable_id, post_id=item.post_id, created_at=item.created_at,
                    created_by=item.created_by)


def suggestion_out(suggestion) -> PromoSuggestion:
    return PromoSuggestion(deal_id=suggestion.deal_id, title=suggestion.title, code=suggestion.code)
