"""Unique values — a person's email, a brand's slug, a Slack member id — are items whose key *is*
the value and whose body names the owner (`EMAIL#<email>` → user id). Taking one is a put on the
condition that no item has that key, inside the owner's own transaction: of two owners at once only
one gets it, and a taken value fails the whole change (WriteConflict), so the caller answers 409.
Giving one up is a delete on the condition that it still names the owner.

    put_unique(tx, item)                     take the value (tx: the TransactWrite of core/db/writes.transact)
    release(tx, item, still_ours)            give it up, if `still_ours` (e.g. Item.owner == id) holds
    put_if_absent(item) -> bool              on its own: put unless an item with its key exists (planning a
                                             task or a check again doubles nothing and revives nothing)
"""
from __future__ import annotations


def put_unique(tx, item) -> None:
    tx.save(item, condition=type(item).pk.does_not_exist())


def release(tx, item, still_ours) -> None:
    tx.delete(item, condition=still_ours)


def put_if_absent(item) -> bool:
    """Put `item` unless one with its key exists: True if it was put."""
    from pynamodb.exceptions import PutError

    from chalicelib.core.db.connection import bind_models

    bind_models()
    try:
        item.save(condition=type(item).pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
