"""Approval chains of a brand."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.approvals.chains.schemas import ChainIn, ChainList, ChainOut, ChainPatch
from chalicelib.core.lazy import lazy_import
from chalicelib.core.plain import plain
from chalicelib.core.schemas import Created, PageQuery
from chalicelib.identity.doors import json_route

chains = lazy_import("chalicelib.approvals.chains.service")
bp = Blueprint(__name__)


def chain_out(item) -> ChainOut:
    return ChainOut(id=item.id, brand_id=item.brand_id, name=item.name, content_types=list(item.content_types or []),
                    default=bool(item.is_default), stages=plain(item.stages) or [], on_miss=item.on_miss or "notify",
                    version=item.version, created_at=item.created_at, updated_at=item.updated_at)


@json_route(bp, "/v1/brands/{brand_id}/approval-chains", "GET", tag="workflow", summary="Approval chains",
            query=PageQuery, response=ChainList, errors=(401, 403, 404, 422))
def list_chains(call, brand_id):
    page = chains.list_chains(call.principal, brand_id, call.query.cursor, call.query.limit)
    return ChainList(items=[chain_out(c) for c in page.items], cursor=page.cursor)


@json_route(bp, "/v1/brands/{brand_id}/approval-chains", "POST", tag="workflow", summary="Add an approval chain",
            body=ChainIn, response=Created, status=201, errors=(401, 403, 404, 409, 415, 422))
def create_chain(call, brand_id):
    return Created(id=chains.create(call.principal, brand_id, call.body).id)


@json_route(bp, "/v1/approval-chains/{chain_id}", "GET", tag="workflow", summary="One approval chain",
            response=ChainOut, errors=(401, 404))
def get_chain(call, chain_id):
    return chain_out(chains.get(call.principal, chain_id))


@json_route(bp, "/v1/approval-chains/{chain_id}", "PATCH", tag="workflow", summary="Change an approval chain",
            body=ChainPatch, response=ChainOut, errors=(401, 403, 404, 409, 415, 422))
def patch_chain(call, chain_id):
    return chain_out(chains.update(call.principal, chain_id, call.body))


@json_route(bp, "/v1/approval-chains/{chain_id}", "DELETE", tag="workflow", summary="Remove an approval chain",
            status=204, errors=(401, 403, 404, 409))
def delete_chain(call, chain_id):
    chains.delete(call.principal, chain_id)
    return None
