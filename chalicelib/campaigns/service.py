"""Campaigns for people: create, change (optimistic lock on `version`: 409 when stale), archive and
unarchive, list a brand's; and `require`, the one way every part of campaigns reads a campaign for a
person (404 when it is missing or not of a brand the person belongs to, 403 without the permission).

Who may (identity/rules.py): `view_campaigns` (the team and finance) reads, `manage_campaigns` (SMM,
content and influencer managers) changes. Every change is one conditional transaction with its audit
entry (entity `campaign`). The currency is fixed at creation: the budget, targets, cost lines and the
deals attached are all in it. An archived campaign is read-only (unarchive it to change it) and takes
no new posts or deals; those it has stay. Cost lines: costs.py; members: members.py.

`sees(principal, brand_id) -> Seen(posts, deals)` is the one visibility rule of campaign data: everyone who may
read campaigns sees the campaign, its totals and KPIs; the content plan (posts: titles, texts, their
publication targets) only who may see the brand's posts (`view_posts`: not finance), the deals (titles, fees,
terms, bloggers, deliverables) only who may see its deals (`view_deals`: not copywriters and designers). The
members list, links and promo codes, metrics, the report and the evidence export all ask it.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.brands.service import get as get_brand
from chalicelib.campaigns import repo
from chalicelib.campaigns.models import COUNT_TARGETS, MONEY_TARGETS, CampaignItem
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.pages import Page
from chalicelib.core.db.writes import Change
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import new_id, new_secret
from chalicelib.core.money import Money
from chalicelib.core.plain import plain
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission

NOT_FOUND = "No such campaign."
STALE = "The campaign changed since you loaded it; load it again."
ARCHIVED = "The campaign is archived: unarchive it before changing it."
AUDITED = ("name", "goal", "starts_on", "ends_on", "currency", "budget_minor", "targets", "utm_source", "utm_medium",
           "utm_campaign", "status")


def problem(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[{"field": field, "message": message}])


# --- who may -------------------------------------------------------------------------------------------

def require(principal: Principal, campaign_id: str, permission: Permission = Permission.view_campaigns, *,
            consistent: bool = False) -> CampaignItem:
    """The campaign, if the person may do `permission` on it: 404 when it is missing or of a brand they do
    not belong to (ids do not leak), 403 when their role does not allow it."""
    campaign = repo.get(campaign_id, consistent=consistent)
    if campaign is None:
        raise NotFound(NOT_FOUND)
    principal.require(campaign.brand_id, permission, what="campaign")
    return campaign


def managed(principal: Principal, campaign_id: str) -> CampaignItem:
    """The campaign read consistently for a change by someone who may manage it; 409 when archived."""
    campaign = require(principal, campaign_id, Permission.manage_campaigns, consistent=True)
    if campaign.status == repo.ARCHIVED:
        raise Conflict(ARCHIVED)
    return campaign


def can_manage(principal: Principal, brand_id: str) -> bool:
    return principal.can(brand_id, Permission.manage_campaigns)


@dataclass(frozen=True)
class Seen:
    """What of a campaign's posts and deals a person may see (see the module's docstring)."""

    posts: bool  # posts and their publication targets: titles, texts, channels
    deals: bool  # deals and their deliverables: titles, fees, terms, bloggers

    def kind(self, kind: str | None) -> bool:
        """Whether a subject of this kind may be shown: post / target → posts; deal / deliverable → deals; no
        kind (the campaign as a whole) → yes."""
        if kind in ("post", "target"):
            return self.posts
        if kind in ("deal", "deliverable"):
            return self.deals
        return True

    @property
    def everything(self) -> bool:
        return self.posts and self.deals


def sees(principal: Principal, brand_id: str) -> Seen:
    """The one visibility rule of campaign data for a person who may read the brand's campaigns."""
    return Seen(posts=principal.can(brand_id, Permission.view_posts),
                deals=principal.can(brand_id, Permission.view_deals))


def require_everything(principal: Principal, brand_id: str) -> Seen:
    """403 unless the person may see both the posts and the deals (what shows them together: the evidence)."""
    seen = sees(principal, brand_id)
    if not seen.everything:
        raise Forbidden("Your role in this brand does not allow this.")
    return seen


# --- values as stored ------------------------------------------------------------------------------------

def minor_in(money_in, currency: str, field: str, what: str) -> int:
    """A MoneyIn in the campaign's currency as minor units (≥ 0); else a 422 naming the field."""
    money: Money = money_in.money()
    if money.currency != currency:
        raise problem(f"{field}.currency", f"The {what} is in the campaign's currency, {currency}.")
    if money.minor < 0:
        raise problem(f"{field}.amount", f"The {what} cannot be negative.")
    return money.minor


def stored_targets(targets, currency: str) -> dict:
    """The targets as the item keeps them: counts and money (minor units) as numbers, roi_min as text."""
    out: dict = {}
    for name in COUNT_TARGETS:
        value = getattr(targets, name)
        if value is not None:
            out[name] = int(value)
    for name in MONEY_TARGETS:
        value = getattr(targets, name)
        if value is not None:
            out[name] = minor_in(value, currency, f"targets.{name}", f"{name} target")
    if targets.roi_min is not None:
        out["roi_min"] = format(targets.roi_min + 0, "f")  # plain digits ("1E+2" → "100", "-0" → "0")
    return out


def audited(values: dict) -> dict:
    """What the audit trail keeps of campaign fields (never the webhook secret)."""
    return {k: plain(v) for k, v in values.items() if k in AUDITED}


# --- listing ---------------------------------------------------------------------------------------------

def directory(principal: Principal, brand_id: str, query) -> Page[CampaignItem]:
    """One page of the brand's campaigns, latest start first (optionally only active or archived ones)."""
    principal.require(brand_id, Permission.view_campaigns)
    status = query.status.value if getattr(query, "status", None) else None
    condition = CampaignItem.status == status if status else None
    return repo.brand_page(brand_id, query.cursor, query.limit, condition, scope=status or "")


# --- create and change -----------------------------------------------------------------------------------

def create(principal: Principal, brand_id: str, data) -> CampaignItem:
    principal.require(brand_id, Permission.manage_campaigns)
    get_brand(principal, brand_id)
    currency = data.currency
    budget = minor_in(data.budget, currency, "budget", "budget") if data.budget is not None else None
    targets = stored_targets(data.targets, currency)
    campaign_id, now = new_id(), iso(utcnow())
    starts_on = data.starts_on.isoformat()
    item = CampaignItem(*repo.campaign_key(campaign_id), gsi1pk=repo.brand_pk(brand_id),
                        gsi1sk=repo.list_sk(starts_on, campaign_id), id=campaign_id, brand_id=brand_id,
                        name=data.name, goal=data.goal.value, starts_on=starts_on, ends_on=data.ends_on.isoformat(),
                        currency=currency, budget_minor=budget, targets=targets, utm_source=data.utm_source,
                        utm_medium=data.utm_medium, utm_campaign=data.utm_campaign, webhook_secret=new_secret(),
                        status=repo.ACTIVE, created_at=now, created_by=principal.user_id, updated_at=now)
    after = audited({k: getattr(item, k) for k in AUDITED})
    repo.commit(principal.actor, Change(brand_id, "campaign", campaign_id, "create", after=after, version=1),
                [repo.put_new(item)], "The campaign could not be created; try again.")
    return repo.get(campaign_id, consistent=True)


def _wanted(campaign: CampaignItem, data) -> dict:
    """The stored values a PATCH asks for (checked against the campaign as it is)."""
    fields = data.model_fields_set - {"version"}
    wanted: dict = {}
    for name in ("name", "utm_source", "utm_medium", "utm_campaign"):
        if name in fields:
            wanted[name] = getattr(data, name)
    if "goal" in fields:
        wanted["goal"] = data.goal.value
    for name in ("starts_on", "ends_on"):
        if name in fields:
            wanted[name] = getattr(data, name).isoformat()
    if wanted.get("ends_on", campaign.ends_on) < wanted.get("starts_on", campaign.starts_on):
        field = "ends_on" if "ends_on" in wanted else "starts_on"
        raise problem(field, "The campaign cannot end before it starts.")
    if "currency" in fields and data.currency != campaign.currency:
        raise problem("currency", f"A campaign's currency cannot change (it is {campaign.currency}): its budget, "
                                  "targets, costs and deals are in it. Make a new campaign instead.")
    if "budget" in fields:
        wanted["budget_minor"] = minor_in(data.budget, campaign.currency, "budget", "budget") \
            if data.budget is not None else None
    if "targets" in fields:
        wanted["targets"] = stored_targets(data.targets, campaign.currency)
    return wanted


def _stale(campaign: CampaignItem, expected: int | None) -> None:
    if expected is not None and expected != campaign.version:
        raise Conflict(STALE, current_version=campaign.version)


def update(principal: Principal, campaign_id: str, data, if_match: int | None = None) -> CampaignItem:
    campaign = require(principal, campaign_id, Permission.manage_campaigns, consistent=True)
    _stale(campaign, data.version if data.version is not None else if_match)
    if campaign.status == repo.ARCHIVED:
        raise Conflict(ARCHIVED)
    wanted = _wanted(campaign, data)
    changed = {k: v for k, v in wanted.items() if plain(getattr(campaign, k)) != v}
    if not changed:
        return campaign
    before = audited({k: getattr(campaign, k) for k in changed})
    if "starts_on" in changed:
        changed["gsi1sk"] = repo.list_sk(changed["starts_on"], campaign.id)
    try:
        repo.commit(principal.actor, Change(campaign.brand_id, "campaign", campaign.id, "update", before,
                                            audited(changed), campaign.version + 1),
                    [repo.update(campaign, changed)], STALE)
    except Conflict:
        raise _refused(campaign.id) from None
    return repo.get(campaign.id, consistent=True)


def _refused(campaign_id: str) -> Conflict | NotFound:
    """Why a change written on the version read failed, from the campaign as it is now: archived meanwhile
    (the archived sentence) or changed (stale, with the current version)."""
    fresh = repo.get(campaign_id, consistent=True)
    if fresh is None:
        return NotFound(NOT_FOUND)
    if fresh.status == repo.ARCHIVED:
        return Conflict(ARCHIVED, current_version=fresh.version)
    return Conflict(STALE, current_version=fresh.version)


def _set_status(principal: Principal, campaign_id: str, status: str, if_match: int | None) -> CampaignItem:
    campaign = require(principal, campaign_id, Permission.manage_campaigns, consistent=True)
    _stale(campaign, if_match)
    if campaign.status == status:
        return campaign
    action = "archive" if status == repo.ARCHIVED else "unarchive"
    try:
        repo.commit(principal.actor, Change(campaign.brand_id, "campaign", campaign.id, action,
                                            {"status": campaign.status}, {"status": status}, campaign.version + 1),
                    [repo.update(campaign, {"status": status})], STALE)
    except Conflict:
        fresh = repo.get(campaign.id, consistent=True)
        if fresh is None:
            raise NotFound(NOT_FOUND) from None
        if fresh.status == status:  # someone did the same at the same time
            return fresh
        raise Conflict(STALE, current_version=fresh.version) from None
    return repo.get(campaign.id, consistent=True)


def archive(principal: Principal, campaign_id: str, if_match: int | None = None) -> CampaignItem:
    """Archived: read-only, out of the choices for new posts and deals (those attached stay)."""
    return _set_status(principal, campaign_id, repo.ARCHIVED, if_match)


def unarchive(principal: Principal, campaign_id: str, if_match: int | None = None) -> CampaignItem:
    return _set_status(principal, campaign_id, repo.ACTIVE, if_match)
