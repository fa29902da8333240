"""The caller: profile and personal API tokens."""
from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import Id, Input
from chalicelib.identity.doors import json_route
from chalicelib.profile.schemas import MeOut, MePatch, TokenCreate, TokenCreated, TokenList, TokenOut

identity = lazy_import("chalicelib.identity.service")

bp = Blueprint(__name__)


class TokenRevoke(Input):
    id: Id = Field(description="The token to revoke")


def me_out(user) -> MeOut:
    from chalicelib.identity.principal import brand_roles_of
    from chalicelib.profile import service as people

    return MeOut(id=user.id, email=user.email, name=user.name, language=user.language, is_admin=bool(user.is_admin),
                 brands=brand_roles_of(user), timezone=user.timezone, notify=people.notify_of(user),
                 slack_user_id=user.slack_user_id)


@json_route(bp, "/v1/me", "GET", tag="people", summary="Who am I", response=MeOut, errors=(401,))
def me(call):
    from chalicelib.profile import service as people

    return me_out(people.get_me(call.principal))


@json_route(bp, "/v1/me", "PATCH", tag="people",
            summary="Change my profile: name, language, time zone, notifications, Slack link", body=MePatch,
            response=MeOut, errors=(401, 409, 415, 422))
def patch_me(call):
    from chalicelib.profile import service as people

    body, given = call.body, call.body.model_fields_set
    user = people.update_profile(
        call.principal, name=body.name, language=body.language,
        timezone=body.timezone if "timezone" in given else people.UNSET,
        notify=body.notify.model_dump(exclude_unset=True) if body.notify is not None else None,
        slack_user_id=body.slack_user_id if "slack_user_id" in given else people.UNSET)
    return me_out(user)


@json_route(bp, "/v1/me/slack-link", "POST", tag="people",
            summary="Link my Slack account: the member Slack has for my email address", response=MeOut,
            errors=(401, 409, 422))
def link_my_slack(call):
    from chalicelib.profile import service as people

    return me_out(people.link_slack_by_email(call.principal))


@json_route(bp, "/v1/tokens", "GET", tag="people", summary="My API tokens", response=TokenList, errors=(401,))
def list_tokens(call):
    return TokenList(items=[TokenOut.model_validate(t) for t in identity.list_tokens(call.principal)])


@json_route(bp, "/v1/tokens", "POST", tag="people", summary="Create an API token (shown once)",
            body=TokenCreate, response=TokenCreated, status=201, errors=(401, 415, 422))
def create_token(call):
    item, secret = identity.create_token(call.principal, call.body.name)
    return TokenCreated(id=item.id, name=item.name, prefix=item.prefix, created_at=item.created_at, token=secret)


@json_route(bp, "/v1/tokens", "DELETE", tag="people", summary="Revoke one of my API tokens",
            query=TokenRevoke, status=204, errors=(401, 404, 422))
def revoke_token(call):
    identity.revoke_token(call.principal, call.query.id)
    return None
