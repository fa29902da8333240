"""What campaigns add to a deal's change (plugged into chalicelib/deals/campaign_hooks.py by app.py): a
deal joining a campaign must be of its brand, in its currency, and the campaign active (`check`, a
sentence for the 422); the campaign's member entries follow the deal's `campaign_id` in the deal's own
transaction (`in_transaction`, members.py); the deal form offers `choices` (the brand's active campaigns
and the deal's own, even archived); the deal page names the campaign with a link to where its numbers are
entered (`summary`)."""
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


def summary(brand_id: str, campaign_id: str, language: str = "en", deliverable_id: str | None = None
            ) -> tuple[str, str, str | None] | None:
    """(name — marked when archived —, the campaign's page, its metrics page's hand-entry form with the
    deliverable chosen, or None when archived: read-only), or None when the campaign is missing or another
    brand's."""
    from chalicelib.campaigns import repo
    from chalicelib.campaigns.metrics.pages import entry_path
    from chalicelib.campaigns.metrics.read import DELIVERABLE
    from chalicelib.campaigns.pages import campaign_path
    from chalicelib.core import i18n

    campaign = repo.get(campaign_id)
    if campaign is None or campaign.brand_id != brand_id:
        return None
    if campaign.status != repo.ACTIVE:
        return i18n.translate("campaigns.choice.archived", language, name=campaign.name), \
            campaign_path(campaign.id), None
    subject = f"{DELIVERABLE}{deliverable_id}" if deliverable_id else None
    return campaign.name, campaign_path(campaign.id), entry_path(campaign.id, subject)
