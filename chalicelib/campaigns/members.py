"""A campaign's members: the posts and deals whose own `campaign_id` names it.

The post's and the deal's `campaign_id` are the truth; the member items (pk CAMPAIGN#<id>, sk
MEMBER#<post|deal>#<id>) are the campaign's index of them, written in the same transaction as the post or
deal change that attaches or moves them (hooks.py for posts, deal_hooks.py for deals):

  attach_problem   may this post or deal join the campaign? (it exists, is of the brand, is active, and a
                   deal is in its currency) — a sentence for the 422, or None
  moves            the operations: the old campaign's member entry deleted, the new one's put, with a
                   condition check that the new campaign is still active (archived meanwhile: the change
                   fails and is decided again)
  choices          the campaigns a post or deal form offers: the brand's active ones (latest start first)
                   and the one it has now, even archived — [(id, name)]
  listing          the members for people: one page of member items, the posts and deals read by BatchGet —
                   only the kinds the person sees (campaigns/service.sees: posts not for finance, deals not
                   for copywriters and designers)
"""
from __future__ import annotations

from chalicelib.campaigns import repo
from chalicelib.campaigns.models import CampaignItem
from chalicelib.campaigns.service import require, sees
from chalicelib.core.db.pages import Page
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission

POST, DEAL = "post", "deal"


def attach_problem(brand_id: str, campaign_id: str, currency: str | None = None) -> str | None:
    campaign = repo.get(campaign_id, consistent=True)
    if campaign is None or campaign.brand_id != brand_id:
        return f"There is no campaign {campaign_id} in this brand."
    if campaign.status != repo.ACTIVE:
        return f"The campaign “{campaign.name}” is archived: it takes no new posts or deals."
    if currency is not None and currency != campaign.currency:
        return (f"The deal is in {currency} but the campaign “{campaign.name}” is in {campaign.currency}: "
                f"a deal's currency must be its campaign's.")
    return None


def choices(brand_id: str, keep: str | None = None, language: str = "en") -> list[tuple[str, str]]:
    """[(campaign id, name)] a form offers: the brand's active campaigns, latest start first, and `keep` (the
    post's or deal's campaign now) even when archived, marked so (at most repo.MAX_LISTED campaigns read)."""
    from chalicelib.core import i18n

    found = repo.of_brand(brand_id)
    options = [(c.id, c.name) for c in found if c.status == repo.ACTIVE]
    if keep and keep not in {cid for cid, _ in options}:
        kept = next((c for c in found if c.id == keep), None) or repo.get(keep)
        if kept is not None and kept.brand_id == brand_id:
            name = kept.name if kept.status == repo.ACTIVE else \
                i18n.translate("campaigns.choice.archived", language, name=kept.name)
            options.insert(0, (kept.id, name))
    return options


def moves(kind: str, subject_id: str, old_campaign_id: str | None, new_campaign_id: str | None,
          brand_id: str | None = None) -> list:
    """Operations moving the member entry of a post or deal from one campaign (or none) to another (or none)."""
    if old_campaign_id == new_campaign_id:
        return []
    ops = []
    if old_campaign_id:
        ops.append(repo.delete_member(old_campaign_id, kind, subject_id))
    if new_campaign_id:
        ops += [repo.still_active(new_campaign_id, brand_id), repo.put_member(new_campaign_id, kind, subject_id)]
    return ops


def _subjects(items) -> dict[tuple[str, str], object]:
    """{(kind, id): the post or deal} for member items, by BatchGetItem (missing ones left out)."""
    from chalicelib.content.models import PostItem
    from chalicelib.content.repo import post_key
    from chalicelib.core.db.connection import bind_models
    from chalicelib.deals import repo as deal_repo

    post_ids = [m.subject_id for m in items if m.kind == POST]
    deal_ids = [m.subject_id for m in items if m.kind == DEAL]
    found: dict = {}
    if post_ids:
        bind_models()
        for post in PostItem.batch_get([post_key(i) for i in dict.fromkeys(post_ids)]):
            found[(POST, post.id)] = post
    for deal in deal_repo.deals_by_id(deal_ids):
        found[(DEAL, deal.id)] = deal
    return found


def listing(principal: Principal, campaign_id: str, cursor: str | None = None,
            limit: int | None = None) -> tuple[CampaignItem, Page[tuple]]:
    """The campaign and one page of its members as (member item, post or deal) — only those whose own
    `campaign_id` still names it, and only the kinds the person may see (none: an empty page)."""
    campaign = require(principal, campaign_id, Permission.view_campaigns)
    seen = sees(principal, campaign.brand_id)
    kinds = [kind for kind in (DEAL, POST) if seen.kind(kind)]
    if not kinds:
        return campaign, Page(items=[], cursor=None)
    page = repo.members_page(campaign.id, cursor, limit, kinds[0] if len(kinds) == 1 else None)
    subjects = _subjects(page.items)
    rows = []
    for member in page.items:
        subject = subjects.get((member.kind, member.subject_id))
        if subject is not None and subject.campaign_id == campaign.id:
            rows.append((member, subject))
    return campaign, Page(items=rows, cursor=page.cursor)
