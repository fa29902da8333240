"""Publishing notices wait in a lease queue, so no email or Slack call ever runs on the publish sweep's
recorder threads (the sweep promises to end inside its function timeout). Keys: models.NoticeDueItem.

    enqueue(...)        one put: the item, due now. A put over an item already queued (or being
                        delivered) makes it due again: the job reads the post afresh and the NOTICE#
                        marks (activity_repo.record) keep each person's notice once.
    run_due(now)        the post-notices job: claim each due item (a lease: of two workers only one
                        holds it), deliver (post_events.deliver), then mark it sent and take it out of
                        the queue, conditional on the lease. A worker that dies leaves the item due
                        again when the lease ends: at least once to the job, once to each person.
"""
from __future__ import annotations

import logging
import time as _time
from datetime import datetime, timedelta

from pynamodb.exceptions import UpdateError

from chalicelib.core.clock import iso, utcnow
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.queue import Queue
from chalicelib.notifications.models import NoticeDueItem

log = logging.getLogger(__name__)
NOTICES = Queue("DUE#NOTICES", NoticeDueItem)
LEASE_SECONDS = 300
SENT_KEEP_DAYS = 7
RUN_SECONDS = 45  # the job stops claiming after this (it runs every minute; the rest waits for the next run)


def _tail(post_id: str, kind: str, ref: str) -> str:
    return f"{post_id}#{kind}#{ref}"


def enqueue(post_id: str, kind: str, ref: str, *, version: int | None = None, target_id: str | None = None,
            channel_id: str | None = None, target_state: str | None = None, error: str | None = None,
            actor_id: str | None = None, due: datetime | None = None) -> None:
    """Queue a notice to deliver (a put: idempotent by its key, and due again if it was queued)."""
    db_connection.bind_models()
    now = due or utcnow()
    NoticeDueItem(f"NOTICEDUE#{post_id}", f"{kind}#{ref}", post_id=post_id, kind=kind, ref=ref, version=version,
                  target_id=target_id, channel_id=channel_id, target_state=target_state,
                  error=(error or "")[:300] or None, actor_id=actor_id, queued_at=iso(now),
                  gsi2pk=NOTICES.name, gsi2sk=NOTICES.key(now, _tail(post_id, kind, ref))).save()


def pending(post_id: str) -> list[NoticeDueItem]:
    """The post's notice items still in the queue (tests, support)."""
    db_connection.bind_models()
    return [i for i in NoticeDueItem.query(f"NOTICEDUE#{post_id}", consistent_read=True) if i.gsi2pk]


def _mark_sent(item: NoticeDueItem, lease: str, now: datetime) -> bool:
    try:
        item.update(actions=[NoticeDueItem.sent_at.set(iso(now)), *NOTICES.dequeue(),
                             NoticeDueItem.ttl.set(int((now + timedelta(days=SENT_KEEP_DAYS)).timestamp()))],
                    condition=NOTICES.held(lease))
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False  # queued again meanwhile (or the lease ran out and another worker has it)
        raise
    return True


def run_due(deliver, now: datetime | None = None, *, seconds: float = RUN_SECONDS) -> dict:
    """Deliver (deliver(item): post_events.deliver, given by the job) every notice due at `now`
    (default: the clock's now)."""
    now = now or utcnow()
    started = _time.monotonic()
    tally = {"sent": 0, "taken": 0, "requeued": 0, "error": 0}
    for page in NOTICES.due(now, page_size=50):
        for item in page:
            if _time.monotonic() - started > seconds:
                return tally
            lease = NOTICES.claim(item, now + timedelta(seconds=LEASE_SECONDS), _tail(item.post_id, item.kind,
                                                                                      item.ref))
            if lease is None:
                tally["taken"] += 1
                continue
            try:
                deliver(item)
            except Exception:  # noqa: BLE001 - the lease runs out and the next run tries again
                log.exception("a post notice could not be delivered", extra={"post": item.post_id, "kind": item.kind})
                tally["error"] += 1
                continue
            tally["sent" if _mark_sent(item, lease, utcnow()) else "requeued"] += 1
    return tally
