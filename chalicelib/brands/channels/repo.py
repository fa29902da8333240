"""Channels of a brand (a Telegram channel, a VK community, a webhook …)."""
from __future__ import annotations

from chalicelib.brands.channels.models import ChannelItem
from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.pages import Page, query_page
from chalicelib.core.db.reads import changed_fields, get_item
from chalicelib.core.db.writes import Actor, Change, transact
from chalicelib.core.ids import new_id

FIELDS = ("platform", "name", "handle", "external_id", "timezone", "credentials_ref", "credentials_set_at",
          "user_credentials_ref", "user_credentials_set_at")


def channel_key(channel_id: str) -> tuple[str, str]:
    return f"CHANNEL#{channel_id}", "CHANNEL"


def brand_channels_key(brand_id: str) -> str:
    return f"BRAND#{brand_id}#CHANNELS"


def get(channel_id: str) -> ChannelItem | None:
    """Active channels only; a deleted channel is gone for every reader."""
    item = get_item(ChannelItem, *channel_key(channel_id))
    return item if item is not None and item.status == "active" else None


def list_for_brand(brand_id: str, cursor: str | None, limit: int | None) -> Page[ChannelItem]:
    db_connection.bind_models()
    return query_page(ChannelItem.gsi1.query, f"channels:{brand_id}", cursor, limit,
                      hash_key=brand_channels_key(brand_id))


def create(actor: Actor, brand_id: str, values: dict, channel_id: str | None = None) -> ChannelItem:
    channel_id, now = channel_id or new_id(), iso(utcnow())
    channel = ChannelItem(*channel_key(channel_id), gsi1pk=brand_channels_key(brand_id), gsi1sk=channel_id,
                          id=channel_id, brand_id=brand_id, created_at=now, updated_at=now,
                          **{k: values.get(k) for k in FIELDS})
    transact(actor, Change(brand_id, "channel", channel_id, "create",
                           after={k: values.get(k) for k in FIELDS}, version=1),
             lambda tx: tx.save(channel, condition=ChannelItem.pk.does_not_exist()))
    return channel


def update(actor: Actor, channel: ChannelItem, changes: dict) -> ChannelItem:
    changes, before = changed_fields(channel, changes)
    if not changes:
        return channel
    actions = [getattr(ChannelItem, k).set(v) if v is not None else getattr(ChannelItem, k).remove()
               for k, v in changes.items()]
    actions.append(ChannelItem.updated_at.set(iso(utcnow())))
    transact(actor, Change(channel.brand_id, "channel", channel.id, "update", before, changes, channel.version + 1),
             lambda tx: tx.update(channel, actions, condition=ChannelItem.status == "active"))
    return get(channel.id)


def delete(actor: Actor, channel: ChannelItem) -> None:
    """Soft delete: the item stays for history (posts and audit point at it) but leaves every list."""
    actions = [ChannelItem.status.set("deleted"), ChannelItem.gsi1pk.remove(), ChannelItem.gsi1sk.remove(),
               ChannelItem.updated_at.set(iso(utcnow()))]
    transact(actor, Change(channel.brand_id, "channel", channel.id, "delete", {"name": channel.name}, None,
                           channel.version + 1),
             lambda tx: tx.update(channel, actions, condition=ChannelItem.status == "active"))
