"""A person's secret calendar feed (pk USER#<id>, sk FEED): the current nonce the feed URL must carry.

  read the feed's nonce     GetItem USER#<id> / FEED (consistent: a rotation counts at once)
  create / rotate           put with a new nonce, conditional on the nonce read (or on no item)
  revoke                    delete, conditional on the nonce read
"""
from __future__ import annotations

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Actor, Change, WriteConflict, transact
from chalicelib.core.errors import Conflict
from chalicelib.plan.models import FeedItem


def feed_key(user_id: str) -> tuple[str, str]:
    return f"USER#{user_id}", "FEED"


def get(user_id: str, *, consistent: bool = True) -> FeedItem | None:
    return get_item(FeedItem, *feed_key(user_id), consistent=consistent)


def _changed_meanwhile() -> Conflict:
    return Conflict("Your calendar feed changed at the same time; reload and try again.")


def put(actor: Actor, user_id: str, nonce: str, previous: FeedItem | None) -> FeedItem:
    """Create the feed, or rotate it (the old nonce, and so the old URL, stops working)."""
    item = FeedItem(*feed_key(user_id), user_id=user_id, nonce=nonce, created_at=iso(utcnow()))

    def build(tx):
        if previous is None:
            tx.save(item, condition=FeedItem.pk.does_not_exist())
        else:
            tx.save(item, condition=FeedItem.nonce == previous.nonce)

    action = "create" if previous is None else "rotate"
    before = {"created_at": previous.created_at} if previous is not None else None
    try:  # the nonce is part of a secret URL: never in the audit trail
        transact(actor, Change(None, "calendar_feed", user_id, action, before, {"created_at": item.created_at}), build)
    except WriteConflict:
        raise _changed_meanwhile() from None
    return item


def delete(actor: Actor, previous: FeedItem) -> None:
    try:
        transact(actor, Change(None, "calendar_feed", previous.user_id, "revoke", {"created_at": previous.created_at},
                               None), lambda tx: tx.delete(previous, condition=FeedItem.nonce == previous.nonce))
    except WriteConflict:
        raise _changed_meanwhile() from None
