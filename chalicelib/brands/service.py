"""Brands: create (admin), list mine, read, change."""
from __future__ import annotations

from chalicelib.brands import repo as brand_repo
from chalicelib.brands.schemas import BrandCreate, BrandPatch
from chalicelib.core.db.pages import Page, decode_cursor, encode_cursor, page_size
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.plain import plain
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission


def create(principal: Principal, data: BrandCreate):
    principal.require_admin()
    return brand_repo.create(principal.actor, name=data.name, slug=data.slug, timezone=data.timezone,
                             settings=data.settings.model_dump())


def list_mine(principal: Principal, cursor: str | None, limit: int | None) -> Page:
    """Admins: every brand, by slug (a Query on gsi1). Others: the brands on their roles map, in
    the order they were created (ids are ULIDs), one page fetched with BatchGetItem."""
    if principal.is_admin:
        return brand_repo.list_all(cursor, limit)
    start = decode_cursor("my-brands", cursor) or {}
    after = str(start.get("after", ""))
    remaining = sorted(b for b in principal.brands if b > after)
    size = page_size(limit)
    chosen = remaining[:size]
    items = sorted(brand_repo.batch_get(chosen), key=lambda b: b.id)
    more = len(remaining) > size
    return Page(items=items, cursor=encode_cursor("my-brands", {"after": chosen[-1]}) if more else None)


def get(principal: Principal, brand_id: str):
    principal.require(brand_id, Permission.view_brand)
    brand = brand_repo.get(brand_id)
    if brand is None:
        raise NotFound("No such brand.")
    return brand


def update(principal: Principal, brand_id: str, data: BrandPatch):
    principal.require(brand_id, Permission.edit_brand)
    brand = get(principal, brand_id)
    if data.version is not None and data.version != brand.version:
        raise Conflict("The brand changed since you loaded it.", current_version=brand.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"}, exclude_none=True)
    if "settings" in changes:
        merged = dict(brand_settings(brand))
        merged.update(changes["settings"])
        changes["settings"] = merged
    return brand_repo.update(principal.actor, brand, changes)


def brand_settings(brand) -> dict:
    return plain(brand.settings) or {}
