"""The influencer directory's JSON API (the pages are pages.py)."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import PageQuery
from chalicelib.identity.doors import json_route
from chalicelib.influencers.schemas import (
    AccountCreate,
    AccountList,
    AccountOut,
    AccountPatch,
    FlagOut,
    InfluencerCreate,
    InfluencerList,
    InfluencerOut,
    InfluencerPatch,
    InfluencerQuery,
    SnapshotIn,
    SnapshotList,
    SnapshotOut,
    StatusChange,
    VettingOut,
    account_out,
    influencer_out,
    snapshot_out,
)

influencers = lazy_import("chalicelib.influencers.service")

bp = Blueprint(__name__)
TAG = "influencers"


def _out(call, item) -> InfluencerOut:
    return influencer_out(item, show_legal=influencers.shows_legal(call.principal, item.brand_id))


@json_route(bp, "/v1/brands/{brand_id}/influencers", "GET", tag=TAG,
            summary="A brand's influencers (filters; most followers or highest ER first)", query=InfluencerQuery,
            response=InfluencerList, errors=(401, 403, 404, 422))
def list_influencers(call, brand_id):
    page = influencers.directory(call.principal, brand_id, call.query)
    show = influencers.shows_legal(call.principal, brand_id)
    return InfluencerList(items=[influencer_out(i, show_legal=show) for i in page.items], cursor=page.cursor)


@json_route(bp, "/v1/brands/{brand_id}/influencers", "POST", tag=TAG, summary="Add an influencer",
            body=InfluencerCreate, response=InfluencerOut, status=201, errors=(401, 403, 404, 415, 422))
def create_influencer(call, brand_id):
    return _out(call, influencers.create(call.principal, brand_id, call.body))


@json_route(bp, "/v1/influencers/{influencer_id}", "GET", tag=TAG, summary="One influencer", response=InfluencerOut,
            errors=(401, 404))
def get_influencer(call, influencer_id):
    return _out(call, influencers.get(call.principal, influencer_id))


@json_route(bp, "/v1/influencers/{influencer_id}", "PATCH", tag=TAG, summary="Change an influencer",
            body=InfluencerPatch, response=InfluencerOut, errors=(401, 403, 404, 409, 415, 422))
def patch_influencer(call, influencer_id):
    return _out(call, influencers.update(call.principal, influencer_id, call.body))


@json_route(bp, "/v1/influencers/{influencer_id}", "DELETE", tag=TAG,
            summary="Remove an influencer from the directory (kept for the audit trail)", status=204,
            errors=(401, 403, 404, 409))
def delete_influencer(call, influencer_id):
    influencers.delete(call.principal, influencer_id)
    return None


@json_route(bp, "/v1/influencers/{influencer_id}/status", "POST", tag=TAG,
            summary="Move an influencer: prospect → vetting → approved | rejected, approved ↔ on_hold, blacklisted",
            body=StatusChange, response=InfluencerOut, errors=(401, 403, 404, 409, 415, 422))
def change_status(call, influencer_id):
    return _out(call, influencers.change_status(call.principal, influencer_id, call.body))


@json_route(bp, "/v1/influencers/{influencer_id}/vetting", "GET", tag=TAG,
            summary="The vetting verdict now: every flag with its rule, threshold, benchmark and numbers",
            response=VettingOut, errors=(401, 404))
def get_vetting(call, influencer_id):
    verdict, flags, at = influencers.vet(call.principal, influencer_id, call.principal.language)
    from chalicelib.core.clock import iso

    return VettingOut(influencer_id=influencer_id, verdict=verdict.verdict,
                      flags=[FlagOut.model_validate(flag, from_attributes=True) for flag in flags], computed_at=iso(at))


@json_route(bp, "/v1/influencers/{influencer_id}/accounts", "GET", tag=TAG, summary="An influencer's accounts",
            response=AccountList, errors=(401, 404))
def list_accounts(call, influencer_id):
    return AccountList(items=[account_out(a) for a in influencers.accounts(call.principal, influencer_id)])


@json_route(bp, "/v1/influencers/{influencer_id}/accounts", "POST", tag=TAG,
            summary="Add an account (a handle is unique per platform within the brand)", body=AccountCreate,
            response=AccountOut, status=201, errors=(401, 403, 404, 409, 415, 422))
def add_account(call, influencer_id):
    return account_out(influencers.add_account(call.principal, influencer_id, call.body))


@json_route(bp, "/v1/accounts/{account_id}", "PATCH", tag=TAG, summary="Change an account's figures or handle",
            body=AccountPatch, response=AccountOut, errors=(401, 403, 404, 409, 415, 422))
def patch_account(call, account_id):
    return account_out(influencers.update_account(call.principal, account_id, call.body))


@json_route(bp, "/v1/accounts/{account_id}", "DELETE", tag=TAG, summary="Remove an account", status=204,
            errors=(401, 403, 404, 409))
def delete_account(call, account_id):
    influencers.delete_account(call.principal, account_id)
    return None


@json_route(bp, "/v1/accounts/{account_id}/snapshots", "GET", tag=TAG,
            summary="An account's measurements, oldest first", query=PageQuery, response=SnapshotList,
            errors=(401, 404, 422))
def list_snapshots(call, account_id):
    page = influencers.list_snapshots(call.principal, account_id, call.query.cursor, call.query.limit)
    return SnapshotList(items=[snapshot_out(s) for s in page.items], cursor=page.cursor)


@json_route(bp, "/v1/accounts/{account_id}/snapshots", "POST", tag=TAG,
            summary="Add a measurement (one per day: a second one that day replaces it)", body=SnapshotIn,
            response=SnapshotOut, status=201, errors=(401, 403, 404, 409, 415, 422))
def add_snapshot(call, account_id):
    return snapshot_out(influencers.add_snapshot(call.principal, account_id, call.body))
