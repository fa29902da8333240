"""Deals and deliverables: the JSON API (contracts: contract_routes.py; payments: payment_routes.py;
the pages: pages.py)."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.http.api import if_match
from chalicelib.core.lazy import lazy_import
from chalicelib.deals.schemas import (
    DealAction,
    DealCreate,
    DealList,
    DealOut,
    DealPatch,
    DealQuery,
    DeliverableCreate,
    DeliverableList,
    DeliverableOut,
    DeliverablePatch,
)
from chalicelib.identity.doors import json_route

deals = lazy_import("chalicelib.deals.service")
deliverables = lazy_import("chalicelib.deals.deliverable_service")
out = lazy_import("chalicelib.deals.out")

bp = Blueprint(__name__)
TAG = "deals"


def _deal(call, deal) -> DealOut:
    return out.deal_out(deal, locale=call.principal.language)


@json_route(bp, "/v1/brands/{brand_id}/deals", "GET", tag=TAG, summary="A brand's deals, newest first (filters)",
            query=DealQuery, response=DealList, errors=(401, 403, 404, 422))
def list_deals(call, brand_id):
    page = deals.directory(call.principal, brand_id, call.query)
    return DealList(items=[_deal(call, d) for d in page.items], cursor=page.cursor)


@json_route(bp, "/v1/brands/{brand_id}/deals", "POST", tag=TAG,
            summary="Agree a deal with an influencer (a draft; terms, money, payment schedule)", body=DealCreate,
            response=DealOut, status=201, errors=(401, 403, 404, 409, 415, 422))
def create_deal(call, brand_id):
    return _deal(call, deals.create(call.principal, brand_id, call.body))


@json_route(bp, "/v1/deals/{deal_id}", "GET", tag=TAG, summary="One deal", response=DealOut, errors=(401, 403, 404))
def get_deal(call, deal_id):
    return _deal(call, deals.get(call.principal, deal_id))


@json_route(bp, "/v1/deals/{deal_id}", "PATCH", tag=TAG,
            summary="Change a deal: an edit before signing, an amendment (back to sent) after; version in If-Match "
                    "or the body", body=DealPatch, response=DealOut, errors=(400, 401, 403, 404, 409, 415, 422))
def patch_deal(call, deal_id):
    return _deal(call, deals.update(call.principal, deal_id, call.body, if_match(call.headers)))


def _action(name: str, summary: str):
    @json_route(bp, f"/v1/deals/{{deal_id}}/{name}", "POST", tag=TAG, summary=summary, body=DealAction,
                response=DealOut, errors=(401, 403, 404, 409, 415, 422))
    def view(call, deal_id):
        body = call.body
        return _deal(call, deals.act(call.principal, deal_id, name, reason=body.reason,
                                     to=body.to.value if body.to else None, version=body.version))

    view.__name__ = f"deal_{name}"
    return view


send_deal = _action("send", "Send the deal to the blogger (needs deliverables, the current contract, the ru gates)")
sign_deal = _action("sign", "Mark the deal signed (plans the payments; on_signing falls due)")
start_deal = _action("start", "Start the work (a signed deal starts by itself when a deliverable goes live)")
complete_deal = _action("complete", "Complete the deal (every deliverable settled)")
close_deal = _action("close", "Close the deal (every payment paid or cancelled)")
cancel_deal = _action("cancel", "Cancel the deal (only while nothing is published); cancels its open payments")
dispute_deal = _action("dispute", "Open a dispute (holds every open payment)")
resolve_deal = _action("resolve", "Resolve a dispute back to in_progress or completed (`to`)")


@json_route(bp, "/v1/deals/{deal_id}/deliverables", "GET", tag=TAG, summary="A deal's deliverables",
            response=DeliverableList, errors=(401, 403, 404))
def list_deliverables(call, deal_id):
    deal, items = deliverables.of_deal(call.principal, deal_id)
    return DeliverableList(items=[out.deliverable_out(i, deal) for i in items])


@json_route(bp, "/v1/deals/{deal_id}/deliverables", "POST", tag=TAG,
            summary="Add a deliverable (after signing: an amendment)", body=DeliverableCreate,
            response=DeliverableOut, status=201, errors=(401, 403, 404, 409, 415, 422))
def create_deliverable(call, deal_id):
    item = deliverables.create(call.principal, deal_id, call.body)
    return out.deliverable_out(item, deals.get(call.principal, deal_id, consistent=True))


@json_route(bp, "/v1/deliverables/{deliverable_id}", "GET", tag=TAG, summary="One deliverable",
            response=DeliverableOut, errors=(401, 403, 404))
def get_deliverable(call, deliverable_id):
    item, deal = deliverables.get(call.principal, deliverable_id)
    return out.deliverable_out(item, deal)


@json_route(bp, "/v1/deliverables/{deliverable_id}", "PATCH", tag=TAG,
            summary="Change a deliverable or move its status (its account, format, time and overrides are terms)",
            body=DeliverablePatch, response=DeliverableOut, errors=(400, 401, 403, 404, 409, 415, 422))
def patch_deliverable(call, deliverable_id):
    item = deliverables.update(call.principal, deliverable_id, call.body, if_match(call.headers))
    return out.deliverable_out(item, deals.get(call.principal, item.deal_id, consistent=True))
