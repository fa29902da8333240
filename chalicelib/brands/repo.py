"""Brands and their unique slugs."""
from __future__ import annotations

from chalicelib.brands.models import BrandItem, BrandSlugItem
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.pages import Page, query_page
from chalicelib.core.db.put_unique import put_unique, release
from chalicelib.core.db.reads import changed_fields, get_item
from chalicelib.core.db.writes import Actor, Change, WriteConflict, transact
from chalicelib.core.errors import Conflict
from chalicelib.core.ids import new_id

ALL_BRANDS = "BRANDS"  # gsi1pk of every brand: "list all brands by slug" (admins)


def brand_key(brand_id: str) -> tuple[str, str]:
    return f"BRAND#{brand_id}", "BRAND"


def get(brand_id: str) -> BrandItem | None:
    return get_item(BrandItem, *brand_key(brand_id))


def batch_get(brand_ids: list[str]) -> list[BrandItem]:
    db_connection.bind_models()
    keys = [brand_key(b) for b in dict.fromkeys(brand_ids)]
    return list(BrandItem.batch_get(keys)) if keys else []


def get_by_slug(slug: str) -> BrandItem | None:
    link = get_item(BrandSlugItem, f"SLUG#{slug}", "BRAND")
    return get(link.brand_id) if link else None


def list_all(cursor: str | None, limit: int | None) -> Page[BrandItem]:
    db_connection.bind_models()
    return query_page(BrandItem.gsi1.query, "brands", cursor, limit, hash_key=ALL_BRANDS)


def _slug_conflict() -> Conflict:
    return Conflict("Another brand already uses this slug.", details=[{"field": "slug", "message": "taken"}])


def create(actor: Actor, *, name: str, slug: str, timezone: str, settings: dict,
           brand_id: str | None = None) -> BrandItem:
    brand_id, now = brand_id or new_id(), iso(utcnow())
    brand = BrandItem(*brand_key(brand_id), gsi1pk=ALL_BRANDS, gsi1sk=slug, id=brand_id, name=name,
                      slug=slug, timezone=timezone, settings=settings, created_at=now, updated_at=now)
    slug_item = BrandSlugItem(f"SLUG#{slug}", "BRAND", brand_id=brand_id)

    def build(tx):
        put_unique(tx, slug_item)
        tx.save(brand, condition=BrandItem.pk.does_not_exist())

    try:
        transact(actor, Change(brand_id, "brand", brand_id, "create",
                               after={"name": name, "slug": slug, "timezone": timezone}, version=1), build)
    except WriteConflict:
        raise _slug_conflict() from None
    return brand


def update(actor: Actor, brand: BrandItem, changes: dict) -> BrandItem:
    """Apply changed fields (name, slug, timezone, settings) under the brand's version."""
    changes, before = changed_fields(brand, changes)
    if not changes:
        return brand
    actions = [getattr(BrandItem, k).set(v) for k, v in changes.items()]
    actions.append(BrandItem.updated_at.set(iso(utcnow())))
    old_slug = brand.slug
    if "slug" in changes:
        actions.append(BrandItem.gsi1sk.set(changes["slug"]))

    def build(tx):
        if "slug" in changes:
            put_unique(tx, BrandSlugItem(f"SLUG#{changes['slug']}", "BRAND", brand_id=brand.id))
            release(tx, BrandSlugItem(f"SLUG#{old_slug}", "BRAND"), BrandSlugItem.brand_id == brand.id)
        tx.update(brand, actions)

    try:
        transact(actor, Change(brand.id, "brand", brand.id, "update", before, changes, brand.version + 1), build)
    except WriteConflict:
        holder = get_item(BrandSlugItem, f"SLUG#{changes['slug']}", "BRAND", consistent=True) \
            if "slug" in changes else None
        if holder is not None and holder.brand_id != brand.id:
            raise _slug_conflict() from None
        raise
    return get(brand.id)
