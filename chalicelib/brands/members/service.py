"""Who works on a brand, with which roles; inviting a colleague by email."""
from __future__ import annotations

from chalicelib.brands.members import repo as member_repo
from chalicelib.brands.members.schemas import MemberAdd, MemberRemove
from chalicelib.brands.service import get as get_brand
from chalicelib.core.errors import NotFound
from chalicelib.identity import repo as user_repo
from chalicelib.identity import service as auth
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission


def list_members(principal: Principal, brand_id: str, cursor: str | None, limit: int | None):
    principal.require(brand_id, Permission.view_members)
    return member_repo.list_for_brand(brand_id, cursor, limit)


def add(principal: Principal, brand_id: str, data: MemberAdd):
    """Grant a role; an unknown email becomes a new user who gets an invitation with a sign-in link."""
    principal.require(brand_id, Permission.manage_members)
    brand = get_brand(principal, brand_id)
    invited = False
    if data.user_id:
        user = user_repo.get(data.user_id)
        if user is None:
            raise NotFound("No such user.")
    else:
        user = user_repo.get_by_email(data.email)
        if user is None:
            name = data.name or data.email.split("@")[0]
            language = data.language or brand_settings_language(brand)
            user = user_repo.create(principal.actor, email=data.email, name=name, language=language)
            invited = True
    current = member_repo.get(brand_id, user.id)
    roles = list(current.roles) if current else []
    membership = member_repo.set_roles(principal.actor, brand_id, user, roles + [data.role.value])
    if invited or current is None:
        auth.send_sign_in_link(user, f"/brands/{brand_id}", template="invite",
                               brand=brand.name, inviter=principal.name)
    return membership


def remove(principal: Principal, brand_id: str, data: MemberRemove) -> None:
    """Take one role away, or the whole membership when no role is named."""
    principal.require(brand_id, Permission.manage_members)
    current = member_repo.get(brand_id, data.user_id)
    user = user_repo.get(data.user_id)
    if current is None or user is None:
        raise NotFound("This person is not a member of the brand.")
    if data.role is None:
        roles = []
    elif data.role.value in current.roles:
        roles = [r for r in current.roles if r != data.role.value]
    else:
        raise NotFound("This person does not have that role in the brand.")
    member_repo.set_roles(principal.actor, brand_id, user, roles)


def brand_settings_language(brand) -> str:
    from chalicelib.brands.service import brand_settings

    return brand_settings(brand).get("default_language", "en")


def managers(brand_id: str) -> list:
    """The brand's SMM managers (escalations and publishing alerts go to them)."""
    ids = member_repo.user_ids_with_roles(brand_id, {"smm_manager"})
    users = user_repo.batch_get(ids)
    return [users[u] for u in ids if u in users]
