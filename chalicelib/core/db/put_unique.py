"""Unique values — a person's email, a brand's slug, a Slack member id — are items whose key *is*
the value and whose body names the owner (`EMAIL#<email>` → user id). Taking one is a put on the
condition that no item has that key, inside the owner's own transaction: of two owners at once only
one gets it, and a taken value fails the whole change (WriteConflict), so the caller answers 409.
Giving one up is a delete on the condition that it still names the owner.

    put_unique(tx, item)                     take the value (tx: the TransactWrite of core/db/writes.transact)
    release(tx, item, still_ours)            give it up, if `still_ours` (e.g. Item.owner == id) holds
"""
from __future__ import annotations


def put_unique(tx, item) -> None:
    tx.save(item, condition=type(item).pk.does_not_exist())


def release(tx, item, still_ours) -> None:
    tx.delete(item, condition=still_ours)
