"""Approval follow-up tasks in their lease queue (DUE#TASKS, core/db/queue.py), keys in models.py.

  tasks due now (job approval-reminders)   TASKS.due(now): Query gsi2 DUE#TASKS, gsi2sk <= "<now>#~"
  a post's tasks due now (right after a change)   Query pk POST#<post id>, sk begins_with TASK#
  claim                  move gsi2sk to now + LEASE, conditional on the gsi2sk read and `pending`
  a recipient served     append its marker to `sent`, conditional on the lease (so a retry skips them)
  finish / drop          out of the queue with the audit entry, conditional on the lease; kept 90 days
  retry later            move gsi2sk to the back-off time, conditional on the lease

A worker whose lease was taken over learns it from a failed condition (LostLease) and stops.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.approvals.models import TaskItem
from chalicelib.core.clock import iso
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.queue import Queue
from chalicelib.core.db.writes import Actor, Change, WriteConflict, transact

TASKS = Queue("DUE#TASKS", TaskItem)
LEASE = timedelta(minutes=5)
KEEP_DONE = timedelta(days=90)


class LostLease(Exception):
    """Another worker took the task over (our lease expired)."""


def tail(post_id: str, sk: str) -> str:
    """A task's place among others due at the same time (its key makes it unique)."""
    return f"{post_id}#{sk}"


def pending_for_post(post_id: str, now: datetime) -> list[TaskItem]:
    db_connection.bind_models()
    now_text = iso(now)
    return [t for t in TaskItem.query(f"POST#{post_id}", TaskItem.sk.startswith("TASK#"), consistent_read=True)
            if t.state == "pending" and t.gsi2sk and t.due_at <= now_text and t.gsi2sk.split("#")[0] <= now_text]


def claim(task: TaskItem, now: datetime) -> bool:
    """Take the task for LEASE; False when someone else did (or it is finished). The task is refreshed."""
    return TASKS.claim(task, now + LEASE, tail(task.post_id, task.sk), actions=[TaskItem.attempts.add(1)],
                       condition=TaskItem.state == "pending") is not None


def mark_sent(task: TaskItem, marker: str) -> None:
    from pynamodb.exceptions import UpdateError

    try:
        task.update(actions=[TaskItem.sent.set(TaskItem.sent.append([marker]))], condition=TASKS.held(task.gsi2sk))
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise LostLease() from None
        raise


def finish(actor: Actor, task: TaskItem, state: str, outcome: str, now: datetime) -> None:
    """Done or dropped: out of the queue, kept as a record for KEEP_DONE."""
    change = Change(task.brand_id, "post", task.post_id, f"followup:{task.kind}", None,
                    {"outcome": outcome, "sent": len(task.sent or []), "stage": int(task.stage)}, int(task.version))

    def build(tx):
        tx.update(task, [TaskItem.state.set(state), TaskItem.outcome.set(outcome[:200]), TaskItem.done_at.set(iso(now)),
                         TaskItem.ttl.set(int((now + KEEP_DONE).timestamp())), *TASKS.dequeue()],
                  condition=TASKS.held(task.gsi2sk))

    try:
        transact(actor, change, build)
    except WriteConflict:
        raise LostLease() from None


def retry_at(task: TaskItem, when: datetime, error: str) -> None:
    """Back in the queue at `when` (a failed send), if this worker still holds it."""
    from pynamodb.exceptions import UpdateError

    try:
        task.update(actions=[*TASKS.move(when, tail(task.post_id, task.sk)),
                             TaskItem.outcome.set(f"retrying: {error}"[:200])],
                    condition=TASKS.held(task.gsi2sk))
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
