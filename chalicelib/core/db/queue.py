"""The one lease queue. Items wait in gsi2 under the queue's name (gsi2pk), ordered by
`<due instant>#<tail>` (gsi2sk): the instant in the one stored UTC form (core/clock.iso), the tail
the item's own id, so keys are unique. A job reads what is due with a Query (never a Scan: the cost
depends on what is due, not on how much the table holds), takes an item by moving its key to its
lease's end — conditional on the key it read, so of two workers at once only one wins — and, when
done, takes it out or moves it to its next time. A worker that dies holding a lease leaves its item
due again when the lease ends, where the next run finds it.

    TARGETS = Queue("DUE#PUBLISH", TargetItem)     each feature declares its queues beside its models
    TARGETS.key(due, tail)                  the gsi2sk of an item due at `due`
    TARGETS.enqueue(due, tail)              update actions: into the queue at `due`
    TARGETS.move(due, tail)                 update actions: stay queued, due at another time (a lease, a retry)
    TARGETS.dequeue()                       update actions: out of the queue
    TARGETS.held(key)                       condition: still where this worker read (or put) it
    TARGETS.due(now, page_size=…)           the items due at `now`, oldest first, a page (one Query) at a time
    TARGETS.claim(item, until, tail, …)     one conditional update to the lease: its key, or None if taken

Users: approval follow-ups (DUE#TASKS), daily digests (DUE#DIGEST), publishing (DUE#PUBLISH).
A claim that must be written with other items (publishing claims 32 targets in one transaction)
builds it from `move()` and `held()` instead of calling `claim()`.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from chalicelib.core.clock import iso, parse_utc

AFTER_EVERY_TAIL = "~"  # sorts after every id: "<now>#~" bounds everything due at `now`


def _instant(when: datetime | str) -> str:
    """A due time in the stored form (a stored string of the older whole-second form is normalised)."""
    if isinstance(when, datetime):
        return iso(when)
    parsed = parse_utc(when)
    if parsed is None:
        raise ValueError(f"not a UTC instant: {when!r}")
    return iso(parsed)


class Queue:
    def __init__(self, name: str, model):
        self.name = name
        self.model = model

    def __repr__(self) -> str:
        return f"Queue({self.name!r}, {self.model.__name__})"

    def key(self, due: datetime | str, tail: str) -> str:
        return f"{_instant(due)}#{tail}"

    def enqueue(self, due: datetime | str, tail: str) -> list:
        return [self.model.gsi2pk.set(self.name), self.model.gsi2sk.set(self.key(due, tail))]

    def move(self, due: datetime | str, tail: str) -> list:
        return [self.model.gsi2sk.set(self.key(due, tail))]

    def restore(self, key: str) -> list:
        """update actions: back at the key it was read at (a claim given up before any work)."""
        return [self.model.gsi2sk.set(key)]

    def dequeue(self) -> list:
        return [self.model.gsi2pk.remove(), self.model.gsi2sk.remove()]

    def held(self, key: str | None):
        return self.model.gsi2sk == key

    def due(self, now: datetime | str, *, page_size: int = 100) -> Iterator[list]:
        """Every item due at `now`, oldest first, a page (one Query call) at a time; the next page is
        read only when asked for, from where the last one ended (items claimed meanwhile have moved to
        their lease's end, past the end of the range, and are not met again)."""
        from chalicelib.core.db.connection import bind_models

        bind_models()
        page: list = []
        bound = f"{_instant(now)}#{AFTER_EVERY_TAIL}"
        for item in self.model.gsi2.query(self.name, self.model.gsi2sk <= bound, page_size=page_size):
            page.append(item)
            if len(page) == page_size:
                yield page
                page = []
        if page:
            yield page

    def claim(self, item, until: datetime | str, tail: str, *, actions: list = (), condition=None) -> str | None:
        """Lease a due item until `until` (with more `actions` in the same update, under more
        `condition`): the lease's key, or None when another worker moved it first. The item is
        refreshed with what was written."""
        from pynamodb.exceptions import UpdateError

        lease = self.key(until, tail)
        held = self.held(item.gsi2sk)
        try:
            item.update(actions=[*self.move(until, tail), *actions],
                        condition=held if condition is None else held & condition)
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return lease
