"""One `placement-checks` run over 1,000 due checks against a fake Telegram preview answering in 50 ms.

The checks are what a busy hour looks like: retention checks of 1,000 live Telegram placements — 34 deals
in progress (at most 30 deliverables each, one channel per blogger), every deliverable `monitoring`, its
post up and compliant (marked, the advertiser named, its own erid, the promo code), seen once already
(found_at, the text's hash as the runner stores it), the deal's advance paid and the rest due. The
items are written straight through the models (tests/support/deals.py for the deals; batch writes for
the deliverables, payments and checks). The fake preview (tests/support/fake_telegram_preview.py) runs on
loopback in its own process with `latency = 0.05`, as t.me would not share the checker's interpreter (its
GIL, its CPU accounting) — the same arrangement as the publish-due benchmark's receiver.

One in-process `jobs.run(now=…)` with the default CHECK_CONCURRENCY. Printed: the wall time (goal
<= 20 s), the summary, the DynamoDB requests per check, the CPU of this process and of DynamoDB Local,
and the proof each check was claimed once — the fake saw 1,000 widget requests, one per post, and every
check is `done` with `attempts == 1`. BENCH_PROFILE=1 also counts the DynamoDB requests by call site.
"""
from __future__ import annotations

import os
import random
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

from tests.bench.helpers import check_goal, line
from tests.support.fake_process import FakeProcess

CHECKS = 1000
PER_DEAL = 30
LATENCY = 0.05
GOAL_SECONDS = 20.0
PROFILE = os.environ.get("BENCH_PROFILE") == "1"  # also count DynamoDB requests by where they come from
PUBLISHED_AGO = timedelta(hours=6)  # inside min_live_hours (24): the retention band 3–6 h is due


@contextmanager
def dynamodb_calls(sites: Counter | None = None):
    """DynamoDB requests by operation, and the wall time spent in them (summed over the threads); with
    `sites`, also counted by where in chalicelib they come from (BENCH_PROFILE=1)."""
    import threading

    from botocore.client import BaseClient

    counts: Counter = Counter()
    seconds: Counter = Counter()
    lock = threading.Lock()
    original = BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        started = time.perf_counter()
        try:
            return original(self, operation_name, api_params)
        finally:
            spent = time.perf_counter() - started
            site = _site() if sites is not None else None
            with lock:
                counts[operation_name] += 1
                seconds[operation_name] += spent
                if site is not None:
                    sites[f"{operation_name} <- {site}"] += 1

    BaseClient._make_api_call = counting
    try:
        yield counts, seconds
    finally:
        BaseClient._make_api_call = original


def _site(depth: int = 5) -> str:
    """The innermost `depth` chalicelib frames outside core/db (module:function), innermost first."""
    import sys

    frame, names = sys._getframe(2), []
    while frame is not None and len(names) < depth:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("chalicelib.") and not module.startswith("chalicelib.core.db"):
            names.append(f"{module.removeprefix('chalicelib.')}:{frame.f_code.co_name}")
        frame = frame.f_back
    return " < ".join(names) or "?"


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc), 0 where it cannot be read."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _preview(latency: float, posts: list[tuple]):
    from tests.support.fake_telegram_preview import FakeTelegramPreview

    fake = FakeTelegramPreview().start()
    for channel, post_id, text, at in posts:
        fake.post(channel, post_id, text, at=at)
    fake.latency = latency
    return fake


def _hits(fake) -> dict:
    return dict(fake.hits())


def _seed(brand, now) -> tuple[list[str], dict[str, str], list[tuple]]:
    """1,000 live, compliant placements with one due retention check each: (check ids, {widget path: check id},
    the posts for the preview)."""
    from chalicelib.core.clock import iso
    from chalicelib.core.db import connection as db_connection
    from chalicelib.core.ids import new_id
    from chalicelib.deals import payment_ops
    from chalicelib.deals import repo as deal_repo
    from chalicelib.deals.models import DealItem, DeliverableItem, PaymentRecord
    from chalicelib.placements import repo
    from chalicelib.placements.models import CheckItem
    from chalicelib.placements.sources.telegram_preview import parse_message
    from tests.support.deals import add_account, add_deal, add_influencer
    from tests.support.factories import unique
    from tests.support.fake_telegram_preview import PreviewPost, widget_page
    from tests.support.influencers import VALID_INN_COMPANY
    from tests.support.placements import ERID, GOOD_TEXT, TERMS, wall

    db_connection.bind_models()
    rng = random.Random(14)
    published = now - PUBLISHED_AGO
    stamp = iso(published - timedelta(days=3))
    check_ids: list[str] = []
    paths: dict[str, str] = {}
    deliverables, payments, checks, posts = [], [], [], []
    left = CHECKS
    while left:
        count = min(PER_DEAL, left)
        left -= count
        influencer = add_influencer(brand.id)
        channel = unique("bench_tg_")
        account = add_account(influencer, "telegram", handle=f"@{channel}")
        item_ids = [new_id() for _ in range(count)]
        deal = add_deal({"brand": brand}, influencer, status="in_progress", terms=dict(TERMS),
                        advertiser={"name": "ООО Ромашка", "inn": VALID_INN_COMPANY}, deliverable_ids=item_ids,
                        published_count=count)
        records = payment_ops.new_records(deal, published - timedelta(days=3))
        for record, (status, due_on, paid_on) in zip(records, [
                ("paid", (published - timedelta(days=2)).date(), (published - timedelta(days=1)).date()),
                ("due", (now + timedelta(days=9)).date(), None)]):
            record.status, record.due_on = status, due_on.isoformat()
            record.paid_on = paid_on.isoformat() if paid_on else None
            record.version = 1
            for name, value in deal_repo.payment_index_keys(record).items():
                setattr(record, name, value)
            payments.append(record)
        deal.update(actions=[DealItem.payment_ids.set([r.id for r in records])])
        for n, item_id in enumerate(item_ids, start=1):
            erid = f"{ERID}{n:02d}"
            post = PreviewPost(channel, n, GOOD_TEXT.replace(ERID, erid), published + timedelta(minutes=n))
            posts.append((post.channel, post.id, post.text, post.at))
            url = f"https://t.me/{channel}/{n}"
            text_hash = parse_message(widget_page(post), url).text_hash  # what the first check stored
            seen = iso(post.at + timedelta(minutes=5))
            item = DeliverableItem(*deal_repo.deliverable_key(item_id), id=item_id, deal_id=deal.id,
                                   brand_id=brand.id, influencer_id=influencer.id, account_id=account.id,
                                   platform="telegram", handle=account.handle, format="tg_post",
                                   publish_at=iso(post.at), wall=wall(post.at), timezone="Europe/Moscow", erid=erid,
                                   url=url, url_source="blogger", placement_round=1, published_at=iso(post.at),
                                   found_at=seen, last_seen_at=seen, text_hash=text_hash, check_result="pass",
                                   status="monitoring", created_at=stamp, updated_at=seen, version=3)
            for name, value in deal_repo.deliverable_index_keys(item).items():
                setattr(item, name, value)
            deliverables.append(item)
            due = post.at + timedelta(hours=3, minutes=5) + timedelta(seconds=rng.randrange(170 * 60))
            check = repo.new_check(check_id=repo.planned_id(item_id, 1, "retention", 1), item=item,
                                   deal_id=deal.id, round_=1, kind="retention", due=min(due, now), url=url)
            check.version = 1
            checks.append(check)
            check_ids.append(check.id)
            paths[f"/{channel}/{n}"] = check.id
    for model, items in ((DeliverableItem, deliverables), (PaymentRecord, payments), (CheckItem, checks)):
        with model.batch_write() as batch:
            for one in items:
                batch.save(one)
    return check_ids, paths, posts


def _checks(check_ids: list[str]) -> list:
    from chalicelib.placements import repo
    from chalicelib.placements.models import CheckItem

    return list(CheckItem.batch_get([repo.check_key(i) for i in check_ids], consistent_read=True))


def test_placement_checks_over_1000_due_checks(dynamodb, bench_results, monkeypatch):
    from chalicelib.core.clock import utcnow
    from chalicelib.core.settings import reset_settings
    from chalicelib.placements import jobs
    from tests.support.factories import make_brand

    brand = make_brand()
    now = utcnow()
    seeding = time.monotonic()
    check_ids, paths, posts = _seed(brand, now)
    seeded = time.monotonic() - seeding
    preview = FakeProcess(_preview, (LATENCY, posts), _hits)  # the preview in its own process
    try:
        preview.start()
        monkeypatch.setenv("TELEGRAM_WEB_BASE_URL", preview.url)
        reset_settings()
        sites: Counter | None = Counter() if PROFILE else None
        with dynamodb_calls(sites) as (calls, call_seconds):
            java_before, python_before = _cpu_seconds(dynamodb.process.pid), time.process_time()
            started = time.monotonic()
            summary = jobs.run(now=now)
            elapsed = time.monotonic() - started
            java_cpu = _cpu_seconds(dynamodb.process.pid) - java_before
            python_cpu = time.process_time() - python_before
        hits = preview.report()
    finally:
        preview.stop()
        monkeypatch.undo()
        reset_settings()
    widget = {path: n for path, n in hits.items() if not path.startswith("/s/")}
    stream = sum(n for path, n in hits.items() if path.startswith("/s/"))
    checks = _checks(check_ids)
    states = Counter((c.state, int(c.attempts or 0), c.result) for c in checks)
    twice = sum(1 for path in paths if widget.get(path, 0) > 1)
    never = sum(1 for path in paths if widget.get(path, 0) == 0)
    requests = sum(calls.values())
    line(f"seeded {CHECKS} due retention checks on {-(-CHECKS // PER_DEAL)} deals in {seeded:.1f} s")
    line(f"placement-checks over {CHECKS} due checks, preview answering in {LATENCY * 1000:.0f} ms, "
         f"CHECK_CONCURRENCY={jobs.CHECK_CONCURRENCY}: {elapsed:.1f} s, {summary}")
    line(f"preview requests: {sum(widget.values())} widget (posts fetched twice {twice}, never {never}), {stream} stream")
    line(f"checks: {dict(states)}")
    line(f"DynamoDB: {requests} requests ({requests / CHECKS:.1f} per check), "
         f"{sum(call_seconds.values()):.1f} s in calls over all threads; "
         + ", ".join(f"{op} {n} ({call_seconds[op] * 1000 / n:.1f} ms avg)" for op, n in calls.most_common()))
    line(f"CPU during the run: this process {python_cpu:.1f} s, DynamoDB Local {java_cpu:.1f} s "
         f"({os.cpu_count()} CPUs, {elapsed:.1f} s wall)")
    for site, n in (sites or Counter()).most_common():
        line(f"  {n / CHECKS:5.2f}/check  {site}")
    bench_results["placement_checks"] = {
        "checks": CHECKS, "latency_ms": LATENCY * 1000, "concurrency": jobs.CHECK_CONCURRENCY,
        "seconds": round(elapsed, 2), "summary": summary, "widget_requests": sum(widget.values()),
        "stream_requests": stream, "fetched_twice": twice, "never_fetched": never,
        "dynamodb_requests": dict(calls), "dynamodb_requests_per_check": round(requests / CHECKS, 1),
        "dynamodb_seconds_summed": round(sum(call_seconds.values()), 1), "cpu_seconds_python": round(python_cpu, 1),
        "cpu_seconds_dynamodb_local": round(java_cpu, 1)}
    assert sum(widget.values()) == CHECKS and twice == 0 and never == 0, (twice, never)
    assert len(checks) == CHECKS and states == {("done", 1, "pass"): CHECKS}, states
    assert summary == {"pass": CHECKS}, summary
    check_goal("placement-checks seconds for 1,000 due checks", elapsed, GOAL_SECONDS,
               "The run is bound by this process's CPU (the GIL; botocore costs ~2 ms of it per DynamoDB request): "
               "see the DynamoDB and CPU lines above, BENCH_PROFILE=1 for the call sites, and "
               "placements/jobs.py and runner.py (money() reads the deal's deliverables twice per check)")
