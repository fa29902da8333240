"""Brands: create (admin), list mine, read, change."""
from __future__ import annotations

from chalicelib.brands import repo as brand_repo
from chalicelib.brands.schemas import BrandCreate, BrandPatch
from chalicelib.core import secrets
from chalicelib.core.db.pages import Page, decode_cursor, encode_cursor, page_size
from chalicelib.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.core.plain import plain
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission


def create(principal: Principal, data: BrandCreate):
    principal.require_admin()
    brand_id = new_id()
    settings = data.settings.model_dump(mode="json")
    if any(settings.get(k) for k in SLACK_APP):
        _check_slack_app(brand_id, settings)
    return brand_repo.create(principal.actor, name=data.name, slug=data.slug, timezone=data.timezone,
                             settings=settings, brand_id=brand_id)


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
    changes = data.model_dump(exclude_unset=True, exclude={"version", "settings"}, exclude_none=True)
    if data.settings is not None:
        given = data.settings.model_dump(mode="json", exclude_unset=True)  # an explicit null removes a setting
        if set(given) & set(SLACK_APP) and not principal.is_admin:
            raise Forbidden("Only an administrator can connect a brand's own Slack app: its secrets decide whose "
                            "Slack clicks Greenlight believes.")
        merged = dict(brand_settings(brand))
        merged.update({k: v for k, v in given.items() if v is not None})
        for key in [k for k, v in given.items() if v is None]:
            merged.pop(key, None)
        if set(given) & set(SLACK_APP):
            _check_slack_app(brand.id, merged)
        changes["settings"] = merged
    return brand_repo.update(principal.actor, brand, changes)


SLACK_REFS = ("slack_bot_token_ref", "slack_signing_secret_ref")
SLACK_APP = (*SLACK_REFS, "slack_team_id")


def _check_slack_app(brand_id: str, settings: dict) -> None:
    """The brand's own Slack app: both its secrets (token and signing secret: never one of them with
    the workspace app's other), under the brand's `slack/` prefix, and the team it lives in (a payload
    from any other Slack workspace is refused: approvals/slack/service.py)."""
    for field in SLACK_REFS:
        secrets.check_for_brand(settings.get(field), brand_id, field=f"settings.{field}", purpose="slack")
    if not any(settings.get(field) for field in SLACK_REFS):
        return
    for field in (*SLACK_REFS, "slack_team_id"):
        if not settings.get(field):
            message = ("A brand's own Slack app needs its bot token, its signing secret and the id of the "
                       "workspace it is installed in (slack_team_id, T…), all three.")
            raise ValidationFailed(message, details=[{"field": f"settings.{field}", "message": message}])


def brand_settings(brand) -> dict:
    return plain(brand.settings) or {}
