"""What campaigns add to a deal's change (plugged into chalicelib/deals/campaign_hooks.py by app.py): a
deal joining a campaign must be of its brand, in its currency, and the campaign active (`check`, a
sentence for the 422); the campaign's member entries follow the deal's `campaign_id` in the deal's own
transaction (`in_transaction`, members.py); the deal form offers `choices` (the brand's active campaigns
and the deal's own, even archived)."""
from __future__ import annotations


def check(brand_id: str, campaign_id: str, currency: str) -> str | None:
    from chalicelib.campaigns import members

    return members.attach_problem(brand_id, campaign_id, currency)


def in_transaction(deal_id: str, old_campaign_id: str | None, new_campaign_id: str | None) -> list:
    from chalicelib.campaigns import members

    return members.moves(members.DEAL, deal_id, old_campaign_id, new_campaign_id)


def choices(brand_id: str, keep: str | None = None, language: str = "en") -> list[tuple[str, str]]:
    from chalicelib.campaigns import members

    return members.choices(brand_id, keep, language)
