"""Conversions: what a shop reports (the signed webhook), what a person imports (CSV), what the campaign
shows (the list, its totals, the CSV export), and the webhook's secret (read and rotate, managers only).

Who may: the webhook signs in no one — the campaign's `webhook_secret` signs the request
(rules/webhook_signature.py); reading conversions needs view_campaigns; importing, reading the secret and
rotating it need manage_campaigns (campaigns/service.require: 404 for outsiders, 403 without the right).
An archived campaign takes no conversions (409).

Every conversion is attributed as it arrives (rules/attribution.py: promo code, else a link clicked in
the 30 days before, else none) and stored with a conditional put keyed by its order id, with its audit
entry (repo.add_many): the same order id counts once however often, and by whomever, it is sent.
Error sentences are in the reader's language (the person's; the webhook's Accept-Language).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

from chalicelib.campaigns import service as campaigns
from chalicelib.campaigns.conversions import amounts, csv_rows, fields, repo
from chalicelib.campaigns.conversions.schemas import (
    ConversionBatchIn,
    ConversionBatchOut,
    ConversionIn,
    ConversionList,
    ConversionOut,
    CsvImportOut,
    DuplicateRow,
    Totals,
    WebhookSecretOut,
)
from chalicelib.campaigns.models import CampaignItem, ConversionItem
from chalicelib.campaigns.rules import attribution
from chalicelib.campaigns.rules import webhook_signature as signature
from chalicelib.core import csv_cells, i18n
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.writes import Actor
from chalicelib.core.errors import BadRequest, Conflict, Unauthenticated, UnsupportedMediaType, ValidationFailed
from chalicelib.core.http.api import validation_details
from chalicelib.core.ids import new_secret
from chalicelib.deals.schemas import MoneyOut
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission

MAX_WEBHOOK_BYTES = 512 * 1024  # 500 conversions with long order ids and codes
WEBHOOK_PATH = "/v1/campaigns/{campaign_id}/conversions"
ARCHIVED = "archived"


class BadSignature(Unauthenticated):
    """The webhook's signature is missing, malformed, wrong or out of time (which of these, it never says)."""

    code = "bad_signature"


def _t(language: str | None, key: str, **params) -> str:
    return i18n.translate(key, language, **params)


def problem_text(language: str | None, problem) -> str:
    """A field problem (fields.Problem, csv_rows.RowProblem) as a sentence."""
    return _t(language, f"campaign_conversions.problem.{problem.code}", **problem.params)


# --- attribution -------------------------------------------------------------------------------------------

@dataclass
class Lookup:
    """What attributing a request's conversions reads, read up front: the promo codes and the links in one
    BatchGetItem each (per 100), the click days of this campaign's links with one Query per link (a few
    at a time, in threads)."""

    campaign_id: str
    promos: dict = field(default_factory=dict)  # code -> Owner (codes the campaign has)
    links: dict = field(default_factory=dict)  # code -> FoundLink (links that exist, of any campaign)
    days: dict = field(default_factory=dict)  # code -> set of click days (this campaign's links)

    @classmethod
    def read(cls, campaign_id: str, conversions: list[fields.Incoming]) -> Lookup:
        lookup = cls(campaign_id)
        codes = [c.promo_code for c in conversions if c.promo_code]
        for code, item in repo.promo_codes(campaign_id, codes).items():
            lookup.promos[code] = attribution.Owner(item.deal_id, item.deliverable_id, item.post_id)
        by_link = [c for c in conversions if c.link_code and lookup.promos.get(c.promo_code or "") is None]
        for code, item in repo.links(c.link_code for c in by_link).items():
            lookup.links[code] = attribution.FoundLink(
                item.code, item.campaign_id, attribution.Owner(item.deal_id, item.deliverable_id, item.post_id))
        spans: dict[str, tuple[dt.date, dt.date]] = {}
        for conversion in by_link:
            link = lookup.links.get(conversion.link_code)
            if link is None or link.campaign_id != campaign_id:
                continue
            first, last = attribution.window(conversion.occurred_at)
            known = spans.get(link.code)
            spans[link.code] = (min(first, known[0]), max(last, known[1])) if known else (first, last)
        lookup.days = repo.click_days_of(spans)
        return lookup

    def attribute(self, conversion: fields.Incoming) -> attribution.Attribution:
        promo_owner = self.promos.get(conversion.promo_code) if conversion.promo_code else None
        link = self.links.get(conversion.link_code) if conversion.link_code else None
        days = self.days.get(link.code, set()) if link is not None else set()
        return attribution.attribute(self.campaign_id, conversion.occurred_at, promo_code=conversion.promo_code,
                                     promo_owner=promo_owner, link=link, click_days=days)


def attribute_all(campaign_id: str, conversions: list[fields.Incoming]) -> list[attribution.Attribution]:
    lookup = Lookup.read(campaign_id, conversions)
    return [lookup.attribute(conversion) for conversion in conversions]


def _item(campaign: CampaignItem, conversion: fields.Incoming, verdict: attribution.Attribution, source: str,
          received_at: str) -> ConversionItem:
    return repo.new_conversion(
        campaign.id, order_id=conversion.order_id, occurred_at=iso(conversion.occurred_at),
        amount_minor=conversion.amount.minor, currency=conversion.amount.currency, promo_code=conversion.promo_code,
        link_code=conversion.link_code, attributed_by=verdict.by, deal_id=verdict.owner.deal_id,
        deliverable_id=verdict.owner.deliverable_id, post_id=verdict.owner.post_id, source=source,
        received_at=received_at)


def _store(actor: Actor, campaign: CampaignItem, conversions: list[fields.Incoming], source: str,
           language: str | None) -> tuple[list[ConversionItem], list[str], dict[str, ConversionItem]]:
    """(the new items, the duplicate order ids in the order met, the stored item of every duplicate).
    409 when the campaign was archived since it was read (each write is conditional on it being active)."""
    verdicts = attribute_all(campaign.id, conversions)
    received_at = iso(utcnow())
    items = [_item(campaign, c, v, source, received_at) for c, v in zip(conversions, verdicts, strict=True)]
    try:
        added, duplicates = repo.add_many(actor, items, campaign.brand_id)
    except repo.CampaignClosed:
        raise Conflict(_t(language, "campaign_conversions.archived")) from None
    except repo.Crowded:
        raise Conflict(_t(language, "campaign_conversions.busy")) from None
    new = set(added)
    seen: set[str] = set()
    fresh = []
    for item in items:
        if item.order_id in new and item.order_id not in seen:
            fresh.append(item)
            seen.add(item.order_id)
    stored = repo.get_many(campaign.id, duplicates) if duplicates else {}
    return fresh, duplicates, stored


# --- on the wire ---------------------------------------------------------------------------------------------

def money_out(minor: int, currency: str, language: str | None) -> MoneyOut:
    """Written without building a Money: a revenue total may pass Money's cap (amounts.py)."""
    return MoneyOut(amount=str(amounts.major(minor, currency)), currency=currency,
                    text=amounts.text(minor, currency, i18n.normalize(language)))


def conversion_out(item: ConversionItem, language: str | None, *, duplicate: bool = False) -> ConversionOut:
    return ConversionOut(order_id=item.order_id, occurred_at=item.occurred_at,
                         amount=money_out(item.amount_minor, item.currency, language), promo_code=item.promo_code,
                         link_code=item.link_code, attributed_by=item.attributed_by, deal_id=item.deal_id,
                         deliverable_id=item.deliverable_id, post_id=item.post_id, source=item.source,
                         received_at=item.received_at, duplicate=duplicate)


def totals(items: list[ConversionItem], currency: str, language: str | None) -> Totals:
    revenue = sum(int(i.amount_minor) for i in items if i.currency == currency)
    by = [i.attributed_by for i in items]
    return Totals(count=len(items), revenue=money_out(revenue, currency, language), by_promo=by.count("promo"),
                  by_link=by.count("link"), unattributed=by.count("none"))


# --- the webhook ---------------------------------------------------------------------------------------------

WEBHOOK_ACTOR_LABEL = "conversions webhook"


def _refused(language: str | None) -> BadSignature:
    return BadSignature(_t(language, "campaign_conversions.webhook.bad_signature",
                           header=signature.HEADER, minutes=signature.TOLERANCE_SECONDS // 60))


def _parse_json(raw: bytes, language: str | None) -> dict:
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (ValueError, RecursionError):  # not UTF-8, not JSON, an integer of thousands of digits, [[[[… deep
        raise BadRequest(_t(language, "campaign_conversions.webhook.not_json")) from None
    if not isinstance(data, dict):
        raise ValidationFailed(_t(language, "campaign_conversions.webhook.not_object"),
                               details=[{"field": None,
                                         "message": _t(language, "campaign_conversions.webhook.object")}])
    return data


def _shape(data: dict, model: type[BaseModel], language: str | None):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(_t(language, "campaign_conversions.webhook.invalid"),
                               details=validation_details(exc)) from None


def _read_webhook(data: dict, currency: str, language: str | None, now: dt.datetime
                  ) -> tuple[list[fields.Incoming], bool]:
    """(the conversions, whether the body was a batch); 422 naming every field of every conversion at fault."""
    batch = "conversions" in data
    shaped = _shape(data, ConversionBatchIn, language).conversions if batch else [_shape(data, ConversionIn, language)]
    found, details = [], []
    for n, one in enumerate(shaped):
        values = {"order_id": one.order_id, "occurred_at": one.occurred_at, "amount": one.amount.amount,
                  "currency": one.amount.currency, "promo_code": one.promo_code, "link_code": one.link_code}
        incoming, problems = fields.read(values, currency, now)
        prefix = f"conversions.{n}." if batch else ""
        for p in problems:
            where = f"amount.{p.field}" if p.field in ("amount", "currency") else p.field
            details.append({"field": prefix + where, "message": problem_text(language, p), "type": p.code})
        if incoming is not None:
            found.append(incoming)
    if details:
        other = [d for d in details if d["type"] == "other_currency"]
        message = _t(language, "campaign_conversions.webhook.other_currency", currency=currency) \
            if other and len(other) == len(details) else _t(language, "campaign_conversions.webhook.invalid")
        raise ValidationFailed(message, details=details)
    return found, batch


def receive_webhook(campaign_id: str, raw: bytes, headers, *, language: str | None = None,
                    request_id: str | None = None) -> tuple[int, BaseModel]:
    """(status, answer) for a signed webhook request: 201 when something new was counted, 200 when every
    order id was counted already (`duplicate: true`). A missing campaign is refused like a bad signature:
    without its secret nothing can be told about it."""
    if len(raw) > MAX_WEBHOOK_BYTES:
        raise BadRequest(_t(language, "campaign_conversions.webhook.too_large", kib=MAX_WEBHOOK_BYTES // 1024))
    campaign = repo.campaign(campaign_id)
    secret = campaign.webhook_secret if campaign is not None else None
    now = utcnow()
    if not signature.verify(secret, raw, headers.get(signature.HEADER.lower()), int(now.timestamp())):
        raise _refused(language)
    if campaign.status == ARCHIVED:
        raise Conflict(_t(language, "campaign_conversions.archived"))
    content_type = (headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType(_t(language, "campaign_conversions.webhook.media_type"))
    conversions, batch = _read_webhook(_parse_json(raw, language), campaign.currency, language, now)
    actor = Actor(None, WEBHOOK_ACTOR_LABEL, "api", request_id)
    fresh, duplicates, stored = _store(actor, campaign, conversions, "webhook", language)
    if not batch:
        if fresh:
            return 201, conversion_out(fresh[0], language)
        return 200, conversion_out(stored[conversions[0].order_id], language, duplicate=True)
    by_order = {item.order_id: item for item in fresh}
    items, answered = [], set()
    for conversion in conversions:
        order = conversion.order_id
        if order in by_order and order not in answered:
            items.append(conversion_out(by_order[order], language))
            answered.add(order)
        elif order in stored:
            items.append(conversion_out(stored[order], language, duplicate=True))
        else:  # twice in this batch: the first one is the one counted
            items.append(conversion_out(by_order[order], language, duplicate=True))
    answer = ConversionBatchOut(created=len(fresh), duplicates=len(conversions) - len(fresh), items=items)
    return (201 if fresh else 200), answer


# --- people ----------------------------------------------------------------------------------------------------

def _managed(principal: Principal, campaign_id: str) -> CampaignItem:
    campaign = campaigns.require(principal, campaign_id, Permission.manage_campaigns, consistent=True)
    if campaign.status == ARCHIVED:
        raise Conflict(_t(principal.language, "campaign_conversions.archived"))
    return campaign


def of_campaign(principal: Principal, campaign_id: str) -> tuple[CampaignItem, list[ConversionItem]]:
    """The campaign and its conversions, latest first."""
    campaign = campaigns.require(principal, campaign_id, Permission.view_campaigns)
    items = repo.of_campaign(campaign.id)
    items.sort(key=lambda i: (i.occurred_at, i.order_id), reverse=True)
    return campaign, items


def listing(principal: Principal, campaign_id: str) -> ConversionList:
    campaign, items = of_campaign(principal, campaign_id)
    return ConversionList(items=[conversion_out(i, principal.language) for i in items],
                          totals=totals(items, campaign.currency, principal.language))


def export_csv(principal: Principal, campaign_id: str) -> bytes:
    _campaign, items = of_campaign(principal, campaign_id)
    rows = [{"order_id": i.order_id, "occurred_at": i.occurred_at,
             "amount": str(amounts.major(i.amount_minor, i.currency)), "currency": i.currency,
             "promo_code": i.promo_code, "link_code": i.link_code, "attributed_by": i.attributed_by,
             "deal_id": i.deal_id, "deliverable_id": i.deliverable_id, "post_id": i.post_id, "source": i.source,
             "received_at": i.received_at} for i in items]
    return csv_cells.with_bom(csv_rows.export(rows))


def csv_problems(language: str | None, parsed: csv_rows.Parsed) -> list[dict]:
    return [{"line": p.line, "field": p.field, "message": problem_text(language, p), "type": p.code}
            for p in parsed.problems]


def import_csv(principal: Principal, campaign_id: str, data: bytes | str) -> CsvImportOut:
    """Check the whole file; with any problem nothing is written (422 listing every problem with its
    line); else every new order id is counted and the rest reported as duplicates."""
    campaign = _managed(principal, campaign_id)
    language = principal.language
    parsed = csv_rows.parse(data, campaign.currency, utcnow())
    if parsed.problems:
        count = len(parsed.problems)
        raise ValidationFailed(i18n.plural("campaign_conversions.csv.refused", count, language),
                               details=csv_problems(language, parsed))
    lines = {conversion.order_id: line for line, conversion in parsed.rows}
    fresh, duplicates, _stored = _store(principal.actor, campaign, [c for _, c in parsed.rows], "csv", language)
    dup_rows = [DuplicateRow(line=line, order_id=order, stored=False) for line, order in parsed.duplicates]
    stored_again = set(duplicates)
    dup_rows += [DuplicateRow(line=lines[order], order_id=order, stored=True)
                 for order in lines if order in stored_again]
    dup_rows.sort(key=lambda d: d.line)
    return CsvImportOut(created=len(fresh), duplicates=dup_rows,
                        items=[conversion_out(i, language) for i in fresh])


# --- the webhook's secret ----------------------------------------------------------------------------------------

def webhook_url(campaign_id: str) -> str:
    from chalicelib.core.settings import get_settings

    return get_settings().PUBLIC_BASE_URL.rstrip("/") + WEBHOOK_PATH.format(campaign_id=campaign_id)


def secret_of(principal: Principal, campaign_id: str) -> WebhookSecretOut:
    campaign = campaigns.require(principal, campaign_id, Permission.manage_campaigns, consistent=True)
    return WebhookSecretOut(url=webhook_url(campaign.id), header=signature.HEADER, secret=campaign.webhook_secret)


def rotate_secret(principal: Principal, campaign_id: str) -> WebhookSecretOut:
    """A new secret; the old one stops working at once (409 when the campaign changed meanwhile)."""
    campaign = _managed(principal, campaign_id)
    secret = new_secret()
    repo.set_secret(principal.actor, campaign, secret)
    return WebhookSecretOut(url=webhook_url(campaign.id), header=signature.HEADER, secret=secret)
