"""Tracked links under load, on DynamoDB Local:

1. 10,000 clicks on one link from 8 threads lose none: each thread calls the counter the redirect calls
   (links/clicks.count: the visitor's mark put if new + one UpdateItem ADD on the link's day item, on the
   counter's short leash) with its own visitors; afterwards the day item says clicks == 10,000 (and the unique
   visitors it was given). One click first makes the day's salt and wakes DynamoDB Local. Printed: the wall
   time, clicks per second, the per-click latency (p50/p90), and the day item's size (two numbers, whatever
   the uniques).
2. The redirect in-process: `GET /r/{code}` through chalice.test.Client with a browser's User-Agent (so every
   request is counted: one GetItem of the link + the mark's PutItem + the UpdateItem), goal p50 <= 20 ms. Also
   counts the DynamoDB calls of one redirect, and a bot's redirect (not counted: the GetItem only) for
   comparison.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from contextlib import contextmanager

import pytest

from tests.bench.helpers import check_goal, line, summary
from tests.integration.campaigns.links.conftest import public_dns  # noqa: F401 - autouse: shop.example resolves

CLICKS = 10_000
THREADS = 8
REDIRECTS = 300
WARMUP = 30
GOAL_P50_MS = 20.0
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/124.0.0.0 Safari/537.36")


@contextmanager
def dynamodb_calls():
    from botocore.client import BaseClient

    seen: Counter = Counter()
    original = BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        seen[operation_name] += 1
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = counting
    try:
        yield seen
    finally:
        BaseClient._make_api_call = original


@contextmanager
def quiet_logs():
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


@pytest.fixture
def link(app, make_user):
    from chalice.test import Client

    from tests.support.campaigns import add_campaign
    from tests.support.factories import make_brand

    brand = make_brand()
    smm = make_user("smm_manager", brand=brand)
    campaign = add_campaign(brand.id)
    with Client(app, stage_name="local") as client:
        r = client.http.post(f"/v1/campaigns/{campaign.id}/links", headers=smm.headers,
                             body=json.dumps({"target_url": "https://shop.example/winter?ref=bench", "label": "Bench"}))
        assert r.status_code == 201, r.body
    return json.loads(r.body)


def test_ten_thousand_clicks_from_eight_threads_lose_none(link, bench_results):
    from chalicelib.campaigns.links import clicks, repo
    from chalicelib.core.clock import utcnow

    now = utcnow()
    day = now.strftime("%Y-%m-%d")
    assert clicks.count(link["code"], link["campaign_id"], now, "198.51.100.250", "Warm/1")
    per_thread = CLICKS // THREADS
    start = threading.Barrier(THREADS + 1)
    latencies: list[float] = []
    failed: list[int] = []
    lock = threading.Lock()

    def clicking(n: int):
        mine = []
        start.wait()
        for i in range(per_thread):
            t0 = time.perf_counter()
            if not clicks.count(link["code"], link["campaign_id"], now, f"198.51.100.{n}", f"Browser/{i % 50}"):
                failed.append(i)
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=clicking, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    with quiet_logs():
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
    [item] = repo.clicks_between(link["code"], day, day)
    counted, uniques = repo.day_clicks(item)
    counted, uniques = counted - 1, uniques - 1  # the warm-up click
    item_bytes = len(json.dumps(item.serialize()))
    each = summary(latencies)
    line()
    line(f"{CLICKS} clicks on one link from {THREADS} threads (links/clicks.count: a mark put + one UpdateItem ADD)")
    line(f"  wall {wall:.2f} s   {CLICKS / wall:.0f} clicks/s   per click p50 {each['p50_ms']:.2f} ms "
         f"p90 {each['p90_ms']:.2f} ms   failed: {len(failed)}")
    line(f"  the day item: clicks {counted} (expected {CLICKS}), unique visitors {uniques} (expected {THREADS * 50}), "
         f"{item_bytes} bytes")
    bench_results["clicks_8_threads"] = {"clicks": CLICKS, "threads": THREADS, "wall_s": round(wall, 3),
                                         "per_click": each, "counted": counted, "uniques": uniques,
                                         "failed": len(failed), "day_item_bytes": item_bytes}
    assert failed == []
    assert counted == CLICKS, f"lost {CLICKS - counted} clicks"
    assert uniques == THREADS * 50


def test_redirect_p50_in_process(app, link, bench_results):
    from chalice.test import Client

    path = f"/r/{link['code']}"
    with Client(app, stage_name="local") as client, quiet_logs():
        def redirect(agent: str = CHROME):
            response = client.http.get(path, headers={"User-Agent": agent})
            assert response.status_code == 302 and response.headers["Location"] == link["tagged_url"]

        with dynamodb_calls() as calls:
            redirect()
        counted_calls = dict(calls)
        with dynamodb_calls() as calls:
            redirect("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")
        bot_calls = dict(calls)
        for _ in range(WARMUP):
            redirect()
        times = []
        for _ in range(REDIRECTS):
            t0 = time.perf_counter()
            redirect()
            times.append(time.perf_counter() - t0)
        bot_times = []
        for _ in range(REDIRECTS // 3):
            t0 = time.perf_counter()
            redirect("TelegramBot (like TwitterBot)")
            bot_times.append(time.perf_counter() - t0)
    person, bot = summary(times), summary(bot_times)
    line()
    line(f"GET /r/{{code}} in-process (chalice.test.Client), {REDIRECTS} redirects after {WARMUP} warm-up")
    line(f"  counted (a browser)  p50 {person['p50_ms']:6.2f} ms  p90 {person['p90_ms']:6.2f} ms   "
         f"DynamoDB calls: {counted_calls}")
    line(f"  not counted (a bot)  p50 {bot['p50_ms']:6.2f} ms  p90 {bot['p90_ms']:6.2f} ms   DynamoDB calls: {bot_calls}")
    bench_results["redirect"] = {"iterations": REDIRECTS, "warmup": WARMUP, "counted": person, "bot": bot,
                                 "dynamodb_calls_counted": counted_calls, "dynamodb_calls_bot": bot_calls,
                                 "goal_p50_ms": GOAL_P50_MS}
    check_goal("redirect p50 ms (counted)", person["p50_ms"], GOAL_P50_MS,
               f"DynamoDB calls per counted redirect: {counted_calls}")
