"""A campaign's manual cost lines (a boost, production, anything else) on their dates: add, list, delete.
Deal fees, agency fees and product values are not lines here: the report reads them from the campaign's
deals. A line is in the campaign's currency, more than zero and at most MAX_LINE_MINOR; a campaign holds
at most MAX_LINES of them.

Adding or deleting a line is one conditional transaction with its audit entry (on the campaign:
`cost_add`, `cost_delete`) that also ADDs the line to the campaign's running total and count
(`costs_minor`, `cost_lines`) on the condition that the campaign is still active and the total stays
within core.money.MAX_MINOR (and the count within MAX_LINES): a line never lands on a campaign archived a
moment before, and the total shown is that counter, never a sum too large to hold. When the condition
fails, the campaign is read again to say why (archived: 409; too much: 422 on the amount; else 409)."""
from __future__ import annotations

from chalicelib.campaigns import repo
from chalicelib.campaigns.models import CampaignItem, CostLineItem, campaign_pk
from chalicelib.campaigns.out import Amount
from chalicelib.campaigns.service import ARCHIVED, managed, problem, require
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import Change
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.core.money import MAX_MINOR
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission

CHANGED = "The campaign's cost lines changed at the same time; load them again."
NO_LINE = "No such cost line in this campaign."
MAX_LINES = 1000  # cost lines of one campaign
MAX_LINE_MINOR = 10**11  # one line: a billion roubles (or dollars …) at most
TOO_MANY = (f"A campaign holds at most {MAX_LINES:,} cost lines; delete some (or put several costs in one "
            "line) before adding another.")


def amount(item: CostLineItem, currency: str) -> Amount:
    return Amount(int(item.amount_minor), currency)


def total(campaign: CampaignItem, items: list[CostLineItem] | None = None) -> Amount:
    """The campaign's cost lines together: its running total (`costs_minor`); a campaign without one (made
    before it was kept) adds up `items`."""
    if campaign.costs_minor is not None:
        return Amount(int(campaign.costs_minor), campaign.currency)
    return Amount(sum(int(i.amount_minor) for i in items or ()), campaign.currency)


def _audited(item: CostLineItem, currency: str) -> dict:
    return {"cost_id": item.id, "kind": item.kind, "label": item.label, "spent_on": item.spent_on,
            "amount": {"amount": str(amount(item, currency).amount), "currency": currency}}


def lines(principal: Principal, campaign_id: str) -> tuple[CampaignItem, list[CostLineItem]]:
    """The campaign and all its cost lines, by date (then as added)."""
    campaign = require(principal, campaign_id, Permission.view_campaigns)
    items = repo.costs_of(campaign.id)
    return campaign, sorted(items, key=lambda i: (i.spent_on, i.created_at, i.id))


def _no_room(campaign: CampaignItem, minor: int) -> ValidationFailed | None:
    """The 422 when one more line of `minor` would pass the count or the total a campaign holds."""
    if int(campaign.cost_lines or 0) + 1 > MAX_LINES:
        return problem("amount.amount", TOO_MANY)
    if int(campaign.costs_minor or 0) + minor > MAX_MINOR:
        limit = Amount(MAX_MINOR, campaign.currency).amount
        return problem("amount.amount", f"The campaign's cost lines would add up to more than {limit:,} "
                                         f"{campaign.currency}, more than can be counted; check the amount.")
    return None


def _commit(principal: Principal, campaign: CampaignItem, change: Change, ops: list, *, minor: int = 0,
            cost_id: str | None = None) -> None:
    """The transaction; when its condition fails, why, from the campaign (and the line) as they are now."""
    try:
        repo.commit(principal.actor, change, ops, CHANGED)
    except Conflict:
        fresh = repo.get(campaign.id, consistent=True)
        if fresh is None:
            raise NotFound("No such campaign.") from None
        if fresh.status == repo.ARCHIVED:
            raise Conflict(ARCHIVED) from None
        if cost_id is not None and repo.get_cost(campaign.id, cost_id, consistent=True) is None:
            raise NotFound(NO_LINE) from None
        refusal = _no_room(fresh, minor) if minor > 0 else None
        raise (refusal or Conflict(CHANGED)) from None


def add(principal: Principal, campaign_id: str, data) -> tuple[CampaignItem, CostLineItem]:
    campaign = managed(principal, campaign_id)
    money = data.amount.money()
    if money.currency != campaign.currency:
        raise problem("amount.currency", f"A cost line is in the campaign's currency, {campaign.currency}.")
    if money.minor <= 0:
        raise problem("amount.amount", "A cost line's amount must be more than zero.")
    if money.minor > MAX_LINE_MINOR:
        limit = Amount(MAX_LINE_MINOR, campaign.currency).amount
        raise problem("amount.amount", f"A cost line is at most {limit:,} {campaign.currency}; "
                                        "split a larger cost into several lines.")
    refusal = _no_room(campaign, money.minor)
    if refusal is not None:
        raise refusal
    cost_id = new_id()
    item = CostLineItem(campaign_pk(campaign.id), repo.cost_sk(cost_id), id=cost_id, campaign_id=campaign.id,
                        kind=data.kind.value, label=data.label, spent_on=data.spent_on.isoformat(),
                        amount_minor=money.minor, created_at=iso(utcnow()), created_by=principal.user_id)
    ops = [repo.count_cost(campaign.id, money.minor, 1, max_total=MAX_MINOR, max_lines=MAX_LINES),
           repo.put_new(item)]
    _commit(principal, campaign, Change(campaign.brand_id, "campaign", campaign.id, "cost_add",
                                        after=_audited(item, campaign.currency)), ops, minor=money.minor)
    return campaign, item


def delete(principal: Principal, campaign_id: str, cost_id: str) -> None:
    campaign = managed(principal, campaign_id)
    item = repo.get_cost(campaign.id, cost_id, consistent=True)
    if item is None:
        raise NotFound(NO_LINE)
    ops = [repo.count_cost(campaign.id, -int(item.amount_minor), -1), repo.delete_cost(campaign.id, cost_id)]
    _commit(principal, campaign, Change(campaign.brand_id, "campaign", campaign.id, "cost_delete",
                                        before=_audited(item, campaign.currency)), ops, cost_id=cost_id)
