"""Channels of a brand."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.brands.channels.schemas import ChannelCreate, ChannelList, ChannelOut, ChannelPatch
from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import Created, PageQuery
from chalicelib.identity.doors import json_route

channels = lazy_import("chalicelib.brands.channels.service")

bp = Blueprint(__name__)


@json_route(bp, "/v1/brands/{brand_id}/channels", "GET", tag="channels", summary="Channels of a brand",
            query=PageQuery, response=ChannelList, errors=(401, 403, 404, 422))
def list_channels(call, brand_id):
    page = channels.list_channels(call.principal, brand_id, call.query.cursor, call.query.limit)
    return ChannelList(items=[ChannelOut.model_validate(c) for c in page.items], cursor=page.cursor)


@json_route(bp, "/v1/brands/{brand_id}/channels", "POST", tag="channels", summary="Add a channel",
            body=ChannelCreate, response=Created, status=201, errors=(401, 403, 404, 415, 422))
def create_channel(call, brand_id):
    return Created(id=channels.create(call.principal, brand_id, call.body).id)


def _channel(channel_id: str) -> list:
    from chalicelib.brands.channels.models import ChannelItem
    from chalicelib.brands.channels.repo import channel_key

    return [(ChannelItem, *channel_key(channel_id))]


@json_route(bp, "/v1/channels/{channel_id}", "GET", tag="channels", summary="One channel", response=ChannelOut,
            errors=(401, 404), prefetch=_channel)
def get_channel(call, channel_id):
    return ChannelOut.model_validate(channels.get(call.principal, channel_id))


@json_route(bp, "/v1/channels/{channel_id}", "PATCH", tag="channels", summary="Change a channel",
            body=ChannelPatch, response=ChannelOut, errors=(401, 403, 404, 409, 415, 422))
def patch_channel(call, channel_id):
    return ChannelOut.model_validate(channels.update(call.principal, channel_id, call.body))


@json_route(bp, "/v1/channels/{channel_id}", "DELETE", tag="channels", summary="Remove a channel", status=204,
            errors=(401, 403, 404, 409))
def delete_channel(call, channel_id):
    channels.delete(call.principal, channel_id)
    return None
