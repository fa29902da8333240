"""Brand memberships: one item per (brand, user) with the user's roles in that brand.

The same roles are copied onto the user item (`UserItem.brands`) in the same transaction, so a
single read of the user authorizes a request.
"""
from __future__ import annotations

from chalicelib.brands.models import MembershipItem
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.pages import Page, drain, query_page
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Actor, Change, transact
from chalicelib.core.plain import plain
from chalicelib.identity.models import UserItem


def member_key(brand_id: str, user_id: str) -> tuple[str, str]:
    return f"BRAND#{brand_id}", f"MEMBER#{user_id}"


def get(brand_id: str, user_id: str) -> MembershipItem | None:
    return get_item(MembershipItem, *member_key(brand_id, user_id))


def list_for_brand(brand_id: str, cursor: str | None, limit: int | None) -> Page[MembershipItem]:
    db_connection.bind_models()
    return query_page(MembershipItem.query, f"members:{brand_id}", cursor, limit,
                      hash_key=f"BRAND#{brand_id}", range_key_condition=MembershipItem.sk.startswith("MEMBER#"))


def set_roles(actor: Actor, brand_id: str, user: UserItem, roles: list[str]) -> MembershipItem | None:
    """Make `roles` the user's roles in the brand (empty: remove the membership).

    Conditional on both the membership's and the user's versions, so concurrent role changes
    cannot lose each other's update.
    """
    membership = get(brand_id, user.id)
    before = sorted(membership.roles) if membership else []
    roles = sorted(set(roles))
    if roles == before:
        return membership
    user_brands = dict(plain(user.brands) or {})
    if roles:
        user_brands[brand_id] = roles
    else:
        user_brands.pop(brand_id, None)

    def build(tx):
        if membership and roles:
            tx.update(membership, [MembershipItem.roles.set(roles)])
        elif membership:
            tx.delete(membership)
        else:
            tx.save(MembershipItem(*member_key(brand_id, user.id), brand_id=brand_id, user_id=user.id,
                                   roles=roles, email=user.email, name=user.name, created_at=iso(utcnow())))
        tx.update(user, [UserItem.brands.set(user_brands)])

    action = "grant" if len(roles) > len(before) else "revoke"
    transact(actor, Change(brand_id, "membership", user.id, action, {"roles": before}, {"roles": roles}), build)
    return get(brand_id, user.id) if roles else None


def user_ids_with_roles(brand_id: str, roles: set[str]) -> list[str]:
    """Members of a brand holding any of `roles`, in membership order (every page of the brand's members)."""
    return [m.user_id for m in drain(lambda cursor: list_for_brand(brand_id, cursor, 100))
            if roles & set(m.roles or [])]
