"""core/db/queue.py on DynamoDB Local: what is due comes out oldest first, a page at a time; of two
workers claiming one item only one wins; a lease that ran out makes the item due again; held()
guards the holder's later writes. (Its users, follow-ups, digests and publishing, have their own
tests; these pin the mechanism they share.)"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from pynamodb.exceptions import UpdateError

from chalicelib.approvals.models import TaskItem
from chalicelib.core.clock import iso
from chalicelib.core.db import connection as db_connection
from chalicelib.core.db.queue import Queue
from chalicelib.core.ids import new_id

T0 = datetime(2031, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def queue(dynamodb):
    db_connection.bind_models()
    return Queue(f"DUE#TEST-{new_id()}", TaskItem)  # a queue of its own per test: nothing else is due there


def put(queue: Queue, due: datetime | str, name: str | None = None) -> TaskItem:
    name = name or new_id()
    item = TaskItem(f"POST#{name}", "TASK#r#ask#0", gsi2pk=queue.name, gsi2sk=queue.key(due, name), kind="ask",
                    post_id=name, brand_id="b", version=1, stage=0, due_at=iso(T0), state="pending", attempts=0,
                    sent=[], created_at=iso(T0))
    item.save()
    return item


def names(pages) -> list[list[str]]:
    return [[item.post_id for item in page] for page in pages]


def test_due_items_come_oldest_first_a_page_at_a_time_and_later_ones_wait(queue):
    for minute, name in [(3, "c"), (1, "a"), (2, "b"), (4, "d"), (30, "later")]:
        put(queue, T0 + timedelta(minutes=minute), name)
    assert names(queue.due(T0 + timedelta(minutes=5), page_size=3)) == [["a", "b", "c"], ["d"]]
    assert names(queue.due(T0)) == []
    assert names(queue.due(T0 + timedelta(minutes=30))) == [["a", "b", "c", "d", "later"]]


def test_keys_are_in_the_one_stored_form_whatever_the_caller_gives(queue):
    assert queue.key("2031-03-01T09:00:00Z", "x") == queue.key(T0, "x") == "2031-03-01T09:00:00.000000Z#x"
    with pytest.raises(ValueError):
        queue.key("tomorrow", "x")


def test_of_many_workers_claiming_one_item_exactly_one_wins(queue):
    put(queue, T0, "only")

    copies = [next(queue.due(T0))[0] for _ in range(8)]  # each worker has read it, as a job run would

    def claim(item):
        return queue.claim(item, T0 + timedelta(minutes=5), item.post_id)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(claim, copies))
    winners = [r for r in results if r is not None]
    assert winners == [queue.key(T0 + timedelta(minutes=5), "only")], results
    assert names(queue.due(T0 + timedelta(minutes=4))) == []  # leased: not due again until the lease ends
    assert names(queue.due(T0 + timedelta(minutes=5))) == [["only"]]  # a worker that died: due again


def test_held_guards_the_holders_writes_and_dequeue_takes_it_out(queue):
    item = put(queue, T0, "x")
    read_key = item.gsi2sk
    lease = queue.claim(item, T0 + timedelta(minutes=5), "x", actions=[TaskItem.attempts.add(1)])
    assert item.gsi2sk == lease and item.attempts == 1  # refreshed with what was written
    stale = TaskItem.get(item.pk, item.sk)
    stale.gsi2sk = read_key
    with pytest.raises(UpdateError):  # a worker still holding the key it read has lost the item
        stale.update(actions=queue.dequeue(), condition=queue.held(read_key))
    item.update(actions=queue.dequeue(), condition=queue.held(lease))
    assert TaskItem.get(item.pk, item.sk).gsi2pk is None
    assert names(queue.due(T0 + timedelta(days=1))) == []


def test_a_claim_under_a_condition_that_fails_takes_nothing(queue):
    item = put(queue, T0, "x")
    assert queue.claim(item, T0 + timedelta(minutes=5), "x", condition=TaskItem.state == "done") is None
    assert names(queue.due(T0)) == [["x"]]
