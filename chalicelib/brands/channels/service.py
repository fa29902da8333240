"""Channels of a brand. The item holds only a reference to where the channel's token lives, under the
brand's own prefix (core/secret_refs.py); a manager may instead type the token in (`credentials`),
which Greenlight stores there itself and never gives back."""
from __future__ import annotations

from chalicelib.brands.channels import repo as channel_repo
from chalicelib.brands.channels.schemas import ChannelCreate, ChannelPatch
from chalicelib.brands.service import get as get_brand
from chalicelib.core import secret_refs, secrets
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import new_id
from chalicelib.identity.principal import Principal
from chalicelib.identity.rules import Permission


def _one_way_to_credentials(data, given: set[str]) -> None:
    if "credentials" in given and data.credentials is not None and data.credentials_ref is not None:
        message = "Give the token (credentials) or where it lives (credentials_ref), not both."
        raise ValidationFailed(message, details=[{"field": "credentials", "message": message}])
    if "user_credentials" in given and data.user_credentials is not None and data.user_credentials_ref is not None:
        message = "Give the user token (user_credentials) or where it lives (user_credentials_ref), not both."
        raise ValidationFailed(message, details=[{"field": "user_credentials", "message": message}])


def user_token_name(channel_id: str) -> str:
    """Where Greenlight stores a VK channel's second token (the admin's user token for media uploads)."""
    return secret_refs.managed_channel_name(channel_id) + "-user"


def _user_token_only_for_vk(platform, data, given: set[str]) -> None:
    if getattr(platform, "value", platform) == "vk":
        return
    for field in ("user_credentials", "user_credentials_ref"):
        if field in given and getattr(data, field) is not None:
            message = "Only a VK channel takes a user token (for uploading photos and video)."
            raise ValidationFailed(message, details=[{"field": field, "message": message}])


def _store_user(brand_id: str, channel_id: str, data) -> dict:
    value = data.user_credentials.get_secret_value().strip()
    if not value:
        raise ValidationFailed("The user token is empty.", details=[{"field": "user_credentials", "message": "empty"}])
    reference = secrets.store_for_brand(brand_id, user_token_name(channel_id), value)
    return {"user_credentials_ref": reference, "user_credentials_set_at": iso(utcnow())}


def _store(brand_id: str, channel_id: str, data) -> dict:
    """Values for a token typed in: stored under the brand's prefix, only its reference kept."""
    value = data.credentials.get_secret_value().strip()
    if not value:
        raise ValidationFailed("The token is empty.", details=[{"field": "credentials", "message": "empty"}])
    reference = secrets.store_for_brand(brand_id, secret_refs.managed_channel_name(channel_id), value)
    return {"credentials_ref": reference, "credentials_set_at": iso(utcnow())}


def _check_webhook_url(platform, handle: str | None) -> None:
    """A webhook channel's handle is the URL deliveries are POSTed to: it must be http(s) with a host, and
    pass the outbound guard's rules as they stand now (core/net/guard.url_problem: port, a private or
    reserved address, unless on OUTBOUND_ALLOW_PRIVATE). A name that does not resolve yet is accepted;
    every send checks it again, when it is resolved for the send."""
    from urllib.parse import urlsplit

    from chalicelib.core.net.guard import url_problem

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
    problem = url_problem(handle.strip())
    if problem:
        raise ValidationFailed(f"This webhook URL cannot be used: {problem}",
                               details=[{"field": "handle", "message": problem}])


def list_channels(principal: Principal, brand_id: str, cursor: str | None, limit: int | None):
    principal.require(brand_id, Permission.view_channels)
    return channel_repo.list_for_brand(brand_id, cursor, limit)


def create(principal: Principal, brand_id: str, data: ChannelCreate):
    principal.require(brand_id, Permission.manage_channels)
    get_brand(principal, brand_id)
    _one_way_to_credentials(data, data.model_fields_set)
    _user_token_only_for_vk(data.platform, data, data.model_fields_set)
    secrets.check_for_brand(data.credentials_ref, brand_id, field="credentials_ref")
    secrets.check_for_brand(data.user_credentials_ref, brand_id, field="user_credentials_ref")
    _check_webhook_url(data.platform, data.handle)
    values = data.model_dump(mode="json", exclude={"credentials", "user_credentials"})
    channel_id = new_id()
    if data.credentials is not None:
        values.update(_store(brand_id, channel_id, data))
    if data.user_credentials is not None:
        values.update(_store_user(brand_id, channel_id, data))
    return channel_repo.create(principal.actor, brand_id, values, channel_id)


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
    _one_way_to_credentials(data, data.model_fields_set)
    _user_token_only_for_vk(channel.platform, data, data.model_fields_set)
    secrets.check_for_brand(data.credentials_ref, channel.brand_id, field="credentials_ref")
    secrets.check_for_brand(data.user_credentials_ref, channel.brand_id, field="user_credentials_ref")
    changes = data.model_dump(mode="json", exclude_unset=True, exclude={"version", "credentials", "user_credentials"})
    if "handle" in changes:
        _check_webhook_url(channel.platform, changes["handle"])
    for field in ("name",):
        if field in changes and changes[field] is None:
            raise ValidationFailed(f"{field} cannot be empty", details=[{"field": field, "message": "required"}])
    managed = secret_refs.managed_channel_name(channel.id)
    if data.credentials is not None:
        changes.update(_store(channel.brand_id, channel.id, data))
    elif "credentials_ref" in changes:
        changes["credentials_set_at"] = None
    if data.user_credentials is not None:
        changes.update(_store_user(channel.brand_id, channel.id, data))
    elif "user_credentials_ref" in changes:
        changes["user_credentials_set_at"] = None
    updated = channel_repo.update(principal.actor, channel, changes)
    if "user_credentials_ref" in changes and updated is not None and \
            updated.user_credentials_ref != channel.user_credentials_ref:
        secrets.forget_for_brand(channel.brand_id, channel.user_credentials_ref, user_token_name(channel.id))
    if "credentials_ref" in changes and updated is not None and updated.credentials_ref != channel.credentials_ref:
        # The token Greenlight stored is no longer named (read after the write: a concurrent "store a new
        # token" puts the managed reference back, and then nothing is deleted).
        secrets.forget_for_brand(channel.brand_id, channel.credentials_ref, managed)
    return updated


def delete(principal: Principal, channel_id: str) -> None:
    channel = get(principal, channel_id)
    principal.require(channel.brand_id, Permission.manage_channels, what="channel")
    channel_repo.delete(principal.actor, channel)
    secrets.forget_for_brand(channel.brand_id, channel.credentials_ref, secret_refs.managed_channel_name(channel.id))
    secrets.forget_for_brand(channel.brand_id, channel.user_credentials_ref, user_token_name(channel.id))
