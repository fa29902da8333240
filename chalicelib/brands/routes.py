"""Brands: list mine, create, read, change."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.brands.schemas import BrandCreate, BrandList, BrandOut, BrandPatch
from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import Created, PageQuery
from chalicelib.identity.doors import json_route

brands = lazy_import("chalicelib.brands.service")

bp = Blueprint(__name__)


def brand_out(item, principal) -> BrandOut:
    return BrandOut(id=item.id, name=item.name, slug=item.slug, timezone=item.timezone,
                    settings=brands.brand_settings(item), my_roles=principal.roles_in(item.id), version=item.version,
                    created_at=item.created_at, updated_at=item.updated_at)


@json_route(bp, "/v1/brands", "GET", tag="brands", summary="Brands I work on (admins: all)",
            query=PageQuery, response=BrandList, errors=(401, 422))
def list_brands(call):
    page = brands.list_mine(call.principal, call.query.cursor, call.query.limit)
    return BrandList(items=[brand_out(b, call.principal) for b in page.items], cursor=page.cursor)


@json_route(bp, "/v1/brands", "POST", tag="brands", summary="Create a brand (admin)", body=BrandCreate,
            response=Created, status=201, errors=(401, 403, 409, 415, 422))
def create_brand(call):
    return Created(id=brands.create(call.principal, call.body).id)


@json_route(bp, "/v1/brands/{brand_id}", "GET", tag="brands", summary="One brand", response=BrandOut,
            errors=(401, 404))
def get_brand(call, brand_id):
    return brand_out(brands.get(call.principal, brand_id), call.principal)


@json_route(bp, "/v1/brands/{brand_id}", "PATCH", tag="brands", summary="Change a brand (admin, SMM manager)",
            body=BrandPatch, response=BrandOut, errors=(401, 403, 404, 409, 415, 422))
def patch_brand(call, brand_id):
    return brand_out(brands.update(call.principal, brand_id, call.body), call.principal)
