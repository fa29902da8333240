"""Campaigns for tests, written straight through the models (valid items with their index keys), so the
tests of links, metrics, conversions and reports need not go through the campaign service:
`add_campaign`, `add_member`."""
from __future__ import annotations

from chalicelib.campaigns.models import CampaignItem, MemberItem, campaign_pk
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.connection import bind_models
from chalicelib.core.ids import new_id, new_secret


def add_campaign(brand_id: str, **fields) -> CampaignItem:
    """An active RUB campaign of the brand (December 2026, budget 500 000 ₽) unless fields say otherwise."""
    bind_models()
    campaign_id = new_id()
    values = {"name": "Зимняя коллекция", "goal": "sales", "starts_on": "2026-12-01", "ends_on": "2026-12-31",
              "currency": "RUB", "budget_minor": 50_000_000, "targets": {"clicks": 5000, "conversions": 100},
              "utm_medium": "influencer", "utm_campaign": "winter-2026", "webhook_secret": new_secret(),
              "status": "active", "created_at": iso(utcnow()), "created_by": "tests", **fields}
    item = CampaignItem(campaign_pk(campaign_id), "CAMPAIGN", id=campaign_id, brand_id=brand_id,
                        gsi1pk=f"BRAND#{brand_id}#CAMPAIGNS", gsi1sk=f"{values['starts_on']}#{campaign_id}", **values)
    item.save(condition=CampaignItem.pk.does_not_exist())
    return CampaignItem.get(item.pk, item.sk, consistent_read=True)


def add_member(campaign: CampaignItem, kind: str, subject_id: str) -> MemberItem:
    """Only the campaign's index entry: the caller sets the post's or deal's campaign_id itself."""
    bind_models()
    item = MemberItem(campaign_pk(campaign.id), f"MEMBER#{kind}#{subject_id}", campaign_id=campaign.id, kind=kind,
                      subject_id=subject_id, added_at=iso(utcnow()))
    item.save()
    return item


# --- through the API (the campaign core's own tests) ----------------------------------------------------

BUDGET = {"amount": "500000.00", "currency": "RUB"}


def campaign_data(**fields) -> dict:
    """A valid campaign body: a December sales campaign in roubles with targets and UTM defaults."""
    return {"name": "Зимняя коллекция", "goal": "sales", "starts_on": "2026-12-01", "ends_on": "2026-12-31",
            "currency": "RUB", "budget": BUDGET,
            "targets": {"clicks": 5000, "conversions": 100, "revenue": {"amount": "2000000.00", "currency": "RUB"},
                        "cpa_max": {"amount": "1500.00", "currency": "RUB"}, "roi_min": "0.5"},
            "utm_source": "greenlight", "utm_medium": "influencer", "utm_campaign": "winter-2026", **fields}


def new_campaign(client, crew, who: str = "smm_manager", **fields) -> dict:
    """A campaign of the crew's brand made through POST /v1/brands/{id}/campaigns (201 asserted)."""
    import json

    user = crew[who]
    r = client.post(f"/v1/brands/{crew['brand'].id}/campaigns", headers=user.headers,
                    body=json.dumps(campaign_data(**fields)))
    assert r.status_code == 201, r.body
    return json.loads(r.body)
