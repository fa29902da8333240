"""Conversions: the signed webhook, the CSV import and export, the list, the webhook's secret
(docs/conversions.md; the use cases: service.py).

  POST /v1/campaigns/{id}/conversions        NO sign-in: signed with the campaign's webhook secret
                                             (X-Greenlight-Signature: t=…,v1=…; 401 when missing, wrong or out
                                             of the 5 minutes). {order_id, occurred_at, amount, promo_code?,
                                             link_code?} → 201 what it was attributed to, 200 `duplicate: true`
                                             when the order id was counted already; {"conversions": [… ≤ 500]}
                                             → 201 (200 when none was new) {created, duplicates, items}
  GET  /v1/campaigns/{id}/conversions        the list (latest first) with totals           view_campaigns
  GET  /v1/campaigns/{id}/conversions.csv    the same as CSV (UTF-8 with BOM, formula-safe) view_campaigns
  POST /v1/campaigns/{id}/conversions.csv    import a CSV (text/csv; every problem with its line in one 422,
                                             nothing written then; duplicates reported)   manage_campaigns
  GET  /v1/campaigns/{id}/webhook-secret     the webhook's URL, header and secret          manage_campaigns
  POST /v1/campaigns/{id}/webhook-secret     a new secret (the old one stops at once; audited without it)
"""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.campaigns.conversions.schemas import (
    ConversionList,
    ConversionOut,
    CsvImportOut,
    WebhookSecretOut,
)
from chalicelib.core import i18n
from chalicelib.core.errors import UnsupportedMediaType
from chalicelib.core.http.api import JSON_HEADERS, csv_file
from chalicelib.core.http.api import json_route as unsigned_route
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import json_route

service = lazy_import("chalicelib.campaigns.conversions.service")

bp = Blueprint(__name__)
TAG = "campaigns"
CSV_TYPES = ("text/csv", "application/csv")


@unsigned_route(bp, "/v1/campaigns/{campaign_id}/conversions", "POST", tag=TAG, auth=False,
                summary="Report conversions (a shop's webhook, no sign-in): signed with the campaign's webhook secret "
                        "in X-Greenlight-Signature (t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\">, "
                        "5 minutes either side). One conversion or {\"conversions\": [≤ 500]}; the same order_id "
                        "counts once (200, duplicate: true). A batch answers ConversionBatchOut "
                        "{created, duplicates, items}",
                raw_body="application/json", response=ConversionOut, status=201,
                errors=(400, 401, 404, 409, 415, 422))
def receive(call, campaign_id):
    import json

    raw = call.request.raw_body or b""
    raw = raw.encode("utf-8") if isinstance(raw, str) else raw
    language = i18n.from_accept_language(call.headers.get("accept-language"))
    status, answer = service.receive_webhook(campaign_id, raw, call.headers, language=language,
                                             request_id=call.request_id)
    return Response(body=json.dumps(answer.model_dump(mode="json"), ensure_ascii=False), status_code=status,
                    headers=JSON_HEADERS)


@json_route(bp, "/v1/campaigns/{campaign_id}/conversions", "GET", tag=TAG,
            summary="A campaign's conversions (latest first), what each is attributed to, and the totals",
            response=ConversionList, errors=(401, 403, 404))
def list_conversions(call, campaign_id):
    return service.listing(call.principal, campaign_id)


@json_route(bp, "/v1/campaigns/{campaign_id}/conversions.csv", "GET", tag=TAG,
            summary="A campaign's conversions as CSV (UTF-8 with BOM; cells guarded against formulas)",
            raw_response="text/csv", errors=(401, 403, 404))
def export_conversions(call, campaign_id):
    data = service.export_csv(call.principal, campaign_id)
    return csv_file(data, f"conversions-{campaign_id}.csv")


@json_route(bp, "/v1/campaigns/{campaign_id}/conversions.csv", "POST", tag=TAG,
            summary="Import conversions from CSV (order_id, occurred_at, amount, currency, promo_code, link_code; "
                    "≤ 2 MB, 5000 rows): all rows or none, every problem listed with its line; order ids counted "
                    "already are reported as duplicates", raw_body="text/csv", response=CsvImportOut, status=201,
            errors=(401, 403, 404, 409, 415, 422))
def import_conversions(call, campaign_id):
    content_type = (call.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type not in CSV_TYPES:
        raise UnsupportedMediaType(i18n.translate("campaign_conversions.csv.media_type", call.principal.language))
    raw = call.request.raw_body or b""
    return service.import_csv(call.principal, campaign_id, raw)


@json_route(bp, "/v1/campaigns/{campaign_id}/webhook-secret", "GET", tag=TAG,
            summary="The conversions webhook's URL, signature header and secret (managers only)",
            response=WebhookSecretOut, errors=(401, 403, 404))
def get_secret(call, campaign_id):
    return service.secret_of(call.principal, campaign_id)


@json_route(bp, "/v1/campaigns/{campaign_id}/webhook-secret", "POST", tag=TAG,
            summary="Rotate the conversions webhook's secret: the old one is refused from now on (audited, "
                    "without the value)", response=WebhookSecretOut, errors=(401, 403, 404, 409))
def rotate_secret(call, campaign_id):
    return service.rotate_secret(call.principal, campaign_id)
