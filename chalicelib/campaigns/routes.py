"""Campaigns: the JSON API (the use cases: service.py, costs.py, members.py).

  POST  /v1/brands/{brand_id}/campaigns           create a campaign → 201 (manage_campaigns)
  GET   /v1/brands/{brand_id}/campaigns           the brand's campaigns, latest start first (?status, paged)
  GET   /v1/campaigns/{id}                        one campaign
  PATCH /v1/campaigns/{id}                        change it; `version` in the body or If-Match (409 when stale)
  POST  /v1/campaigns/{id}/archive | /unarchive   archive (read-only, takes no new posts or deals) or back
  POST  /v1/campaigns/{id}/costs                  add a cost line {kind, label, spent_on, amount} → 201
  GET   /v1/campaigns/{id}/costs                  its cost lines (all: at most 1000) and their total
  DELETE /v1/campaigns/{id}/costs/{cost_id}       delete a cost line → 204
  GET   /v1/campaigns/{id}/members                the posts and deals attached (through their campaign_id): posts
                                                  for those who may see posts, deals for those who may see deals
"""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.campaigns.schemas import (
    CampaignCreate,
    CampaignList,
    CampaignOut,
    CampaignPatch,
    CampaignQuery,
    CostLineCreate,
    CostLineList,
    CostLineOut,
    MemberList,
)
from chalicelib.core.http.api import if_match
from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import PageQuery
from chalicelib.identity.doors import json_route

service = lazy_import("chalicelib.campaigns.service")
costs = lazy_import("chalicelib.campaigns.costs")
members = lazy_import("chalicelib.campaigns.members")
out = lazy_import("chalicelib.campaigns.out")

bp = Blueprint(__name__)
TAG = "campaigns"


def _campaign(call, campaign) -> CampaignOut:
    return out.campaign_out(campaign, call.principal.language)


@json_route(bp, "/v1/brands/{brand_id}/campaigns", "POST", tag=TAG,
            summary="Create a campaign: goal, dates, budget, targets and the UTM defaults of its links",
            body=CampaignCreate, response=CampaignOut, status=201, errors=(401, 403, 404, 415, 422))
def create_campaign(call, brand_id):
    return _campaign(call, service.create(call.principal, brand_id, call.body))


@json_route(bp, "/v1/brands/{brand_id}/campaigns", "GET", tag=TAG,
            summary="A brand's campaigns, latest start first (status filter, paged)", query=CampaignQuery,
            response=CampaignList, errors=(400, 401, 403, 404, 422))
def list_campaigns(call, brand_id):
    page = service.directory(call.principal, brand_id, call.query)
    return CampaignList(items=[_campaign(call, c) for c in page.items], cursor=page.cursor)


@json_route(bp, "/v1/campaigns/{campaign_id}", "GET", tag=TAG, summary="One campaign", response=CampaignOut,
            errors=(401, 403, 404))
def get_campaign(call, campaign_id):
    return _campaign(call, service.require(call.principal, campaign_id))


@json_route(bp, "/v1/campaigns/{campaign_id}", "PATCH", tag=TAG,
            summary="Change a campaign (targets as a whole); version in the body or If-Match", body=CampaignPatch,
            response=CampaignOut, errors=(400, 401, 403, 404, 409, 415, 422))
def patch_campaign(call, campaign_id):
    return _campaign(call, service.update(call.principal, campaign_id, call.body, if_match(call.headers)))


@json_route(bp, "/v1/campaigns/{campaign_id}/archive", "POST", tag=TAG,
            summary="Archive a campaign: read-only, no new posts or deals (If-Match: the version, optional)",
            response=CampaignOut, errors=(400, 401, 403, 404, 409))
def archive_campaign(call, campaign_id):
    return _campaign(call, service.archive(call.principal, campaign_id, if_match(call.headers)))


@json_route(bp, "/v1/campaigns/{campaign_id}/unarchive", "POST", tag=TAG, summary="Make an archived campaign active",
            response=CampaignOut, errors=(400, 401, 403, 404, 409))
def unarchive_campaign(call, campaign_id):
    return _campaign(call, service.unarchive(call.principal, campaign_id, if_match(call.headers)))


@json_route(bp, "/v1/campaigns/{campaign_id}/costs", "POST", tag=TAG,
            summary="Add a cost line (a boost, production, other) on a date, in the campaign's currency",
            body=CostLineCreate, response=CostLineOut, status=201, errors=(401, 403, 404, 409, 415, 422))
def add_cost(call, campaign_id):
    campaign, item = costs.add(call.principal, campaign_id, call.body)
    return out.cost_out(item, campaign.currency, call.principal.language)


@json_route(bp, "/v1/campaigns/{campaign_id}/costs", "GET", tag=TAG, summary="A campaign's cost lines and their total",
            response=CostLineList, errors=(401, 403, 404))
def list_costs(call, campaign_id):
    campaign, items = costs.lines(call.principal, campaign_id)
    language = call.principal.language
    total = costs.total(campaign, items)
    return CostLineList(items=[out.cost_out(i, campaign.currency, language) for i in items],
                        total=out.money_out(total.minor, campaign.currency, language))


@json_route(bp, "/v1/campaigns/{campaign_id}/costs/{cost_id}", "DELETE", tag=TAG, summary="Delete a cost line",
            status=204, errors=(401, 403, 404, 409))
def delete_cost(call, campaign_id, cost_id):
    costs.delete(call.principal, campaign_id, cost_id)


@json_route(bp, "/v1/campaigns/{campaign_id}/members", "GET", tag=TAG,
            summary="The posts and deals of a campaign (those whose campaign_id names it), paged", query=PageQuery,
            response=MemberList, errors=(400, 401, 403, 404, 422))
def list_members(call, campaign_id):
    _campaign_item, page = members.listing(call.principal, campaign_id, call.query.cursor, call.query.limit)
    return MemberList(items=[out.member_out(m, s) for m, s in page.items], cursor=page.cursor)
