"""Conversions in the table (keys and access patterns: campaigns/models.py), and what attributing one reads.

    of_campaign(campaign_id)                  Query pk CAMPAIGN#<id>, sk begins_with CONVERSION#
    get_many(campaign_id, order_ids)          BatchGetItem of those conversions (what a duplicate was counted as)
    add(item, actor) / add_many(items, actor) the conditional put (pk does not exist: the same order id counts
                                              once, whoever sends it and however often) with its audit entry,
                                              in one transaction with a ConditionCheck that the campaign is
                                              still active (CampaignClosed: archived meanwhile); up to 49
                                              conversions per transaction (49 puts + 49 audit entries + the check)
    campaign(campaign_id)                     GetItem CAMPAIGN#<id> / CAMPAIGN (the webhook: no one signed in)
    promo_codes(campaign_id, codes)           BatchGetItem CAMPAIGN#<id> / PROMO#<CODE> of each code
    links(codes)                              BatchGetItem LINK#<code> / LINK of each code
    click_days(code, first, last)             Query pk LINK#<code>, sk BETWEEN DAY#<first> AND DAY#<last>
    click_days_of(spans)                      those Queries for several links, a few at a time in threads
    set_secret(actor, campaign, secret)       the campaign's webhook secret, conditional on its version, audited
                                              (the audit entry says it changed, never what it is)

The promo codes and links are written by the links part of campaigns; this module only reads their items.
"""
from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor

from chalicelib.campaigns.models import (
    CampaignItem,
    ClickDayItem,
    ConversionItem,
    LinkItem,
    PromoCodeItem,
    campaign_pk,
)
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.connection import bind_models
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Actor, BatchConflict, Change, OwnedWrite, transact, transact_owned
from chalicelib.core.errors import Conflict

CONVERSION = "CONVERSION#"
PER_TRANSACTION = 49  # a conversion and its audit entry each, and the campaign's check: 99 of DynamoDB's 100
ROUNDS = 6  # tries of a transaction that met other transactions
QUERY_THREADS = 4  # click-day Queries run at once
_CAMPAIGN = object()  # the owner of the campaign's ConditionCheck in a transaction (no order id can equal it)


class Crowded(Conflict):
    """A chunk kept meeting other transactions (the service words it in the reader's language)."""


class CampaignClosed(Conflict):
    """The campaign was archived (or removed) before the conversions were written: none of the chunk was."""


def conversion_key(campaign_id: str, order_id: str) -> tuple[str, str]:
    return campaign_pk(campaign_id), f"{CONVERSION}{order_id}"


def new_conversion(campaign_id: str, **fields) -> ConversionItem:
    return ConversionItem(*conversion_key(campaign_id, fields["order_id"]), campaign_id=campaign_id, **fields)


# --- conversions -------------------------------------------------------------------------------------------

def of_campaign(campaign_id: str) -> list[ConversionItem]:
    """Every conversion of the campaign, by order id (the Query pages through the partition)."""
    bind_models()
    return list(ConversionItem.query(campaign_pk(campaign_id), ConversionItem.sk.startswith(CONVERSION),
                                     consistent_read=True))


def get_many(campaign_id: str, order_ids: Iterable[str]) -> dict[str, ConversionItem]:
    bind_models()
    keys = [conversion_key(campaign_id, order_id) for order_id in dict.fromkeys(order_ids)]
    return {item.order_id: item for item in ConversionItem.batch_get(keys, consistent_read=True)} if keys else {}


def _change(item: ConversionItem, brand_id: str | None) -> Change:
    return Change(brand_id, "conversion", f"{item.campaign_id}:{item.order_id}", "received", None,
                  {"order_id": item.order_id, "amount_minor": int(item.amount_minor), "currency": item.currency,
                   "attributed_by": item.attributed_by, "promo_code": item.promo_code, "link_code": item.link_code,
                   "source": item.source})


def _write_chunk(actor: Actor, brand_id: str | None, chunk: list[ConversionItem]) -> tuple[list[str], list[str]]:
    """(added, duplicates) of one chunk: one transaction, on the condition that the campaign is active
    (CampaignClosed when it is not); an order id already stored is dropped as a duplicate and the rest tried
    again; a chunk that met another transaction is tried again."""
    pending, duplicates = list(chunk), []
    campaign_key = (campaign_pk(chunk[0].campaign_id), "CAMPAIGN") if chunk else None
    for round_ in range(ROUNDS):
        if not pending:
            return [], duplicates

        def build(tx: OwnedWrite, items=tuple(pending)) -> None:
            tx.condition_check((_CAMPAIGN,), CampaignItem, *campaign_key, condition=CampaignItem.status == "active")
            for item in items:
                tx.save((item.order_id,), item, condition=ConversionItem.pk.does_not_exist())

        try:
            transact_owned(actor, [_change(item, brand_id) for item in pending], build)
        except BatchConflict as exc:
            if exc.failed.get(_CAMPAIGN) == "ConditionalCheckFailed":
                raise CampaignClosed("The campaign is archived: it takes no conversions.") from None
            taken = {order for order, code in exc.failed.items() if code == "ConditionalCheckFailed"}
            duplicates += [item.order_id for item in pending if item.order_id in taken]
            pending = [item for item in pending if item.order_id not in taken]
            if not taken:
                time.sleep(random.uniform(0.02, 0.1) * (2 ** round_))
            continue
        return [item.order_id for item in pending], duplicates
    raise Crowded("Too many conversions arrived at once; send them again (the ones stored count once).")


def add_many(actor: Actor, items: list[ConversionItem], brand_id: str | None = None) -> tuple[list[str], list[str]]:
    """Store conversions of one campaign, each unless its order id is stored already: (added, duplicates),
    order ids in the order given. An order id twice in `items` is stored once (the first) and reported
    as a duplicate too. CampaignClosed when the campaign is no longer active (the chunks written before stay);
    Crowded when a chunk kept meeting other transactions."""
    bind_models()
    first: dict[str, ConversionItem] = {}
    again: list[str] = []
    for item in items:
        if item.order_id in first:
            again.append(item.order_id)
        else:
            first[item.order_id] = item
    unique = list(first.values())
    added: list[str] = []
    duplicates: list[str] = list(again)
    for start in range(0, len(unique), PER_TRANSACTION):
        done, taken = _write_chunk(actor, brand_id, unique[start:start + PER_TRANSACTION])
        added += done
        duplicates += taken
    return added, duplicates


def add(item: ConversionItem, actor: Actor, brand_id: str | None = None) -> bool:
    """The conditional put of one conversion (with its audit entry): False when its order id is stored."""
    added, _ = add_many(actor, [item], brand_id)
    return bool(added)


# --- what attribution reads ----------------------------------------------------------------------------------

def campaign(campaign_id: str) -> CampaignItem | None:
    return get_item(CampaignItem, campaign_pk(campaign_id), "CAMPAIGN", consistent=True)


def promo_codes(campaign_id: str, codes: Iterable[str]) -> dict[str, PromoCodeItem]:
    """The campaign's promo codes among `codes` (upper case), by code; one BatchGetItem per 100 codes."""
    bind_models()
    keys = [(campaign_pk(campaign_id), f"PROMO#{code.upper()}") for code in dict.fromkeys(codes)]
    return {item.sk.removeprefix("PROMO#"): item for item in PromoCodeItem.batch_get(keys)} if keys else {}


def links(codes: Iterable[str]) -> dict[str, LinkItem]:
    """The tracked links among `codes` (of any campaign), by code; one BatchGetItem per 100 codes."""
    bind_models()
    keys = [(f"LINK#{code}", "LINK") for code in dict.fromkeys(codes)]
    return {item.pk.removeprefix("LINK#"): item for item in LinkItem.batch_get(keys)} if keys else {}


def click_days(code: str, first: dt.date, last: dt.date) -> list[dt.date]:
    """The UTC days in [first, last] on which the link had a click."""
    bind_models()
    days = ClickDayItem.query(f"LINK#{code}", ClickDayItem.sk.between(f"DAY#{first.isoformat()}",
                                                                       f"DAY#{last.isoformat()}"))
    return [dt.date.fromisoformat(item.day) for item in days if int(item.clicks or 0) > 0]


def click_days_of(spans: Mapping[str, tuple[dt.date, dt.date]]) -> dict[str, set[dt.date]]:
    """click_days of each link code over its (first, last) span: the Queries run QUERY_THREADS at a time."""
    if not spans:
        return {}
    bind_models()  # bound here, not raced from the threads
    codes = list(spans)
    if len(codes) == 1:
        return {codes[0]: set(click_days(codes[0], *spans[codes[0]]))}
    with ThreadPoolExecutor(max_workers=min(QUERY_THREADS, len(codes))) as pool:
        found = pool.map(lambda code: set(click_days(code, *spans[code])), codes)
        return dict(zip(codes, found, strict=True))


# --- the webhook's secret ------------------------------------------------------------------------------------

def set_secret(actor: Actor, item: CampaignItem, secret: str) -> None:
    """Replace the campaign's webhook secret, on the condition that the campaign is the version read
    (WriteConflict: someone changed it meanwhile). Audited as `webhook_secret_rotated`, without the value."""
    now = iso(utcnow())
    version = int(item.version or 0)

    def build(tx) -> None:
        tx.update(item, actions=[CampaignItem.webhook_secret.set(secret), CampaignItem.updated_at.set(now)],
                  condition=CampaignItem.status == "active")

    transact(actor, Change(item.brand_id, "campaign", item.id, "webhook_secret_rotated",
                           {"webhook_secret": "set" if item.webhook_secret else None}, {"webhook_secret": "set"},
                           version=version + 1), build)
