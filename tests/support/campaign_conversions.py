"""Conversions tests: tracked links, their click days and promo codes written straight through the models
(valid items with their index keys; the links part of campaigns writes them in the app), and the webhook
called as a shop calls it (signed with rules/webhook_signature.header)."""
from __future__ import annotations

import json
import time

from chalicelib.campaigns.models import CampaignItem, ClickDayItem, LinkItem, PromoCodeItem, PromoOwnerItem, campaign_pk
from chalicelib.campaigns.rules import webhook_signature
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.connection import bind_models
from tests.support.factories import unique


def add_link(campaign: CampaignItem, *, code: str | None = None, deal_id: str | None = None,
             deliverable_id: str | None = None, post_id: str | None = None) -> LinkItem:
    bind_models()
    code = code or unique("l")
    now = iso(utcnow())
    item = LinkItem(f"LINK#{code}", "LINK", code=code, campaign_id=campaign.id, brand_id=campaign.brand_id,
                    label="bio link", target_url="https://shop.example.com/winter",
                    tagged_url="https://shop.example.com/winter?utm_source=test", deal_id=deal_id,
                    deliverable_id=deliverable_id, post_id=post_id, created_at=now, created_by="tests",
                    gsi1pk=f"CAMPAIGN#{campaign.id}#LINKS", gsi1sk=f"{now}#{code}")
    item.save(condition=LinkItem.pk.does_not_exist())
    return item


def add_clicks(link: LinkItem, day: str, clicks: int = 1) -> ClickDayItem:
    """`clicks` clicks of the link on the UTC day `day` (YYYY-MM-DD)."""
    bind_models()
    item = ClickDayItem(f"LINK#{link.code}", f"DAY#{day}", code=link.code, campaign_id=link.campaign_id, day=day,
                        clicks=clicks, gsi1pk=f"CAMPAIGN#{link.campaign_id}#CLICKS", gsi1sk=f"{day}#{link.code}")
    item.save()
    return item


def add_promo(campaign: CampaignItem, code: str | None = None, *, deal_id: str | None = None,
              deliverable_id: str | None = None, post_id: str | None = None) -> PromoCodeItem:
    bind_models()
    code = (code or unique("PROMO")).upper()
    item = PromoCodeItem(campaign_pk(campaign.id), f"PROMO#{code}", code=code, campaign_id=campaign.id,
                         brand_id=campaign.brand_id, deal_id=deal_id, deliverable_id=deliverable_id, post_id=post_id,
                         created_at=iso(utcnow()), created_by="tests")
    item.save(condition=PromoCodeItem.pk.does_not_exist())
    PromoOwnerItem(f"PROMOCODE#{campaign.brand_id}#{code}", "PROMOCODE", code=code, campaign_id=campaign.id).save()
    return item


def conversion(order_id: str, occurred_at: str = "2026-12-20T12:00:00+03:00", amount: str = "1990.00",
               currency: str = "RUB", **codes) -> dict:
    return {"order_id": order_id, "occurred_at": occurred_at, "amount": {"amount": amount, "currency": currency},
            **codes}


def signed_post(client, campaign_id: str, body, *, secret: str | None, at: int | None = None,
                header: str | None = None, **headers):
    """POST the webhook as a shop would: `body` (a dict, or raw bytes/str sent as is) signed with `secret` at
    `at` (unix seconds, default now); `header` overrides the signature header (None with secret=None: none)."""
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
    raw = raw.encode("utf-8") if isinstance(raw, str) else raw
    sent = {"Content-Type": "application/json", **headers}
    if header is not None:
        sent[webhook_signature.HEADER] = header
    elif secret is not None:
        when = int(at if at is not None else time.time())
        sent[webhook_signature.HEADER] = webhook_signature.header(secret, raw, when)
    return client.post(f"/v1/campaigns/{campaign_id}/conversions", headers=sent, body=raw)


def payload(response) -> dict:
    return json.loads(response.body)
