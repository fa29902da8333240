"""Members of a brand: list them, give a person a role (inviting unknown emails), take it away."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.brands.members.schemas import MemberAdd, MemberList, MemberOut, MemberRemove
from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import PageQuery
from chalicelib.identity.doors import json_route

members = lazy_import("chalicelib.brands.members.service")

bp = Blueprint(__name__)


def member_out(item) -> MemberOut:
    return MemberOut(user_id=item.user_id, email=item.email, name=item.name, roles=list(item.roles))


@json_route(bp, "/v1/brands/{brand_id}/members", "GET", tag="brands", summary="Members of a brand",
            query=PageQuery, response=MemberList, errors=(401, 403, 404, 422))
def list_members(call, brand_id):
    page = members.list_members(call.principal, brand_id, call.query.cursor, call.query.limit)
    return MemberList(items=[member_out(m) for m in page.items], cursor=page.cursor)


@json_route(bp, "/v1/brands/{brand_id}/members", "POST", tag="brands",
            summary="Give a person a role in the brand (invites unknown emails)", body=MemberAdd,
            response=MemberOut, status=201, errors=(401, 403, 404, 409, 415, 422))
def add_member(call, brand_id):
    return member_out(members.add(call.principal, brand_id, call.body))


@json_route(bp, "/v1/brands/{brand_id}/members", "DELETE", tag="brands",
            summary="Take a role (or, without role, the membership) away", query=MemberRemove, status=204,
            errors=(401, 403, 404, 422))
def remove_member(call, brand_id):
    members.remove(call.principal, brand_id, call.query)
    return None
