"""One `publish-due` run over 1,000 due targets against a fake channel that answers in 50 ms.

The targets are 1,000 approved posts on one webhook channel whose receiver (a fake on loopback, in
its own process as a real receiver would be) waits 50 ms before each answer; Telegram-style rate
limits are lifted (webhooks have none anyway). One in-process run with the default
PUBLISH_CONCURRENCY. Printed: the wall time (goal <= 15 s), how many went out, and how many the
receiver got twice (goal 0).
"""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from chalicelib.brands.channels import repo as channel_repo
from chalicelib.core.settings import get_settings
from chalicelib.publishing import sweep as publish_sweep
from tests.bench.helpers import check_goal, line
from tests.support.factories import make_brand, make_user
from tests.support.fake_webhook import FakeWebhookProcess
from tests.support.publishing import seed_due_targets

TARGETS = 1000
LATENCY = 0.05
GOAL_SECONDS = 15.0


def test_publish_due_over_1000_targets(client, bench_results):
    from tests.support.posts import body, call

    hook = FakeWebhookProcess(latency=LATENCY).start()
    try:
        brand = make_brand()
        manager = make_user("smm_manager", brand=brand)
        r = call(client, "post", f"/v1/brands/{brand.id}/channels", manager,
                 {"platform": "webhook", "name": "Bench hook", "handle": hook.url + "/hook"})
        assert r.status_code == 201, r.body
        channel = channel_repo.get(body(r)["id"])
        ids = seed_due_targets(brand.id, manager.id, channel, TARGETS, datetime.now(UTC) - timedelta(seconds=30))
        started = time.monotonic()
        summary = publish_sweep.run(rate_limits=False, time_budget_seconds=300)
        elapsed = time.monotonic() - started
        received = hook.sends_by_target()
        duplicates = sum(1 for tid in ids if received.get(tid, 0) > 1)
        missing = sum(1 for tid in ids if received.get(tid, 0) == 0)
    finally:
        hook.stop()
    line(f"publish-due over {TARGETS} due targets, receiver answering in {LATENCY * 1000:.0f} ms, "
         f"PUBLISH_CONCURRENCY={get_settings().PUBLISH_CONCURRENCY}: {elapsed:.1f} s, {summary}")
    line(f"duplicates {duplicates}, never sent {missing}")
    bench_results["publish_due"] = {"targets": TARGETS, "latency_ms": LATENCY * 1000, "seconds": round(elapsed, 2),
                                    "duplicates": duplicates, "missing": missing, "summary": summary}
    assert duplicates == 0 and missing == 0
    check_goal("publish-due seconds for 1,000 targets", elapsed, GOAL_SECONDS,
               "Claims go 32 targets to a transaction, outcomes up to 24; see publishing/sweep.py")
