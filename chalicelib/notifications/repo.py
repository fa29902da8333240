"""Daily digests in their lease queue: one DigestItem per person who wants a digest (pk USER#<id>,
sk DIGEST), in the DUE#DIGEST queue (core/db/queue.py) at `<next send instant UTC>#<user id>`.

  who is due now          DIGESTS.due(now): Query gsi2 DUE#DIGEST, gsi2sk <= "<now>#~", oldest first
  claim one (lease)       move gsi2sk to now + lease, if it is still what was read (two runs: one wins)
  done / skipped          move gsi2sk to the next local send time, if it is still the lease (audited)
  profile change          put (or delete) the item, conditional on what the profile read

Every write is conditional.
"""
from __future__ import annotations

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db.queue import Queue
from chalicelib.core.db.reads import get_item
from chalicelib.core.db.writes import Actor, Change, WriteConflict, transact
from chalicelib.notifications.models import DigestItem

DIGESTS = Queue("DUE#DIGEST", DigestItem)


def digest_key(user_id: str) -> tuple[str, str]:
    return f"USER#{user_id}", "DIGEST"


def get(user_id: str, *, consistent: bool = True) -> DigestItem | None:
    return get_item(DigestItem, *digest_key(user_id), consistent=consistent)


def planned(user_id: str, *, via: str, hour: int, timezone: str, next_at: str,
            previous: DigestItem | None) -> DigestItem:
    """The item as the profile wants it (keeps the date of the last digest, so no second one that day)."""
    return DigestItem(
        *digest_key(user_id), user_id=user_id, via=via, hour=hour, timezone=timezone, next_at=next_at,
        gsi2pk=DIGESTS.name, gsi2sk=DIGESTS.key(next_at, user_id),
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
    actions = [*DIGESTS.move(new_next, item.user_id), DigestItem.next_at.set(new_next), *extra_actions]
    try:
        transact(actor, Change(None, "digest", item.user_id, action, {"next_at": item.next_at},
                               {"next_at": new_next, **(after or {})}),
                 lambda tx: tx.update(item, actions, condition=DIGESTS.held(expected_sk)))
    except WriteConflict:
        return False
    return True


def claim(item: DigestItem, lease_until: str) -> str | None:
    """Lease a due digest (two runs at once: one wins). Returns the lease's queue key, or None."""
    return DIGESTS.claim(item, lease_until, item.user_id)


def finish(actor: Actor, item: DigestItem, lease_sk: str, next_at: str, sent_on: str, *, sent: bool) -> bool:
    """After sending (or finding nothing to say): queue it at the next local send time."""
    extra = [DigestItem.last_sent_on.set(sent_on)] if sent else []
    return _move(actor, item, lease_sk, next_at, "sent" if sent else "nothing_to_say",
                 after={"local_date": sent_on}, extra_actions=extra)


def drop(actor: Actor, item: DigestItem, lease_sk: str) -> bool:
    """The person turned the digest off or is gone: take the item out (if still ours)."""
    try:
        transact(actor, Change(None, "digest", item.user_id, "drop", {"next_at": item.next_at}, {}),
                 lambda tx: tx.delete(item, condition=DIGESTS.held(lease_sk)))
    except WriteConflict:
        return False
    return True
