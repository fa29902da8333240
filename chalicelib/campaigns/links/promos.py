"""Promo codes of a campaign for people: register one (for a deal, a deliverable, a post, or the campaign
alone), remove one, list them — with the promo codes the campaign's deals already carry in their terms
(`terms.promo_code`) but nobody has registered yet, offered to register. A conversion carrying a code is
attributed to what the code was given for (conversions/).

A code is trimmed and, when it is plain ASCII, upper-cased, and must then be 3–32 of A–Z, 0–9, "_" and "-"
(anything else is checked as written: "straße" is refused, never turned into "STRASSE"). It is unique within the
brand: its PromoOwnerItem (`PROMOCODE#<brand>#<CODE>`) is put on the condition that none exists, in one
audited transaction with the code's own item and a check that the campaign is still active; of two
campaigns taking a code at once, one gets it and the other a 409 `promo_code_taken`. Removing deletes both,
the owner on the condition that it still names this campaign. Who may: view_campaigns reads (the deals'
codes to register only with view_deals), manage_campaigns changes (an active campaign).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from chalicelib.campaigns import service as campaigns
from chalicelib.campaigns.links import repo, subjects
from chalicelib.campaigns.links.problems import PromoCodeTaken, problem
from chalicelib.campaigns.models import CampaignItem, PromoCodeItem, PromoOwnerItem
from chalicelib.campaigns.repo import members_of, still_active
from chalicelib.core import i18n
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.put_unique import put_unique, release
from chalicelib.core.db.writes import Change, WriteConflict, transact
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.plain import plain
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission

CODE = re.compile(r"[A-Z0-9_-]{3,32}")


@dataclass(frozen=True)
class Suggestion:
    """A deal of the campaign whose terms carry a promo code no campaign of the brand has registered."""

    deal_id: str
    title: str
    code: str


def normal_code(code: str | None) -> str:
    """Trimmed; upper-cased only when ASCII (Unicode upper-casing makes "ß" "SS" and "ﬁ" "FI")."""
    code = (code or "").strip()
    return code.upper() if code.isascii() else code


def valid_code(code: str) -> bool:
    return bool(CODE.fullmatch(code))


def create(principal: Principal, campaign_id: str, *, code: str, deal_id: str | None = None,
           deliverable_id: str | None = None, post_id: str | None = None) -> PromoCodeItem:
    campaign = campaigns.managed(principal, campaign_id)
    language = principal.language
    code = normal_code(code)
    if not valid_code(code):
        raise problem(language, "code", "campaign_links.error.promo_invalid")
    subject = subjects.resolve(language, campaign, post_id=post_id, deal_id=deal_id, deliverable_id=deliverable_id)
    belongs: dict = {}
    if subject.kind == "post":
        belongs["post_id"] = subject.id
    elif subject.kind == "deal":
        belongs["deal_id"] = subject.id
    elif subject.kind == "deliverable":
        belongs.update(deliverable_id=subject.id, deal_id=subject.deal_id)
    item, owner = repo.new_promo(campaign.brand_id, campaign.id, code, created_at=iso(utcnow()),
                                 created_by=principal.user_id, **belongs)

    def build(tx):
        still_active(campaign.id, campaign.brand_id)(tx)
        put_unique(tx, item)
        put_unique(tx, owner)

    try:
        transact(principal.actor, Change(campaign.brand_id, "promo_code", f"{campaign.id}#{code}", "create", None,
                                         {"campaign_id": campaign.id, "code": code, **belongs}), build)
    except WriteConflict as conflict:
        if conflict.reasons and conflict.reasons[0] == "ConditionalCheckFailed":
            raise Conflict(i18n.translate("campaign_links.error.campaign_changed", language)) from None
        raise PromoCodeTaken(i18n.translate("campaign_links.error.promo_taken", language, code=code)) from None
    return repo.promo(campaign.id, code)


def remove(principal: Principal, campaign_id: str, code: str) -> None:
    campaign = campaigns.managed(principal, campaign_id)
    code = normal_code(code)
    item = repo.promo(campaign.id, code) if valid_code(code) else None
    if item is None:
        raise NotFound(i18n.translate("campaign_links.error.no_promo", principal.language))
    owner = PromoOwnerItem(*repo.owner_key(campaign.brand_id, code))

    def build(tx):
        tx.delete(item, condition=PromoCodeItem.pk.exists())
        release(tx, owner, PromoOwnerItem.campaign_id == campaign.id)

    try:
        transact(principal.actor, Change(campaign.brand_id, "promo_code", f"{campaign.id}#{code}", "delete",
                                         {"code": code, "deal_id": item.deal_id, "deliverable_id": item.deliverable_id,
                                          "post_id": item.post_id}, None), build)
    except WriteConflict:
        raise NotFound(i18n.translate("campaign_links.error.no_promo", principal.language)) from None


def promos(principal: Principal, campaign_id: str) -> tuple[CampaignItem, list[PromoCodeItem], list[Suggestion]]:
    """The campaign, its promo codes (in code order) and the deals' codes still to register — those only for who
    may see deals (campaigns/service.sees: the deals' terms and titles are not for copywriters and designers)."""
    campaign = campaigns.require(principal, campaign_id, Permission.view_campaigns)
    registered = repo.promos_of(campaign.id)
    if not campaigns.sees(principal, campaign.brand_id).deals:
        return campaign, registered, []
    return campaign, registered, suggestions(campaign, {p.code for p in registered})


def suggestions(campaign: CampaignItem, registered: set[str]) -> list[Suggestion]:
    """The campaign's deals (through its members) whose terms carry a valid promo code not registered here
    nor by another campaign of the brand."""
    from chalicelib.deals import repo as deal_repo

    deal_ids = [m.subject_id for m in members_of(campaign.id, "deal")]
    found: list[Suggestion] = []
    seen = set(registered)
    for deal in deal_repo.deals_by_id(deal_ids) if deal_ids else []:
        if deal.campaign_id != campaign.id:
            continue
        code = normal_code((plain(deal.terms) or {}).get("promo_code"))
        if not valid_code(code) or code in seen or repo.promo_owner(campaign.brand_id, code) is not None:
            continue
        seen.add(code)
        found.append(Suggestion(deal_id=deal.id, title=deal.title, code=code))
    return sorted(found, key=lambda s: s.code)
