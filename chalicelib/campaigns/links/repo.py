"""Tracked links, their clicks by day and promo codes in the table (keys and access patterns:
campaigns/models.py): reads, the click counter's writes (through its own short-leash client:
click_client.py), and the conditional writes links and promo codes are made of (the services wrap them in
audited transactions). Lists read every page: nothing is dropped silently."""
from __future__ import annotations

import logging

from chalicelib.campaigns.links import click_client
from chalicelib.campaigns.models import ClickDayItem, LinkItem, PromoCodeItem, PromoOwnerItem, campaign_pk
from chalicelib.campaigns.rules import visitors
from chalicelib.core.db.connection import bind_models
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.schema import TTL_ATTRIBUTE

log = logging.getLogger(__name__)

PROMO_PREFIX = "PROMO#"


# --- keys ------------------------------------------------------------------------------------------------

def link_key(code: str) -> tuple[str, str]:
    return f"LINK#{code}", "LINK"


def day_key(code: str, day: str) -> tuple[str, str]:
    return f"LINK#{code}", f"DAY#{day}"


def links_pk(campaign_id: str) -> str:
    return f"CAMPAIGN#{campaign_id}#LINKS"


def clicks_pk(campaign_id: str) -> str:
    return f"CAMPAIGN#{campaign_id}#CLICKS"


def mark_key(code: str, day: str, visitor: str) -> tuple[str, str]:
    return f"LINK#{code}#DAY#{day}", f"V#{visitor}"


def salt_key(day: str) -> tuple[str, str]:
    return f"VISITORSALT#{day}", "SALT"


def promo_key(campaign_id: str, code: str) -> tuple[str, str]:
    return campaign_pk(campaign_id), f"{PROMO_PREFIX}{code}"


def owner_key(brand_id: str, code: str) -> tuple[str, str]:
    return f"PROMOCODE#{brand_id}#{code}", "PROMOCODE"


# --- links -----------------------------------------------------------------------------------------------

def new_link(**values) -> LinkItem:
    """A link item listed under its campaign (values: LinkItem's attributes)."""
    link = LinkItem(*link_key(values["code"]), **values)
    link.gsi1pk, link.gsi1sk = links_pk(link.campaign_id), f"{link.created_at}#{link.code}"
    return link


def get(code: str, *, consistent: bool = False) -> LinkItem | None:
    """A link by its code (the redirect's one read)."""
    return get_item(LinkItem, *link_key(code), consistent=consistent)


def of_campaign(campaign_id: str) -> list[LinkItem]:
    """Every link of a campaign, newest first (all pages of the Query)."""
    bind_models()
    return list(LinkItem.gsi1.query(links_pk(campaign_id), scan_index_forward=False))


# --- clicks ----------------------------------------------------------------------------------------------

def clicks_of_campaign(campaign_id: str, first_day: str | None = None, last_day: str | None = None) -> list[ClickDayItem]:
    """Every click day of a campaign's links (all of them, or the days first_day..last_day, both included),
    in day order (all pages of the Query; a day item is a few numbers)."""
    bind_models()
    condition = None
    if first_day or last_day:
        condition = ClickDayItem.gsi1sk.between(f"{first_day or '0000-00-00'}#", f"{last_day or '9999-99-99'}#~")
    return list(ClickDayItem.gsi1.query(clicks_pk(campaign_id), condition))


def clicks_between(code: str, first_day: str, last_day: str) -> list[ClickDayItem]:
    """One link's click days first_day..last_day (both included), in day order."""
    bind_models()
    pk, _ = link_key(code)
    return list(ClickDayItem.query(pk, ClickDayItem.sk.between(f"DAY#{first_day}", f"DAY#{last_day}"),
                                   consistent_read=True))


def day_clicks(item: ClickDayItem) -> tuple[int, int]:
    """(clicks, unique visitors) of one day item."""
    return int(item.clicks or 0), int(item.uniques or 0)


# --- the counter's writes (the short-leash client: click_client.py) ---------------------------------------

def _key(pk: str, sk: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _refused(exc: Exception) -> bool:
    return getattr(exc, "response", {}).get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def mark_visitor(code: str, day: str, visitor: str, expires: int) -> bool:
    """Put the visitor's mark of the link's day (pk LINK#<code>#DAY#<day>, sk V#<hash>, `ttl` = `expires`, no
    index keys) on the condition that it does not exist: True when it is new (the visitor's first click that
    day), False when it was there. Raises botocore's errors otherwise."""
    item = {**_key(*mark_key(code, day, visitor)), TTL_ATTRIBUTE: {"N": str(int(expires))}}
    try:
        click_client.client().put_item(TableName=click_client.table(), Item=item,
                                       ConditionExpression="attribute_not_exists(pk)")
    except Exception as exc:  # noqa: BLE001 - the condition is an answer; anything else is the caller's
        if _refused(exc):
            return False
        raise
    return True


def add_click(code: str, campaign_id: str, day: str, *, unique: bool) -> None:
    """One UpdateItem on the link's day item: ADD clicks 1 and uniques 1 (or 0); the item's own fields and its
    gsi1 keys are SET if it has none yet (so the first click of a day creates it, listed under the campaign).
    Conditional on the item being this campaign's (or new). Nothing is returned. Raises botocore's errors."""
    pk, sk = day_key(code, day)
    click_client.client().update_item(
        TableName=click_client.table(), Key=_key(pk, sk),
        UpdateExpression=("ADD #clicks :one, #uniques :unique SET #code = if_not_exists(#code, :code), "
                          "#campaign = if_not_exists(#campaign, :campaign), #day = if_not_exists(#day, :day), "
                          "#g1pk = if_not_exists(#g1pk, :g1pk), #g1sk = if_not_exists(#g1sk, :g1sk)"),
        ConditionExpression="attribute_not_exists(#campaign) OR #campaign = :campaign",
        ExpressionAttributeNames={"#clicks": "clicks", "#uniques": "uniques", "#code": "code",
                                  "#campaign": "campaign_id", "#day": "day", "#g1pk": "gsi1pk", "#g1sk": "gsi1sk"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":unique": {"N": "1" if unique else "0"},
                                   ":code": {"S": code}, ":campaign": {"S": campaign_id}, ":day": {"S": day},
                                   ":g1pk": {"S": clicks_pk(campaign_id)}, ":g1sk": {"S": f"{day}#{code}"}},
        ReturnValues="NONE")


def count_click(code: str, campaign_id: str, day: str, visitor: str | None, expires: int | None = None) -> None:
    """A click as the counter makes it (the demo and tests seed clicks with it): the visitor's mark, then the
    day item's ADD (uniques + 1 when the mark was new). `expires`: the mark's TTL (default: 2 days after `day`)."""
    unique = bool(visitor) and mark_visitor(code, day, visitor, expires or visitors.expiry_of(day))
    add_click(code, campaign_id, day, unique=unique)


def day_salt(day: str) -> str | None:
    """The day's visitor salt (hex), None when the day has none yet (a consistent GetItem)."""
    found = click_client.client().get_item(TableName=click_client.table(), Key=_key(*salt_key(day)),
                                           ConsistentRead=True).get("Item")
    return found["salt"]["S"] if found and "salt" in found else None


def put_day_salt(day: str, salt: str, expires: int) -> bool:
    """Put the day's salt on the condition that the day has none: True when this one is it."""
    item = {**_key(*salt_key(day)), "day": {"S": day}, "salt": {"S": salt}, TTL_ATTRIBUTE: {"N": str(int(expires))}}
    try:
        click_client.client().put_item(TableName=click_client.table(), Item=item,
                                       ConditionExpression="attribute_not_exists(pk)")
    except Exception as exc:  # noqa: BLE001 - the condition is an answer; anything else is the caller's
        if _refused(exc):
            return False
        raise
    return True


# --- promo codes -----------------------------------------------------------------------------------------

def promos_of(campaign_id: str) -> list[PromoCodeItem]:
    """A campaign's promo codes, in code order."""
    bind_models()
    pk = campaign_pk(campaign_id)
    return list(PromoCodeItem.query(pk, PromoCodeItem.sk.startswith(PROMO_PREFIX), consistent_read=True))


def promo(campaign_id: str, code: str) -> PromoCodeItem | None:
    return get_item(PromoCodeItem, *promo_key(campaign_id, code), consistent=True)


def promo_owner(brand_id: str, code: str) -> PromoOwnerItem | None:
    """Whose is `code` in the brand (the campaign it names), None when no campaign has it."""
    return get_item(PromoOwnerItem, *owner_key(brand_id, code), consistent=True)


def new_promo(brand_id: str, campaign_id: str, code: str, **values) -> tuple[PromoCodeItem, PromoOwnerItem]:
    """The promo code's two items: its own under the campaign, and its owner (the brand's uniqueness)."""
    item = PromoCodeItem(*promo_key(campaign_id, code), code=code, campaign_id=campaign_id, brand_id=brand_id,
                         **values)
    owner = PromoOwnerItem(*owner_key(brand_id, code), code=code, campaign_id=campaign_id)
    return item, owner
