"""Daily digest queue: one DigestItem per person who wants a digest (pk USER#<id>, sk DIGEST), in
gsi2 under DUE#DIGEST ordered by `<next send instant UTC>#<user id>`.

  who is due now          Query gsi2 DUE#DIGEST, gsi2sk <= "<now>#~"   (limit; oldest first)
  claim one (lease)       update gsi2sk to "<now + lease>#<id>" if gsi2sk is still what was read
  done / skipped          update gsi2sk to the next local send time if gsi2sk is still the lease
  profile change          put (or delete) the item, conditional on what the profile read

Every write is conditional and goes through `transact` with its audit entry.
"""
from __future__ import annotations

from chalicelib.core.db import connection as db_connection
from chalicelib.core.clock import iso, utcnow
from chalicelib.notifications.models import DigestItem
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Actor, Change, WriteConflict, transact

QUEUE = "DUE#DIGEST"


def digest_key(user_id: str) -> tuple[str, str]:
    return f"USER#{user_id}", "DIGEST"


def queue_sk(next_at: str, user_id: str) -> str:
    return f"{next_at}#{user_id}"


def get(user_id: str, *, consistent: bool = True) -> DigestItem | None:
    return get_item(DigestItem, *digest_key(user_id), consistent=consistent)


def due(now: str, limit: int = 100) -> list[DigestItem]:
    """Digests whose send time is at or before `now` (UTC ISO), oldest first (a Query, never a Scan)."""
    db_connection.bind_models()
    return list(DigestItem.gsi2.query(QUEUE, DigestItem.gsi2sk <= f"{now}#~", limit=limit))


def planned(user_id: str, *, via: str, hour: int, timezone: str, next_at: str,
            previous: DigestItem | None) -> DigestItem:
    """The item as the profile wants it (keeps the date of the last digest, so no second one that day)."""
    return DigestItem(
        *digest_key(user_id), user_id=user_id, via=via, hour=hour, timezone=timezone, next_at=next_at,
        gsi2pk=QUEUE, gsi2sk=queue_sk(next_at, user_id),
        last_sent_on=previous.last_sent_on if previous is not None else None, updated_at=iso(utcnow()))


def put_op(item: DigestItem, previous: DigestItem | None):
    """A conditional put for a profile transaction: (re)queue the digest if nobody changed it meanwhile."""
    def op(tx):
        if previous is None:
            tx.save(item, condition=DigestItem.pk.does_not_exist())
        else:
            tx.save(item, condition=DigestItem.updated_at == previous.updated_at)
    return op


def delete_op(previous: DigestItem):
    def op(tx):
        tx.delete(previous, condition=DigestItem.updated_at == previous.updated_at)
    return op


def _move(actor: Actor, item: DigestItem, expected_sk: str, new_next: str, action: str, *,
          after: dict | None = None, extra_actions=()) -> bool:
    """Move a queued digest to `new_next` if its queue key is still `expected_sk`; False if it moved."""
    actions = [DigestItem.gsi2sk.set(queue_sk(new_next, item.user_id)), DigestItem.next_at.set(new_next),
               *extra_actions]
    try:
        transact(actor, Change(None, "digest", item.user_id, action, {"next_at": item.next_at},
                               {"next_at": new_next, **(after or {})}),
                 lambda tx: tx.update(item, actions, condition=DigestItem.gsi2sk == expected_sk))
    except WriteConflict:
        return False
    return True


def claim(actor: Actor, item: DigestItem, lease_until: str) -> str | None:
    """Lease a due digest (two runs at once: one wins). Returns the lease's queue key, or None."""
    read_sk = item.gsi2sk
    if not _move(actor, item, read_sk, lease_until, "claim"):
        return None
    return queue_sk(lease_until, item.user_id)


def finish(actor: Actor, item: DigestItem, lease_sk: str, next_at: str, sent_on: str, *, sent: bool) -> bool:
    """After sending (or finding nothing to say): queue it at the next local send time."""
    extra = [DigestItem.last_sent_on.set(sent_on)] if sent else []
    return _move(actor, item, lease_sk, next_at, "sent" if sent else "nothing_to_say",
                 after={"local_date": sent_on}, extra_actions=extra)


def drop(actor: Actor, item: DigestItem, lease_sk: str) -> bool:
    """The person turned the digest off or is gone: take the item out (if still ours)."""
    try:
        transact(actor, Change(None, "digest", item.user_id, "drop", {"next_at": item.next_at}, {}),
                 lambda tx: tx.delete(item, condition=DigestItem.gsi2sk == lease_sk))
    except WriteConflict:
        return False
    return True
