"""Approval chains: ordered stages of approvers, picked per content type (else the brand default)."""
from __future__ import annotations

from chalicelib.approvals.chains import repo
from chalicelib.brands.members import repo as member_repo
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission


def _values(brand_id: str, data, *, partial: bool = False) -> dict:
    raw = data.model_dump(mode="json", exclude_unset=partial, exclude={"version"})
    values = {}
    if "name" in raw:
        values["name"] = raw["name"]
    if "content_types" in raw:
        values["content_types"] = raw["content_types"]
    if "default" in raw:
        values["is_default"] = raw["default"]
    if "on_miss" in raw:
        values["on_miss"] = raw["on_miss"]
    if "stages" in raw:
        for index, stage in enumerate(raw["stages"]):
            for j, user_id in enumerate(stage["approver_user_ids"]):
                if member_repo.get(brand_id, user_id) is None:
                    raise ValidationFailed("An approver is not a member of the brand.", details=[
                        {"field": f"stages.{index}.approver_user_ids.{j}", "message": "not a member"}])
        values["stages"] = raw["stages"]
    return values


def _check_overlaps(brand_id: str, values: dict, chain_id: str | None) -> None:
    """One chain per content type, one default chain: otherwise the choice would be arbitrary."""
    for other in repo.all_for_brand(brand_id):
        if other.id == chain_id:
            continue
        shared = set(values.get("content_types") or []) & set(other.content_types or [])
        if shared:
            raise Conflict(f"The chain '{other.name}' already covers {', '.join(sorted(shared))}.",
                           details=[{"field": "content_types", "message": "already covered"}])
        if values.get("is_default") and other.is_default:
            raise Conflict(f"The chain '{other.name}' is already the default.",
                           details=[{"field": "default", "message": "another default exists"}])


def list_chains(principal: Principal, brand_id: str, cursor, limit):
    principal.require(brand_id, Permission.view_posts)
    return repo.list_for_brand(brand_id, cursor, limit)


def create(principal: Principal, brand_id: str, data):
    principal.require(brand_id, Permission.manage_chains)
    values = _values(brand_id, data)
    _check_overlaps(brand_id, values, None)
    return repo.create(principal.actor, brand_id, values)


def get(principal: Principal, chain_id: str):
    chain = repo.get(chain_id)
    if chain is None:
        raise NotFound("No such approval chain.")
    principal.require(chain.brand_id, Permission.view_posts, what="approval chain")
    return chain


def update(principal: Principal, chain_id: str, data):
    chain = get(principal, chain_id)
    principal.require(chain.brand_id, Permission.manage_chains, what="approval chain")
    if data.version is not None and data.version != chain.version:
        raise Conflict("The chain changed since you loaded it.", current_version=chain.version)
    values = _values(chain.brand_id, data, partial=True)
    merged = {"content_types": values.get("content_types", list(chain.content_types or [])),
              "is_default": values.get("is_default", chain.is_default)}
    _check_overlaps(chain.brand_id, merged, chain.id)
    return repo.update(principal.actor, chain, values)


def delete(principal: Principal, chain_id: str) -> None:
    chain = get(principal, chain_id)
    principal.require(chain.brand_id, Permission.manage_chains, what="approval chain")
    repo.delete(principal.actor, chain)
