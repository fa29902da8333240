"""Tracked links and promo codes: the JSON API (the use cases: service.py, promos.py; the redirect:
redirect.py).

  POST   /v1/campaigns/{id}/links                {target_url, label, post_id? | deal_id? | deliverable_id?}
                                                 → 201 {code, short_url, tagged_url, …}
  GET    /v1/campaigns/{id}/links                the campaign's links, newest first, with clicks and uniques
  POST   /v1/campaigns/{id}/promo-codes          {code, deal_id? | deliverable_id? | post_id?} → 201; 409
                                                 `promo_code_taken` when a campaign of the brand has it
  GET    /v1/campaigns/{id}/promo-codes          the codes, and the deals' codes not registered yet (`suggested`)
  DELETE /v1/campaigns/{id}/promo-codes?code=X   remove a code → 204 (the code is a query parameter: path
                                                 parameters are ids, core/http/api.check_path_ids)
"""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.campaigns.links.schemas import (
    LinkCreate,
    LinkList,
    LinkOut,
    PromoCreate,
    PromoDelete,
    PromoList,
    PromoOut,
)
from chalicelib.core.lazy import lazy_import
from chalicelib.identity.doors import json_route

service = lazy_import("chalicelib.campaigns.links.service")
promos = lazy_import("chalicelib.campaigns.links.promos")
out = lazy_import("chalicelib.campaigns.links.out")

bp = Blueprint(__name__)
TAG = "campaigns"
LINKS = "/v1/campaigns/{campaign_id}/links"
PROMOS = "/v1/campaigns/{campaign_id}/promo-codes"


@json_route(bp, LINKS, "POST", tag=TAG, summary="Create a tracked link: the target tagged with the campaign's UTM "
            "tags (and the erid of a `ru` deliverable) behind a short /r/<code> URL that counts clicks",
            body=LinkCreate, response=LinkOut, status=201, errors=(401, 403, 404, 409, 415, 422))
def create_link(call, campaign_id):
    body = call.body
    link = service.create(call.principal, campaign_id, target_url=body.target_url, label=body.label,
                          post_id=body.post_id, deal_id=body.deal_id, deliverable_id=body.deliverable_id)
    return out.link_out(service.LinkView(link))


@json_route(bp, LINKS, "GET", tag=TAG, summary="A campaign's tracked links with their clicks and unique visitors",
            response=LinkList, errors=(401, 403, 404))
def list_links(call, campaign_id):
    _campaign, views = service.links(call.principal, campaign_id)
    return LinkList(items=[out.link_out(view) for view in views])


@json_route(bp, PROMOS, "POST", tag=TAG, summary="Register a promo code (unique within the brand) for a deal, "
            "a deliverable, a post or the campaign", body=PromoCreate, response=PromoOut, status=201,
            errors=(401, 403, 404, 409, 415, 422))
def create_promo(call, campaign_id):
    body = call.body
    item = promos.create(call.principal, campaign_id, code=body.code, deal_id=body.deal_id,
                         deliverable_id=body.deliverable_id, post_id=body.post_id)
    return out.promo_out(item)


@json_route(bp, PROMOS, "GET", tag=TAG, summary="A campaign's promo codes, and its deals' codes not registered yet",
            response=PromoList, errors=(401, 403, 404))
def list_promos(call, campaign_id):
    _campaign, items, suggested = promos.promos(call.principal, campaign_id)
    return PromoList(items=[out.promo_out(i) for i in items], suggested=[out.suggestion_out(s) for s in suggested])


@json_route(bp, PROMOS, "DELETE", tag=TAG, summary="Remove a promo code (?code=…)", query=PromoDelete, status=204,
            errors=(401, 403, 404, 409, 422))
def delete_promo(call, campaign_id):
    promos.remove(call.principal, campaign_id, call.query.code)
