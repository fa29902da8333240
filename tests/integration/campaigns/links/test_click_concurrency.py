"""Eight threads clicking one link 100 times each lose no click and count each visitor once: the counter is a
conditional put of the visitor's mark and one atomic UpdateItem ADD on the day item (correctness; the speed is
tests/bench/campaigns/test_clicks_bench.py). The threads call the counter the redirect calls (clicks.count):
chalice's test client serves one request at a time. One click before the threads start makes the day's salt
and wakes DynamoDB Local's JVM (its first calls under load take hundreds of milliseconds, which the counter's
short leash would rightly give up on: tests/integration/campaigns/links/test_redirect.py)."""
from __future__ import annotations

import threading

from chalicelib.campaigns.links import clicks, repo
from chalicelib.core.clock import utcnow
from tests.integration.campaigns.links.conftest import link_of

THREADS, PER_THREAD = 8, 100


def test_eight_threads_lose_no_click(client, shop):
    link = link_of(client, shop["smm_manager"], shop["campaign"].id)
    now = utcnow()
    assert clicks.count(link["code"], link["campaign_id"], now, "198.51.100.200", "Warm/1")
    start = threading.Barrier(THREADS)
    failed: list[int] = []

    def clicking(n: int):
        start.wait()
        for i in range(PER_THREAD):
            if not clicks.count(link["code"], link["campaign_id"], now, f"198.51.100.{n}", f"Browser/{i % 10}"):
                failed.append(n)

    threads = [threading.Thread(target=clicking, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    day = now.strftime("%Y-%m-%d")
    [item] = repo.clicks_between(link["code"], day, day)
    assert failed == []
    assert repo.day_clicks(item) == (THREADS * PER_THREAD + 1, THREADS * 10 + 1)
