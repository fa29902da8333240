"""Channels of a brand. Secrets are never stored: only a reference to where they live."""
from __future__ import annotations

from chalicelib.brands.channels import repo as channel_repo
from chalicelib.brands.channels.schemas import ChannelCreate, ChannelPatch
from chalicelib.brands.service import get as get_brand
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.settings import get_settings
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission


def _check_reference(ref: str | None) -> None:
    if ref and ref.startswith("env:") and get_settings().STAGE == "prod":
        raise ValidationFailed("env: references are allowed only in local and dev; use ssm: or secretsmanager:",
                               details=[{"field": "credentials_ref", "message": "env: not allowed in prod"}])


def _check_webhook_url(platform, handle: str | None) -> None:
    """A webhook channel's handle is the URL deliveries are POSTed to: it must be http(s) with a host.
    (Whether the host is public is checked at send time, when it is resolved: see core/net/guard.py.)"""
    from urllib.parse import urlsplit

    if getattr(platform, "value", platform) != "webhook":
        return
    message = "A webhook channel needs its URL in handle, starting with https:// (or http://)."
    try:
        parts = urlsplit((handle or "").strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or any(
            ch.isspace() for ch in (handle or "").strip()):
        raise ValidationFailed(message, details=[{"field": "handle", "message": "must be an http(s) URL"}])


def list_channels(principal: Principal, brand_id: str, cursor: str | None, limit: int | None):
    principal.require(brand_id, Permission.view_channels)
    return channel_repo.list_for_brand(brand_id, cursor, limit)


def create(principal: Principal, brand_id: str, data: ChannelCreate):
    principal.require(brand_id, Permission.manage_channels)
    get_brand(principal, brand_id)
    _check_reference(data.credentials_ref)
    _check_webhook_url(data.platform, data.handle)
    return channel_repo.create(principal.actor, brand_id, data.model_dump(mode="json"))


def get(principal: Principal, channel_id: str):
    channel = channel_repo.get(channel_id)
    if channel is None:
        raise NotFound("No such channel.")
    principal.require(channel.brand_id, Permission.view_channels, what="channel")
    return channel


def update(principal: Principal, channel_id: str, data: ChannelPatch):
    channel = get(principal, channel_id)
    principal.require(channel.brand_id, Permission.manage_channels, what="channel")
    if data.version is not None and data.version != channel.version:
        raise Conflict("The channel changed since you loaded it.", current_version=channel.version)
    _check_reference(data.credentials_ref)
    changes = data.model_dump(mode="json", exclude_unset=True, exclude={"version"})
    if "handle" in changes:
        _check_webhook_url(channel.platform, changes["handle"])
    for field in ("name",):
        if field in changes and changes[field] is None:
            raise ValidationFailed(f"{field} cannot be empty", details=[{"field": field, "message": "required"}])
    return channel_repo.update(principal.actor, channel, changes)


def delete(principal: Principal, channel_id: str) -> None:
    channel = get(principal, channel_id)
    principal.require(channel.brand_id, Permission.manage_channels, what="channel")
    channel_repo.delete(principal.actor, channel)
